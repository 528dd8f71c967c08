"""The command palette lists every command the footer and help promise (issue 13): walked
from the app's own areas and bindings, so a new area or command is covered unlisted."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from shadow.tui.app import APP_COMMANDS, AREAS, create_app
from shadow.tui.commands import Command
from shadow.tui.screens.visit import VisitScreen

from .helpers import SIZE


async def palette_titles(pilot: Pilot) -> set[str]:
    """Open the palette on the current screen, read every entry's title, close it."""
    await pilot.press("ctrl+p")
    for _ in range(5):
        await pilot.pause(0.1)
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    listed = palette.query_one(CommandList)
    titles = {
        str(listed.get_option_at_index(i).prompt).split("\n")[0] for i in range(listed.option_count)
    }
    await pilot.press("escape")
    await pilot.pause()
    return titles


def own_bindings(node) -> list:
    """The key bindings shadow's own classes declare on ``node`` (not Textual's)."""
    found = []
    for cls in type(node).__mro__:
        if cls.__module__.startswith("shadow."):
            found.extend(cls.__dict__.get("BINDINGS", ()))
    return found


def promised(pilot: Pilot) -> dict[str, str]:
    """Every enabled key binding of the screen and the app that shadow declares
    (action -> palette title). A binding that no Command declares fails here: it would be
    a key with no palette entry and no help."""
    app, screen = pilot.app, pilot.app.screen
    out: dict[str, str] = {}
    for node in (screen, app):
        commands: dict[str, Command] = {c.action: c for c in getattr(node, "COMMAND_LIST", ())}
        for binding in own_bindings(node):
            command = commands.get(binding.action)
            assert command is not None, f"{type(node).__name__}: {binding.key} has no Command"
            name = command.action.split("(")[0]
            if command.palette and node.check_action(name, ()) is not False:
                out[command.action] = command.title
    assert out
    return out


async def test_every_area_lists_its_commands_who_am_i_and_every_area(sample_store, liaison):
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        seen = 0
        for area in AREAS:
            await app.switch_mode(area.mode)
            await pilot.pause()
            titles = await palette_titles(pilot)
            for action, title in promised(pilot).items():
                assert title in titles, f"{area.title}: {action} ({title}) not in the palette"
            for other in AREAS:
                assert f"Switch area: {other.title}" in titles, area.title
            assert "Who am I" in titles, area.title
            seen += 1
        assert seen == len(AREAS) >= 8
        # A pushed page (the visit page) too.
        [visit] = [d["id"] for d in sample_store.all("visits")][:1]
        app.push_screen(VisitScreen(visit))
        await pilot.pause()
        titles = await palette_titles(pilot)
        for action, title in promised(pilot).items():
            assert title in titles, f"visit page: {action} ({title}) not in the palette"
        assert {"Who am I", "Note", "Complete", "Cancel visit"} <= titles
        # The app-wide commands are all there (the ones with no key too).
        assert {c.title for c in APP_COMMANDS} <= titles


async def test_served_signed_in_has_no_who_am_i(sample_store, liaison, monkeypatch):
    monkeypatch.setenv("SHADOW_SERVED", "signed-in")
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = await palette_titles(pilot)
        assert "Who am I" not in titles
        assert "Switch area: Schedule" in titles
