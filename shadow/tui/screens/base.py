"""The frame every area screen shares: header, body, footer, staying current."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header

from ..commands import Command


class AreaScreen(Screen):
    """The base screen of one area (one app mode).

    Subclasses set ``AREA_TITLE``, ``HELP`` (what the area is for, shown by ?),
    ``COMMAND_LIST`` (with ``BINDINGS = bindings(COMMAND_LIST)``), ``WATCHES``
    (the tables whose changes matter) and implement ``compose_body`` and ``reload``.
    """

    AREA_TITLE: ClassVar[str] = ""
    COMMAND_LIST: ClassVar[tuple[Command, ...]] = ()
    WATCHES: ClassVar[frozenset[str]] = frozenset()

    def __init__(self) -> None:
        super().__init__()
        self._reload_pending = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.app.store_changed_signal.subscribe(self, self._store_changed)

    def _store_changed(self, tables: frozenset[str]) -> None:
        if tables & self.WATCHES and not self._reload_pending:
            # Several changes in a row (an import, another process) reload once.
            self._reload_pending = True
            self.call_after_refresh(self._reload_now)

    def _reload_now(self) -> None:
        self._reload_pending = False
        self.reload()

    def reload(self) -> None:
        """Re-read what the screen shows from the store."""
