"""The fortnightly meeting pack: the Technical Implementation Group's agenda, ready to share.

The pack is Markdown from :func:`shadow.core.reports.meeting_pack` (which
escapes every piece of user text). It is shown as a few plain blocks, one per
section, each line styled from its Markdown (headings, bold, italic) with the
text itself taken literally: a Markdown widget would mount a block for each of
thousands of lines. Only the "Prepared HH:MM" line changes every minute; the
sections are re-rendered only when what they say changes. It
covers changes since the last meeting (14 days ago unless changed with s), can
be written to a file (e) or copied to the clipboard (c).
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content, Span
from textual.widgets import Label, Static

from shadow.core import dates, reports
from shadow.core.dates import DateError
from shadow.core.models import (
    Action,
    Suggestion,
    Visit,
)
from shadow.core.settings import dayfirst

from ..commands import Command, bindings
from ..loading import Loader
from ..modals.base import Confirm
from ..modals.pickers import TextPrompt
from ..widgets.due import describe_day
from .base import PROGRAMME_TABLES, AreaScreen, area_bar

DEFAULT_DAYS = 14  # the group meets every other week


# What _inline interprets: a backslash and the character after it, or ``**``.
_MARKS = re.compile(r"\\(.)|\*\*", re.DOTALL)


def _pieces(text: str, base: str = "") -> list[tuple[str, str]]:
    """One line of the pack's Markdown as (text, style) pieces: ``**`` is bold, a
    backslash takes the next character literally (that is how user text is escaped);
    nothing else is interpreted, so user text is shown exactly as typed. (Found by one
    regular expression, not character by character: thousands of lines at 150,000
    records.)"""
    parts: list[tuple[str, str]] = []
    buf: list[str] = []
    bold = False
    at = 0
    for mark in _MARKS.finditer(text):
        buf.append(text[at : mark.start()])
        at = mark.end()
        if mark.group(1) is not None:
            buf.append(mark.group(1))
            continue
        if piece := "".join(buf):
            parts.append((piece, " ".join(x for x in (base, "bold" if bold else "") if x)))
        buf.clear()
        bold = not bold
    if piece := "".join(buf) + text[at:]:
        parts.append((piece, " ".join(x for x in (base, "bold" if bold else "") if x)))
    return parts


def _inline(text: str, base: str = "") -> Content:
    """One line of the pack's Markdown as styled text (see :func:`_pieces`)."""
    return Content.assemble(*_pieces(text, base))


def _line_pieces(line: str) -> tuple[str, list[tuple[str, str]]]:
    """(a bullet or "", the pieces) of a line of a section's body: list items get a
    bullet; a whole ``_line_`` is muted."""
    if line.startswith("- "):
        return "• ", _pieces(line[2:])
    if len(line) > 1 and line.startswith("_") and line.endswith("_"):
        return "", _pieces(line[1:-1], "italic $text-muted")
    return "", _pieces(line)


def pack_line(line: str) -> Content:
    """A line of a section's body as styled text."""
    bullet, parts = _line_pieces(line)
    content = Content.assemble(*parts)
    return Content(bullet) + content if bullet else content


def pack_body(lines: list[str]) -> Content:
    """A section's lines as one styled text: what ``Content("\\n").join(pack_line(line)
    for line in lines)`` gives, built without three Content objects per line (each strips
    control codes from its text again: most of the time of a pack of thousands of lines)."""
    text: list[str] = []
    spans: list[Span] = []
    offset = 0
    for n, line in enumerate(lines):
        if n:
            text.append("\n")
            offset += 1
        bullet, parts = _line_pieces(line)
        plain = bullet + Content("".join(piece for piece, _ in parts)).plain
        if not plain:  # (join skips an empty line's styles, as it does here)
            continue
        at = offset + len(bullet)  # (spans at their places in the pieces, as assemble)
        for piece, style in parts:
            if style:
                spans.append(Span(at, at + len(piece), style))
            at += len(piece)
        text.append(plain)
        offset += len(plain)
    return Content("".join(text), spans)


def pack_blocks(text: str) -> tuple[str, str, list[tuple[str, list[str]]]]:
    """(title, the "Prepared ..." line, [(section heading, its lines)]) of a pack."""
    title, prepared, sections = "", "", []
    for line in text.splitlines():
        if line.startswith("## "):
            sections.append((line[3:], []))
        elif line.startswith("# ") and not sections:
            title = line[2:]
        elif sections:
            if line.strip():
                sections[-1][1].append(line)
        elif line.strip():
            prepared = line
    return title, prepared, sections


@dataclass(frozen=True)
class PreparedPack:
    """A pack read and laid out in the loader's thread: its text, and its blocks as styled
    text (thousands of lines at 150,000 records: not styled on the event loop)."""

    text: str
    title: str
    prepared: str
    sections: list[tuple[str, list[str]]]
    bodies: list[Content]


def prepare_pack(text: str, width: int = 0) -> PreparedPack:
    """The pack laid out; ``width`` (the sections' width on screen, 0 if not known): each
    section is wrapped to it here, in the loader's thread, so that the event loop finds
    its height ready (wrapping the breaches at 150,000 records froze it for 0.3 s)."""
    title, prepared, sections = pack_blocks(text)
    bodies = [pack_body(lines) for _, lines in sections]
    if width > 0:
        for body in bodies:
            body.get_height({}, width)  # (kept by the text: Static asks the same)
    return PreparedPack(text, title, prepared, sections, bodies)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that it is either the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class MeetingScreen(AreaScreen):
    AREA_TITLE = "Meeting pack"
    HELP = (
        "The agenda for the Technical Implementation Group, which meets every other "
        "week: upcoming visits, new suggestions awaiting triage, the top-voted open "
        "ones, actions overdue or due soon, what was finished since the last meeting, "
        "service-level breaches and kudos to read out. It covers changes since the "
        "last meeting: 14 days ago unless you change it with s. e writes it to a "
        "Markdown file to share; c copies it to the clipboard (if the terminal allows). "
        "It follows every change to the database as you look at it."
    )
    WATCHES = PROGRAMME_TABLES
    FOCUS = "#meeting-scroll"
    COMMAND_LIST = (
        Command("since", "Since", "Change the day the last meeting was", key="s"),
        Command("export", "Export", "Write the pack to a Markdown file", key="e"),
        Command("copy", "Copy", "Copy the pack (Markdown) to the clipboard", key="c"),
        Command("refresh", "Refresh", "Prepare the pack again now", key="r", footer=False),
    )
    BINDINGS = bindings(COMMAND_LIST)
    DEFAULT_CSS = """
    MeetingScreen #meeting-scroll {
        height: 1fr;
        /* The scrollbar's column is kept whether it shows or not: a pack taller than the
           screen otherwise had every section wrapped again one column narrower (on the
           event loop: a third of the wrapping when it opens, thousands of lines at 150k) */
        scrollbar-gutter: stable;
        border: round $primary 50%;
        background: $surface;
    }
    MeetingScreen #meeting-scroll:focus {
        border: round $primary;
    }
    MeetingScreen #meeting-pack {
        padding: 0 2;
        height: auto;
    }
    MeetingScreen #meeting-pack Static {
        height: auto;
    }
    MeetingScreen .pack-title {
        text-style: bold;
        color: $accent;
        margin: 1 0 0 0;
    }
    MeetingScreen #meeting-prepared {
        margin: 1 0;
    }
    MeetingScreen .pack-heading {
        text-style: bold;
        color: $primary;
        border-bottom: solid $primary 30%;
    }
    MeetingScreen .pack-section {
        margin: 0 0 1 0;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.since: datetime | None = None  # None: DEFAULT_DAYS before now
        self.text = ""
        self.loader: Loader[PreparedPack] = Loader(
            self,
            lambda request: prepare_pack(
                reports.meeting_pack(self.app.store, request[0], request[1]), request[2]
            ),
            self._show_pack,
            prepare=lambda request: (*request, self._text_width()),
            size=lambda: sum(
                self.app.store.size_hint(t) for t in (Visit.TABLE, Suggestion.TABLE, Action.TABLE)
            ),
            failed=lambda error: self.app.say(
                f"Cannot prepare the meeting pack: {error}", severity="error"
            ),
            name="meeting",
        )
        self._shown: tuple[str, list[tuple[str, list[str]]]] | None = None

    def compose_body(self) -> ComposeResult:
        yield area_bar("meeting", "since", "hint", "↑↓ pgup pgdn scroll")
        with VerticalScroll(id="meeting-scroll"):
            yield Vertical(id="meeting-pack")

    @property
    def since_moment(self) -> datetime:
        if self.since is not None:
            return self.since
        start = self.app.clock() - timedelta(days=DEFAULT_DAYS)
        return start.replace(hour=0, minute=0, second=0, microsecond=0)

    # ------------------------------------------------------------ the pack
    # Around the sections' text: the scroll area's border and scrollbar, the pack's padding.
    CHROME = 8

    def _text_width(self) -> int:
        """The width the sections are wrapped to (before the first layout, the app's)."""
        width = self.query_one("#meeting-pack").content_region.width
        return width if width > 0 else self.app.size.width - self.CHROME

    def reload(self) -> None:
        self.loader.load((self.since_moment, self.app.clock()))

    def _show_pack(self, pack: PreparedPack) -> None:
        self._show_since()
        if pack.text != self.text:
            self.text = pack.text
            self._show(pack)

    def _show(self, prepared_pack: PreparedPack) -> None:
        """Show the pack; sections are rebuilt only when they say something new."""
        title, prepared, sections = (
            prepared_pack.title,
            prepared_pack.prepared,
            prepared_pack.sections,
        )
        bodies = prepared_pack.bodies
        pack = self.query_one("#meeting-pack", Vertical)
        if self._shown is None:
            pack.mount(
                Static(_inline(title), classes="pack-title"),
                Static(_inline(prepared), id="meeting-prepared"),
            )
        else:
            pack.query_one("#meeting-prepared", Static).update(_inline(prepared))
        if self._shown == (title, sections):
            return
        old = self._shown[1] if self._shown is not None else []
        self._shown = (title, sections)
        pack.query_one(".pack-title", Static).update(_inline(title))
        if [h for h, _ in old] != [h for h, _ in sections]:
            pack.query(".pack-heading, .pack-section").remove()
            widgets = []
            for (heading, _), body in zip(sections, bodies, strict=True):
                widgets.append(Static(_inline(heading), classes="pack-heading"))
                widgets.append(Static(body, classes="pack-section"))
            pack.mount(*widgets)
            return
        shown = list(pack.query(".pack-section").results(Static))
        for widget, body, (_, lines), (_, before) in zip(shown, bodies, sections, old, strict=True):
            if lines != before:
                widget.update(body)

    def _show_since(self) -> None:
        day = self.since_moment.date()
        today = self.app.clock().date()
        label = Content.assemble(
            ("Changes since ", "bold"),
            (describe_day(day, today), "bold $accent"),
            ("" if self.since is not None else "  (the default)", "$text-muted"),
        )
        self.query_one("#meeting-since", Label).update(label)

    def action_refresh(self) -> None:
        self.text = ""
        super().action_refresh()

    # ------------------------------------------------------------ since
    def action_since(self) -> None:
        self._since()

    @work(exclusive=True, group="meeting-since")
    async def _since(self) -> None:
        now = self.app.clock()

        def read(text: str) -> datetime:
            moment = dates.parse_moment(text, now_=now, dayfirst=dayfirst(), future=False)
            value = moment.value
            return value if moment.has_time else value.replace(hour=0, minute=0)

        def check(text: str) -> tuple[str, str]:
            try:
                value = read(text)
            except DateError as exc:
                return str(exc), ""
            if value > now:
                return "That is in the future: the pack covers changes since a past day.", ""
            return "", f"→ {describe_day(value.date(), now.date())}"

        current = self.since_moment
        answer = await self.app.push_screen_wait(
            TextPrompt(
                "Changes since",
                "When was the last meeting? e.g. 'a fortnight ago', '10 days ago', "
                "'6/11/2026'. Leave it empty for the default (14 days ago).",
                value=f"{current:%Y-%m-%d}" if self.since is not None else "",
                placeholder="e.g. a fortnight ago · 10 days ago · 6/11/2026",
                check=check,
                required=False,
            )
        )
        if answer is None:
            return
        self.since = read(answer) if answer else None
        self.reload()
        self.app.say(f"The pack covers changes since {dates.format_day(self.since_moment.date())}")

    # ------------------------------------------------------------ sharing
    def default_path(self) -> Path:
        return Path.cwd() / f"meeting-pack-{self.app.clock():%Y-%m-%d}.md"

    def action_export(self) -> None:
        if getattr(self.app, "served", ""):  # in a browser: a download, not a path on the server
            from ..exports import deliver

            deliver(self.app, self.text, self.default_path().name, "text/markdown")
            self.app.say(f"Exported {self.default_path().name} to your browser's downloads")
            return
        self._export()

    @work(exclusive=True, group="meeting-export")
    async def _export(self) -> None:
        typed = str(self.default_path())
        while True:
            typed = await self.app.push_screen_wait(
                TextPrompt(
                    "Export the meeting pack",
                    "Write the pack as Markdown to this file (a folder that does not exist "
                    "yet is made).",
                    value=typed,
                    placeholder="e.g. ~/meeting-pack.md",
                )
            )
            if typed is None:
                return
            path = Path(typed).expanduser()
            if not path.is_absolute():
                path = Path.cwd() / path
            if path.is_dir():
                self.app.say(f"{path} is a folder: name a file in it", severity="error")
                continue
            if path.exists() and not await self.app.push_screen_wait(
                Confirm(f"{path} exists. Replace it?", yes="Replace", no="Keep it")
            ):
                continue
            try:
                write_atomically(path, self.text)
            except OSError as exc:
                self.app.say(f"Could not write {path}: {exc.strerror or exc}", severity="error")
                continue
            self.app.say(f"Meeting pack written to {path}", title="Exported")
            return

    def action_copy(self) -> None:
        copy = getattr(self.app, "copy_to_clipboard", None)
        if copy is None:
            self.app.say("This terminal cannot copy; export to a file instead (e)")
            return
        copy(self.text)
        lines = self.text.count("\n")
        self.app.say(
            f"Copied the meeting pack ({lines} lines of Markdown) to the clipboard. "
            "Some terminals do not allow this; e writes it to a file instead."
        )
