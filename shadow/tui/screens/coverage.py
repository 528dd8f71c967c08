"""Coverage: who has seen which department lately, the goals' progress, and the feedback gap.

The Coverage tab is a matrix of IT staff (rows) by departments (columns); each
cell is the day of the pair's last completed visit, coloured by how recent it
is against the programme's cadence. Under it, each goal with its progress.
``g`` edits the goals, ``p`` plans visits for the gaps (review, then book).

The Feedback gap tab shows, per department, the gap between what library staff
expect of IT's communication and what they experienced, before and after
visits, and month by month; ``s`` records a survey.

(Over 500 lines: the matrix, the goals and the feedback gap are three views of one read.)
"""

from __future__ import annotations

import textwrap
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Label, ProgressBar, Select, TabbedContent, TabPane

from shadow.core import coverage, dates
from shadow.core.coverage import Coverage, GoalProgress
from shadow.core.models import (
    DIRECTION_LABELS,
    DIRECTION_SHORT,
    SURVEY_DIMENSIONS,
    Department,
    Person,
    Programme,
    Survey,
    Visit,
)
from shadow.core.plain import count as counted
from shadow.core.programmes import active as active_programmes
from shadow.core.programmes import get as get_programme
from shadow.core.surveys import DepartmentGap

from ..commands import Command, bindings
from ..loading import Loader
from ..modals.goals_form import GoalsForm
from ..modals.planner import PlannerModal
from ..modals.survey_form import SurveyForm
from ..widgets.charts import Series, theme_style
from ..widgets.line_chart import LineChart
from ..widgets.literal import one_line, select_options
from ..widgets.matrix_table import MatrixTable
from .base import REFRESH_COMMAND, AreaScreen

NARROW_WIDTH = 100  # narrower than this, the legend takes its one-line short form

# state -> (theme colour, what it means)
STATES = {
    "fresh": ("success", "visited recently"),
    "ageing": ("warning", "due again soon"),
    "stale": ("error", "overdue"),
    "never": ("text-muted", "never visited"),
}
MIN_COLUMN, MAX_COLUMN = 7, 12  # 7: a booking (→23 Dec) whole, not →23 De
SHORTFALLS_SHOWN = 3
DIMENSION_LABELS = {
    "plain language": "Plain words",
    "listening": "Listening",
    "understanding of our work": "Understands us",
    "follow-through": "Follows up",
}


def cell_text(c: coverage.Cell, today: date) -> str:
    """A matrix cell: the last visit; but where that is overdue (or never happened) and
    a visit is booked, the booking (``→30 Nov``), since that is what the coordinator
    needs to know. The line under the matrix always gives both."""
    if c.booked and c.state in ("stale", "never"):
        return "→" + short_day(c.booked, today)
    return short_day(c.last, today) if c.last else "never"


def short_day(day: date, today: date) -> str:
    """``12 Nov`` within a year of ``today``, else ``Nov '24`` (both fit a 7-cell column)."""
    if abs((today - day).days) < 330:
        return f"{day.day} {day:%b}"
    return f"{day:%b '%y}"


def header_label(name: str, width: int, lines: int = 2) -> Text:
    """A department name wrapped into ``lines`` lines of ``width`` (cut with … if longer)."""
    name = one_line(name)
    wrapped = textwrap.wrap(name, width, break_long_words=False) or [""]
    out = []
    for i, line in enumerate(wrapped[:lines]):
        last = i == lines - 1 and len(wrapped) > lines
        if len(line) > width or last:
            line = line[: width - 1].rstrip() + "…"
        out.append(line)
    return Text("\n".join(out), no_wrap=True)


def gap_text(app, value: float | None, *, change: bool = False) -> Text:
    """A gap (or how much it closed) coloured by what it means."""
    if value is None:
        return Text("–", style="dim", justify="right")
    if change:
        colour = "success" if value > 0 else "error" if value < 0 else "text-muted"
        return Text(f"{value:+.2f}", style=theme_style(app, colour), justify="right")
    colour = "error" if value >= 1 else "warning" if value > 0 else "success"
    return Text(f"{value:.2f}", style=theme_style(app, colour), justify="right")


class GoalRow(Vertical):
    """One goal: what it asks, a progress bar, met/required, and who is short."""

    DEFAULT_CSS = """
    GoalRow {
        height: auto;
        padding: 0 1;
    }
    GoalRow .goal-line {
        height: auto;
    }
    GoalRow .goal-text {
        width: 1fr;
    }
    GoalRow ProgressBar {
        width: auto;
        margin-left: 1;
    }
    GoalRow .goal-count {
        width: 14;
        text-align: right;
    }
    GoalRow .goal-short {
        color: $text-muted;
        padding-left: 2;
        width: 100%;
    }
    """

    def __init__(self, progress: GoalProgress, detail: str) -> None:
        super().__init__(classes="goal")
        self.progress = progress
        self.detail = detail

    def compose(self) -> ComposeResult:
        g = self.progress
        with Horizontal(classes="goal-line"):
            yield Label(Content(g.description[:1].upper() + g.description[1:]), classes="goal-text")
            bar = ProgressBar(total=max(g.required, 1), show_eta=False)
            bar.progress = g.met if g.required else 1
            yield bar
            yield Label(f"{g.met}/{g.required} met", classes="goal-count", markup=False)
        if self.detail:
            yield Label(Content(self.detail), classes="goal-short")


class CoverageScreen(AreaScreen):
    AREA_TITLE = "Coverage"
    HELP = (
        "Coverage: each IT person (rows) against each department (columns). A cell "
        "shows when that person last visited that department (a completed visit), "
        "coloured against the programme's cadence: green within half of it, yellow "
        "within it, red beyond it, grey never; →30 Nov in a red or grey cell means a "
        "visit is booked for that day. The line under the matrix names the "
        "highlighted cell in full. Below are the programme's goals with their "
        "progress. d switches direction: library staff (rows) against IT teams. "
        "g edits the goals; p plans visits for the gaps (both ways): you review the "
        "proposal and book the ones you want as requested visits. The Feedback gap tab "
        "(2) compares what library staff expect of IT's communication with what they "
        "experienced, before and after visits and month by month; s records a survey."
    )
    WATCHES = frozenset(
        {Visit.TABLE, Person.TABLE, Department.TABLE, Programme.TABLE, Survey.TABLE}
    )
    FOCUS = "#matrix-table"
    COMMAND_LIST = (
        Command("goals", "Goals", "Edit the programme's coverage goals", key="g"),
        Command("plan", "Plan visits", "Propose visits that close the gaps; review and book", "p"),
        Command("survey", "Survey", "Record a survey: expected vs experienced", key="s"),
        Command(
            "toggle_direction",
            "Direction",
            "Switch between IT staff visiting library departments and library staff visiting "
            "IT teams",
            key="d",
        ),
        Command("show_tab('matrix')", "Coverage tab", "Show the coverage matrix", key="1"),
        Command("show_tab('gap')", "Feedback gap tab", "Show the feedback gap", key="2"),
        REFRESH_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)
    DEFAULT_CSS = """
    CoverageScreen #programme {
        width: 40;
    }
    CoverageScreen #coverage-legend {
        width: 1fr;
        padding: 0 0 0 2;
    }
    CoverageScreen.-narrow #programme {
        width: 34;
    }
    CoverageScreen #coverage-tabs {
        height: 1fr;
    }
    CoverageScreen #coverage-tabs ContentSwitcher {
        height: 1fr;
    }
    CoverageScreen #coverage-tabs TabPane {
        height: 1fr;
        padding: 0;
    }
    CoverageScreen #matrix-table {
        height: auto;
        max-height: 70%;
        min-height: 5;
    }
    CoverageScreen.-short #matrix-table {
        max-height: 55%;
    }
    CoverageScreen #cell-detail {
        width: 100%;
        padding: 0 1;
        background: $boost;
    }
    CoverageScreen .section-title {
        width: 100%;
        text-style: bold;
        color: $accent;
        padding: 0 1;
        margin-top: 1;
    }
    CoverageScreen #goals {
        height: 1fr;
    }
    CoverageScreen #gap-note {
        width: 100%;
        padding: 0 1;
        color: $text-muted;
    }
    CoverageScreen #gap-table {
        height: auto;
        max-height: 14;
    }
    CoverageScreen #gap-chart {
        height: 1fr;
        min-height: 8;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.loader: Loader[coverage.CoverageView] = Loader(
            self,
            lambda request: coverage.read_view(self.app.store, *request),
            self._apply,
            size=lambda: sum(
                self.app.store.size_hint(t) for t in (Visit.TABLE, Person.TABLE, Survey.TABLE)
            ),
            busy=lambda: self.query_one("#coverage-legend", Label).update(
                "Reading who has visited which department …"
            ),
            name="coverage",
        )
        self.programme_id: int | None = None
        self.direction = "it-to-library"  # d switches to library staff visiting IT teams
        self.cov: Coverage | None = None
        self.gaps: list[DepartmentGap] = []
        self.overall: dict[str, float] = {}
        self._gap_ids: list[int] = []  # department id per gap row
        self._column_width = 0
        self._pending_tab: str | None = None

    # ------------------------------------------------------------ layout
    def compose_body(self) -> ComposeResult:
        with Horizontal(id="coverage-bar", classes="area-bar"):
            yield Select([], prompt="programme", allow_blank=True, compact=True, id="programme")
            yield Label("", id="coverage-legend")
        with TabbedContent(id="coverage-tabs"):
            with TabPane("Coverage", id="matrix"):
                yield MatrixTable(id="matrix-table", cursor_type="cell", header_height=2)
                yield Label("", id="cell-detail", markup=False)
                yield Label("Goals", classes="section-title", id="goals-title")
                yield VerticalScroll(id="goals")
            with TabPane("Feedback gap", id="gap"):
                yield Label(
                    "Gap = expected − experienced, on 1–5 scales, averaged over the four "
                    "questions: above 0, IT fell short; 0 or below, it met or beat "
                    "expectations. 'Closed by' is before minus after. s records a survey.",
                    id="gap-note",
                    markup=False,
                )
                yield DataTable(id="gap-table", cursor_type="row", zebra_stripes=True)
                yield LineChart("Gap by month", id="gap-chart")

    def on_mount(self) -> None:
        # (AreaScreen.on_mount runs too and subscribes to the store's changes.)
        gap = self.gap_table
        gap.add_column("Department", key="department")
        gap.add_column("Answers", key="answers")
        gap.add_column("Before", key="before")
        gap.add_column("After", key="after")
        gap.add_column("Closed by", key="change")
        for d in SURVEY_DIMENSIONS:
            gap.add_column(DIMENSION_LABELS.get(d, d), key=d)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.show())
        self.set_class(self.app.size.height < 30, "-short")  # (then AreaScreen reads)
        self.set_class(self.app.size.width < NARROW_WIDTH, "-narrow")

    @property
    def matrix(self) -> DataTable:
        return self.query_one("#matrix-table", DataTable)

    @property
    def gap_table(self) -> DataTable:
        return self.query_one("#gap-table", DataTable)

    @property
    def tab(self) -> str:
        return self.query_one(TabbedContent).active or "matrix"

    # ------------------------------------------------------------ reading
    def programmes(self) -> list[Programme]:
        return active_programmes(self.app.store)

    def reload(self) -> None:
        self.loader.load((self.programme_id, self.app.clock(), self.direction))

    def action_toggle_direction(self) -> None:
        self.direction = "library-to-it" if self.direction == "it-to-library" else "it-to-library"
        self.app.say(f"Coverage {DIRECTION_LABELS[self.direction]}")
        self.reload()

    def _apply(self, view: coverage.CoverageView) -> None:
        self.programme_id = view.programme_id
        self._fill_programmes(view.programmes)
        self.cov, self.gaps, self.overall = view.coverage, view.gaps, view.overall
        self._gap_ids = list(view.gap_ids)
        self.show()

    def _fill_programmes(self, programmes: list[Programme]) -> None:
        select = self.query_one("#programme", Select)
        options = select_options((p.name, p.id) for p in programmes)
        with self.prevent(Select.Changed):
            select.set_options(options)
            if self.programme_id is not None:
                select.value = self.programme_id
        select.display = bool(options)

    @on(Select.Changed, "#programme")
    def _programme_chosen(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL and event.value != self.programme_id:
            self.programme_id = int(event.value)
            self.reload()

    def programme(self) -> Programme | None:
        if self.programme_id is None:
            return None
        return get_programme(self.app.store, self.programme_id)

    # ------------------------------------------------------------ showing
    def cadence(self) -> int:
        goals = self.cov.goals if self.cov else []
        return min((g.goal["days"] for g in goals if g.goal["type"] == "cadence"), default=365)

    def show(self) -> None:
        if self.cov is None:
            return
        self._show_legend()
        self._show_matrix()
        self._show_goals()
        self._show_gaps()

    def _show_legend(self) -> None:
        """The colour key over the matrix; in a narrow terminal (80 columns) the same in
        one short line (f1 help says more)."""
        cadence = self.cadence()
        fresh = int(cadence * coverage.FRESH_SHARE)
        narrow = self.has_class("-narrow")
        unit, ago, swatch = ("d", "", " ■") if narrow else (" days", " ago", " ■ ")
        if narrow:
            parts: list = [(DIRECTION_SHORT[self.direction], "bold")]
        else:
            parts = [
                (f"{DIRECTION_LABELS[self.direction]} (d) · ", "bold"),
                ("Last visit ", "bold"),
            ]
        for state, text in (
            ("fresh", f"≤{fresh}{unit}{ago}"),
            ("ageing", f"≤{cadence}{unit}"),
            ("stale", f">{cadence}{unit}"),
            ("never", "never"),
        ):
            parts += [(swatch, f"${STATES[state][0]}"), text]
        parts.append(" →booked" if narrow else "  →date: booked")
        if self.programme_id is None:
            missing = (
                "  no programme yet" if narrow else "no programme yet: the default goals apply"
            )
            parts.append((missing, "$text-muted"))
        self.query_one("#coverage-legend", Label).update(Content.assemble(*parts))

    def _column_width_for(self, count: int) -> int:
        table = self.matrix
        width = table.size.width or self.app.size.width
        label = max((len(p.name) for p in self.cov.people), default=8) + 2
        available = width - label - 2
        return max(MIN_COLUMN, min(MAX_COLUMN, available // max(count, 1) - 2))

    def _show_matrix(self) -> None:
        cov = self.cov
        table = self.matrix
        keep = table.cursor_coordinate
        width = self._column_width_for(len(cov.departments))
        self._column_width = width
        table.clear(columns=True)
        for d in cov.departments:
            table.add_column(header_label(d.name, width), width=width, key=str(d.id))
        today = cov.as_of
        styles = {s: theme_style(self.app, colour) for s, (colour, _) in STATES.items()}
        # A matrix has a handful of distinct cells: each made once, shown in many places.
        made: dict[tuple[str, str], Text] = {}
        rows = []
        for p in cov.people:
            cells = []
            for d in cov.departments:
                c = cov.cells[(p.id, d.id)]
                text = cell_text(c, today)
                cell = made.get((text, c.state))
                if cell is None:
                    cell = Text(text, style=styles.get(c.state, ""), no_wrap=True)
                    made[(text, c.state)] = cell
                cells.append(cell)
            rows.append(cells)
        table.add_rows(
            rows,
            keys=[str(p.id) for p in cov.people],
            labels=[Text(one_line(p.name), no_wrap=True) for p in cov.people],
        )
        if cov.people and cov.departments:
            row = min(keep.row, len(cov.people) - 1)
            column = min(keep.column, len(cov.departments) - 1)
            table.move_cursor(row=row, column=column, animate=False)
        self._show_cell()
        if not cov.people or not cov.departments:
            visitors = "library staff" if self.direction == "library-to-it" else "IT staff"
            places = "IT teams" if self.direction == "library-to-it" else "departments"
            what = visitors if not cov.people else places
            self.query_one("#cell-detail", Label).update(
                f"No active {what} yet: add them in the Directory."
            )

    def on_resize(self) -> None:
        self.set_class(self.size.height < 30, "-short")
        narrow = self.size.width < NARROW_WIDTH
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            if self.cov is not None:
                self._show_legend()
        if (
            self.cov is not None
            and self._column_width_for(len(self.cov.departments)) != self._column_width
        ):
            self._show_matrix()

    @on(DataTable.CellHighlighted, "#matrix-table")
    def _cell_highlighted(self) -> None:
        self._show_cell()

    def _show_cell(self) -> None:
        cov = self.cov
        if cov is None or not cov.people or not cov.departments:
            return
        coordinate = self.matrix.cursor_coordinate
        if not (0 <= coordinate.row < len(cov.people)):
            return
        p = cov.people[coordinate.row]
        d = cov.departments[min(coordinate.column, len(cov.departments) - 1)]
        c = cov.cells[(p.id, d.id)]
        who = f"{one_line(p.name)} ({one_line(p.role)})" if p.role else one_line(p.name)
        if c.last is None:
            text = f"{who} has never visited {one_line(d.name)}"
        else:
            age = (cov.as_of - c.last).days
            text = (
                f"{who} last visited {one_line(d.name)} on {dates.format_day(c.last)}, "
                f"{age} day{'' if age == 1 else 's'} ago: {STATES[c.state][1]}"
            )
        if c.booked is not None:
            text += f"; next visit booked for {dates.format_day(c.booked)}"
        seen = sum(1 for dd in cov.departments if cov.cells[(p.id, dd.id)].last is not None)
        text += f" · {seen} of {counted(len(cov.departments), 'department')} visited"
        self.query_one("#cell-detail", Label).update(text)

    def _show_goals(self) -> None:
        cov = self.cov
        box = self.query_one("#goals", VerticalScroll)
        box.remove_children()
        names = {p.id: p.name for p in cov.people}
        depts = {d.id: d.name for d in cov.departments}
        rows = []
        for g in cov.goals:
            if g.goal["type"] == "cadence":
                detail = ""
                if g.missing:
                    first = ", ".join(
                        f"{names.get(p, '?')} → {depts.get(d, '?')}"
                        for p, d in g.missing[:SHORTFALLS_SHOWN]
                    )
                    more = len(g.missing) - SHORTFALLS_SHOWN
                    detail = f"Still to visit: {first}" + (f" and {more} more" if more > 0 else "")
            else:
                parts = [
                    f"{names.get(pid, '?')} needs {n} more by {dates.format_day(by)}"
                    for pid, (n, by) in sorted(g.short.items(), key=lambda kv: kv[1][1])
                ]
                detail = "; ".join(parts[:SHORTFALLS_SHOWN])
                if len(parts) > SHORTFALLS_SHOWN:
                    detail += f"; and {len(parts) - SHORTFALLS_SHOWN} more"
                if not g.required:
                    detail = "Nobody matches this goal's roles at the moment."
            rows.append(GoalRow(g, one_line(detail)))
        if not rows:
            rows.append(Label("No goals", classes="goal-short"))
        box.mount_all(rows)
        title = "Goals"
        if self.programme_id is not None:
            prog = self.programme()
            title = f"Goals of {one_line(prog.name)}" if prog else title
        self.query_one("#goals-title", Label).update(f"{title} (g edits them, p plans visits)")

    def _show_gaps(self) -> None:
        table = self.gap_table
        keep = table.cursor_row
        table.clear()
        for i, g in enumerate(self.gaps):
            table.add_row(
                Text(one_line(g.department), no_wrap=True),
                Text(str(g.responses), justify="right"),
                gap_text(self.app, g.before),
                gap_text(self.app, g.after),
                gap_text(self.app, g.change, change=True),
                *(gap_text(self.app, g.by_dimension.get(d)) for d in SURVEY_DIMENSIONS),
                key=str(i),
            )
        if self.gaps:
            table.move_cursor(row=min(keep, len(self.gaps) - 1), animate=False)
        self._show_gap_chart()

    @on(DataTable.RowHighlighted, "#gap-table")
    def _gap_highlighted(self) -> None:
        self._show_gap_chart()

    def _show_gap_chart(self) -> None:
        chart = self.query_one("#gap-chart", LineChart)
        if not self.gaps:
            chart.title_text = "Gap by month: no surveys yet (s records one)"
            chart.lines([], [])
            return
        row = min(max(self.gap_table.cursor_row, 0), len(self.gaps) - 1)
        g = self.gaps[row]
        months = sorted(set(self.overall) | set(g.by_month))
        labels = [f"{date.fromisoformat(m + '-01'):%b %y}" for m in months]
        chart.title_text = f"Gap by month: {one_line(g.department)}"
        chart.lines(
            labels,
            [
                Series("all departments", [self.overall.get(m) for m in months], "secondary"),
                Series(one_line(g.department), [g.by_month.get(m) for m in months], "warning"),
            ],
            zero_line=True,
        )

    # ------------------------------------------------------------ actions
    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        (self.matrix if tab == "matrix" else self.gap_table).focus()

    def show_tab_soon(self, tab: str) -> None:
        """Show ``tab`` once this screen is back on top (a closing dialog hands the focus
        back to the widget that had it, and focus inside a tab brings that tab forward)."""
        self._pending_tab = tab
        self.action_show_tab(tab)
        self.call_after_refresh(self._apply_pending_tab)

    def on_screen_resume(self) -> None:
        if self._pending_tab:
            self.call_after_refresh(self._apply_pending_tab)

    def _apply_pending_tab(self) -> None:
        if self._pending_tab and self.is_current:
            tab, self._pending_tab = self._pending_tab, None
            self.action_show_tab(tab)

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        table = self.matrix if event.pane.id == "matrix" else self.gap_table
        if self.focused is None or event.pane not in self.focused.ancestors:
            table.focus()

    def action_goals(self) -> None:
        prog = self.programme()
        if prog is None:
            self.app.say(
                "There is no programme to set goals for yet: add one with "
                "'shadow programme add'. Until then the default goals apply.",
                severity="warning",
                timeout=8,
            )
            return
        if self.app.acting_name() is None:
            return

        def saved(programme_id: int | None) -> None:
            if programme_id is not None:
                self.reload()
                self.app.say(f"Goals of {prog.name} saved")

        self.app.push_screen(GoalsForm(prog), saved)

    def action_plan(self) -> None:
        if self.app.acting_name() is None:
            return
        prog = self.programme()
        name = prog.name if prog else "default goals"

        def done(booked: int | None) -> None:
            if booked:
                self.reload()
                self.app.say(
                    f"Booked {booked} visit{'' if booked == 1 else 's'} as requested: "
                    "the hosts confirm them in the Schedule."
                )

        self.app.push_screen(PlannerModal(self.programme_id, name), done)

    def action_survey(self) -> None:
        if self.app.acting_name() is None or self.app.actor is None:
            return
        dept = None  # the form starts with the respondent's own department
        if self.tab == "gap" and self.gaps:
            dept = self._gap_ids[min(max(self.gap_table.cursor_row, 0), len(self.gaps) - 1)]

        def saved(survey_id: int | None) -> None:
            if survey_id is not None:
                self.reload()
                self.show_tab_soon("gap")
                self.app.say(f"Survey #{survey_id} recorded")

        self.app.push_screen(SurveyForm(self.app.actor, department_id=dept), saved)
