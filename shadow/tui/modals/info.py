"""A read-only page about one record, with a button or two for where to go next."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Label, Static

from ..commands import Command, bindings
from .base import HELP_COMMAND, ShadowModal


class InfoModal(ShadowModal[str]):
    """Shows ``body`` (literal Content). Dismisses with the id of the button pressed, or None.

    ``choices`` are (id, label) pairs offered as buttons besides Close.
    """

    DEFAULT_CSS = """
    InfoModal .info {
        width: 84;
    }
    InfoModal VerticalScroll {
        height: auto;
        max-height: 20;
    }
    InfoModal #info-body {
        width: 100%;
    }
    """
    HELP = "Details of one record. Escape (or q) closes it."
    COMMAND_LIST = (
        Command("cancel", "Close", "Close this page", key="escape,q"),
        HELP_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)

    def __init__(
        self, title: str, body: Content, *, choices: Sequence[tuple[str, str]] = ()
    ) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.choices = list(choices)

    def compose_dialog(self) -> ComposeResult:
        with Vertical(classes="dialog info"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            with VerticalScroll():
                yield Static(self.body, id="info-body")
            with Horizontal(classes="buttons"):
                for button_id, label in self.choices:
                    yield Button(label, id=button_id, variant="primary")
                yield Button("Close", id="info-close")

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "info-close" else event.button.id)
