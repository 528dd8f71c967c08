"""The programme planner: propose visits that close the coverage gaps, review, book.

The dialog asks for a date range (phrases, read back as dates while you type),
the most visits a week per person and the visits' length, then runs the
planner in a thread. The proposal comes back as a table with a tick per visit
(space toggles, ``a`` ticks all, ``n`` none); booking saves the ticked ones as
*requested* visits. Pairs the planner could not place are listed with why.

(Over 500 lines: the range form, the proposal table and booking share one dialog's state.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, DataTable, Input, Label, LoadingIndicator, Static

from shadow.core import dates, directory, planner
from shadow.core.dates import DateError
from shadow.core.models import Department, Person
from shadow.core.plain import count as counted
from shadow.core.planner import Plan
from shadow.core.settings import dayfirst

from ..commands import Command, bindings
from ..loading import Loader
from ..widgets.charts import theme_style
from ..widgets.field import Field, text_field
from ..widgets.literal import cell, one_line
from .base import HELP_COMMAND, ShadowModal

TICKED, UNTICKED = "[x]", "[ ]"
VISITORS_WIDTH = 22


def cut(text: str, width: int) -> Text:
    """A literal cell no wider than ``width`` (ending in … when cut)."""
    out = cell(text)
    if out.cell_len > width:
        out.truncate(width, overflow="ellipsis")
    return out


@dataclass
class PlanRequest:
    start: date
    end: date
    max_per_week: int
    length: timedelta


class PlannerModal(ShadowModal[int]):
    """Plan, review and book. Dismisses with how many visits were booked, or None."""

    DIALOG_TITLE = "Plan visits"
    HELP = (
        "Propose visits that close the gaps the programme's goals leave: for each IT "
        "person and department still to be visited, the planner looks for a time in "
        "the range when the department is open and has room, a host is free and under "
        "their load caps, and the person is free and under their weekly maximum. Type "
        "the range as phrases ('today', 'next monday', '31/1/2027'); the line under "
        "each shows how it was read. Enter or 'Plan' runs it. Then review: space ticks "
        "or unticks the highlighted visit, a ticks all, n none; 'Book' (ctrl+s) saves "
        "the ticked visits as requested, for the hosts to confirm. Pairs that could "
        "not be placed are listed with the reason."
    )
    COMMAND_LIST = (
        Command("book", "Book ticked", "Book the ticked visits as requested", key="ctrl+s"),
        Command("toggle", "Tick/untick", "Tick or untick the highlighted visit", key="space"),
        Command("tick_all", "All", "Tick every proposed visit", key="a"),
        Command("tick_none", "None", "Untick every proposed visit", key="n"),
        Command("run_plan", "Plan", "Plan (again) with the range and limits above", "ctrl+r"),
        Command("cancel", "Close", "Close without booking", key="escape"),
        HELP_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)
    DEFAULT_CSS = """
    PlannerModal .planner .dialog-title {
        margin: 1 0 0 0;
    }
    PlannerModal #plan-note {
        color: $text-muted;
        width: 100%;
        margin-bottom: 1;
    }
    PlannerModal .plan-row {
        height: auto;
    }
    PlannerModal .plan-row .field {
        width: 1fr;
    }
    PlannerModal .plan-row Button {
        margin-left: 2;
    }
    PlannerModal #proposal-detail {
        width: 100%;
        color: $text-muted;
    }
    PlannerModal #plan-loading {
        height: 3;
        display: none;
    }
    PlannerModal.-planning #plan-loading {
        display: block;
    }
    PlannerModal #plan-summary {
        width: 100%;
        text-style: bold;
    }
    PlannerModal #plan-error {
        width: 100%;
        color: $error;
        text-style: bold;
    }
    PlannerModal #proposals {
        height: 1fr;
        min-height: 4;
    }
    PlannerModal #unplaced-box {
        height: auto;
        max-height: 8;
    }
    PlannerModal #unplaced {
        width: 100%;
    }
    /* A short terminal (80x24): the list of proposals gets the height; the note
       (said again by f1 help) and the title's margin give it theirs. */
    PlannerModal.-short #plan-note {
        display: none;
    }
    PlannerModal.-short #unplaced-box {
        max-height: 2;
    }
    """
    SHORT_HEIGHT = 30  # a terminal lower than this is short (the Coverage's rule too)

    def __init__(
        self,
        programme_id: int | None,
        programme_name: str,
    ) -> None:
        super().__init__()
        self.programme_id = programme_id
        self.programme_name = programme_name
        self.plan: Plan | None = None
        self.request: PlanRequest | None = None
        self.ticked: set[int] = set()
        self.loader: Loader[tuple[Plan, PlanRequest]] = Loader(
            self, self._plan, self._planned, failed=self._plan_failed, name="planner"
        )
        # Booking checks each visit against the calendar around the plan (one read).
        self.booker: Loader[list[int]] = Loader(
            self,
            self._book,
            lambda ids: self.dismiss(len(ids)),
            size=lambda: self.app.store.size_hint("visits"),
            busy=self._booking,
            failed=self._not_booked,
            name="planner-book",
        )
        self._names: tuple[dict[int, str], dict[int, str]] = ({}, {})
        self._summary = ""

    @property
    def help_title(self) -> str:
        return f"Plan visits: {self.programme_name}"

    @property
    def planning(self) -> bool:
        return self.loader.reading

    # ------------------------------------------------------------ layout
    def compose_dialog(self) -> ComposeResult:
        store = self.app.store
        max_week = int(store.setting("planner.max_per_week", planner.DEFAULT_MAX_PER_WEEK))
        box = Vertical(classes="dialog planner")
        # (Inline styles: app.tcss sizes every .dialog, and it outranks DEFAULT_CSS.)
        box.styles.width = 110
        box.styles.max_width = "100%"
        box.styles.height = "100%"
        box.styles.max_height = "100%"
        box.styles.padding = (0, 2)
        with box:
            yield Label(self.help_title, classes="dialog-title", markup=False)
            yield Label(
                "Proposes visits for the people and departments the goals still ask for. "
                "Nothing is booked until you press Book.",
                id="plan-note",
                markup=False,
            )
            with Horizontal(classes="plan-row"):
                yield text_field("from", "From", planner.DEFAULT_START, hint=" ")
                yield text_field(
                    "to", "To", f"in {planner.DEFAULT_RANGE.days // 7} weeks", hint=" "
                )
            with Horizontal(classes="plan-row"):
                yield Field(
                    "max_per_week",
                    "A week, at most",
                    Input(str(max_week), id="max_per_week", type="integer"),
                    hint="visits per person",
                )
                yield text_field(
                    "length",
                    "Length",
                    dates.format_duration(planner.DEFAULT_LENGTH),
                    hint="of each visit",
                )
                yield Button("Plan (enter)", id="plan", variant="primary")
            yield LoadingIndicator(id="plan-loading")
            yield Label("", id="plan-error", markup=False)
            yield Label("", id="plan-summary", markup=False)
            yield DataTable(id="proposals", cursor_type="row", zebra_stripes=True)
            yield Label("", id="proposal-detail", markup=False)
            with VerticalScroll(id="unplaced-box"):
                yield Static("", id="unplaced")
            with Horizontal(classes="buttons"):
                yield Button("Book ticked (ctrl+s)", id="book", variant="success", disabled=True)
                yield Button("Close (esc)", id="close")

    def _say_error(self, text: str) -> None:
        """The error line, taking no line of its own when there is none."""
        label = self.query_one("#plan-error", Label)
        label.update(text)
        label.display = bool(text)

    def _fit_height(self) -> None:
        short = self.app.size.height < self.SHORT_HEIGHT
        self.set_class(short, "-short")
        # (inline: app.tcss's margins round every dialog's title and buttons outrank
        # DEFAULT_CSS)
        for widget in (self.query_one(".dialog-title"), self.query_one(".buttons")):
            if short:
                widget.styles.margin = (0, 0, 0, 0)
            elif widget.styles.inline.clear_rule("margin"):
                widget.refresh(layout=True)

    def on_resize(self) -> None:
        self._fit_height()

    def on_mount(self) -> None:
        self._fit_height()
        self._say_error("")
        for field in self.query(".plan-row .field"):
            field.styles.margin = (0, 0, 0, 0)  # (app.tcss spaces out every .field)
        table = self.query_one("#proposals", DataTable)
        table.add_column("", key="tick", width=3)
        table.add_column("When", key="when", width=28)
        table.add_column("Department", key="department", width=22)
        table.add_column("Visitors", key="visitors", width=VISITORS_WIDTH)
        table.add_column("Host", key="host", width=16)
        table.display = False
        self.query_one("#proposal-detail").display = False
        self.query_one("#unplaced-box").display = False
        self.read_request()
        self.query_one("#from", Input).focus()

    # ------------------------------------------------------------ the request
    def field(self, name: str) -> Field:
        return self.query_one(f"#field-{name}", Field)

    def set_hint(self, name: str, text: Content | str) -> None:
        hints = self.field(name).query(".field-hint")
        if hints:
            hints.first(Label).update(text)

    def read_request(self) -> PlanRequest | None:
        """Read the fields, showing each date as read and each problem under its field."""
        now = self.app.clock()
        errors: dict[str, str] = {}
        start = end = None
        text = self.query_one("#from", Input).value
        try:
            start = dates.parse_day(text, now_=now, dayfirst=dayfirst(), future=False)
        except DateError as exc:
            errors["from"] = str(exc)
        text = self.query_one("#to", Input).value
        try:
            end = dates.parse_day(text, now_=now, dayfirst=dayfirst())
        except DateError as exc:
            errors["to"] = str(exc)
        for name, value in (("from", start), ("to", end)):
            if value is None:
                self.set_hint(name, "")
            else:
                shown = f"= {dates.format_day(value)}"
                self.set_hint(name, Content.styled(shown, "bold $text-success"))
        if start and end and end < start:
            errors["to"] = "is before the first day"
        raw = self.query_one("#max_per_week", Input).value.strip()
        max_week = int(raw) if raw.isascii() and raw.isdigit() else 0
        if max_week < 1:
            errors["max_per_week"] = "must be a whole number, at least 1"
        length = None
        try:
            length = dates.parse_duration(self.query_one("#length", Input).value)
        except DateError as exc:
            errors["length"] = str(exc)
        for name in ("from", "to", "max_per_week", "length"):
            self.field(name).set_error(errors.get(name))
        if errors or start is None or end is None or length is None:
            return None
        return PlanRequest(start, end, max_week, length)

    @on(Input.Changed)
    def _typed(self) -> None:
        self.read_request()

    @on(Input.Submitted)
    @on(Button.Pressed, "#plan")
    def action_run_plan(self) -> None:
        if self.planning:
            return
        request = self.read_request()
        if request is None:
            self._say_error("Fix the fields marked in red first.")
            return
        self.add_class("-planning")
        self._say_error("")
        self.query_one("#plan-summary", Label).update("Planning …")
        self.query_one("#book", Button).disabled = True
        self.loader.load((request, self.app.clock()))

    def _plan(self, job: tuple[PlanRequest, datetime]) -> tuple[Plan, PlanRequest]:
        request, now = job  # (runs in the loader's thread)
        result = planner.plan(
            self.app.store,
            self.programme_id,
            request.start,
            request.end,
            length=request.length,
            max_per_week=request.max_per_week,
            now=now,
        )
        return result, request

    def _plan_failed(self, error: str) -> None:
        self.remove_class("-planning")
        self.query_one("#plan-summary", Label).update("")
        self._say_error(f"Cannot plan: {error}")

    def _planned(self, result: tuple[Plan, PlanRequest]) -> None:
        self.remove_class("-planning")
        self.plan, self.request = result
        self.ticked = set(range(len(self.plan.proposals)))
        self.show_plan()

    # ------------------------------------------------------------ the proposal
    def show_plan(self) -> None:
        plan, request = self.plan, self.request
        assert plan is not None and request is not None
        store = self.app.store
        people = directory.names_by_id(store, Person.TABLE)
        depts = directory.names_by_id(store, Department.TABLE)
        span = f"{dates.format_day(request.start)} – {dates.format_day(request.end)}"
        if not plan.pairs:
            summary = f"Nothing to plan: the goals are met or already booked ({span})."
        else:
            summary = (
                f"{counted(plan.pairs, 'pair')} to cover, {span}: "
                f"{plan.placed} placed in {counted(len(plan.proposals), 'visit')}"
                + (f", {len(plan.unplaced)} not placed" if plan.unplaced else "")
                + "."
            )
        self._summary = summary
        self.query_one("#plan-summary", Label).update(summary)
        table = self.query_one("#proposals", DataTable)
        table.clear()
        zone = self.app.clock().tzinfo
        for i, p in enumerate(plan.proposals):
            start, end = p.start.astimezone(zone), p.end.astimezone(zone)
            visitors = cut(", ".join(people.get(v, f"#{v}") for v in p.visitors), VISITORS_WIDTH)
            table.add_row(
                self._tick(i),
                Text(dates.format_span(start, end), no_wrap=True),
                cut(depts.get(p.department_id, f"#{p.department_id}"), 22),
                visitors,
                cut(", ".join(people.get(h, f"#{h}") for h in p.hosts), 16),
                key=str(i),
            )
        self._names = (people, depts)
        table.display = bool(plan.proposals)
        self.query_one("#proposal-detail").display = bool(plan.proposals)
        if plan.proposals:
            table.move_cursor(row=0, animate=False)
            table.focus()
        box = self.query_one("#unplaced-box")
        box.display = bool(plan.unplaced)
        if plan.unplaced:
            lines = [
                Content.styled(
                    f"Not placed ({len(plan.unplaced)}), by department and reason:",
                    "bold $warning",
                )
            ]
            groups: dict[tuple[int, str], list[int]] = {}
            for u in plan.unplaced:
                groups.setdefault((u.department_id, u.reason), []).append(u.person_id)
            for (dept_id, reason), who in groups.items():
                names = ", ".join(people.get(p, f"#{p}") for p in who)
                lines.append(
                    Content.assemble(
                        "• ",
                        (one_line(depts.get(dept_id, f"#{dept_id}")), "bold"),
                        ": ",
                        one_line(reason),
                        (f" ({len(who)}: ", "$text-muted"),
                        (one_line(names), "$text-muted"),
                        (")", "$text-muted"),
                    )
                )
            self.query_one("#unplaced", Static).update(Content("\n").join(lines))
        self._update_book()

    @on(DataTable.RowHighlighted, "#proposals")
    def _show_detail(self) -> None:
        if self.plan is None or not self.plan.proposals:
            return
        table = self.query_one("#proposals", DataTable)
        p = self.plan.proposals[min(max(table.cursor_row, 0), len(self.plan.proposals) - 1)]
        people, depts = self._names
        zone = self.app.clock().tzinfo
        text = (
            f"{dates.format_span(p.start.astimezone(zone), p.end.astimezone(zone))} at "
            f"{one_line(depts.get(p.department_id, '?'))}: "
            f"{one_line(', '.join(people.get(v, '?') for v in p.visitors))}; "
            f"host {one_line(', '.join(people.get(h, '?') for h in p.hosts))}"
        )
        self.query_one("#proposal-detail", Label).update(text)

    def _tick(self, index: int) -> Text:
        if index in self.ticked:
            return Text(TICKED, style=theme_style(self.app, "success", bold=True))
        return Text(UNTICKED, style="dim")

    def _update_book(self) -> None:
        button = self.query_one("#book", Button)
        n = len(self.ticked)
        button.disabled = not self.ticked
        if self.plan is not None and self.plan.proposals:
            keys = "" if self.has_class("-short") else " (space ticks or unticks, a all, n none)"
            self.query_one("#plan-summary", Label).update(
                f"{self._summary} Ticked: {n} of {len(self.plan.proposals)}{keys}."
            )  # (a short terminal leaves the keys to the footer, for the list's sake)

    def _retick(self, indexes) -> None:
        table = self.query_one("#proposals", DataTable)
        for i in indexes:
            table.update_cell(str(i), "tick", self._tick(i))
        self._update_book()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("toggle", "tick_all", "tick_none", "book"):
            return self.plan is not None and bool(self.plan.proposals)
        return True

    def action_toggle(self) -> None:
        table = self.query_one("#proposals", DataTable)
        if self.plan is None or not self.plan.proposals:
            return
        i = table.cursor_row
        self.ticked ^= {i}
        self._retick([i])

    @on(DataTable.RowSelected, "#proposals")
    def _row_selected(self) -> None:
        self.action_toggle()

    def action_tick_all(self) -> None:
        if self.plan is not None:
            self.ticked = set(range(len(self.plan.proposals)))
            self._retick(self.ticked)

    def action_tick_none(self) -> None:
        if self.plan is not None:
            was, self.ticked = self.ticked, set()
            self._retick(was)

    # ------------------------------------------------------------ booking
    @on(Button.Pressed, "#book")
    def action_book(self) -> None:
        if self.plan is None or self.planning:
            return
        if not self.ticked:
            self._say_error("Nothing ticked: tick the visits to book (space), or close.")
            return
        actor = self.app.acting_name()
        if actor is None or self.booker.reading:
            return
        self.booker.load((actor, self.plan, sorted(self.ticked)))

    def _book(self, job: tuple[str, Plan, list[int]]) -> list[int]:
        actor, plan, ticked = job  # (a large calendar: in the loader's thread)
        return planner.apply(self.app.store, actor, plan, self.programme_id, accept=ticked)

    def _booking(self) -> None:
        self.query_one("#plan-summary", Label).update("Booking …")
        self.query_one("#book", Button).disabled = True

    def _not_booked(self, error: str) -> None:
        self.query_one("#book", Button).disabled = False
        self._say_error(f"Not booked: {error}")
        self.app.say(error, title="Not booked", severity="error")

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)
