"""Add or edit a person."""

from __future__ import annotations

import dataclasses
from typing import Any

from shadow.core import directory
from shadow.core.models import IT_ROLES, LIBRARY_ROLES, SIDE_LABELS, SIDES, Person

from ..widgets.field import Field, choice_field, text_fields
from .form import FormModal, value_of


class PersonForm(FormModal):
    """A person on either side. ``self_register``: someone adding themselves (no actor yet)."""

    FORM_TITLE = "Person"
    HELP = (
        "A person in the programme: IT staff who visit, or library staff who host. "
        "Role and department suggest as you type (right arrow accepts). For IT staff "
        "the department may also be a team name that is not a library department. "
        "Save checks everything and shows any problem under its field."
    )

    def __init__(self, person: Person | None = None, *, self_register: bool = False) -> None:
        super().__init__(person)
        self.self_register = self_register

    def heading(self) -> str:
        return "Add yourself" if self.self_register else super().heading()

    def fields(self) -> list[Field]:
        store = self.app.store
        start = (
            directory.person_to_input(store, self.record)
            if self.record is not None
            else {"side": "it"}
        )
        dept_names = [d.name for d in directory.departments(store, active_only=True)]
        teams = sorted({p.team for p in directory.people(store) if p.team})
        text = text_fields(start)
        return [
            text("name", "Name"),
            choice_field(
                "side", "Side", [(SIDE_LABELS[s], s) for s in SIDES], start.get("side") or "it"
            ),
            text("role", "Role", choices=IT_ROLES + LIBRARY_ROLES),
            text(
                "department",
                "Department",
                hint="A library department; for IT staff it may be their team",
                choices=dept_names + teams,
            ),
            text("team", "Team", choices=teams),
            text("email", "Email"),
            *self.active_field(),
        ]

    def read_values(self) -> dict[str, Any]:
        values = {
            name: value_of(self.field(name).widget)
            for name in ("name", "side", "role", "department", "email")
        }
        team = value_of(self.field("team").widget)
        # An IT person with no team typed: what is typed as department may be their
        # team (person_from_input decides, when "team" is left out).
        if not (values["side"] == "it" and not team.strip() and values["department"].strip()):
            values["team"] = team
        if self.editing:
            values["active"] = value_of(self.field("active").widget)
        return values

    def build(self, values: dict[str, Any]) -> Person:
        base = self.record
        if base is not None and "team" not in values:
            base = dataclasses.replace(base, team="")
        return directory.person_from_input(self.app.store, values, base)

    def actor_for(self, record: Person) -> str | None:
        if self.self_register:
            store = self.app.store
            if store.count(Person.TABLE) == 0:
                return directory.SETUP_ACTOR
            return record.name  # someone adding themselves is their own author
        return super().actor_for(record)

    def write(self, actor: str, record: Person) -> int:
        return directory.save_person(
            self.app.store, actor, record, expect_version=self.expect_version
        )
