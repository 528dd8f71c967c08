"""Narrow the backlog: status, priority, direction, department, tag, author, service level."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Select

from shadow.core import backlog
from shadow.core.backlog import Filter
from shadow.core.models import DIRECTIONS, SUGGESTION_STATUSES

from ..commands import Command, bindings
from ..widgets.field import Field
from .base import HELP_COMMAND, ShadowModal
from .form import value_of

ANY = "any"


class BacklogFilterModal(ShadowModal[Filter]):
    """Dismisses with the new filter (the search text is kept), or None."""

    DIALOG_TITLE = "Filter the backlog"
    HELP = (
        "Show only the suggestions that match every choice here (the search box "
        "narrows further). Leave a choice on 'any' to ignore it. Apply with enter "
        "or ctrl+s; ctrl+x resets every choice; escape changes nothing."
    )
    COMMAND_LIST = (
        Command("apply", "Apply", "Show the suggestions that match", key="ctrl+s"),
        Command("reset", "Reset", "Set every choice back to 'any'", key="ctrl+x"),
        Command("cancel", "Cancel", "Change nothing", key="escape"),
        HELP_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)

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

    def compose_dialog(self) -> ComposeResult:
        f = self.current

        def select(name: str, options: list[tuple[str, str]], value: str) -> Select:
            choices = [(Text(label), v) for label, v in [("any", ANY), *options]]
            values = {v for _, v in choices}
            return Select(
                choices, value=value if value in values else ANY, allow_blank=False, id=name
            )

        with Vertical(classes="dialog form backlog-filter"):
            yield Label(self.DIALOG_TITLE, classes="dialog-title")
            with VerticalScroll(classes="form-body"):
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
                    Input(f.tag, id="tag", suggester=SuggestFromList(self.tags)),
                    hint="One tag, exactly (completes as you type)",
                )
                yield Field(
                    "author",
                    "Raised by",
                    Input(
                        f.author,
                        id="author",
                        suggester=SuggestFromList(self.authors, case_sensitive=False),
                    ),
                    hint="A person's name (completes as you type)",
                )
                yield Field(
                    "sla",
                    "Service level",
                    select("sla", [("breached", "breached"), ("at risk", "at risk")], f.sla),
                )
            with Horizontal(classes="buttons"):
                yield Button("Apply (ctrl+s)", variant="primary", id="apply")
                yield Button("Reset (ctrl+x)", id="reset")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#status", Select).focus()

    def chosen(self) -> Filter:
        def value(name: str) -> str:
            v = value_of(self.query_one(f"#{name}"))
            return "" if v == ANY else str(v).strip()

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

    @on(Button.Pressed, "#apply")
    @on(Input.Submitted)
    def action_apply(self) -> None:
        self.dismiss(self.chosen())

    @on(Button.Pressed, "#reset")
    def action_reset(self) -> None:
        for select in self.query(Select):
            select.value = ANY
        for box in self.query(Input):
            box.value = ""

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
