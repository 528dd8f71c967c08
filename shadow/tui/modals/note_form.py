"""The quick note box: what you saw on a visit, from your side of it."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Label, TextArea

from shadow.core import notes
from shadow.core.backlog import BacklogError
from shadow.core.models import OBSERVATION_KINDS, Observation, Person, ValidationError
from shadow.core.plain import check_text, reader_for, replacement
from shadow.core.store import now_iso

from ..commands import Command, bindings
from ..widgets.field import Field, choice_field
from ..widgets.jargon import JargonPanel
from .base import HELP_COMMAND
from .form import FormModal, value_of


class NoteForm(FormModal):
    """A note on one visit by ``author`` (their side is recorded). Dismisses with its id."""

    FORM_TITLE = "Note"
    HELP = (
        "Write down what you saw on the visit. The note is marked with your side (IT "
        "or library) and shown in that side's column on the visit page. Notes by IT "
        "staff are read by the library side, so IT jargon is pointed out under the "
        "box as you type, and notes by library staff are read by IT, so library terms "
        "(ILS, MARC, holds shelf ...) are, with plain words to use instead (ctrl+r puts "
        "them in for the first term; ctrl+z undoes). A card number, email address or "
        "phone number is pointed out too: patron details do not belong in notes. "
        "Nothing is blocked."
    )
    COMMAND_LIST = (
        Command("save", "Save", "Check and save the note", key="ctrl+s"),
        Command(
            "plain_words",
            "Use plain words",
            "Replace the first term the plain-language check points out with its plain words",
            key="ctrl+r",
            short="Plain words",
        ),
        Command("cancel", "Cancel", "Close without saving (asks if you typed anything)", "escape"),
        HELP_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)
    DEFAULT_CSS = """
    NoteForm .note-as {
        color: $text-muted;
        width: 100%;
        margin-bottom: 1;
    }
    """

    def __init__(
        self,
        visit_id: int | str,
        where: str,
        author: Person,
        kind: str = "",
        *,
        note: Observation | None = None,
    ) -> None:
        """``visit_id``: a visit or one occurrence (``20@2026-12-16``); ``note``: the author's
        own note to correct (else a new note is written)."""
        super().__init__(note)
        self.visit_id = visit_id
        self.where = where
        self.author = author
        kind = note.kind if note is not None else kind
        self.kind = kind if kind in OBSERVATION_KINDS else OBSERVATION_KINDS[0]

    @property
    def checked(self) -> bool:
        """Every note is checked: for the other side's reader (see ``reader``)."""
        return True

    @property
    def reader(self) -> str:
        """Notes by IT staff are read by the library side, and the other way round."""
        return reader_for(self.author.side)

    def heading(self) -> str:
        if self.editing:
            return f"Edit note #{self.record.id} on {self.where}"
        return f"Note on {self.where}"

    FORM_CLASS = "note-form"

    def compose_lead(self) -> ComposeResult:
        side = "IT side" if self.author.side == "it" else "Library side"
        reader = (
            "read by the library: IT jargon is pointed out"
            if self.reader == "library"
            else "read by IT: library terms are pointed out"
        )
        yield Label(f"As {self.author.name} · {side} ({reader})", classes="note-as", markup=False)

    def compose_below_fields(self) -> ComposeResult:
        yield JargonPanel(id="jargon")

    def fields(self) -> list[Field]:
        start = self.record.text if self.record is not None else ""
        text = TextArea(start, id="text", placeholder="What did you see?")
        note = Field("text", "Note", text)
        text.compact = False  # the box is the point of this dialog: let it show
        text.styles.height = 10  # room to write (app.tcss sizes form text boxes; inline wins)
        return [
            note,
            choice_field("kind", "Kind", [(k, k) for k in OBSERVATION_KINDS], self.kind),
        ]

    def read_values(self) -> dict[str, Any]:
        return {name: value_of(self.field(name).widget) for name in ("text", "kind")}

    def build(self, values: dict[str, Any]) -> Observation:
        obs = Observation(
            visit_id=self.visit_id if isinstance(self.visit_id, int) else None,
            author_id=self.author.id,
            side=self.author.side,
            kind=values["kind"],
            text=values["text"].strip(),
            at=now_iso(),
        )
        try:
            obs.validate()
        except ValidationError as exc:
            errors = {k: v for k, v in exc.errors.items() if k in ("text", "kind")}
            if errors:
                raise ValidationError(errors) from None
        return obs

    def write(self, actor: str, record: Observation) -> int:
        try:
            if self.editing:
                notes.edit_observation(
                    self.app.store,
                    self.author,
                    self.record.id,
                    text=record.text,
                    kind=record.kind,
                    expect_version=self.expect_version,
                )
                return self.record.id
            return notes.observe(
                self.app.store,
                self.author,
                self.visit_id,
                record.text,
                record.kind,
                now=self.app.clock(),
            )
        except BacklogError as exc:
            raise ValidationError({"visit": str(exc)}) from None

    @property
    def text_area(self) -> TextArea:
        return self.query_one("#text", TextArea)

    @on(TextArea.Changed, "#text")
    def _check_plain(self) -> None:
        self.query_one(JargonPanel).check(
            self.text_area.text, enabled=self.checked, reader=self.reader
        )

    def action_plain_words(self) -> None:
        area = self.text_area
        findings = check_text(area.text, reader=self.reader) if self.checked else []
        if not findings:
            self.app.say("No jargon to replace")
            return
        begin, finish, words = replacement(area.text, findings[0])
        start = area.document.get_location_from_index(begin)
        end = area.document.get_location_from_index(finish)
        area.replace(words, start, end)
        area.focus()
