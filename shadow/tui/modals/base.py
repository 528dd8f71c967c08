"""The base for every dialog, and the yes/no confirmation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from ..commands import Command, bindings
from ..loading import LoadsData
from ..painting import PaintedWithTheirLayout
from ..widgets.footer import ShadowFooter
from ..widgets.literal import select_options

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


class ShadowModal(LoadsData, PaintedWithTheirLayout, ModalScreen[R]):
    """A dialog: escape closes it (dismissing with None), ? opens its help."""

    COMMAND_LIST: tuple[Command, ...] = (
        Command("cancel", "Close", "Close this dialog", key="escape"),
        HELP_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)
    DIALOG_TITLE = "Dialog"
    title_text = ""  # a dialog titled when it opens sets this

    @property
    def help_title(self) -> str:
        """What the help screen calls this dialog: its title."""
        return self.title_text or self.DIALOG_TITLE

    def compose(self) -> ComposeResult:
        yield from self.compose_dialog()
        yield ShadowFooter()

    def compose_dialog(self) -> ComposeResult:
        yield from ()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_pick(self, what: str) -> None:
        """Dismiss with ``what``: a dialog whose keys (``pick('done')``) and buttons (class
        ``pick``, the id is what) each name one answer."""
        self.dismiss(what)  # type: ignore[arg-type]

    @on(Button.Pressed, ".pick")
    def _picked(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_pick(event.button.id or "")


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


ANY = "any"


class FilterModal(ShadowModal[R]):
    """A dialog of choices that narrow a list, each 'any' by default. Subclasses give the
    fields (``filter_fields()``, with ``any_select``; the first has the cursor) and say
    what the choices mean in ``chosen()``; the layout, apply, reset and cancel are the
    same everywhere."""

    COMMAND_LIST = (
        Command("apply", "Apply", "Show what matches", key="ctrl+s"),
        Command("reset", "Reset", "Set every choice back to 'any'", key="ctrl+x"),
        Command("cancel", "Cancel", "Change nothing", key="escape"),
        HELP_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)

    @staticmethod
    def any_select(name: str, options: Sequence[tuple[str, str]], value: str) -> Select:
        """A choice headed by 'any'; labels are text, never markup."""
        choices = select_options([("any", ANY), *options])
        values = {v for _, v in choices}
        return Select(choices, value=value if value in values else ANY, allow_blank=False, id=name)

    FILTER_CLASS = ""  # a CSS class of the dialog box, beside "dialog form"

    def filter_fields(self) -> ComposeResult:
        raise NotImplementedError

    def compose_dialog(self) -> ComposeResult:
        with Vertical(classes=f"dialog form {self.FILTER_CLASS}".strip()):
            yield Label(self.DIALOG_TITLE, classes="dialog-title")
            with VerticalScroll(classes="form-body"):
                yield from self.filter_fields()
            with Horizontal(classes="buttons"):
                yield Button("Apply (ctrl+s)", variant="primary", id="apply")
                yield Button("Reset (ctrl+x)", id="reset")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query(Select).first().focus()

    def value(self, name: str) -> str:
        """A field's choice, '' for any."""
        from .form import value_of

        v = value_of(self.query_one(f"#{name}"))
        return "" if v == ANY else str(v).strip()

    def chosen(self) -> R:
        raise NotImplementedError

    @on(Button.Pressed, "#apply")
    @on(Input.Submitted)
    def action_apply(self) -> None:
        self.dismiss(self.chosen())

    @on(Button.Pressed, "#reset")
    def action_reset(self) -> None:
        for select in self.query(Select):
            select.value = ANY
        for box in self.query(Input):
            box.value = ""

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
