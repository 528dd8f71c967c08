"""Add or edit a library department."""

from __future__ import annotations

from typing import Any

from textual.widgets import TextArea

from shadow.core import directory
from shadow.core.models import Department

from ..widgets.field import Field, choice_field, text_fields
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
        text = text_fields(start)
        return [
            text("name", "Name"),
            choice_field(
                "side",
                "Side",
                [("Library department", "library"), ("IT team", "it")],
                start.get("side", "library") or "library",
                hint="An IT team is visited by library staff",
            ),
            text("branch", "Branch", choices=branches),
            text("capacity", "Capacity", hint="Visitors at once (1-200)"),
            text("hours", "Opening hours", hint="e.g. Mon-Fri 09:00-17:00; Sat 10:00-14:00"),
            text(
                "hosts",
                "Hosts",
                hint="Names of the department's side, comma-separated",
                items=hosts,
            ),
            text(
                "liaison",
                "Liaison",
                hint="Who coordinates its side of the programme",
                items=hosts,
            ),
            text("liaison_since", "Liaison since", hint="YYYY-MM-DD (a new liaison: today)"),
            text("closed", "Closed dates", hint="YYYY-MM-DD, comma-separated"),
            *self.active_field(),
            Field("notes", "Notes", TextArea(start.get("notes", ""), id="notes")),
        ]

    def read_values(self) -> dict[str, Any]:
        names = (*TEXT_FIELDS, "notes", "active") if self.editing else (*TEXT_FIELDS, "notes")
        return {name: value_of(self.field(name).widget) for name in names}

    def build(self, values: dict[str, Any]) -> Department:
        return directory.department_from_input(self.app.store, values, self.record)

    def write(self, actor: str, record: Department) -> int:
        return directory.save_department(
            self.app.store, actor, record, expect_version=self.expect_version
        )
