"""The rating form: on the visit page (g), right after a visit is marked completed, the
ratings listed on the page, and the privacy and both-ways jargon checks in the forms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Input, Select, TextArea

from shadow.core import dates, directory
from shadow.core.models import Feedback, Visit
from shadow.tui.app import create_app
from shadow.tui.modals.feedback_form import FeedbackForm
from shadow.tui.modals.note_form import NoteForm
from shadow.tui.widgets.jargon import JargonPanel

from .helpers import SIZE, notifications, open_by_key, open_visit, opened, press_on_visit, type_into
from .programme import build, person


@pytest.fixture
def programme(sample_store, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/London")
    return build(sample_store)


def ratings_text(screen) -> str:
    return str(screen.query_one("#visit-ratings").render())


async def test_rate_from_the_visit_page_and_change_it(sample_store, programme):
    ben = person(sample_store, "Ben Kowalczyk")
    app = create_app(sample_store, ben)
    async with opened(app, open_visit, programme["visit"]) as (pilot, screen):
        assert "None yet. Press g to rate" in ratings_text(screen)
        await pilot.press("g")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FeedbackForm) and not form.editing
        # Saving without a rating: the error sits under the field, nothing saved.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert form.field("rating").error == "Choose how useful it was, 1-5"
        assert sample_store.count(Feedback.TABLE) == 18  # the sample's own, of other visits
        form.query_one("#rating", Select).value = 4
        form.query_one("#again", Select).value = "yes"
        await type_into(pilot, "#learned", "The sorter [red]jams[/] at 3pm; ring 555 0134")
        await pilot.pause()
        panel = form.query_one(JargonPanel)
        assert panel.display and [f.kind for f in panel.private] == ["phone number"]
        assert "••• ••34" in str(panel.render()) and "555 0134" not in str(panel.render())
        await pilot.press("ctrl+s")  # a warning, not a refusal
        await pilot.pause()
        assert app.screen is screen
        [doc] = sample_store.find(Feedback.TABLE, visit_id=programme["visit"])
        assert (doc["rating"], doc["again"], doc["side"]) == (4, True, "it")
        assert doc["learned"] == "The sorter [red]jams[/] at 3pm; ring 555 0134"
        shown = ratings_text(screen)
        assert "1 rating, mean 4.0/5" in shown and "Ben Kowalczyk" in shown
        assert "[red]jams[/]" in shown  # user text is data, never markup
        # f again opens the same rating to change (one per person per visit).
        await pilot.press("g")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FeedbackForm) and form.editing
        assert form.query_one("#rating", Select).value == 4
        assert form.query_one("#learned", Input).value.startswith("The sorter")
        form.query_one("#rating", Select).value = 2
        await pilot.press("ctrl+s")
        await pilot.pause()
        [doc] = sample_store.find(Feedback.TABLE, visit_id=programme["visit"])
        assert doc["rating"] == 2 and doc["again"] is True
        assert "mean 2.0/5" in ratings_text(screen)


async def test_someone_not_on_the_visit_is_told_why(sample_store, programme, liaison):
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await press_on_visit(pilot, programme["visit"], "g")
        assert not isinstance(app.screen, FeedbackForm)
        assert "was not on visit" in notifications(pilot)[-1]
        # a visit still to come cannot be rated either
        chloe = person(sample_store, "Chloe Martin")
        app.set_actor(chloe, remember=False)
        with sample_store.transaction("test") as tx:
            later = dates.to_iso(dates.now() + timedelta(days=3))
            tx.update(Visit.TABLE, programme["other_visit"], {"start": later, "end": later})
        await press_on_visit(pilot, programme["other_visit"], "g")
        assert not isinstance(app.screen, FeedbackForm)
        assert "has not taken place yet" in notifications(pilot)[-1]


def _held_now(store, visitors, hosts) -> int:
    start = dates.now() - timedelta(seconds=1)
    circ = directory.find_department(store, "Circulation").id
    with store.transaction("test setup") as tx:
        return tx.insert(
            Visit.TABLE,
            Visit(department_id=circ, visitors=visitors, hosts=hosts, kind="tour",
                  start=dates.to_iso(start), end=dates.to_iso(start + timedelta(hours=2)),
                  status="confirmed", timezone="Europe/London").to_doc(),
        )  # fmt: skip


async def _complete(pilot, key):
    from shadow.tui.screens.schedule import ScheduleScreen

    screen = await open_by_key(pilot, "f3", ScheduleScreen)
    assert screen.agenda.select_id(key)
    await pilot.press("d")
    await pilot.pause()
    await pilot.pause()
    return screen


async def test_the_form_is_offered_right_after_completing(sample_store, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/London")
    ben, marcus = person(sample_store, "Ben Kowalczyk"), person(sample_store, "Marcus Webb")
    vid = _held_now(sample_store, [ben.id], [marcus.id])
    app = create_app(sample_store, marcus)  # the host marks it done
    async with app.run_test(size=SIZE) as pilot:
        await _complete(pilot, str(vid))
        assert sample_store.get("visits", vid)["status"] == "completed"
        form = app.screen
        assert isinstance(form, FeedbackForm) and form.key == str(vid)
        form.query_one("#rating", Select).value = 5
        await pilot.press("ctrl+s")
        await pilot.pause()
        [doc] = sample_store.find(Feedback.TABLE, visit_id=vid)
        assert doc["author_id"] == marcus.id and doc["side"] == "library"


async def test_a_coordinator_not_on_the_visit_is_not_offered_it(sample_store, liaison, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/London")
    ben, marcus = person(sample_store, "Ben Kowalczyk"), person(sample_store, "Marcus Webb")
    vid = _held_now(sample_store, [ben.id], [marcus.id])
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await _complete(pilot, str(vid))
        assert sample_store.get("visits", vid)["status"] == "completed"
        assert not isinstance(app.screen, FeedbackForm)


async def test_library_notes_are_checked_for_library_terms(sample_store, programme):
    marcus = person(sample_store, "Marcus Webb")
    app = create_app(sample_store, marcus)
    async with app.run_test(size=SIZE) as pilot:
        form = await press_on_visit(pilot, programme["visit"], "n")
        assert isinstance(form, NoteForm) and form.reader == "it"
        form.query_one("#text", TextArea).insert(
            "The ILS lost the holds shelf list; card 21234000567890"
        )
        await pilot.pause()
        panel = form.query_one(JargonPanel)
        assert [f.term for f in panel.findings] == ["ILS", "holds shelf"]
        assert [f.kind for f in panel.private] == ["card number"]
        shown = str(panel.render())
        assert "2 terms IT may not know" in shown and "••••••••••7890" in shown
        assert "21234000567890" not in shown
        await pilot.press("ctrl+r")  # plain words work for library terms too
        await pilot.pause()
        assert form.query_one("#text", TextArea).text.startswith(
            "The library system lost the holds shelf"
        )


async def test_kudos_and_action_forms_point_out_patron_details(sample_store, programme):
    from shadow.tui.modals.action_form import ActionForm
    from shadow.tui.modals.kudos_form import KudosForm

    ben = person(sample_store, "Ben Kowalczyk")
    app = create_app(sample_store, ben)
    async with app.run_test(size=SIZE) as pilot:
        await open_visit(pilot, programme["visit"])
        form = await open_by_key(pilot, "k", KudosForm)
        panel = form.query_one(JargonPanel)
        assert not panel.display
        form.query_one("#text", TextArea).insert("Thanks for calling mrs.p@example.org back")
        await pilot.pause()
        assert panel.display and [f.kind for f in panel.private] == ["email address"]
        assert "m•••@example.org" in str(panel.render())
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")  # discard what was typed
        await pilot.pause()
        form = ActionForm(suggestion_id=None, owner="")
        app.push_screen(form)
        await pilot.pause()
        form.query_one("#notes", TextArea).insert("Patron on (406) 555-0134 waits")
        await pilot.pause()
        assert [f.kind for f in form.query_one(JargonPanel).private] == ["phone number"]
