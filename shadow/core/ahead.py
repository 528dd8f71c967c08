"""A read started in a child process while this one goes on: the other core's work.

``shadow`` (the TUI) reads its Dashboard ahead this way while it imports Textual and
builds its first screen (at 150,000 records the read is ~1.2 s of CPU and the start
~0.6 s, one after the other on one core); ``shadow check`` checks the audit trail
beside the tables, ``report meeting`` reads its visit sections beside the rest, and
``export ics`` counts the visits' edits and writes half its events beside the other half.
The child is a ``fork`` of this process taken before any thread
starts, so it has the store as it is here and runs the same code; what it returns comes
back pickled through a pipe. Several children's results taken as one are a
:class:`Together` (the Dashboard's two halves, each in its own).

Nothing depends on it: where a process cannot fork, has one core, or already runs
threads, :func:`start` returns None, and a child that fails for any reason (an error,
a result that does not pickle, killed) makes :meth:`Ahead.take` raise
:class:`NotAhead`. Either way the caller does the work itself, as it would have.

The child never writes: it reads, returns and leaves with ``os._exit`` (no ``atexit``,
no store closing or folding, no buffered output flushed twice). Its standard streams
are /dev/null, so nothing it does reaches the terminal under a screen.
"""

from __future__ import annotations

import contextlib
import gc
import os
import select
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class NotAhead(Exception):
    """The child did not bring a result: do the work here."""


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_start() -> bool:
    """Whether a child can run beside this process: ``fork`` exists, there is a second core,
    and no thread runs yet (a fork copies only the thread that forks: a lock another one
    held would stay held in the child)."""
    return hasattr(os, "fork") and cores() >= 2 and threading.active_count() == 1


class Ahead(Generic[T]):
    """One child's result, to be taken once (:meth:`take`) or given up (:meth:`cancel`)."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid, self._fd = pid, fd
        self._lock = threading.Lock()
        self._taken = False  # take() began (it closes the pipe and reaps the child)
        self._over = False  # the child is stopped or reaped

    def ready(self) -> bool:
        """Whether the child has finished (its result, or its end, can be read at once)."""
        with self._lock:
            if self._taken or self._over:
                return True
            try:
                readable, _, _ = select.select([self._fd], [], [], 0)
            except (OSError, ValueError):
                return True  # (take() then says what happened)
            return bool(readable)

    def take(self) -> T:
        """The child's result, waiting for it (in a thread this lets the others run: the
        wait is on the pipe). NotAhead when the child failed or was stopped (cancel()),
        or this was taken already."""
        with self._lock:
            if self._taken or self._over:
                raise NotAhead("taken or stopped already")
            self._taken = True
        chunks = []
        try:
            while chunk := os.read(self._fd, 1 << 20):
                chunks.append(chunk)
        except OSError as exc:
            raise NotAhead(str(exc)) from None
        finally:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            status = self._reap()
        if status != 0 or not chunks:
            raise NotAhead(f"the child ended with status {status}")
        import pickle  # (imported by start(): here it is only looked up)

        try:
            return pickle.loads(b"".join(chunks))
        except Exception as exc:  # (a class the child knew and this one does not, ...)
            raise NotAhead(f"its result could not be read: {exc}") from None

    def cancel(self) -> None:
        """Not needed after all: the child stopped, and reaped (nothing left behind). A
        take() waiting meanwhile ends at once with NotAhead."""
        with self._lock:
            if self._over:
                return
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            if self._taken:
                return  # (the take() waiting reads the end of the pipe, closes it, reaps)
            self._taken = True
        with contextlib.suppress(OSError):
            os.close(self._fd)
        self._reap()

    def _reap(self) -> int:
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            status = -1
        else:
            status = os.waitstatus_to_exitcode(status)
        with self._lock:
            self._over = True
        return status


class Later(Protocol[T_co]):
    """What will be had from children: an :class:`Ahead` or several :class:`Together`."""

    def ready(self) -> bool: ...

    def take(self) -> T_co: ...

    def cancel(self) -> None: ...


class Together(Generic[T]):
    """Several children's results as one: ``combine(*results)``, ready once all are; one
    that brings nothing stops the others, and the whole is NotAhead."""

    def __init__(self, parts: Sequence[Ahead[Any]], combine: Callable[..., T]) -> None:
        self.parts, self._combine = tuple(parts), combine

    @property
    def pids(self) -> list[int]:
        return [part.pid for part in self.parts]

    def ready(self) -> bool:
        return all(part.ready() for part in self.parts)

    def take(self) -> T:
        results = []
        try:
            for part in self.parts:
                results.append(part.take())
        except NotAhead:
            self.cancel()
            raise
        return self._combine(*results)

    def cancel(self) -> None:
        for part in self.parts:
            part.cancel()


def taken_or(found: Later[T] | None, work: Callable[[], T]) -> T:
    """What ``found`` brought, else ``work()`` done here (no child, or it brought nothing)."""
    if found is not None:
        try:
            return found.take()
        except NotAhead:
            pass
    return work()


def start(work: Callable[[], T]) -> Ahead[T] | None:
    """``work()`` begun in a child process (see the module's notes); None where no child
    can run beside this one (:func:`can_start`), and the caller does the work itself."""
    if not can_start():
        return None
    import pickle  # noqa: F401 (for the child and take(); not with every command: ~4 ms)

    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: never returns
        _child(work, read_end, write_end)
    os.close(write_end)
    return Ahead(pid, read_end)


def _child(work: Callable[[], object], read_end: int, write_end: int) -> None:
    status = 1
    try:
        os.close(read_end)
        quiet = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(quiet, fd)
        sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (what wrote elsewhere)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # (the parent decides; see cancel())
        gc.disable()  # (it builds what it returns and ends: no garbage in cycles to find)
        import pickle  # (start() imported it before the fork)

        data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view) :]
        status = 0
    except BaseException:  # noqa: BLE001 (any failure: the parent does the work itself)
        status = 1
    finally:
        os._exit(status)
