"""Add or edit a library department."""

from __future__ import annotations

from typing import Any

from textual.widgets import Checkbox, Input, Select, TextArea

from shadow.core import directory
from shadow.core.models import Department

from ..widgets.field import Field
from ..widgets.suggest import SuggestListItem, SuggestName
from .form import FormModal, value_of

TEXT_FIELDS = ("name", "side", "branch", "capacity", "hours", "hosts", "liaison", "liaison_since",
               "closed")  # fmt: skip


class DepartmentForm(FormModal):
    FORM_TITLE = "Department"
    HELP = (
        "A library department IT staff can visit: where it is, how many visitors it "
        "can take at once, its opening hours, who hosts, and the dates it is closed. "
        "An IT team (side: IT) is visited the other way, by library staff, and hosted by "
        "IT staff. The liaison coordinates the department's side of the programme and "
        "rotates every few years (shadow settings liaison.rotation_years). "
        "Hosts are of the department's side, comma-separated (names complete as you type; right "
        "arrow accepts). Save checks everything and shows any problem under its field."
    )

    def fields(self) -> list[Field]:
        store = self.app.store
        start = (
            directory.department_to_input(store, self.record)
            if self.record is not None
            else {"capacity": "2"}
        )
        hosts = [p.name for p in directory.people(store, active_only=True)]
        branches = sorted({d.branch for d in directory.departments(store) if d.branch})
        out = [
            Field("name", "Name", Input(start.get("name", ""), id="name")),
            Field(
                "side",
                "Side",
                Select(
                    [("Library department", "library"), ("IT team", "it")],
                    value=start.get("side", "library") or "library",
                    allow_blank=False,
                    id="side",
                ),
                hint="An IT team is visited by library staff",
            ),
            Field(
                "branch",
                "Branch",
                Input(
                    start.get("branch", ""),
                    id="branch",
                    suggester=SuggestName(branches),
                ),
            ),
            Field(
                "capacity",
                "Capacity",
                Input(start.get("capacity", ""), id="capacity"),
                hint="Visitors at once (1-200)",
            ),
            Field(
                "hours",
                "Opening hours",
                Input(start.get("hours", ""), id="hours"),
                hint="e.g. Mon-Fri 09:00-17:00; Sat 10:00-14:00",
            ),
            Field(
                "hosts",
                "Hosts",
                Input(start.get("hosts", ""), id="hosts", suggester=SuggestListItem(hosts)),
                hint="Names of the department's side, comma-separated",
            ),
            Field(
                "liaison",
                "Liaison",
                Input(start.get("liaison", ""), id="liaison", suggester=SuggestListItem(hosts)),
                hint="Who coordinates its side of the programme",
            ),
            Field(
                "liaison_since",
                "Liaison since",
                Input(start.get("liaison_since", ""), id="liaison_since"),
                hint="YYYY-MM-DD (a new liaison: today)",
            ),
            Field(
                "closed",
                "Closed dates",
                Input(start.get("closed", ""), id="closed"),
                hint="YYYY-MM-DD, comma-separated",
            ),
        ]
        if self.editing:
            out.append(
                Field(
                    "active",
                    "Active",
                    Checkbox("active (shown in pickers)", self.record.active, id="active"),
                )
            )
        out.append(Field("notes", "Notes", TextArea(start.get("notes", ""), id="notes")))
        return out

    def read_values(self) -> dict[str, Any]:
        names = (*TEXT_FIELDS, "notes", "active") if self.editing else (*TEXT_FIELDS, "notes")
        return {name: value_of(self.field(name).widget) for name in names}

    def build(self, values: dict[str, Any]) -> Department:
        return directory.department_from_input(self.app.store, values, self.record)

    def write(self, actor: str, record: Department) -> int:
        return directory.save_department(
            self.app.store, actor, record, expect_version=self.expect_version
        )
