"""First run on an empty database: load the sample programme or start empty."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from ..commands import Command, bindings
from .base import HELP_COMMAND, ShadowModal


class FirstRunModal(ShadowModal[str]):
    """Dismisses with "sample" or "empty"."""

    DIALOG_TITLE = "Welcome"
    HELP = (
        "This database has no people and no departments yet. Load the sample "
        "programme (a fictional library with its IT staff) to look around, or start "
        "empty and add your own directory."
    )
    COMMAND_LIST = (
        Command(
            "pick('sample')", "Load the sample programme", "Fill the database with the sample", "s"
        ),
        Command("pick('empty')", "Start empty", "Begin with an empty directory", key="e,escape"),
        HELP_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)

    def compose_dialog(self) -> ComposeResult:
        with Vertical(classes="dialog first-run"):
            yield Label("Welcome to shadow", classes="dialog-title")
            yield Static(self.HELP, markup=False)
            with Horizontal(classes="buttons"):
                yield Button(
                    "Load the sample programme", variant="primary", id="sample", classes="pick"
                )
                yield Button("Start empty", id="empty", classes="pick")

    def action_cancel(self) -> None:
        self.dismiss("empty")
