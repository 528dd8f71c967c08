"""Raise (or edit) a suggestion for the backlog, with its priority shown as you choose."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Checkbox, Input, Label, Select, TextArea

from shadow.core import backlog, directory
from shadow.core.backlog import BacklogError
from shadow.core.models import (
    DIRECTIONS,
    LEVELS,
    RISKS,
    Observation,
    Person,
    Suggestion,
    ValidationError,
)
from shadow.core.plain import reader_of_direction

from ..palette import priority_style
from ..widgets.field import Field, choice_field, text_field
from ..widgets.jargon import JargonPanel
from .form import FormModal, value_of


class RiskChoice(Horizontal):
    """One checkbox per risk; ``value`` is the list of ticked risks."""

    DEFAULT_CSS = """
    RiskChoice {
        height: auto;
        width: 100%;
    }
    RiskChoice Checkbox {
        margin-right: 2;
    }
    """

    def __init__(self, ticked: list[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.ticked = list(ticked)

    def compose(self) -> ComposeResult:
        for risk in RISKS:
            yield Checkbox(risk, risk in self.ticked, id=f"risk-{risk}", compact=True)

    @property
    def value(self) -> list[str]:
        return [r for r in RISKS if self.query_one(f"#risk-{r}", Checkbox).value]

    def focus(self, scroll_visible: bool = True) -> RiskChoice:
        self.query_one(Checkbox).focus(scroll_visible)
        return self


def priority_content(s: Suggestion) -> Content:
    p = backlog.priority(s)
    return Content.assemble(
        ("Priority ", "bold"),
        (f"P{p} {backlog.PRIORITY_NAMES[p]}", priority_style(p)),
        "  ",
        (backlog.priority_reason(s), "$text-muted"),
    )


class SuggestionForm(FormModal):
    """A new suggestion (from a visit, maybe from one of its notes), or an edit of one.

    Dismisses with the suggestion's id, or None.
    """

    FORM_TITLE = "Suggestion"
    HELP = (
        "A suggestion for the backlog. Its priority comes from the ITIL matrix of "
        "impact x urgency (P1 critical ... P5 planning) and is shown as you choose; "
        "a financial, compliance or reputation risk raises the impact one level. "
        "Direction says who it is for: IT → library text is checked for jargon as you "
        "type (nothing is blocked). Save checks everything and shows any problem "
        "under its field; what you typed stays."
    )
    DEFAULT_CSS = """
    SuggestionForm #priority-line {
        width: 100%;
        padding: 0 1;
        margin-top: 1;
    }
    """

    def __init__(
        self,
        suggestion: Suggestion | None = None,
        *,
        visit_id: int | None = None,
        department: str = "",
        observation: Observation | None = None,
        author: Person | None = None,
    ) -> None:
        super().__init__(suggestion)
        self.visit_id = visit_id
        self.department = department
        self.observation = observation
        self.author = author

    def heading(self) -> str:
        if self.editing:
            return f"Edit suggestion #{self.record.id}"
        if self.visit_id is not None:
            if self.observation is not None:
                return f"Raise a suggestion from visit #{self.visit_id} (from the note chosen)"
            return f"Raise a suggestion from visit #{self.visit_id}"
        return "Raise a suggestion"

    FORM_CLASS = "suggestion-form"

    def compose_below_fields(self) -> ComposeResult:
        yield JargonPanel(id="jargon")

    def compose_above_message(self) -> ComposeResult:
        yield Label("", id="priority-line", markup=False)

    def _start(self) -> dict[str, Any]:
        store = self.app.store
        s = self.record
        if s is not None:
            depts = directory.names_by_id(store, "departments")
            return {
                "title": s.title,
                "description": s.description,
                "direction": s.direction,
                "department": depts.get(s.department_id, "") if s.department_id else "",
                "visit": str(s.visit_id) if s.visit_id else "",
                "impact": s.impact,
                "urgency": s.urgency,
                "risks": list(s.risks),
                "tags": ", ".join(s.tags),
            }
        side = self.author.side if self.author is not None else "it"
        return {
            "title": "",
            "description": self.observation.text if self.observation is not None else "",
            "direction": "it-to-library" if side == "it" else "library-to-it",
            "department": self.department,
            "visit": str(self.visit_id) if self.visit_id else "",
            "impact": "medium",
            "urgency": "medium",
            "risks": [],
            "tags": "",
        }

    def fields(self) -> list[Field]:
        store = self.app.store
        start = self._start()
        dept_names = [d.name for d in directory.departments(store, active_only=True)]
        # (read in place: 20,000 suggestions are not copied to open the form)
        tags = sorted({t for _, d in store.stored(Suggestion.TABLE) for t in d.get("tags", [])})
        levels = [(level, level) for level in LEVELS]
        description = TextArea(start["description"], id="description")
        return [
            text_field("title", "Title", start["title"]),
            Field("description", "Description", description),
            choice_field(
                "direction",
                "Direction",
                [(backlog.DIRECTION_LABELS[d], d) for d in DIRECTIONS],
                start["direction"],
                hint="Who it is for: IT → library is checked for jargon",
            ),
            text_field("department", "Department", start["department"], choices=dept_names),
            text_field(
                "visit",
                "Visit",
                start["visit"],
                hint="The number of the visit it came from (may be empty)",
            ),
            choice_field("impact", "Impact", levels, start["impact"]),
            choice_field("urgency", "Urgency", levels, start["urgency"]),
            Field(
                "risks",
                "Risks",
                RiskChoice(start["risks"], id="risks"),
                hint="Any risk raises the impact one level",
            ),
            text_field("tags", "Tags", start["tags"], hint="Comma-separated words", items=tags),
        ]

    def on_mount(self) -> None:
        # (FormModal.on_mount runs after this one: Textual calls each class's handler.)
        self.call_after_refresh(self._live)

    def read_values(self) -> dict[str, Any]:
        values = {
            name: value_of(self.field(name).widget)
            for name in (
                "title",
                "description",
                "direction",
                "department",
                "visit",
                "impact",
                "urgency",
                "tags",
            )
        }
        values["risks"] = self.query_one(RiskChoice).value
        return values

    def build(self, values: dict[str, Any]) -> Suggestion:
        s = backlog.suggestion_from_input(self.app.store, values, self.record)
        if self.observation is not None and self.observation.id not in s.observations:
            s.observations = [*s.observations, self.observation.id]
        return s

    def write(self, actor: str, record: Suggestion) -> int:
        store = self.app.store
        try:
            if self.editing:
                backlog.update(store, actor, record, expect_version=self.expect_version)
                return record.id
            return backlog.add(store, self.app.actor, record)
        except BacklogError as exc:
            raise ValidationError({"suggestion": str(exc)}) from None

    # -- live: the priority and the plain-language check follow what is typed
    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(TextArea.Changed)
    def _live(self) -> None:
        if self._initial is None:
            return
        values = self.read_values()
        preview = Suggestion(
            impact=values["impact"] or "medium",
            urgency=values["urgency"] or "medium",
            risks=values["risks"],
            impact_override=self.record.impact_override if self.record is not None else None,
        )
        self.query_one("#priority-line", Label).update(priority_content(preview))
        text = f"{values['title']}\n{values['description']}".strip()
        self.query_one(JargonPanel).check(text, reader=reader_of_direction(values["direction"]))
