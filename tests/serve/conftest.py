from __future__ import annotations

import pytest

from shadow.core import access, directory, sample
from shadow.core.store import Store
from tests.dbfiles import copy_database

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
    copy_database(_served_file, tmp_path / "shadow.json")
    return tmp_path / "shadow.json"
