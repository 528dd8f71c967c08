"""The service calendar: when the service desk is working, and arithmetic in working time.

A service-level clock counts only working time: the working hours of each weekday
(setting ``sla.hours``, default ``Mon-Fri 08:30-17:00``, read by the same opening-hours
parser departments use), minus the programme's closure days (setting ``closures``) and
the public holidays of a configured place (setting ``sla.holidays``, e.g. ``AU-WA`` =
country-subdivision, from the ``holidays`` package; default ``none``: a wrong country's
holidays would silently stop clocks on working days, so the place is asked for, not guessed).

Times are wall-clock hours in the installation's time zone; a day's working spans are
turned into absolute instants once, so daylight-saving changes are exact (a span across a
change is as long as the clock on the wall says it is, an hour shorter or longer). Each
year is built once into prefix sums of working seconds per day, so "working seconds
between" and "add N working hours" cost a couple of look-ups, not a walk.

(Over 500 lines: the calendar's one concept, its settings, arithmetic and the
``report calendar`` year, kept together.)
"""

from __future__ import annotations

import calendar as _stdcal
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .access import guarded
from .models import DAYS, UserError, format_hours, parse_hours

DEFAULT_HOURS = "Mon-Fri 08:30-17:00"
DEFAULT_HOLIDAYS = "none"
MAX_YEARS = 30  # adding working time gives up after this many years without enough of it


class CalendarError(UserError):
    """A calendar setting that cannot be used, in one line."""


# ------------------------------------------------------------------ settings
def parse_service_hours(text: str) -> dict[str, list[list[str]]]:
    """``Mon-Fri 08:30-17:00`` -> the opening-hours dict (the same parser as departments)."""
    try:
        hours = parse_hours(text)
    except ValueError as exc:
        raise CalendarError(f"sla.hours: {exc}") from None
    if not hours:
        raise CalendarError("sla.hours needs at least one working span, e.g. 'Mon-Fri 08:30-17:00'")
    return hours


def parse_place(text: str) -> str:
    """``AU-WA``, ``GB-ENG``, ``NZ`` or ``none`` -> the canonical form; refuses unknown places."""
    raw = (text or "").strip()
    if raw.lower() in ("none", "off", ""):
        return "none"
    country, _, subdiv = raw.replace("_", "-").partition("-")
    country = country.upper()
    import holidays

    supported = holidays.list_supported_countries()
    if country not in supported:
        raise CalendarError(
            f"sla.holidays: no public holidays known for {country!r}; give an ISO country code "
            "and optional subdivision, e.g. AU-WA, GB-ENG, NZ, or none"
        )
    if subdiv:
        codes = {s.upper(): s for s in supported[country]}
        if subdiv.upper() not in codes:
            known = ", ".join(supported[country][:12]) or "none"
            raise CalendarError(
                f"sla.holidays: {country} has no subdivision {subdiv!r} (known: {known})"
            )
        return f"{country}-{codes[subdiv.upper()]}"
    return country


@lru_cache(maxsize=256)
def holidays_for(place: str, year: int) -> tuple[tuple[date, str], ...]:
    """The public holidays of ``place`` in ``year``, by name (cached: built once per year)."""
    if place == "none":
        return ()
    import holidays

    country, _, subdiv = place.partition("-")
    found = holidays.country_holidays(country, subdiv=subdiv or None, years=year)
    return tuple(sorted((d, name) for d, name in found.items() if d.year == year))


# ------------------------------------------------------------------ the calendar
@dataclass
class _Year:
    first: date
    cum: list[float]  # working seconds before each day (len = days + 1)
    spans: list[tuple[tuple[float, float], ...]]  # each day's working intervals (POSIX seconds)
    working: list[int]  # day indexes that hold working time


@dataclass
class ServiceCalendar:
    """Working hours per weekday, closure days and public holidays, in one time zone."""

    hours: dict[str, list[list[str]]] = field(default_factory=lambda: parse_hours(DEFAULT_HOURS))
    closures: frozenset[date] = frozenset()
    place: str = DEFAULT_HOLIDAYS
    zone: tzinfo = field(default_factory=lambda: _zone(None))
    _years: dict[int, _Year] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._minutes = tuple(
            tuple((_minutes(s), _minutes(e)) for s, e in self.hours.get(day, [])) for day in DAYS
        )
        lengths = [sum(e - s for s, e in spans) * 60 for spans in self._minutes if spans]
        self._day_seconds = sum(lengths) / len(lengths) if lengths else 0.0
        self._positions: dict[float, tuple[int, float]] = {}  # instant -> (year, position)
        # day -> closed_reason (a calendar never changes once built: see calendar_for)
        self._reasons: dict[date, str] = {}
        self._closures_between: dict[tuple[date, date], tuple[str, ...]] = {}
        self._closure_days = sorted(self.closures)

    # ---------------------------------------------------------- days
    def describe_hours(self) -> str:
        return format_hours(self.hours)

    def holiday(self, day: date) -> str | None:
        """The public holiday's name on ``day``, if any."""
        for d, name in holidays_for(self.place, day.year):
            if d == day:
                return name
        return None

    def holidays(self, year: int) -> list[tuple[date, str]]:
        return list(holidays_for(self.place, year))

    def closed_reason(self, day: date) -> str:
        """Why ``day`` has no working time: a holiday's name, ``closure``, ``weekend``; "" if open."""
        reason = self._reasons.get(day)
        if reason is None:
            reason = self._reasons[day] = self._closed_reason(day)
        return reason

    def _closed_reason(self, day: date) -> str:
        name = self.holiday(day)
        if name and self._minutes[day.weekday()]:
            return name
        if day in self.closures and self._minutes[day.weekday()]:
            return "closure"
        return "" if self._minutes[day.weekday()] else "no working hours"

    def closures_between(self, first: date, last: date) -> tuple[str, ...]:
        """The public holidays (by name) and closures that take working days away from
        ``first`` to ``last`` (both included), each once in the order first met; weekends
        and other days without hours are not named (memoised; only the holiday and
        closure days in the stretch are looked at, not every day of it: a meeting pack
        asks for 5,000 stretches of up to 120 days)."""
        key = (first, last)
        found = self._closures_between.get(key)
        if found is None:
            days = {d for d in self._closure_days[bisect_left(self._closure_days, first) :]
                    if d <= last}  # fmt: skip
            for year in range(first.year, last.year + 1):
                days.update(d for d, _ in holidays_for(self.place, year) if first <= d <= last)
            reasons = (self.closed_reason(d) for d in sorted(days))
            found = tuple(dict.fromkeys(r for r in reasons if r and r != "no working hours"))
            self._closures_between[key] = found
        return found

    def is_working_day(self, day: date) -> bool:
        return bool(self._day_spans(day))

    @property
    def day_seconds(self) -> float:
        """The length of a standard working day: the mean over the weekdays that have hours."""
        return self._day_seconds

    def _holiday_days(self, year: int) -> frozenset[date]:
        return frozenset(d for d, _ in holidays_for(self.place, year))

    def _day_spans(self, day: date) -> tuple[tuple[float, float], ...]:
        y = self._year(day.year)
        return y.spans[(day - y.first).days]

    def _offset(self, ts: float) -> float:
        return datetime.fromtimestamp(ts, self.zone).utcoffset().total_seconds()  # type: ignore[union-attr]

    def _changes(self, lo: int, hi: int) -> tuple[float, list[tuple[int, float]]]:
        """The UTC offset in force at ``lo`` and each change of it up to ``hi``: (the first
        second of the new offset, the new offset). Found by reading the offset once a day
        and, where two readings differ, bisecting to the second it changed (one change
        between two readings a day apart, as in every zone; reading it at both ends of
        every day's window instead cost twice the reads)."""
        offset = self._offset(lo)
        first, changes = offset, []
        t = lo
        while t < hi:
            a, t = t, min(t + 86400, hi)
            now = self._offset(t)
            if now == offset:
                continue
            b = t
            while b - a > 1:
                mid = (a + b) // 2
                if self._offset(mid) == offset:
                    a = mid
                else:
                    b = mid
            changes.append((b, now))
            offset = now
        return first, changes

    def build_years(self, first: int, last: int) -> None:
        """Work out the years ``first`` to ``last`` now (each is otherwise worked out when
        a clock first reaches it, ~1 ms a year: ten years of a department's clocks were
        most of its card's first read). Kept with the calendar, as any year worked out."""
        for year in range(max(first, 1), min(last, 9998) + 1):
            self._year(year)

    def _year(self, year: int) -> _Year:
        found = self._years.get(year)
        if found is not None:
            return found
        first = date(year, 1, 1)
        days = (date(year + 1, 1, 1) - first).days
        closed = {(d - first).days for d in self.closures | self._holiday_days(year)}
        # Each day's midnight read as if it were UTC; the offsets in force from 16 hours
        # before it to 40 hours after (a wall span of any zone lands in there) decide
        # where its spans fall.
        base0 = _stdcal.timegm((year, 1, 1, 0, 0, 0))
        offset, changes = self._changes(base0 - 16 * 3600, base0 + (days - 1) * 86400 + 40 * 3600)
        weekday = first.weekday()
        walls = [tuple((s * 60, e * 60) for s, e in spans) for spans in self._minutes]
        cum = [0.0]
        spans: list[tuple[tuple[float, float], ...]] = []
        working = []
        k = 0  # the first change after the day's window opens
        total = 0.0
        for i in range(days):
            wall = walls[(weekday + i) % 7]
            if not wall or i in closed:
                spans.append(())
                cum.append(total)
                continue
            base = base0 + i * 86400
            lo, hi = base - 16 * 3600, base + 40 * 3600
            while k < len(changes) and changes[k][0] <= lo:
                offset = changes[k][1]
                k += 1
            if k < len(changes) and changes[k][0] <= hi:
                day_spans = _merged(self._across_changes(base, wall, lo, hi, offset, changes, k))
            elif len(wall) == 1:  # one span, one offset all day: nearly every day
                a, b = max(base + wall[0][0] - offset, lo), min(base + wall[0][1] - offset, hi)
                day_spans = ((a, b),) if a < b else ()
            else:
                out = [(max(base + s - offset, lo), min(base + e - offset, hi)) for s, e in wall]
                day_spans = _merged([(a, b) for a, b in out if a < b])
            spans.append(day_spans)
            day_total = sum(b - a for a, b in day_spans)
            if day_total:
                working.append(i)
            total += day_total
            cum.append(total)
        found = self._years[year] = _Year(first, cum, spans, working)
        return found

    @staticmethod
    def _across_changes(base, wall, lo, hi, offset, changes, k) -> list[tuple[float, float]]:
        """A day's spans where the UTC offset changes within its window: each wall span
        cut into the stretches of each offset."""
        regimes = []
        start = lo
        while k < len(changes) and changes[k][0] <= hi:
            regimes.append((start, changes[k][0], offset))
            start, offset = changes[k]
            k += 1
        regimes.append((start, hi, offset))
        out = []
        for s, e in wall:
            for r_lo, r_hi, r_offset in regimes:
                a, b = max(base + s - r_offset, r_lo), min(base + e - r_offset, r_hi)
                if a < b:
                    out.append((a, b))
        return out

    # ---------------------------------------------------------- instants
    def _local_date(self, ts: float) -> date:
        return datetime.fromtimestamp(ts, self.zone).date()

    def _position(self, ts: float, day: date | None = None) -> tuple[int, float]:
        """(year, working seconds from that year's start up to the instant); ``day``: its
        local date, if the caller has it."""
        found = self._positions.get(ts)
        if found is not None:
            return found
        if len(self._positions) > 250_000:
            self._positions.clear()
        found = self._positions[ts] = self._position_of(ts, day)
        return found

    def _position_of(self, ts: float, day: date | None = None) -> tuple[int, float]:
        day = day or self._local_date(ts)
        y = self._year(day.year)
        i = (day - y.first).days
        within = 0.0
        for a, b in y.spans[i]:
            if ts <= a:
                break
            within += min(ts, b) - a
        return day.year, y.cum[i] + within

    def working_seconds(self, a: datetime, b: datetime) -> float:
        """Working time from ``a`` to ``b`` in seconds (negative when ``b`` is before ``a``)."""
        ta, tb = a.timestamp(), b.timestamp()
        if tb < ta:
            return -self.working_seconds(b, a)
        ya, pa = self._position(ta)
        yb, pb = self._position(tb)
        if ya == yb:
            return pb - pa
        total = self._year(ya).cum[-1] - pa + pb
        for y in range(ya + 1, yb):
            total += self._year(y).cum[-1]
        return total

    def add_working(self, start: datetime, seconds: float) -> datetime:
        """The earliest moment by which ``seconds`` of working time have passed since ``start``."""
        if seconds < 0:
            raise ValueError("add_working takes a positive amount of time")
        if seconds == 0:
            return start
        year, position = self._position(start.timestamp())
        target = position + seconds
        for _ in range(MAX_YEARS):
            y = self._year(year)
            if target <= y.cum[-1]:
                j = bisect_left(y.cum, target)  # cum[j-1] < target <= cum[j]
                rest = target - y.cum[j - 1]
                for a, b in y.spans[j - 1]:
                    if rest <= b - a:
                        return datetime.fromtimestamp(a + rest, self.zone)
                    rest -= b - a
                a, b = y.spans[j - 1][-1]  # rounding: the day's last working instant
                return datetime.fromtimestamp(b, self.zone)
            target -= y.cum[-1]
            year += 1
        raise CalendarError(f"the service calendar has no working time for {MAX_YEARS} years")

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The moment ``days`` working days after ``start``, at the same point of the working day.

        A start outside working hours counts from the next working moment: raised on
        Saturday (or before opening on Monday) with 1 working day, it is due at Monday's close.
        """
        if days <= 0:
            return start
        ts = start.timestamp()
        day = self._local_date(ts)
        y = self._year(day.year)
        index = (day - y.first).days
        spans = y.spans[index]
        position = 0.0
        for a, b in spans:
            if ts <= a:
                break
            position += min(ts, b) - a
        total = y.cum[index + 1] - y.cum[index]
        if not spans or position >= total:  # closed, or after hours: due at a day's close
            year, target = self._nth_working_after(day.year, index, days)
            return self._close(year, target)
        if position == 0:  # before opening: today is the first of the days
            year, target = self._nth_working_after(day.year, index, days - 1)
            return self._close(year, target)
        year, target = self._nth_working_after(day.year, index, days)
        rest = position
        target_spans = self._year(year).spans[target]
        for a, b in target_spans:
            if rest <= b - a:
                return datetime.fromtimestamp(a + rest, self.zone)
            rest -= b - a
        return datetime.fromtimestamp(target_spans[-1][1], self.zone)  # a shorter day: its close

    def working_days_seconds(self, start: datetime, days: int) -> float:
        """``working_seconds(start, add_working_days(start, days))``: the working seconds of
        a target of ``days`` working days from ``start``, read off the prefix sums without
        making the due moment (ten years of stopped clocks' targets). A start at a whole
        second makes every figure a whole number of seconds, so this is exactly what the
        long way gives; other starts take the long way."""
        ts = start.timestamp()
        if days <= 0 or ts != int(ts):
            return self.working_seconds(start, self.add_working_days(start, days))
        day = self._local_date(ts)
        y = self._year(day.year)
        index = (day - y.first).days
        year_a, pos_a = self._position(ts, day)
        position = pos_a - y.cum[index]  # (the start's working seconds into its day)
        total = y.cum[index + 1] - y.cum[index]
        at_close = not y.spans[index] or position >= total or position == 0
        steps = days - 1 if position == 0 and y.spans[index] else days
        year_b, target = self._nth_working_after(day.year, index, steps)
        yb = self._year(year_b)
        # (as add_working_days: the same point of the target day, or its close)
        within = yb.cum[target + 1] - yb.cum[target]
        pos_b = yb.cum[target] + (within if at_close else min(position, within))
        if year_a == year_b:
            return pos_b - pos_a
        seconds = self._year(year_a).cum[-1] - pos_a + pos_b
        for between in range(year_a + 1, year_b):
            seconds += self._year(between).cum[-1]
        return seconds

    def _nth_working_after(self, year: int, index: int, n: int) -> tuple[int, int]:
        """(year, day index) of the n-th working day after the given day (n = 0: that day)."""
        if n == 0:
            return year, index
        for _ in range(MAX_YEARS + 1):
            y = self._year(year)
            k = bisect_right(y.working, index)
            if k + n - 1 < len(y.working):
                return year, y.working[k + n - 1]
            n -= len(y.working) - k
            year, index = year + 1, -1
        raise CalendarError(f"the service calendar has no working time for {MAX_YEARS} years")

    def _close(self, year: int, index: int) -> datetime:
        return datetime.fromtimestamp(self._year(year).spans[index][-1][1], self.zone)


def _merged(spans: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """Spans sorted, overlapping and touching ones joined."""
    spans.sort()
    merged: list[tuple[float, float]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return tuple(merged)


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _zone(name: str | None) -> tzinfo:
    from .dates import zone_name

    try:
        return ZoneInfo(name or zone_name())
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# ------------------------------------------------------------------ from the database
def calendar_for(store) -> ServiceCalendar:
    """The installation's service calendar, from its settings."""
    from .settings import closures

    raw = store.setting("sla.hours")
    hours = raw if isinstance(raw, dict) and raw else parse_hours(DEFAULT_HOURS)
    place = store.setting("sla.holidays") or DEFAULT_HOLIDAYS
    zone = _zone(None)
    closed = closures(store)
    key = (format_hours(hours), closed, place, str(zone))
    found = _CALENDARS.get(key)
    if found is None:  # built years are kept while the settings stay the same
        if len(_CALENDARS) > 16:
            _CALENDARS.clear()
        found = _CALENDARS[key] = ServiceCalendar(hours=hours, closures=closed, place=place, zone=zone)  # fmt: skip
    return found


_CALENDARS: dict[tuple, ServiceCalendar] = {}


@guarded("settings")
def set_hours(store, actor: str, text: str) -> str:
    hours = parse_service_hours(text)
    with store.transaction(actor) as tx:
        tx.set_setting("sla.hours", hours)
    return format_hours(hours)


@guarded("settings")
def set_place(store, actor: str, text: str) -> str:
    place = parse_place(text)
    with store.transaction(actor) as tx:
        tx.set_setting("sla.holidays", place)
    return place


@dataclass(frozen=True)
class CalendarYear:
    """``shadow report calendar``: one year of the service calendar."""

    year: int
    zone: str
    hours: str
    place: str
    holidays: list[tuple[date, str, bool]]  # day, name, falls on a working weekday
    closures: list[date]
    working_days: int
    working_hours: float

    def to_json(self) -> dict:
        return {
            "year": self.year,
            "zone": self.zone,
            "hours": self.hours,
            "holidays_place": self.place,
            "holidays": [
                {"date": d.isoformat(), "name": n, "stops_clocks": w} for d, n, w in self.holidays
            ],
            "closures": [d.isoformat() for d in self.closures],
            "working_days": self.working_days,
            "working_hours": round(self.working_hours, 2),
        }


def calendar_year(store, year: int) -> CalendarYear:
    cal = calendar_for(store)
    y = cal._year(year)
    weekdays_with_hours = {i for i, spans in enumerate(cal._minutes) if spans}
    return CalendarYear(
        year=year,
        zone=str(cal.zone),
        hours=cal.describe_hours(),
        place=cal.place,
        holidays=[(d, n, d.weekday() in weekdays_with_hours) for d, n in cal.holidays(year)],
        closures=sorted(d for d in cal.closures if d.year == year),
        working_days=len(y.working),
        working_hours=y.cum[-1] / 3600,
    )
