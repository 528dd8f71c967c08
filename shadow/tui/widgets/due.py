"""Due dates as people read them: the day, and how far it is from today."""

from __future__ import annotations

from datetime import date

from shadow.core.dates import format_day


def from_now(offset: int, unit: str, words: tuple[str, str, str]) -> str:
    """``offset`` ``unit``s from now in words: ``words`` (this one, the next, the last)
    for 0, 1 and -1, else ``in 5 days`` or ``3 days ago``."""
    this, following, last = words
    if offset == 0:
        return this
    if offset == 1:
        return following
    if offset == -1:
        return last
    return f"in {offset} {unit}s" if offset > 0 else f"{-offset} {unit}s ago"


def relative(day: date, today: date) -> str:
    """``today``, ``tomorrow``, ``in 5 days``, ``yesterday``, ``3 days ago``."""
    return from_now((day - today).days, "day", ("today", "tomorrow", "yesterday"))


def short_day(day: date, today: date) -> str:
    """``17 Nov`` (with the year when it is not this year's)."""
    text = f"{day.day} {day:%b}"
    return text if day.year == today.year else f"{text} {day.year}"


def due_cell_text(day: date | None, today: date, *, live: bool) -> str:
    """What the Due column says: the day, and for a live action how late or near it is."""
    if day is None:
        return "—"
    text = short_day(day, today)
    if not live:
        return text
    days = (day - today).days
    if days < 0:
        return f"{text} ({-days}d late)"
    if days == 0:
        return f"{text} (today)"
    if days <= 7:
        return f"{text} (in {days}d)"
    return text


def describe_day(day: date, today: date) -> str:
    """``Fri 27 Nov 2026 (in 7 days)``: how a typed date was read."""
    return f"{format_day(day)} ({relative(day, today)})"
