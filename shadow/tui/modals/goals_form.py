"""Edit a programme's coverage goals: the visiting cadence and the onboarding target."""

from __future__ import annotations

import re
from typing import Any

from textual.content import Content
from textual.widgets import Input, Label

from shadow.core import coverage
from shadow.core.coverage import GoalError
from shadow.core.models import IT_ROLES, Person, Programme, ValidationError

from ..widgets.field import Field, text_field
from .form import FORM_ERROR, FormModal

# Which form field a core message about a goal's key belongs to.
_FIELDS = {
    "cadence": {"days": "cadence_days"},
    "onboarding": {"days": "onboarding_days", "count": "onboarding_count", "roles": "roles"},
}
# A valid stand-in, to find the next problem once one is known.
_VALID = {"days": 1, "count": 1, "roles": []}
_GOAL_MESSAGE = re.compile(r"goal \d+: (?P<key>\w+) (?P<rest>.*)")


def _number(text: str) -> int | str:
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() else text


def split_roles(text: str) -> list[str]:
    return [r.strip() for r in text.split(",") if r.strip()]


class GoalsForm(FormModal):
    """The first cadence goal and the first onboarding goal of a programme.

    Other goals (a second cadence goal, say, set with ``shadow goals --set``) are
    kept as they are. Dismisses with the programme's id when saved, or None.
    """

    FORM_TITLE = "Coverage goals"
    HELP = (
        "What the programme aims for. Cadence: every IT person visits every department "
        "at least once in this many days (leave it empty for no cadence goal). "
        "Onboarding: each new IT person with one of these roles visits this many "
        "different departments within this many days of joining (leave all three "
        "empty for no onboarding goal). Roles are comma-separated and complete as you "
        "type. The coverage matrix colours cells by the cadence: visited within half of "
        "it is fresh, within it ageing, beyond it stale. Save with ctrl+s."
    )
    DEFAULT_CSS = """
    GoalsForm #goals-kept {
        color: $text-muted;
        width: 100%;
        margin-bottom: 1;
    }
    """

    def __init__(self, programme: Programme) -> None:
        super().__init__(None)
        self._take(programme)

    def _take(self, programme: Programme) -> None:
        self.programme = programme
        self.expect_version = programme.version  # the programme's goals, as opened
        self.goals: list[dict[str, Any]] = list(programme.goals or coverage.DEFAULT_GOALS)
        # the form shows the IT-to-library goals; goals for visits to IT teams are kept as they are
        own = [g for g in self.goals if coverage.goal_direction(g) == "it-to-library"]
        self.cadence = next((g for g in own if g.get("type") == "cadence"), None)
        self.onboarding = next((g for g in own if g.get("type") == "onboarding"), None)

    # -- someone else saved the goals since: the goals are one field, mine or theirs
    def on_top(self, stale: Any, mine: Any) -> Any:
        return mine

    async def reload(self, stale: Any) -> None:
        fresh = Programme.from_doc(stale.current)
        fresh.id, fresh.version = stale.record_id, stale.version
        self._take(fresh)
        await self.recompose()

    def heading(self) -> str:
        return f"Coverage goals: {self.programme.name}"

    # -- layout
    def known_roles(self) -> list[str]:
        store = self.app.store
        used = {d.get("role", "") for d in store.all(Person.TABLE) if d.get("side") == "it"}
        return sorted((set(IT_ROLES) | used) - {""}, key=str.casefold)

    def fields(self) -> list[Field]:
        cadence = self.cadence or {}
        onboarding = self.onboarding or {}
        out: list[Any] = [
            text_field(
                "cadence_days",
                "Cadence (days)",
                str(cadence.get("days", "")),
                hint="each IT person visits each department at least this often",
                placeholder="e.g. 365",
            ),
            text_field(
                "onboarding_count",
                "Onboarding count",
                str(onboarding.get("count", "")),
                hint="each new IT person visits this many different departments …",
                placeholder="e.g. 3",
            ),
            text_field(
                "onboarding_days",
                "Onboarding days",
                str(onboarding.get("days", "")),
                hint="… within this many days of joining",
                placeholder="e.g. 90",
            ),
            text_field(
                "roles",
                "Onboarding roles",
                ", ".join(onboarding.get("roles", [])),
                hint="… for new starters in these roles (comma-separated; empty: every role)",
                items=self.known_roles(),
                placeholder="e.g. Help desk level 1, Help desk level 2",
            ),
        ]
        kept = self.kept()
        if kept:
            depts = {d["id"]: d["name"] for d in self.app.store.all("departments")}
            text = "Also kept as they are: " + "; ".join(
                coverage.describe_goal(g, depts) for g in kept
            )
            out.insert(0, Label(Content(text), id="goals-kept"))
        return out

    def kept(self) -> list[dict[str, Any]]:
        """The goals this form does not show."""
        return [g for g in self.goals if g is not self.cadence and g is not self.onboarding]

    # -- values
    def read_values(self) -> dict[str, Any]:
        return {
            name: self.query_one(f"#{name}", Input).value
            for name in ("cadence_days", "onboarding_count", "onboarding_days", "roles")
        }

    def build(self, values: dict[str, Any]) -> list[dict[str, Any]]:  # type: ignore[override]
        """The programme's goals from the typed values; raises ValidationError per field."""
        errors: dict[str, str] = {}
        built: list[tuple[str, dict[str, Any]]] = []
        if values["cadence_days"].strip():
            goal = dict(self.cadence or {"type": "cadence", "roles": [], "departments": []})
            goal["type"] = "cadence"
            goal["days"] = _number(values["cadence_days"])
            built.append(("cadence", goal))
        typed = {k: values[k].strip() for k in ("onboarding_count", "onboarding_days")}
        if any(typed.values()) or values["roles"].strip():
            goal = {"type": "onboarding"}
            for key, name in (("count", "onboarding_count"), ("days", "onboarding_days")):
                if not typed[name]:
                    errors[name] = "is needed for an onboarding goal (or clear all three)"
                    goal[key] = 1
                else:
                    goal[key] = _number(typed[name])
            goal["roles"] = split_roles(values["roles"])
            unknown = [r for r in goal["roles"] if r not in self.known_roles()]
            if unknown:
                errors["roles"] = f"lists a role no IT person has: {unknown[0]!r}"
            built.append(("onboarding", goal))
        for kind, goal in built:
            errors.update(self._check(kind, goal, errors))
        goals = [g for _, g in built] + self.kept()  # the form's own first, as they were
        if not errors and not goals:
            errors[FORM_ERROR] = (
                "Keep at least one goal: a programme without goals falls back to the defaults."
            )
        if errors:
            raise ValidationError(errors)
        return coverage.validate_goals(goals)

    @staticmethod
    def _check(kind: str, goal: dict[str, Any], known: dict[str, str]) -> dict[str, str]:
        """The core's verdict on one goal, each problem under its field."""
        found: dict[str, str] = {}
        goal = dict(goal)
        for _ in range(len(_VALID) + 1):
            try:
                coverage.validate_goals([goal])
            except GoalError as exc:
                m = _GOAL_MESSAGE.match(str(exc))
                key = m["key"] if m else ""
                name = _FIELDS[kind].get(key, FORM_ERROR)
                if name not in known:
                    found.setdefault(name, f"{key} {m['rest']}" if m else str(exc))
                if key not in _VALID:
                    break
                goal[key] = _VALID[key]
            else:
                break
        return found

    def write(self, actor: str, record: Any) -> int:
        coverage.set_goals(
            self.app.store, actor, self.programme.id, record, expect_version=self.expect_version
        )
        return self.programme.id
