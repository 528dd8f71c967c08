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

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from textual.dom import DOMNode
from textual.message import Message

from shadow.core.models import UserError
from shadow.core.store import StoreError

T = TypeVar("T")
SYNC_LIMIT = 3000  # up to this many records a screen is read on the spot
READ_ERRORS: tuple[type[BaseException], ...] = (StoreError, UserError)


def say_cannot_read(owner: DOMNode) -> Callable[[str], None]:
    """The default failure: one error line, the same everywhere."""

    def failed(error: str) -> None:
        owner.app.say(f"Cannot read the database: {error}", severity="error")

    return failed


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
        if self.prepare is not None:
            request = self.prepare(request)
        try:
            limit = self.limit() if callable(self.limit) else self.limit
            small = self.size is not None and self.size() <= limit
            if small:
                data = self.read(request)
        except self.errors as exc:
            self.failed(str(exc))
            return
        if small:
            self.show(data)
            return
        self.reading = True
        if self.busy is not None:
            self.busy()
        self.owner.run_worker(
            lambda: self._in_thread(request),
            thread=True,
            group=f"loader-{self.name}",
            name=self.name,
        )

    def _in_thread(self, request: Any) -> None:
        try:
            data = self.read(request)
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
        if self._again is not None:
            (request,), self._again = self._again, None
            self.load(request)


class LoadsData:
    """Mixed into screens and dialogs that own loaders: hands each result to its loader."""

    def on_loader_done(self, message: Loader.Done) -> None:
        message.loader.done(message)
