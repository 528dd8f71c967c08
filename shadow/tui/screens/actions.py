"""Follow-up actions: who does what by when, tracked to done against their due dates.

The rows come from :func:`shadow.core.actions.views` (overdue first); the screen
narrows them to the acting person's own ("mine") or shows everyone's, and
through an optional filter (overdue, due this week, status, owner, department).

(Over 500 lines: the list, its filters and every action command live with the table they act on.)
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Label

from shadow.core import actions, backlog
from shadow.core.actions import ActionView
from shadow.core.models import (
    Action,
    Department,
    Person,
    Suggestion,
    UserError,
    ValidationError,
)
from shadow.core.plain import count as counted
from shadow.core.settings import dayfirst
from shadow.core.store import StoreError

from ..commands import Command, bindings
from ..loading import Loader, say_cannot_read
from ..modals.action_detail import ActionDetail
from ..modals.action_filter import ActionFilter, ActionFilterModal
from ..modals.action_form import ActionForm, due_preview
from ..modals.base import Confirm
from ..modals.person_picker import PersonPicker
from ..modals.pickers import TextPrompt
from ..modals.wait import wait_chosen
from ..widgets.due import describe_day, due_cell_text
from ..widgets.literal import cell, one_line
from ..widgets.record_table import RecordTable
from .base import AreaScreen, area_bar

# (label, narrowest width the column may be cut to when space is short; None: never cut)
COLUMNS = (
    ("#", None),
    ("Due", None),
    ("Title", 20),
    ("Owner", 8),
    ("Status", None),
    ("Department", 7),
    ("Suggestion", 6),
)
DROP_FIRST = ("Suggestion",)  # at 80 columns, so that the title keeps 20 characters
LIVE = ("open", "in progress")
OVERDUE_STYLE = "bold red"
SOON_STYLE = "yellow"
CLOSED_STYLE = "dim"
# What each status key does.
MOVES = {"done": "done", "start": "in progress", "reopen": "open"}
TITLE_COLUMN = 2


def origin_text(v: ActionView) -> str:
    """Where the action comes from, short: ``#3 Title`` for a suggestion."""
    a = v.action
    prefix = f"suggestion #{a.suggestion_id}: "
    if a.suggestion_id and v.origin.startswith(prefix):
        return f"#{a.suggestion_id} {v.origin[len(prefix) :]}"
    return v.origin or "—"


class ActionsTable(RecordTable):
    """The actions; when space is short the title keeps its width longest."""

    KEEP_COLUMN = TITLE_COLUMN
    OTHERS_THEN = 12


class ActionsScreen(AreaScreen):
    AREA_TITLE = "Actions"
    HELP = (
        "Follow-up actions from visits and suggestions: who does what by when. "
        "Overdue actions come first (in red); those due within a week have their date "
        "in yellow; finished ones are dimmed at the bottom. m switches between your "
        "own actions and everyone's (it starts on yours when you own any). f filters "
        "by due date, status, owner or department; 1 shows only overdue ones and 2 "
        "only those due this week; c clears the filter. Act on the selected action: "
        "d done, s start (in progress), x drop (asks why), o reopen, r reassign, u "
        "change the due date; enter shows its notes and history. Finishing the last "
        "open action of a suggestion offers to mark the suggestion done."
    )
    WATCHES = frozenset({Action.TABLE, Suggestion.TABLE, Person.TABLE, Department.TABLE})
    FOCUS = "#actions-table"
    ROW_ACTION = "details"
    RELOAD_ON_RESUME = True  # back from another area: pick up what was missed
    COMMAND_LIST = (
        Command("details", "Details", "Notes and history of the selected action", key="enter"),
        Command("add", "Add", "Add an action", key="a"),
        Command("done", "Done", "Mark the selected action done", key="d"),
        Command("start", "Start", "Mark the selected action in progress", key="s"),
        Command("drop", "Drop", "Drop the selected action (asks why)", key="x"),
        Command("reopen", "Reopen", "Open the selected action again", key="o", footer=False),
        Command("reassign", "Reassign", "Give the selected action to someone else", key="r"),
        Command("due", "Due date", "Change the selected action's due date", key="u", short="Due"),
        Command(
            "toggle_mine",
            "Mine / everyone's",
            "Switch between your own actions and everyone's",
            key="m",
            short="Mine/all",
        ),
        Command("filter", "Filter", "Filter by due date, status, owner, department", key="f"),
        Command(
            "clear_filter", "Clear filter", "Show every action again", key="c,escape", footer=False
        ),
        Command(
            "chip('overdue')",
            "Show overdue",
            "Only overdue actions (again: all of them)",
            key="1",
            footer=False,
        ),
        Command(
            "chip('week')",
            "Show due this week",
            "Only actions due in the next 7 days (again: all of them)",
            key="2",
            footer=False,
        ),
        Command("chip('live')", "Show unfinished", "Only open and in-progress actions"),
        Command("refresh", "Refresh", "Re-read the actions now"),
    )
    BINDINGS = bindings(COMMAND_LIST)
    DEFAULT_CSS = """
    ActionsScreen RecordTable {
        height: 1fr;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.filter = ActionFilter()
        self.mine: bool | None = None  # None: decide (yours if you own any)
        self._mine_for: int | None = None  # whose "mine" was decided
        self.views: list[ActionView] = []
        self.shown: list[ActionView] = []
        self.loader: Loader[list[ActionView]] = Loader(
            self,
            lambda today: actions.views(self.app.store, today),
            self._show_views,
            size=lambda: self.app.store.size_hint(Action.TABLE),
            name="actions",
        )

    # ------------------------------------------------------------ layout
    def compose_body(self) -> ComposeResult:
        yield area_bar("actions", "showing", "count")
        yield Label("", id="actions-empty", classes="list-empty", markup=False)
        yield ActionsTable(COLUMNS, drop=DROP_FIRST, id="actions-table")

    @property
    def table(self) -> ActionsTable:
        return self.query_one("#actions-table", ActionsTable)

    @property
    def today(self) -> date:
        return self.app.clock().date()

    # ------------------------------------------------------------ filling
    def reload(self) -> None:
        """Re-read every action from the store, then show them through the view and filter."""
        self.loader.load(self.today)

    def _show_views(self, views: list[ActionView]) -> None:
        self.views = views
        self._decide_mine()
        self.refilter()

    def _decide_mine(self) -> None:
        actor = self.app.actor
        actor_id = actor.id if actor is not None else None
        if actor_id is None:
            self.mine, self._mine_for = False, None
            return
        if self.mine is None or self._mine_for != actor_id:
            self.mine = any(v.action.owner_id == actor_id for v in self.views)
            self._mine_for = actor_id

    def in_view(self, v: ActionView) -> bool:
        actor = self.app.actor
        if self.mine and actor is not None and v.action.owner_id != actor.id:
            return False
        return self.filter.matches(v)

    def refilter(self) -> None:
        self.shown = [v for v in self.views if self.in_view(v)]
        self.table.fill([(v.action.id or 0, self.cells(v)) for v in self.shown])
        self._update_labels()

    def cells(self, v: ActionView) -> list[Text]:
        a = v.action
        live = a.status in LIVE
        style = "" if live else CLOSED_STYLE
        row_style = OVERDUE_STYLE if v.overdue else style
        due = date.fromisoformat(a.due) if a.due else None
        due_style = OVERDUE_STYLE if v.overdue else (SOON_STYLE if v.due_soon else style)
        return [
            Text(str(a.id), style="dim"),
            Text(due_cell_text(due, self.today, live=live), style=due_style, no_wrap=True),
            cell(a.title, row_style),
            cell(v.owner, row_style),
            Text(a.status, style=row_style, no_wrap=True),
            cell(v.department or "—", style),
            cell(origin_text(v), style),
        ]

    def _update_labels(self) -> None:
        actor = self.app.actor
        if self.mine and actor is not None:
            whose = Content.styled(f"your actions ({one_line(actor.name)})", "bold $accent")
        else:
            whose = Content.styled("everyone's actions", "bold")
        parts = [Content.styled("Showing ", "bold"), whose]
        for chip in self.filter.chips():
            parts.append(Content(" · "))
            parts.append(Content.styled(one_line(chip), "bold $accent"))
        hints = ["m: everyone's" if self.mine else ("m: yours" if actor is not None else "")]
        if self.filter.active():
            hints.append("c clears the filter")
        hint = " · ".join(h for h in hints if h)
        if hint:
            parts.append(Content.styled(f"  ({hint})", "$text-muted"))
        self.query_one("#actions-showing", Label).update(Content.assemble(*parts))

        total, shown = len(self.views), len(self.shown)
        overdue = sum(v.overdue for v in self.shown)
        count = (
            f"{shown} of {counted(total, 'action')}" if shown != total else counted(total, "action")
        )
        if overdue:
            count += f" · {overdue} overdue"
        self.query_one("#actions-count", Label).update(count)

        empty = self.query_one("#actions-empty", Label)
        empty.display = not self.shown
        if self.shown:
            empty.update("")
        elif not self.views:
            empty.update("No actions yet. Press a to add one (each follows up a suggestion).")
        elif self.filter.active():
            empty.update("No action matches the filter. Press c to clear it.")
        elif self.mine:
            empty.update("You own no actions. Press m to see everyone's.")
        else:
            empty.update("Nothing to show.")

    # ------------------------------------------------------------ views and filters
    def action_toggle_mine(self) -> None:
        if self.app.actor is None:
            self.app.say(
                "Choose who you are first (press w): 'mine' means the actions you own.",
                severity="warning",
            )
            return
        self.mine = not self.mine
        self._mine_for = self.app.actor.id
        self.refilter()

    def action_chip(self, what: str) -> None:
        f = self.filter
        if what in ("overdue", "week"):
            self.filter = ActionFilter(
                due="" if f.due == what else what,
                status=f.status,
                owner=f.owner,
                department=f.department,
            )
        else:
            self.filter = ActionFilter(
                due=f.due,
                status="" if f.status == what else what,
                owner=f.owner,
                department=f.department,
            )
        self.refilter()

    def action_clear_filter(self) -> None:
        if not self.filter.active():
            self.table.focus()
            return
        self.filter = ActionFilter()
        self.refilter()
        self.table.focus()
        self.app.say("Filter cleared")

    @work(exclusive=True, group="actions-filter")
    async def action_filter(self) -> None:
        owners = sorted({v.owner for v in self.views if v.owner}, key=str.casefold)
        departments = sorted({v.department for v in self.views if v.department}, key=str.casefold)
        chosen = await self.app.push_screen_wait(
            ActionFilterModal(self.filter, owners, departments)
        )
        if chosen is not None:
            self.filter = chosen
            self.refilter()

    # ------------------------------------------------------------ the selected action
    def _current(self) -> ActionView | None:
        action_id = self.table.selected_or_say("action")
        if action_id is None:
            return None
        try:
            self.views = actions.views(self.app.store, self.today)
        except StoreError as exc:
            say_cannot_read(self)(str(exc))
            return None
        found = next((v for v in self.views if v.action.id == action_id), None)
        if found is None:
            self.app.say(f"Action #{action_id} is gone (changed elsewhere)", severity="warning")
            self.refilter()
        return found

    def _after_change(self, action_id: int | None, message: str, *, follow: bool = True) -> None:
        """Show the change; the cursor follows the action (or, finishing one, stays put)."""
        row = self.table.cursor_row
        self.reload()
        if not follow:
            if self.table.row_count:
                self.table.move_cursor(row=min(row, self.table.row_count - 1), animate=False)
        elif action_id is not None and not self.table.select_id(action_id):
            v = next((v for v in self.views if v.action.id == action_id), None)
            if v is not None and self.mine and not self.filter.matches(v):
                message += " (not shown: the filter hides it; c clears it)"
            elif v is not None and self.mine:
                message += f" (not shown: it is {one_line(v.owner)}'s; m shows everyone's)"
            else:
                message += " (not shown: the filter hides it; c clears it)"
        self.app.say(message)

    @work(exclusive=True, group="actions-details")
    async def action_details(self) -> None:
        v = self._current()
        if v is None:
            return
        choice = await self.app.push_screen_wait(ActionDetail(v, self.today))
        if choice in ("done", "start", "drop", "reopen", "reassign", "due"):
            await self.run_action(choice)
        elif choice in ("wait", "resume"):
            said = await wait_chosen(
                self.app, "actions", v.action.id or 0, choice, self.app.say_refused
            )
            if said:
                self._after_change(v.action.id, said)

    def action_add(self) -> None:
        if self.app.acting_name() is None:
            return

        def saved(new_id: int | None) -> None:
            if new_id is not None:
                self._after_change(new_id, f"Action #{new_id} added")

        self.app.push_screen(ActionForm(), saved)

    # -- status
    def action_done(self) -> None:
        self._move("done")

    def action_start(self) -> None:
        self._move("start")

    def action_reopen(self) -> None:
        self._move("reopen")

    @work(exclusive=True, group="actions-change")
    async def _move(self, what: str) -> None:
        v = self._current()
        actor = self.app.acting_name() if v is not None else None
        if v is None or actor is None:
            return
        reason = ""
        if what == "reopen" and v.action.status in ("done", "dropped"):
            answer = await self.app.push_screen_wait(
                TextPrompt(
                    f"Reopen action #{v.action.id}",
                    f"{one_line(v.action.title)}\nWhy is it open again? The reason is kept in "
                    "its history.",
                    placeholder="e.g. the fix did not hold",
                )
            )
            if not answer:
                return
            reason = answer
        await self._set_status(v, actor, MOVES[what], reason)

    async def _set_status(self, v: ActionView, actor: str, status: str, reason: str = "") -> bool:
        """Move the action along; offer to close its suggestion if that was the last one."""
        a = v.action
        try:
            outcome = actions.set_status(self.app.store, actor, a.id or 0, status, reason)
        except (UserError, StoreError) as exc:
            self.app.say_refused(exc)
            return False
        message = outcome.message[:1].upper() + outcome.message[1:]
        finished = status in ("done", "dropped")
        self._after_change(a.id, f"{message}: {one_line(a.title)}", follow=not finished)
        if outcome.suggestion_ready:
            await self._offer_to_close(actor, outcome.suggestion_ready)
        return True

    async def _offer_to_close(self, actor: str, suggestion_id: int) -> None:
        try:
            s = backlog.get(self.app.store, suggestion_id)
        except (UserError, StoreError) as exc:
            self.app.say_refused(exc)
            return
        question = (
            f"That was the last open action of suggestion #{s.id} '{one_line(s.title)}'. "
            "Mark the suggestion done?"
        )
        if not await self.app.push_screen_wait(Confirm(question, yes="Mark it done", no="Not now")):
            return
        try:
            backlog.set_status(
                self.app.store, actor, suggestion_id, "done", "all its actions are done"
            )
        except (UserError, StoreError) as exc:
            self.app.say_refused(exc)
            return
        self.reload()
        self.app.say(f"Suggestion #{s.id} is done: {one_line(s.title)}")

    @work(exclusive=True, group="actions-change")
    async def action_drop(self) -> None:
        v = self._current()
        actor = self.app.acting_name() if v is not None else None
        if v is None or actor is None:
            return
        a = v.action
        if a.status not in LIVE:
            self.app.say_refused(
                UserError(f"action #{a.id} is {a.status}; only open actions can be dropped")
            )
            return
        reason = ""
        while True:
            reason = await self.app.push_screen_wait(
                TextPrompt(
                    f"Drop action #{a.id}",
                    f"{one_line(a.title)}\nWhy is it dropped? The reason is kept in its history.",
                    value=reason,
                    placeholder="e.g. the vendor replaced the sorter",
                )
            )
            if reason is None:
                return
            if await self._set_status(v, actor, "dropped", reason):
                return
            # Refused: ask again with what was typed (if it can still be dropped at all).
            again = self._current()
            if again is None or again.action.status not in LIVE:
                return

    # -- owner and due date
    @work(exclusive=True, group="actions-change")
    async def action_reassign(self) -> None:
        v = self._current()
        actor = self.app.acting_name() if v is not None else None
        if v is None or actor is None:
            return
        a = v.action
        person_id = await self.app.push_screen_wait(
            PersonPicker(
                f"Reassign action #{a.id}",
                current=a.owner_id,
                note=f"{one_line(a.title)}\nNow with {one_line(v.owner)}. Who takes it on?",
            )
        )
        if person_id is None:
            return
        if person_id == a.owner_id:
            self.app.say(f"{v.owner} already owns action #{a.id}: nothing changed")
            return
        try:
            fresh = actions.get(self.app.store, a.id or 0)  # as it is now, not as listed
            updated = actions.action_from_input(self.app.store, {"owner": f"#{person_id}"}, fresh)
            actions.update(self.app.store, actor, updated, expect_version=fresh.version)
        except (UserError, ValidationError, StoreError) as exc:
            self.app.say_refused(exc)
            return
        owner = self.app.store.get(Person.TABLE, person_id) or {}
        self._after_change(a.id, f"Action #{a.id} is now with {one_line(owner.get('name', '?'))}")

    @work(exclusive=True, group="actions-change")
    async def action_due(self) -> None:
        v = self._current()
        actor = self.app.acting_name() if v is not None else None
        if v is None or actor is None:
            return
        a = v.action
        now = self.app.clock()
        if a.due:
            was = describe_day(date.fromisoformat(a.due), self.today)
        else:
            was = "no due date"

        def check(text: str) -> tuple[str, str]:
            preview = due_preview(text, now)
            if preview.plain.startswith("→"):
                return "", preview.plain
            return preview.plain, ""

        typed = ""
        while True:
            typed = await self.app.push_screen_wait(
                TextPrompt(
                    f"Due date of action #{a.id}",
                    f"{one_line(a.title)}\nNow: {was}. Type a new date, or leave it empty "
                    "for no due date.",
                    value=typed,
                    placeholder="e.g. fri · in 2 weeks · end of month · 30/11/2026",
                    check=check,
                    required=False,
                )
            )
            if typed is None:
                return
            try:
                fresh = actions.get(self.app.store, a.id or 0)  # as it is now, not as listed
                updated = actions.action_from_input(
                    self.app.store, {"due": typed}, fresh, now_=now, dayfirst=dayfirst()
                )
                actions.update(self.app.store, actor, updated, expect_version=fresh.version)
            except ValidationError as exc:
                self.app.say_refused(exc)
                continue  # ask again with what was typed
            except (UserError, StoreError) as exc:
                self.app.say_refused(exc)
                return
            break
        if updated.due:
            shown = describe_day(date.fromisoformat(updated.due), self.today)
            self._after_change(a.id, f"Action #{a.id} is now due {shown}")
        else:
            self._after_change(a.id, f"Action #{a.id} has no due date now")
