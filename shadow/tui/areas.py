"""The app's areas: each a Textual *mode* with its own screen stack, listed once in
:data:`AREAS` (one entry here plus its screen module adds one). Only the Dashboard's screen
is imported with the app; the others when first built (``later``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from textual.screen import Screen

from .screens.dashboard import DashboardScreen


def later(module: str, name: str) -> Callable[[], Screen]:
    """An area's screen, imported when first built, not before the first paint
    (Coverage, Schedule, Actions ... were a fifth of the imports at start)."""
    return lambda: getattr(import_module(f"{__package__}.screens.{module}"), name)()


@dataclass(frozen=True)
class Area:
    """A top-level part of the app, shown as one Textual mode."""

    mode: str
    title: str
    help: str
    key: str
    screen: Callable[[], Screen]


AREAS: tuple[Area, ...] = (
    Area(
        "dashboard",
        "Dashboard",
        "Today's and this week's visits, your overdue actions, triage, breaches, kudos, trends",
        "f7",
        DashboardScreen,
    ),
    Area(
        "directory",
        "Directory",
        "People on both sides and the library's departments",
        "f2",
        later("directory", "DirectoryScreen"),
    ),
    Area(
        "schedule",
        "Schedule",
        "Every visit as an agenda or a week grid; book, move, confirm or cancel",
        "f3",
        later("schedule", "ScheduleScreen"),
    ),
    Area(
        "backlog",
        "Backlog",
        "Every suggestion with its priority and service level; filter, sort and triage",
        "f4",
        later("backlog", "BacklogScreen"),
    ),
    Area(
        "actions",
        "Actions",
        "Follow-up actions: yours or everyone's, overdue first; done, start, drop, reassign",
        "f5",
        later("actions", "ActionsScreen"),
    ),
    Area(
        "meeting",
        "Meeting pack",
        "The fortnightly meeting's agenda, ready to export or copy",
        "f6",
        later("meeting", "MeetingScreen"),
    ),
    Area(
        "coverage",
        "Coverage",
        "Who has visited which department, the goals, the planner, and the feedback gap",
        "f8",
        later("coverage", "CoverageScreen"),
    ),
    Area(
        "outbox",
        "Outbox",
        "Invitations, reminders and notices: what is waiting, what failed and why; send now",
        "f9",
        later("outbox", "OutboxScreen"),
    ),
)
