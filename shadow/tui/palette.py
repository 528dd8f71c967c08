"""The one home of the colours that carry meaning: a visit's status, an action's status and a
suggestion's priority. Each is written once, in theme variables (for ``Content``); ``rich()`` gives
the same style for ``rich.text.Text`` cells (DataTable, the week grid), which cannot
read theme variables, as the nearest terminal colour."""

from __future__ import annotations

STATUS = {
    "requested": "$warning",
    "confirmed": "$success",
    "completed": "$text-muted",
    "cancelled": "$text-muted strike",
    "no-show": "$error",
}
ACTION = {"done": "bold $success", "dropped": "$text-muted"}
PRIORITY = {1: "bold $error", 2: "bold $warning", 3: "", 4: "$text-muted", 5: "$text-muted"}
SLA = {"breached": "bold $error", "at risk": "bold $warning", "met": "$success"}  # a clock's

_TERMINAL = {"$error": "red", "$warning": "yellow", "$success": "green", "$text-muted": "dim"}


def rich(style: str) -> str:
    """A palette style for a Rich ``Text``: theme variables become terminal colours."""
    return " ".join(_TERMINAL.get(word, word) for word in style.split())


def status_style(status: str) -> str:
    return STATUS.get(status, "")


def priority_style(level: int) -> str:
    return PRIORITY.get(level, "")
