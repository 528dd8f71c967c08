"""The one way a screen or dialog reads what it shows (or runs a long job) off the store.

A ``Loader`` runs a pure read-model function ``read(request) -> data`` and hands the
result to ``show(data)``:

- on the spot when ``size()`` is at most ``limit`` (a small database: no flicker; a
  loader without ``size`` always uses the thread), else in a worker thread, with ``busy()`` called first so the screen can say it is reading;
- a load asked for while one runs is not lost: it runs once more when the first ends
  (requests asked meanwhile are merged by ``merge``, the newest wins by default);
  ``prepare(request)``, on the UI thread just before each read, adds what must be taken
  at that moment (e.g. what the screen already holds, for an incremental read);
- one error path: the exceptions in ``errors`` go to ``failed(message)``, by default the
  app's one line "Cannot read the database: …";
- the request (e.g. "now", who is acting) is taken on the UI thread, so ``read`` never
  touches a widget; from the thread the result comes back as a message, which never
  waits for the app (a read may hold the store's lock).

Screens and dialogs that own a loader mix in ``LoadsData`` (``AreaScreen`` and
``ShadowModal`` do), which routes the ``Loader.Done`` message back to its loader.
"""

from __future__ import annotations

import asyncio
import gc
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from textual.app import App
from textual.dom import DOMNode
from textual.message import Message
from textual.widget import Widget
from textual.worker import WorkerState

from shadow.core.models import UserError
from shadow.core.store import StoreError

from .painting import lay_out_next_turn, refreshes_now

T = TypeVar("T")
SYNC_LIMIT = 500  # up to this many records a screen is read on the spot (see Loader)
READ_ERRORS: tuple[type[BaseException], ...] = (StoreError, UserError)
RETRY_SECONDS = 0.1  # how often ``when_not_reading`` looks again


BUSY = (WorkerState.PENDING, WorkerState.RUNNING)  # a worker's states until it ends


def screens_reading(app: App) -> bool:
    """Whether a loader's read is running or waiting to run in a worker thread."""
    if any(_app_of(r.owner) is app for r in list(_starting)):
        return True
    return any(w.state in BUSY and w.group.startswith("loader-") for w in app.workers)


def _app_of(node: DOMNode) -> App | None:
    """The app ``node`` is attached to, by its parents. Not ``node.app`` nor
    ``node.is_attached``: both ask the app running now (a context variable), so a read
    that never started under an app that has since closed (another test's, in the same
    process) was taken for one of this app's, and its work waiting for no read (the
    screens' imports) waited for ever."""
    while node is not None and not isinstance(node, App):
        node = node._parent  # type: ignore[assignment]
    return None if node is None or node._exit else node


def when_not_reading(app: App, then: Callable[[], None]) -> None:
    """Call ``then`` once no loader is reading: work that no one waits for (the screens'
    imports, reminders) would otherwise share the interpreter with a screen's read in a
    thread, and the screen would paint later. Until then, look every ``RETRY_SECONDS``."""
    if screens_reading(app):
        app.set_timer(RETRY_SECONDS, lambda: when_not_reading(app, then))
    else:
        app.call_after_refresh(then)  # (after what the read brought is painted)


def say_cannot_read(owner: DOMNode) -> Callable[[str], None]:
    """The default failure: one error line, the same everywhere."""

    def failed(error: str) -> None:
        owner.app.say(f"Cannot read the database: {error}", severity="error")

    return failed


_pause_lock = threading.Lock()
_pauses = 0
_was_enabled = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection while a read builds its result (reads build hundreds of
    thousands of rows and occurrences and no garbage in cycles: every pass over them was
    wasted, 37 passes of up to 0.4 s in a session at 150,000 records). When the last read
    running ends, what was built meanwhile is kept out of later walks
    (:func:`keep_out_of_collector`) *without* a collection first: a collection there
    walked everything the read built, holding the GIL, 0.1-0.33 s at 150,000 records
    (the longest pause and event-loop freeze of a session). Only what the event loop
    made in cycles during the read and dropped is kept with it, a bounded amount."""
    global _pauses, _was_enabled
    with _pause_lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0:
                keep_out_of_collector()
                if _was_enabled:
                    gc.enable()


def keep_out_of_collector() -> None:
    """What a large read built now lives as long as its screen shows it: take it (and
    everything older) out of the garbage collector's walks, as the store does with its
    tables (``gc.freeze()``). Otherwise every full collection walks hundreds of thousands
    of rows, occurrences and cells again (pauses of 0.3-0.6 s at 150,000 records).
    Freed by reference counting as before when the screen drops them; only garbage in
    cycles that is alive at this moment is never collected, a bounded amount."""
    gc.freeze()


# Full collections after this many collections of the middle generation (Python's
# default is 10). Survivors of each full pass are frozen (below), so a full pass walks
# only what survived since the last one: more frequent passes walk as much in all, each
# a tenth of it (a pass over a burst of rendering walked up to 0.15 s at 150,000 records).
FULL_PASS_EVERY = 1


def _freeze_after_full_pass(phase: str, info: dict[str, Any]) -> None:
    if phase == "stop" and info.get("generation") == 2:
        gc.freeze()


def freeze_survivors_of_full_passes() -> Callable[[], None]:
    """After each full collection, keep what survived it out of later ones, and have full
    collections often enough that each walks little (returns the undo). A session's
    widgets, styles and rows are long-lived; without this every full pass walked all of
    them again (150,000 objects, up to 0.6 s). Only what is created since the last full
    pass is walked; garbage in cycles made and dropped between two passes (a dialog
    opened and closed) is collected by the next one; what lived across a pass and later
    becomes garbage in a cycle is never collected, a bounded cost per dialog."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], FULL_PASS_EVERY)
    if _freeze_after_full_pass not in gc.callbacks:
        gc.callbacks.append(_freeze_after_full_pass)

    def undo() -> None:
        gc.set_threshold(*thresholds)
        if _freeze_after_full_pass in gc.callbacks:
            gc.callbacks.remove(_freeze_after_full_pass)

    return undo


_starting: weakref.WeakSet[Loader] = weakref.WeakSet()  # reads whose thread starts soon


class Loader(Generic[T]):
    """Reads ``read(request)`` for ``owner`` and shows it with ``show``."""

    class Done(Message, bubble=False):
        """A read finished in a thread (``error`` is None when it worked)."""

        def __init__(self, loader: Loader, data: Any, error: str | None) -> None:
            super().__init__()
            self.loader, self.data, self.error = loader, data, error

    def __init__(
        self,
        owner: DOMNode,
        read: Callable[[Any], T],
        show: Callable[[T], None],
        *,
        size: Callable[[], int] | None = None,
        limit: int | Callable[[], int] = SYNC_LIMIT,
        busy: Callable[[], None] | None = None,
        failed: Callable[[str], None] | None = None,
        errors: tuple[type[BaseException], ...] = READ_ERRORS,
        merge: Callable[[Any, Any], Any] = lambda _older, newer: newer,
        prepare: Callable[[Any], Any] | None = None,
        name: str = "load",
    ) -> None:
        self.owner, self.name = owner, name
        self.read, self.show, self.prepare, self.merge = read, show, prepare, merge
        self.size, self.limit, self.busy = size, limit, busy
        self.failed, self.errors = failed or say_cannot_read(owner), errors
        self.reading = False
        self._again: tuple[Any] | None = None  # a request asked for while one runs

    def load(self, request: Any = None) -> None:
        """Read now (small), in a thread (large), or after the read that is running."""
        if self.reading:
            self._again = (request if self._again is None else self.merge(self._again[0], request),)
            return
        if not self.owner.is_attached:
            return  # (the owner is closing, as the app may be: nothing to show it on)
        if self.prepare is not None:
            request = self.prepare(request)
        try:
            small = self.small()
            if small:
                data = self.read(request)
        except self.errors as exc:
            self.failed(str(exc))
            return
        if small:
            self.show(data)
            if isinstance(self.owner, Widget) and self.owner.is_attached:
                lay_out_next_turn(self.owner.screen)  # (the read was this turn's work)
            return
        self.reading = True
        if self.busy is not None:
            self.busy()
        # The thread starts once the screen is painted as it stands (the first paint of a
        # screen just opened is most of the cost of opening it): the two would share the
        # interpreter, and that paint, a freeze of the event loop, would last about twice
        # as long (0.07 s alone, 0.12-0.13 s beside a read, at 150,000 records).
        if self.owner.call_after_refresh(self._start, request):
            _starting.add(self)
        else:
            self.reading = False  # (the owner is closing: nobody to show it to)

    def _start(self, request: Any) -> None:
        _starting.discard(self)
        if not self.owner.is_attached:
            self.reading = False
            return
        self.owner.run_worker(
            lambda: self._in_thread(request),
            thread=True,
            group=f"loader-{self.name}",
            name=self.name,
        )

    def small(self) -> bool:
        """Whether a read runs on the spot (see ``size``, ``limit``)."""
        limit = self.limit() if callable(self.limit) else self.limit
        return self.size is not None and self.size() <= limit

    async def fetch(self, request: Any = None) -> T:
        """``read(request)``, awaited, for a step that needs the answer before it goes on
        (a form checks before it saves): on the spot when small, else in a worker thread
        while the event loop runs on. Errors go to the caller, not to ``failed``."""
        if self.prepare is not None:
            request = self.prepare(request)
        if self.small():
            return self.read(request)
        return await asyncio.to_thread(self._read_quietly, request)

    def _read_quietly(self, request: Any) -> T:
        """The read as a thread runs it: no garbage collection meanwhile."""
        with collector_paused():
            return self.read(request)

    def _in_thread(self, request: Any) -> None:
        try:
            data = self._read_quietly(request)
        except self.errors as exc:
            self.owner.post_message(self.Done(self, None, str(exc)))
        else:
            self.owner.post_message(self.Done(self, data, None))

    def done(self, message: Done) -> None:
        """The thread's result, back on the UI thread."""
        self.reading = False
        if message.error is not None:
            self.failed(message.error)
        else:
            self.show(message.data)
            keep_out_of_collector()
            shown_on = self.owner if isinstance(self.owner, Widget) else None
            if shown_on is not None and shown_on.is_attached:
                # What the data changed, painted in the screen's next pass, not in one
                # pass for each widget as it goes idle (a page painted its data in two
                # or three passes, 0.03-0.06 s apart, at 10,000 records).
                refreshes_now(shown_on.screen)
        if self._again is not None:
            (request,), self._again = self._again, None
            self.load(request)


class LoadsData:
    """Mixed into screens and dialogs that own loaders: hands each result to its loader."""

    def on_loader_done(self, message: Loader.Done) -> None:
        message.loader.done(message)
