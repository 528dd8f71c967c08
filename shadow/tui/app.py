"""The Textual application: one mode per area, the acting person, theme and staying current.

The CLI (and every test) builds the app with :func:`create_app`. Each area is a Textual
*mode* with its own screen stack, listed once in ``areas.AREAS`` (one entry there plus its
screen module adds one); those not yet opened are built ahead (``preload.build_areas``).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from importlib import import_module

from textual import work
from textual.app import App, SystemCommand
from textual.command import CommandPalette
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.signal import Signal

from shadow.core import config, dates, directory
from shadow.core.ahead import Later
from shadow.core.dashboard import DashboardData
from shadow.core.directory import DirectoryError
from shadow.core.models import Person, ValidationError, is_empty
from shadow.core.store import Store, StoreError

from .areas import AREAS
from .commands import Command, bindings
from .exports import EXPORT_COMMANDS, ExportActions
from .housekeeping import WatchesInput, housekeep_when_idle
from .links import LINK_COMMANDS, LinkActions
from .loading import Loader, LoadsData, freeze_survivors_of_full_passes
from .modals.help import HelpScreen
from .painting import PushedScreensLaidOutOnce
from .preload import ShowsBuiltAreasAtOnce, after_first_read
from .strips import lazy_strip_caches

POLL_SECONDS = 2.0

lazy_strip_caches()  # (every paint makes thousands of Strips: see tui/strips.py)


def real_now() -> datetime:
    """The app's default clock: the real time in the local zone (read at each call)."""
    return dates.now()


APP_COMMANDS: tuple[Command, ...] = (
    Command(
        "help",
        "Help",
        "Show this screen's keys and what it is for",
        key="question_mark,f1",
        key_display="?",
    ),
    Command(
        "who_am_i",
        "Who am I",
        "Choose who you are: every change records its author",
        key="w",
        short="Who am I",
        spare=True,  # the header names who you are; the footer gives room to the screen's own
    ),
    Command(
        "toggle_dark",
        "Toggle dark/light",
        "Switch between the dark and the light theme (remembered)",
        key="ctrl+t",
        footer=False,
    ),
    Command("change_theme", "Change theme", "Pick a colour theme (remembered for next time)"),
    Command(
        "department_page",
        "Department page",
        "A department's card: liaison, coverage both ways, open work, kudos, perception",
    ),
    Command(
        "quit",
        "Quit",
        "Leave shadow (every change is already saved)",
        key="ctrl+q",
        footer=False,
        priority=True,
    ),
    *(
        Command(
            f"switch_mode({a.mode!r})",
            f"Switch area: {a.title}",
            a.help,
            key=a.key,
            footer=False,
        )
        for a in AREAS
    ),
    *EXPORT_COMMANDS,
    *LINK_COMMANDS,
)

# App commands that make no sense while a dialog is open.
_NOT_IN_MODALS = {"who_am_i", "switch_mode"}


class StoreChanged(Message):
    """The database changed (this process or another); ``tables`` says which tables."""

    def __init__(self, tables: frozenset[str]) -> None:
        super().__init__()
        self.tables = tables


class ShadowApp(
    ShowsBuiltAreasAtOnce,
    PushedScreensLaidOutOnce,
    WatchesInput,
    LoadsData,
    ExportActions,
    LinkActions,
    App[None],
):
    """shadow's terminal interface."""

    TITLE = "shadow"
    CSS_PATH = "app.tcss"
    MODES = {a.mode: a.screen for a in AREAS}
    DEFAULT_MODE = AREAS[0].mode
    COMMAND_LIST = APP_COMMANDS
    BINDINGS = bindings(APP_COMMANDS)
    HELP = "shadow runs IT job-shadowing and tour programmes for libraries."

    def __init__(
        self,
        store: Store,
        actor: Person | None = None,
        *,
        demo: bool = False,
        clock: Callable[[], datetime] | None = None,
        ahead: Later[DashboardData] | None = None,
    ):
        super().__init__()
        self.store = store
        # The Dashboard begun in child processes before Textual was imported (cli/tui.py):
        # the Dashboard's first read takes it.
        self.dashboard_ahead = ahead
        # The one "now" of every screen and dialog (tests pass a fixed one).
        self.clock: Callable[[], datetime] = clock or real_now
        self.actor: Person | None = actor
        self.demo = demo
        # Set by `shadow serve`: "signed-in" (the person is fixed) or "open" (loopback, no accounts).
        self.served = os.environ.get("SHADOW_SERVED", "")
        self.store_changed_signal: Signal[frozenset[str]] = Signal(self, "store-changed")
        # Who is acting changed: screens showing "my ..." lists read again.
        self.actor_changed_signal: Signal[Person | None] = Signal(self, "actor-changed")
        self._poll_paused = 0
        self._poll_error: str | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._unfreeze: Callable[[], None] = lambda: None
        self._reminders: Loader[tuple[Person, str]] = Loader(
            self,
            self._read_reminders,
            self._show_reminders,
            size=lambda: self.store.size_hint("actions"),
            failed=lambda _error: None,  # reminders are a courtesy: no error for them
            name="reminders",
        )
        saved = config.get("theme")
        if isinstance(saved, str) and saved in self.available_themes:
            self.theme = saved
        self._update_sub_title()

    # ------------------------------------------------------------ lifecycle
    def on_mount(self) -> None:
        self._unfreeze = freeze_survivors_of_full_passes()
        self._unsubscribe = self.store.subscribe(self._store_listener)
        # The store's notices (waiting for another process's lock, ...) become toasts,
        # never text on stderr under the screen; waits happen in workers, not here.
        self.store.notice = self._store_notice
        self.store.defer_folds = True  # (a save leaves a due fold to housekeeping.py)
        self.set_interval(POLL_SECONDS, self._poll)
        outbox = lambda: import_module(f"{__package__}.screens.outbox")  # noqa: E731
        after_first_read(self, lambda: outbox().start_background_sender(self))
        self._startup()

    def on_unmount(self) -> None:
        if self.dashboard_ahead is not None:  # (not taken: its child stops)
            self.dashboard_ahead.cancel()
        self._unfreeze()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    @work(exclusive=True, group="startup")
    async def _startup(self) -> None:
        """First run: offer the sample; then ask who is acting if nobody is yet."""
        if is_empty(self.store):
            from .modals.first_run import FirstRunModal  # (only on a first run)

            choice = await self.push_screen_wait(FirstRunModal())
            if choice == "sample":
                try:
                    from shadow.core.sample import load_sample

                    counts = load_sample(self.store, actor=directory.SETUP_ACTOR)
                except (DirectoryError, StoreError) as exc:
                    self.say(f"Could not load the sample: {exc}", severity="error")
                else:
                    self.say(
                        f"Loaded the sample programme: {counts['people']} people, "
                        f"{counts['departments']} departments"
                    )
        if self.actor is None and not self.demo:
            await self.choose_identity()  # (which reminds whoever is chosen)
        elif self.actor is not None:  # (after the first screen's read: nothing waits for it)
            after_first_read(self, self.remind)

    def remind(self) -> None:
        """One notification for the acting person: overdue actions, visits in 48 hours."""
        if self.actor is not None:
            self._reminders.load(self.actor)

    def _read_reminders(self, person: Person) -> tuple[Person, str]:
        from shadow.core import actions

        return person, actions.reminders(self.store, person, self.clock())

    def _show_reminders(self, found: tuple[Person, str]) -> None:
        person, text = found
        if text:
            self.say(text[:1].upper() + text[1:], title=f"Reminders for {person.name}", timeout=12)

    # ------------------------------------------------------------ identity
    @property
    def sub_title_text(self) -> str:
        who = self.actor.name if self.actor is not None else "no identity chosen"
        return f"DEMO · {who}" if self.demo else who

    def _update_sub_title(self) -> None:
        self.sub_title = self.sub_title_text

    def set_actor(self, person: Person | None, *, remember: bool = True) -> None:
        self.actor = person
        if remember and not self.demo:
            config.remember_identity(self.store.path, person.id if person else None)
        self._update_sub_title()
        self.actor_changed_signal.publish(person)

    async def choose_identity(self) -> None:
        """Ask who is acting (call from a worker)."""
        from .modals.identity import IdentityModal  # (not imported before the first paint)

        person_id = await self.push_screen_wait(IdentityModal())
        if person_id is None:
            if self.actor is None:
                self.say(
                    "No identity chosen: you can look around, but changes are refused "
                    "until you choose who you are (press w, or ctrl+p → Who am I).",
                    severity="warning",
                    timeout=8,
                )
            return
        doc = self.store.get(Person.TABLE, person_id)
        if doc is None:
            return
        self.set_actor(Person.from_doc(doc))
        self.say(f"You are {self.actor.name}")
        self.remind()

    def acting_name(self) -> str | None:
        """The audit name for a change, or None (after telling the user) if nobody is chosen."""
        try:
            return directory.actor_name(self.store, self.actor)
        except DirectoryError:
            self.say(
                "Choose who you are before changing anything: press w "
                "(or ctrl+p → Who am I). Every change records its author.",
                title="Who is acting?",
                severity="error",
                timeout=8,
            )
            return None

    # ------------------------------------------------------------ staying current
    def _store_listener(self, tables: set[str]) -> None:
        """Called by the store after any change; maybe from a worker thread."""
        # post_message is thread-safe: from a worker thread it hands the message to
        # the app's loop without waiting. (call_from_thread would block the writer,
        # and deadlock if the app thread were waiting for the store's lock meanwhile.)
        self.post_message(StoreChanged(frozenset(tables)))

    def on_store_changed(self, message: StoreChanged) -> None:
        if self.actor is not None and Person.TABLE in message.tables:
            doc = self.store.get(Person.TABLE, self.actor.id)
            if doc is not None:
                self.actor = Person.from_doc(doc)
            self._update_sub_title()
        self.store_changed_signal.publish(message.tables)

    def _poll(self) -> None:
        """Pick up other processes' changes (the store notifies the listener)."""
        if self._poll_paused:
            return
        try:
            self.store.refresh(wait=False)
        except StoreError as exc:
            if str(exc) != self._poll_error:
                self._poll_error = str(exc)
                self.say(f"Cannot read the database: {exc}", severity="error")
        else:
            self._poll_error = None
            housekeep_when_idle(self)

    def pause_polling(self) -> None:
        """Stop polling while a background write holds the store (resume_polling after)."""
        self._poll_paused += 1

    def resume_polling(self) -> None:
        self._poll_paused = max(0, self._poll_paused - 1)

    # ------------------------------------------------------------ theme
    def watch_theme(self, theme: str) -> None:
        if config.get("theme") != theme and not self.served:  # served: one config, many people
            try:
                config.put("theme", theme)
            except OSError as exc:
                self.say(f"Could not save the theme choice: {exc}", severity="warning")

    # ------------------------------------------------------------ commands
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "who_am_i" and self.served == "signed-in":
            return False  # served, you are who you signed in as
        screen = self.commands_screen()
        if isinstance(screen, ModalScreen):
            if action in _NOT_IN_MODALS:
                return False
            if action == "help" and isinstance(screen, HelpScreen):
                return False
        return True

    def commands_screen(self) -> Screen:
        """The screen whose commands apply: the one under the command palette while it is
        open (the palette is a dialog itself, and would hide 'Who am I' and the areas)."""
        stack = self.screen_stack
        if isinstance(self.screen, CommandPalette) and len(stack) > 1:
            return stack[-2]
        return self.screen

    def app_commands(self) -> list[Command]:
        """The app-wide commands available on the current screen."""
        return [c for c in APP_COMMANDS if self._enabled(self, c)]

    @staticmethod
    def _enabled(owner, command: Command) -> bool:
        name = command.action.split("(")[0]
        try:
            return owner.check_action(name, ()) is True
        except Exception:  # pragma: no cover - a broken check should not hide the palette
            return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Palette entries: the screen's commands, then the app's, then Textual's extras."""
        seen: set[str] = set()
        for command in getattr(screen, "COMMAND_LIST", ()):
            if command.palette and self._enabled(screen, command):
                seen.add(command.title)
                yield SystemCommand(
                    command.title,
                    self._palette_help(command),
                    partial(self.run_action, command.action, screen),
                )
        for command in self.app_commands():
            if command.palette and command.title not in seen:
                yield SystemCommand(
                    command.title,
                    self._palette_help(command),
                    partial(self.run_action, command.action, self),
                )
        ours = {c.title for c in APP_COMMANDS} | {"Theme", "Quit"}
        for extra in super().get_system_commands(screen):
            if extra.title not in ours:
                yield extra

    @staticmethod
    def _palette_help(command: Command) -> str:
        # The palette reads help as markup: keep square brackets out of it.
        return f"{command.help} (key: {command.shown_key})" if command.shown_key else command.help

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.screen))

    def action_department_page(self) -> None:
        from .screens.department import choose_department

        choose_department(self)

    @work(exclusive=True, group="identity")
    async def action_who_am_i(self) -> None:
        await self.choose_identity()

    def _store_notice(self, message: str) -> None:
        if threading.get_ident() == self._thread_id:
            self.say(message, severity="warning")
        else:
            with contextlib.suppress(RuntimeError):  # the app is already closing
                self.call_from_thread(self.say, message, severity="warning")

    # ------------------------------------------------------------ helpers
    def say(
        self,
        message: str,
        *,
        title: str = "",
        severity: str = "information",
        timeout: float | None = None,
    ) -> None:
        """A notification whose text is shown literally (it often quotes user data)."""
        self.notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def say_refused(self, exc: Exception) -> None:
        """A change the core refused: its reasons (each field's, for a form's input), as an
        error titled "Not changed"."""
        text = "; ".join(exc.errors.values()) if isinstance(exc, ValidationError) else str(exc)
        self.say(text, title="Not changed", severity="error")


def create_app(
    store: Store,
    actor: Person | None = None,
    *,
    demo: bool = False,
    clock: Callable[[], datetime] | None = None,
    ahead: Later[DashboardData] | None = None,
) -> ShadowApp:
    """The app for ``store``, acting as ``actor`` (None: ask). ``demo``: a throwaway sample copy.
    ``clock``: what "now" is (default: the real time, in the local zone). ``ahead``: see
    ``core.dashboard.read_ahead``."""
    return ShadowApp(store, actor, demo=demo, clock=clock, ahead=ahead)
