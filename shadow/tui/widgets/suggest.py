"""Completion for comma-separated lists of names (e.g. a department's hosts)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.suggester import Suggester

from shadow.core.directory import starts_with


class SuggestListItem(Suggester):
    """Suggests the rest of the last comma-separated item from a list of names."""

    def __init__(self, names: Iterable[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.names = list(names)

    async def get_suggestion(self, value: str) -> str | None:
        head, sep, last = value.rpartition(",")
        typed = last.lstrip()
        if not typed:
            return None
        lead = last[: len(last) - len(typed)]
        for name in self.names:
            if starts_with(name, typed) and len(name) > len(typed):
                return f"{head}{sep}{lead}{name}"
        return None
