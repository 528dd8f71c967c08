"""The visit page: both sides' notes side by side, quick capture, suggestions and kudos."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import date
from io import StringIO

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Label, Select, TextArea

from shadow.core import directory
from shadow.core.models import Observation, Visit
from shadow.tui.app import create_app
from shadow.tui.modals.kudos_form import KudosForm
from shadow.tui.modals.note_form import NoteForm
from shadow.tui.modals.suggestion_form import SuggestionForm
from shadow.tui.screens.visit import VisitScreen
from shadow.tui.widgets.field import Field
from shadow.tui.widgets.jargon import JargonPanel

from .helpers import (
    SIZE,
    notifications,
    open_by_key,
    open_visit,
    press_each,
    press_on_visit,
    settled,
    type_into,
)
from .programme import HOSTILE, build, person

TERMINAL = (110, 40)


@pytest.fixture
def programme(sample_store, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/London")
    return build(sample_store)


@asynccontextmanager
async def on_the_visit(store, programme, who, *, size=SIZE, **options):
    """The app as ``who`` (``create_app``'s options beside it), on the page of the
    sample's visit: (app, pilot, screen)."""
    app = create_app(store, who, **options)
    async with app.run_test(size=size) as pilot:
        yield app, pilot, await open_visit(pilot, programme["visit"])


def column_texts(screen: VisitScreen, side: str) -> list[str]:
    return [note.text for note in screen.notes_in(side)]


def plain(widget) -> str:
    """What a Static holding a rich renderable shows, as text."""
    console = Console(width=200, file=StringIO(), color_system=None)
    console.print(widget.content)
    return console.file.getvalue()


def card_texts(screen: VisitScreen, side: str) -> list[str]:
    """Each note of a column as shown."""
    notes = screen.note_list(side)
    return [notes.text_of(n) for n in range(len(notes.notes))]


async def write_note(pilot: Pilot, text: str, *, typed: str = "") -> NoteForm:
    form = await open_by_key(pilot, "n", NoteForm)
    if typed:
        await pilot.press(*typed)  # key by key, as a person types
    if text:
        form.query_one("#text", TextArea).insert(text)
    await pilot.pause()
    return form


async def test_notes_from_both_sides_land_in_their_columns(sample_store, programme):
    ben = person(sample_store, "Ben Kowalczyk")
    marcus = person(sample_store, "Marcus Webb")
    async with on_the_visit(sample_store, programme, ben) as (app, pilot, screen):
        assert column_texts(screen, "it")[0].startswith("The returns sorter jammed")
        assert column_texts(screen, "library")[0].startswith("They saw us juggle")
        # An IT visitor writes a note: one key opens the box, wherever the focus is.
        await pilot.press("down")  # focus the first note; n still works
        await write_note(pilot, "", typed="Queue at 3pm")
        await press_each(pilot, "ctrl+s")
        assert app.screen is screen
        [doc] = sample_store.find(Observation.TABLE, text="Queue at 3pm")
        assert (doc["side"], doc["author_id"], doc["visit_id"]) == (
            "it",
            ben.id,
            programme["visit"],
        )
        assert doc["kind"] == "workflow seen"
        assert "Queue at 3pm" in column_texts(screen, "it")
        assert "Queue at 3pm" not in column_texts(screen, "library")
        assert "IT visitors' column" in notifications(pilot)[-1]
        # The library host writes theirs, as a praise note.
        app.set_actor(marcus, remember=False)
        form = await write_note(pilot, "They listened and explained the sorter fault plainly.")
        form.query_one("#kind", Select).value = "praise"
        await press_each(pilot, "ctrl+s")
        [doc] = sample_store.find(
            Observation.TABLE, text="They listened and explained the sorter fault plainly."
        )
        assert (doc["side"], doc["author_id"], doc["kind"]) == ("library", marcus.id, "praise")
        assert screen.notes_in("library")[-1].id == doc["id"]
        assert "Marcus Webb · praise" in card_texts(screen, "library")[-1]
        assert all(note.side == "it" for note in screen.notes_in("it"))
        # The line above the columns says where the two sides agree and differ.
        compare = str(screen.query_one("#visit-compare").render())
        assert "Both sides noted: workflow seen" in compare
        assert "Only IT noted: pain point, system issue" in compare
        assert "Only the library noted: praise" in compare


async def test_a_failed_save_keeps_the_text(sample_store, programme):
    ben = person(sample_store, "Ben Kowalczyk")
    app = create_app(sample_store, ben)
    async with app.run_test(size=SIZE) as pilot:
        await open_visit(pilot, programme["visit"])
        before = sample_store.count(Observation.TABLE)
        # Nothing typed: the message is under the box.
        form = await write_note(pilot, "")
        await press_each(pilot, "ctrl+s")
        assert app.screen is form
        assert "Note is required" in form.query_one("#field-text", Field).error
        # A control character (pasted from somewhere) is refused; the text stays.
        text = "Sorter log\x07 attached"
        form.query_one("#text", TextArea).insert(text)
        await press_each(pilot, "ctrl+s")
        assert app.screen is form
        assert "control character" in form.query_one("#field-text", Field).error
        assert form.query_one("#text", TextArea).text == text
        assert sample_store.count(Observation.TABLE) == before
        # Escape with text typed asks first; keep editing keeps it.
        await press_each(pilot, "escape", "n")
        assert app.screen is form
        assert form.query_one("#text", TextArea).text == text


async def test_jargon_is_pointed_out_in_it_notes_only(sample_store, programme):
    ben = person(sample_store, "Ben Kowalczyk")
    app = create_app(sample_store, ben)
    async with app.run_test(size=SIZE) as pilot:
        await open_visit(pilot, programme["visit"])
        form = await write_note(pilot, "Put the kiosks on their own VLAN and use SSO.")
        panel = form.query_one(JargonPanel)
        assert panel.display
        assert [f.term for f in panel.findings] == ["VLAN", "SSO"]
        shown = str(panel.render())
        assert "separate section of the network" in shown
        assert "one login for all systems" in shown
        # Nothing is blocked: it saves as written.
        await press_each(pilot, "ctrl+s")
        assert sample_store.find(
            Observation.TABLE, text="Put the kiosks on their own VLAN and use SSO."
        )
        # ctrl+r offers the plain words in place of the first term.
        form = await write_note(pilot, "Needs a VLAN.")
        await press_each(pilot, "ctrl+r")
        assert form.query_one("#text", TextArea).text == "Needs a separate section of the network."
        assert not form.query_one(JargonPanel).display
        await press_each(pilot, "ctrl+s")
        # A library host's note (read by IT) is not checked.
        app.set_actor(person(sample_store, "Marcus Webb"), remember=False)
        form = await write_note(pilot, "Could IT explain the VLAN change?")
        assert not form.query_one(JargonPanel).display


async def test_no_identity_no_note(sample_store, programme):
    async with on_the_visit(sample_store, programme, None, demo=True) as (app, pilot, screen):
        await press_each(pilot, "n")
        assert app.screen is screen
        assert "Choose who you are" in notifications(pilot)[-1]


async def test_arrows_move_between_notes_and_sides(sample_store, programme):
    async with on_the_visit(sample_store, programme, person(sample_store, "Ben Kowalczyk")) as (
        app,
        pilot,
        screen,
    ):
        await pilot.press("down")
        assert screen.focused_note().id == programme["ben_note"]
        await pilot.press("down")
        assert screen.focused_note().id == programme["aisha_note"]
        await pilot.press("right")
        assert screen.focused_note().id == programme["praise"]
        await pilot.press("up", "left")
        assert screen.focused_note().id == programme["ben_note"]
        await press_each(pilot, "escape")
        assert app.screen is not screen


async def test_correct_your_own_note_but_not_someone_elses(sample_store, programme):
    async with on_the_visit(sample_store, programme, person(sample_store, "Ben Kowalczyk")) as (
        app,
        pilot,
        screen,
    ):
        await pilot.press("e")  # nothing highlighted yet
        assert "Move to one of your notes first" in notifications(pilot)[-1]
        await pilot.press("down", "down")  # Aisha's note
        await press_each(pilot, "e")
        assert app.screen is screen
        assert "only its author can change it" in notifications(pilot)[-1]
        await pilot.press("up", "e")  # Ben's own
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NoteForm)
        area = form.query_one("#text", TextArea)
        assert area.text == "The returns sorter jammed three times in 40 minutes."
        area.clear()
        await pilot.press("ctrl+s")  # empty: refused next to the field, nothing written
        await pilot.pause()
        assert app.screen is form
        assert sample_store.get("observations", programme["ben_note"])["text"].startswith("The")
        area.insert(f"It jammed four times. {HOSTILE}")
        await press_each(pilot, "ctrl+s")
        assert app.screen is screen
        doc = sample_store.get("observations", programme["ben_note"])
        assert doc["text"] == f"It jammed four times. {HOSTILE}"
        assert doc["author_id"] == person(sample_store, "Ben Kowalczyk").id
        assert column_texts(screen, "it")[0] == f"It jammed four times. {HOSTILE}"
        old = [e for e in sample_store.all("audit") if e.get("entity") == "observations"
               and e.get("field") == "text"]  # fmt: skip
        assert old[-1]["old"] == "The returns sorter jammed three times in 40 minutes."


async def test_raise_a_suggestion_from_a_note(sample_store, programme):
    ben = person(sample_store, "Ben Kowalczyk")
    async with on_the_visit(sample_store, programme, ben, size=(120, 50)) as (app, pilot, screen):
        await pilot.press("down")  # Ben's pain-point note
        form = await open_by_key(pilot, "s", SuggestionForm)
        assert form.query_one("#visit", Input).value == str(programme["visit"])
        assert form.query_one("#department", Input).value == "Circulation"
        assert form.query_one("#direction", Select).value == "it-to-library"
        assert form.query_one("#description", TextArea).text.startswith("The returns sorter")
        priority = form.query_one("#priority-line", Label)
        assert "impact medium x urgency medium = P3" in str(priority.content)
        # Saving without a title: the error is under it, and the rest stays.
        await press_each(pilot, "ctrl+s")
        assert app.screen is form
        assert "Title is required" in form.query_one("#field-title", Field).error
        assert form.query_one("#description", TextArea).text.startswith("The returns sorter")
        # The priority follows the choices, with its reason.
        await type_into(pilot, "#title", "Log every sorter jam so the vendor case has evidence")
        form.query_one("#impact", Select).value = "high"
        await pilot.pause()
        assert "impact high x urgency medium = P2" in str(priority.content)
        form.query_one("#risk-compliance", Checkbox).value = True
        form.query_one("#impact", Select).value = "medium"
        await pilot.pause()
        assert (
            "impact high x urgency medium = P2 (impact raised from medium by compliance risk)"
            in str(priority.content)
        )
        # IT → library text is checked for jargon as it is typed.
        form.query_one("#description", TextArea).insert("Raise a P1 in ServiceNow. ")
        await pilot.pause()
        assert form.query_one(JargonPanel).display
        await type_into(pilot, "#tags", "circulation, Hardware")
        await press_each(pilot, "ctrl+s")
        assert app.screen is screen
        [doc] = sample_store.find(
            "suggestions", title="Log every sorter jam so the vendor case has evidence"
        )
        assert doc["visit_id"] == programme["visit"]
        assert doc["direction"] == "it-to-library"
        assert doc["author_id"] == ben.id
        assert doc["risks"] == ["compliance"]
        assert doc["tags"] == ["circulation", "hardware"]
        assert doc["observations"] == [programme["ben_note"]]
        shown = str(screen.query_one("#visit-suggestions").render())
        assert "Log every sorter jam" in shown
        assert "P2" in notifications(pilot)[-1]


async def test_a_too_long_title_keeps_what_was_typed(sample_store, programme):
    app = create_app(sample_store, person(sample_store, "Ben Kowalczyk"))
    async with app.run_test(size=SIZE) as pilot:
        form = await press_on_visit(pilot, programme["visit"], "s")
        long_title = "x" * 5000
        await type_into(pilot, "#title", long_title)
        await press_each(pilot, "ctrl+s")
        assert app.screen is form
        assert "is too long (5000 characters" in form.query_one("#field-title", Field).error
        assert form.query_one("#title", Input).value == long_title


async def test_kudos_from_a_praise_note(sample_store, programme):
    ben = person(sample_store, "Ben Kowalczyk")
    aisha = person(sample_store, "Aisha Rahman")
    async with on_the_visit(sample_store, programme, ben) as (app, pilot, screen):
        await pilot.press("right")  # the library column
        await pilot.press("down")  # the praise note
        assert screen.focused_note().id == programme["praise"]
        form = await open_by_key(pilot, "k", KudosForm)
        # Praise from a host is about the visitors; it names Aisha, so she is ticked.
        assert form.read_values()["to"] == [aisha.id]
        assert form.read_values()["text"] == f"Aisha fixed kiosk 2 on the spot. {HOSTILE}"
        await press_each(pilot, "ctrl+s")
        assert app.screen is screen
        docs = sample_store.find("kudos", observation_id=programme["praise"])
        assert [(d["to_id"], d["from_id"], d["visit_id"]) for d in docs] == [
            (aisha.id, ben.id, programme["visit"])
        ]
        assert "Ben Kowalczyk → Aisha Rahman" in str(screen.query_one("#visit-kudos").render())


async def test_kudos_anywhere_defaults_to_the_other_side(sample_store, programme):
    marcus = person(sample_store, "Marcus Webb")
    app = create_app(sample_store, marcus)
    async with app.run_test(size=SIZE) as pilot:
        form = await press_on_visit(pilot, programme["visit"], "k")
        visitors = sorted(person(sample_store, n).id for n in ("Ben Kowalczyk", "Aisha Rahman"))
        assert form.read_values() == {"to": visitors, "text": ""}
        await press_each(pilot, "ctrl+s")
        assert "is required" in form.query_one("#field-text", Field).error


async def test_hostile_text_is_shown_literally(sample_store, programme):
    ben = person(sample_store, "Ben Kowalczyk")
    long_note = "long " * 1000  # 5,000 characters
    with sample_store.transaction("test") as tx:
        # Written by another tool, bypassing the core's checks: an escape character.
        tx.insert(
            Observation.TABLE,
            Observation(
                visit_id=programme["visit"], author_id=ben.id, side="it", kind="idea",
                text="bell\x07 and \x1b[31mred", at="2026-10-20T17:00+01:00",
            ).to_doc(),
        )  # fmt: skip
    async with on_the_visit(sample_store, programme, ben) as (app, pilot, screen):
        form = await write_note(pilot, long_note)
        await press_each(pilot, "ctrl+s")
        texts = card_texts(screen, "it") + card_texts(screen, "library")
        assert any(HOSTILE in t for t in texts)
        assert any("bell␇ and ␛[31mred" in t for t in texts)
        assert any(long_note.strip() in " ".join(t.split()) for t in texts)
        assert form is not app.screen


# ------------------------------------------------------------------ snapshot
def test_snapshot_visit_page(snap_compare, sample_store, programme):
    async def open_page(pilot: Pilot) -> None:
        await open_visit(pilot, programme["visit"])
        await pilot.press("right", "down")  # the praise note, highlighted

    app = create_app(sample_store, person(sample_store, "Ben Kowalczyk"))
    assert snap_compare(app, terminal_size=TERMINAL, run_before=open_page)


async def test_an_occurrence_of_a_series_shows_its_own_day(sample_store, programme):
    """Opened from the Schedule or the Dashboard, a series' page shows the occurrence."""
    from shadow.core import schedule
    from shadow.tui.screens.dashboard import DashboardScreen

    circulation = directory.find_department(sample_store, "Circulation").id
    ben = person(sample_store, "Ben Kowalczyk")
    with sample_store.transaction("test setup") as tx:
        series = tx.insert(Visit.TABLE, Visit(
            department_id=circulation, visitors=[ben.id], hosts=[], kind="tour",
            start="2026-12-01T10:00+00:00", end="2026-12-01T12:00+00:00",
            rrule="FREQ=WEEKLY;COUNT=4", timezone="Europe/London").to_doc())  # fmt: skip
    schedule.set_status(
        sample_store, "test", series, "cancelled", reason="host away", on=date(2026, 12, 15)
    )
    app = create_app(sample_store, ben)
    async with app.run_test(size=SIZE) as pilot:
        screen = VisitScreen(series, on=date(2026, 12, 15))
        app.push_screen(screen)
        await pilot.pause()
        details = plain(screen.query_one("#visit-details"))
        assert "Tue 15 Dec 2026 10:00–12:00" in details
        assert "cancelled" in details  # that occurrence's status, not the series'
        assert "this occurrence; the first was Tue 1 Dec 2026" in details
        # the same id as 'list visits' prints, and why it was cancelled
        assert f"Visit #{series}@2026-12-15" in details and "host away" in details
        await press_each(pilot, "escape")
        # The dashboard's item ids carry the occurrence: visit:ID:ID@DAY.
        dash = app.screen  # the app opens on the Dashboard
        assert isinstance(dash, DashboardScreen)
        dash.open_item(f"visit:{series}:{series}@2026-12-08")
        await pilot.pause()
        details = plain(app.screen.query_one("#visit-details"))
        assert "Tue 8 Dec 2026 10:00–12:00" in details
        assert "requested" in details


def footer_shows(screen) -> dict[str, tuple[str, int]]:
    """The footer's entries as drawn: action -> (label, right edge)."""
    from textual.widgets._footer import FooterKey

    return {
        key.action: (key.description, key.region.right)
        for key in screen.query(FooterKey)
        if not key.has_class("-command-palette")
    }


@pytest.mark.parametrize("size", [(80, 24), (140, 42)])
async def test_the_footer_keeps_the_visits_steps_and_back_at_80_columns(
    sample_store, programme, size
):
    async with on_the_visit(
        sample_store, programme, person(sample_store, "Ben Kowalczyk"), size=size
    ) as (app, pilot, screen):
        await pilot.pause()
        shown = footer_shows(screen)
        for action, label in (
            ("note", "Note"),
            ("set_status('confirmed')", "Confirm"),
            ("set_status('completed')", "Done"),
            ("set_status('cancelled')", "Cancel"),
            ("set_status('no-show')", "No-show"),
            ("back", "Back"),
            ("help", "Help"),
        ):
            assert shown.get(action, ("", 0))[0] == label, (action, shown)
        assert all(right <= size[0] for _, right in shown.values()), shown  # none cut off
        from shadow.tui.widgets.footer import ShadowFooter

        footer = screen.query_one(ShadowFooter)
        if size[0] >= 140:  # room for everything
            assert footer.left_out == [] and {"rate", "who_am_i"} <= set(shown), shown
        else:  # left out whole, the spare ones first; ? help and the palette list them
            assert set(footer.left_out) >= {"rate", "kudos"} and "rate" not in shown
        await pilot.resize_terminal(140, 42)  # refitted when the terminal grows
        await pilot.pause()
        await pilot.pause()
        assert "rate" in footer_shows(screen) and not screen.query_one(ShadowFooter).left_out


async def test_the_page_reads_on_the_spot_once_what_it_finds_is_indexed(sample_store, programme):
    """The page's read is one visit, its notes, suggestions and kudos by index, and the
    people: once the indexes are built (the app reads them ahead, tui/preload.py) it is
    read on the spot at any size; after a change drops them, the visits' size decides,
    as before."""
    from shadow.core import notes
    from shadow.tui import preload
    from shadow.tui.screens.visit import PAGE_INDEXES

    ben = person(sample_store, "Ben Kowalczyk")
    async with on_the_visit(sample_store, programme, ben) as (app, pilot, screen):
        preload.read_ahead(sample_store)
        assert sample_store.indexed(*PAGE_INDEXES)
        assert screen._read_size() == 0
        notes.observe(sample_store, ben, programme["visit"], "Queue at the kiosk")
        assert not sample_store.indexed(*PAGE_INDEXES)
        assert screen._read_size() == sample_store.size_hint(Visit.TABLE) > 0
        await pilot.pause()
        assert "Queue at the kiosk" in column_texts(screen, "it")  # (read again, shown)


async def test_a_visit_with_many_notes_moves_and_scrolls_through_them(sample_store, programme):
    """A secondment's daily notes: each side's notes are one widget (a widget a note laid
    out and painted each on its own); arrows and clicks still reach every note, and the
    page scrolls to the one highlighted."""
    ben = person(sample_store, "Ben Kowalczyk")
    with sample_store.transaction("test") as tx:
        for day in range(40):
            tx.insert(
                Observation.TABLE,
                Observation(
                    visit_id=programme["visit"], author_id=ben.id, side="it", kind="idea",
                    text=f"Day {day}: " + "the queue again " * 6, at="2026-11-03T17:00+00:00",
                ).to_doc(),
            )  # fmt: skip
    async with on_the_visit(sample_store, programme, ben, size=(100, 30)) as (app, pilot, screen):
        listed = screen.note_list("it")
        assert len(listed.notes) == 42 and not screen.query("NoteList NoteList")
        assert listed.virtual_size.height > 42 * 3  # (each wrapped, a blank line after)
        page = screen.query_one("#visit-page")
        await pilot.press("down")
        assert screen.focused_note() == listed.notes[0]
        await settled(pilot)
        first_shown = page.scroll_y
        for _ in range(41):
            await pilot.press("down")
        await settled(pilot)
        assert screen.focused_note() == listed.notes[-1]
        assert screen.focused_note().text.startswith("Day 39:")
        assert page.scroll_y > first_shown  # scrolled to it
        top = listed.content_region.y + listed.virtual_size.height - 4  # its lines on screen
        assert page.region.y <= top < page.region.bottom

        # Only the highlighted note is painted highlighted, and only while the list has focus.
        def backgrounds(y: int) -> set:
            return {s.style.bgcolor for s in listed.render_line(y) if s.text.strip()}

        last, first = backgrounds(listed.virtual_size.height - 3), backgrounds(0)
        assert len(last) == len(first) == 1 and last != first
        screen.set_focus(None)
        await settled(pilot)
        assert backgrounds(listed.virtual_size.height - 3) == first
        screen.set_focus(listed)
        await settled(pilot)
        # A click on a note highlights it.
        await pilot.click(listed, offset=(4, 0))
        await settled(pilot)
        assert screen.focused_note() == listed.notes[0]
        await pilot.press("right")  # the library column, its first note
        assert screen.focused_note() == screen.notes_in("library")[0]


async def test_a_side_without_notes_says_so_and_is_skipped(sample_store, programme):
    ben = person(sample_store, "Ben Kowalczyk")
    with sample_store.transaction("test") as tx:
        for doc in sample_store.find(Observation.TABLE, visit_id=programme["visit"]):
            if doc["side"] == "library":
                tx.delete(Observation.TABLE, doc["id"])
    async with on_the_visit(sample_store, programme, ben) as (app, pilot, screen):
        assert "No notes from this side yet." in str(screen.note_list("library").render())
        assert not screen.note_list("library").can_focus
        await pilot.press("right")  # nothing on the right: the IT column's first note
        assert screen.focused_note() == screen.notes_in("it")[0]
        await pilot.press("right")
        assert screen.focused_note() == screen.notes_in("it")[0]


async def test_a_notes_text_is_selected_with_the_mouse_as_shown(sample_store, programme):
    """Each line of a column says where its text is (for the mouse's selection), and the
    selection is highlighted and copied as the words on screen."""
    from textual.geometry import Offset
    from textual.selection import Selection

    ben = person(sample_store, "Ben Kowalczyk")
    async with on_the_visit(sample_store, programme, ben) as (app, pilot, screen):
        listed = screen.note_list("it")
        second = listed.render_line(1)  # the first note's text, under its heading
        assert {s.style.meta["offset"][1] for s in second if s.style and s.style.meta} == {1}
        screen.selections = {listed: Selection(Offset(2, 1), Offset(5, 1))}
        await settled(pilot)
        assert screen.get_selected_text() == "The"
        marked = [s for s in listed.render_line(1) if s.text.strip()]
        assert marked[1].text == "The" and marked[1].style.bgcolor != marked[2].style.bgcolor
