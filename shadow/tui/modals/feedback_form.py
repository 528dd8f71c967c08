"""The rating form: how useful a visit was, would you do it again, one thing you learned.

Offered on the visit page (``f``) and right after a visit is marked completed, to the
signed-in person if they were on it. Saving again changes your own rating.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Label, Select

from shadow.core import feedback
from shadow.core.feedback import FeedbackError
from shadow.core.models import FEEDBACK_LEARNED_MAX, SIDE_LABELS, Feedback, Person, ValidationError
from shadow.core.store import now_iso

from ..widgets.field import Field
from ..widgets.jargon import JargonPanel
from .form import FormModal, value_of

RATINGS = [
    ("5 · very useful", 5),
    ("4 · useful", 4),
    ("3 · somewhat useful", 3),
    ("2 · not very useful", 2),
    ("1 · not useful", 1),
]
AGAIN = [("Yes", "yes"), ("No", "no")]


class FeedbackForm(FormModal):
    """``author``'s rating of the visit ``key`` (``12`` or ``20@2026-12-16``); dismisses with
    the rating's id."""

    FORM_TITLE = "Rating"
    HELP = (
        "Rate the visit you were on: how useful it was (1-5), whether you would do it "
        "again, and one thing you learned (optional, one line). Each person on a visit, "
        "visitor or host, rates it once; saving again changes your own rating, and only "
        "you can change it. The ratings show on the visit page and the department's card. "
        "A card number, email address or phone number in what you learned is pointed out: "
        "patron details do not belong there. Save with ctrl+s."
    )

    def __init__(
        self,
        key: str,
        where: str,
        author: Person,
        *,
        record: Feedback | None = None,
        lead: str = "",
    ) -> None:
        super().__init__(record)
        self.key = key
        self.where = where
        self.author = author
        self.lead = lead

    def heading(self) -> str:
        verb = "Change your rating of" if self.editing else "Rate"
        return f"{verb} visit #{self.key}: {self.where}"

    FORM_CLASS = "feedback-form"

    def compose_lead(self) -> ComposeResult:
        side = SIDE_LABELS.get(self.author.side, self.author.side)
        if self.lead:
            yield Label(self.lead, classes="feedback-lead", markup=False)
        yield Label(f"As {self.author.name} · {side} side", classes="note-as", markup=False)

    def compose_below_fields(self) -> ComposeResult:
        yield JargonPanel(id="privacy")

    def fields(self) -> list[Field]:
        fb = self.record
        again = "" if fb is None or fb.again is None else ("yes" if fb.again else "no")
        return [
            Field(
                "rating",
                "How useful",
                Select(
                    RATINGS,
                    value=fb.rating if fb is not None else Select.NULL,
                    prompt="Choose 1-5",
                    id="rating",
                ),
            ),
            Field(
                "again",
                "Do it again?",
                Select(AGAIN, value=again or Select.NULL, prompt="Not said", id="again"),
                hint="Optional",
            ),
            Field(
                "learned",
                "One thing I learned",
                Input(
                    fb.learned if fb is not None else "",
                    id="learned",
                    max_length=FEEDBACK_LEARNED_MAX,
                    placeholder="Optional, one line",
                ),
            ),
        ]

    def read_values(self) -> dict[str, Any]:
        return {name: value_of(self.field(name).widget) for name in ("rating", "again", "learned")}

    def build(self, values: dict[str, Any]) -> Feedback:
        errors: dict[str, str] = {}
        if values["rating"] in ("", None):
            errors["rating"] = "Choose how useful it was, 1-5"
        fb = Feedback(
            visit_id=self.record.visit_id if self.record is not None else 1,
            author_id=self.author.id,
            side=self.record.side if self.record is not None else self.author.side,
            rating=values["rating"] if values["rating"] not in ("", None) else 3,
            again={"yes": True, "no": False}.get(values["again"]),
            learned=" ".join(str(values["learned"]).split()),
            at=self.record.at if self.record is not None else now_iso(),
        )
        if self.record is not None:
            fb.id = self.record.id
        try:
            fb.validate()
        except ValidationError as exc:
            errors.update({k: v for k, v in exc.errors.items() if k in ("rating", "learned")})
        if errors:
            raise ValidationError(errors)
        return fb

    def write(self, actor: str, record: Feedback) -> int:
        again = {True: "yes", False: "no", None: ""}[record.again]
        try:
            saved, _ = feedback.rate(
                self.app.store,
                self.author,
                self.key,
                record.rating,
                again=again,
                learned=record.learned,
                now=self.app.clock(),
            )
        except FeedbackError as exc:
            raise ValidationError({"visit": str(exc)}) from None
        assert saved.id is not None
        return saved.id

    @on(Input.Changed, "#learned")
    def _check_private(self, event: Input.Changed) -> None:
        self.query_one(JargonPanel).check(event.value, enabled=False)


def offer(app, key: str, lead: str = "") -> bool:
    """Open the rating form for the signed-in person on visit ``key`` if they may rate it
    (they were on it and it took place); their own earlier rating fills it. Returns whether
    it was opened. The caller's screen reloads itself from the store change."""
    person = app.actor
    if person is None or feedback.can_rate(app.store, person, key, app.clock()):
        return False
    target = feedback.target(app.store, key)
    occ = target.occurrence
    dept = app.store.get("departments", occ.visit.department_id or 0) or {}
    from shadow.core import dates

    where = f"{dept.get('name', 'visit')}, {dates.format_span(occ.start, occ.end)}"
    mine = feedback.find(app.store, target.record_id, person.id)

    def saved(rating_id: int | None) -> None:
        if rating_id is not None:
            app.say(f"Thank you: your rating of visit #{key} is saved")

    app.push_screen(FeedbackForm(key, where, person, record=mine, lead=lead), saved)
    return True
