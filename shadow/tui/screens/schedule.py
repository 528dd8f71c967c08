"""The schedule: every visit as an agenda or a week grid by department; book, move, confirm.

(Over 500 lines: the agenda and the week grid share filters, selection and commands.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import ContentSwitcher, DataTable, Input, Label, Select

from shadow.core import dates, directory, schedule
from shadow.core.dates import format_day, format_span, from_iso
from shadow.core.directory import search_key
from shadow.core.models import (
    DIRECTION_LABELS,
    DIRECTION_SHORT,
    DIRECTIONS,
    VISIT_STATUSES,
    Department,
    Person,
    Programme,
    Visit,
)
from shadow.core.occurrence_index import OccurrenceIndex
from shadow.core.plain import count as counted
from shadow.core.programmes import every as every_programme
from shadow.core.schedule import Occurrence, week_start
from shadow.core.store import Store

from .. import palette
from ..commands import Command, bindings
from ..loading import Loader
from ..modals.booking import BookingForm, RescheduleForm
from ..modals.pick_visit import PickVisit
from ..palette import rich
from ..visit_status import STATUS_VERBS, change_status
from ..widgets.due import from_now
from ..widgets.filter_field import FilterField
from ..widgets.literal import select_options
from ..widgets.record_table import RecordTable
from ..widgets.suggest import SuggestName
from ..widgets.week_grid import GridRow, WeekGrid
from .base import AreaScreen

HORIZON_DAYS = 90  # how far ahead the agenda looks
PAST_DAYS = 30  # how far back it looks when the past is shown
NARROW_WIDTH = 110  # narrower than this: the filter choices narrow

# (label, narrowest width the column may be cut to; None: never cut). At 80 columns
# Repeats and then Kind leave the table (AGENDA_DROP) so that the names keep a few
# letters each beside a whole When, Status and Way (the visit page has the rest).
AGENDA_COLUMNS = (
    ("", None),
    ("When", None),
    ("Department", 7),
    ("Visitors", 6),
    ("Hosts", 6),
    ("Kind", 4),
    ("Status", None),
    ("Repeats", 6),
    ("Way", None),
)
AGENDA_DROP = ("Repeats", "Kind")

# How a status looks (rich styles: these go into DataTable cells).
STATUS_STYLE = {status: rich(style) for status, style in palette.STATUS.items()}
ROW_STYLE = {"cancelled": "dim", "no-show": "dim"}
# The colours' key; a narrow screen (80 columns) keeps it to one line without the keys
# (they are in the footer and f1 help).
LEGEND_SHORT = Text(" · ").join(
    Text(status, STATUS_STYLE[status])
    for status in ("requested", "confirmed", "completed", "cancelled", "no-show")
)
LEGEND = Text.assemble(LEGEND_SHORT, "   ·   [ ] other weeks · t this week · b books here")


@dataclass(frozen=True)
class ScheduleData:
    """What the Schedule reads: every visit (by day, in the index), and the names it shows
    them with."""

    index: OccurrenceIndex  # every visit by day; its ``series`` by id
    people: dict[int, str]
    departments: list[Department]
    programmes: list[Programme]
    # the agenda's widest window (past days included) and its occurrences, read with them
    window: tuple[datetime, datetime] | None = None
    agenda: list[Occurrence] | None = None


GROUP_CELLS: dict[str, Text] = {}  # the agenda's first column: "Today", "Past", "" ...


def read_schedule(store: Store, window: tuple[datetime, datetime] | None = None) -> ScheduleData:
    """The Schedule's read (pure: run on the spot or in the loader's thread); ``window``:
    the agenda's, whose occurrences are worked out here rather than on the event loop.
    The visits are the index every reader shares until the next change (the Dashboard's
    read built it already; 40,000 visits are not made into Visits again per open)."""
    index = OccurrenceIndex.shared(store)
    return ScheduleData(
        index,
        directory.names_by_id(store, Person.TABLE),
        directory.departments(store),
        every_programme(store),
        window,
        index.between(*window) if window is not None else None,
    )


class AgendaNames:
    """What an occurrence's agenda cells are made of, from one read (names, departments,
    series): pure, so that the loader's thread makes the cells of the agenda's
    occurrences with the read (``read_with_cells``; on the event loop they were half of
    showing the Schedule at 150,000 records), and the screen any other's."""

    def __init__(self, data: ScheduleData | None = None) -> None:
        departments = data.departments if data is not None else []
        self.people: dict[int, str] = data.people if data is not None else {}
        self.department_names = {d.id: d.name for d in departments if d.id is not None}
        self.directions = {d.id: d.direction for d in departments if d.id is not None}
        # the series by id (a row's "repeats" says how its series repeats)
        self.visits_by_id: dict[int, Visit] = data.index.series if data is not None else {}

    def department_name(self, dept_id: int | None) -> str:
        if dept_id in self.department_names:
            return self.department_names[dept_id]
        return f"#{dept_id}" if dept_id else ""

    def names(self, ids: Iterable[int]) -> str:
        return ", ".join(self.people.get(pid, f"#{pid}") for pid in ids)

    def repeats(self, occ: Occurrence) -> str:
        if occ.series_id is None:
            return ""
        series = self.visits_by_id.get(occ.series_id)
        text = schedule.describe_repeat(series.rrule) if series is not None else "series"
        if occ.visit.series_id is not None:
            text += " (changed)"
        return text

    def direction_of(self, visit: Visit) -> str:
        return self.directions.get(visit.department_id, "it-to-library")

    def cells(self, occ: Occurrence, zone: tzinfo) -> list[Text]:
        """An occurrence's agenda cells but the first (its group), in ``zone``."""
        visit = occ.visit
        row_style = ROW_STYLE.get(occ.status, "")
        return [
            Text(agenda_span(occ, zone), style=row_style, no_wrap=True),
            Text(self.department_name(visit.department_id), style=row_style, no_wrap=True),
            Text(self.names(visit.visitors), style=row_style, no_wrap=True),
            Text(self.names(visit.hosts), style=row_style, no_wrap=True),
            Text(visit.kind, style=row_style, no_wrap=True),
            Text(occ.status, style=STATUS_STYLE.get(occ.status, ""), no_wrap=True),
            Text(self.repeats(occ), style=row_style, no_wrap=True),
            Text(DIRECTION_SHORT[self.direction_of(visit)], style=row_style, no_wrap=True),
        ]


def span(occ: Occurrence, zone: tzinfo) -> str:
    return format_span(occ.start.astimezone(zone), occ.end.astimezone(zone))


def agenda_span(occ: Occurrence, zone: tzinfo) -> str:
    """The agenda's When: without the year (the agenda covers a few months and its
    groups say where it is), so the names keep room at 80 columns."""
    return span(occ, zone).replace(f" {occ.start.astimezone(zone).year} ", " ")


@dataclass(frozen=True)
class ScheduleRead:
    """A read with the cells of its agenda's occurrences, made in ``zone``."""

    data: ScheduleData
    names: AgendaNames
    zone: tzinfo
    cells: dict[str, list[Text]]


def read_with_cells(
    store: Store, window: tuple[datetime, datetime] | None, zone: tzinfo
) -> ScheduleRead:
    """``read_schedule``, and the agenda cells of the occurrences it worked out."""
    data = read_schedule(store, window)
    names = AgendaNames(data)
    return ScheduleRead(data, names, zone, {o.key: names.cells(o, zone) for o in data.agenda or ()})


def weeks_label(offset: int) -> str:
    return from_now(offset, "week", ("this week", "next week", "last week"))


class ScheduleScreen(AreaScreen):
    AREA_TITLE = "Schedule"
    HELP = (
        "The schedule: every visit, as an agenda (today, the rest of this week, then "
        "what is coming; p adds the past 30 days) or as a week grid with a row per "
        "department (v switches). Filter by person, department, programme or status "
        "in the bar at the top, or press m for your own visits; c clears the filter. "
        "Book with b; move, confirm, complete, cancel or mark a no-show on the "
        "highlighted visit. Where several visits share a day in the grid you are asked "
        "which one. For a visit that repeats you choose whether a cancellation (or a "
        "confirmation) is for this occurrence or the whole series."
    )
    WATCHES = frozenset({Visit.TABLE, Person.TABLE, Department.TABLE, Programme.TABLE})
    FOCUS = "#agenda"
    COMMAND_LIST = (
        Command(
            "book",
            "Book a visit",
            "Book a visit (in the week view: at the highlighted department and day)",
            key="b",
            short="Book",
        ),
        Command(
            "open", "Open visit", "Open the highlighted visit", key="enter", key_display="enter"
        ),
        Command(
            "reschedule",
            "Reschedule",
            "Move the highlighted visit to another time (conflicts checked as you type)",
            key="r",
            short="Move",
        ),
        Command(
            "set_status('confirmed')",
            "Confirm visit",
            "Mark the highlighted visit confirmed",
            key="f",
            short="Confirm",
        ),
        Command(
            "set_status('completed')",
            "Complete visit",
            "Mark the highlighted visit done: it took place",
            key="d",
            short="Done",
        ),
        Command(
            "set_status('cancelled')",
            "Cancel visit",
            "Cancel the highlighted visit (asks first; for a series: this occurrence or all)",
            key="x",
            short="Cancel",
        ),
        Command(
            "set_status('no-show')",
            "No-show",
            "Mark that the visitors did not come",
            key="n",
            footer=False,
        ),
        Command(
            "toggle_outcomes",
            "Record outcomes",
            "Past visits still requested or confirmed: close each with d (completed), "
            "n (no-show) or x (cancelled, with a reason); again: the agenda",
            key="o",
            footer=False,
        ),
        Command(
            "toggle_view",
            "Agenda / week grid",
            "Switch between the agenda list and the week grid by department",
            key="v",
            short="View",
        ),
        Command(
            "toggle_mine",
            "My visits",
            "Show only the visits you are on (again: everyone's)",
            key="m",
            short="Mine",
        ),
        Command(
            "focus_filter",
            "Filter",
            "Filter by person, department, programme or status",
            key="slash",
            key_display="/",
        ),
        Command(
            "clear_filter",
            "Clear filter",
            "Clear every filter (and 'my visits')",
            key="c,escape",
            footer=False,
        ),
        Command(
            "toggle_past",
            "Show/hide past 30 days",
            "Add the visits of the past 30 days to the agenda, or hide them again",
            key="p",
            short="Past",
        ),
        Command(
            "previous_week",
            "Previous week",
            "Show the week before (week grid)",
            key="left_square_bracket",
            key_display="[",
            short="Prev",
        ),
        Command(
            "next_week",
            "Next week",
            "Show the week after (week grid)",
            key="right_square_bracket",
            key_display="]",
            short="Next",
        ),
        Command(
            "today",
            "Today",
            "Back to this week (grid) or to today's visits (agenda)",
            key="t",
            footer=False,
        ),
    )
    BINDINGS = bindings(COMMAND_LIST)

    DEFAULT_CSS = """
    ScheduleScreen #schedule-filters {
        height: 1;
        padding: 0 1;
        margin-top: 1;
    }
    ScheduleScreen #schedule-filters Input {
        width: 1fr;
        margin-right: 1;
    }
    ScheduleScreen #schedule-filters Select {
        width: 26;
        margin-right: 1;
    }
    ScheduleScreen #schedule-filters #filter-direction {
        width: 20;
    }
    /* At 80 columns the choices narrow so that the person and department boxes keep
       room to show what is typed in them. */
    ScheduleScreen #schedule-filters Select.-narrow,
    ScheduleScreen #schedule-filters #filter-direction.-narrow {
        width: 16;
    }
    ScheduleScreen #schedule-bar {
        height: auto;
        max-height: 3;
        padding: 0 1;
        margin-bottom: 1;
    }
    ScheduleScreen #schedule-title {
        width: auto;
        max-width: 65%;
        text-style: bold;
    }
    ScheduleScreen #schedule-filter {
        width: 1fr;
        padding-left: 2;
        color: $text-muted;
    }
    ScheduleScreen #schedule-filter.-active {
        color: $text-warning;
    }
    ScheduleScreen #schedule-views {
        height: 1fr;
    }
    ScheduleScreen #week {
        height: 1fr;
    }
    ScheduleScreen #week-detail {
        width: 100%;
        height: auto;
        max-height: 4;
        padding: 0 1;
        border-top: solid $primary 40%;
    }
    ScheduleScreen #week-legend {
        width: 100%;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.view = "agenda"
        self.show_past = False
        self.mine = False
        self.outcomes = False  # the "record the outcome" list instead of the agenda
        self.week: date = date.min  # this week's Monday, once mounted (the app's clock)
        self._index = OccurrenceIndex([])
        self._window: tuple[tuple[datetime, datetime], list[Occurrence]] | None = None
        self._cells: dict[str, list[Text]] = {}
        self._filled_for: tuple[int | None, date] | None = None
        self._people: dict[int, str] = {}
        self._departments: list[Department] = []
        self._programmes: dict[int, str] = {}
        self._programme_options: list[tuple[str, int]] = []
        self._fill_zone: tzinfo | None = None  # the zone, read once for the fill under way
        self.shown: dict[str, Occurrence] = {}  # the occurrences on screen, by key
        self.cells: dict[tuple[int, int], list[str]] = {}  # (department id, day) -> keys
        self._jump_to_today = True  # the agenda's cursor goes to today's first visit
        self._week_cursor_today = True  # the grid's cursor starts on today's column
        self._named = AgendaNames()
        self.loader: Loader[ScheduleRead] = Loader(
            self,
            lambda request: read_with_cells(self.app.store, *request),
            self._show_read,
            size=lambda: self.app.store.size_hint(Visit.TABLE),
            busy=lambda: self.query_one("#schedule-title", Label).update("Reading the visits …"),
            prepare=lambda window: (window, self.zone),  # (the zone its cells are made in)
            name="schedule",
        )

    # ------------------------------------------------------------ time
    @property
    def zone(self) -> tzinfo:
        if self._fill_zone is not None:
            return self._fill_zone
        return self.app.clock().tzinfo or dates.local_zone()

    @property
    def today(self) -> date:
        return self.app.clock().date()

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(0, 0), self.zone)

    # ------------------------------------------------------------ layout
    def compose_body(self) -> ComposeResult:
        with Horizontal(id="schedule-filters"):
            yield FilterField(placeholder="Person (/)", id="filter-person", compact=True)
            yield FilterField(placeholder="Department", id="filter-department", compact=True)
            yield Select([], prompt="Any programme", id="filter-programme", compact=True)
            yield Select(
                [(s, s) for s in VISIT_STATUSES],
                prompt="Any status",
                id="filter-status",
                compact=True,
            )
            yield Select(
                [(DIRECTION_LABELS[d], d) for d in DIRECTIONS],
                prompt="Any direction",
                id="filter-direction",
                compact=True,
            )
        with Horizontal(id="schedule-bar"):
            yield Label("", id="schedule-title", markup=False)
            yield Label("", id="schedule-filter", markup=False)
        with ContentSwitcher(initial="agenda", id="schedule-views"):
            yield RecordTable(AGENDA_COLUMNS, drop=AGENDA_DROP, id="agenda")
            with Vertical(id="week"):
                yield WeekGrid(id="week-grid")
                yield Label("", id="week-detail", markup=False)
                yield Label(LEGEND, id="week-legend", markup=False)

    def on_resize(self) -> None:
        narrow = self.size.width < NARROW_WIDTH
        for widget in self.query("#schedule-filters > *"):
            widget.set_class(narrow, "-narrow")
        self.query_one("#week-legend", Label).update(LEGEND_SHORT if narrow else LEGEND)

    def on_mount(self) -> None:
        # (AreaScreen.on_mount runs too: Textual calls each class's handler.)
        self.week = week_start(self.today)  # (then AreaScreen reads and focuses)

    def on_screen_resume(self) -> None:
        # The acting person (or the day) may have changed meanwhile ("my visits" and the
        # agenda's groups depend on them); otherwise what is shown is still right.
        if len(self._index) and self._filled_for != self._fill_context():
            self.refilter()

    def _fill_context(self) -> tuple[int | None, date]:
        return (self.app.actor.id if self.app.actor is not None else None, self.today)

    @property
    def agenda(self) -> RecordTable:
        return self.query_one("#agenda", RecordTable)

    @property
    def grid(self) -> WeekGrid:
        return self.query_one("#week-grid", WeekGrid)

    @property
    def current_table(self) -> DataTable:
        return self.agenda if self.view == "agenda" else self.grid

    # ------------------------------------------------------------ reading
    def reload(self) -> None:
        """Re-read visits, people, departments and programmes (through the one loader: on
        the spot, or in a thread for a large database); show them through the filters."""
        self.loader.load(self._agenda_window(past=True))

    def _agenda_window(self, *, past: bool) -> tuple[datetime, datetime]:
        """The agenda's window: today and the next HORIZON_DAYS (and the past PAST_DAYS)."""
        start = self.midnight(self.today)
        if past:
            start -= timedelta(days=PAST_DAYS)
        return start, self.midnight(self.today + timedelta(days=HORIZON_DAYS + 1))

    def _show_read(self, read: ScheduleRead) -> None:
        data, self._named = read.data, read.names
        self._people = data.people
        self._index = data.index
        self._window = (data.window, data.agenda) if data.agenda is not None else None
        # an occurrence's agenda cells, by key (made with the read, in the zone it had)
        self._cells: dict[str, list[Text]] = read.cells if read.zone == self.zone else {}
        self._departments = data.departments
        self._programmes = {p.id: p.name for p in data.programmes if p.id is not None}
        self._update_pickers(data.programmes)
        self.refilter()

    def _update_pickers(self, programmes: list[Programme]) -> None:
        options = [(p.name, p.id) for p in programmes if p.id is not None and p.active]
        if options != self._programme_options:
            self._programme_options = options
            select = self.query_one("#filter-programme", Select)
            keep = select.value
            select.set_options(select_options(options))
            if keep != Select.NULL and any(pid == keep for _, pid in options):
                select.value = keep
        people = sorted(self._people.values(), key=str.casefold)
        self.query_one("#filter-person", Input).suggester = SuggestName(people)
        self.query_one("#filter-department", Input).suggester = SuggestName(
            [d.name for d in self._departments]
        )

    def _occurrences(self, start: datetime, end: datetime) -> list[Occurrence]:
        found = self._between(start, end)
        keep = self._filter()
        return [o for o in found if keep(o)]

    def _between(self, start: datetime, end: datetime) -> list[Occurrence]:
        """The occurrences in a window: the agenda's as read (or the part of it asked
        for), else from the index of the visits (each typed letter filters, not expands)."""
        if self._window is not None:
            (lo, hi), found = self._window
            if lo <= start and end <= hi:
                if (lo, hi) == (start, end):
                    return found
                return [o for o in found if o.start < end and o.end > start]
        return self._index.between(start, end)

    # ------------------------------------------------------------ filters
    @property
    def filter_person(self) -> str:
        return self.query_one("#filter-person", Input).value.strip()

    @property
    def filter_department(self) -> str:
        return self.query_one("#filter-department", Input).value.strip()

    @property
    def filter_programme(self) -> int | None:
        value = self.query_one("#filter-programme", Select).value
        return None if value == Select.NULL else value  # type: ignore[return-value]

    @property
    def filter_status(self) -> str | None:
        value = self.query_one("#filter-status", Select).value
        return None if value == Select.NULL else str(value)

    @property
    def filter_direction(self) -> str | None:
        value = self.query_one("#filter-direction", Select).value
        return None if value == Select.NULL else str(value)

    def direction_of(self, visit) -> str:
        return self._named.direction_of(visit)

    def _filter(self) -> Callable[[Occurrence], bool]:
        """The filters as they stand now, as one test for an occurrence."""
        mine = self.app.actor.id if self.mine and self.app.actor is not None else None
        person = search_key(self.filter_person)
        department = search_key(self.filter_department)
        programme, status = self.filter_programme, self.filter_status
        direction = self.filter_direction
        people = {pid: search_key(name) for pid, name in self._people.items()}
        departments = {d.id: search_key(d.name) for d in self._departments}

        def keep(occ: Occurrence) -> bool:
            visit = occ.visit
            if self.mine and mine not in occ.people:
                return False
            if person and not any(person in people.get(pid, "") for pid in occ.people):
                return False
            if department and department not in departments.get(visit.department_id, ""):
                return False
            if programme is not None and visit.programme_id != programme:
                return False
            if direction is not None and self.direction_of(visit) != direction:
                return False
            return status is None or occ.status == status

        return keep

    def filter_parts(self) -> list[str]:
        parts = []
        if self.mine:
            who = self.app.actor.name if self.app.actor is not None else "nobody chosen"
            parts.append(f"my visits ({who})")
        if self.filter_person:
            parts.append(f'person "{self.filter_person}"')
        if self.filter_department:
            parts.append(f'department "{self.filter_department}"')
        if self.filter_programme is not None:
            parts.append(f"programme {self._programmes.get(self.filter_programme, '?')}")
        if self.filter_status:
            parts.append(f"status {self.filter_status}")
        if self.filter_direction:
            parts.append(DIRECTION_LABELS[self.filter_direction])
        return parts

    @property
    def filtered(self) -> bool:
        return bool(self.filter_parts())

    @on(Input.Changed, "#filter-person, #filter-department")
    @on(Select.Changed, "#filter-programme, #filter-status, #filter-direction")
    def _filter_changed(self) -> None:
        self.refilter()

    @on(Input.Submitted, "#filter-person, #filter-department")
    def _filter_submitted(self) -> None:
        self.current_table.focus()

    # ------------------------------------------------------------ showing
    def refilter(self) -> None:
        self._filled_for = self._fill_context()
        # The zone read once for the whole fill, not three times a row: each read asks
        # the clock, which asks the system for its zone (0.2 s of the 0.25 s the Schedule
        # froze for showing 1,768 visits at 150,000 records).
        self._fill_zone = None
        self._fill_zone = self.zone
        try:
            if self.outcomes:
                self._fill_outcomes()
            elif self.view == "agenda":
                self._fill_agenda()
            else:
                self._fill_week()
        finally:
            self._fill_zone = None
        parts = self.filter_parts()
        label = self.query_one("#schedule-filter", Label)
        if parts:
            label.update(f"Filter: {' · '.join(parts)}  (c clears)")
        else:
            label.update("No filter: / filters, m shows your own visits")
        label.set_class(bool(parts), "-active")

    def _department_name(self, dept_id: int | None) -> str:
        return self._named.department_name(dept_id)

    def _names(self, ids: Iterable[int]) -> str:
        return self._named.names(ids)

    def repeats(self, occ: Occurrence) -> str:
        return self._named.repeats(occ)

    def span(self, occ: Occurrence) -> str:
        return span(occ, self.zone)

    def agenda_span(self, occ: Occurrence) -> str:
        return agenda_span(occ, self.zone)

    def describe(self, occ: Occurrence) -> str:
        """One line about an occurrence (for questions and pickers)."""
        visit = occ.visit
        return (
            f"{self.span(occ)} · {self._department_name(visit.department_id)} · "
            f"{self._names(visit.visitors)} with {self._names(visit.hosts)} ({occ.status})"
        )

    def group(self, occ: Occurrence) -> str:
        return self._grouper()(occ)

    def _grouper(self) -> Callable[[Occurrence], str]:
        """The agenda group of an occurrence, with today and the zone read once (not
        once per row)."""
        today, zone = self.today, self.zone
        week_end = week_start(today) + timedelta(days=7)

        def group(occ: Occurrence) -> str:
            day = occ.start.astimezone(zone).date()
            if day < today:
                return "Past"
            if day == today:
                return "Today"
            if day < week_end:
                return "This week"
            return "Upcoming"

        return group

    def _fill_agenda(self) -> None:
        found = self._occurrences(*self._agenda_window(past=self.show_past))
        self.shown = {o.key: o for o in found}
        rows = []
        last_group = None
        counts: dict[str, int] = {}
        grouper = self._grouper()
        for occ in found:
            group = grouper(occ)
            counts[group] = counts.get(group, 0) + 1
            rows.append((occ.key, self._row(occ, group if group != last_group else "")))
            last_group = group
        table = self.agenda
        table.fill(rows)
        if self._jump_to_today:
            self._jump_to_today = False
            self._cursor_to_today()
        span = f"today and the next {HORIZON_DAYS} days"
        if self.show_past:
            span = f"the past {PAST_DAYS} days, {span}"
        summary = " · ".join(f"{counts[g]} {g.lower()}" for g in counts) or "no visits"
        self.query_one("#schedule-title", Label).update(f"Agenda, {span}: {summary}")

    def _row(self, occ: Occurrence, label: str) -> list[Text]:
        """An occurrence's cells in the agenda (``label``: the group it starts); the rest
        are made once per read, not once per typed letter."""
        cells = self._cells.get(occ.key)
        if cells is None:
            cells = self._cells[occ.key] = self._row_cells(occ)
        group = GROUP_CELLS.get(label)
        if group is None:  # (one cell per group name, shared by every row: "" in most)
            group = GROUP_CELLS[label] = Text(label, style="bold")
        return [group, *cells]

    def _row_cells(self, occ: Occurrence) -> list[Text]:
        return self._named.cells(occ, self.zone)

    def _fill_outcomes(self) -> None:
        """The past visits nobody closed (the same list as the Dashboard's), oldest first."""
        keep = self._filter()
        found = [
            o
            for o in schedule.awaiting_outcome(self.app.store, self.app.clock(), index=self._index)
            if keep(o)
        ]
        self.shown = {o.key: o for o in found}
        self.agenda.fill(
            [(o.key, self._row(o, "Outcome?" if i == 0 else "")) for i, o in enumerate(found)]
        )
        days = schedule.OUTCOME_DAYS
        self.query_one("#schedule-title", Label).update(
            f"Record the outcome (past {days} days): {counted(len(found), 'visit')} still "
            "requested or confirmed · d done · n no-show · x cancel · o back"
            if found
            else f"Record the outcome: every visit of the past {days} days is closed (o: back)"
        )

    def action_toggle_outcomes(self) -> None:
        self.outcomes = not self.outcomes
        self._jump_to_today = not self.outcomes
        if self.view != "agenda":
            self.show_view("agenda")
        else:
            self.refilter()
        self.refresh_bindings()

    def _cursor_to_today(self) -> None:
        table = self.agenda
        grouper = self._grouper()
        for row, key in enumerate(table.ids):
            if grouper(self.shown[key]) != "Past":
                table.move_cursor(row=row, animate=False)
                return

    def _fill_week(self) -> None:
        monday = self.week
        start = self.midnight(monday)
        found = self._occurrences(start, self.midnight(monday + timedelta(days=7)))
        self.shown = {o.key: o for o in found}
        self.cells = {}
        for occ in found:
            day = (self.local(occ.start).date() - monday).days
            if 0 <= day < 7:
                self.cells.setdefault((occ.visit.department_id or 0, day), []).append(occ.key)
        with_visits = {dept_id for dept_id, _ in self.cells}
        needle = self.filter_department
        departments = [
            d
            for d in sorted(self._departments, key=lambda d: d.name.casefold())
            if (d.active or d.id in with_visits) and directory.matches(needle, d.name)
        ]
        known = {d.id for d in departments}
        rows = []
        for dept in departments:
            label = Text(dept.name, style="" if dept.active else "dim")
            days = [self._day_lines(dept.id or 0, day) for day in range(7)]
            rows.append(GridRow(dept.id or 0, label, days))
        for dept_id in sorted(with_visits - known):  # a department gone from the directory
            days = [self._day_lines(dept_id, day) for day in range(7)]
            rows.append(GridRow(dept_id, Text(f"#{dept_id}", style="dim"), days))
        headers = [Text("Department")]
        for offset in range(7):
            day = monday + timedelta(days=offset)
            style = "bold reverse" if day == self.today else "bold"
            headers.append(Text(f"{day:%a} {day.day} {day:%b}", style=style))
        self.grid.fill(headers, rows)
        if self._week_cursor_today and self.view == "week":
            self._week_cursor_today = False
            if monday == week_start(self.today):
                self.grid.select(day=self.today.weekday())
        weeks = (monday - week_start(self.today)).days // 7
        sunday = monday + timedelta(days=6)
        count = len(found)
        self.query_one("#schedule-title", Label).update(
            f"Week of {format_day(monday)} – {format_day(sunday)} ({weeks_label(weeks)}): "
            f"{count} visit{'' if count == 1 else 's'}"
        )
        self._show_detail()

    def _day_lines(self, dept_id: int, day: int) -> list[list[Text]]:
        return [self._cell_lines(self.shown[key]) for key in self.cells.get((dept_id, day), [])]

    def _cell_lines(self, occ: Occurrence) -> list[Text]:
        """A visit in a grid cell: its times, then its visitors (the grid cuts them to fit)."""
        style = STATUS_STYLE.get(occ.status, "")
        start, end = self.local(occ.start), self.local(occ.end)
        times = f"{start:%H:%M}–{end:%H:%M}" if start.date() == end.date() else f"{start:%H:%M}→"
        return [
            Text(times, style=f"bold {style}".strip(), no_wrap=True),
            Text(self._names(occ.visit.visitors), style=style, no_wrap=True),
        ]

    def _show_detail(self) -> None:
        """Under the grid: the highlighted cell's visits in full."""
        detail = self.query_one("#week-detail", Label)
        selected = self.grid.selected
        if selected is None:
            detail.update("")
            return
        dept_id, day = selected
        keys = self.cells.get(selected, [])
        when = format_day(self.week + timedelta(days=day))
        name = self._department_name(dept_id)
        if not keys:
            detail.update(f"{name}, {when}: nothing booked (b books a visit here)")
            return
        lines = [f"{name}, {when}:"]
        for key in keys:
            occ = self.shown[key]
            visit = occ.visit
            lines.append(
                f"  {self.local(occ.start):%H:%M}–{self.local(occ.end):%H:%M} "
                f"{self._names(visit.visitors)} with {self._names(visit.hosts)} · "
                f"{visit.kind} · {occ.status}"
                + (f" · {self.repeats(occ)}" if occ.series_id else "")
            )
        detail.update("\n".join(lines))

    @on(DataTable.CellHighlighted, "#week-grid")
    def _cell_highlighted(self) -> None:
        self._show_detail()

    # ------------------------------------------------------------ views and navigation
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("previous_week", "next_week") and self.view != "week":
            return False
        if action == "toggle_past" and self.view != "agenda":
            return False
        return True

    def action_toggle_view(self) -> None:
        self.show_view("week" if self.view == "agenda" else "agenda")

    def show_view(self, view: str) -> None:
        self.view = view
        self.outcomes = self.outcomes and view == "agenda"
        self.query_one(ContentSwitcher).current = view
        self.refilter()
        self.current_table.focus()
        self.refresh_bindings()

    def action_previous_week(self) -> None:
        self.go_to_week(self.week - timedelta(days=7))

    def action_next_week(self) -> None:
        self.go_to_week(self.week + timedelta(days=7))

    def go_to_week(self, monday: date, day: int | None = None) -> None:
        self.week = week_start(monday)
        if self.view != "week":
            self.show_view("week")
        else:
            self.refilter()
        if day is not None:
            self.grid.select(day=day)
            self._show_detail()

    @on(WeekGrid.EdgeReached)
    def _edge_reached(self, event: WeekGrid.EdgeReached) -> None:
        self.go_to_week(self.week + timedelta(days=7 * event.step), day=6 if event.step < 0 else 0)

    def action_today(self) -> None:
        if self.view == "week":
            self.go_to_week(self.today, day=self.today.weekday())
        else:
            self._cursor_to_today()

    def action_toggle_past(self) -> None:
        self.show_past = not self.show_past
        self._jump_to_today = True
        self.refilter()
        self.app.say(
            f"Showing the past {PAST_DAYS} days too" if self.show_past else "Past visits hidden"
        )

    def action_toggle_mine(self) -> None:
        if not self.mine and self.app.actor is None:
            self.app.say(
                "Choose who you are first (press w) to see your own visits.",
                severity="warning",
            )
            return
        self.mine = not self.mine
        self.refilter()

    def action_focus_filter(self) -> None:
        self.query_one("#filter-person", Input).focus()

    def action_clear_filter(self) -> None:
        had = self.filtered
        self.mine = False
        for selector in ("#filter-person", "#filter-department"):
            self.query_one(selector, Input).value = ""
        for selector in ("#filter-programme", "#filter-status", "#filter-direction"):
            self.query_one(selector, Select).clear()
        self.refilter()
        self.current_table.focus()
        if had:
            self.app.say("Filter cleared")

    # ------------------------------------------------------------ the highlighted visit
    def highlighted(self) -> list[Occurrence]:
        """The occurrences under the cursor: one in the agenda; any number in a grid cell."""
        if self.view == "agenda":
            key = self.agenda.selected_id
            return [self.shown[key]] if key is not None and key in self.shown else []
        selected = self.grid.selected
        if selected is None:
            return []
        return [self.shown[k] for k in self.cells.get(selected, []) if k in self.shown]

    async def pick(self, verb: str) -> Occurrence | None:
        """The visit to act on (asks which when a grid cell holds several). Call from a worker."""
        found = self.highlighted()
        if not found:
            if self.view == "week" and self.grid.selected is not None:
                self.app.say("Nothing booked there: press b to book a visit.")
            else:
                self.app.say("No visit highlighted", severity="warning")
            return None
        if len(found) == 1:
            return found[0]
        key = await self.app.push_screen_wait(
            PickVisit([(o.key, self.describe(o)) for o in found], verb=verb)
        )
        return self.shown.get(key) if key is not None else None

    def action_open(self) -> None:
        self._open()

    @on(DataTable.RowSelected, "#agenda")
    @on(DataTable.CellSelected, "#week-grid")
    def _selected(self) -> None:
        self._open()

    @work(exclusive=True, group="schedule-open")
    async def _open(self) -> None:
        occ = await self.pick("Open")
        if occ is None or occ.visit.id is None:
            return
        from .visit import VisitScreen  # the visit page (imported when first needed)

        on = dates.from_iso(occ.original).date() if occ.visit.rrule and occ.original else None
        self.app.push_screen(VisitScreen(occ.visit.id, on=on))

    # ------------------------------------------------------------ booking and moving
    def action_book(self) -> None:
        if self.app.acting_name() is None:
            return
        prefill: dict[str, str] = {}
        cell_day: date | None = None
        if self.view == "week" and self.grid.selected is not None:
            dept_id, day = self.grid.selected
            name = self._department_name(dept_id)
            if not name.startswith("#"):
                prefill["department"] = name
            cell_day = self.week + timedelta(days=day)  # a time typed alone stays on it
            prefill["when"] = f"{cell_day.isoformat()} "
        elif self.filter_department:
            needle = self.filter_department
            named = [
                d.name for d in self._departments if d.active and directory.matches(needle, d.name)
            ]
            if len(named) == 1:
                prefill["department"] = named[0]
        actor = self.app.actor
        if self.mine and actor is not None and actor.side == "it":
            prefill["visitors"] = actor.name
        self.app.push_screen(BookingForm(prefill, day=cell_day), self._booked)

    def _booked(self, visit_id: int | None) -> None:
        if visit_id is None:
            return
        self.reload()
        doc = self.app.store.get(Visit.TABLE, visit_id)
        if doc is None:
            return
        visit = Visit.from_doc(doc)
        start = self.local(from_iso(visit.start))
        shown = self.select_visit(str(visit_id), start)
        message = (
            f"Booked visit #{visit_id}: {format_span(start, self.local(from_iso(visit.end)))} "
            f"at {self._department_name(visit.department_id)} (requested)"
        )
        if not shown:
            message += "; not shown here because of the filter"
        self.app.say(message)

    def select_visit(self, key: str, start: datetime) -> bool:
        """Put the cursor on a visit (moving the grid to its week); False if filtered out."""
        if self.view == "week":
            self.go_to_week(start.date(), day=start.weekday())
            occ = self.shown.get(key)
            if occ is None:
                return False
            self.grid.select(key=occ.visit.department_id or 0, day=start.weekday())
            self._show_detail()
            return True
        return self.agenda.select_id(key)

    @work(exclusive=True, group="schedule-change")
    async def action_reschedule(self) -> None:
        occ = await self.pick("Move")
        if occ is None:
            return
        if occ.status not in ("requested", "confirmed"):
            self.app.say(
                f"Visit #{occ.key} is {occ.status}; only upcoming (requested or confirmed) "
                "visits can move.",
                title="Not moved",
                severity="error",
            )
            return
        if self.app.acting_name() is None:
            return
        what = (
            f"{self._department_name(occ.visit.department_id)}, "
            f"{self._names(occ.visit.visitors)} with {self._names(occ.visit.hosts)}"
        )
        result = await self.app.push_screen_wait(RescheduleForm(occ, what))
        if result:
            self.reload()
            self.app.say(result)

    # ------------------------------------------------------------ status changes
    def action_set_status(self, status: str) -> None:
        self._set_status(status)

    @work(exclusive=True, group="schedule-change")
    async def _set_status(self, status: str) -> None:
        occ = await self.pick(STATUS_VERBS.get(status, status))
        if occ is None:
            return
        changed = await change_status(
            self.app,
            occ,
            status,
            describe=self.describe(occ),
            repeats=self.repeats(occ),
            outcome=self.outcomes,
        )
        if changed:
            self.reload()
