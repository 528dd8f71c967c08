from __future__ import annotations

import shutil

import pytest

from shadow.core import access, directory, sample
from shadow.core.store import Store

COORD, STAFF, VIEWER = "Siobhán O'Connell", "Ben Kowalczyk", "Marcus Webb"
PASSWORDS = {COORD: "coordinator pw", STAFF: "staff password", VIEWER: "viewer password"}


@pytest.fixture(scope="session")
def _served_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("served") / "shadow.json"
    with Store(path) as store:
        sample.load_sample(store, directory.SETUP_ACTOR)
        for name, role in ((COORD, "coordinator"), (STAFF, "staff"), (VIEWER, "viewer")):
            access.add_account(store, COORD, name, role, PASSWORDS[name])
    return path


@pytest.fixture
def served_db(_served_file, tmp_path):
    """A copy of the sample programme with a coordinator, a staff and a viewer account."""
    for suffix in ("", ".journal"):
        src = _served_file.with_name(_served_file.name + suffix)
        if src.exists():
            shutil.copy(src, tmp_path / ("shadow.json" + suffix))
    return tmp_path / "shadow.json"
