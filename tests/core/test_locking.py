"""core/locking.py: the advisory locks the store and the outbox sender take (flock on
POSIX, as portalocker takes it): shared with shared, exclusive with nobody, never waiting."""

import os

import pytest

from shadow.core import locking

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX flock semantics")


def test_shared_locks_share_and_an_exclusive_one_is_busy_until_released(tmp_path):
    path = tmp_path / "x.lock"
    path.touch()
    with open(path, "rb") as a, open(path, "rb") as b, open(path, "a+b") as c:
        locking.lock(a, exclusive=False)
        locking.lock(b, exclusive=False)  # (each open file is its own holder, as processes)
        with pytest.raises(locking.Busy):
            locking.lock(c, exclusive=True)
        locking.unlock(a)
        locking.unlock(b)
        locking.lock(c, exclusive=True)
        with pytest.raises(locking.Busy) as busy:
            locking.lock(a, exclusive=False)
        assert isinstance(busy.value, locking.LockFailed)  # (Busy is a kind of failure)
        assert isinstance(busy.value.__cause__, OSError)
        locking.unlock(c)
        locking.lock(a, exclusive=True)
        locking.unlock(a)


class _Closed:
    """A file whose descriptor was closed under it."""

    def __init__(self, fd: int):
        self.fd = fd

    def fileno(self) -> int:
        return self.fd


def test_other_failures_say_why_with_the_system_error(tmp_path):
    fd = os.open(tmp_path / "x.lock", os.O_CREAT | os.O_RDWR)
    os.close(fd)
    for call in (lambda f: locking.lock(f, exclusive=True), locking.unlock):
        with pytest.raises(locking.LockFailed) as failed:
            call(_Closed(fd))
        assert not isinstance(failed.value, locking.Busy)
        assert isinstance(failed.value.__cause__, OSError)
        assert "Bad file descriptor" in str(failed.value)
