"""Dates people actually type: the one home for reading and showing them.

dateutil does the absolute forms (``24 Nov 2026 10:00``) and the arithmetic
(relativedelta); this layer adds the relative words its fuzzy mode gets wrong
(``tomorrow 9am``, ``tue 10:00``, ``in 2 weeks``, ``end of month``), reads
numeric dates strictly in the configured order (day-first by default, as in
Australia and the UK) and refuses what it cannot read with a message saying
what was expected. Nothing is guessed silently: callers show
:func:`format_moment` / :func:`format_span` of the result.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from .models import UserError

EXAMPLES = "e.g. 'tomorrow 9am', 'tue 10:00', '24/11/2026 14:00', 'in 3 days', '2027-03-04 10:00'"
DURATION_EXAMPLES = "e.g. 90m, 2h, 1h30"

WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2,
    "wednesday": 2, "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
UNITS = {
    "minute": "minutes", "minutes": "minutes", "min": "minutes", "mins": "minutes",
    "hour": "hours", "hours": "hours", "hr": "hours", "hrs": "hours",
    "day": "days", "days": "days", "week": "weeks", "weeks": "weeks",
    "fortnight": "fortnights", "fortnights": "fortnights",
    "month": "months", "months": "months", "year": "years", "years": "years",
}  # fmt: skip

# Digits are ASCII digits: "²", "①" or "٣" are not read as numbers (re.ASCII).
_TIME = re.compile(
    r"(?<![\d/.:-])(?:(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)"
    r"|(?P<h24>\d{1,2}):(?P<m24>\d{2})|(?P<word>noon|midday|midnight))(?![\d:])",
    re.ASCII,
)
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?", re.ASCII)
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

# The calendar shadow plans in: a date outside these years is refused, never computed
# with (year 1, year 9999 or "in 100000 years" is a typing slip, not a visit).
EARLIEST_YEAR = 1900
LATEST_YEAR = 2199
# The longest a single visit may be, whether given as a length or as an end.
MAX_DURATION = timedelta(days=14)


class DateError(UserError):
    """A phrase that could not be read; the message says what was expected."""


@dataclass(frozen=True)
class Moment:
    value: datetime  # timezone-aware
    has_time: bool


# ------------------------------------------------------------------ time zone
def zone_named(name: str) -> tzinfo | None:
    """The IANA zone ``name``, or None if there is none: zoneinfo's (dateutil 3's tz reads
    the same data; importing ``dateutil.tz`` cost every process ~25 ms)."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # (ZoneInfoNotFoundError is a KeyError)
        return None


def zone_name() -> str:
    """The IANA name of the zone visits are planned in (``TZ``, else the system's)."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name and zone_named(name) is not None:
        return name
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        return "UTC"
    parts = Path(target).parts
    if "zoneinfo" in parts:
        return "/".join(parts[parts.index("zoneinfo") + 1 :])
    return "UTC"


def local_zone() -> tzinfo:
    return zone_named(zone_name()) or UTC


def now() -> datetime:
    return datetime.now(local_zone()).replace(second=0, microsecond=0)


def aware(value: datetime, zone: tzinfo | None = None) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=zone or local_zone())


# ------------------------------------------------------------------ reading
def _fail(text: str, detail: str = "") -> DateError:
    detail = f" ({detail})" if detail else ""
    return DateError(f"cannot read {text!r} as a date{detail}: try {EXAMPLES}")


def _number(word: str) -> int | None:
    if re.fullmatch(r"[0-9]+", word):
        return int(word) if len(word) <= 12 else 10**12  # either way far out of the calendar
    return NUMBERS.get(word)


def _in_range(value: datetime, original: str) -> datetime:
    """``value`` if it lies in the years shadow plans in, else a clear refusal."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise DateError(
            f"{original.strip()!r} is {value:%Y}; dates run from {EARLIEST_YEAR} to {LATEST_YEAR}"
        )
    return value


def _too_far(original: str) -> DateError:
    return DateError(
        f"{original.strip()!r} is outside the calendar; dates run from {EARLIEST_YEAR} to {LATEST_YEAR}"
    )


def _take_time(text: str, original: str) -> tuple[str, time | None]:
    matches = list(_TIME.finditer(text))
    if not matches:
        return text, None
    if len(matches) > 1:
        raise _fail(original, "more than one time")
    m = matches[0]
    if m["word"]:
        at = time(12, 0) if m["word"] in ("noon", "midday") else time(0, 0)
    elif m["ampm"]:
        hour, minute = int(m["h"]), int(m["m"] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise _fail(original, f"{m.group(0)} is not a time")
        hour = hour % 12 + (12 if m["ampm"].startswith("p") else 0)
        at = time(hour, minute)
    else:
        hour, minute = int(m["h24"]), int(m["m24"])
        if hour > 23 or minute > 59:
            raise _fail(original, f"{m.group(0)} is not a time")
        at = time(hour, minute)
    rest = (text[: m.start()] + " " + text[m.end() :]).strip()
    return " ".join(rest.split()), at


def _numeric_date(
    m: re.Match[str], today: date, dayfirst: bool, future: bool, original: str
) -> date:
    a, b, y = int(m[1]), int(m[2]), m[3]
    day, month = (a, b) if dayfirst else (b, a)
    order = "day/month/year" if dayfirst else "month/day/year"
    if not 1 <= month <= 12:
        raise DateError(
            f"cannot read {original!r}: {month} is not a month (dates are {order}; "
            "change the order in settings, or write 2027-03-04)"
        )
    if y is None:
        year = today.year
    else:
        year = int(y) + (2000 if len(y) == 2 else 0)
    try:
        found = date(year, month, day)
    except ValueError:
        raise DateError(f"cannot read {original!r}: no such day ({order})") from None
    if y is None and future and found < today:
        found = found.replace(year=year + 1)
    return found


def _date_part(
    text: str, today: date, dayfirst: bool, future: bool, original: str
) -> tuple[date | None, relativedelta | None, bool]:
    """The day a phrase names, or the offset it asks for and whether that offset fixes a time."""
    words = text.split()
    if text in ("today", "now"):
        return today, None, False
    if text == "tomorrow":
        return today + timedelta(days=1), None, False
    if text == "yesterday":
        return today - timedelta(days=1), None, False
    if text in ("next week",):
        return today + relativedelta(weekday=0, days=+1), None, False
    if text == "next month":
        return today + relativedelta(months=1, day=1), None, False
    if text in ("end of month", "end of the month", "eom"):
        return today + relativedelta(day=31), None, False
    if text in ("end of next month",):
        return today + relativedelta(months=1, day=31), None, False
    if text in ("end of week", "end of the week"):
        return today + relativedelta(weekday=4), None, False
    if (
        len(words) in (1, 2)
        and words[-1] in WEEKDAYS
        and (len(words) == 1 or words[0] in ("next", "this", "on"))
    ):
        # the next such day after today (on a Tuesday, "tue" is a week away)
        return today + relativedelta(days=+1, weekday=WEEKDAYS[words[-1]]), None, False
    m = re.fullmatch(r"in (\w+) (\w+)|(\w+) (\w+) ago", text)
    if m:
        count = _number(m[1] or m[3])
        unit = UNITS.get(m[2] or m[4])
        if count is None or unit is None:
            raise _fail(original, "expected e.g. 'in 3 days' or '2 weeks ago'")
        sign = 1 if m[1] else -1
        if unit == "fortnights":
            unit, count = "weeks", count * 2
        return None, relativedelta(**{unit: sign * count}), unit in ("hours", "minutes")
    weekday = None
    if words and words[0] in WEEKDAYS and len(words) > 1:
        weekday, text = WEEKDAYS[words[0]], " ".join(words[1:])
    if _ISO.fullmatch(text):
        found = date.fromisoformat(text)
    elif nm := _NUMERIC_DATE.fullmatch(text):
        found = _numeric_date(nm, today, dayfirst, future, original)
    elif re.search(r"[a-z]", text) and re.fullmatch(r"[a-z0-9 ,]+", text):
        from dateutil import parser as du_parser  # (only here: it imports dateutil.tz)

        try:
            parsed = du_parser.parse(
                text, default=datetime(today.year, today.month, 1), dayfirst=dayfirst
            )
        except (ValueError, OverflowError):
            raise _fail(original) from None
        if not re.search(r"\d", text) or not re.search(
            r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", text
        ):
            raise _fail(original)
        found = parsed.date()
        if not re.search(r"\d{4}", text) and future and found < today:
            found = found.replace(year=found.year + 1)
    else:
        raise _fail(original)
    if weekday is not None and found.weekday() != weekday:
        raise DateError(
            f"cannot read {original!r}: {found:%d %b %Y} is a {found:%A}, not a "
            f"{date(2024, 1, 1 + weekday):%A}"
        )
    return found, None, False


def parse_moment(
    text: str,
    *,
    now_: datetime | None = None,
    dayfirst: bool = True,
    future: bool = True,
    day: date | None = None,
) -> Moment:
    """Read a date, with or without a time. ``future`` resolves yearless dates forward;
    ``day`` is the day of a time typed alone (default: the next such time from now).

    Returns a timezone-aware datetime (midnight when no time was given) and
    whether a time was given. Raises :class:`DateError`, also for dates outside
    EARLIEST_YEAR..LATEST_YEAR.
    """
    try:
        moment = _parse_moment(text, now_=now_, dayfirst=dayfirst, future=future, day=day)
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, DateError):
            raise
        raise _too_far(str(text)) from None
    _in_range(moment.value, str(text))
    return moment


def _parse_moment(
    text: str, *, now_: datetime | None, dayfirst: bool, future: bool, day: date | None = None
) -> Moment:
    original = text
    reference = aware(now_) if now_ is not None else now()
    text = " ".join((text or "").strip().lower().replace(",", " ").split())
    if not text:
        raise DateError(f"a date is required: {EXAMPLES}")
    if text == "now":
        return Moment(reference.replace(second=0, microsecond=0), True)
    zone = reference.tzinfo
    iso = re.fullmatch(
        r"(\d{4}-\d{2}-\d{2})(?:[t ](\d{2}:\d{2}(?::\d{2})?)([+-]\d{2}:?\d{2}|z)?)?",
        text,
        re.ASCII,
    )
    if iso:
        try:
            day = date.fromisoformat(iso[1])
        except ValueError:
            raise DateError(
                f"cannot read {original!r}: no such day (ISO dates are year-month-day)"
            ) from None
        if not iso[2]:
            return Moment(datetime.combine(day, time(0, 0), zone), False)
        try:
            value = datetime.fromisoformat(f"{iso[1]}T{iso[2]}{(iso[3] or '').upper()}")
        except ValueError:
            raise _fail(original) from None
        return Moment(aware(value, zone), True)
    rest, at = _take_time(text, original)
    rest = re.sub(r"^(at|on) | at$| at(?= )", "", rest).strip()
    today = reference.date()
    if not rest:
        if at is None:
            raise _fail(original)
        if day is not None:
            return Moment(datetime.combine(day, at, zone), True)
        candidate = datetime.combine(today, at, zone)
        if future and candidate <= reference:
            candidate += timedelta(days=1)
        return Moment(candidate, True)
    day, delta, fixes_time = _date_part(rest, today, dayfirst, future, original)
    if delta is not None:  # a relative offset: "in 3 days", "2 hours ago"
        if fixes_time:
            if at is not None:
                raise _fail(original, "a time and an offset in hours")
            return Moment((reference + delta).replace(second=0, microsecond=0), True)
        day = today + delta
    if at is None:
        return Moment(datetime.combine(day, time(0, 0), zone), False)
    return Moment(datetime.combine(day, at, zone), True)


def parse_when(
    text: str, *, now_: datetime | None = None, dayfirst: bool = True, day: date | None = None
) -> datetime:
    """A moment that must include a time (booking a visit). ``day``: where a time typed
    alone falls (booking from a calendar cell keeps that cell's day)."""
    moment = parse_moment(text, now_=now_, dayfirst=dayfirst, day=day)
    if not moment.has_time:
        raise DateError(
            f"{text.strip()!r} is {format_day(moment.value.date())}; add a start time, "
            f"e.g. '{text.strip()} 10:00'"
        )
    return moment.value


def parse_day(
    text: str, *, now_: datetime | None = None, dayfirst: bool = True, future: bool = True
) -> date:
    """A calendar day (due dates, filters). A time, if given, is ignored."""
    return parse_moment(text, now_=now_, dayfirst=dayfirst, future=future).value.date()


def parse_duration(text: str) -> timedelta:
    """``90m``, ``2h``, ``1h30``, ``1h 30m``, ``1.5h``, ``45 min``, ``2 hours``."""
    raw = " ".join((text or "").strip().lower().split())
    m = re.fullmatch(
        r"(?:(?P<h>\d{1,6}(?:\.\d{1,6})?)\s*(?:h|hr|hrs|hour|hours))?\s*"
        r"(?:(?P<m>\d{1,6})\s*(?:m|min|mins|minute|minutes)?)?",
        raw,
        re.ASCII,
    )
    if not raw or not m or (m["h"] is None and m["m"] is None):
        raise DateError(f"cannot read {text!r} as a duration: expected {DURATION_EXAMPLES}")
    if m["h"] is None and not re.search(r"[a-z]", raw):
        raise DateError(f"cannot read {text!r} as a duration: say 90m or 2h ({DURATION_EXAMPLES})")
    minutes = float(m["h"] or 0) * 60 + int(m["m"] or 0)
    if minutes <= 0 or minutes != int(minutes):
        raise DateError(f"cannot read {text!r} as a duration: expected {DURATION_EXAMPLES}")
    return check_duration(timedelta(minutes=int(minutes)), text)


def check_duration(length: timedelta, text: str) -> timedelta:
    """``length`` if a single visit may last that long (MAX_DURATION), else a refusal."""
    if length > MAX_DURATION:
        raise DateError(f"{text!r} is longer than two weeks; book it as a series instead")
    return length


# ------------------------------------------------------------------ showing
def format_day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


def format_moment(value: datetime) -> str:
    """``Tue 24 Nov 2026 10:00``"""
    return f"{format_day(value.date())} {value:%H:%M}"


def format_span(start: datetime, end: datetime) -> str:
    """``Tue 24 Nov 2026 10:00–12:00`` (the end's date too when it differs)."""
    if start.date() == end.date():
        return f"{format_moment(start)}–{end:%H:%M}"
    return f"{format_moment(start)} – {format_moment(end)}"


def format_duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours}h{minutes:02d}"
    return f"{hours}h" if hours else f"{minutes}m"


def to_iso(value: datetime) -> str:
    return aware(value).isoformat(timespec="minutes")


def from_iso(value: str) -> datetime:
    return aware(datetime.fromisoformat(value))


# ------------------------------------------------------------------ business days
def is_business_day(day: date, closures: frozenset[date] | set[date] = frozenset()) -> bool:
    """Monday to Friday, and not a configured closure day."""
    return day.weekday() < 5 and day not in closures


def add_business_days(
    start: datetime, days: int, closures: frozenset[date] | set[date] = frozenset()
) -> datetime:
    """The moment ``days`` business days after ``start`` (same time of day).

    Weekends and closures do not count; a clock started on one counts from the
    start of the next business day.
    """
    day = start.date()
    moved = not is_business_day(day, closures)
    while not is_business_day(day, closures):
        day += timedelta(days=1)
    remaining = days
    while remaining > 0:
        if remaining > 5:
            # Whole weeks hold five weekdays each: jump them, then give back any closures.
            weeks = (remaining - 1) // 5
            target = day + timedelta(weeks=weeks)
            remaining -= weeks * 5 - _closed_weekdays(day + timedelta(days=1), target, closures)
            day = target
        else:
            day += timedelta(days=1)
            if is_business_day(day, closures):
                remaining -= 1
    if moved:
        return datetime.combine(day, time(0, 0), start.tzinfo)
    return start + timedelta(days=(day - start.date()).days)


def business_days_between(
    a: datetime, b: datetime, closures: frozenset[date] | set[date] = frozenset()
) -> float:
    """Business time from ``a`` to ``b`` in days (negative when b is before a).

    Each business day counts as a whole 24 hours; weekends and closures count as nothing.
    """
    if b < a:
        return -business_days_between(b, a, closures)
    first, last = a.date(), b.date()
    if first > last:  # b is later but its zone puts it on an earlier date
        return 0.0
    if first == last:
        return (b - a).total_seconds() / 86400 if is_business_day(first, closures) else 0.0
    total = 0.0
    if is_business_day(first, closures):
        midnight = datetime.combine(first + timedelta(days=1), time(0, 0), a.tzinfo)
        total += (midnight - a).total_seconds() / 86400
    # The whole days in between count 1 each: counted, not walked (an old suggestion's
    # clock spans months, and the backlog computes 100,000 of them).
    total += _business_days_in(first + timedelta(days=1), last - timedelta(days=1), closures)
    if is_business_day(last, closures):
        total += (b - datetime.combine(last, time(0, 0), a.tzinfo)).total_seconds() / 86400
    return total


def _business_days_in(lo: date, hi: date, closures: frozenset[date] | set[date]) -> int:
    """How many business days there are from ``lo`` to ``hi`` inclusive."""
    if hi < lo:
        return 0
    weeks, extra = divmod((hi - lo).days + 1, 7)
    start = lo.weekday()
    count = weeks * 5 + sum(1 for i in range(extra) if (start + i) % 7 < 5)
    return count - _closed_weekdays(lo, hi, closures)


def _closed_weekdays(lo: date, hi: date, closures: frozenset[date] | set[date]) -> int:
    """How many closures fall on a weekday from ``lo`` to ``hi`` inclusive: two bisections
    in the sorted closures (ten years of them are asked about for every clock)."""
    if not closures or hi < lo:
        return 0
    days = _sorted_weekday_closures(
        closures if isinstance(closures, frozenset) else frozenset(closures)
    )
    return bisect_right(days, hi) - bisect_left(days, lo)


@lru_cache(maxsize=16)
def _sorted_weekday_closures(closures: frozenset[date]) -> tuple[date, ...]:
    return tuple(sorted(c for c in closures if c.weekday() < 5))
