"""Small helpers shared by the TUI tests."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from shadow.tui.screens.directory import DirectoryScreen

SIZE = (120, 36)  # the terminal size of the Pilot tests


def directory_screen(pilot: Pilot) -> DirectoryScreen:
    """The directory screen (the base of its mode's stack, even under a dialog)."""
    screen = pilot.app.screen_stack[0]
    assert isinstance(screen, DirectoryScreen)
    return screen


async def type_into(pilot: Pilot, selector: str, text: str) -> None:
    """Focus an Input, clear it and type ``text`` at the cursor (as a paste would).

    Key-by-key typing is covered where it matters (search, identity); pressing
    every character of long values only makes the tests slow.
    """
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    widget.value = ""
    widget.insert_text_at_cursor(text)
    await pilot.pause()


def notifications(pilot: Pilot) -> list[str]:
    return [n.message for n in pilot.app._notifications]


def select_shows(select) -> tuple[str, list[str]]:
    """What a Select shows: its current label, and every option's label, as on screen."""
    from textual.widgets._select import SelectCurrent, SelectOverlay

    current = str(select.query_one(SelectCurrent).query_one("#label").render())
    overlay = select.query_one(SelectOverlay)
    options = [str(overlay._get_visual_from_index(i)).strip() for i in range(overlay.option_count)]
    return current, options
