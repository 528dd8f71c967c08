"""Several visits share a place in the week grid: which one?"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ..commands import Command, bindings
from .base import HELP_COMMAND, ShadowModal


class PickVisit(ShadowModal[str]):
    """Lists (key, description) pairs; dismisses with the chosen key, or None."""

    DIALOG_TITLE = "Which visit?"
    HELP = "Several visits are on this day. Choose one with up/down and enter."
    COMMAND_LIST = (
        Command("cancel", "Close", "Choose none", key="escape"),
        HELP_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)

    def __init__(self, choices: Sequence[tuple[str, str]], *, verb: str = "Open") -> None:
        super().__init__()
        self.choices = list(choices)
        self.verb = verb

    def compose_dialog(self) -> ComposeResult:
        with Vertical(classes="dialog identity pick-visit"):
            yield Label(f"{self.verb}: which visit?", classes="dialog-title", markup=False)
            yield OptionList(
                *(Option(Text(text), id=key) for key, text in self.choices), id="pick-list"
            )

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        option_list.highlighted = 0
        option_list.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
