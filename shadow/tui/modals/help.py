"""Help for the screen underneath: what it is for, and its keys."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Label, Static

from ..commands import Command, bindings
from .base import ShadowModal


class HelpScreen(ShadowModal[None]):
    """Lists the keys of ``screen`` (and the app-wide ones) with what they do."""

    DIALOG_TITLE = "Help"
    HELP = "This help. Press escape to go back."
    COMMAND_LIST = (Command("cancel", "Close help", "Back to where you were", key="escape,q"),)
    BINDINGS = bindings(COMMAND_LIST)

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.for_screen = screen
        self.screen_commands: list[Command] = list(getattr(screen, "COMMAND_LIST", ()))
        app = screen.app
        self.app_commands: list[Command] = (
            list(app.app_commands()) if hasattr(app, "app_commands") else []
        )
        # Textual stops the key chain at a dialog: there only priority keys (and the
        # palette) reach the app's commands.
        self.in_dialog = isinstance(screen, ModalScreen)
        if self.in_dialog:
            own = {c.title for c in self.screen_commands}
            self.app_commands = [c for c in self.app_commands if c.title not in own]
        self.title_text = (
            getattr(screen, "help_title", None)
            or getattr(screen, "AREA_TITLE", None)
            or type(screen).__name__
        )
        self.purpose = (getattr(screen, "HELP", None) or "").strip()

    def _key(self, command: Command, app_wide: bool) -> str:
        if not command.shown_key:
            return "palette"
        if app_wide and self.in_dialog and not command.priority:
            return "palette"
        return command.shown_key

    def _table(self, commands: list[Command], app_wide: bool = False) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(style="dim")
        for command in commands:
            table.add_row(
                Text(self._key(command, app_wide)), Text(command.title), Text(command.help)
            )
        return table

    def compose_dialog(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Label(f"Help: {self.title_text}", classes="dialog-title", markup=False)
            with VerticalScroll():
                if self.purpose:
                    yield Static(self.purpose, classes="help-purpose", markup=False)
                if self.screen_commands:
                    yield Label("On this screen", classes="help-heading")
                    yield Static(self._table(self.screen_commands))
                if self.app_commands:
                    yield Label("Everywhere", classes="help-heading")
                    yield Static(self._table(self.app_commands, app_wide=True))
                yield Static(
                    "ctrl+p opens the command palette: every command above, searchable. "
                    'Commands marked "palette" have no key of their own.',
                    classes="help-purpose",
                    markup=False,
                )
            yield Button("Close", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)
