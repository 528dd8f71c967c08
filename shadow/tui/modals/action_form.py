"""Add a follow-up action: what, who, by when, and the suggestion it follows up."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from textual import on, work
from textual.content import Content
from textual.widgets import Input, Label, TextArea

from shadow.core import actions, dates, directory
from shadow.core.dates import DateError
from shadow.core.directory import DirectoryError
from shadow.core.models import Action, Suggestion
from shadow.core.settings import dayfirst

from ..commands import Command, bindings
from ..widgets.due import describe_day
from ..widgets.field import Field, text_field
from ..widgets.jargon import JargonPanel
from ..widgets.literal import one_line
from .form import FormModal, value_of
from .pickers import RecordPicker, suggestion_search

DUE_EXAMPLES = "e.g. fri · in 2 weeks · end of month · 30/11/2026"
READ_STYLE = "bold $text-success"
PROBLEM_STYLE = "$text-warning"


def due_preview(text: str, now: datetime) -> Content:
    """How a typed due date reads as of ``now`` (or why it cannot be read), for the line
    under the box."""
    text = text.strip()
    if not text:
        return Content.styled(f"Optional: {DUE_EXAMPLES}", "$text-muted")
    try:
        day = dates.parse_day(text, now_=now, dayfirst=dayfirst())
    except DateError as exc:
        return Content.styled(str(exc), PROBLEM_STYLE)
    today = now.date()
    return Content.styled(f"→ {describe_day(day, today)}", READ_STYLE)


class ActionForm(FormModal):
    """A new action. Dismisses with its id, or None if cancelled."""

    FORM_TITLE = "Action"
    HELP = (
        "Add a follow-up action: what is to be done (title), who does it (owner: a "
        "name from the directory, completed as you type; right arrow accepts), by when "
        "(a phrase like 'fri' or 'in 2 weeks'; the line under it shows the day it was "
        "read as) and the suggestion it follows up (its number, e.g. 12, or ctrl+l to "
        "search the suggestions by title). Save with "
        "ctrl+s; problems are shown under their field and what you typed is kept."
    )
    COMMAND_LIST = (
        *FormModal.COMMAND_LIST[:1],
        Command(
            "pick_suggestion",
            "Find suggestion",
            "Search the suggestions by title or number and fill in the one it follows up",
            key="ctrl+l",
        ),
        *FormModal.COMMAND_LIST[1:],
    )
    BINDINGS = bindings(COMMAND_LIST)

    def __init__(
        self,
        *,
        suggestion_id: int | None = None,
        owner: str = "",
    ) -> None:
        super().__init__(None)
        self.suggestion_id = suggestion_id
        self.owner = owner

    def fields(self) -> list[Field]:
        store = self.app.store
        names = [p.name for p in directory.people(store, active_only=True)]
        notes = TextArea("", id="notes")
        notes.styles.height = 4
        return [
            text_field("title", "Title", placeholder="What is to be done"),
            text_field(
                "owner",
                "Owner",
                self.owner,
                hint=" ",
                choices=names,
                placeholder="Who does it (a name; completes as you type)",
            ),
            text_field("due", "Due", hint=" ", placeholder=DUE_EXAMPLES),
            text_field(
                "suggestion",
                "Suggestion",
                str(self.suggestion_id or ""),
                hint=" ",
                placeholder="Its number, e.g. 12 (ctrl+l: search by title)",
            ),
            Field("notes", "Notes", notes),
            JargonPanel(id="privacy"),  # card numbers, emails, phone numbers: pointed out
        ]

    def on_mount(self) -> None:
        super().on_mount()
        for name in ("owner", "due", "suggestion"):
            self._preview(name, value_of(self.field(name).widget))

    def read_values(self) -> dict[str, Any]:
        return {
            name: value_of(self.field(name).widget)
            for name in ("title", "owner", "due", "suggestion", "notes")
        }

    def build(self, values: dict[str, Any]) -> Action:
        return actions.action_from_input(
            self.app.store, values, now_=self.app.clock(), dayfirst=dayfirst()
        )

    def write(self, actor: str, record: Action) -> int:
        return actions.add(self.app.store, actor, record)

    @work(exclusive=True, group="action-form-pick")
    async def action_pick_suggestion(self) -> None:
        """The picker (by title or number, case and accents ignored) fills the field."""
        box = self.field("suggestion").widget
        typed = value_of(box).strip()
        chosen = await self.app.push_screen_wait(
            RecordPicker(
                "Which suggestion does it follow up?",
                suggestion_search(self.app.store),
                value="" if typed.lstrip("#").isdigit() else typed,
            )
        )
        if chosen is not None:
            box.value = chosen
            box.focus()

    # -- what the typed text reads as, live
    def set_hint(self, name: str, content: Content) -> None:
        self.field(name).query_one(".field-hint", Label).update(content)

    @on(TextArea.Changed, "#notes")
    def _check_private(self, event: TextArea.Changed) -> None:
        self.query_one(JargonPanel).check(event.text_area.text, enabled=False)

    @on(Input.Changed, "#owner")
    @on(Input.Changed, "#due")
    @on(Input.Changed, "#suggestion")
    def _typed(self, event: Input.Changed) -> None:
        if event.input.id:
            self._preview(event.input.id, event.value)

    def _preview(self, name: str, text: str) -> None:
        if name == "due":
            content = due_preview(text, self.app.clock())
        elif name == "owner":
            content = self._owner_preview(text)
        else:
            content = self._suggestion_preview(text)
        if self.field(name).error and not content.plain.startswith("→"):
            content = Content("")  # the error line under the box says it already
        self.set_hint(name, content)

    def _owner_preview(self, text: str) -> Content:
        if not text.strip():
            return Content.styled("Who does it: anyone in the directory", "$text-muted")
        try:
            person = directory.find_person(self.app.store, text)
        except DirectoryError:
            return Content("")  # the error (if any) is shown on saving
        detail = ", ".join(x for x in (person.role, person.team) if x)
        return Content.styled(
            f"→ {one_line(person.name)}" + (f" ({one_line(detail)})" if detail else ""),
            READ_STYLE,
        )

    def _suggestion_preview(self, text: str) -> Content:
        ref = text.strip().lstrip("#")
        if not ref:
            return Content.styled("Every action follows up a suggestion", "$text-muted")
        doc = (
            self.app.store.get(Suggestion.TABLE, int(ref))
            if ref.isascii() and ref.isdigit()
            else None
        )
        if doc is None:
            return Content.styled(f"No suggestion #{ref}", PROBLEM_STYLE)
        return Content.styled(
            f"→ #{ref} {one_line(doc.get('title', ''))} ({doc.get('status', '')})", READ_STYLE
        )
