"""Who are you? Choose the acting person (every change records its author)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Static

from ..commands import Command, bindings
from .base import HELP_COMMAND
from .person_form import PersonForm
from .person_picker import PersonPicker


class IdentityModal(PersonPicker):
    """Dismisses with the chosen person's id, or None when the user escapes."""

    DIALOG_TITLE = "Who are you?"
    HELP = (
        "Choose who you are. Every change in shadow records its author, so nothing "
        "can be changed until you choose. Type to narrow the list, up/down to move, "
        "enter to choose. Not listed? Add yourself. The choice is remembered for this "
        "database on this computer."
    )
    COMMAND_LIST = (
        Command("choose", "Choose", "Act as the highlighted person", key="enter", footer=False),
        Command("add_myself", "Add myself", "Add yourself to the directory", key="ctrl+n"),
        Command("cancel", "Not now", "Look around without choosing", key="escape"),
        Command("cursor_down", "Next person", "Move down the list", key="down", footer=False),
        Command("cursor_up", "Previous person", "Move up the list", key="up", footer=False),
        HELP_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)

    def compose_dialog(self) -> ComposeResult:
        with Vertical(classes="dialog identity"):
            yield Label("Who are you?", classes="dialog-title")
            yield Static(
                "Every change records its author. Choose yourself from the directory.",
                markup=False,
            )
            yield Input(placeholder="Type to search", id=self.SEARCH_ID)
            yield OptionList(id=self.LIST_ID)
            yield Label("", id=self.EMPTY_ID, markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Add myself", variant="primary", id="add-myself")
                yield Button("Not now", id="not-now")

    SEARCH_ID = "who-search"
    LIST_ID = "who-list"
    EMPTY_ID = "who-empty"

    def __init__(self) -> None:
        super().__init__(self.DIALOG_TITLE)

    def on_mount(self) -> None:
        self._fill("")
        if self.query_one(OptionList).option_count:
            self.query_one(f"#{self.SEARCH_ID}", Input).focus()
        else:
            self.query_one("#add-myself", Button).focus()

    def empty_text(self, typed: str) -> str:
        if typed:
            return "Nobody matches; add yourself if you are not in the directory."
        return "The directory is empty: add yourself to begin."

    @on(Button.Pressed, "#not-now")
    def _not_now(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#add-myself")
    def action_add_myself(self) -> None:
        def added(person_id: int | None) -> None:
            if person_id is not None:
                self.dismiss(person_id)

        self.app.push_screen(PersonForm(self_register=True), added)
