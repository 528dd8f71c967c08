"""For a visit that repeats: change this one occurrence, or the whole series?"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from ..commands import Command, bindings
from .base import HELP_COMMAND, ShadowModal


class SeriesChoice(ShadowModal[str]):
    """Dismisses with "occurrence", "series", or None (change nothing)."""

    DIALOG_TITLE = "One occurrence or the whole series?"
    HELP = (
        "This visit repeats. Choose whether the change applies to this one occurrence "
        "(the rest of the series stays as it is) or to the whole series. Nothing "
        "changes until you choose."
    )
    COMMAND_LIST = (
        Command("pick('occurrence')", "This occurrence", "Change only this occurrence", key="o"),
        Command("pick('series')", "Whole series", "Change every occurrence of the series", key="s"),
        Command("cancel", "Neither", "Change nothing", key="escape,n"),
        HELP_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)

    def __init__(self, message: str, *, verb: str, keep: str = "Change nothing") -> None:
        super().__init__()
        self.message = message
        self.verb = verb
        self.keep = keep

    def compose_dialog(self) -> ComposeResult:
        box = Vertical(classes="dialog series-choice")
        box.styles.width = 100  # three buttons (app.tcss sizes .dialog; inline styles win)
        with box:
            yield Label(self.DIALOG_TITLE, classes="dialog-title")
            yield Label(self.message, id="confirm-message", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(
                    f"{self.verb} this occurrence (o)",
                    variant="warning",
                    id="occurrence",
                    classes="pick",
                )
                yield Button(
                    f"{self.verb} the whole series (s)",
                    variant="error",
                    id="series",
                    classes="pick",
                )
                yield Button(f"{self.keep} (esc)", id="keep")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed, "#keep")
    def action_cancel(self) -> None:
        self.dismiss(None)
