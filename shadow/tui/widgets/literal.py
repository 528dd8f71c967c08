"""User text made safe to show: never markup, and control characters made visible.

The core refuses control characters in what it saves, but a database may hold
text written by another tool. A stray escape character sent to the terminal
could redraw the screen, so each one is shown as its Unicode "control picture"
(``\\x1b`` becomes ``␛``) instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TypeVar

from rich.text import Text
from textual.content import Content

from shadow.core import dates, history

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


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
    value: Any, names: history.Names | None = None, field: str = "", limit: int = 60
) -> str:
    """An old or new value from the audit trail as one short literal line, the way the
    core's history names it (people, departments and records by name, votes counted,
    moments and days readable)."""
    text = one_line(history.value_text(names, field, value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def audit_change(entry: dict[str, Any], names: history.Names | None) -> str:
    """``owner: Ana Ruiz → Ben Cho`` for one audit entry (its field named in words)."""
    name = entry["field"]
    old = audit_value(entry["old"], names, name)
    new = audit_value(entry["new"], names, name)
    return f"{history.field_name(name)}: {old} → {new}"


def history_content(store: Any, table: str, record_id: int | None, created: str) -> Content:
    """Every change made to one record, oldest first, a line each: when, who, what (its
    insertion reads ``created``, e.g. "added"); "none" when the trail has nothing."""
    entries = sorted(store.audit(table, record_id), key=lambda e: (e["ts"], e["id"]))
    names = history.Names(store)
    lines = []
    for e in entries:
        when = dates.format_moment(dates.from_iso(e["ts"]).astimezone(dates.local_zone()))
        what = created if e["field"] == "*" else audit_change(e, names)
        lines.append(
            Content.assemble(
                (when, "$text-muted"), "  ", (one_line(e["actor"]), "bold"), "  ", what
            )
        )
    return Content("\n").join(lines) if lines else Content.styled("none", "$text-muted")
