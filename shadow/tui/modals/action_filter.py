"""Narrow the actions: how due, status, owner, department."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import ComposeResult

from shadow.core.actions import ActionView

from ..widgets.field import Field
from .base import FilterModal

LIVE = ("open", "in progress")
DUE_CHOICES = (("overdue", "overdue"), ("due this week (next 7 days)", "week"))
STATUS_CHOICES = (
    ("not finished (open or in progress)", "live"),
    ("open", "open"),
    ("in progress", "in progress"),
    ("done", "done"),
    ("dropped", "dropped"),
    ("finished (done or dropped)", "closed"),
)
_STATUS_CHIPS = {"live": "not finished", "closed": "finished"}


@dataclass(frozen=True)
class ActionFilter:
    """Which actions to show; every part left empty matches everything."""

    due: str = ""  # "overdue" | "week"
    status: str = ""  # "live", "closed" or one status
    owner: str = ""  # an owner's name, as shown
    department: str = ""  # a department's name, as shown

    def active(self) -> bool:
        return bool(self.due or self.status or self.owner or self.department)

    def chips(self) -> list[str]:
        """The parts in force, as short labels for the line above the table."""
        out = []
        if self.due:
            out.append("overdue" if self.due == "overdue" else "due this week")
        if self.status:
            out.append(_STATUS_CHIPS.get(self.status, self.status))
        if self.owner:
            out.append(f"owner: {self.owner}")
        if self.department:
            out.append(f"department: {self.department}")
        return out

    def matches(self, v: ActionView) -> bool:
        status = v.action.status
        if self.due == "overdue" and not v.overdue:
            return False
        if self.due == "week" and not v.due_soon:
            return False
        if self.status == "live" and status not in LIVE:
            return False
        if self.status == "closed" and status in LIVE:
            return False
        if self.status not in ("", "live", "closed") and status != self.status:
            return False
        if self.owner and v.owner != self.owner:
            return False
        return not self.department or v.department == self.department


class ActionFilterModal(FilterModal[ActionFilter]):
    """Dismisses with the new filter, or None."""

    DIALOG_TITLE = "Filter the actions"
    FILTER_CLASS = "action-filter"
    HELP = (
        "Show only the actions that match every choice here. Leave a choice on 'any' "
        "to ignore it. Apply with ctrl+s (or the button); ctrl+x resets every choice; "
        "escape changes nothing. On the list, c clears the filter."
    )

    def __init__(
        self, current: ActionFilter, owners: Sequence[str], departments: Sequence[str]
    ) -> None:
        super().__init__()
        self.current = current
        self.owners = list(owners)
        self.departments = list(departments)

    def filter_fields(self) -> ComposeResult:
        f = self.current
        select = self.any_select
        yield Field("due", "Due", select("due", DUE_CHOICES, f.due))
        yield Field("status", "Status", select("status", STATUS_CHOICES, f.status))
        yield Field("owner", "Owner", select("owner", [(n, n) for n in self.owners], f.owner))
        yield Field(
            "department",
            "Department",
            select("department", [(d, d) for d in self.departments], f.department),
        )

    def chosen(self) -> ActionFilter:
        value = self.value
        return dataclasses.replace(
            self.current,
            due=value("due"),
            status=value("status"),
            owner=value("owner"),
            department=value("department"),
        )
