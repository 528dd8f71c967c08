"""Narrow the backlog: status, priority, direction, department, tag, author, service level."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from textual.app import ComposeResult
from textual.widgets import Input

from shadow.core import backlog
from shadow.core.backlog import Filter
from shadow.core.models import DIRECTIONS, SUGGESTION_STATUSES

from ..widgets.field import Field, text_field
from ..widgets.suggest import SuggestName
from .base import FilterModal


class BacklogFilterModal(FilterModal[Filter]):
    """Dismisses with the new filter (the search text is kept), or None."""

    DIALOG_TITLE = "Filter the backlog"
    FILTER_CLASS = "backlog-filter"
    HELP = (
        "Show only the suggestions that match every choice here (the search box "
        "narrows further). Leave a choice on 'any' to ignore it. Apply with enter "
        "or ctrl+s; ctrl+x resets every choice; escape changes nothing."
    )

    def __init__(
        self,
        current: Filter,
        departments: Sequence[str],
        tags: Sequence[str],
        authors: Sequence[str],
    ) -> None:
        super().__init__()
        self.current = current
        self.departments = list(departments)
        self.tags = list(tags)
        self.authors = list(authors)

    def filter_fields(self) -> ComposeResult:
        f = self.current
        select = self.any_select
        yield Field(
            "status",
            "Status",
            select(
                "status",
                [("open (not yet done)", "open"), ("closed", "closed")]
                + [(s, s) for s in SUGGESTION_STATUSES],
                f.status,
            ),
        )
        yield Field(
            "priority",
            "Priority",
            select(
                "priority",
                [(f"P{p} {backlog.PRIORITY_NAMES[p]}", str(p)) for p in range(1, 6)],
                str(f.priority or ""),
            ),
        )
        yield Field(
            "direction",
            "Direction",
            select(
                "direction",
                [(backlog.DIRECTION_LABELS[d], d) for d in DIRECTIONS],
                f.direction,
            ),
        )
        yield Field(
            "department",
            "Department",
            select("department", [(d, d) for d in self.departments], f.department),
        )
        yield Field(
            "tag",
            "Tag",
            Input(f.tag, id="tag", suggester=SuggestName(self.tags)),
            hint="One tag, exactly (completes as you type)",
        )
        yield text_field(
            "author",
            "Raised by",
            f.author,
            hint="A person's name (completes as you type)",
            choices=self.authors,
        )
        yield Field(
            "sla",
            "Service level",
            select("sla", [("breached", "breached"), ("at risk", "at risk")], f.sla),
        )

    def chosen(self) -> Filter:
        value = self.value
        priority = value("priority")
        return dataclasses.replace(
            self.current,
            status=value("status"),
            priority=int(priority) if priority else None,
            direction=value("direction"),
            department=value("department"),
            tag=value("tag").lower(),
            author=value("author"),
            sla=value("sla"),
        )
