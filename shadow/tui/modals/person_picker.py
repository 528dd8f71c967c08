"""Pick one person from the directory: a :class:`RecordPicker` over a people search."""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content

from shadow.core import directory
from shadow.core.models import SIDE_LABELS, Department

from ..commands import bindings
from .pickers import RecordPicker, picker_commands


def people_search(
    store, *, current: int | None = None
) -> Callable[[str], list[tuple[str, Content]]]:
    """A :class:`RecordPicker` search over the active people (name, role, department or
    team: ``directory.matches``); ``current`` is marked "(now)"."""

    def search(typed: str) -> list[tuple[str, Content]]:
        depts = directory.names_by_id(store, Department.TABLE)
        found = []
        for person in directory.people(store, active_only=True):
            where = depts.get(person.department_id, "") if person.department_id else ""
            detail = ", ".join(x for x in (person.role, where or person.team) if x)
            if not directory.matches(typed.strip(), person.name, detail):
                continue
            side = SIDE_LABELS.get(person.side, person.side)
            label = Content.assemble(
                person.name,
                (f"  {side}" + (f" · {detail}" if detail else ""), "$text-muted"),
                ("  (now)", "bold") if person.id == current else "",
            )
            found.append((str(person.id), label))
        return found

    return search


class PersonPicker(RecordPicker[int]):
    """Dismisses with the chosen (active) person's id, or None. ``current`` is marked.

    The one way of choosing a person from a list; the identity dialog builds on it."""

    DEFAULT_CSS = """
    PersonPicker .picker {
        width: 72;
    }
    """
    HELP = "Type to narrow the list, up and down to move, enter to choose; escape changes nothing."
    COMMAND_LIST = picker_commands("person")
    BINDINGS = bindings(COMMAND_LIST)

    def __init__(self, title: str, *, current: int | None = None, note: str = "") -> None:
        super().__init__(
            title,
            lambda typed: people_search(self.app.store, current=current)(typed),
            note=note,
            placeholder="Type a name, role or team",
            empty="Nobody matches.",
        )
        self.current = current

    def pick(self, value: str) -> None:
        self.dismiss(int(value or 0))
