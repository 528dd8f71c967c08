"""The service calendar against a minute-by-minute and day-by-day walk (property tests).

The walk knows nothing of the calendar's prefix sums or UTC intervals: an instant is
working time when the wall clock in the zone shows a working day (not a weekend, closure
or public holiday) and a time inside one of that weekday's spans.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shadow.core.calendar import (
    CalendarError,
    ServiceCalendar,
    holidays_for,
    parse_place,
    parse_service_hours,
)
from shadow.core.models import DAYS

MINUTE = 60
# Hours chosen to straddle the small-hours clock changes too (London changes at 01:00 UTC,
# Sydney at 02:00/03:00 local), so spans that lose or gain an hour are exercised.
HOURS = [
    "Mon-Fri 08:30-17:00",
    "Mon-Fri 09:00-12:30; Mon-Fri 13:30-17:30; Sat 10:00-14:00",
    "Mon-Sun 00:30-04:00; Mon-Sun 20:00-23:30",
    "Sun 01:00-03:00; Wed 07:00-19:00",
    "Mon-Sun 00:00-23:59",
]
ZONES = ["Europe/London", "Australia/Sydney"]
PLACES = {"Europe/London": "GB-ENG", "Australia/Sydney": "AU-NSW"}
# Days around each DST change in 2026/2027 (both hemispheres), plus Easter and Christmas.
ANCHORS = [
    datetime(2026, 3, 29, tzinfo=UTC),
    datetime(2026, 10, 25, tzinfo=UTC),
    datetime(2026, 4, 5, tzinfo=UTC),
    datetime(2026, 10, 4, tzinfo=UTC),
    datetime(2026, 12, 25, tzinfo=UTC),
    datetime(2027, 3, 28, tzinfo=UTC),
    datetime(2026, 12, 31, 12, tzinfo=UTC),
]


class Walk:
    """The definition, one minute at a time."""

    def __init__(self, cal: ServiceCalendar, hours: dict, closed: set[date], place: str):
        self.zone = cal.zone
        self.spans = {
            i: [(_m(s), _m(e)) for s, e in hours.get(day, [])] for i, day in enumerate(DAYS)
        }
        self.closed = set(closed)
        for year in (2025, 2026, 2027, 2028):
            self.closed |= {d for d, _ in holidays_for(place, year)}

    def working(self, ts: float) -> bool:
        local = datetime.fromtimestamp(ts, self.zone)
        if local.date() in self.closed:
            return False
        minute = local.hour * 60 + local.minute
        return any(s <= minute < e for s, e in self.spans[local.weekday()])

    def seconds(self, a: float, b: float) -> float:
        return sum(MINUTE for t in range(int(a), int(b), MINUTE) if self.working(t))

    def add(self, a: float, seconds: float) -> float:
        t, left = int(a), seconds
        while left > 0:
            if self.working(t):
                left -= MINUTE
            t += MINUTE
        return t

    def day_minutes(self, day: date) -> list[int]:
        """The instants (minute starts) of one local day that are working time."""
        start = datetime(day.year, day.month, day.day, tzinfo=self.zone).timestamp() - 4 * 3600
        out = []
        for t in range(int(start), int(start) + 32 * 3600, MINUTE):
            if datetime.fromtimestamp(t, self.zone).date() == day and self.working(t):
                out.append(t)
        return out

    def add_days(self, a: float, n: int) -> float:
        day = datetime.fromtimestamp(a, self.zone).date()
        minutes = self.day_minutes(day)
        position = sum(1 for t in minutes if t < a)
        if not minutes or position == len(minutes):
            steps, at_close = n, True
        elif position == 0:
            steps, at_close = n - 1, True
        else:
            steps, at_close = n, False
        while steps:
            day += timedelta(days=1)
            if self.day_minutes(day):
                steps -= 1
        while not self.day_minutes(day):  # only when steps was 0 from a closed day
            day += timedelta(days=1)
        target = self.day_minutes(day)
        if at_close or position >= len(target):
            return target[-1] + MINUTE
        return target[position - 1] + MINUTE


def _m(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _calendar(hours_text, zone, closures, place):
    hours = parse_service_hours(hours_text)
    cal = ServiceCalendar(
        hours=hours, closures=frozenset(closures), place=place, zone=ZoneInfo(zone)
    )
    return cal, Walk(cal, hours, set(closures), place)


instants = st.builds(
    lambda anchor, minutes: anchor + timedelta(minutes=minutes),
    st.sampled_from(ANCHORS),
    st.integers(min_value=-3 * 24 * 60, max_value=3 * 24 * 60),
)
setups = st.tuples(
    st.sampled_from(HOURS),
    st.sampled_from(ZONES),
    st.lists(st.dates(min_value=date(2026, 3, 20), max_value=date(2027, 4, 5)), max_size=6),
    st.booleans(),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(setups, instants, st.integers(min_value=0, max_value=6 * 24 * 60))
def test_working_seconds_match_the_minute_walk(setup, start, minutes):
    hours, zone, closures, with_holidays = setup
    cal, walk = _calendar(hours, zone, closures, PLACES[zone] if with_holidays else "none")
    end = start + timedelta(minutes=minutes)
    expected = walk.seconds(start.timestamp(), end.timestamp())
    assert cal.working_seconds(start, end) == expected
    assert cal.working_seconds(end, start) == -expected


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(setups, instants, st.integers(min_value=1, max_value=40 * 60))
def test_adding_working_time_matches_the_minute_walk(setup, start, minutes):
    hours, zone, closures, with_holidays = setup
    cal, walk = _calendar(hours, zone, closures, PLACES[zone] if with_holidays else "none")
    due = cal.add_working(start, minutes * MINUTE)
    assert due.timestamp() == walk.add(start.timestamp(), minutes * MINUTE)
    assert cal.working_seconds(start, due) == minutes * MINUTE


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(setups, instants, st.integers(min_value=1, max_value=6))
def test_adding_working_days_matches_the_day_walk(setup, start, days):
    hours, zone, closures, with_holidays = setup
    cal, walk = _calendar(hours, zone, closures, PLACES[zone] if with_holidays else "none")
    due = cal.add_working_days(start, days)
    assert due.timestamp() == walk.add_days(start.timestamp(), days)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(setups, instants, st.integers(min_value=0, max_value=30), st.sampled_from([0, 0, 0.5]))
def test_working_days_seconds_are_what_the_due_moment_gives(setup, start, days, extra):
    """A stopped clock's days target in working seconds, read off the prefix sums, is
    exactly the working time up to the due moment ``add_working_days`` gives (a start at
    a fraction of a second takes that way itself)."""
    hours, zone, closures, with_holidays = setup
    cal, _ = _calendar(hours, zone, closures, PLACES[zone] if with_holidays else "none")
    start += timedelta(seconds=extra)
    long_way = cal.working_seconds(start, cal.add_working_days(start, days))
    assert cal.working_days_seconds(start, days) == long_way


def test_working_days_seconds_across_years_and_from_closed_and_after_hours_starts():
    cal, _ = _calendar("Mon-Fri 20:00-23:59", "Australia/Sydney", [], "AU-NSW")
    sydney = ZoneInfo("Australia/Sydney")
    for start in (
        datetime(2026, 12, 30, 21, 0, tzinfo=sydney),
        datetime(2026, 12, 31, 23, 59, tzinfo=sydney),  # at the close
        datetime(2026, 12, 31, 12, 0, tzinfo=sydney),  # before opening: today is the first
        datetime(2026, 12, 26, 21, 0, tzinfo=sydney),  # a holiday (and a Saturday)
        datetime(2025, 12, 31, 20, 0, tzinfo=sydney),
    ):
        for days in (1, 2, 400):
            long_way = cal.working_seconds(start, cal.add_working_days(start, days))
            assert cal.working_days_seconds(start, days) == long_way, (start, days)


# Zones whose offset changes the way few do: at midnight (the day starts at 01:00), by
# half an hour, a whole day skipped, and summer time begun and called off a week later.
ODD_CHANGES = [
    ("America/Sao_Paulo", datetime(2018, 11, 4, tzinfo=UTC)),
    ("America/Sao_Paulo", datetime(2019, 2, 17, tzinfo=UTC)),
    ("Australia/Lord_Howe", datetime(2026, 10, 4, tzinfo=UTC)),
    ("Australia/Lord_Howe", datetime(2026, 4, 5, tzinfo=UTC)),
    ("Pacific/Apia", datetime(2011, 12, 30, tzinfo=UTC)),
    ("America/Recife", datetime(2000, 10, 8, tzinfo=UTC)),
    ("America/Recife", datetime(2000, 10, 15, tzinfo=UTC)),
]


@pytest.mark.parametrize("zone, anchor", ODD_CHANGES)
@pytest.mark.parametrize(
    "hours", ["Mon-Sun 00:00-23:59", "Mon-Sun 00:30-04:00; Mon-Sun 20:00-23:30"]
)
def test_odd_offset_changes_match_the_minute_walk(zone, anchor, hours):
    """Each year's offsets are read once a day and bisected where they change: changes a
    week apart, at midnight, of half an hour or of a whole day come out as the wall clock
    has them, minute by minute across four days."""
    cal, walk = _calendar(hours, zone, [], "none")
    first = int(anchor.timestamp()) - 2 * 24 * 3600
    for t in range(first, first + 4 * 24 * 3600, MINUTE):
        a = datetime.fromtimestamp(t, UTC)
        expected = MINUTE if walk.working(t) else 0
        assert cal.working_seconds(a, a + timedelta(minutes=1)) == expected, a


def test_dst_days_are_as_long_as_the_wall_clock_says():
    # Europe/London: 29 Mar 2026 loses the hour 01:00-02:00, 25 Oct 2026 repeats it.
    cal, _ = _calendar("Sun 00:30-04:00", "Europe/London", [], "none")
    london = ZoneInfo("Europe/London")

    def day(d):
        return cal.working_seconds(
            datetime(d.year, d.month, d.day, tzinfo=london),
            datetime(d.year, d.month, d.day, 23, tzinfo=london),
        )

    assert day(date(2026, 3, 22)) == 3.5 * 3600
    assert day(date(2026, 3, 29)) == 2.5 * 3600
    assert day(date(2026, 10, 25)) == 4.5 * 3600


def test_default_week_weekend_and_holidays_by_name():
    cal, _ = _calendar("Mon-Fri 08:30-17:00", "Australia/Perth", [date(2026, 12, 24)], "AU-WA")
    perth = ZoneInfo("Australia/Perth")
    fri = datetime(2026, 12, 18, 16, tzinfo=perth)
    # Fri 16:00 + 8.5h: 1h on Friday, Mon 21 (8.5h) -> Mon 16:00
    assert cal.add_working(fri, 8.5 * 3600) == datetime(2026, 12, 21, 16, tzinfo=perth)
    # Thu 24 is a closure, Fri 25 Christmas, Mon 28 Boxing Day (observed): Wed 23 -> Tue 29
    wed = datetime(2026, 12, 23, 10, tzinfo=perth)
    assert cal.add_working_days(wed, 1) == datetime(2026, 12, 29, 10, tzinfo=perth)
    assert cal.closed_reason(date(2026, 12, 25)) == "Christmas Day"
    assert cal.closed_reason(date(2026, 12, 24)) == "closure"
    assert cal.closed_reason(date(2026, 12, 26)) == "no working hours"  # a Saturday
    # holidays and closures that take working days, each once, in the order met; both
    # ends included; weekends (Boxing Day on the Saturday itself) not named
    between = ("closure", "Christmas Day", "Boxing Day (observed)")
    assert cal.closures_between(date(2026, 12, 23), date(2026, 12, 28)) == between
    assert cal.closures_between(date(2026, 12, 23), date(2026, 12, 28)) == between  # memoised
    assert cal.closures_between(date(2026, 12, 24), date(2026, 12, 24)) == ("closure",)
    assert cal.closures_between(date(2026, 12, 22), date(2026, 12, 23)) == ()
    assert cal.closures_between(date(2026, 12, 25), date(2026, 12, 24)) == ()
    # the same as naming each day of the stretch
    for first in (date(2026, 1, 1) + timedelta(days=n) for n in range(0, 700, 9)):
        last = first + timedelta(days=(first.toordinal() * 7) % 130)
        days = (first + timedelta(days=i) for i in range((last - first).days + 1))
        walked = [cal.closed_reason(d) for d in days]
        assert cal.closures_between(first, last) == tuple(
            dict.fromkeys(r for r in walked if r and r != "no working hours")
        )
    assert cal.holiday(date(2026, 6, 1)) == "Western Australia Day"
    assert cal.day_seconds == 8.5 * 3600
    # a Saturday start counts from Monday's opening: due at Monday's close
    sat = datetime(2026, 12, 5, 11, tzinfo=perth)
    assert cal.add_working_days(sat, 1) == datetime(2026, 12, 7, 17, tzinfo=perth)


def test_long_spans_cross_years_cheaply_and_exactly():
    cal, walk = _calendar("Mon-Fri 08:30-17:00", "Europe/London", [], "GB-ENG")
    a = datetime(2025, 11, 3, 9, tzinfo=UTC)
    b = datetime(2027, 2, 1, 12, tzinfo=UTC)
    days = 0
    d = date(2025, 11, 4)
    while d < date(2027, 2, 1):
        days += cal.is_working_day(d)
        d += timedelta(days=1)
    # Mon 3 Nov 2025 09:00 UTC = 09:00 GMT: 8h that day; 1 Feb 2027 12:00 GMT: 3.5h
    assert cal.working_seconds(a, b) == (8 + days * 8.5 + 3.5) * 3600
    assert cal.add_working(a, cal.working_seconds(a, b)) == b


def test_settings_are_read_strictly():
    assert parse_place("au-wa") == "AU-WA"
    assert parse_place("none") == "none"
    assert parse_place("NZ") == "NZ"
    for bad in ("XX", "AU-ZZ", "Narnia"):
        with pytest.raises(CalendarError):
            parse_place(bad)
    assert parse_service_hours("mon-fri 8:30-17:00") == {
        d: [["08:30", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")
    }
    for bad in ("", "Mon-Fri 17:00-08:30", "Funday 09:00-10:00"):
        with pytest.raises(CalendarError):
            parse_service_hours(bad)


def test_a_calendar_without_working_time_refuses_instead_of_looping():
    cal, _ = _calendar("Mon 09:00-10:00", "Europe/London", [], "none")
    every_monday = frozenset(date(2026, 1, 5) + timedelta(weeks=w) for w in range(52 * 32))
    closed = ServiceCalendar(hours=cal.hours, closures=every_monday, zone=ZoneInfo("UTC"))
    with pytest.raises(CalendarError):
        closed.add_working(datetime(2026, 1, 1, tzinfo=UTC), 3600)
