"""A host's survey: what they expect of IT's communication, and what they experienced."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Label, Select

from shadow.core import dates, directory, surveys
from shadow.core.models import (
    SURVEY_DIMENSIONS,
    SURVEY_PHASES,
    Department,
    Person,
    Survey,
    ValidationError,
    Visit,
)
from shadow.core.surveys import SurveyError

from ..widgets.field import Field, choice_field
from ..widgets.literal import one_line, select_options
from .form import FORM_ERROR, FormModal, value_of

SCORE_HINT = "1 = not at all … 5 = fully"


def dimension_key(dimension: str) -> str:
    """A widget-id-safe name for a survey dimension (``follow-through`` -> ``follow_through``)."""
    return "".join(c if c.isalnum() else "_" for c in dimension)


class ScorePair(Horizontal):
    """Two one-digit boxes side by side: what was expected, and what was experienced."""

    DEFAULT_CSS = """
    ScorePair {
        height: auto;
        width: 100%;
    }
    ScorePair Input {
        width: 14;
        margin-right: 2;
    }
    """

    def __init__(self, key: str) -> None:
        super().__init__(id=f"pair-{key}")
        self.key = key

    def compose(self) -> ComposeResult:
        for side in ("expect", "perceive"):
            yield Input(
                id=f"{side}-{self.key}",
                placeholder="1-5",
                restrict=r"\d?",
                max_length=1,
                compact=True,
            )

    @property
    def values(self) -> tuple[str, str]:
        return (
            self.query_one(f"#expect-{self.key}", Input).value,
            self.query_one(f"#perceive-{self.key}", Input).value,
        )

    def focus(self, scroll_visible: bool = True) -> ScorePair:
        """Focus the first box that is empty or out of range (else the first)."""
        boxes = list(self.query(Input))
        for box in boxes:
            if box.value not in ("1", "2", "3", "4", "5"):
                box.focus(scroll_visible)
                return self
        boxes[0].focus(scroll_visible)
        return self


def read_score(text: str) -> int | None:
    text = text.strip()
    return int(text) if text in ("1", "2", "3", "4", "5") else None


class SurveyForm(FormModal):
    """Record one survey answered by ``respondent``. Dismisses with the survey's id, or None."""

    FORM_TITLE = "Survey"
    HELP = (
        "How the library sees IT's communication, before visits start and after them. "
        "For each of the four questions give two scores from 1 (not at all) to 5 "
        "(fully): what you expect of IT, and what you actually experienced. The gap "
        "between them (expected minus experienced) is what the Feedback gap tab shows "
        "over time. Tie it to a visit if it was about one. Save with ctrl+s."
    )
    DEFAULT_CSS = """
    SurveyForm #score-heading {
        width: 100%;
        color: $text-muted;
        padding-left: 17;
        margin-bottom: 1;
    }
    """

    def __init__(self, respondent: Person, *, department_id: int | None = None) -> None:
        super().__init__(None)
        self.respondent = respondent
        self.department_id = department_id

    def heading(self) -> str:
        return f"Record a survey answered by {one_line(self.respondent.name)}"

    # -- layout
    def departments(self) -> list[Department]:
        return directory.departments(self.app.store, active_only=True)

    def default_department(self) -> int | None:
        ids = [d.id for d in self.departments()]
        for candidate in (self.department_id, self.respondent.department_id):
            if candidate in ids:
                return candidate
        return None

    def default_phase(self, department_id: int | None) -> str:
        """``after`` once this person has answered a ``before`` survey for the department."""
        if department_id is None:
            return "before"
        answered = self.app.store.find(
            Survey.TABLE, department_id=department_id, respondent_id=self.respondent.id
        )
        return "after" if any(d.get("phase") == "before" for d in answered) else "before"

    def visit_options(self, department_id: int | None) -> list[tuple[str, int]]:
        if department_id is None:
            return []
        found = [
            Visit.from_doc(d)
            for d in self.app.store.find(Visit.TABLE, department_id=department_id)
            if not d.get("rrule")
        ]
        found.sort(key=lambda v: v.start, reverse=True)
        out = []
        for v in found[:40]:
            start = dates.from_iso(v.start).astimezone(dates.local_zone())
            out.append((f"#{v.id} {dates.format_moment(start)} · {v.kind} · {v.status}", v.id))
        return out

    def fields(self) -> list[Any]:
        dept = self.default_department()
        out: list[Any] = [
            Field(
                "department",
                "Department",
                Select(
                    select_options((d.name, d.id) for d in self.departments()),
                    value=dept if dept is not None else Select.NULL,
                    prompt="Choose the department",
                    id="department",
                ),
            ),
            choice_field(
                "phase",
                "When",
                [("before visits (what it has been like)", "before"), ("after visits", "after")],
                self.default_phase(dept),
            ),
            Field(
                "visit",
                "Visit",
                Select(self.visit_options(dept), prompt="none (optional)", id="visit"),
            ),
            Label(
                Content.assemble(
                    ("Expected", "bold"), " " * 8, ("Experienced", "bold"), f"   {SCORE_HINT}"
                ),
                id="score-heading",
            ),
        ]
        for dimension in SURVEY_DIMENSIONS:
            key = dimension_key(dimension)
            out.append(Field(key, dimension[:1].upper() + dimension[1:], ScorePair(key)))
        return out

    def on_mount(self) -> None:
        # (FormModal.on_mount focuses the first field after this.)
        self.call_after_refresh(self._focus_first_empty)

    def _focus_first_empty(self) -> None:
        if self.query_one("#department", Select).value is Select.NULL:
            self.query_one("#department", Select).focus()
        else:
            self.query_one(ScorePair).focus()

    @on(Select.Changed, "#department")
    def _department_changed(self, event: Select.Changed) -> None:
        dept = None if event.value is Select.NULL else int(event.value)
        visit = self.query_one("#visit", Select)
        visit.set_options(self.visit_options(dept))
        if self._initial is not None and not self.dirty_scores():
            self.query_one("#phase", Select).value = self.default_phase(dept)

    def dirty_scores(self) -> bool:
        return any(any(pair.values) for pair in self.query(ScorePair))

    # -- values
    def read_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            name: value_of(self.query_one(f"#{name}", Select))
            for name in ("department", "phase", "visit")
        }
        for pair in self.query(ScorePair):
            values[pair.key] = pair.values
        return values

    def build(self, values: dict[str, Any]) -> Survey:
        errors: dict[str, str] = {}
        if values["department"] == "":
            errors["department"] = "Choose the department the survey is about"
        if values["phase"] not in SURVEY_PHASES:
            errors["phase"] = "Choose before or after visits"
        expectation: dict[str, int] = {}
        perception: dict[str, int] = {}
        for dimension in SURVEY_DIMENSIONS:
            key = dimension_key(dimension)
            expect, perceive = (read_score(v) for v in values[key])
            if expect is None or perceive is None:
                missing = [
                    what
                    for what, score in (("expected", expect), ("experienced", perceive))
                    if score is None
                ]
                errors[key] = f"Give a score from 1 to 5 for what you {' and '.join(missing)}"
                continue
            expectation[dimension], perception[dimension] = expect, perceive
        if errors:
            raise ValidationError(errors)
        return Survey(
            department_id=int(values["department"]),
            respondent_id=self.respondent.id,
            phase=values["phase"],
            visit_id=int(values["visit"]) if values["visit"] != "" else None,
            expectation=expectation,
            perception=perception,
        )

    def write(self, actor: str, record: Survey) -> int:
        try:
            return surveys.record(
                self.app.store,
                self.respondent,
                str(record.department_id),
                record.phase,
                record.expectation,
                record.perception,
                visit_id=record.visit_id,
            )
        except SurveyError as exc:
            text = str(exc)
            where = (
                "visit" if "visit" in text else "department" if "department" in text else FORM_ERROR
            )
            raise ValidationError({where: text}) from None
