"""Occurrences by day: every visit read once, so that "what is on the calendar between
these two moments" does not walk ten years of visits again.

:func:`shadow.core.schedule.occurrences` parses the start and end of every visit of the
archive on each call (40,000 visits at 150,000 records: about 0.3 s a call, three calls
for the Dashboard, one per keystroke in the Schedule's filter). An :class:`OccurrenceIndex`
parses them once (in a screen's loader thread) and keeps the one-off visits sorted by
start, so a window is found by bisection; series (and overrides whose series is gone)
are expanded per window as before. ``index.between(lo, hi)`` returns exactly what
``occurrences(store, lo, hi, visits)`` returns for the same visits.

The visits it holds are the read's own: treat them as read-only. :meth:`OccurrenceIndex.shared`
is one index of every stored visit per change of the database (``Store.derived``), which the
Dashboard, the Schedule, coverage and the meeting pack read alike: the first of them to
read after a change builds it, the others take it as built.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import datetime, timedelta
from typing import Any

from .dates import from_iso
from .models import Visit
from .schedule import Occurrence, expand
from .store import Store


def _get(visit: Visit | dict[str, Any], name: str) -> Any:
    return visit.get(name) if isinstance(visit, dict) else getattr(visit, name)


_SHARED = ("occurrence-index",)  # the shared index's key in Store.derived


class OccurrenceIndex:
    """The visits of one read, ready to answer windows quickly."""

    def __init__(self, visits: list[Visit | dict[str, Any]]) -> None:
        # Visits, or stored documents (``read``): a one-off visit's document becomes a
        # Visit only when a window asks for it (not 40,000 of them per read).
        self._objects = list(visits)  # (its documents become Visits here, not the caller's)
        overrides: dict[int, dict[str, Visit]] = {}
        built: list[Visit] = []  # series and overrides, in the order given
        series_ids = set()  # the ids of every visit that is not an override
        singles: list[tuple[datetime, datetime, int]] = []
        for n, v in enumerate(self._objects):  # (one pass; documents read as they are)
            if isinstance(v, dict):
                vid, series_id, rrule = v.get("id"), v.get("series_id"), v.get("rrule")
            else:
                vid, series_id, rrule = v.id, v.series_id, v.rrule
            if series_id is None:
                series_ids.add(vid)
            if series_id is not None or rrule:
                visit = v if isinstance(v, Visit) else Visit.from_doc(v)
                built.append(visit)
                if visit.series_id is not None:
                    overrides.setdefault(visit.series_id, {})[visit.occurrence] = visit
            else:
                singles.append((from_iso(_get(v, "start")), from_iso(_get(v, "end")), n))
        # (visit, its overrides) of everything expanded per window: series, and overrides
        # whose series vanished (shown on their own, as occurrences() does).
        self._expanded: list[tuple[Visit, dict[str, Visit] | None]] = []
        for visit in built:
            if visit.series_id is not None:
                if visit.series_id not in series_ids:
                    self._expanded.append((visit, None))
            else:
                self._expanded.append((visit, overrides.get(visit.id or 0)))
        # every series by id (a row's "repeats" says how its series repeats)
        self.series: dict[int, Visit] = {
            visit.id: visit for visit, _ in self._expanded if visit.id is not None and visit.rrule
        }
        singles.sort(key=lambda s: s[0])
        self._singles = singles
        self._starts = [s[0] for s in singles]
        self._longest = max((end - start for start, end, _ in singles), default=timedelta(0))

    @classmethod
    def read(cls, store: Store) -> OccurrenceIndex:
        """The index of every visit in ``store``."""
        return cls(store.all(Visit.TABLE))

    @classmethod
    def shared(cls, store: Store) -> OccurrenceIndex:
        """The index of every visit in ``store`` as of its last change (ours or another
        process's), built once per change and shared by every reader (``Store.derived``):
        40,000 visits at 150,000 records are parsed once, not once per screen."""
        return store.derived(_SHARED, lambda: cls.read(store))  # type: ignore[return-value]

    @staticmethod
    def kept(store: Store) -> OccurrenceIndex | None:
        """The shared index if a reader built it since the last change, else None (for a
        reader that needs one window and would not build an index of every visit for it:
        the meeting pack, read by the CLI too)."""
        return store.derived(_SHARED)

    def __len__(self) -> int:
        """How many visits it was made of (series, overrides and one-off visits)."""
        return len(self._objects)

    def _visit(self, n: int) -> Visit:
        v = self._objects[n]
        if not isinstance(v, Visit):
            v = self._objects[n] = Visit.from_doc(v)
        return v

    def between(self, window_start: datetime, window_end: datetime) -> list[Occurrence]:
        """Everything on the calendar in [window_start, window_end), series expanded,
        sorted by start (then visit id), as :func:`schedule.occurrences`."""
        lo = bisect_left(self._starts, window_start - self._longest)
        hi = bisect_left(self._starts, window_end)
        # ((start, visit id) is unique, so the order of the pieces does not matter)
        out = [
            Occurrence(self._visit(n), start, end)
            for start, end, n in self._singles[lo:hi]
            if end > window_start
        ]
        for visit, overrides in self._expanded:
            out.extend(expand(visit, window_start, window_end, overrides))
        return sorted(out, key=lambda o: (o.start, o.visit.id or 0))
