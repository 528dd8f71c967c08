"""Pick one person from the directory: type to narrow, up/down to move, enter to choose."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from shadow.core import directory
from shadow.core.models import SIDE_LABELS, Department

from ..commands import Command, bindings
from .base import HELP_COMMAND, ShadowModal


class PersonPicker(ShadowModal[int]):
    """Dismisses with the chosen (active) person's id, or None. ``current`` is marked.

    The one home of choosing a person from a list; the identity dialog builds on it."""

    SEARCH_ID = "picker-search"
    EMPTY_ID = "picker-empty"

    DEFAULT_CSS = """
    PersonPicker .picker {
        width: 72;
    }
    PersonPicker OptionList {
        height: auto;
        max-height: 14;
        margin-top: 1;
    }
    PersonPicker #picker-empty {
        color: $text-muted;
    }
    """
    HELP = "Type to narrow the list, up and down to move, enter to choose; escape changes nothing."
    COMMAND_LIST = (
        Command("choose", "Choose", "Choose the highlighted person", key="enter", footer=False),
        Command("cancel", "Cancel", "Change nothing", key="escape"),
        Command("cursor_down", "Next person", "Move down the list", key="down", footer=False),
        Command("cursor_up", "Previous person", "Move up the list", key="up", footer=False),
        HELP_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)

    def __init__(self, title: str, *, current: int | None = None, note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.current = current
        self.note = note

    @property
    def help_title(self) -> str:
        return self.title_text

    def compose_dialog(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            if self.note:
                yield Static(self.note, markup=False)
            yield Input(placeholder="Type a name, role or team", id="picker-search")
            yield OptionList(id="picker-list")
            yield Label("", id="picker-empty", markup=False)

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(f"#{self.SEARCH_ID}", Input).focus()

    def _fill(self, query: str) -> None:
        store = self.app.store
        depts = directory.names_by_id(store, Department.TABLE)
        needle = query.strip()
        options = []
        for person in directory.people(store, active_only=True):
            where = depts.get(person.department_id, "") if person.department_id else ""
            detail = ", ".join(x for x in (person.role, where or person.team) if x)
            if not directory.matches(needle, person.name, detail):
                continue
            prompt = Text(person.name)
            prompt.append(f"  {SIDE_LABELS.get(person.side, person.side)}", style="dim")
            if detail:
                prompt.append(f" · {detail}", style="dim")
            if person.id == self.current:
                prompt.append("  (now)", style="bold")
            options.append(Option(prompt, id=str(person.id)))
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        option_list.add_options(options)
        if options:
            option_list.highlighted = 0
        empty = "" if options else self.empty_text(needle)
        self.query_one(f"#{self.EMPTY_ID}", Label).update(empty)

    def empty_text(self, needle: str) -> str:
        """What to say when no one is listed (``needle``: the search, if any)."""
        return "Nobody matches."

    @on(Input.Changed)
    def _search(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_choose()

    def action_choose(self) -> None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is None:
            return
        option = option_list.get_option_at_index(option_list.highlighted)
        self.dismiss(int(option.id or 0))

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))
