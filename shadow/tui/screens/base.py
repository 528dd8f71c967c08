"""The frame every area screen shares: header, body, footer, staying current."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header

from ..commands import Command
from ..loading import LoadsData
from ..widgets.footer import Footer


class AreaScreen(LoadsData, Screen):
    """The base screen of one area (one app mode).

    Subclasses set ``AREA_TITLE``, ``HELP`` (what the area is for, shown by ?),
    ``COMMAND_LIST`` (with ``BINDINGS = bindings(COMMAND_LIST)``), ``WATCHES``
    (the tables whose changes matter) and implement ``compose_body`` and ``reload``
    (which reads through a ``tui.loading.Loader``).

    A change to a watched table reloads the screen only while it is shown; a hidden
    screen (another area, or a dialog on top) marks itself stale and reloads when it is
    shown again.
    """

    AREA_TITLE: ClassVar[str] = ""
    COMMAND_LIST: ClassVar[tuple[Command, ...]] = ()
    WATCHES: ClassVar[frozenset[str]] = frozenset()

    def __init__(self) -> None:
        super().__init__()
        self._reload_pending = False
        self._stale = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.app.store_changed_signal.subscribe(self, self._store_changed)
        self.app.actor_changed_signal.subscribe(self, self._on_actor_changed)

    def _on_actor_changed(self, _person: object) -> None:
        """Another person acts now: what is "mine" on this screen is read again."""
        self._store_changed(frozenset(self.WATCHES))

    def _store_changed(self, tables: frozenset[str]) -> None:
        if not tables & self.WATCHES:
            return
        if not self.is_current:
            self._stale = True  # read again when shown
            return
        if not self._reload_pending:
            # Several changes in a row (an import, another process) reload once.
            self._reload_pending = True
            self.call_after_refresh(self._reload_now)

    def _reload_now(self) -> None:
        self._reload_pending = False
        self._stale = False
        self.reload()

    def on_screen_resume(self) -> None:
        if self._stale or self.outdated():
            self._reload_now()

    def outdated(self) -> bool:
        """Whether what is shown is too old to show again as it is (e.g. the day moved on)."""
        return False

    def reload(self) -> None:
        """Re-read what the screen shows from the store."""
