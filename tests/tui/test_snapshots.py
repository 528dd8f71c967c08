"""Snapshots of the directory and a form with an error, at a fixed size.

Update after an intended change with ``pytest tests/tui --snapshot-update`` and
look at the report before committing the new SVGs.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from shadow.tui.app import create_app

# These were written when the app opened on the Directory; the Dashboard opens it now.
pytestmark = pytest.mark.usefixtures("opens_on_directory")

TERMINAL = (110, 32)


def no_blink(pilot: Pilot) -> None:
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False


def test_directory_people(snap_compare, sample_store, liaison):
    app = create_app(sample_store, liaison)
    assert snap_compare(app, terminal_size=TERMINAL)


def test_directory_departments_searched(snap_compare, sample_store, liaison):
    app = create_app(sample_store, liaison)
    press = ["2", "slash", *"central", "enter"]
    assert snap_compare(app, press=press, terminal_size=TERMINAL)


def test_person_form_with_error(snap_compare, sample_store, liaison):
    async def fill_in(pilot: Pilot) -> None:
        await pilot.press("a")
        await pilot.pause()
        form = pilot.app.screen
        form.query_one("#name", Input).value = "Noor [TODO] Haddad"
        form.query_one("#email", Input).value = "noor-at-example"
        await pilot.press("ctrl+s")
        await pilot.pause()
        no_blink(pilot)

    app = create_app(sample_store, liaison)
    assert snap_compare(app, terminal_size=TERMINAL, run_before=fill_in)
