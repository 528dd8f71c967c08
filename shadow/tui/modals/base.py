"""The base for every dialog, and the yes/no confirmation."""

from __future__ import annotations

from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label

from ..commands import Command, bindings

R = TypeVar("R")

# App bindings do not reach into dialogs (Textual stops the binding chain at a
# modal screen), so every dialog declares its own help key.
HELP_COMMAND = Command(
    "app.help",
    "Help",
    "What this dialog is for, and its keys",
    key="f1,question_mark",
    key_display="f1",
)


class ShadowModal(ModalScreen[R]):
    """A dialog: escape closes it (dismissing with None), ? opens its help."""

    COMMAND_LIST: tuple[Command, ...] = (
        Command("cancel", "Close", "Close this dialog", key="escape"),
        HELP_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)
    DIALOG_TITLE = "Dialog"

    @property
    def help_title(self) -> str:
        """What the help screen calls this dialog."""
        return self.DIALOG_TITLE

    def compose(self) -> ComposeResult:
        yield from self.compose_dialog()
        yield Footer()

    def compose_dialog(self) -> ComposeResult:
        yield from ()

    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(ShadowModal[bool]):
    """Ask a yes/no question. Dismisses with True only for an explicit yes."""

    HELP = "Confirm or cancel the change described. Nothing happens until you choose."
    DIALOG_TITLE = "Confirm"
    COMMAND_LIST = (
        Command("confirm", "Yes", "Go ahead with the change", key="y"),
        Command("cancel", "No", "Cancel: change nothing", key="n,escape"),
        HELP_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)

    def __init__(self, message: str, *, yes: str = "Yes", no: str = "Cancel") -> None:
        super().__init__()
        self.message = message
        self.yes = yes
        self.no = no

    def compose_dialog(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Label(self.message, id="confirm-message", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.yes, variant="warning", id="yes")
                yield Button(self.no, id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed, "#yes")
    def action_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_cancel(self) -> None:
        self.dismiss(False)
