"""One action in full: who, by when, where it came from, its notes and every change."""

from __future__ import annotations

from datetime import date

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Label, Static

from shadow.core import actions, dates, directory
from shadow.core.actions import ActionView
from shadow.core.models import Action, Person, UserError
from shadow.core.store import StoreError

from .. import palette
from ..commands import Command, bindings
from ..palette import rich
from ..widgets.due import describe_day
from ..widgets.literal import history_content, one_line, visible
from .base import HELP_COMMAND, ShadowModal
from .pickers import TextPrompt
from .wait import wait_content


class ActionDetail(ShadowModal[str]):
    """Dismisses with the name of what to do next ("done", "drop", ...), or None."""

    DIALOG_TITLE = "Action"
    HELP = (
        "An action in full: its owner, due date, status (and why, when dropped), the "
        "suggestion or visit it follows up, whose turn it is, its notes and every change "
        "made to it. "
        "The keys act on it straight from here; n adds a line to its notes."
    )
    COMMAND_LIST = (
        Command("pick('done')", "Done", "Mark it done", key="d"),
        Command("pick('start')", "Start", "Mark it in progress", key="s"),
        Command("pick('drop')", "Drop", "Drop it (asks why)", key="x"),
        # spare: at 80 columns the footer keeps the steps of an open action and its notes
        Command("pick('reopen')", "Reopen", "Open it again", key="o", spare=True),
        Command("pick('reassign')", "Reassign", "Give it to someone else", key="r", spare=True),
        Command("pick('due')", "Due date", "Change the due date", key="u", spare=True),
        Command("pick('wait')", "Waiting on", "Mark it waiting on library, IT or vendor", key="t"),
        Command("pick('resume')", "Resume", "It no longer waits on anyone", key="g", spare=True),
        Command("add_note", "Add note", "Add a line to its notes (kept in its history)", key="n"),
        Command("cancel", "Close", "Back to the actions", key="escape,q"),
        HELP_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)
    DEFAULT_CSS = """
    ActionDetail VerticalScroll {
        height: auto;
    }
    ActionDetail .detail-heading {
        text-style: bold;
        color: $accent;
        margin-top: 1;
        width: 100%;
    }
    ActionDetail Static {
        width: 100%;
    }
    """

    def __init__(self, view: ActionView, today: date) -> None:
        super().__init__()
        self.view = view
        self.today = today

    @property
    def help_title(self) -> str:
        return f"Action #{self.view.action.id}"

    def on_mount(self) -> None:
        # app.tcss sizes every .dialog; inline styles win over it.
        dialog = self.query_one(".detail")
        dialog.styles.width = 100
        dialog.styles.max_height = "90%"
        scroll = self.query_one(VerticalScroll)
        scroll.styles.max_height = "70vh"
        scroll.focus()

    def compose_dialog(self) -> ComposeResult:
        store = self.app.store
        a = self.view.action
        people = directory.names_by_id(store, Person.TABLE)
        with Vertical(classes="dialog detail"):
            yield Label(
                f"Action #{a.id}: {one_line(a.title)}",
                classes="dialog-title",
                markup=False,
                id="title",
            )
            with VerticalScroll():
                yield Static(self._facts(a), id="facts")
                yield Label("Whose turn", classes="detail-heading")
                yield Static(wait_content(store, "actions", a.id or 0), id="waiting")
                yield Label("Notes", classes="detail-heading")
                yield Static(self._notes(a), id="notes")
                yield Label("History", classes="detail-heading")
                yield Static(self._history(a, people), id="history")
            yield Button("Close", id="close")

    @staticmethod
    def _notes(a: Action) -> Content:
        if not a.notes:
            return Content.styled("none yet: n adds one", "$text-muted")
        return Content(visible(a.notes))

    @work(exclusive=True, group="action-note")
    async def action_add_note(self) -> None:
        """Ask for a line, add it through the core (as ``shadow action note``), show it here."""
        a = self.view.action
        text = await self.app.push_screen_wait(
            TextPrompt(
                f"Note on action #{a.id}",
                "A line added to its notes; the history keeps who wrote it and when.",
                placeholder="e.g. vendor says the part ships on Monday",
            )
        )
        if not text:
            return
        actor = self.app.acting_name()
        if actor is None:
            return
        try:
            updated = actions.add_note(self.app.store, actor, a.id or 0, text)
        except (UserError, StoreError) as exc:
            self.app.say(str(exc), title="Note not added", severity="error")
            return
        self.view.action = updated
        self.query_one("#notes", Static).update(self._notes(updated))
        people = directory.names_by_id(self.app.store, Person.TABLE)
        self.query_one("#history", Static).update(self._history(updated, people))
        self.app.say(f"Note added to action #{a.id}")

    def _facts(self, a: Action) -> Table:
        v = self.view
        status = Text(a.status, style=rich(palette.ACTION.get(a.status, "bold")))
        if v.overdue:
            status.append("  overdue", style="bold red")
        if a.reason:
            status.append("  why: ", style="dim")
            status.append(one_line(a.reason))
        due = describe_day(date.fromisoformat(a.due), self.today) if a.due else "—"
        rows = [
            ("Status", status),
            ("Owner", Text(one_line(v.owner))),
            ("Due", Text(due)),
            ("From", Text(one_line(v.origin) or "—")),
            ("Department", Text(one_line(v.department) or "—")),
        ]
        doc = self.app.store.get(Action.TABLE, a.id or 0) or {}
        if doc.get("created"):
            added = dates.format_moment(
                dates.from_iso(doc["created"]).astimezone(dates.local_zone())
            )
            rows.append(("Added", Text(f"{added} by {one_line(doc.get('created_by', ''))}")))
        if a.done_at:
            done = dates.format_moment(dates.from_iso(a.done_at).astimezone(dates.local_zone()))
            rows.append(("Done", Text(done)))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        for label, value in rows:
            grid.add_row(Text(label), value)
        return grid

    def _history(self, a: Action, people: dict[int, str]) -> Content:
        return history_content(self.app.store, Action.TABLE, a.id, "added")

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)
