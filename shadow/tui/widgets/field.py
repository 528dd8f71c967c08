"""A labelled form field with its error line directly under it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Input, Label, Select

from .suggest import SuggestListItem, SuggestName

# Messages from the core that read as the end of a sentence about the field.
_PREDICATES = ("is ", "must ", "contains ", "lists ", "needs ", "was ")


def error_text(label: str, message: str) -> str:
    """ "Email" + "is not an email address" -> "Email is not an email address"."""
    if message.startswith(_PREDICATES):
        return f"{label} {message}"
    return message[:1].upper() + message[1:]


class Field(Horizontal):
    """The label on the left; the input, an optional hint and the error label under it."""

    def __init__(self, name: str, label: str, widget: Widget, hint: str = "") -> None:
        super().__init__(id=f"field-{name}", classes="field")
        if hasattr(widget, "compact"):
            widget.compact = True  # one line per field: a whole form fits on screen
        self.field_name = name
        self.label = label
        self.widget = widget
        self.hint = hint

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="field-label", markup=False)
        with Vertical(classes="field-input"):
            yield self.widget
            if self.hint:
                yield Label(self.hint, classes="field-hint", markup=False)
            yield Label("", classes="field-error", markup=False)

    @property
    def error_label(self) -> Label:
        return self.query_one(".field-error", Label)

    @property
    def error(self) -> str:
        return str(self.error_label.content)

    def set_error(self, message: str | None) -> None:
        text = error_text(self.label, message) if message else ""
        self.error_label.update(text)
        self.set_class(bool(message), "-invalid")


def text_field(
    name: str,
    label: str,
    value: str = "",
    *,
    hint: str = "",
    choices: Sequence[str] | None = None,
    items: Sequence[str] | None = None,
    placeholder: str = "",
) -> Field:
    """A one-line typed field, its input named like it. ``choices``: what typing completes
    to (case and accents ignored); ``items``: names completed one by one in a
    comma-separated list."""
    suggester: Suggester | None = None
    if choices is not None:
        suggester = SuggestName(choices)
    elif items is not None:
        suggester = SuggestListItem(items)
    widget = Input(value, id=name, placeholder=placeholder, suggester=suggester)
    return Field(name, label, widget, hint=hint)


def text_fields(start: Mapping[str, str]) -> Callable[..., Field]:
    """``text_field`` for a form that starts at ``start`` (a record as the text typed, or
    what was prefilled): each field's value is ``start``'s entry under its name, or empty.
    ``text = text_fields(start)``; ``text("hours", "Opening hours", hint=...)``."""

    def make(name: str, label: str, **options: Any) -> Field:
        return text_field(name, label, start.get(name, ""), **options)

    return make


def choice_field(
    name: str, label: str, options: Sequence[tuple[str, str]], value: str, *, hint: str = ""
) -> Field:
    """A choice of one of ``options`` ((label, value) pairs; never blank), its Select named
    like it."""
    return Field(name, label, Select(options, value=value, allow_blank=False, id=name), hint=hint)
