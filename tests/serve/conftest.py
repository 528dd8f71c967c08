from __future__ import annotations

import pytest

from tests.dbfiles import COORD, PASSWORDS, STAFF, VIEWER  # noqa: F401 (the tests import them here)


class Clock:
    """A settable clock in seconds for the rate limits, throttles and form tokens."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def served_db(accounts_db):
    """A copy of the sample programme with a coordinator, a staff and a viewer account."""
    return accounts_db
