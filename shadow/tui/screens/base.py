"""The frame every area screen shares: header, body, footer, staying current."""

from __future__ import annotations

import contextlib
from typing import ClassVar

from textual import on
from textual._context import NoActiveAppError
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import Event, Mount, ScreenResume
from textual.screen import Screen
from textual.widgets import DataTable, Label

from shadow.core.models import (
    Action,
    Department,
    Kudos,
    Person,
    Programme,
    Suggestion,
    Visit,
)
from shadow.core.sla import SERVICE_TABLES
from shadow.core.store import StoreError

from ..commands import Command
from ..loading import LoadsData, say_cannot_read
from ..painting import PaintedWithTheirLayout
from ..preload import preload_when_idle
from ..widgets.footer import ShadowFooter
from ..widgets.header import ShadowHeader

# What the programme-wide views read (the Dashboard, the meeting pack): a change to any
# of these tables reads them again, and only these (a note is not in either: saving one
# read the hidden Meeting pack again, 1.2 s at 150,000 records). Checked against the
# tables their reads go through (tests/tui/test_meeting.py).
PROGRAMME_TABLES = (
    frozenset({t.TABLE for t in (Visit, Action, Suggestion, Kudos, Person, Department, Programme)})
    | SERVICE_TABLES
)

# The keys of a page opened over an area (a department's, a visit's): back to where it was
# opened (``AreaScreen.action_back``), and paging (the screen's ``action_page(direction)``).
BACK_COMMAND = Command("back", "Back", "Back to where you were", key="escape,q")
PAGE_COMMANDS = (
    Command("page('down')", "Page down", "Scroll down", key="pagedown", footer=False),
    Command("page('up')", "Page up", "Scroll up", key="pageup", footer=False),
)

# The r key of a screen whose only refresh is reading the database again (AreaScreen's).
REFRESH_COMMAND = Command("refresh", "Refresh", "Re-read the database now", key="r", footer=False)


def area_bar(area: str, fill: str, note: str, note_text: str = "") -> Horizontal:
    """An area's bar over its list (app.tcss ``.area-bar``): a line that fills it
    (``#{area}-{fill}``) and a muted note at its end (``#{area}-{note}``)."""
    return Horizontal(
        Label("", id=f"{area}-{fill}", classes="bar-fill", markup=False),
        Label(note_text, id=f"{area}-{note}", classes="bar-note", markup=False),
        id=f"{area}-bar",
        classes="area-bar",
    )


class AreaScreen(LoadsData, PaintedWithTheirLayout, Screen):
    """The base screen of one area (one app mode).

    Subclasses set ``AREA_TITLE``, ``HELP`` (what the area is for, shown by ?),
    ``COMMAND_LIST`` (with ``BINDINGS = bindings(COMMAND_LIST)``), ``WATCHES``
    (the tables whose changes matter), ``FOCUS`` (a selector: what has the focus when
    the screen opens) and implement ``compose_body`` and ``reload`` (which reads through
    a ``tui.loading.Loader``).

    Opening, the screen reads (after its own ``on_mount``: Textual calls each class's
    handler, the subclass's first); one created stale reads when first shown instead.
    ``RELOAD_ON_RESUME`` screens read again whenever they are shown after being hidden
    (not when first shown: Textual resumes a new mode's screen twice, and the read at
    its mount is current; Actions read three times when first opened).

    A change to a watched table reloads the screen only while it is shown; a hidden
    screen (another area, or a dialog on top) marks itself stale and reloads when it is
    shown again.

    ``ROW_ACTION`` names the action that enter (or a click) on a row of the area's table
    runs, as its key does.
    """

    AREA_TITLE: ClassVar[str] = ""
    COMMAND_LIST: ClassVar[tuple[Command, ...]] = ()
    WATCHES: ClassVar[frozenset[str]] = frozenset()
    FOCUS: ClassVar[str] = ""
    RELOAD_ON_RESUME: ClassVar[bool] = False
    ROW_ACTION: ClassVar[str] = ""

    @on(DataTable.RowSelected)
    def _row_action(self) -> None:
        if self.ROW_ACTION:
            getattr(self, f"action_{self.ROW_ACTION}")()

    def __init__(self) -> None:
        super().__init__()
        self._styled_with_current_css()
        self._reload_pending = False
        self._stale = False
        self._hidden_since_read = False  # hidden (another area, a dialog) since its last read
        self._styled_for = self._app_style_state()  # what its styles were worked out for

    def _styled_with_current_css(self) -> None:
        """A new screen is styled by the stylesheet as it is when it mounts, so it is
        marked current with the app's CSS. Textual marks every new screen outdated
        (``_css_update_count`` -1), and opening an area the first time then re-parsed the
        whole stylesheet from its sources and restyled every widget of every screen
        mounted so far, twice (``_init_mode`` refreshes while the old screen is still
        current, ``switch_mode`` again): ~0.1 s of an area's 0.35 s CPU at 10,000
        records, growing with each area opened. A theme changed later still restyles
        every screen (``App.refresh_css`` walks them all)."""
        with contextlib.suppress(NoActiveAppError):
            self._css_update_count = self.app._css_update_count

    async def on_event(self, event: Event) -> None:
        if isinstance(event, Mount) and not (self.is_attached and self.app.is_running):
            # The app is closing while this screen is built (an area built ahead, or one
            # opened as the person quit): some of its widgets are never mounted, and its
            # mount handlers, which read into them and focus them, would fail on the way
            # out.
            return
        await super().on_event(event)

    def compose(self) -> ComposeResult:
        yield ShadowHeader()
        yield from self.compose_body()
        yield ShadowFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        # The other screens are imported in the background once this one has read.
        self.call_after_refresh(preload_when_idle, self.app)
        self.app.store_changed_signal.subscribe(self, self._store_changed)
        self.app.actor_changed_signal.subscribe(self, self._on_actor_changed)
        if not self._stale:
            self._hidden_since_read = False
            self.reload()
        if self.FOCUS:
            # Focused now, not after the first paint as ``Widget.focus`` (a call later)
            # would: a table painted unfocused paints every visible row again when the
            # focus arrives (its renderings are kept per focus state).
            self.set_focus(self.query_one(self.FOCUS))

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
        self._hidden_since_read = False
        self.reload()

    def on_screen_suspend(self) -> None:
        self._hidden_since_read = True

    def _app_style_state(self) -> tuple | None:
        """What the app holds that the stylesheet's rules for this screen depend on beyond
        its own widgets: the stylesheet's version (a theme changed, CSS reloaded), the
        app's pseudo classes (focus, dark, ansi ...) and classes."""
        try:
            app = self.app
        except NoActiveAppError:
            return None
        return (app._css_update_count, app.pseudo_classes, frozenset(app.classes))

    def on_screen_resume(self, event: ScreenResume) -> None:
        state = self._app_style_state()
        if state == self._styled_for and self._css_update_count == self.app._css_update_count:
            # Styled for the stylesheet and the app as they are (at its mount, or when
            # last shown; its own widgets restyle themselves as they change): Textual's
            # restyle of the whole screen at every resume would compute the same styles
            # again: a sixth of an area's first opening at 10,000 records, and 19 ms of
            # 0.1 s going back to the Dashboard. (This runs before Screen's own handler,
            # which reads the flag.)
            event.refresh_styles = False
        self._styled_for = state
        again = self.RELOAD_ON_RESUME and self._hidden_since_read
        if again or self._stale or self.outdated():
            self._reload_now()

    def outdated(self) -> bool:
        """Whether what is shown is too old to show again as it is (e.g. the day moved on)."""
        return False

    def action_back(self) -> None:
        """Close a page opened over an area (``PAGE_COMMANDS``)."""
        self.app.pop_screen()

    def action_refresh(self) -> None:
        """Re-read the database now (another process's changes too), then the screen."""
        try:
            self.app.store.refresh()
        except StoreError as exc:
            say_cannot_read(self)(str(exc))
        self.reload()

    def reload(self) -> None:
        """Re-read what the screen shows from the store."""
