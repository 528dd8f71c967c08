"""Fixtures the core tests share."""

import pytest

from shadow.core.store import Store


@pytest.fixture
def sydney(monkeypatch):
    """The installation's zone is Sydney's (``tests.core.people.SYD``), where the booking,
    outcome and outbox tests' dates are written."""
    monkeypatch.setenv("TZ", "Australia/Sydney")


@pytest.fixture
def london_store(tmp_path, monkeypatch):
    """A fresh store in an installation whose zone is London's (the trends and occurrence
    index tests cross its clock change)."""
    monkeypatch.setenv("TZ", "Europe/London")
    s = Store(tmp_path / "shadow.json")
    yield s
    s.close()
