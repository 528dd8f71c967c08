"""Who are you? Choose the acting person (every change records its author)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from shadow.core import directory
from shadow.core.models import SIDE_LABELS, Department

from ..commands import Command, bindings
from .base import HELP_COMMAND, ShadowModal
from .person_form import PersonForm


class IdentityModal(ShadowModal[int | None]):
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
            yield Input(placeholder="Type to search", id="who-search")
            yield OptionList(id="who-list")
            yield Label("", id="who-empty", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Add myself", variant="primary", id="add-myself")
                yield Button("Not now", id="not-now")

    def on_mount(self) -> None:
        self._fill("")
        if self.query_one(OptionList).option_count:
            self.query_one("#who-search", Input).focus()
        else:
            self.query_one("#add-myself", Button).focus()

    def _fill(self, query: str) -> None:
        store = self.app.store
        depts = directory.names_by_id(store, Department.TABLE)
        needle = query.casefold().strip()
        options = []
        for person in directory.people(store, active_only=True):
            where = depts.get(person.department_id, "") if person.department_id else ""
            detail = ", ".join(x for x in (person.role, where or person.team) if x)
            haystack = f"{person.name}\n{detail}".casefold()
            if needle and needle not in haystack:
                continue
            prompt = Text(person.name)
            prompt.append(f"  {SIDE_LABELS.get(person.side, person.side)}", style="dim")
            if detail:
                prompt.append(f" · {detail}", style="dim")
            options.append(Option(prompt, id=str(person.id)))
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        option_list.add_options(options)
        if options:
            option_list.highlighted = 0
        empty = self.query_one("#who-empty", Label)
        if options:
            empty.update("")
        elif needle:
            empty.update("Nobody matches; add yourself if you are not in the directory.")
        else:
            empty.update("The directory is empty: add yourself to begin.")

    @on(Input.Changed, "#who-search")
    def _search(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#who-search")
    def _submitted(self) -> None:
        self.action_choose()

    def action_choose(self) -> None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is None:
            return
        option = option_list.get_option_at_index(option_list.highlighted)
        self.dismiss(int(option.id))

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id))

    @on(Button.Pressed, "#not-now")
    def _not_now(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#add-myself")
    def action_add_myself(self) -> None:
        def added(person_id: int | None) -> None:
            if person_id is not None:
                self.dismiss(person_id)

        self.app.push_screen(PersonForm(self_register=True), added)
