"""Fixtures the core tests share."""

import pytest


@pytest.fixture
def sydney(monkeypatch):
    """The installation's zone is Sydney's (``tests.core.people.SYD``), where the booking,
    outcome and outbox tests' dates are written."""
    monkeypatch.setenv("TZ", "Australia/Sydney")
