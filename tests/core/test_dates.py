"""Dates people type, read against a fixed "now": Sunday 22 Nov 2026 14:30, Sydney."""

from datetime import datetime, timedelta

import pytest
from dateutil import tz

from shadow.core.dates import (
    DateError,
    format_duration,
    format_span,
    parse_day,
    parse_duration,
    parse_moment,
    parse_when,
)

SYD = tz.gettz("Australia/Sydney")
NOW = datetime(2026, 11, 22, 14, 30, tzinfo=SYD)


def at(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=SYD)


PHRASES = [
    # (phrase, dayfirst, expected, has_time)
    ("today", True, at(2026, 11, 22), False),
    ("Today 16:00", True, at(2026, 11, 22, 16), True),
    ("tomorrow", True, at(2026, 11, 23), False),
    ("tomorrow 9am", True, at(2026, 11, 23, 9), True),
    ("tomorrow at 9:30am", True, at(2026, 11, 23, 9, 30), True),
    ("tomorrow 14:15", True, at(2026, 11, 23, 14, 15), True),
    ("yesterday", True, at(2026, 11, 21), False),
    ("tue 10:00", True, at(2026, 11, 24, 10), True),
    ("Tuesday 10am", True, at(2026, 11, 24, 10), True),
    ("next tue 2pm", True, at(2026, 11, 24, 14), True),
    ("sun", True, at(2026, 11, 29), False),  # today is Sunday: the next one
    ("mon noon", True, at(2026, 11, 23, 12), True),
    ("fri 3:45pm", True, at(2026, 11, 27, 15, 45), True),
    ("sat midday", True, at(2026, 11, 28, 12), True),
    ("next week", True, at(2026, 11, 23), False),
    ("next week 10:00", True, at(2026, 11, 23, 10), True),
    ("next month", True, at(2026, 12, 1), False),
    ("in 3 days", True, at(2026, 11, 25), False),
    ("in 3 days 11:00", True, at(2026, 11, 25, 11), True),
    ("in 2 weeks", True, at(2026, 12, 6), False),
    ("in a week", True, at(2026, 11, 29), False),
    ("in two weeks 9am", True, at(2026, 12, 6, 9), True),
    ("in a fortnight", True, at(2026, 12, 6), False),
    ("in 1 month", True, at(2026, 12, 22), False),
    ("in 2 hours", True, at(2026, 11, 22, 16, 30), True),
    ("in 90 minutes", True, at(2026, 11, 22, 16, 0), True),
    ("3 days ago", True, at(2026, 11, 19), False),
    ("end of month", True, at(2026, 11, 30), False),
    ("end of the month 15:00", True, at(2026, 11, 30, 15), True),
    ("end of next month", True, at(2026, 12, 31), False),
    ("2027-03-04", True, at(2027, 3, 4), False),
    ("2027-03-04", False, at(2027, 3, 4), False),  # ISO is always year-month-day
    ("2027-03-04 10:00", True, at(2027, 3, 4, 10), True),
    ("2027-03-04T10:00", False, at(2027, 3, 4, 10), True),
    ("4/3/2027", True, at(2027, 3, 4), False),
    ("4/3/2027", False, at(2027, 4, 3), False),
    ("24/11/2026 10:00", True, at(2026, 11, 24, 10), True),
    ("11/24/2026 10:00", False, at(2026, 11, 24, 10), True),
    ("24.11.26 9am", True, at(2026, 11, 24, 9), True),
    ("3/12", True, at(2026, 12, 3), False),
    ("3/1", True, at(2027, 1, 3), False),  # yearless and past: next year
    ("24 Nov 2026 10:00", True, at(2026, 11, 24, 10), True),
    ("Nov 24 10:00", True, at(2026, 11, 24, 10), True),
    ("24 november", True, at(2026, 11, 24), False),
    ("tue 24 nov 2pm", True, at(2026, 11, 24, 14), True),
    ("1 jan", True, at(2027, 1, 1), False),
    ("10:00", True, at(2026, 11, 23, 10), True),  # already past today: tomorrow
    ("16:00", True, at(2026, 11, 22, 16), True),
    ("on fri at 9am", True, at(2026, 11, 27, 9), True),
    ("now", True, at(2026, 11, 22, 14, 30), True),
]


@pytest.mark.parametrize(("phrase", "dayfirst", "expected", "has_time"), PHRASES)
def test_phrases(phrase, dayfirst, expected, has_time):
    moment = parse_moment(phrase, now_=NOW, dayfirst=dayfirst)
    assert (moment.value, moment.has_time) == (expected, has_time)
    assert moment.value.tzinfo is not None


def test_table_is_big_enough():
    assert len(PHRASES) >= 40


@pytest.mark.parametrize(
    ("phrase", "dayfirst", "words"),
    [
        ("", True, "a date is required"),
        ("whenever suits", True, "try e.g."),
        ("someday 10:00", True, "try e.g."),
        ("13/24/2026", True, "24 is not a month"),
        ("24/11/2026", False, "24 is not a month"),
        ("31/02/2027", True, "no such day"),
        ("2027-02-31", True, "no such day"),
        ("mon 24 nov 2026", True, "is a Tuesday, not a Monday"),
        ("tomorrow 25:00", True, "try e.g."),
        ("13pm", True, "is not a time"),
        ("tomorrow 9am 10am", True, "more than one time"),
        ("in many days", True, "expected e.g. 'in 3 days'"),
        ("in 2 hours 10:00", True, "offset in hours"),
    ],
)
def test_unreadable_phrases_say_what_was_expected(phrase, dayfirst, words):
    with pytest.raises(DateError, match=words):
        parse_moment(phrase, now_=NOW, dayfirst=dayfirst)


def test_booking_needs_a_time():
    assert parse_when("tue 10:00", now_=NOW) == at(2026, 11, 24, 10)
    with pytest.raises(DateError, match="add a start time, e.g. 'tue 10:00'"):
        parse_when("tue", now_=NOW)


def test_filters_can_look_back():
    assert parse_day("1 nov", now_=NOW, future=False) == at(2026, 11, 1).date()
    assert parse_day("1 nov", now_=NOW) == at(2027, 11, 1).date()


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("90m", 90),
        ("2h", 120),
        ("1h30", 90),
        ("1h 30m", 90),
        ("1.5h", 90),
        ("45 min", 45),
        ("2 hours", 120),
        ("1 hour 15 minutes", 75),
    ],  # fmt: skip
)
def test_durations(text, minutes):
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["", "soon", "0m", "90", "-2h", "1.25m", "400h"])
def test_bad_durations(text):
    with pytest.raises(DateError):
        parse_duration(text)


def test_interpreted_value_is_shown_plainly():
    start = parse_when("tue 10:00", now_=NOW)
    assert format_span(start, start + parse_duration("2h")) == "Tue 24 Nov 2026 10:00–12:00"
    assert format_duration(timedelta(minutes=90)) == "1h30"
