"""The suggestion backlog: filter, sort and triage, from the keyboard, at any size.

The rows come from :func:`shadow.core.backlog.rows`, computed once per change
of the database (in a worker when the backlog is large; only the suggestions
that changed when only suggestions changed). Filtering and sorting happen in
the core over those rows; the table only ever holds one page of them.

A full read leaves each row's service level to be worked out (most of a read's cost,
ten years of clocks): the rows on the page shown get theirs as they are shown, and a
second read (``states``, its own loader) works out the rest and hands them back.

(Over 500 lines: paging 100,000 rows, bulk triage and every backlog command share the table.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.timer import Timer
from textual.widgets import DataTable, Input, Label

from shadow.core import backlog, directory
from shadow.core.backlog import Filter, Row
from shadow.core.models import (
    LEVELS,
    SUGGESTION_STATUSES,
    Department,
    Person,
    Suggestion,
    UserError,
    ValidationError,
)
from shadow.core.plain import count as counted
from shadow.core.records import backlog_cells
from shadow.core.store import StoreError

from ..commands import Command, bindings
from ..loading import Loader, say_cannot_read
from ..modals.backlog_filter import BacklogFilterModal
from ..modals.pickers import ChoiceModal, RecordPicker, TextPrompt, suggestion_search
from ..modals.suggestion_detail import SuggestionDetail
from ..modals.suggestion_form import SuggestionForm
from ..modals.wait import wait_chosen
from ..painting import refreshes_now
from ..palette import priority_style, rich
from ..widgets.filter_field import FilterField
from ..widgets.literal import cell, one_line
from ..widgets.record_table import RecordTable
from ..widgets.suggest import SuggestName
from .base import AreaScreen

PAGE = 200  # rows in the table at once
Unworked = tuple[dict, datetime]  # a row's stored record and the moment of its read
Read = tuple[list[Row], dict[int, str], bool, dict[int, Unworked]]  # (see _compute)
DEBOUNCE = 0.2  # seconds of quiet in the search box before the list follows
SYNC_LIMIT = 500  # up to this many suggestions, rows are computed on the spot
# Seconds for the rows applied to be painted (0.05-0.1 s at 150,000 records) before the
# service levels are worked out in a thread: started at once it shared the interpreter
# with that paint, the page showed 0.05 s later and the event loop froze 0.14 s, not 0.08.
PAINTED = 0.15
AT_ONCE = PAGE  # an incremental read of up to this many works their service levels out

# (label, narrowest width when space is short (None: never cut), sort key)
COLUMNS: tuple[tuple[str, int | None, str | None], ...] = (
    (" ", None, None),
    ("#", None, "id"),
    ("P", None, "priority"),
    ("Title", 20, "title"),
    ("Direction", None, "direction"),
    ("Department", 8, "department"),
    ("Status", None, "status"),
    ("Votes", None, "votes"),
    ("Age", None, "age"),
    ("Author", 8, "author"),
    ("SLA", None, "sla"),
)
SORT_CYCLE = ("priority", "votes", "age", "sla", "status", "title", "department", "direction",
              "author", "id")  # fmt: skip
SORT_NAMES = {
    "priority": ("priority (P1 first)", "priority (P5 first)"),
    "votes": ("votes (most first)", "votes (fewest first)"),
    "age": ("age (oldest first)", "age (newest first)"),
    "sla": ("service level (breached first)", "service level (breached last)"),
    "status": ("status (new first)", "status (duplicate first)"),
    "title": ("title (A-Z)", "title (Z-A)"),
    "department": ("department (A-Z)", "department (Z-A)"),
    "direction": ("direction", "direction (reversed)"),
    "author": ("author (A-Z)", "author (Z-A)"),
    "id": ("number (oldest first)", "number (newest first)"),
}
SLA_STYLES = {"breached": "bold red", "at risk": "bold yellow", "met": "dim", "none": "dim"}
MARK = "●"
TITLE_COLUMN = 3
# The columns that leave a narrow table first (at 80 columns: all four), so that the
# title keeps more than a few words beside the status and service level.
DROP_FIRST = ("Author", "Age", "Votes", "Direction")


class BacklogTable(RecordTable):
    """A page of the backlog; moving past its first or last row turns the page."""

    KEEP_COLUMN = TITLE_COLUMN  # department and author shrink before the title

    def __init__(self, columns, *, pager: Callable[[int], bool], **kwargs) -> None:
        super().__init__(columns, **kwargs)
        self.pager = pager

    def _turn(self, step: int) -> bool:
        at_edge = self.cursor_row >= self.row_count - 1 if step > 0 else self.cursor_row <= 0
        return at_edge and self.pager(step)

    def action_cursor_down(self) -> None:
        if not self._turn(1):
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if not self._turn(-1):
            super().action_cursor_up()

    def action_page_down(self) -> None:
        if not self._turn(1):
            super().action_page_down()

    def action_page_up(self) -> None:
        if not self._turn(-1):
            super().action_page_up()


class BacklogScreen(AreaScreen):
    AREA_TITLE = "Backlog"
    HELP = (
        "Every suggestion, IT → library and library → IT, with its ITIL priority "
        "(impact x urgency), status, votes, age and service level. Type in the search "
        "box to narrow the list; f filters by status, priority, direction, department, "
        "tag, author or service level; x clears all of it. o changes the sort (or click "
        "a column heading; O reverses). Triage without leaving the list: enter opens a "
        "suggestion with its history, i and u set the impact (a reviewer's call; the "
        "author's own rating is kept) and urgency, s moves it along its lifecycle "
        "(declining asks why), v votes or takes your vote back, m merges a duplicate "
        "into the one it repeats, t adds a tag. Space marks rows; B changes the status "
        "of every marked row. The table shows 200 rows at a time: ] and [ (or moving "
        "past the last or first row) turn the page."
    )
    WATCHES = frozenset({Suggestion.TABLE, Person.TABLE, Department.TABLE, "settings"})
    FOCUS = "#backlog-table"
    ROW_ACTION = "open"
    COMMAND_LIST = (
        Command("open", "Open", "Open the suggestion: details, clocks, history", key="enter"),
        Command("impact", "Impact", "Set the impact a reviewer decides on", key="i"),
        Command("urgency", "Urgency", "Set how urgent it is", key="u"),
        Command("status", "Status", "Move it along its lifecycle", key="s"),
        Command("vote", "Vote", "Vote for it, or take your vote back", key="v"),
        Command("merge", "Merge", "Merge it into the suggestion it repeats", key="m"),
        Command("tag", "Tag", "Add a tag to it", key="t"),
        Command("mark", "Mark", "Mark or unmark the row (for B)", key="space", footer=False),
        Command(
            "bulk_status",
            "Status of marked",
            "Change the status of every marked row",
            key="B",
            short="Bulk",
        ),
        Command("filter", "Filter", "Filter by status, priority, department, tag ...", key="f"),
        Command("clear_filter", "Clear filter", "Show everything again", key="x", short="Clear"),
        Command(
            "focus_search",
            "Search",
            "Type to narrow the list",
            key="slash",
            key_display="/",
            footer=False,
        ),
        Command("cycle_sort", "Sort", "Sort by the next column", key="o"),
        Command("reverse_sort", "Reverse sort", "Reverse the order", key="O", footer=False),
        Command("add", "New suggestion", "Raise a suggestion", key="a", footer=False),
        Command("edit", "Edit", "Edit the suggestion", key="e", footer=False),
        Command(
            "turn_page(1)",
            "Next page",
            "The next 200 rows",
            key="right_square_bracket",
            key_display="]",
            footer=False,
        ),
        Command(
            "turn_page(-1)",
            "Previous page",
            "The 200 rows before",
            key="left_square_bracket",
            key_display="[",
            footer=False,
        ),
        Command("refresh", "Refresh", "Re-read every suggestion now", key="r", footer=False),
        Command("escape", "Clear search", "Clear the search and filter", "escape", footer=False),
        Command("mark_page", "Mark all shown", "Mark every row on this page"),
        Command("clear_marks", "Clear marks", "Unmark every row"),
        Command("quick_filter('open')", "Show open ones", "Only suggestions not yet closed"),
        Command("quick_filter('breached')", "Show SLA breached", "Only breached service levels"),
        Command("quick_filter('at risk')", "Show SLA at risk", "Only service levels at risk"),
    )
    BINDINGS = bindings(COMMAND_LIST)
    DEFAULT_CSS = """
    BacklogScreen #backlog-status {
        padding: 1 1 0 2;
    }
    BacklogScreen #backlog-filter {
        width: 100%;
        padding: 0 2;
    }
    BacklogScreen BacklogTable {
        height: 1fr;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.filter = Filter()
        self.sort_key = "priority"
        self.sort_reverse = False
        self.marked: set[int] = set()
        self.rows_by_id: dict[int, Row] = {}
        self.shown: list[Row] = []
        self.page_start = 0
        self._sorted: list[Row] = []
        self._stamps: dict[int, str] = {}
        # The rows whose service level is not worked out yet: id -> (stored record, the
        # moment of the read that gave the row), for the page shown and the ``states`` read.
        self._unworked: dict[int, Unworked] = {}
        self._said: tuple[str, str, bool] | None = None  # what the two labels last said
        self.loader: Loader[Read] = Loader(
            self,
            lambda request: self._compute(*request),
            lambda result: self._apply_rows(*result),
            size=lambda: self.app.store.size_hint(Suggestion.TABLE),
            limit=lambda: SYNC_LIMIT,
            busy=self._update_labels,
            failed=self._failed,
            merge=lambda older, newer: older or newer,  # a full read asked for is kept
            prepare=lambda full: (full, dict(self._stamps), self.app.clock()),
            name="backlog-rows",
        )
        self.states: Loader[dict[int, tuple[Unworked, str]]] = Loader(
            self,
            self._work_out,
            self._apply_states,
            size=lambda: self.app.store.size_hint(Suggestion.TABLE),
            limit=lambda: SYNC_LIMIT,
            failed=self._failed,
            prepare=lambda _: list(self._unworked.items()),
            name="backlog-states",
        )
        self._full_pending = True  # the first read is a full one
        self._search_timer: Timer | None = None

    # ------------------------------------------------------------ layout
    def compose_body(self) -> ComposeResult:
        with Horizontal(id="backlog-bar", classes="area-bar"):
            yield FilterField(
                placeholder="Search titles, descriptions, departments, people, tags ( / )",
                id="backlog-search",
                classes="bar-fill",
            )
            yield Label("", id="backlog-status", classes="bar-note", markup=False)
        yield Label("", id="backlog-filter", markup=False)
        yield BacklogTable(
            [(label, low) for label, low, _ in COLUMNS],
            drop=DROP_FIRST,
            pager=self.turn_page,
            id="backlog-table",
        )

    @property
    def table(self) -> BacklogTable:
        return self.query_one("#backlog-table", BacklogTable)

    @property
    def search(self) -> Input:
        return self.query_one("#backlog-search", Input)

    # ------------------------------------------------------------ reading the rows
    def _store_changed(self, tables: frozenset[str]) -> None:
        if tables & {Person.TABLE, Department.TABLE, "settings"}:
            self._full_pending = True  # names or service levels shown in every row
        super()._store_changed(tables)

    def reload(self) -> None:
        full, self._full_pending = self._full_pending, False
        self.load(full=full)

    @property
    def reading(self) -> bool:
        return self.loader.reading

    def load(self, *, full: bool) -> None:
        """Re-read the rows: all of them, or (``full=False``) the suggestions changed since."""
        self.loader.load(full)

    def _compute(self, full: bool, known: dict[int, str], now: datetime) -> Read:
        """The rows (all, or those changed since ``known``), every suggestion's stamp, and
        the rows whose service level is left to work out (a full read's, or many changed)."""
        store = self.app.store
        stored = store.stored(Suggestion.TABLE)
        stamps = {i: d.get("updated", "") for i, d in stored}
        if full:
            later = {i: (d, now) for i, d in stored}
            return backlog.rows(store, now, sla=False, pending=True), stamps, full, later
        changed = [i for i, stamp in stamps.items() if known.get(i) != stamp]
        if not changed:
            return [], stamps, full, {}
        at_once = len(changed) <= AT_ONCE
        fresh = backlog.rows(store, now, ids=changed, sla=at_once, pending=True)
        many = set() if at_once else set(changed)
        later = {i: (d, now) for i, d in stored if i in many}
        return fresh, stamps, full, later

    def _failed(self, error: str) -> None:
        say_cannot_read(self)(error)
        self._update_labels()

    def _apply_rows(
        self, rows: list[Row], stamps: dict[int, str], full: bool, later: dict[int, Unworked]
    ) -> None:
        if full:
            self.rows_by_id = {r.id: r for r in rows}
            self._unworked = later
        else:
            for gone in self.rows_by_id.keys() - stamps.keys():
                del self.rows_by_id[gone]
                self._unworked.pop(gone, None)
            self.rows_by_id.update((r.id, r) for r in rows)
            for r in rows:
                if r.id in later:
                    self._unworked[r.id] = later[r.id]
                else:
                    self._unworked.pop(r.id, None)
        self._stamps = stamps
        self.marked &= self.rows_by_id.keys()
        self.resort()
        if self._unworked and self.states.small():
            self.states.load()  # (on the spot)
        elif self._unworked:  # (a thread waits for the page to be painted: it shares time)
            self.set_timer(PAINTED, self._work_out_later)

    def _work_out_later(self) -> None:
        if self._unworked:
            self.states.load()

    # ------------------------------------------------------------ service levels
    def _work_out(self, unworked: list[tuple[int, Unworked]]) -> dict[int, tuple[Unworked, str]]:
        """The service levels of these rows (a read: in a thread when the backlog is
        large), each with what it was worked out from."""
        store = self.app.store
        by_now: dict[datetime, list[tuple[int, dict]]] = {}
        for sid, (doc, now) in unworked:
            by_now.setdefault(now, []).append((sid, doc))
        found = dict(unworked)
        return {
            sid: (found[sid], state)
            for now, pairs in by_now.items()
            for sid, state in backlog.sla_states(store, pairs, now).items()
        }

    def _settle(self, states: dict[int, tuple[Unworked, str]]) -> set[int]:
        """Give the rows their worked-out service levels (unless the row was read again
        since); returns the ids whose row took one."""
        took = set()
        for sid, (source, state) in states.items():
            row = self.rows_by_id.get(sid)
            if row is not None and self._unworked.get(sid) is source:
                del self._unworked[sid]
                row.sla = state
                took.add(sid)
        return took

    def _apply_states(self, states: dict[int, tuple[Unworked, str]]) -> None:
        took = self._settle(states)
        if self.sort_key == "sla" or self.filter.sla:
            self.resort()  # (sorted or filtered on what was there: now on all of them)
        elif took & set(self.table.ids):
            self.show_page()

    def _fill_states(self, page: list[Row]) -> None:
        """Work out the service levels of the rows about to be shown that lack one (a
        page: 200 at most, a few milliseconds), so the table never shows one missing."""
        missing = [(r.id, self._unworked[r.id]) for r in page if r.id in self._unworked]
        if missing:
            try:
                self._settle(self._work_out(missing))
            except StoreError as exc:
                self.loader.failed(str(exc))

    def _changed(self, ids: Iterable[int]) -> None:
        """Show our own change to these suggestions at once (the full re-read follows)."""
        store = self.app.store
        ids = list(ids)
        try:
            fresh = backlog.rows(store, self.app.clock(), ids=ids)
            for i in ids:
                doc = store.get(Suggestion.TABLE, i)
                if doc is None:
                    self.rows_by_id.pop(i, None)
                    self._stamps.pop(i, None)
                else:
                    self._stamps[i] = doc.get("updated", "")
        except StoreError as exc:
            self.loader.failed(str(exc))
            return
        self.rows_by_id.update((r.id, r) for r in fresh)
        for i in ids:
            self._unworked.pop(i, None)
        self.resort()

    # ------------------------------------------------------------ sort, filter, page
    def resort(self) -> None:
        self._sorted = backlog.sort(
            list(self.rows_by_id.values()), self.sort_key, reverse=self.sort_reverse
        )
        self.refilter()

    def refilter(self) -> None:
        """Filter the sorted rows (in the core) and show the page holding the selected one."""
        keep = self.table.selected_id
        self.shown = backlog.apply(self._sorted, self.filter)
        index = next((i for i, r in enumerate(self.shown) if r.id == keep), None)
        if index is not None:
            self.page_start = index - index % PAGE
        else:
            self.page_start = min(self.page_start, self._last_page_start())
        self.show_page()

    def _last_page_start(self) -> int:
        return max(0, (len(self.shown) - 1) // PAGE * PAGE)

    def show_page(self) -> None:
        page = self.shown[self.page_start : self.page_start + PAGE]
        self._fill_states(page)
        now = self.app.clock()  # (once for the page: each reading asks the system's zone)
        self.table.fill([(r.id, self.cells(r, now)) for r in page])
        self._update_labels()

    def cells(self, r: Row, now: datetime | None = None) -> list[Text]:
        num, prio, title, direction, dept, status, votes, age, author, sla = backlog_cells(
            r, now or self.app.clock()
        )
        return [
            Text(MARK if r.id in self.marked else "", style="bold magenta"),
            Text(num, style="dim"),
            Text(prio, style=rich(priority_style(r.priority))),
            cell(title, "bold" if r.id in self.marked else ""),
            Text(direction),
            cell(dept),
            Text(status),
            Text(votes, justify="right"),
            Text(age, justify="right"),
            cell(author),
            Text(sla, style=SLA_STYLES.get(r.sla, "")),
        ]

    def turn_page(self, step: int) -> bool:
        """Show the next (1) or previous (-1) page; False if there is none."""
        start = self.page_start + step * PAGE
        if start < 0 or start >= len(self.shown):
            return False
        self.page_start = start
        self.show_page()
        table = self.table
        table.move_cursor(row=0 if step > 0 else table.row_count - 1, animate=False)
        return True

    def action_turn_page(self, step: int) -> None:
        if not self.turn_page(step):
            self.app.say("That is the last page" if step > 0 else "That is the first page")

    def _update_labels(self) -> None:
        total, shown = len(self.rows_by_id), len(self.shown)
        if self.reading and not total:
            status = "reading the suggestions…"
        else:
            status = f"{shown:,} shown" if shown == total else f"{shown:,} of {total:,} shown"
            if shown > PAGE:
                last = min(self.page_start + PAGE, shown)
                status += f" · rows {self.page_start + 1:,}–{last:,}"
            if self.marked:
                status += f" · {len(self.marked):,} marked"
            if self.reading:
                status += " · refreshing…"
            elif self._unworked and (self.sort_key == "sla" or self.filter.sla):
                status += " · working out service levels…"
        described = self.filter.describe()
        parts = [
            Content.styled("Showing ", "bold"),
            Content.styled(described, "bold $accent" if self.filter.active() else ""),
            Content(" · sorted by "),
            Content(SORT_NAMES[self.sort_key][self.sort_reverse]),
        ]
        if self.filter.active():
            parts.append(Content.styled(" · x clears", "$text-muted"))
        if shown > PAGE:
            parts.append(Content.styled(" · ] next page, [ previous", "$text-muted"))
        line = Content.assemble(*parts)
        said = (status, line.plain, self.filter.active())
        if said != self._said:  # (the same words again would only cost a repaint)
            self._said = said
            self.query_one("#backlog-status", Label).update(status)
            self.query_one("#backlog-filter", Label).update(line)

    # ------------------------------------------------------------ searching and filtering
    @on(Input.Changed, "#backlog-search")
    def _search_changed(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(DEBOUNCE, self._apply_search)

    def _apply_search(self) -> None:
        self._search_timer = None
        text = self.search.value.strip()
        if text != self.filter.text:
            self.filter.text = text
            self.refilter()
            refreshes_now(self)  # (its rows, labels and scrollbar in one pass)

    @on(Input.Submitted, "#backlog-search")
    def _search_submitted(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._apply_search()
        self.table.focus()

    def action_focus_search(self) -> None:
        self.search.focus()

    def action_clear_filter(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        if self.search.value:
            with self.search.prevent(Input.Changed):
                self.search.value = ""
        was = self.filter.active()
        self.filter = Filter()
        self.refilter()
        self.table.focus()
        if was:
            self.app.say("Filter cleared: showing everything")

    def action_escape(self) -> None:
        """In the search box: clear the search. Elsewhere: clear search and filter."""
        if self.search.has_focus and self.search.value:
            if self._search_timer is not None:
                self._search_timer.stop()
                self._search_timer = None
            with self.search.prevent(Input.Changed):
                self.search.value = ""
            self.filter.text = ""
            self.refilter()
            self.table.focus()
        elif self.filter.active() or self.search.value:
            self.action_clear_filter()
        else:
            self.table.focus()

    def action_quick_filter(self, what: str) -> None:
        if what == "open":
            self.filter.status = "open"
        else:
            self.filter.sla = what
        self.refilter()

    @work(exclusive=True, group="backlog-filter")
    async def action_filter(self) -> None:
        rows = self.rows_by_id.values()
        tags = sorted({t for r in rows for t in r.tags})
        authors = sorted({r.author for r in rows if r.author}, key=str.casefold)
        departments = [d.name for d in directory.departments(self.app.store)]
        chosen = await self.app.push_screen_wait(
            BacklogFilterModal(self.filter, departments, tags, authors)
        )
        if chosen is not None:
            self.filter = chosen
            self.refilter()

    # ------------------------------------------------------------ sorting
    def sort_by(self, key: str, reverse: bool = False) -> None:
        self.sort_key, self.sort_reverse = key, reverse
        self.resort()

    def action_cycle_sort(self) -> None:
        index = SORT_CYCLE.index(self.sort_key) if self.sort_key in SORT_CYCLE else -1
        self.sort_by(SORT_CYCLE[(index + 1) % len(SORT_CYCLE)])
        self.app.say(f"Sorted by {SORT_NAMES[self.sort_key][0]}")

    def action_reverse_sort(self) -> None:
        self.sort_by(self.sort_key, not self.sort_reverse)

    @on(DataTable.HeaderSelected)
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        key = COLUMNS[self.table.shown[event.column_index]][2]
        if key is None:
            return
        self.sort_by(key, not self.sort_reverse if key == self.sort_key else False)

    # ------------------------------------------------------------ marking
    def action_mark(self) -> None:
        sid = self.table.selected_id
        if sid is None:
            return
        self.marked ^= {sid}
        row = self.table.cursor_row
        self.show_page()
        if row + 1 < self.table.row_count:
            self.table.move_cursor(row=row + 1, animate=False)

    def action_mark_page(self) -> None:
        self.marked |= set(self.table.ids)
        self.show_page()

    def action_clear_marks(self) -> None:
        self.marked.clear()
        self.show_page()

    # ------------------------------------------------------------ opening and editing
    def _current(self) -> Suggestion | None:
        sid = self.table.selected_or_say("suggestion")
        if sid is None:
            return None
        try:
            return backlog.get(self.app.store, sid)
        except (UserError, StoreError):
            self.app.say(f"Suggestion #{sid} is gone (changed elsewhere)", severity="warning")
            self.load(full=False)
            return None

    @work(exclusive=True, group="backlog-open")
    async def action_open(self) -> None:
        s = self._current()
        if s is None:
            return
        choice = await self.app.push_screen_wait(SuggestionDetail(s.id))
        if choice == "edit":
            self.action_edit()
        elif choice in ("wait", "resume"):
            said = await wait_chosen(self.app, "suggestions", s.id, choice, self.app.say_refused)
            if said:
                self._changed([s.id])
                self.app.say(said)

    def action_add(self) -> None:
        if self.app.acting_name() is None:
            return

        def saved(sid: int | None) -> None:
            if sid is not None:
                self._changed([sid])
                self.table.select_id(sid)
                self.app.say(f"Suggestion #{sid} raised")

        self.app.push_screen(SuggestionForm(author=self.app.actor), saved)

    def action_edit(self) -> None:
        s = self._current()
        if s is None or self.app.acting_name() is None:
            return

        def saved(sid: int | None) -> None:
            if sid is not None:
                self._changed([sid])
                self.app.say(f"Saved #{sid}")

        self.app.push_screen(SuggestionForm(s, author=self.app.actor), saved)

    # ------------------------------------------------------------ triage
    def _save(self, s: Suggestion, actor: str, values: dict) -> Suggestion | None:
        try:
            updated = backlog.suggestion_from_input(self.app.store, values, s)
            backlog.update(self.app.store, actor, updated, expect_version=s.version)
        except (UserError, ValidationError, StoreError) as exc:
            self.app.say_refused(exc)
            return None
        self._changed([s.id])
        return updated

    @work(exclusive=True, group="backlog-triage")
    async def action_impact(self) -> None:
        s = self._current()
        actor = self.app.acting_name() if s is not None else None
        if actor is None:
            return
        effective = backlog.effective_impact(s)
        choices = [(level, level) for level in LEVELS]
        if s.impact_override:
            choices.append((f"as raised ({s.impact}, with any risk)", "as raised"))
        note = f"Raised as {s.impact}"
        if s.risks:
            note += f" with {', '.join(s.risks)} risk (which raises it one level)"
        note += ". The author's own rating is kept; priority follows your choice."
        choice = await self.app.push_screen_wait(
            ChoiceModal(
                f"Impact of #{s.id} {one_line(s.title)}", choices, current=effective, note=note
            )
        )
        if choice is None:
            return
        override = "" if choice == "as raised" else choice
        if (override or None) == s.impact_override:
            return
        updated = self._save(s, actor, {"impact_override": override})
        if updated is not None:
            self.app.say(f"#{s.id}: {backlog.priority_reason(updated)}")

    @work(exclusive=True, group="backlog-triage")
    async def action_urgency(self) -> None:
        s = self._current()
        actor = self.app.acting_name() if s is not None else None
        if actor is None:
            return
        choice = await self.app.push_screen_wait(
            ChoiceModal(
                f"Urgency of #{s.id} {one_line(s.title)}",
                [(level, level) for level in LEVELS],
                current=s.urgency,
            )
        )
        if choice is None or choice == s.urgency:
            return
        updated = self._save(s, actor, {"urgency": choice})
        if updated is not None:
            self.app.say(f"#{s.id}: {backlog.priority_reason(updated)}")

    async def _ask_reason(self, what: str) -> str | None:
        return await self.app.push_screen_wait(
            TextPrompt(
                f"Why is {what} declined?",
                "Declining needs a reason: the author hears back with it.",
                placeholder="the reason",
            )
        )

    async def _choose_status(
        self, title: str, options: list[str], note: str, what: str
    ) -> tuple[str, str] | None:
        """Ask for the new status (and, for "declined", why): (status, reason), or None
        when the user backed out of either question."""
        choice = await self.app.push_screen_wait(
            ChoiceModal(title, [(x, x) for x in options], note=note)
        )
        if choice is None:
            return None
        reason = await self._ask_reason(what) if choice == "declined" else ""
        return None if reason is None else (choice, reason)

    @work(exclusive=True, group="backlog-triage")
    async def action_status(self) -> None:
        s = self._current()
        actor = self.app.acting_name() if s is not None else None
        if actor is None:
            return
        allowed = [x for x in backlog.TRANSITIONS[s.status] if x != "duplicate"]
        if not allowed:
            self.app.say(f"#{s.id} is {s.status}, which is final", severity="warning")
            return
        chosen = await self._choose_status(
            f"Status of #{s.id} {one_line(s.title)} (now {s.status})",
            allowed,
            "To mark it a duplicate, merge it into the one it repeats (m).",
            f"#{s.id}",
        )
        if chosen is None:
            return
        choice, reason = chosen
        if choice != "declined" and (s.status, choice) in backlog.BACKWARD:
            reason = await self.app.push_screen_wait(
                TextPrompt(
                    f"Back from {s.status} to {choice}",
                    f"#{s.id} {one_line(s.title)}\nA step back is a correction: why? The "
                    "reason is kept in its history.",
                    placeholder="e.g. accepted by mistake",
                )
            )
            if not reason:
                return
        try:
            backlog.set_status(self.app.store, actor, s.id, choice, reason)
        except (UserError, StoreError) as exc:
            self.app.say_refused(exc)
            return
        self._changed([s.id])
        self.app.say(f"#{s.id} is now {choice}")

    @work(exclusive=True, group="backlog-triage")
    async def action_bulk_status(self) -> None:
        ids = sorted(self.marked)
        if not ids:
            self.app.say(
                "Mark rows with space first: B changes the status of every marked row",
                severity="warning",
            )
            return
        actor = self.app.acting_name()
        if actor is None:
            return
        store = self.app.store
        current = {self.rows_by_id[i].status for i in ids if i in self.rows_by_id}
        reachable = {x for st in current for x in backlog.TRANSITIONS[st]} - {"duplicate"}
        options = [x for x in SUGGESTION_STATUSES if x in reachable]
        if not options:
            self.app.say("The marked suggestions are all final", severity="warning")
            return
        chosen = await self._choose_status(
            f"Status of the {len(ids)} marked suggestions",
            options,
            "Any that cannot move to the status chosen stay as they are (and stay marked).",
            f"each of the {len(ids)} marked",
        )
        if chosen is None:
            return
        choice, reason = chosen
        moved: list[int] = []
        failed: list[str] = []
        for sid in ids:
            try:
                backlog.set_status(store, actor, sid, choice, reason)
            except (UserError, StoreError) as exc:
                failed.append(str(exc))
            else:
                moved.append(sid)
        self.marked -= set(moved)
        self._changed(ids)
        message = f"{len(moved)} moved to {choice}"
        if failed:
            message += f"; {len(failed)} not moved: " + "; ".join(failed[:3])
            if len(failed) > 3:
                message += f"; and {len(failed) - 3} more"
        self.app.say(message, severity="warning" if failed else "information", timeout=8)

    def action_vote(self) -> None:
        s = self._current()
        if s is None or self.app.acting_name() is None:
            return
        person = self.app.actor
        withdraw = person.id in s.votes
        try:
            count = backlog.vote(self.app.store, person, s.id, withdraw=withdraw)
        except (UserError, StoreError) as exc:
            self.app.say_refused(exc)
            return
        self._changed([s.id])
        if withdraw:
            self.app.say(f"Your vote for #{s.id} is taken back ({counted(count, 'vote')})")
        else:
            self.app.say(f"Voted for #{s.id} ({counted(count, 'vote')})")

    @work(exclusive=True, group="backlog-triage")
    async def action_merge(self) -> None:
        s = self._current()
        actor = self.app.acting_name() if s is not None else None
        if actor is None:
            return
        store = self.app.store
        answer = await self.app.push_screen_wait(
            RecordPicker(
                f"Merge #{s.id} into another suggestion",
                suggestion_search(store, exclude=[s.id]),
                note=f"#{s.id} {one_line(s.title)} repeats which suggestion? Its votes move "
                "over (each person once), its tags and notes join, and it becomes a duplicate.",
            )
        )
        if answer is None:
            return
        try:
            survivor = backlog.merge(store, actor, s.id, int(answer.lstrip("#")))
        except (UserError, StoreError, ValueError) as exc:
            self.app.say_refused(exc)
            return
        self.marked.discard(s.id)
        self._changed([s.id, survivor.id])
        self.app.say(
            f"Merged #{s.id} into #{survivor.id}, which now has {counted(len(survivor.votes), 'vote')}"
        )

    @work(exclusive=True, group="backlog-triage")
    async def action_tag(self) -> None:
        s = self._current()
        actor = self.app.acting_name() if s is not None else None
        if actor is None:
            return
        known = sorted({t for r in self.rows_by_id.values() for t in r.tags})
        answer = await self.app.push_screen_wait(
            TextPrompt(
                f"Tag #{s.id} {one_line(s.title)}",
                f"Tags now: {', '.join(s.tags) or 'none'}. Several? Separate them with commas.",
                placeholder="a word, e.g. printing",
                suggester=SuggestName(known),
            )
        )
        if not answer:
            return
        updated = self._save(s, actor, {"tags": [*s.tags, *answer.split(",")]})
        if updated is not None:
            self.app.say(f"#{s.id} tags: {', '.join(updated.tags)}")

    def action_refresh(self) -> None:
        try:
            self.app.store.refresh()
        except StoreError as exc:
            self.loader.failed(str(exc))
            return
        self.load(full=True)
