"""User text made safe to show: never markup, and control characters made visible.

The core refuses control characters in what it saves, but a database may hold
text written by another tool. A stray escape character sent to the terminal
could redraw the screen, so each one is shown as its Unicode "control picture"
(``\\x1b`` becomes ``␛``) instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any, TypeVar

from rich.text import Text

from shadow.core import dates

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}$")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    return "␡" if code == 0x7F else "�"


def visible(text: str | None) -> str:
    """``text`` with control characters (other than newline and tab) shown as pictures."""
    return _CONTROL.sub(_picture, text or "")


def one_line(text: str | None) -> str:
    """``text`` on one line (line breaks become " ⏎ "), for table cells and headings."""
    flat = _LINE_BREAKS.sub(" ⏎ ", (text or "").strip()).replace("\t", " ")
    return visible(flat)


V = TypeVar("V")


def select_options(choices: Iterable[tuple[str, V]]) -> list[tuple[Text, V]]:
    """Choices for a Select with literal, one-line labels (a Select reads a plain str
    label as markup, so a department called ``[red]x`` would lose its brackets)."""
    return [(Text(one_line(label)), value) for label, value in choices]


def cell(text: str | None, style: str = "") -> Text:
    """A literal, one-line DataTable cell."""
    return Text(one_line(text), style=style, no_wrap=True)


def audit_value(
    value: Any, people: dict[int, str] | None = None, field: str = "", limit: int = 60
) -> str:
    """An old or new value from the audit trail as one short literal line: moments and
    days readable, lists joined, an ``owner_id`` by name when ``people`` is given."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        text = ", ".join(str(v) for v in value) or "none"
    elif field == "owner_id" and people is not None and isinstance(value, int):
        text = people.get(value, f"#{value}")
    elif isinstance(value, str) and _MOMENT.match(value):
        try:
            text = dates.format_moment(dates.from_iso(value).astimezone(dates.local_zone()))
        except ValueError:
            text = value
    elif isinstance(value, str) and _DAY.match(value):
        try:
            text = dates.format_day(date.fromisoformat(value))
        except ValueError:
            text = value
    else:
        text = str(value)
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
