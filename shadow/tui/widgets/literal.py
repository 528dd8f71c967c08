"""User text made safe to show: never markup, and control characters made visible.

The core refuses control characters in what it saves, but a database may hold
text written by another tool. A stray escape character sent to the terminal
could redraw the screen, so each one is shown as its Unicode "control picture"
(``\\x1b`` becomes ``␛``) instead.
"""

from __future__ import annotations

import re

from rich.text import Text

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


def cell(text: str | None, style: str = "") -> Text:
    """A literal, one-line DataTable cell."""
    return Text(one_line(text), style=style, no_wrap=True)
