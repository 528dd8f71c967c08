"""One declaration per command: it drives the key binding, the footer, the palette and help.

A screen (or the app) lists its commands in ``COMMAND_LIST``; ``BINDINGS`` is
derived from that list with :func:`bindings`, the app's
``get_system_commands`` turns the same list into command-palette entries, and
the help screen prints it. Adding a command is therefore one line, and the key,
footer label, palette title and help text can never drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Command:
    """A thing the user can do.

    ``action`` is a Textual action string run in the namespace of whoever
    declares the command (``"add"`` runs ``action_add`` on the screen).
    ``key`` may be ``None`` for palette-only commands, or several keys
    separated by commas (the first is the one shown).
    """

    action: str
    title: str
    help: str
    key: str | None = None
    key_display: str | None = None
    footer: bool = True
    palette: bool = True
    priority: bool = False
    # The label shown in the footer when it should be shorter than the title.
    short: str | None = None
    # In the footer only when the width leaves room for it (widgets/footer.py leaves
    # spare commands out first); the palette and ? help list it all the same.
    spare: bool = False

    @property
    def shown_key(self) -> str:
        if self.key_display:
            return self.key_display
        if not self.key:
            return ""
        first = self.key.split(",")[0].strip()
        return {
            "question_mark": "?",
            "slash": "/",
            "escape": "esc",
            "enter": "enter",
        }.get(first, first.replace("ctrl+", "^"))

    def binding(self) -> Binding:
        assert self.key is not None
        return Binding(
            self.key,
            self.action,
            self.short or self.title,
            show=self.footer,
            key_display=self.key_display,
            priority=self.priority,
            tooltip=self.help,
        )


def bindings(commands: Iterable[Command]) -> list[Binding]:
    """The key bindings for the commands that have a key."""
    return [c.binding() for c in commands if c.key]
