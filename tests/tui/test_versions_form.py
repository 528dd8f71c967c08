"""No lost edits in forms: a record saved by someone else since the form opened."""

from __future__ import annotations

from textual.widgets import Button, Input, Label, Select

from shadow.core import backlog, directory
from shadow.core.models import Suggestion
from shadow.core.store import Store
from shadow.tui.app import create_app
from shadow.tui.modals.person_form import PersonForm
from shadow.tui.modals.suggestion_form import SuggestionForm

from .helpers import press_each, type_into


def _first_suggestion(store: Store) -> Suggestion:
    doc = min(store.all(Suggestion.TABLE), key=lambda d: d["id"])
    return backlog.get(store, doc["id"])


def _someone_else_changes(store: Store, sid: int, **changes) -> None:
    """Another process (its own Store on the same file) saves the suggestion."""
    other = Store(store.path)
    try:
        s = backlog.get(other, sid)
        for k, v in changes.items():
            setattr(s, k, v)
        backlog.update(other, "Ana Ruiz", s, expect_version=s.version)
    finally:
        other.close()


def _another_level(level: str) -> str:
    """A level other than ``level``, for a change someone else makes."""
    return "low" if level != "low" else "high"


def _panel_text(form) -> str:
    return "\n".join(str(label.render()) for label in form.query("#form-conflict Label"))


async def _open_form(pilot, record, cls=SuggestionForm):
    form = cls(record)
    pilot.app.push_screen(form)
    await pilot.pause()
    return form


async def _stale_save(pilot, s: Suggestion, typed: str, **changes) -> SuggestionForm:
    """Open the form on ``s``, type the title ``typed``, let someone else save ``changes`` meanwhile,
    then save (which is refused: the form is stale)."""
    form = await _open_form(pilot, s)
    assert form.expect_version == s.version
    await type_into(pilot, "#title", typed)
    _someone_else_changes(pilot.app.store, s.id, **changes)
    await press_each(pilot, "ctrl+s")
    return form


async def test_stale_save_keeps_the_form_and_apply_on_top_keeps_both(sample_store, liaison):
    s = _first_suggestion(sample_store)
    new_impact = _another_level(s.impact)
    app = create_app(sample_store, liaison)
    async with app.run_test(size=(120, 50)) as pilot:
        form = await _stale_save(pilot, s, "[red]Mine[/] title", impact=new_impact)
        # not closed, not lost: the typed title is still there, the change is explained
        assert app.screen is form
        assert form.query_one("#title", Input).value == "[red]Mine[/] title"
        shown = _panel_text(form)
        assert "Changed since you opened this:" in shown
        assert f"Ana Ruiz changed impact: {s.impact} -> {new_impact} at " in shown
        doc = sample_store.get(Suggestion.TABLE, s.id)
        assert doc["title"] == s.title and doc["impact"] == new_impact  # nothing of mine yet
        await pilot.click("#conflict-on-top")
        await pilot.pause()
        assert app.screen is not form  # saved and closed
        doc = sample_store.get(Suggestion.TABLE, s.id)
        assert doc["title"] == "[red]Mine[/] title"  # mine
        assert doc["impact"] == new_impact  # theirs, kept
        assert doc["version"] == s.version + 2


async def test_reload_takes_the_new_values_then_saves_on_the_new_version(sample_store, liaison):
    s = _first_suggestion(sample_store)
    new_urgency = _another_level(s.urgency)
    app = create_app(sample_store, liaison)
    async with app.run_test(size=(120, 50)) as pilot:
        form = await _stale_save(
            pilot, s, "Typed but reloaded", urgency=new_urgency, title="Their title"
        )
        assert form.query("#form-conflict")
        await pilot.click("#conflict-reload")
        await pilot.pause()
        assert app.screen is form
        assert not form.query("#form-conflict")
        assert form.query_one("#title", Input).value == "Their title"
        assert form.query_one("#urgency", Select).value == new_urgency
        assert form.expect_version == s.version + 1
        await type_into(pilot, "#title", "After reload")
        await press_each(pilot, "ctrl+s")
        assert app.screen is not form
        doc = sample_store.get(Suggestion.TABLE, s.id)
        assert (doc["title"], doc["urgency"], doc["version"]) == (
            "After reload",
            new_urgency,
            s.version + 2,
        )


async def test_a_second_stale_save_is_refused_again(sample_store, liaison):
    """Apply on top is itself checked: a third save in between is not overwritten."""
    s = _first_suggestion(sample_store)
    app = create_app(sample_store, liaison)
    async with app.run_test(size=(120, 50)) as pilot:
        form = await _stale_save(pilot, s, "Mine", description="first")
        _someone_else_changes(sample_store, s.id, description="second")
        await pilot.click("#conflict-on-top")
        await pilot.pause()
        assert app.screen is form
        assert "description" in _panel_text(form)
        assert sample_store.get(Suggestion.TABLE, s.id)["description"] == "second"
        await pilot.click("#conflict-on-top")
        await pilot.pause()
        doc = sample_store.get(Suggestion.TABLE, s.id)
        assert (doc["title"], doc["description"]) == ("Mine", "second")


async def test_person_form_conflict(sample_store, liaison):
    p = directory.find_person(sample_store, "Priya Raman")
    app = create_app(sample_store, liaison)
    async with app.run_test(size=(120, 50)) as pilot:
        form = await _open_form(pilot, p, PersonForm)
        await type_into(pilot, "#email", "priya@example.org")
        other = Store(sample_store.path)
        try:
            fresh = directory.find_person(other, "Priya Raman")
            fresh.team = "Night desk"
            directory.save_person(other, "Ana Ruiz", fresh)
        finally:
            other.close()
        await press_each(pilot, "ctrl+s")
        assert "Ana Ruiz changed team" in _panel_text(form)
        assert form.query_one("#conflict-on-top", Button)
        assert str(form.query_one(".conflict-hint", Label).render()).startswith("Reload takes")
        await pilot.click("#conflict-on-top")
        await pilot.pause()
        doc = sample_store.get("people", p.id)
        assert (doc["email"], doc["team"]) == ("priya@example.org", "Night desk")


async def test_moving_a_visit_someone_else_moved_is_refused(sample_store, liaison):
    from datetime import timedelta

    from shadow.core import dates, schedule
    from shadow.tui.modals.booking import RescheduleForm

    from .helpers import notifications

    now = dates.now()
    upcoming = [
        d
        for d in sample_store.all("visits")
        if not d.get("rrule") and not d.get("series_id") and d["status"] in ("requested", "confirmed")
        and dates.from_iso(d["start"]) > now + timedelta(days=1)
    ]  # fmt: skip
    vid = upcoming[0]["id"]
    occ = schedule.get_occurrence(sample_store, str(vid))
    app = create_app(sample_store, liaison)
    async with app.run_test(size=(120, 50)) as pilot:
        form = RescheduleForm(occ, "test")
        app.push_screen(form)
        await pilot.pause()
        other = Store(sample_store.path)
        try:
            schedule.reschedule(
                other, "Ana Ruiz", vid, occ.start + timedelta(hours=1), force=True, reason="x"
            )
        finally:
            other.close()
        moved = sample_store.get("visits", vid)["start"]
        await type_into(
            pilot, "#when", dates.to_iso(occ.start + timedelta(days=1))[:16].replace("T", " ")
        )
        await pilot.pause(0.3)
        await press_each(pilot, "ctrl+s")
        assert app.screen is form  # not saved, still open
        assert any(
            f"visit #{vid} changed since version" in m and "Ana Ruiz changed" in m
            for m in notifications(pilot)
        )
        assert sample_store.get("visits", vid)["start"] == moved
