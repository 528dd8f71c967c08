"""Completion as people type names: case and accents do not matter (``lucia`` completes
to ``Lucía Fernández``), for one name or a comma-separated list of them."""

from __future__ import annotations

from collections.abc import Iterable

from textual.suggester import Suggester

from shadow.core.directory import starts_with


class SuggestName(Suggester):
    """Suggests the rest of one name from a list (Textual's ``SuggestFromList`` minds
    accents: ``lucia`` never completed to ``Lucía``)."""

    def __init__(self, names: Iterable[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.names = list(names)

    def split(self, value: str) -> tuple[str, str]:
        """What is kept as typed, and the name being typed (the whole value)."""
        return "", value

    async def get_suggestion(self, value: str) -> str | None:
        head, last = self.split(value)
        typed = last.lstrip()
        if not typed:
            return None
        lead = last[: len(last) - len(typed)]
        for name in self.names:
            if starts_with(name, typed) and len(name) > len(typed):
                return f"{head}{lead}{name}"
        return None


class SuggestListItem(SuggestName):
    """Suggests the rest of the last comma-separated item from a list of names."""

    def split(self, value: str) -> tuple[str, str]:
        head, sep, last = value.rpartition(",")
        return head + sep, last
