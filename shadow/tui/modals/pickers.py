"""Small dialogs: pick one of a few choices, pick one record by searching, or type one short
answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.suggester import Suggester
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..commands import Command, bindings
from .base import HELP_COMMAND, R, ShadowModal


class ChoiceModal(ShadowModal[str]):
    """Choose one of ``choices`` ((label, value) pairs). Dismisses with the value, or None.

    ``current`` is marked as such and highlighted first.
    """

    DEFAULT_CSS = """
    ChoiceModal .choice {
        width: 64;
    }
    ChoiceModal OptionList {
        height: auto;
        max-height: 12;
        margin-top: 1;
    }
    ChoiceModal .choice-note {
        color: $text-muted;
        margin-top: 1;
    }
    """
    HELP = "Up and down move, enter chooses, escape changes nothing."
    COMMAND_LIST = (
        Command("cancel", "Cancel", "Change nothing", key="escape"),
        HELP_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)

    def __init__(
        self,
        title: str,
        choices: Sequence[tuple[str, str]],
        *,
        current: str | None = None,
        note: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.current = current
        self.note = note

    def compose_dialog(self) -> ComposeResult:
        with Vertical(classes="dialog choice"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            options = []
            for label, value in self.choices:
                prompt = Content(label)
                if value == self.current:
                    prompt = Content.assemble(prompt, ("  (now)", "$text-muted"))
                options.append(Option(prompt, id=value))
            yield OptionList(*options, id="choices")
            if self.note:
                yield Static(self.note, classes="choice-note", markup=False)

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        values = [value for _, value in self.choices]
        option_list.highlighted = values.index(self.current) if self.current in values else 0
        option_list.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class TextPrompt(ShadowModal[str]):
    """Ask for one line of text. Dismisses with it (stripped), or None.

    ``check`` is called as the user types and on enter: it returns
    ``(error, preview)``; an error is shown under the box and stops enter, a
    preview (e.g. the title of the suggestion a typed number names) is shown
    there instead.
    """

    DEFAULT_CSS = """
    TextPrompt .prompt {
        width: 72;
    }
    TextPrompt #prompt-error {
        color: $error;
        width: 100%;
    }
    TextPrompt #prompt-preview {
        color: $text-muted;
        width: 100%;
    }
    """
    HELP = "Type the answer and press enter; escape changes nothing."

    def __init__(
        self,
        title: str,
        question: str = "",
        *,
        value: str = "",
        placeholder: str = "",
        check: Callable[[str], tuple[str, str]] | None = None,
        suggester: Suggester | None = None,
        required: bool = True,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.value = value
        self.placeholder = placeholder
        self.check = check
        self.suggester = suggester
        self.required = required

    def compose_dialog(self) -> ComposeResult:
        with Vertical(classes="dialog prompt"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            if self.question:
                yield Static(self.question, markup=False)
            yield Input(
                self.value, placeholder=self.placeholder, suggester=self.suggester, id="answer"
            )
            yield Label("", id="prompt-error", markup=False)
            yield Label("", id="prompt-preview", markup=False)

    def on_mount(self) -> None:
        self.query_one("#answer", Input).focus()
        if self.value:
            self._show(self.value, final=False)

    def _show(self, text: str, *, final: bool) -> bool:
        error, preview = "", ""
        if self.check is not None and text.strip():
            error, preview = self.check(text.strip())
        elif final and self.required and not text.strip():
            error = "Type an answer (or press escape to change nothing)."
        self.query_one("#prompt-error", Label).update(error if (final or text.strip()) else "")
        self.query_one("#prompt-preview", Label).update("" if error else preview)
        return not error

    @on(Input.Changed, "#answer")
    def _changed(self, event: Input.Changed) -> None:
        self._show(event.value, final=False)

    @on(Input.Submitted, "#answer")
    def _submitted(self, event: Input.Submitted) -> None:
        if self._show(event.value, final=True):
            self.dismiss(event.value.strip())


def picker_commands(noun: str = "") -> tuple[Command, ...]:
    """A picker's keys; ``noun`` names what it picks in their titles and help."""
    return (
        Command(
            "choose", "Choose", f"Choose the highlighted {noun or 'one'}", "enter", footer=False
        ),
        Command("cancel", "Cancel", "Change nothing", key="escape"),
        Command("cursor_down", f"Next {noun}".strip(), "Move down the list", "down", footer=False),
        Command("cursor_up", f"Previous {noun}".strip(), "Move up the list", "up", footer=False),
        HELP_COMMAND,
    )


class RecordPicker(ShadowModal[R]):
    """Pick one record by typing part of its title or its number: ``search(typed)`` gives
    ``(value, label)`` pairs (the core does the matching: case and accents ignored).
    Dismisses with the chosen value (``pick`` turns it into the result), or None.

    The one home of choosing a record from a searched list: "merge into", "follows up",
    a department's page, and people (``PersonPicker``, the identity dialog)."""

    SEARCH_ID = "record-search"
    LIST_ID = "record-list"
    EMPTY_ID = "record-empty"

    DEFAULT_CSS = """
    RecordPicker .picker {
        width: 80;
    }
    RecordPicker OptionList {
        height: auto;
        max-height: 14;
        margin-top: 1;
    }
    RecordPicker #record-empty {
        color: $text-muted;
    }
    """
    HELP = (
        "Type part of a title or a number to narrow the list, up and down to move, enter to "
        "choose; escape changes nothing."
    )
    COMMAND_LIST = picker_commands()
    BINDINGS = bindings(COMMAND_LIST)

    def __init__(
        self,
        title: str,
        search: Callable[[str], Sequence[tuple[str, Content | str]]],
        *,
        note: str = "",
        placeholder: str = "Type part of the title, or its number",
        value: str = "",
        empty: str = "Nothing matches.",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.search = search
        self.note = note
        self.placeholder = placeholder
        self.value = value
        self.empty = empty

    def compose_dialog(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            if self.note:
                yield Static(self.note, markup=False)
            yield Input(self.value, placeholder=self.placeholder, id=self.SEARCH_ID)
            yield OptionList(id=self.LIST_ID)
            yield Label("", id=self.EMPTY_ID, markup=False)

    def on_mount(self) -> None:
        self._fill(self.value)
        self.query_one(f"#{self.SEARCH_ID}", Input).focus()

    def _fill(self, typed: str) -> None:
        found = self.search(typed)
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        option_list.add_options(
            [Option(label if isinstance(label, Content) else Content(label), id=value)
             for value, label in found]
        )  # fmt: skip
        if found:
            option_list.highlighted = 0
        empty = "" if found else self.empty_text(typed.strip())
        self.query_one(f"#{self.EMPTY_ID}", Label).update(empty)

    def empty_text(self, typed: str) -> str:
        """What to say when nothing is listed (``typed``: the search, if any)."""
        return self.empty

    def pick(self, value: str) -> None:
        """Dismiss with the chosen option's value (a subclass may convert it)."""
        self.dismiss(value)  # type: ignore[arg-type]

    @on(Input.Changed)
    def _search(self, event: Input.Changed) -> None:
        if event.input.id == self.SEARCH_ID:
            self._fill(event.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == self.SEARCH_ID:
            self.action_choose()

    def action_choose(self) -> None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is None:
            return
        self.pick(option_list.get_option_at_index(option_list.highlighted).id or "")

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.pick(event.option.id or "")


def suggestion_search(
    store, *, exclude: Sequence[int] = ()
) -> Callable[[str], list[tuple[str, Content]]]:
    """A :class:`RecordPicker` search over the suggestions (``backlog.search``)."""
    from shadow.core import backlog
    from shadow.core.plain import count

    def search(typed: str) -> list[tuple[str, Content]]:
        return [
            (
                str(s.id),
                Content.assemble(
                    (f"#{s.id} ", "$text-muted"),
                    " ".join(s.title.split()),
                    (f"  {s.status} · {count(len(s.votes), 'vote')}", "$text-muted"),
                ),
            )
            for s in backlog.search(store, typed, exclude=exclude)
        ]

    return search
