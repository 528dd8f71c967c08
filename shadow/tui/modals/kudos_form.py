"""Kudos: thank someone publicly (read out at the next meeting)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import on
from textual.widgets import SelectionList, TextArea
from textual.widgets.selection_list import Selection

from shadow.core import notes
from shadow.core.backlog import BacklogError
from shadow.core.models import SIDE_LABELS, Kudos, Person, ValidationError

from ..widgets.field import Field
from ..widgets.jargon import JargonPanel
from .form import FormModal, value_of


class KudosForm(FormModal):
    """Kudos from ``author`` to each ticked person. Dismisses with the last kudos' id."""

    FORM_TITLE = "Kudos"
    HELP = (
        "Praise someone publicly: kudos are read out at the next meeting. Tick who "
        "is thanked (space ticks and unticks; each gets their own kudos) and say "
        "what for. Save with ctrl+s."
    )
    DEFAULT_CSS = """
    KudosForm SelectionList {
        height: auto;
        max-height: 8;
    }
    """

    def __init__(
        self,
        author: Person,
        candidates: Sequence[Person],
        chosen: set[int],
        text: str = "",
        *,
        where: str = "",
        visit_id: int | str | None = None,
        observation_id: int | None = None,
    ) -> None:
        """``visit_id``: a visit or one occurrence (``20@2026-12-16``)."""
        super().__init__(None)
        self.author = author
        self.candidates = list(candidates)
        self.chosen = set(chosen)
        self.text = text
        self.where = where
        self.visit_id = visit_id
        self.observation_id = observation_id
        self.saved: list[int] = []

    def heading(self) -> str:
        return f"Kudos for {self.where}" if self.where else "Kudos"

    def fields(self) -> list[Field]:
        people = SelectionList[int](
            *(
                Selection(
                    Text.assemble(p.name, (f"  {SIDE_LABELS.get(p.side, p.side)}", "dim")),
                    p.id,
                    p.id in self.chosen,
                )
                for p in self.candidates
            ),
            id="to",
        )
        text = TextArea(self.text, id="text")
        return [
            Field("to", "Thank", people, hint="Space ticks or unticks; one kudos each"),
            Field("text", "For", text),
            JargonPanel(id="privacy"),  # card numbers, emails, phone numbers: pointed out
        ]

    def on_mount(self) -> None:
        # (FormModal.on_mount runs after this one and focuses the first field.)
        self.call_after_refresh(self._focus_text)

    def _focus_text(self) -> None:
        if self.chosen:
            self.query_one("#text", TextArea).focus()

    def read_values(self) -> dict[str, Any]:
        return {
            "to": sorted(self.query_one("#to", SelectionList).selected),
            "text": value_of(self.query_one("#text", TextArea)),
        }

    def build(self, values: dict[str, Any]) -> Kudos:
        errors: dict[str, str] = {}
        if not values["to"]:
            errors["to"] = "Tick who is thanked"
        k = Kudos(
            to_id=values["to"][0] if values["to"] else None,
            from_id=self.author.id,
            text=values["text"].strip(),
            visit_id=None,  # (the visit is checked and attached by the core on saving)
            observation_id=self.observation_id,
        )
        try:
            k.validate()
        except ValidationError as exc:
            if "text" in exc.errors:
                errors["text"] = exc.errors["text"]
        if errors:
            raise ValidationError(errors)
        return k

    def write(self, actor: str, record: Kudos) -> int:
        store = self.app.store
        people = {p.id: p for p in self.candidates}
        last = 0
        for person_id in self.read_values()["to"]:
            if person_id in self.saved:
                continue  # saved before a later one failed
            try:
                kid = notes.give_kudos(
                    store,
                    self.author,
                    people[person_id],
                    record.text,
                    visit_id=self.visit_id,
                    observation_id=self.observation_id,
                    now=self.app.clock(),
                )
            except BacklogError as exc:
                raise ValidationError({"to": str(exc)}) from None
            self.saved.append(person_id)
            last = kid
        return last

    @on(TextArea.Changed, "#text")
    def _check_private(self, event: TextArea.Changed) -> None:
        self.query_one(JargonPanel).check(event.text_area.text, enabled=False)

    @on(SelectionList.SelectedChanged)
    def _to_changed(self) -> None:
        if self.query_one("#field-to", Field).error and self.read_values()["to"]:
            self.query_one("#field-to", Field).set_error(None)
