"""The conflicts of a proposed visit: hard ones ("conflict") first, then soft ones ("warning")."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

from shadow.core.schedule import Conflict

HARD_STYLE = "bold $text-error"
SOFT_STYLE = "bold $text-warning"
CLEAR_STYLE = "$text-success"


def conflict_content(conflicts: Sequence[Conflict], *, clear: str = "") -> Content:
    """One line per conflict, labelled; ``clear`` is shown (in green) when there are none.

    The messages quote names people typed: they go in as plain text, never markup.
    """
    if not conflicts:
        return Content.styled(clear, CLEAR_STYLE)
    return Content("\n").join(
        Content.assemble(
            ("conflict" if c.hard else "warning ", HARD_STYLE if c.hard else SOFT_STYLE),
            "  ",
            c.message,
        )
        for c in conflicts
    )


class ConflictList(Static):
    """Shows the conflicts found by the last check (or a reassuring line when there were none)."""

    DEFAULT_CSS = """
    ConflictList {
        width: 100%;
        height: auto;
        padding: 0 1;
        margin-bottom: 1;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.conflicts: list[Conflict] = []

    def show(self, conflicts: Sequence[Conflict] | None, *, clear: str = "") -> None:
        """``None``: nothing was checked (hide); a list: show it (or ``clear`` when empty)."""
        self.conflicts = list(conflicts or [])
        if conflicts is None:
            self.update("")
            self.display = False
            return
        self.update(conflict_content(self.conflicts, clear=clear))
        self.display = bool(self.conflicts) or bool(clear)

    @property
    def hard(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.hard]

    @property
    def soft(self) -> list[Conflict]:
        return [c for c in self.conflicts if not c.hard]

    @property
    def plain(self) -> str:
        return conflict_content(self.conflicts).plain
