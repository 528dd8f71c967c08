"""Copying a whole database in tests: the snapshot and every file beside it that belongs
to it (journal, audit trail of its generation), renamed with it. Copying only the
snapshot and journal loses the audit trail, which lives in its own file."""

from __future__ import annotations

import shutil
from pathlib import Path


def copy_database(src: Path, dst: Path) -> Path:
    """Copy the database at ``src`` to ``dst`` (its companion files too); returns ``dst``."""
    src, dst = Path(src), Path(dst)
    shutil.copy(src, dst)
    for item in src.parent.glob(src.name + ".*"):
        if item.is_file() and not item.name.endswith(".lock"):
            shutil.copy(item, dst.with_name(dst.name + item.name[len(src.name) :]))
    return dst


# The sample programme's people given accounts, one per role, by the tests of roles,
# secret links and serving (tests/conftest.py builds the file once a session).
COORD, STAFF, VIEWER = "Siobhán O'Connell", "Ben Kowalczyk", "Marcus Webb"
PASSWORDS = {COORD: "coordinator pw", STAFF: "staff password", VIEWER: "viewer password"}
ROLES = {COORD: "coordinator", STAFF: "staff", VIEWER: "viewer"}


def add_accounts(store) -> None:
    """Give ``COORD``, ``STAFF`` and ``VIEWER`` (people of the sample) their accounts."""
    from shadow.core import access

    for name, role in ROLES.items():
        access.add_account(store, COORD, name, role, PASSWORDS[name])


def sample_with_accounts(path: Path) -> Path:
    """Write the sample programme at ``path`` with a coordinator, a staff and a viewer
    account (``PASSWORDS``); returns ``path``."""
    from shadow.core import directory, sample
    from shadow.core.store import Store

    with Store(path) as store:
        sample.load_sample(store, directory.SETUP_ACTOR)
        add_accounts(store)
    return path


def add(store, name: str, actor: str = "tester") -> int:
    """Insert one bare ``people`` row (the store tests' record); returns its id."""
    with store.transaction(actor) as tx:
        return tx.insert("people", {"name": name})


def store_with(path: Path, *names: str):
    """A store at ``path`` holding a ``people`` row for each of ``names``, one
    transaction each (so the journal has that many lines)."""
    from shadow.core.store import Store

    store = Store(path)
    for name in names:
        add(store, name)
    return store
