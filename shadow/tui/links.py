"""App-wide commands for the secret links: your calendar feed, and the pulse report.

Mixed into the app like ``tui/exports.py``: :data:`LINK_COMMANDS` are palette entries,
:class:`LinkActions` holds their actions.
"""

from __future__ import annotations

from textual.app import App
from textual.content import Content

from shadow.core import pulse
from shadow.core.models import UserError
from shadow.core.store import StoreError

from .commands import Command

LINK_COMMANDS: tuple[Command, ...] = (
    Command(
        "calendar_feed",
        "Calendar feed",
        "Your private calendar feed address for a calendar app: make, replace or revoke it",
    ),
    Command(
        "pulse_report",
        "Perception pulse",
        "The anonymous pulse per department (nothing shown from fewer than 5 answers)",
    ),
)


class LinkActions:
    """Mixed into the app: the actions behind :data:`LINK_COMMANDS`."""

    def action_calendar_feed(self) -> None:
        from .modals.calendar_feed import CalendarFeedModal

        app: App = self  # type: ignore[assignment]
        actor = getattr(app, "actor", None)
        if actor is None:
            app.notify(
                "Choose who you are first (press w): a feed is a person's own calendar.",
                severity="error",
                markup=False,
            )
            return
        app.push_screen(CalendarFeedModal(actor))

    def action_pulse_report(self) -> None:
        from .modals.info import InfoModal

        app: App = self  # type: ignore[assignment]
        try:
            found = pulse.report(app.store, getattr(app, "actor", None))  # type: ignore[attr-defined]
        except (UserError, StoreError) as exc:
            app.notify(str(exc), severity="error", markup=False)
            return
        lines = [line for summary in found for line in [*pulse.describe(summary), ""]]
        if not lines:
            lines = ["No department has a pulse link yet (shadow pulse link DEPARTMENT)."]
        app.push_screen(InfoModal("Perception pulse", Content("\n".join(lines).rstrip())))
