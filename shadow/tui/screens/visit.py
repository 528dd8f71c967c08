"""One visit: its details and everything both sides recorded for it, side by side.

Pushed on top of an area (the Schedule opens it with ``VisitScreen(visit_id)``);
escape or q goes back. IT visitors' notes are on the left, library hosts' on the
right, so agreement and differences are plain. ``n`` writes a note from
wherever you are on the page, ``s`` raises a suggestion, ``k`` gives kudos, ``f`` rates
the visit (each visitor and host once; the ratings are listed on the page).

(Over 500 lines: both sides' notes, suggestions and the visit's commands on one page.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Label, Static

from shadow.core import backlog, dates, feedback, notes, schedule
from shadow.core.models import (
    Department,
    Feedback,
    Kudos,
    Observation,
    Person,
    Suggestion,
    UserError,
    Visit,
)
from shadow.core.plain import count as counted
from shadow.core.schedule import Occurrence
from shadow.core.store import Store, StoreError

from ..commands import Command, bindings
from ..loading import Loader
from ..modals.feedback_form import offer as offer_rating
from ..modals.kudos_form import KudosForm
from ..modals.note_form import NoteForm
from ..modals.pick_visit import PickVisit
from ..modals.suggestion_form import SuggestionForm
from ..palette import priority_style
from ..visit_status import change_status
from ..widgets.literal import one_line, visible
from ..widgets.note_list import NoteList
from .base import BACK_COMMAND, PAGE_COMMANDS, REFRESH_COMMAND, AreaScreen

SIDES = (("it", "IT visitors"), ("library", "Library hosts"))
SIDES_SHORT = {"it": "IT", "library": "library"}
KIND_STYLES = {
    "workflow seen": "$text-muted",
    "pain point": "bold $error",
    "system issue": "bold $warning",
    "idea": "bold $accent",
    "praise": "bold $success",
}


def when(iso: str, day=None) -> str:
    """A stored moment in the local zone, shorter the nearer it is to ``day`` (the visit's)."""
    try:
        moment = dates.from_iso(iso).astimezone(dates.local_zone())
    except (TypeError, ValueError):
        return visible(iso)
    if day is not None and moment.date() == day:
        return f"{moment:%H:%M}"
    if day is not None and moment.year == day.year:
        return f"{moment:%a} {moment.day} {moment:%b %H:%M}"
    return dates.format_moment(moment)


def note_content(obs: Observation, author: str, day=None) -> Content:
    """``Author · kind · when`` over the note's text (all literal)."""
    return Content.assemble(
        (one_line(author), "bold"),
        " · ",
        (obs.kind, KIND_STYLES.get(obs.kind, "")),
        " · ",
        (when(obs.at, day), "$text-muted"),
        "\n",
        visible(obs.text),
    )


@dataclass(frozen=True)
class VisitData:
    """What the visit page shows, read in one go."""

    visit: Visit
    people: dict[int, Person]
    department: str
    notes: list[Observation]
    suggestions: list[Suggestion]
    kudos: list[Kudos]
    occurrence: Occurrence | None  # for a series opened on a day: that occurrence


# What ``read_visit`` finds by index and reads whole: with these indexed and parsed it
# reads only what it shows.
PAGE_INDEXES = tuple(
    (table, "visit_id") for table in (Observation.TABLE, Suggestion.TABLE, Kudos.TABLE)
)
PAGE_TABLES = (Visit.TABLE, Person.TABLE, Department.TABLE)


def read_visit(store: Store, visit_id: int, on: date | None) -> VisitData:
    """Read one visit's page (pure: on the spot or in the loader's thread). An occurrence's
    notes and kudos are its own (on its own record, once it has one)."""
    visit = schedule.get_visit(store, visit_id)
    dept = store.get(Department.TABLE, visit.department_id or 0)
    occ = None
    record: int | None = visit_id
    if visit.rrule and on is not None:
        try:
            occ = schedule.find_occurrence(store, visit, on)
        except UserError:
            occ = None
        else:
            record = occ.visit.id if occ.visit.series_id is not None else None
    return VisitData(
        visit,
        {d["id"]: Person.from_doc(d) for d in store.all(Person.TABLE)},
        dept["name"] if dept else "",
        notes.observations(store, record) if record else [],
        [
            Suggestion.from_doc(d)
            for rid in dict.fromkeys([visit_id, record])
            if rid
            for d in store.find(Suggestion.TABLE, visit_id=rid)
        ],
        [Kudos.from_doc(d) for d in store.find(Kudos.TABLE, visit_id=record)] if record else [],
        occ,
    )


class VisitPage(VerticalScroll, can_focus=False, inherit_bindings=False):
    """The scrolling page; the screen's keys move between notes and scroll it."""


class VisitScreen(AreaScreen):
    AREA_TITLE = "Visit"
    HELP = (
        "One visit: its details and everything recorded for it. IT visitors' notes "
        "are on the left and library hosts' on the right, so where the two sides "
        "agree and where they differ is plain. Press n anywhere to write a note "
        "(it goes in your side's column); arrows move between notes; e corrects the "
        "highlighted note if it is yours (the history keeps the old text); s raises a "
        "suggestion (from the highlighted note, if any); k turns a praise note into "
        "kudos, or thanks someone on the visit. f confirms the visit, d marks it done, "
        "o a no-show (both only once it has begun) and x cancels it (asking why); g rates the "
        "visit (how useful, would you do it again, one thing you learned: each visitor and "
        "host once it has taken place, and again to change your own rating). The ratings are "
        "listed on the page."
    )
    # Nothing highlighted until the user moves to a note (s and k use the highlighted one).
    AUTO_FOCUS = ""
    WATCHES = frozenset(
        {
            Visit.TABLE,
            Observation.TABLE,
            Suggestion.TABLE,
            Kudos.TABLE,
            Feedback.TABLE,
            Person.TABLE,
            Department.TABLE,
        }
    )
    COMMAND_LIST = (
        Command("note", "Note", "Write a note about this visit (from your side)", key="n"),
        Command(
            "edit_note",
            "Edit note",
            "Correct the highlighted note (your own)",
            key="e",
            spare=True,  # at 80 columns the footer keeps the visit's own steps and Back
        ),
        Command(
            "suggest",
            "Suggest",
            "Raise a suggestion from this visit (and from the highlighted note)",
            key="s",
            spare=True,
        ),
        Command(
            "kudos",
            "Kudos",
            "Thank someone on this visit (from the highlighted praise note, if any)",
            key="k",
            spare=True,
        ),
        Command(
            "rate",
            "Rate",
            "Rate this visit: how useful, would you do it again, one thing learned",
            key="g",
            spare=True,
        ),
        Command("set_status('confirmed')", "Confirm", "Mark this visit confirmed", key="f"),
        Command(
            "set_status('completed')",
            "Complete",
            "Mark this visit done: it took place (only once it has begun)",
            key="d",
            short="Done",
        ),
        Command(
            "set_status('cancelled')",
            "Cancel visit",
            "Cancel this visit (asks why; for a series: this occurrence or all)",
            key="x",
            short="Cancel",
        ),
        Command(
            "set_status('no-show')",
            "No-show",
            "Mark that the visitors did not come (only once it has begun)",
            key="o",
        ),
        BACK_COMMAND,
        Command("move('down')", "Next note", "The next note in this column", "down", footer=False),
        Command("move('up')", "Previous note", "The note above", key="up", footer=False),
        Command(
            "move('left')", "IT column", "Move to the IT visitors' notes", "left", footer=False
        ),
        Command(
            "move('right')",
            "Library column",
            "Move to the library hosts' notes",
            key="right",
            footer=False,
        ),
        *PAGE_COMMANDS,
        REFRESH_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)
    DEFAULT_CSS = """
    VisitScreen #visit-page {
        height: 1fr;
        /* The scrollbar always shown (its column is the page's either way): shown by the
           first layout pass, it took a second pass of the whole page (50 ms with a
           secondment's notes). */
        overflow-y: scroll;
    }
    VisitScreen #visit-details {
        width: 100%;
        padding: 1 2 0 2;
    }
    VisitScreen #visit-compare {
        width: 100%;
        padding: 0 2;
        margin: 1 0;
    }
    VisitScreen #visit-notes {
        height: auto;
        padding: 0 1;
    }
    VisitScreen .side {
        width: 1fr;
        height: auto;
        padding: 0 1;
    }
    VisitScreen .side-title {
        width: 100%;
        text-style: bold;
        color: $accent;
        border-bottom: solid $primary 50%;
        margin-bottom: 1;
    }
    VisitScreen .section-title {
        width: 100%;
        text-style: bold;
        color: $accent;
        padding: 0 2;
        margin-top: 1;
    }
    VisitScreen .section {
        width: 100%;
        padding: 0 2;
    }
    """

    def __init__(self, visit_id: int, *, on: date | None = None) -> None:
        """``on``: for a series, the day of the occurrence that was opened."""
        super().__init__()
        self.visit_id = visit_id
        self.on = on
        self.visit: Visit | None = None
        self.where = f"visit #{visit_id}"
        self.notes: list[Observation] = []
        self._people: dict[int, Person] = {}
        self._day = None
        self._first = None
        self._status = ""
        self.key = str(visit_id)  # 12, or 20@2026-12-16 for one occurrence of a series
        self._why = ""  # why it was cancelled or reopened
        self.loader: Loader[VisitData] = Loader(
            self,
            lambda on: read_visit(self.app.store, visit_id, on),
            self._show_read,
            size=self._read_size,
            failed=self._cannot_show,
            name="visit",
        )

    def _read_size(self) -> int:
        """What the read costs, for the loader: nothing once what it finds by index is
        indexed (``PAGE_INDEXES``, read ahead by ``tui/preload.py``): then it is one
        visit, its own notes, suggestions and kudos and the people, about 1 ms at any size,
        read on the spot. In a thread it took 20 ms beside the page's first paints (the
        thread waits for the interpreter), a ninth of the page's opening at 10,000
        records. Otherwise (after a change, the indexes built again) the visits'."""
        store = self.app.store
        if store.indexed(*PAGE_INDEXES, parsed=PAGE_TABLES):
            return 0
        return store.size_hint(Visit.TABLE)

    # ------------------------------------------------------------ layout
    def compose_body(self) -> ComposeResult:
        with VisitPage(id="visit-page"):
            yield Static("", id="visit-details", markup=False)
            yield Static("", id="visit-compare", markup=False)
            with Horizontal(id="visit-notes"):
                for side, title in SIDES:
                    with Vertical(classes="side", id=f"side-{side}"):
                        yield Label(title, classes="side-title")
                        yield NoteList(id=f"notes-{side}")
            yield Label("Suggestions from this visit", classes="section-title")
            yield Static("", id="visit-suggestions", classes="section", markup=False)
            yield Label("Kudos", classes="section-title")
            yield Static("", id="visit-kudos", classes="section", markup=False)
            yield Label("Ratings", classes="section-title")
            yield Static("", id="visit-ratings", classes="section", markup=False)

    # ------------------------------------------------------------ filling
    def reload(self) -> None:
        """Re-read the visit and what was recorded for it (through the one loader)."""
        self.loader.load(self.on)

    def _cannot_show(self, error: str) -> None:
        self.visit = None
        self.query_one("#visit-details", Static).update(
            Content.styled(f"Cannot show visit #{self.visit_id}: {error}", "$error")
        )

    def _show_read(self, data: VisitData) -> None:
        self.visit = visit = data.visit
        self._people, self.notes = data.people, data.notes
        dept_name = data.department or f"department #{visit.department_id}"
        start, end = dates.from_iso(visit.start), dates.from_iso(visit.end)
        self._first = start
        self.key, self._why = str(visit.id), visit.status_reason
        if visit.series_id is not None and visit.occurrence:  # the id 'list visits' prints
            self.key = f"{visit.series_id}@{visit.occurrence[:10]}"
        if visit.rrule and self.on is not None:
            occ = data.occurrence  # the occurrence opened, not the series' first date
            if occ is not None:
                start, end, self._status = occ.start, occ.end, occ.status
                self.key, self._why = occ.key, occ.visit.status_reason
            else:
                self.on = None
        self._day = start.astimezone(dates.local_zone()).date()  # notes that day show a time
        self.where = f"{dept_name}, {dates.format_span(start, end)}"
        self.sub_title = f"Visit #{self.key}: {one_line(self.where)}"
        self.query_one("#visit-details", Static).update(self._details(visit, dept_name, start, end))
        self.query_one("#visit-compare", Static).update(self._compare())
        self._fill_notes()
        self.query_one("#visit-suggestions", Static).update(self._suggestions(data.suggestions))
        self.query_one("#visit-kudos", Static).update(self._kudos(data.kudos))
        self.query_one("#visit-ratings", Static).update(self._ratings())

    def _person_name(self, person_id: int | None) -> str:
        person = self._people.get(person_id or 0)
        return person.name if person is not None else f"#{person_id}"

    def _names(self, ids: Sequence[int]) -> str:
        return ", ".join(self._person_name(i) for i in ids) or "nobody"

    def _details(self, visit: Visit, dept: str, start, end) -> Table:
        """Label and value in two columns (long values wrap under their value)."""
        when = dates.format_span(start, end)
        repeat = "does not repeat"
        status = visit.status
        if visit.rrule and self.on is not None:
            first = dates.format_day(self._first.astimezone(dates.local_zone()).date())
            repeat = (
                f"{schedule.describe_repeat(visit.rrule)} (this occurrence; the first was {first})"
            )
            status = self._status
        elif visit.rrule:
            repeat = f"{schedule.describe_repeat(visit.rrule)} (the first is shown above)"
        elif visit.series_id is not None:
            repeat = f"one occurrence of the series #{visit.series_id}"
        rows = [
            ("Department", one_line(dept)),
            ("When", when),
            ("Status", status),
            *([("Why", one_line(self._why))] if self._why else []),
            ("Kind", visit.kind),
            ("Purpose", visible(visit.purpose) or "—"),
            ("Visitors", one_line(self._names(visit.visitors))),
            ("Hosts", one_line(self._names(visit.hosts))),
            ("Repeat", repeat),
        ]
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_row(Text(f"Visit #{self.key}", style="bold"), Text(""))
        for label, value in rows:
            table.add_row(Text(label), Text(value, style="bold" if label == "Status" else ""))
        return table

    def _compare(self) -> Content:
        """Which kinds of note both sides wrote, and which only one side did."""
        kinds = {side: sorted({o.kind for o in self.notes if o.side == side}) for side, _ in SIDES}
        it, lib = set(kinds["it"]), set(kinds["library"])
        if not it and not lib:
            try:
                notes.check_noteworthy(self.app.store, self.key, self.app.clock())
            except UserError as exc:  # not begun yet, or cancelled: say so, not "press n"
                return Content.styled(f"No notes yet: {exc}.", "$text-muted")
            return Content.styled(
                "No notes yet. Press n to write the first (it goes in your side's column).",
                "$text-muted",
            )
        if not lib:
            return Content.styled(
                "Only the IT visitors have written notes so far.", "$text-warning"
            )
        if not it:
            return Content.styled(
                "Only the library hosts have written notes so far.", "$text-warning"
            )
        parts = []
        if both := sorted(it & lib):
            parts.append(Content.assemble(("Both sides noted: ", "bold $success"), ", ".join(both)))
        if only_it := sorted(it - lib):
            parts.append(Content.assemble(("Only IT noted: ", "bold"), ", ".join(only_it)))
        if only_lib := sorted(lib - it):
            parts.append(
                Content.assemble(("Only the library noted: ", "bold"), ", ".join(only_lib))
            )
        return Content(" · ").join(parts)

    def _fill_notes(self) -> None:
        for side, _ in SIDES:
            shown = [o for o in self.notes if o.side == side]
            self.note_list(side).show(
                shown, [note_content(o, self._person_name(o.author_id), self._day) for o in shown]
            )

    def _suggestions(self, suggestions: list[Suggestion]) -> Content:
        if not suggestions:
            return Content.styled("None yet. Press s to raise one.", "$text-muted")
        lines = []
        for s in sorted(suggestions, key=lambda s: (backlog.priority(s), s.id or 0)):
            p = backlog.priority(s)
            votes = len(s.votes)
            lines.append(
                Content.assemble(
                    (f"P{p}", priority_style(p)),
                    f"  #{s.id} ",
                    (one_line(s.title), "bold"),
                    (
                        f"  {s.status} · {counted(votes, 'vote')} · "
                        f"{backlog.DIRECTION_LABELS.get(s.direction, s.direction)} · "
                        f"by {one_line(self._person_name(s.author_id))}",
                        "$text-muted",
                    ),
                )
            )
        return Content("\n").join(lines)

    def _kudos(self, kudos: list[Kudos]) -> Content:
        if not kudos:
            return Content.styled("None yet. Press k to thank someone.", "$text-muted")
        lines = [
            Content.assemble(
                (one_line(self._person_name(k.from_id)), "bold"),
                " → ",
                (one_line(self._person_name(k.to_id)), "bold $success"),
                ": ",
                visible(k.text),
            )
            for k in sorted(kudos, key=lambda k: k.id or 0)
        ]
        return Content("\n").join(lines)

    def _ratings(self) -> Content:
        """Each rating of this visit (or occurrence), with the figures over them."""
        try:
            found = feedback.ratings(self.app.store, visit=self.key)
        except UserError:  # a whole series: its occurrences are rated one by one
            return Content.styled("Each occurrence is rated on its own page.", "$text-muted")
        if not found:
            return Content.styled(
                "None yet. Press g to rate the visit (its visitors and hosts, once it has "
                "taken place).",
                "$text-muted",
            )
        s = feedback.summarise(found)
        again = f" · {s.again_pct}% would do it again" if s.again_pct is not None else ""
        lines = [Content.styled(f"{counted(s.count, 'rating')}, mean {s.mean}/5{again}", "bold")]
        for r in sorted(found, key=lambda r: (r.feedback.side, r.author.casefold())):
            fb = r.feedback
            lines.append(
                Content.assemble(
                    (f"{fb.rating}/5 ", "bold $success" if fb.rating >= 4 else "bold"),
                    (one_line(r.author), "bold"),
                    (f" ({SIDES_SHORT.get(fb.side, fb.side)})", "$text-muted"),
                    *(
                        [" · ", "would do again" if fb.again else "would not do again"]
                        if fb.again is not None
                        else []
                    ),
                    *([" · learned: ", visible(fb.learned)] if fb.learned else []),
                )
            )
        return Content("\n").join(lines)

    # ------------------------------------------------------------ notes and focus
    def note_list(self, side: str) -> NoteList:
        return self.query_one(f"#notes-{side}", NoteList)

    def notes_in(self, side: str) -> list[Observation]:
        """One side's notes, in the order shown."""
        return self.note_list(side).notes

    def focused_note(self) -> Observation | None:
        focused = self.focused
        return focused.selected_note() if isinstance(focused, NoteList) else None

    def action_move(self, direction: str) -> None:
        """Arrows: up/down within a column, left/right between the two sides."""
        it, lib = self.note_list("it"), self.note_list("library")
        focused = self.focused
        if not isinstance(focused, NoteList) or focused.selected is None:
            target = lib if direction == "right" and lib.notes else (it if it.notes else lib)
            if direction != "up" and target.notes:
                target.select(0)
                self.set_focus(target)  # (now: the next key, typed at once, finds it)
            elif direction in ("up", "down"):
                self.action_page(direction, lines=True)
            return
        index = focused.selected
        if direction in ("up", "down"):
            step = 1 if direction == "down" else -1
            if 0 <= index + step < len(focused.notes):
                focused.select(index + step)
            else:
                self.action_page(direction, lines=True)
        elif direction == "right" and focused is it and lib.notes:
            lib.select(min(index, len(lib.notes) - 1))
            self.set_focus(lib)
        elif direction == "left" and focused is lib and it.notes:
            it.select(min(index, len(it.notes) - 1))
            self.set_focus(it)

    def action_page(self, direction: str, lines: bool = False) -> None:
        page = self.query_one(VisitPage)
        if lines:
            (page.scroll_down if direction == "down" else page.scroll_up)(animate=False)
        else:
            (page.scroll_page_down if direction == "down" else page.scroll_page_up)(animate=False)

    # ------------------------------------------------------------ actions
    def _ready(self) -> Person | None:
        """The acting person, if there is one and the visit could be read."""
        if self.visit is None:
            self.app.say(f"Visit #{self.visit_id} cannot be shown", severity="error")
            return None
        if self.app.acting_name() is None:
            return None
        return self.app.actor

    def action_set_status(self, status: str) -> None:
        self._set_status(status)

    @work(exclusive=True, group="visit-status")
    async def _set_status(self, status: str) -> None:
        """Confirm, complete, cancel or mark a no-show: the one flow the Schedule uses."""
        if self.visit is None:
            self.app.say(f"Visit #{self.visit_id} cannot be shown", severity="error")
            return
        try:
            occ = schedule.get_occurrence(self.app.store, self.key)
        except (UserError, StoreError) as exc:
            self.app.say_refused(exc)
            return
        repeats = schedule.describe_repeat(self.visit.rrule) if self.visit.rrule else ""
        if await change_status(self.app, occ, status, describe=self.where, repeats=repeats):
            self.reload()

    async def _about(self, verb: str) -> str | None:
        """The visit a note or kudos is about (call from a worker): this visit, the occurrence
        shown, or for a whole series the occurrence chosen. None (after saying why) when
        the core's rule refuses it: not begun yet, or cancelled."""
        store, now = self.app.store, self.app.clock()
        ref: str | None = self.key
        if self.visit is not None and self.visit.rrule and self.on is None:
            begun = [
                o
                for o in schedule.expand(
                    self.visit,
                    now - schedule.SERIES_HORIZON,
                    now,
                    {v.occurrence: v for v in schedule.series_overrides(store, self.visit.id)},
                )
                if o.start <= now and o.status != "cancelled"
            ][-20:]  # fmt: skip
            if not begun:
                self.app.say(
                    f"No occurrence of visit #{self.visit_id} has taken place yet: "
                    f"{verb.lower()} once one has.",
                    severity="warning",
                )
                return None
            zone = dates.local_zone()
            ref = await self.app.push_screen_wait(
                PickVisit(
                    [
                        (o.key, dates.format_span(o.start.astimezone(zone), o.end.astimezone(zone)))
                        for o in reversed(begun)
                    ],
                    verb=verb,
                )
            )
            if ref is None:
                return None
        try:
            notes.check_noteworthy(store, ref, now)
        except (UserError, StoreError) as exc:
            self.app.say(str(exc)[:1].upper() + str(exc)[1:], title=f"No {verb.lower()}",
                         severity="error")  # fmt: skip
            return None
        return ref

    @work(exclusive=True, group="visit-note")
    async def action_note(self) -> None:
        author = self._ready()
        if author is None:
            return
        ref = await self._about("Note")
        if ref is None:
            return

        def saved(note_id: int | None) -> None:
            if note_id is None:
                return
            self.reload()
            column = "IT visitors'" if author.side == "it" else "library hosts'"
            where = "" if ref == self.key else f" of visit #{ref}"
            self.app.say(f"Note saved in the {column} column{where}")

        self.app.push_screen(NoteForm(ref, self.where, author), saved)

    def action_edit_note(self) -> None:
        note = self.focused_note()
        if note is None:
            self.app.say("Move to one of your notes first (arrow keys), then press e")
            return
        author = self._ready()
        if author is None:
            return
        if note.author_id != author.id:
            self.app.say(
                f"This note is {self._person_name(note.author_id)}'s: only its author can "
                "change it. Write your own with n.",
                severity="warning",
            )
            return

        def saved(note_id: int | None) -> None:
            if note_id is not None:
                self.reload()
                self.app.say(f"Note #{note_id} changed (its history keeps the old text)")

        self.app.push_screen(NoteForm(self.visit_id, self.where, author, note=note), saved)

    def action_suggest(self) -> None:
        author = self._ready()
        if author is None:
            return
        dept = self.app.store.get(Department.TABLE, self.visit.department_id or 0)

        def saved(suggestion_id: int | None) -> None:
            if suggestion_id is None:
                return
            self.reload()
            s = backlog.get(self.app.store, suggestion_id)
            self.app.say(f"Suggestion #{suggestion_id} raised: {backlog.priority_reason(s)}")

        form = SuggestionForm(
            visit_id=self.visit_id,
            department=dept["name"] if dept else "",
            observation=self.focused_note(),
            author=author,
        )
        self.app.push_screen(form, saved)

    def action_rate(self) -> None:
        person = self._ready()
        if person is None:
            return
        why = feedback.can_rate(self.app.store, person, self.key, self.app.clock())
        if why:
            self.app.say(why[:1].upper() + why[1:], severity="warning")
            return
        offer_rating(self.app, self.key)

    @work(exclusive=True, group="visit-note")
    async def action_kudos(self) -> None:
        author = self._ready()
        if author is None:
            return
        visit = self.visit
        note = self.focused_note()
        if note is not None and note.kind == "praise":
            # Praise from the library is about the visitors, and the other way round.
            subject_ids = visit.visitors if note.side == "library" else visit.hosts
            text, observation_id = note.text, note.id
        else:
            subject_ids = visit.hosts if author.side == "it" else visit.visitors
            text, observation_id = "", None
        order = [*subject_ids, *visit.visitors, *visit.hosts]
        candidates: list[Person] = []
        for person_id in order:
            person = self._people.get(person_id)
            if person is not None and person.id != author.id and person not in candidates:
                candidates.append(person)
        if not candidates:
            self.app.say("There is nobody else on this visit to thank", severity="warning")
            return
        subjects = [p for p in candidates if p.id in subject_ids]
        named = [p for p in subjects if mentions(text, p.name)]
        chosen = {p.id for p in (named or subjects)}
        ref = await self._about("Kudos")
        if ref is None:
            return

        def saved(kudos_id: int | None) -> None:
            if kudos_id is None:
                return
            self.reload()
            self.app.say("Kudos recorded: they are read out at the next meeting")

        form = KudosForm(
            author,
            candidates,
            chosen,
            text,
            where=self.where,
            visit_id=ref,
            observation_id=observation_id,
        )
        self.app.push_screen(form, saved)


def mentions(text: str, name: str) -> bool:
    """Whether ``text`` names someone by their first name (or full name)."""
    first = name.split()[0] if name.split() else ""
    if not first:
        return False
    return re.search(rf"(?<!\w){re.escape(first)}(?!\w)", text, re.IGNORECASE) is not None
