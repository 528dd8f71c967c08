"""The dashboard: what needs attention today, and how the programme is going.

shadow opens here. Five lists (visits today and in the next 7 days, your
overdue actions, suggestions awaiting triage, at-risk and breached suggestions
(the acting owner's own, all for coordinators, with the hours waited on each side), the
latest kudos) each open the item's own page with enter; three charts show the
last six months (visits held or lost, suggestions raised and closed, the
backlog's size).

(Over 500 lines: five lists, three charts and opening each item's page.)
"""

from __future__ import annotations

import time as _time
from datetime import date, datetime, timedelta

from rich.cells import cell_len, set_cell_size
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from shadow.core import actions, backlog, dashboard, dates
from shadow.core.ahead import Later
from shadow.core.backlog import Row
from shadow.core.dashboard import (
    DAYS_AHEAD,
    LIST_LIMIT,
    READ_AHEAD_OVER,
    DashboardData,
    read_dashboard,
)
from shadow.core.models import (
    DIRECTION_LABELS,
    WAIT_SIDES,
    Action,
    Kudos,
    Observation,
    Person,
    Suggestion,
    UserError,
    Visit,
)
from shadow.core.plain import count as counted
from shadow.core.schedule import Occurrence, get_occurrence
from shadow.core.store import Store, StoreError

from ..commands import Command, bindings
from ..loading import Loader, collector_paused
from ..modals.info import InfoModal
from ..palette import SLA, priority_style, status_style
from ..visit_status import change_status
from ..widgets.charts import BarChart, Series
from ..widgets.literal import one_line, visible
from ..widgets.record_table import RecordTable
from .base import PROGRAMME_TABLES, AreaScreen

# Up to this many records the dashboard is read on the spot (and not read ahead).
SYNC_LIMIT = READ_AHEAD_OVER
STALE_SECONDS = 60  # coming back after this long re-reads (the date may have moved on)
COMPACT_HEIGHT = 30  # below this many rows the charts shrink
# What the "waiting" line calls each side: fits a third of 120 columns; TERSE_SIDES (with no
# space before the hours: ``terse``) where even the short line would be cut: a third of 80
# columns, with hundreds of hours on each side ("lib652h IT326h v91h"; the tooltip says
# what).
SIDE_NAMES = {"library": "lib", "it": "IT", "vendor": "vendor"}
TERSE_SIDES = {"library": "lib", "it": "IT", "vendor": "v"}


def has_mode(app, mode: str) -> bool:
    """Whether the app has an area (mode) of that name."""
    return mode in getattr(app, "_modes", {}) or mode in getattr(app, "MODES", {})


def select_record(screen: Screen, record_id: int) -> bool:
    """Put the cursor of the screen's first record table showing ``record_id`` on it."""
    for table in screen.query(RecordTable):
        if table.select_id(record_id):
            table.focus()
            return True
    return False


def day_label(day: date, today: date) -> str:
    if day == today:
        return "Today"
    if day == today + timedelta(days=1):
        return "Tomorrow"
    return f"{day:%a} {day.day} {day:%b}"


def shorten(text: str, limit: int) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fit_names(head: str, names: list[str], width: int) -> str:
    """``head`` and as many of ``names`` as fit ``width`` cells, the rest counted:
    ``Rotation due: A, B +2 more``. The first name is always there, cut if it must be."""
    for shown in range(len(names), 0, -1):
        rest = len(names) - shown
        line = head + ", ".join(names[:shown]) + (f" +{rest} more" if rest else "")
        if cell_len(line) <= width:
            return line
    tail = f" +{len(names) - 1} more" if len(names) > 1 else ""
    room = max(width - cell_len(head) - cell_len(tail), 1)
    return head + set_cell_size(names[0], room - 1).rstrip() + "…" + tail if names else head


# ---------------------------------------------------------------------- the lists
class Panel(OptionList):
    """One dashboard list: enter opens the highlighted item's page."""

    DEFAULT_CSS = """
    Panel {
        height: 1fr;
        max-height: 100%;
        border: round $panel-lighten-2;
        border-title-color: $text;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        background: $surface;
        padding: 0 1;
        scrollbar-size-vertical: 1;
        scrollbar-gutter: stable;  /* (the options' width the same with or without it) */
    }
    Panel:focus {
        border: round $accent;
    }
    """

    def __init__(self, title: str, empty: str, *, short: str = "", id: str) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.short_title = short or title  # the title where the long one would be cut
        self.empty = empty
        self.border_title = title
        self._count = 0
        self._subtitles = ("", "")

    def _fits(self, text: str) -> bool:
        # (the border's corners and the spaces either side of a title take 4 cells)
        return not self.size.width or cell_len(text) <= self.size.width - 4

    _titles: tuple[str, str, str] | None = None  # the title, count and subtitle shown

    def _show_titles(self) -> None:
        count = f" · {self._count}" if self._count else ""
        title = self.title_text if self._fits(self.title_text + count) else self.short_title
        # (the longest form that fits, else the shortest)
        subtitle = next((text for text in self._subtitles if self._fits(text)), self._subtitles[-1])
        if (title, count, subtitle) == self._titles:
            return  # (the same again would only be painted again)
        self._titles = (title, count, subtitle)
        self.border_title = Content.assemble((title, "bold"), (count, "$text-muted"))
        self.border_subtitle = subtitle

    def set_subtitle(self, text: str, *shorter: str) -> None:
        """The line under the list; the first of ``shorter`` that fits where ``text``
        would be cut (80 columns)."""
        self._subtitles = (text, *shorter)
        self._show_titles()

    _options_width = -1  # the width its options were last wrapped and rendered for

    def _on_resize(self, event: Resize) -> None:
        self._show_titles()  # (fitted to the width)
        # OptionList renders every option again at any resize, wrapped to its width: a
        # change of height only (the liaison's line shown above the panels once the
        # programme is read) kept them as they were, and cost the Dashboard a second
        # layout pass and paint (24 ms and a frame at 10,000 records). Textual calls
        # OptionList's handler after this one unless prevented.
        width = self.scrollable_content_region.width
        if width == self._options_width:
            event.prevent_default()
        self._options_width = width

    def show(
        self,
        items: list[tuple[str, Content]],
        *,
        empty: str | None = None,
        total: int | None = None,
        rest: str = "",
    ) -> None:
        """Replace the items ((id, prompt) pairs), keeping the highlight on the same item.
        ``total``: how many there are when ``items`` are the first of them (the title
        counts them all, and a last line says how many more and where: ``rest``)."""
        keep = self.highlighted_option.id if self.highlighted_option is not None else None
        options = [Option(prompt, id=item_id) for item_id, prompt in items]
        if not options:
            options = [Option(Content.styled(empty or self.empty, "$text-muted"), disabled=True)]
        total = len(items) if total is None else max(total, len(items))
        if total > len(items):
            more = f"… and {total - len(items)} more{rest}"
            options.append(Option(Content.styled(more, "$text-muted"), disabled=True))
        self.set_options(options)
        self._count = total
        self._show_titles()
        ids = [item_id for item_id, _ in items]
        if items:
            self.highlighted = ids.index(keep) if keep in ids else 0
        else:
            self.highlighted = None

    @property
    def item_ids(self) -> list[str]:
        return [o.id for o in self.options if o.id]

    def action_last(self) -> None:
        super().action_last()
        self.scroll_end(animate=False, immediate=True)  # (the "… and N more" line in view)


# ---------------------------------------------------------------------- the screen
class DashboardScreen(AreaScreen):
    AREA_TITLE = "Dashboard"
    HELP = (
        "What needs attention: the visits of today and the next 7 days (both directions: "
        "IT → library and library → IT), past visits whose outcome nobody recorded, your "
        "overdue actions, suggestions waiting to be triaged, suggestions past their "
        "service level, and the latest kudos; a line above the lists names departments "
        "whose liaison is due to rotate. Enter opens the highlighted item (a visit's "
        "page, the suggestion in the Backlog, the action); tab or left/right move "
        f"between the lists, 1-6 jump to one. Each list shows its first {LIST_LIMIT} and counts "
        "them all in its title; its last line says how many more and which area has "
        'them. In "Record the outcome", d marks a visit '
        "done, n a no-show and x cancels it (asking why). The charts cover the last six "
        "months: visits completed against cancelled or missed, suggestions raised "
        "against closed, and how many suggestions were open at the end of each month."
    )
    WATCHES = PROGRAMME_TABLES
    FOCUS = "#visits"
    COMMAND_LIST = (
        Command("open", "Open", "Open the highlighted item's page", key="enter"),
        Command("next_panel", "Next list", "Move to the next list", key="right", footer=False),
        Command(
            "previous_panel", "Previous list", "Move to the previous list", "left", footer=False
        ),
        Command("panel('visits')", "Visits", "Jump to the coming visits", key="1", footer=False),
        Command(
            "panel('triage')", "Triage", "Jump to suggestions awaiting triage", "2", footer=False
        ),
        Command(
            "panel('breaches')",
            "Breaches",
            "Jump to at-risk and breached suggestions",
            "3",
            footer=False,
        ),
        Command(
            "panel('overdue')", "My overdue", "Jump to your overdue actions", "4", footer=False
        ),
        Command("panel('kudos')", "Kudos", "Jump to the latest kudos", key="5", footer=False),
        Command(
            "panel('outcomes')",
            "Record the outcome",
            "Jump to the past visits nobody closed (d done, n no-show, x cancel)",
            key="6",
            footer=False,
        ),
        Command(
            "outcome('completed')",
            "Took place",
            "Record that the highlighted past visit took place (completed)",
            key="d",
            footer=False,
        ),
        Command(
            "outcome('no-show')",
            "No-show",
            "Record that the visitors of the highlighted past visit did not come",
            key="n",
            footer=False,
        ),
        Command(
            "outcome('cancelled')",
            "Cancelled",
            "Record that the highlighted past visit was cancelled (asks why)",
            key="x",
            footer=False,
        ),
        Command("refresh", "Refresh", "Re-read the database now", key="r"),
    )
    BINDINGS = bindings(COMMAND_LIST)
    PANELS = ("visits", "outcomes", "triage", "breaches", "overdue", "kudos")
    DEFAULT_CSS = """
    DashboardScreen #dash-summary {
        width: 100%;
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    DashboardScreen #dash-liaison {
        width: 100%;
        height: 1;
        padding: 0 1;
        color: $warning;
        display: none;
    }
    DashboardScreen #dash-lists {
        height: 1fr;
        min-height: 8;
    }
    DashboardScreen #dash-visits {
        width: 1fr;
    }
    DashboardScreen #outcomes {
        height: auto;
        max-height: 40%;
    }
    DashboardScreen .dash-column {
        width: 1fr;
    }
    DashboardScreen #dash-charts {
        height: 13;
    }
    DashboardScreen.-compact #dash-charts {
        height: 9;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.data: DashboardData | None = None
        self._stale = True  # read when first shown
        self._read_at = 0.0
        self._ahead: Later[DashboardData] | None = None  # (see reload)
        self._first_read = True
        self.loader: Loader[DashboardData] = Loader(
            self,
            lambda request: self._read(self.app.store, *request),
            self.show,
            size=self._read_size,
            limit=lambda: SYNC_LIMIT,
            busy=lambda: self.query_one("#dash-summary", Label).update("Reading the programme …"),
            name="dashboard",
        )

    @property
    def reading(self) -> bool:
        return self.loader.reading

    # ------------------------------------------------------------ layout
    def compose_body(self) -> ComposeResult:
        yield Label("", id="dash-summary", markup=False)
        yield Label("", id="dash-liaison", markup=False)
        with Horizontal(id="dash-lists"):
            with Vertical(classes="dash-column"):
                yield Panel(
                    f"Today and the next {DAYS_AHEAD} days",
                    "No visits booked for the coming week",
                    short=f"Next {DAYS_AHEAD} days",
                    id="visits",
                )
                yield Panel(
                    "Record the outcome",
                    "Every past visit is closed",
                    short="Outcome due",
                    id="outcomes",
                )
            with Vertical(classes="dash-column"):
                yield Panel("Awaiting triage", "Nothing waiting to be triaged", id="triage")
                yield Panel(
                    "At risk and breached",
                    "Nothing open is at risk or late",
                    short="At risk, late",
                    id="breaches",
                )
            with Vertical(classes="dash-column"):
                yield Panel("My overdue actions", "None of your actions is overdue", id="overdue")
                yield Panel("Latest kudos", "No kudos yet", id="kudos")
        with Horizontal(id="dash-charts"):
            yield BarChart("Visits per month", id="chart-visits")
            yield BarChart("Suggestions per month", id="chart-suggestions")
            yield BarChart("Backlog size", id="chart-backlog")

    def on_mount(self) -> None:
        # (AreaScreen.on_mount runs too and subscribes to the store's changes.)
        self._fit(self.app.size.height)  # (it reads when first shown: it starts stale)

    def on_resize(self) -> None:
        self._fit(self.size.height)
        if self.data is not None:
            self.query_one("#dash-summary", Label).update(self.summary(self.data))
            self._show_liaison(self.data)

    def _show_liaison(self, data: DashboardData) -> None:
        liaison = self.query_one("#dash-liaison", Label)
        line = self.liaison_line(data)
        liaison.update(line)
        liaison.display = bool(line)
        full = "; ".join(
            f"{one_line(r.department)} ({one_line(r.liaison)}, {r.describe(data.now.date())})"
            for r in data.liaison_due
        )
        liaison.tooltip = Content(full) if full and full not in line else None

    def _fit(self, height: int) -> None:
        self.set_class(height < COMPACT_HEIGHT, "-compact")

    def outdated(self) -> bool:
        return _time.monotonic() - self._read_at > STALE_SECONDS

    def panel(self, name: str) -> Panel:
        return self.query_one(f"#{name}", Panel)

    # ------------------------------------------------------------ reading
    def reload(self) -> None:
        """Re-read everything (through the one loader: on the spot or in a thread). The
        first read takes what a child process read ahead, if the app began one."""
        self._read_at = _time.monotonic()
        self._ahead = self.app.dashboard_ahead if self._first_read else None
        self._first_read = False
        try:
            self.loader.load((self.app.clock(), self.app.actor, self._ahead))
        finally:
            self._ahead = None

    def _read_size(self) -> int:
        """How much the read goes through (the loader reads on the spot up to its limit). A
        read ahead that has ended costs nothing to take: the screen's first paint has it
        all. One still running is waited for in a thread, whatever the store's size."""
        if self._ahead is not None:
            return 0 if self._ahead.ready() else SYNC_LIMIT + 1
        return dashboard.size(self.app.store)

    @staticmethod
    def _read(
        store: Store, now: datetime, actor: Person | None, found: Later[DashboardData] | None
    ) -> DashboardData:
        if found is not None:
            # (as a read in a thread, what it brought and everything older is then kept out
            # of the collector's walks: taken on the spot, the first full pass walked the
            # whole start, 0.035-0.048 s at 10,000 records, for 0.010 s)
            with collector_paused():
                data = dashboard.taken(found, now, actor)
            if data is not None:
                return data
        return read_dashboard(store, now, actor)

    # ------------------------------------------------------------ showing
    def show(self, data: DashboardData) -> None:
        self.data = data
        self.query_one("#dash-summary", Label).update(self.summary(data))
        self._show_liaison(data)
        self.panel("visits").show(
            self.visit_items(data), total=len(data.visits), rest=" in the Schedule (F3)"
        )
        self.panel("outcomes").show(
            self.visit_items(data, data.outcomes),
            total=data.outcomes_total,
            rest=" in the Schedule (F3, then o)",
        )
        self.panel("outcomes").set_subtitle(
            "d done · n no-show · x cancel" if data.outcomes else "",
            "d done n no-show x" if data.outcomes else "",
        )
        if data.overdue is None:
            self.panel("overdue").show(
                [], empty="Choose who you are (w) to see your overdue actions"
            )
        else:
            self.panel("overdue").show(
                self.action_items(data), total=len(data.overdue), rest=" in Actions (F5)"
            )
        self.panel("triage").show(
            self.triage_items(data), total=len(data.triage), rest=" in the Backlog (F4)"
        )
        self.panel("breaches").show(
            self.breach_items(data), total=data.escalated_total, rest=" in the Backlog (F4)"
        )
        self.panel("breaches").set_subtitle(
            self.waiting_line(data),
            self.waiting_line(data, short=True),
            self.waiting_line(data, terse=True),
        )
        self.panel("breaches").tooltip = (
            "Working hours spent waiting on the library, on IT and on vendors"
            if data.waiting
            else None
        )
        self.panel("kudos").show(self.kudos_items(data))
        self.draw_charts(data)

    def summary(self, data: DashboardData) -> Content:
        """The line over the lists; shorter words when the terminal is narrow (80 columns
        keep every figure)."""
        today = data.now.date()
        todays = sum(1 for o in data.visits if o.start.astimezone(data.now.tzinfo).date() == today)
        later = len(data.visits) - todays
        parts = [
            f"{today:%a} {today.day} {today:%b %Y}",
            f"visits: {todays} today, {later} in the next {DAYS_AHEAD} days",
            f"to triage: {len(data.triage)}",
            f"past service level: {data.breached_total}",
        ]
        if data.overdue is not None:
            parts.append(f"my overdue: {len(data.overdue)}")
        full = " · ".join(parts)
        width = (self.size.width or self.app.size.width) - 2
        if len(full) <= width:
            return Content(full)
        short = [
            f"{today:%a} {today.day} {today:%b}",
            f"visits {todays} today, {later} in {DAYS_AHEAD}d",
            f"triage {len(data.triage)}",
            f"past SLA {data.breached_total}",
        ]
        if data.overdue is not None:
            short.append(f"my overdue {len(data.overdue)}")
        return Content(" · ".join(short))

    def liaison_line(self, data: DashboardData) -> str:
        """The departments whose liaison is due to rotate (core/liaison.py), soonest first,
        or "": in full when it fits the width, else in fewer words (without the liaisons'
        names), else the departments with "+N more" (the full line is the label's tooltip;
        each department's page names its liaison)."""
        if not data.liaison_due:
            return ""
        today, due = data.now.date(), data.liaison_due
        width = (self.size.width or self.app.size.width) - 2
        head = "Liaison rotation due: "
        full = head + "; ".join(
            f"{one_line(r.department)} ({one_line(r.liaison)}, {r.describe(today)})" for r in due
        )
        brief = head + "; ".join(
            f"{one_line(r.department)} ({one_line(r.liaison)}, {r.brief(today)})" for r in due
        )
        briefer = head + "; ".join(f"{one_line(r.department)} ({r.brief(today)})" for r in due)
        for line in (full, brief, briefer):
            if cell_len(line) <= width:
                return line
        return fit_names(head, [one_line(r.department) for r in due], width)

    def visit_items(
        self, data: DashboardData, visits: list[Occurrence] | None = None
    ) -> list[tuple[str, Content]]:
        """The coming visits (or ``visits``: the past ones awaiting their outcome)."""
        today, zone = data.now.date(), data.now.tzinfo
        me = self.app.actor.id if self.app.actor is not None else None
        items = []
        for occ in (data.visits if visits is None else visits)[:LIST_LIMIT]:
            v = occ.visit
            start, end = occ.start.astimezone(zone), occ.end.astimezone(zone)
            visitors = ", ".join(one_line(data.people.get(p, f"#{p}")) for p in v.visitors)
            hosts = ", ".join(one_line(data.people.get(p, f"#{p}")) for p in v.hosts)
            first = Content.assemble(
                (f"{day_label(start.date(), today)} {start:%H:%M}–{end:%H:%M}", "bold"),
                "  ",
                one_line(data.departments.get(v.department_id or 0, "?")),
            )
            if me is not None and me in occ.people:
                first = Content.assemble(first, ("  ★ you", "$accent"))
            way = data.directions.get(v.department_id or 0, "it-to-library")
            second = Content.assemble(
                (occ.status, status_style(occ.status)),
                (" · ", "$text-muted"),
                (DIRECTION_LABELS[way], "$accent" if way == "library-to-it" else "$text-muted"),
                (" · ", "$text-muted"),
                (f"{visitors} with {hosts}", "$text-muted"),
            )
            items.append((f"visit:{v.id}:{occ.key}", Content("\n").join([first, second])))
        return items

    def action_items(self, data: DashboardData) -> list[tuple[str, Content]]:
        today = data.now.date()
        items = []
        for view in (data.overdue or [])[:LIST_LIMIT]:
            a = view.action
            due = date.fromisoformat(a.due) if a.due else today
            late = (today - due).days
            first = Content.assemble((f"#{a.id} ", "$text-muted"), one_line(a.title))
            second = Content.assemble(
                (
                    f"due {dates.format_day(due)} · {late} day{'' if late == 1 else 's'} late",
                    "$error",
                ),
                (f" · {shorten(view.origin, 60)}" if view.origin else "", "$text-muted"),
            )
            items.append((f"action:{a.id}", Content("\n").join([first, second])))
        return items

    def _suggestion_line(self, r: Row) -> Content:
        return Content.assemble(
            (f"P{r.priority} ", priority_style(r.priority)),
            (f"#{r.id} ", "$text-muted"),
            one_line(r.title),
        )

    def triage_items(self, data: DashboardData) -> list[tuple[str, Content]]:
        items = []
        for r in data.triage[:LIST_LIMIT]:
            age = backlog.age_days(r.created, data.now)
            votes = f" · {counted(r.votes, 'vote')}" if r.votes else ""
            second = Content.styled(
                f"{one_line(r.department) or 'no department'} · {age}d old{votes}", "$text-muted"
            )
            items.append(
                (f"suggestion:{r.id}", Content("\n").join([self._suggestion_line(r), second]))
            )
        return items

    def breach_items(self, data: DashboardData) -> list[tuple[str, Content]]:
        """The acting owner's at-risk and breached suggestions (all, for coordinators)."""
        items = []
        for e in data.escalations:
            first = Content.assemble(
                (f"P{e.priority} ", priority_style(e.priority)),
                (f"#{e.suggestion_id} ", "$text-muted"),
                one_line(e.title),
            )
            second = Content.assemble(
                (e.describe(), SLA.get(e.state, "")),
                (f" · {shorten(', '.join(e.owners), 40)}" if e.owners else "", "$text-muted"),
            )
            items.append((f"suggestion:{e.suggestion_id}", Content("\n").join([first, second])))
        return items

    def waiting_line(self, data: DashboardData, *, short: bool = False, terse: bool = False) -> str:
        """Working hours spent waiting on each side: whose turn it has been. ``short``
        (a third of 80 columns): whole hours, the sides that waited, no "waited:";
        ``terse``: shorter still (TERSE_SIDES, no space before the hours)."""
        if not any(data.waiting.values()):
            return ""
        names = TERSE_SIDES if terse else SIDE_NAMES
        if short or terse:
            gap = "" if terse else " "
            return " ".join(
                f"{names.get(side, side)}{gap}{round(data.waiting[side])}h"
                for side in WAIT_SIDES
                if data.waiting.get(side)
            )
        hours = " ".join(
            f"{names.get(side, side)} {round(data.waiting.get(side, 0), 1):g}h"
            for side in WAIT_SIDES
        )
        return f"waited: {hours}"

    def kudos_items(self, data: DashboardData) -> list[tuple[str, Content]]:
        items = []
        for k in data.kudos:
            when = ""
            if k.get("created"):
                when = dates.format_day(
                    dates.from_iso(k["created"]).astimezone(data.now.tzinfo).date()
                )
            first = Content.assemble(
                ("★ ", "$success"),
                (one_line(data.people.get(k.get("to_id"), "?")), "bold"),
                (" from ", "$text-muted"),
                one_line(data.people.get(k.get("from_id"), "?")),
            )
            second = Content.assemble(
                shorten(k.get("text", ""), 70), (f" · {when}" if when else "", "$text-muted")
            )
            items.append((f"kudos:{k['id']}", Content("\n").join([first, second])))
        return items

    # Each chart: its widget, the data it draws, and its series (label, key, theme colour).
    CHARTS = (
        ("chart-visits", "visit_months", (("completed", "completed", "success"),
                                          ("cancelled/no-show", "cancelled or no-show", "error"))),
        ("chart-suggestions", "suggestion_months", (("raised", "raised", "warning"),
                                                    ("closed", "closed", "primary"))),
        ("chart-backlog", "backlog_months", (("open at month end", "open", "accent"),)),
    )  # fmt: skip

    def draw_charts(self, data: DashboardData) -> None:
        for chart_id, attribute, series in self.CHARTS:
            m = getattr(data, attribute)
            if m is not None:
                self.query_one(f"#{chart_id}", BarChart).bars(
                    m.labels,
                    [Series(label, m.series[key], colour) for label, key, colour in series],
                )

    # ------------------------------------------------------------ moving about
    def _panels(self) -> list[Panel]:
        return [self.panel(name) for name in self.PANELS]

    def action_next_panel(self) -> None:
        self._step(1)

    def action_previous_panel(self) -> None:
        self._step(-1)

    def _step(self, step: int) -> None:
        panels = self._panels()
        focused = self.focused
        index = panels.index(focused) if focused in panels else -step
        panels[(index + step) % len(panels)].focus()

    def action_panel(self, name: str) -> None:
        self.panel(name).focus()

    # ------------------------------------------------------------ recording outcomes
    def action_outcome(self, status: str) -> None:
        self._outcome(status)

    @work(exclusive=True, group="dashboard-outcome")
    async def _outcome(self, status: str) -> None:
        """Close the highlighted past visit: completed, no-show or cancelled (with a reason)."""
        panel = self.panel("outcomes")
        option = panel.highlighted_option
        if self.focused is not panel or option is None or not option.id or option.disabled:
            self.app.say(
                'Move to a visit in "Record the outcome" first (6), then press d, n or x',
                severity="warning",
            )
            return
        key = option.id.split(":", 2)[2]  # visit:12:12, visit:20:20@2026-12-16
        try:
            occ = get_occurrence(self.app.store, key)
        except (UserError, StoreError) as exc:
            self.app.say_refused(exc)
            return
        data = self.data
        describe = one_line(key)
        if data is not None:
            place = data.departments.get(occ.visit.department_id or 0, "?")
            describe = one_line(f"{dates.format_span(occ.start, occ.end)} · {place}")
        if await change_status(self.app, occ, status, describe=describe, outcome=True):
            self.reload()

    # ------------------------------------------------------------ opening
    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.open_item(event.option.id)

    def action_open(self) -> None:
        focused = self.focused
        if isinstance(focused, Panel) and focused.highlighted_option is not None:
            option = focused.highlighted_option
            if option.id and not option.disabled:
                self.open_item(option.id)
                return
        self.app.say("Nothing to open here", severity="warning")

    def open_item(self, item_id: str) -> None:
        """Open the page of ``kind:id`` (visit, suggestion, action, kudos)."""
        kind, _, rest = item_id.partition(":")
        record_id = int(rest.split(":")[0])
        if kind == "visit":
            _, _, day = rest.partition("@")  # a series occurrence: visit:12:12@2026-12-08
            self.open_visit(record_id, on=date.fromisoformat(day) if day else None)
        elif kind == "suggestion":
            self._open_suggestion(record_id)
        elif kind == "action":
            self._open_action(record_id)
        elif kind == "kudos":
            self._open_kudos(record_id)

    def open_visit(self, visit_id: int, on: date | None = None) -> None:
        if self.app.store.get(Visit.TABLE, visit_id) is None:
            self.app.say(f"Visit #{visit_id} is gone (changed elsewhere)", severity="warning")
            self.reload()
            return
        from .visit import VisitScreen  # the visit page (imported when first needed)

        self.app.push_screen(VisitScreen(visit_id, on=on))

    def _still_there(self, table: str, record_id: int, what: str) -> dict | None:
        """The record a list showed, or None after saying it is gone (and reading again)."""
        doc = self.app.store.get(table, record_id)
        if doc is None:
            self.app.say(f"{what} #{record_id} is gone", severity="warning")
            self.reload()
        return doc

    @work(exclusive=True, group="dashboard-open")
    async def _open_suggestion(self, suggestion_id: int) -> None:
        if self._still_there(Suggestion.TABLE, suggestion_id, "Suggestion") is None:
            return
        if has_mode(self.app, "backlog"):
            await self.app.switch_mode("backlog")
            screen = self.app.screen
            if select_record(screen, suggestion_id) and hasattr(screen, "action_open"):
                screen.action_open()  # the backlog's own page, where e edits it
                return
        from ..modals.suggestion_detail import SuggestionDetail  # (not imported at start)

        await self.app.push_screen_wait(SuggestionDetail(suggestion_id))

    @work(exclusive=True, group="dashboard-open")
    async def _open_action(self, action_id: int) -> None:
        store = self.app.store
        if (doc := self._still_there(Action.TABLE, action_id, "Action")) is None:
            return
        if has_mode(self.app, "actions"):
            await self.app.switch_mode("actions")
            if select_record(self.app.screen, action_id):
                return
        a = Action.from_doc(doc)
        # (only this action's view: the tables it points into, not every action's)
        today = self.app.clock().date()
        view = next(iter(actions.views(store, today, lambda x: x.id == a.id)), None)
        facts = [
            ("Owner", view.owner if view else "?"),
            ("Status", a.status),
            ("Due", dates.format_day(date.fromisoformat(a.due)) if a.due else "no due date"),
            ("From", view.origin if view and view.origin else "—"),
            ("Department", view.department if view and view.department else "—"),
        ]
        body = Content("\n").join(
            Content.assemble((f"{label}: ", "bold"), one_line(value)) for label, value in facts
        )
        if a.notes:
            body = Content.assemble(body, "\n\n", ("Notes", "bold"), "\n", visible(a.notes))
        visit_id = a.visit_id or self._visit_of(a)
        choices = [("open-visit", "Open its visit")] if visit_id else []
        choice = await self.app.push_screen_wait(
            InfoModal(f"Action #{a.id}: {one_line(a.title)}", body, choices=choices)
        )
        if choice == "open-visit" and visit_id:
            self.open_visit(visit_id)

    def _visit_of(self, a: Action) -> int | None:
        store = self.app.store
        if a.observation_id:
            obs = store.get(Observation.TABLE, a.observation_id)
            return obs.get("visit_id") if obs else None
        if a.suggestion_id:
            s = store.get(Suggestion.TABLE, a.suggestion_id)
            return s.get("visit_id") if s else None
        return None

    @work(exclusive=True, group="dashboard-open")
    async def _open_kudos(self, kudos_id: int) -> None:
        store = self.app.store
        if (doc := self._still_there(Kudos.TABLE, kudos_id, "Kudos")) is None:
            return
        if doc.get("visit_id") and store.get(Visit.TABLE, doc["visit_id"]) is not None:
            self.open_visit(doc["visit_id"])
            return
        people = {d["id"]: d.get("name", "") for d in store.all(Person.TABLE)}
        when = dates.format_moment(dates.from_iso(doc["created"])) if doc.get("created") else ""
        body = Content.assemble(
            ("To: ", "bold"),
            one_line(people.get(doc.get("to_id"), "?")),
            "\n",
            ("From: ", "bold"),
            one_line(people.get(doc.get("from_id"), "?")),
            ("\nWhen: ", "bold"),
            when,
            "\n\n",
            visible(doc.get("text", "")),
        )
        await self.app.push_screen_wait(InfoModal("Kudos", body))
