"""Advisory file locks across processes, as the store and the outbox sender take them:
``flock`` on POSIX, exactly the call portalocker makes there, and portalocker itself on
Windows (LockFileEx), imported only there. (Importing portalocker reads its own package
metadata through ``importlib.metadata``: about 20 ms of every command.)

Every lock here is non-blocking: a lock someone else holds raises :class:`Busy` at once
(the caller decides whether and how long to wait); any other failure raises
:class:`LockFailed`, with the system's error as its ``__cause__``.
"""

from __future__ import annotations

import errno
import os
from typing import IO


class LockFailed(Exception):
    """The lock could not be taken or released (not because someone holds it)."""


class Busy(LockFailed):
    """Someone else holds a conflicting lock."""


if os.name == "nt":  # pragma: no cover - Windows

    def lock(fh: IO[bytes], *, exclusive: bool) -> None:
        """Lock ``fh``'s file, shared or exclusive, without waiting."""
        import portalocker

        flags = portalocker.LockFlags.EXCLUSIVE if exclusive else portalocker.LockFlags.SHARED
        try:
            portalocker.lock(fh, flags | portalocker.LockFlags.NON_BLOCKING)
        except portalocker.AlreadyLocked as exc:
            raise Busy(str(exc)) from exc.__cause__
        except portalocker.LockException as exc:
            raise LockFailed(str(exc)) from exc.__cause__

    def unlock(fh: IO[bytes]) -> None:
        import portalocker

        try:
            portalocker.unlock(fh)
        except portalocker.LockException as exc:
            raise LockFailed(str(exc)) from exc.__cause__

else:
    import fcntl

    def lock(fh: IO[bytes], *, exclusive: bool) -> None:
        """Lock ``fh``'s file, shared or exclusive, without waiting."""
        operation = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
        try:
            fcntl.flock(fh.fileno(), operation)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EAGAIN):
                raise Busy(str(exc)) from exc
            raise LockFailed(str(exc)) from exc
        except EOFError as exc:  # (seen on some network file systems)
            raise LockFailed(str(exc)) from exc

    def unlock(fh: IO[bytes]) -> None:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        except (OSError, EOFError) as exc:
            raise LockFailed(str(exc)) from exc
