"""Fixtures for the TUI tests: a store in tmp_path and a private user config."""

from __future__ import annotations

import pytest

from shadow.core import directory
from shadow.core.sample import DEMO_ACTOR, load_sample
from shadow.core.store import Store


@pytest.fixture(autouse=True)
def private_config(tmp_path, monkeypatch):
    """Never read or write the real user's config (theme, remembered identity)."""
    path = tmp_path / "config" / "config.json"
    monkeypatch.setenv("SHADOW_CONFIG", str(path))
    monkeypatch.delenv("SHADOW_USER", raising=False)
    return path


@pytest.fixture(autouse=True)
def _areas_built_when_opened(request, monkeypatch):
    """The app builds every area ahead once its first screen has read (tui/preload.py
    ``build_areas``); a test's app does so only where the test is marked ``builds_ahead``
    (tests/tui/test_built_ahead.py). Elsewhere each area is built when the test opens it,
    as served apps do: the building is CPU beside every test's own steps, and the suites'
    timing-sensitive waits were seen to miss under it (two failures in two full runs)."""
    if request.node.get_closest_marker("builds_ahead") is None:
        from shadow.tui import preload

        async def not_ahead(_app) -> None:
            return None

        monkeypatch.setattr(preload, "build_areas", not_ahead)


@pytest.fixture
def store(tmp_path):
    """An empty database in tmp_path."""
    s = Store(tmp_path / "db" / "shadow.json")
    yield s
    s.close()


@pytest.fixture
def sample_store(store):
    """The database with the sample programme loaded."""
    load_sample(store, directory.SETUP_ACTOR)
    return store


@pytest.fixture
def liaison(sample_store):
    """The sample's liaison, who acts in most tests."""
    return directory.find_person(sample_store, DEMO_ACTOR)


@pytest.fixture
def opens_on_directory(monkeypatch):
    """The app opens on the Directory (for tests written before the Dashboard became the
    first area); tests of the opening screen itself leave this out."""
    from shadow.tui.app import ShadowApp

    monkeypatch.setattr(ShadowApp, "DEFAULT_MODE", "directory")
