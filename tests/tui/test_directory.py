"""The directory screen and its forms, through the keyboard."""

from __future__ import annotations

import pytest
from rich.text import Text

from shadow.core import directory
from shadow.tui.app import create_app
from shadow.tui.modals.base import Confirm
from shadow.tui.modals.department_form import DepartmentForm
from shadow.tui.modals.import_csv import ImportModal
from shadow.tui.modals.person_form import PersonForm
from shadow.tui.widgets.field import Field

from .helpers import (
    SIZE,
    directory_screen,
    fill_and_save,
    notifications,
    open_by_key,
    opened,
    press_each,
    type_into,
)

# These were written when the app opened on the Directory; the Dashboard opens it now.
pytestmark = pytest.mark.usefixtures("opens_on_directory")

HOSTILE = "[red]x [TODO] [/]"


async def test_add_person_shows_errors_under_fields_then_saves(sample_store, liaison):
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_by_key(pilot, "a", PersonForm)
        await fill_and_save(
            pilot,
            {"#name": "Noor Haddad", "#role": "Help desk level 1", "#email": "noor-at-example"},
        )
        # Not saved, still open, the message under the email field, the name kept.
        assert app.screen is form
        assert not sample_store.find("people", name="Noor Haddad")
        email_field = form.query_one("#field-email", Field)
        assert "is not an email address" in email_field.error
        assert email_field.error_label.display  # visible
        assert form.query_one("#field-name", Field).error == ""
        assert form.query_one("#name").value == "Noor Haddad"
        assert app.focused is form.query_one("#email")
        # Fixing it clears the message as you type.
        await type_into(pilot, "#email", "noor@example.org")
        assert email_field.error == ""
        await press_each(pilot, "ctrl+s")
        [doc] = sample_store.find("people", name="Noor Haddad")
        assert doc["email"] == "noor@example.org"
        assert doc["created_by"] == liaison.name
        screen = directory_screen(pilot)
        assert app.screen is screen
        assert screen.people_table.selected_id == doc["id"]
        assert screen.people_table.full_row(doc["id"])[0] == "Noor Haddad"


async def test_duplicate_name_is_shown_under_name(sample_store, liaison):
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await open_by_key(pilot, "a", PersonForm)
        await type_into(pilot, "#name", "priya raman")
        await press_each(pilot, "ctrl+s")
        assert "already exists" in app.screen.query_one("#field-name", Field).error
        assert sample_store.count("people") == 32


async def test_cancel_with_typed_text_asks_first(sample_store, liaison):
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_by_key(pilot, "a", PersonForm)
        await type_into(pilot, "#name", "Half Typed")
        await open_by_key(pilot, "escape", Confirm)
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#name").value == "Half Typed"
        await press_each(pilot, "escape", "y")
        assert app.screen is directory_screen(pilot)
        assert not sample_store.find("people", name="Half Typed")


async def select_person(pilot, name: str):
    """The directory screen with ``name``'s row selected, and that person."""
    await pilot.pause()
    screen = directory_screen(pilot)
    person = directory.find_person(pilot.app.store, name)
    screen.people_table.select_id(person.id)
    return screen, person


async def test_edit_person_and_keep_the_cursor(sample_store, liaison):
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        screen, priya = await select_person(pilot, "Priya Raman")
        form = await open_by_key(pilot, "enter", PersonForm)
        assert form.query_one("#department").value == "Systems"
        await type_into(pilot, "#role", "Librarian")
        await press_each(pilot, "ctrl+s")
        assert sample_store.get("people", priya.id)["role"] == "Librarian"
        assert screen.people_table.selected_id == priya.id
        # A refresh keeps it too.
        await press_each(pilot, "r")
        assert screen.people_table.selected_id == priya.id


async def test_it_person_department_may_be_a_team(sample_store, liaison):
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await open_by_key(pilot, "a", PersonForm)
        await fill_and_save(pilot, {"#name": "Tess Network", "#department": "Network Operations"})
        [doc] = sample_store.find("people", name="Tess Network")
        assert doc["team"] == "Network Operations" and doc["department_id"] is None


async def test_deactivate_asks_and_cancel_changes_nothing(sample_store, liaison):
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        screen, marcus = await select_person(pilot, "Marcus Webb")
        await open_by_key(pilot, "x", Confirm)
        await press_each(pilot, "escape")
        assert sample_store.get("people", marcus.id)["active"] is True
        await press_each(pilot, "x", "y")
        assert sample_store.get("people", marcus.id)["active"] is False
        cells = screen.people_table.get_row_at(screen.people_table.ids.index(marcus.id))
        assert cells[-1].plain == "no"
        assert "dim" in str(cells[0].style)
        # Hide inactive: gone from the table; show again: back.
        await press_each(pilot, "h")
        assert marcus.id not in screen.people_table.ids
        await press_each(pilot, "h")
        assert marcus.id in screen.people_table.ids
        # And reactivate.
        screen.people_table.select_id(marcus.id)
        await press_each(pilot, "x", "y")
        assert sample_store.get("people", marcus.id)["active"] is True


async def test_search_filters_as_you_type(sample_store, liaison):
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = directory_screen(pilot)
        await pilot.press("slash", *"PRIYA")
        await pilot.pause()
        assert [screen.people_table.full_row(i)[0] for i in screen.people_table.ids] == [
            "Priya Raman"
        ]
        # Departments she hosts match too (the Hosts column is searched).
        assert [screen.departments_table.full_row(i)[0] for i in screen.departments_table.ids] == [
            "Systems"
        ]
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace")
        await pilot.press(*"central")
        await pilot.pause()
        central = [d for d in directory.departments(sample_store) if d.branch == "Central Library"]
        assert screen.departments_table.row_count == len(central) == 7
        await press_each(pilot, "escape")
        assert screen.query_one("#search").value == ""
        assert screen.people_table.row_count == 32
        assert app.focused is screen.people_table


async def test_tabs_and_department_form_errors(sample_store, liaison):
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await press_each(pilot, "2")
        screen = directory_screen(pilot)
        assert screen.tab == "departments"
        assert app.focused is screen.departments_table
        form = await open_by_key(pilot, "a", DepartmentForm)
        await fill_and_save(
            pilot,
            {
                "#name": "Stacks",
                "#hours": "Mon-Fri 9am",
                "#hosts": "Mei Tanaka",
                "#closed": "2026-13-01",
            },
        )
        assert "Cannot read" in form.query_one("#field-hours", Field).error
        assert "IT staff" in form.query_one("#field-hosts", Field).error
        assert "not a date" in form.query_one("#field-closed", Field).error
        assert app.focused is form.query_one("#hours")
        await fill_and_save(
            pilot,
            {
                "#hours": "Mon-Fri 09:00-17:00; Sat 10:00-14:00",
                "#hosts": "Priya Raman, Marcus Webb",
                "#closed": "2026-12-25",
            },
        )
        [doc] = sample_store.find("departments", name="Stacks")
        assert doc["hours"]["sat"] == [["10:00", "14:00"]]
        assert len(doc["hosts"]) == 2
        assert screen.departments_table.selected_id == doc["id"]
        row = screen.departments_table.full_row(doc["id"])
        assert row[3] == "Mon-Fri 09:00-17:00; Sat 10:00-14:00"
        assert row[4] == "Priya Raman, Marcus Webb"


async def test_hostile_text_shows_literally(sample_store, liaison):
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await open_by_key(pilot, "a", PersonForm)
        await fill_and_save(pilot, {"#name": HOSTILE, "#role": "[bold]Boss[/bold]"})
        [doc] = sample_store.find("people", name=HOSTILE)
        screen = directory_screen(pilot)
        cells = screen.people_table.get_row_at(screen.people_table.ids.index(doc["id"]))
        assert isinstance(cells[0], Text)
        assert cells[0].plain == HOSTILE
        assert cells[2].plain == "[bold]Boss[/bold]"
        assert any(HOSTILE in n for n in notifications(pilot))
        # In the edit form: the heading and the field show it as typed.
        form = await open_by_key(pilot, "e", PersonForm)
        assert form.query_one("#name").value == HOSTILE
        heading = form.query_one(".dialog-title")
        assert HOSTILE in str(heading.render())
        # An error that quotes the text (bad email) renders too.
        await type_into(pilot, "#email", "[/]")
        await press_each(pilot, "ctrl+s")
        assert "'[/]'" in form.query_one("#field-email", Field).error
        await press_each(pilot, "escape", "y")
        # Deactivation asks with the name in the question.
        await press_each(pilot, "x")
        assert HOSTILE in str(app.screen.query_one("#confirm-message").render())


async def import_file(pilot, path, key: str = "enter", settle: int = 2) -> None:
    """Type ``path`` into the open import dialog, send it with ``key`` and let the import
    worker finish (``settle`` pauses after it)."""
    await type_into(pilot, "#path", str(path))
    await pilot.press(key)
    await pilot.app.workers.wait_for_complete()
    for _ in range(settle):
        await pilot.pause()


def write_csv(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


async def test_import_people_csv(sample_store, liaison, tmp_path):
    csv = write_csv(
        tmp_path / "people.csv",
        "name,side,role,department,email\n"
        "Iris Import,library,Librarian,Reference,iris@example.org\n"
        "Otto Import,it,Developer,Applications,otto@example.org\n",
    )
    app = create_app(sample_store, liaison)
    async with opened(app, open_by_key, "i", ImportModal) as (pilot, _):
        await import_file(pilot, csv)
        assert app.screen is directory_screen(pilot)
        assert sample_store.count("people") == 34
        assert "Imported 2 people" in notifications(pilot)
        names = {
            directory_screen(pilot).people_table.full_row(i)[0]
            for i in directory_screen(pilot).people_table.ids
        }
        assert {"Iris Import", "Otto Import"} <= names


async def test_import_is_all_or_nothing(sample_store, liaison, tmp_path):
    csv = write_csv(
        tmp_path / "bad.csv",
        "name,side,email\nGood Row,it,good@example.org\nBad Row,wizard,bad@example.org\n",
    )
    app = create_app(sample_store, liaison)
    async with opened(app, open_by_key, "i", ImportModal) as (pilot, modal):
        await import_file(pilot, csv, "ctrl+s", settle=1)
        assert app.screen is modal  # still open, showing why
        message = str(modal.query_one("#import-error").render())
        assert "Nothing was imported" in message and "line 3" in message and "side" in message
        assert sample_store.count("people") == 32
        assert not sample_store.find("people", name="Good Row")
        # A missing file is explained the same way.
        await import_file(pilot, tmp_path / "nope.csv", settle=1)
        assert "no such file" in str(modal.query_one("#import-error").render())


async def test_import_departments_from_the_palette(sample_store, liaison, tmp_path):
    csv = write_csv(
        tmp_path / "depts.csv",
        "name,branch,capacity,hours\nStacks,Central Library,3,Mon-Fri 09:00-17:00\n",
    )
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.run_action("import_departments", directory_screen(pilot))
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ImportModal) and modal.kind == "departments"
        await import_file(pilot, csv)
        assert sample_store.find("departments", name="Stacks")
        assert directory_screen(pilot).tab == "departments"
        assert "Imported 1 department" in notifications(pilot)


async def test_at_80_columns_every_heading_is_whole_and_on_screen(sample_store, liaison):
    app = create_app(sample_store, liaison)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await directory_screen_at(pilot)
        for table, must in (
            (screen.people_table, ["Name", "Side", "Role", "Department/Team", "Email", "Active"]),
            (screen.departments_table, ["Name", "Hosts", "Active", "Side"]),
        ):
            screen.query_one("TabbedContent").active = table.parent.id
            await pilot.pause()
            columns = list(table.columns.values())
            labels = [c.label.plain for c in columns]
            assert all(label in labels for label in must), labels
            for column in columns:  # the heading fits its column
                assert column.label.cell_len <= column.get_render_width(table) - 2, labels
            assert sum(c.get_render_width(table) for c in columns) <= table.size.width


async def directory_screen_at(pilot):
    await pilot.press("f2")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return directory_screen(pilot)
