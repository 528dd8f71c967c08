"""The shape shared by record forms: typed text in, core validation, errors under fields."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, TextArea

from shadow.core import history, versions
from shadow.core.models import Model, UserError, ValidationError
from shadow.core.store import StoreError
from shadow.core.versions import StaleRecord

from ..commands import Command, bindings
from ..widgets.field import Field
from .base import HELP_COMMAND, Confirm, ShadowModal

FORM_ERROR = "form"  # the key of an error that belongs to no one field


class FormModal(ShadowModal[int | None]):
    """A form for one record. Dismisses with the saved record's id, or None if cancelled.

    Subclasses build ``fields()`` (Field widgets named like the core's input keys),
    read them back in ``read_values()``, and call the core in ``build()`` (typed
    text to a model; raises ValidationError) and ``write()`` (saves; returns the id,
    passing ``expect_version=self.expect_version`` to the core).

    No lost edits: the form remembers the version of the record it opened. When someone
    else saved it since, the core refuses (``StaleRecord``); the form stays open with
    what was typed, shows who changed what beside the fields, and offers "Reload" (the
    fields take the new values) or "Apply mine on top" (the fields this person changed,
    saved over the new version).
    """

    COMMAND_LIST = (
        Command("save", "Save", "Check and save the record", key="ctrl+s"),
        Command("cancel", "Cancel", "Close without saving (asks if you typed anything)", "escape"),
        HELP_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)
    FORM_TITLE = "Record"
    DEFAULT_CSS = """
    FormModal #form-conflict {
        height: auto;
        border: round $warning;
        padding: 0 1;
        margin-top: 1;
    }
    FormModal #form-conflict .conflict-title {
        text-style: bold;
    }
    FormModal #form-conflict .conflict-hint {
        color: $text-muted;
    }
    """

    def __init__(self, record: Model | None = None) -> None:
        super().__init__()
        self.record = record
        self._initial: dict[str, Any] | None = None
        # The version opened; None for a new record (nothing to be stale against).
        self.expect_version: int | None = (
            record.version if record is not None and record.id is not None else None
        )
        self.stale: StaleRecord | None = None
        self._mine: Any = None

    # -- for subclasses
    def fields(self) -> list[Field]:
        raise NotImplementedError

    def read_values(self) -> dict[str, Any]:
        raise NotImplementedError

    def build(self, values: dict[str, Any]) -> Model:
        raise NotImplementedError

    def write(self, actor: str, record: Model) -> int:
        raise NotImplementedError

    def actor_for(self, record: Model) -> str | None:
        return self.app.acting_name()

    # -- layout
    @property
    def editing(self) -> bool:
        return self.record is not None and self.record.id is not None

    def active_field(self) -> list[Field]:
        """The "active" checkbox of a record that is retired rather than deleted (a person,
        a department): shown when editing one, read back as ``active``."""
        if not self.editing:
            return []
        box = Checkbox("active (shown in pickers)", self.record.active, id="active")
        return [Field("active", "Active", box)]

    def heading(self) -> str:
        if self.editing:
            return f"Edit {self.FORM_TITLE.lower()}: {self.record.name}"
        return f"Add {self.FORM_TITLE.lower()}"

    @property
    def help_title(self) -> str:
        return self.heading()

    # A CSS class of this form's dialog box, beside "dialog form".
    FORM_CLASS: ClassVar[str] = ""

    def compose_dialog(self) -> ComposeResult:
        with Vertical(classes=f"dialog form {self.FORM_CLASS}".strip()):
            yield Label(self.heading(), classes="dialog-title", markup=False)
            yield from self.compose_lead()
            with VerticalScroll(classes="form-body"):
                yield from self.fields()
                yield from self.compose_below_fields()
            yield from self.compose_above_message()
            yield Label("", id="form-message", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    def compose_lead(self) -> ComposeResult:
        """Lines under the title (who writes, what for); none by default."""
        yield from ()

    def compose_below_fields(self) -> ComposeResult:
        """What scrolls with the fields, under them (a jargon panel); none by default."""
        yield from ()

    def compose_above_message(self) -> ComposeResult:
        """What stays in view above the form's message line; none by default."""
        yield from ()

    def on_mount(self) -> None:
        self._initial = self.read_values()
        self.focus_first()

    def focus_first(self) -> None:
        """Where the cursor starts: the first field."""
        first = self.query(".field").first(Field)
        first.widget.focus()

    # -- fields
    def field(self, name: str) -> Field:
        return self.query_one(f"#field-{name}", Field)

    def field_names(self) -> list[str]:
        return [f.field_name for f in self.query(Field)]

    def errors_shown(self) -> dict[str, str]:
        return {f.field_name: f.error for f in self.query(Field) if f.error}

    def show_errors(self, errors: dict[str, str], *, focus: bool = True) -> None:
        names = self.field_names()
        for name in names:
            self.field(name).set_error(errors.get(name))
        # FORM_ERROR: a problem of the whole form, shown as it is (instead of the others)
        general = errors.get(FORM_ERROR, "")
        stray = [f"{k}: {v}" for k, v in errors.items() if k not in names and k != FORM_ERROR]
        self.query_one("#form-message", Label).update(general or "; ".join(stray))
        if focus:
            for name in names:
                if name in errors:
                    field = self.field(name)
                    field.widget.focus()
                    # Bring the whole field (with its error line) into view.
                    self.call_after_refresh(field.scroll_visible, animate=False)
                    break

    # -- saving
    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def _save_pressed(self) -> None:
        # (a handler of its own: Textual calls a base class's handler even when a
        # subclass overrides the method, so subclasses override action_save)
        self.action_save()

    def action_save(self) -> None:
        values = self.read_values()
        try:
            record = self.build(values)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        if self.editing and not history.changed_fields(
            self.app.store, record.TABLE, record.id, record.to_doc()
        ):
            self.app.say("Nothing changed")
            self.dismiss(None)
            return
        actor = self.actor_for(record)
        if actor is None:
            return
        self._save(actor, record)

    def _save(self, actor: str, record: Any, mine: Any = None) -> None:
        """Save ``record``; ``mine`` is what the person typed when ``record`` is that put
        on top of a newer version (a refusal then compares against what they typed)."""
        mine = record if mine is None else mine
        try:
            record_id = self.write(actor, record)
        except StaleRecord as exc:
            self.stale, self._mine = exc, mine
            self.call_later(self.show_conflict, exc, mine)
            return
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except (UserError, StoreError) as exc:
            self.app.say(str(exc), title="Not saved", severity="error")
            return
        self.dismiss(record_id)

    # -- someone else saved this record since it was opened
    async def show_conflict(self, stale: StaleRecord, mine: Any) -> None:
        """Keep the form and what was typed; say beside it who changed what since."""
        self.stale, self._mine = stale, mine
        await self.query("#form-conflict").remove()
        lines = versions.describe(self.app.store, stale.table, stale.changes) or [
            "It was changed by someone else."
        ]
        mine_fields = self.my_fields(mine)
        both = [history.field_name(f) for f in stale.fields if f in mine_fields]
        panel = Vertical(
            Label("Changed since you opened this:", classes="conflict-title"),
            *(Label(line, classes="conflict-change", markup=False) for line in lines),
            Label(
                (f"You changed {', '.join(both)} too: " if both else "")
                + "Reload takes the new values (what you typed is lost); "
                "Apply mine on top saves the fields you changed over them.",
                classes="conflict-hint",
                markup=False,
            ),
            Horizontal(
                Button("Reload", id="conflict-reload"),
                Button("Apply mine on top", variant="warning", id="conflict-on-top"),
                classes="buttons",
            ),
            id="form-conflict",
        )
        dialog = self.query_one(".dialog")
        await dialog.mount(panel, after=dialog.query_one(".form-body"))
        self.query_one("#conflict-on-top", Button).focus()

    def my_fields(self, mine: Any) -> list[str]:
        """The fields this person changed in the form (against the record opened)."""
        if isinstance(self.record, Model) and isinstance(mine, Model):
            return versions.mine_changed(self.record, mine)
        return []

    def on_top(self, stale: StaleRecord, mine: Any) -> Any:
        """What "Apply mine on top" saves: the record as it is now with the fields this
        person changed put over it. Forms whose record is not a Model override this."""
        return versions.on_top(type(self.record), stale, self.record, mine)

    async def reload(self, stale: StaleRecord) -> None:
        """Show the record as it is now (what was typed is dropped, as asked)."""
        fresh = type(self.record).from_doc(stale.current)
        fresh.id, fresh.version = stale.record_id, stale.version
        self.record = fresh
        await self.recompose()

    def _conflict_done(self) -> None:
        self.stale = self._mine = None
        for old in self.query("#form-conflict"):
            old.remove()

    @on(Button.Pressed, "#conflict-reload")
    async def action_reload(self) -> None:
        stale = self.stale
        if stale is None:
            return
        self._conflict_done()
        self.expect_version = stale.version
        await self.reload(stale)
        self._initial = self.read_values()
        self.app.say("Reloaded: the form shows the record as it is now")
        self.query(".field").first(Field).widget.focus()

    @on(Button.Pressed, "#conflict-on-top")
    def action_apply_on_top(self) -> None:
        stale, mine = self.stale, self._mine
        if stale is None:
            return
        merged = self.on_top(stale, mine)
        actor = self.actor_for(merged)
        if actor is None:
            return
        self._conflict_done()
        self.expect_version = stale.version
        self._save(actor, merged, mine)

    # -- live checks: once a field shows an error, re-check it as the user types
    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(TextArea.Changed)
    def _value_changed(self, event: Message) -> None:
        self.value_changed(event)

    def value_changed(self, event: Message) -> None:
        """A field's value changed (subclasses that check differently override this)."""
        shown = self.errors_shown()
        if not shown or self._initial is None:
            return
        try:
            self.build(self.read_values())
        except ValidationError as exc:
            errors = exc.errors
        else:
            errors = {}
        for name in shown:
            self.field(name).set_error(errors.get(name))

    # -- cancelling
    @property
    def dirty(self) -> bool:
        return self._initial is not None and self.read_values() != self._initial

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.dirty:
            self._confirm_discard()
        else:
            self.dismiss(None)

    @work(exclusive=True, group="discard")
    async def _confirm_discard(self) -> None:
        if await self.app.push_screen_wait(
            Confirm("Discard what you typed?", yes="Discard", no="Keep editing")
        ):
            self.dismiss(None)


def value_of(widget: Widget) -> Any:
    if isinstance(widget, (Input, Checkbox)):
        return widget.value
    if isinstance(widget, Select):
        return "" if widget.value is Select.NULL else widget.value
    if isinstance(widget, TextArea):
        return widget.text
    raise TypeError(widget)
