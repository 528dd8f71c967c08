"""The calendar feed dialog and the pulse report in the TUI."""

from __future__ import annotations

import re
from datetime import date

from textual.widgets import Button, Label, Static, TextArea

from shadow.core import feeds, pulse
from shadow.core.models import SURVEY_DIMENSIONS
from shadow.tui.app import create_app
from shadow.tui.modals.calendar_feed import CalendarFeedModal
from shadow.tui.modals.info import InfoModal

from .helpers import SIZE


async def test_calendar_feed_dialog_makes_shows_once_and_revokes(
    sample_store, liaison, monkeypatch
):
    monkeypatch.setenv("SHADOW_PUBLIC_URL", "https://shadow.library.example")
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Calendar feed" in [c.title for c in app.app_commands()]
        await app.run_action("calendar_feed")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CalendarFeedModal)
        assert "no calendar feed" in str(dialog.query_one("#feed-status", Label).render())
        assert dialog.query_one("#feed-revoke", Button).disabled
        await pilot.click("#feed-new")
        await pilot.pause()
        shown = dialog.query_one("#feed-url", TextArea).text
        token = re.fullmatch(
            r"https://shadow\.library\.example/calendar/([A-Za-z0-9_-]{43})\.ics", shown
        ).group(1)
        assert feeds.calendar(sample_store, token) is not None
        assert not dialog.query_one("#feed-copy", Button).disabled
        await pilot.click("#feed-revoke")
        await pilot.pause()
        assert feeds.calendar(sample_store, token) is None
        assert dialog.query_one("#feed-url", TextArea).text == ""
        assert "Revoked" in str(dialog.query_one("#feed-status", Label).render())
        await pilot.click("#feed-close")
        await pilot.pause()
        assert not isinstance(app.screen, CalendarFeedModal)
        # opened again later: the address is not shown again, only that a feed exists
        feeds.issue(sample_store, liaison, liaison)
        await app.run_action("calendar_feed")
        await pilot.pause()
        assert "You have a calendar feed" in str(app.screen.query_one("#feed-status").render())
        assert app.screen.query_one("#feed-url", TextArea).text == ""


async def test_pulse_report_in_the_tui_shows_nothing_from_fewer_than_five(sample_store, liaison):
    token = pulse.issue_link(sample_store, liaison, "Makerspace")
    scores = dict.fromkeys(SURVEY_DIMENSIONS, 4)
    for _ in range(4):
        pulse.answer(sample_store, token, scores, scores, "[red]hidden[/]", today=date(2026, 11, 3))
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.run_action("pulse_report")
        await pilot.pause()
        assert isinstance(app.screen, InfoModal)
        body = str(app.screen.query_one("#info-body", Static).render())
        assert "Makerspace" in body and pulse.NOT_SHOWN in body and "hidden" not in body
        await pilot.press("escape")
        pulse.answer(sample_store, token, scores, scores, today=date(2026, 11, 4))
        await app.run_action("pulse_report")
        await pilot.pause()
        body = str(app.screen.query_one("#info-body", Static).render())
        assert "5 answers" in body and "[red]hidden[/]" in body  # literal, not markup
