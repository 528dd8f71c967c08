"""Book a visit, or move one, reading the dates and checking conflicts as you type.

Both dialogs ask the core on every change (debounced): the form shows how it
read the date phrase (``Tue 24 Nov 2026 10:00–12:00, every other week``), each
field's problem under the field, and the conflicts: hard ones (someone in two
places) block saving; soft ones (outside opening hours, over capacity, …) need
a reason and a second "Save anyway".

(Over 500 lines: the booking form and the conflict dialog it opens share the live checks.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Generic, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Input, Label, OptionList, Select, TextArea
from textual.widgets.option_list import Option

from shadow.core import dates, directory, schedule
from shadow.core.dates import DateError, format_duration, format_span, from_iso
from shadow.core.directory import DirectoryError
from shadow.core.models import (
    VISIT_KINDS,
    Department,
    Person,
    UserError,
    ValidationError,
)
from shadow.core.programmes import active as active_programmes
from shadow.core.schedule import Conflict, ConflictsFound, Occurrence, ScheduleError
from shadow.core.settings import dayfirst
from shadow.core.store import StoreError

from ..commands import Command, bindings
from ..loading import Loader
from ..widgets.conflict_list import ConflictList
from ..widgets.field import Field, choice_field, text_field, text_fields
from ..widgets.literal import select_options
from .base import HELP_COMMAND, Confirm
from .form import FormModal, value_of

R = TypeVar("R")

DEBOUNCE_SECONDS = 0.3
SLOT_COUNT = 5
WHEN_EXAMPLES = "e.g. tue 10:00 · tomorrow 9am · 24/11/2026 14:00"
NO_CONFLICTS = "No conflicts: everyone is free, and the department is open and has room."
SUMMARY_STYLE = "bold $text-success"


def typed_moment(value: datetime) -> str:
    """A start as text the date reader takes back unambiguously (ISO day, 24-hour time)."""
    return f"{value:%Y-%m-%d %H:%M}"


@dataclass
class Checked:
    """What the last check found."""

    errors: dict[str, str] = field(default_factory=dict)
    summary: str = ""  # the interpreted date (and repeat), "" when it cannot be read
    conflicts: list[Conflict] | None = None  # None: not checked (the fields have errors)
    result: Any = None  # what saving needs (a Booking; a (when, length) pair)

    @property
    def hard(self) -> list[Conflict]:
        return [c for c in self.conflicts or () if c.hard]

    @property
    def soft(self) -> list[Conflict]:
        return [c for c in self.conflicts or () if not c.hard]


class ConflictForm(FormModal, Generic[R]):
    """A form whose values are checked live against the calendar.

    A FormModal (its fields, errors under them, dirty tracking and the discard question
    are the shared ones); what differs is the saving: subclasses give ``fields()``
    (Fields named like the core's input keys), ``read_values()``, ``evaluate(values) ->
    Checked`` and ``commit(actor, checked, force, reason)`` (writes; returns what the
    dialog dismisses with), and the checks run as you type, not only on save.
    """

    COMMAND_LIST = (
        Command(
            "save", "Save", "Check and save (asks for a reason if there are warnings)", "ctrl+s"
        ),
        Command("cancel", "Cancel", "Close without saving (asks if you typed anything)", "escape"),
        HELP_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)
    FORM_TITLE = "Visit"
    FULL_HEIGHT = False
    SUMMARY_FIELD = "when"
    SAVE_LABEL = "Save (ctrl+s)"

    DEFAULT_CSS = """
    ConflictForm #conflicts-title {
        text-style: bold;
        padding: 0 1;
        margin-top: 1;
    }
    ConflictForm #conflicts-box {
        height: auto;
        max-height: 6;
    }
    ConflictForm #form-note {
        width: 100%;
        padding: 0 1;
        margin-bottom: 1;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.submitted = False  # after a save attempt every field's problem shows
        self.checked = Checked()
        self._edited: set[str] = set()
        self._timer: Timer | None = None
        self._saving = False
        # A check reads the calendar around the time (0.1-0.2 s at 150,000 records) and
        # a save checks again as it writes: on a large calendar both run in a thread.
        calendar_size = lambda: self.app.store.size_hint("visits")  # noqa: E731
        self._checks: Loader[Checked] = Loader(
            self, self._evaluated, self._show_result, size=calendar_size, name="conflicts"
        )
        self._saves: Loader[Any] = Loader(
            self, lambda job: self.commit(*job), lambda _: None, size=calendar_size, name="save"
        )

    # -- for subclasses (besides FormModal's fields() and read_values())
    def evaluate(self, values: dict[str, Any]) -> Checked:
        raise NotImplementedError

    def commit(self, actor: str, checked: Checked, force: bool, reason: str) -> R:
        raise NotImplementedError

    def heading(self) -> str:
        return self.FORM_TITLE

    def build(self, values: dict[str, Any]) -> Any:
        raise NotImplementedError("a ConflictForm saves through evaluate() and commit()")

    def note(self) -> str:
        """A line under the heading (what is being changed)."""
        return ""

    def compose_extra_buttons(self) -> ComposeResult:
        yield from ()

    def compose_after(self, name: str) -> ComposeResult:
        """Widgets to place right after a field."""
        yield from ()

    def hint_for_summary(self) -> str:
        return WHEN_EXAMPLES

    # -- layout
    def compose_dialog(self) -> ComposeResult:
        box = Vertical(classes="dialog form conflict-form")
        body = VerticalScroll(classes="form-body")
        if self.FULL_HEIGHT:
            # Fields scroll; the conflicts, the reason and the buttons stay in view.
            # (Inline styles: app.tcss sizes .dialog and .form-body for every form.)
            box.styles.height = "100%"
            body.styles.height = "1fr"
            body.styles.max_height = "100%"
        with box:
            yield Label(self.heading(), classes="dialog-title", markup=False)
            if self.note():
                yield Label(self.note(), id="form-note", markup=False)
            with body:
                for f in self.fields():
                    yield f
                    yield from self.compose_after(f.field_name)
            yield Label("", id="conflicts-title", markup=False)
            with VerticalScroll(id="conflicts-box"):
                yield ConflictList(id="conflicts")
            yield text_field(
                "reason", "Reason", placeholder="why the warnings are acceptable (kept)"
            )
            yield Label("", id="form-message", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.SAVE_LABEL, variant="primary", id="save")
                yield from self.compose_extra_buttons()
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self._initial = self.read_values()
        self.field("reason").display = False
        self.query_one("#conflicts-title").display = False
        self.query_one("#conflicts-box").display = False
        self.query_one(ConflictList).show(None)
        self.check_now()
        # FormModal.on_mount runs next: it keeps the same values and calls focus_first.

    def focus_first(self) -> None:
        """The first field still empty (else the first field)."""
        for f in self.query(Field):
            if f.field_name != "reason" and not value_of(f.widget):
                f.widget.focus()
                break
        else:
            self.query(Field).first().widget.focus()

    # -- fields
    def field_names(self) -> list[str]:
        return [f.field_name for f in self.query(Field) if f.field_name != "reason"]

    def set_hint(self, name: str, text: str | Content) -> None:
        hints = self.field(name).query(".field-hint")
        if hints:
            hints.first(Label).update(text)

    @property
    def touched(self) -> set[str]:
        values = self.read_values()
        initial = self._initial or {}
        return self._edited | {k for k, v in values.items() if v != initial.get(k)}

    # -- live checking
    def value_changed(self, event: Message) -> None:
        if not isinstance(event, Input.Changed | Select.Changed | TextArea.Changed):
            return
        name = event.control.id or ""
        if self._initial is None:
            return
        if name == "reason":
            self.field("reason").set_error(None)
            return
        if name not in self._initial:
            return
        if value_of(event.control) != self._initial.get(name):
            self._edited.add(name)
        self.schedule_check()

    def schedule_check(self) -> None:
        self._stop_timer()
        self._timer = self.set_timer(DEBOUNCE_SECONDS, self.check_now)

    def check_now(self) -> None:
        """Ask the core now and show what it says (on a large calendar, when it has)."""
        self._stop_timer()
        self._checks.load(self.read_values())

    def _stop_timer(self) -> None:
        """No debounced check pending any more (one runs now)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _evaluated(self, values: dict[str, Any]) -> Checked:
        try:
            return self.evaluate(values)
        except (UserError, StoreError) as exc:
            return Checked(errors={"": str(exc)})

    def _show_result(self, checked: Checked) -> None:
        self.checked = checked
        self.show_checked(checked)

    def show_checked(self, checked: Checked) -> None:
        names = self.field_names()
        visible = set(names) if self.submitted else self.touched
        for name in names:
            self.field(name).set_error(checked.errors.get(name) if name in visible else None)
        stray = [v if not k else f"{k}: {v}" for k, v in checked.errors.items() if k not in names]
        notices = getattr(checked.result, "notices", None) or []
        if checked.summary and notices:  # accepted, but said: e.g. a visit in the past
            self.set_hint(
                self.SUMMARY_FIELD,
                Content.assemble(
                    (f"= {checked.summary}", SUMMARY_STYLE), ("  ⚠ " + notices[0], "$warning")
                ),
            )
        elif checked.summary:
            self.set_hint(self.SUMMARY_FIELD, Content.styled(f"= {checked.summary}", SUMMARY_STYLE))
        else:
            self.set_hint(self.SUMMARY_FIELD, self.hint_for_summary())
        conflicts = self.query_one(ConflictList)
        conflicts.show(checked.conflicts, clear=NO_CONFLICTS)
        title = self.query_one("#conflicts-title", Label)
        title.display = checked.conflicts is not None
        self.query_one("#conflicts-box").display = checked.conflicts is not None
        hard, soft = len(checked.hard), len(checked.soft)
        if checked.conflicts:
            parts = []
            if hard:
                parts.append(f"{hard} to fix")
            if soft:
                parts.append(f"{soft} warning{'' if soft == 1 else 's'}")
            title.update(f"Conflicts: {', '.join(parts)}")
        else:
            title.update("Conflicts")
        self.field("reason").display = bool(checked.soft)
        message = "; ".join(stray)
        if checked.hard:
            count = len(checked.hard)
            message = (
                f"Cannot save: {'a conflict' if count == 1 else f'{count} conflicts'} "
                "(in red) must be fixed first: change the time or the people."
            )
        self.query_one("#form-message", Label).update(message)

    # -- saving (FormModal's save button and Enter call this)
    @work(group="save")  # (not exclusive: a second ctrl+s must not orphan a save under way)
    async def action_save(self) -> None:
        if self._saving:
            return
        self._saving = True
        try:
            await self._save()
        finally:
            self._saving = False

    async def _save(self) -> None:
        self.submitted = True
        self._stop_timer()
        checked = await self._checks.fetch(self.read_values())
        self._show_result(checked)
        if checked.errors:
            for name in self.field_names():
                if name in checked.errors:
                    target = self.field(name)
                    target.widget.focus()
                    self.call_after_refresh(target.scroll_visible, animate=False)
                    break
            return
        if checked.conflicts is None:
            return
        if checked.hard:
            self.query_one(ConflictList).scroll_visible(animate=False)
            return
        reason_input = self.query_one("#reason", Input)
        reason = reason_input.value.strip()
        if checked.soft and not reason:
            reason_field = self.field("reason")
            reason_field.set_error("give a reason to save despite the warnings")
            reason_input.focus()
            self.call_after_refresh(reason_field.scroll_visible, animate=False)
            return
        actor = self.app.acting_name()
        if actor is None:
            return
        if checked.soft:
            count = len(checked.soft)
            first = checked.soft[0].message
            more = f" (and {count - 1} more)" if count > 1 else ""
            question = (
                f"Save despite {'a warning' if count == 1 else f'{count} warnings'}?\n\n"
                f"{first}{more}\n\nReason: {reason}"
            )
            if not await self.app.push_screen_wait(
                Confirm(question, yes="Save anyway", no="Back to the form")
            ):
                return
        try:
            force = bool(checked.soft)
            result = await self._saves.fetch((actor, checked, force, reason if force else ""))
        except ConflictsFound as exc:
            # The calendar changed since the last check (another person, another process).
            self.checked = Checked(
                summary=checked.summary, conflicts=exc.conflicts, result=checked.result
            )
            self.show_checked(self.checked)
            self.query_one("#form-message", Label).update(
                f"Not saved: the calendar changed meanwhile. {exc}"
            )
            return
        except (UserError, StoreError) as exc:
            self.query_one("#form-message", Label).update(f"Not saved: {exc}")
            self.app.say(str(exc), title="Not saved", severity="error")
            return
        self.dismiss(result)

    # -- cancelling
    @property
    def dirty(self) -> bool:
        if self._initial is None:
            return False
        return self.read_values() != self._initial or bool(self.query_one("#reason", Input).value)


# ---------------------------------------------------------------------- booking
class BookingForm(ConflictForm[int]):
    """Book a new visit. Dismisses with the new visit's id, or None."""

    FORM_TITLE = "Book a visit"
    FULL_HEIGHT = True
    HELP = (
        "Book a visit: the department, the IT visitors and the library hosts "
        "(comma-separated names; they complete as you type, right arrow accepts; hosts "
        "left empty are the department's own), when it starts (a phrase like 'tue 10:00' "
        "or '24/11/2026 14:00'), how long, and whether it repeats. The line under When "
        "shows how the date was read. Conflicts are checked as you type: red ones "
        "(someone in two places) must be fixed; yellow warnings can be accepted with a "
        "reason. 'Find a slot' lists the next free times for these people."
    )
    COMMAND_LIST = (
        *ConflictForm.COMMAND_LIST[:1],
        Command("find_slot", "Find a slot", "List the next free times for these people", "ctrl+f"),
        *ConflictForm.COMMAND_LIST[1:],
    )
    BINDINGS = bindings(COMMAND_LIST)

    DEFAULT_CSS = """
    BookingForm #slots {
        height: auto;
        max-height: 7;
        margin: 0 0 1 17;
    }
    BookingForm #slots-title {
        margin: 0 0 0 17;
        color: $text-muted;
    }
    """

    def __init__(
        self,
        prefill: dict[str, str] | None = None,
        *,
        day: date | None = None,
    ) -> None:
        """``day``: booked from a week-grid cell, a time typed alone falls on that day."""
        super().__init__()
        self.prefill = dict(prefill or {})
        self.day = day
        self.slots: list[tuple[datetime, datetime]] = []
        # Finding slots probes up to a thousand times (0.2-0.5 s at 150,000 records).
        self._slot_search: Loader[tuple[Department, list[tuple[datetime, datetime]]]] = Loader(
            self,
            self._find_slots,
            lambda found: self.show_slots(*found),
            size=lambda: self.app.store.size_hint("visits"),
            busy=self._looking_for_slots,
            failed=lambda error: self.query_one("#form-message", Label).update(error),
            name="slots",
        )

    def fields(self) -> list[Field]:
        store = self.app.store
        start = {"duration": "2h", "kind": "tour"} | self.prefill
        people = directory.people(store, active_only=True)
        it_names = [p.name for p in people if p.side == "it"]
        library_names = [p.name for p in people if p.side == "library"]
        dept_names = [d.name for d in directory.departments(store, active_only=True)]
        running = active_programmes(store)
        kind = start.get("kind") if start.get("kind") in VISIT_KINDS else "tour"
        text = text_fields(start)
        return [
            text("department", "Department", choices=dept_names),
            text("visitors", "Visitors", items=it_names, placeholder="IT staff, comma-separated"),
            text(
                "hosts",
                "Hosts",
                hint="Left empty: the department's own hosts",
                items=library_names,
            ),
            text("when", "When", hint=WHEN_EXAMPLES),
            text("duration", "Duration", placeholder="e.g. 90m, 2h, 1h30"),
            text(
                "end",
                "Or ends at",
                placeholder="an end time instead of the duration, e.g. 12:30",
            ),
            text(
                "repeat",
                "Repeats",
                placeholder="no; or weekly · fortnightly until 1/3/2027 · 6 times",
            ),
            choice_field("kind", "Kind", [(k, k) for k in VISIT_KINDS], kind),
            Field("purpose", "Purpose", TextArea(start.get("purpose", ""), id="purpose")),
            Field(
                "programme",
                "Programme",
                Select(
                    select_options((p.name, f"#{p.id}") for p in running),
                    prompt="(none)",
                    value=start.get("programme") or Select.NULL,
                    id="programme",
                ),
            ),
        ]

    def compose_after(self, name: str) -> ComposeResult:
        if name == "when":  # the free slots found, right under the When field
            title = Label("", id="slots-title", markup=False)
            title.display = False
            yield title
            slots = OptionList(id="slots")
            slots.display = False
            yield slots

    def compose_extra_buttons(self) -> ComposeResult:
        yield Button("Find a slot (ctrl+f)", id="find-slot")

    def read_values(self) -> dict[str, Any]:
        names = ("department", "visitors", "hosts", "when", "repeat", "kind", "purpose")
        values = {name: value_of(self.field(name).widget) for name in names}
        values["programme"] = value_of(self.field("programme").widget)
        end = value_of(self.field("end").widget).strip()
        values["end"] = end
        # A typed end wins over the duration (which keeps its default otherwise).
        values["duration"] = "" if end else value_of(self.field("duration").widget)
        return values

    def evaluate(self, values: dict[str, Any]) -> Checked:
        store = self.app.store
        self._show_default_hosts(values)
        try:
            booking = schedule.visit_from_input(
                store, values, now_=self.app.clock(), dayfirst=dayfirst(), day=self.day
            )
        except ValidationError as exc:
            return Checked(errors=exc.errors, summary=self._partial_summary(values, exc.errors))
        return Checked(summary=booking.summary, conflicts=booking.conflicts, result=booking)

    def _partial_summary(self, values: dict[str, Any], errors: dict[str, str]) -> str:
        """How the date reads even while other fields still have problems."""
        if "when" in errors:
            return ""
        try:
            start = dates.parse_when(
                values["when"], now_=self.app.clock(), dayfirst=dayfirst(), day=self.day
            )
        except DateError:
            return ""
        length = schedule.DEFAULT_DURATION
        if values.get("duration") and "duration" not in errors:
            length = dates.parse_duration(values["duration"])
        summary = format_span(start, start + length)
        if values.get("repeat") and "repeat" not in errors:
            try:
                rule = schedule.parse_repeat(values["repeat"], start, dayfirst=dayfirst())
            except ScheduleError:
                return summary
            summary += f", {schedule.describe_repeat(rule)}"
        return summary

    def _show_default_hosts(self, values: dict[str, Any]) -> None:
        hint = "Left empty: the department's own hosts"
        text = str(values.get("department") or "").strip()
        if text:
            try:
                dept = directory.find_department(self.app.store, text)
            except DirectoryError:
                dept = None
            if dept is not None:
                names = directory.names_by_id(self.app.store, Person.TABLE)
                hosts = [names.get(h, f"#{h}") for h in dept.hosts]
                if not hosts:
                    hint = f"{dept.name} has no hosts set: name at least one"
                elif str(values.get("hosts") or "").strip():
                    hint = f"{dept.name}'s own hosts: {', '.join(hosts)}"
                else:
                    hint = f"Left empty: {dept.name}'s own hosts ({', '.join(hosts)})"
        self.set_hint("hosts", hint)

    def commit(self, actor: str, checked: Checked, force: bool, reason: str) -> int:
        return schedule.book(self.app.store, actor, checked.result, force=force, reason=reason)

    # -- finding a slot
    @on(Button.Pressed, "#find-slot")
    def action_find_slot(self) -> None:
        store = self.app.store
        values = self.read_values()
        errors: dict[str, str] = {}
        dept: Department | None = None
        if not values["department"].strip():
            errors["department"] = "is needed to find a slot"
        else:
            try:
                dept = directory.find_department(store, values["department"])
            except DirectoryError as exc:
                errors["department"] = str(exc)
        visitors = self._ids(values["visitors"], "visitors", errors)
        if not visitors and "visitors" not in errors:
            errors["visitors"] = "name at least one IT visitor to find a slot"
        hosts = self._ids(values["hosts"], "hosts", errors)
        length = schedule.DEFAULT_DURATION
        if values["duration"]:
            try:
                length = dates.parse_duration(values["duration"])
            except DateError as exc:
                errors["duration"] = str(exc)
        elif values["end"]:
            errors["end"] = "leave the end empty and give a duration to find a slot"
        if errors or dept is None:
            for name, message in errors.items():
                self.field(name).set_error(message)
            first = next(n for n in self.field_names() if n in errors)
            self.field(first).widget.focus()
            return
        if not hosts:
            hosts = [h for h in dept.hosts if (store.get(Person.TABLE, h) or {}).get("active")]
        self._slot_search.load((dept, visitors, hosts, length, self.app.clock()))

    def _find_slots(
        self, job: tuple[Department, list[int], list[int], timedelta, datetime]
    ) -> tuple[Department, list[tuple[datetime, datetime]]]:
        dept, visitors, hosts, length, after = job
        found = schedule.find_slots(
            self.app.store, dept.id, visitors, hosts, length, after=after, count=SLOT_COUNT
        )
        return dept, found

    def _ids(self, text: str, name: str, errors: dict[str, str]) -> list[int]:
        ids = []
        for ref in (r.strip() for r in text.split(",")):
            if not ref:
                continue
            try:
                ids.append(directory.find_person(self.app.store, ref).id)
            except DirectoryError as exc:
                errors[name] = str(exc)
        return ids

    def _looking_for_slots(self) -> None:
        title = self.query_one("#slots-title", Label)
        title.update("Looking for free slots…")
        title.display = True

    def show_slots(self, dept: Department, slots: list[tuple[datetime, datetime]]) -> None:
        self.slots = slots
        title = self.query_one("#slots-title", Label)
        option_list = self.query_one("#slots", OptionList)
        option_list.clear_options()
        title.display = True
        if not slots:
            title.update(f"No free slot at {dept.name} in the next 60 days.")
            option_list.display = False
            return
        title.update(f"Next free slots at {dept.name} (enter picks one):")
        option_list.add_options(
            Option(format_span(a, b), id=str(i)) for i, (a, b) in enumerate(slots)
        )
        option_list.display = True
        option_list.highlighted = 0
        option_list.focus()
        self.call_after_refresh(option_list.scroll_visible, animate=False)

    @on(OptionList.OptionSelected, "#slots")
    def _slot_picked(self, event: OptionList.OptionSelected) -> None:
        start, end = self.slots[int(event.option.id or 0)]
        self.field("when").widget.value = typed_moment(start)
        self.field("duration").widget.value = format_duration(end - start)
        self.field("end").widget.value = ""
        self.query_one("#slots", OptionList).display = False
        self.query_one("#slots-title", Label).display = False
        self.field("when").widget.focus()
        self.check_now()


# ---------------------------------------------------------------------- rescheduling
class RescheduleForm(ConflictForm[str]):
    """Move one visit (or one occurrence of a series). Dismisses with what happened, or None."""

    FORM_TITLE = "Move a visit"
    HELP = (
        "Move a visit to a new time, keeping its record, notes and history. The line "
        "under When shows how the date was read; conflicts are checked as you type. "
        "For a visit that repeats, only this occurrence moves."
    )

    def __init__(self, occurrence: Occurrence, what: str) -> None:
        super().__init__()
        self.occurrence = occurrence
        self.what = what
        occ = occurrence
        if occ.series_id is not None:
            self.target: int = occ.series_id
            self.on: date | None = from_iso(occ.original).date()
        else:
            self.target = occ.visit.id or 0
            self.on = None

    def heading(self) -> str:
        return f"Move visit #{self.occurrence.key}"

    def note(self) -> str:
        occ = self.occurrence
        text = f"Now: {format_span(occ.start, occ.end)} · {self.what}"
        if occ.series_id is not None:
            text += (
                "\nThis visit repeats: only this occurrence moves; the rest of the series stays."
            )
        return text

    def fields(self) -> list[Field]:
        occ = self.occurrence
        return [
            text_field("when", "When", typed_moment(occ.start), hint=WHEN_EXAMPLES),
            text_field(
                "duration",
                "Duration",
                format_duration(occ.end - occ.start),
                placeholder="e.g. 90m, 2h, 1h30",
            ),
        ]

    def read_values(self) -> dict[str, Any]:
        return {name: value_of(self.field(name).widget) for name in ("when", "duration")}

    def evaluate(self, values: dict[str, Any]) -> Checked:
        errors: dict[str, str] = {}
        when: datetime | None = None
        length: timedelta | None = None
        try:
            when = dates.parse_when(values["when"], now_=self.app.clock(), dayfirst=dayfirst())
        except DateError as exc:
            errors["when"] = str(exc)
        try:
            length = dates.parse_duration(values["duration"])
        except DateError as exc:
            errors["duration"] = str(exc)
        if when is None:
            return Checked(errors=errors)
        shown = length or (self.occurrence.end - self.occurrence.start)
        summary = format_span(when, when + shown)
        if errors:
            return Checked(errors=errors, summary=summary)
        conflicts = schedule.reschedule_conflicts(
            self.app.store, self.target, when, length, on=self.on
        )
        return Checked(summary=summary, conflicts=conflicts, result=(when, length))

    def commit(self, actor: str, checked: Checked, force: bool, reason: str) -> str:
        when, length = checked.result
        return schedule.reschedule(
            self.app.store,
            actor,
            self.target,
            when,
            length,
            on=self.on,
            force=force,
            reason=reason,
            # a visit moved by someone else since this opened is refused, not moved again
            expect_version=self.occurrence.visit.version if self.on is None else None,
        )
