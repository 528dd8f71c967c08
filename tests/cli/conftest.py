"""The demo database, made once a session and copied for each test that writes to it."""

from __future__ import annotations

import pytest

from shadow.cli import main
from tests.dbfiles import copy_database


@pytest.fixture(scope="session")
def _demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "shadow.json"
    with pytest.MonkeyPatch.context() as patch:  # never the real user's config
        patch.setenv("SHADOW_CONFIG", str(path.parent / "config" / "config.json"))
        patch.delenv("SHADOW_USER", raising=False)
        assert main(["--db", str(path), "demo"]) == 0
    return path


@pytest.fixture
def sample_db(_demo_file, tmp_path) -> str:
    """A fresh copy of ``shadow demo``'s database (the sample programme)."""
    (tmp_path / "db").mkdir()
    return str(copy_database(_demo_file, tmp_path / "db" / "shadow.json"))
