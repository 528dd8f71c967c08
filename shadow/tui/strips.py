"""Textual's ``Strip`` (one line of a paint) without seven caches made for every one.

Each ``Strip`` made seven ``FIFOCache`` objects in ``__init__``, to remember its crops,
divisions and styles. Most strips are made, painted once and dropped, using one cache or
none: a paint of a 160x50 page made ~2,000 strips and ~14,000 caches, 10-16% of the
layout pass under the profiler (``/tmp/b7/pagetl_prof1.py``, the visit page). Here each
cache is made the first time it is used, as Textual's ``Content`` already does with its
own. What is cached, and so what is painted, is unchanged.

``lazy_strip_caches()`` is applied once, when the TUI is imported, and only to the
``Strip`` it was written against (its slots and ``__init__``'s arguments checked); any
other version of Textual keeps its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from textual.cache import FIFOCache
from textual.strip import Strip

# Each cache and its size, as Textual 8.2's Strip.__init__ makes them.
CACHES = {
    "_divide_cache": 4,
    "_crop_cache": 16,
    "_style_cache": 16,
    "_filter_cache": 4,
    "_line_length_cache": 4,
    "_crop_extend_cache": 4,
    "_offsets_cache": 4,
}
OTHER_SLOTS = ("_segments", "_cell_length", "_render_cache", "_link_ids", "_cell_count")


def _made_when_used(slot, size: int) -> property:
    """The cache kept in ``slot`` (the slot's own descriptor), made on first use."""

    def cache(strip: Strip) -> FIFOCache:
        try:
            return slot.__get__(strip, Strip)
        except AttributeError:
            made = FIFOCache(size)
            slot.__set__(strip, made)
            return made

    return property(cache)


def _init(self: Strip, segments: Iterable[Segment], cell_length: int | None = None) -> None:
    self._segments = list(segments)
    self._cell_length = cell_length
    self._render_cache = None
    self._link_ids = None
    self._cell_count = None


def lazy_strip_caches() -> bool:
    """Make ``Strip``'s caches when first used; whether it was (or already is) done."""
    if getattr(Strip, "_shadow_lazy_caches", False):
        return True
    slots = set(getattr(Strip, "__slots__", ()))
    code = Strip.__init__.__code__
    if slots != set(CACHES) | set(OTHER_SLOTS) or code.co_varnames[:3] != (
        "self",
        "segments",
        "cell_length",
    ):
        return False  # (another Textual: left as it is)
    for name, size in CACHES.items():
        setattr(Strip, name, _made_when_used(Strip.__dict__[name], size))
    Strip.__init__ = _init  # type: ignore[method-assign]
    Strip._shadow_lazy_caches = True  # type: ignore[attr-defined]
    return True
