"""``--if-version N`` on every ``edit``/``set`` command, and the lock that makes each of
them one read-modify-write.

Registered by :func:`register` from ``build_parser`` after every command exists: it
adds the flag to the commands in :data:`EDITS`. :func:`hold` (from ``open_store``) keeps
the database's write lock for the whole of such a command, so what it reads is current
and two concurrent ``set`` commands never lose one another's fields; :func:`release`
(from ``close_stores``) lets go. With ``--if-version N`` a record that is no longer at
version N is refused with one line naming who changed what since (core/versions.py).
"""

from __future__ import annotations

import argparse
import contextlib
import re
from typing import Any

from ..core import versions as core_versions
from ..core.store import Store

# command -> its subcommands that change an existing record
EDITS = {
    "person": ("edit",),
    "department": ("edit",),
    "observation": ("edit",),
    "suggestion": ("set",),
    "action": ("reassign", "due", "note"),
    "visit": ("reschedule",),
}
HELP = (
    "refuse (exit 1, saying who changed what) unless the record is still at version N "
    "(the 'version' in --json)"
)

_held = contextlib.ExitStack()


def version_number(text: str) -> int:
    """The argparse type of ``--if-version``: a whole number from 1."""
    digits = text.strip()
    if not re.fullmatch(r"[0-9]{1,12}", digits) or int(digits) < 1:
        raise argparse.ArgumentTypeError(
            f"not a version: {ascii(text[:20])} (versions are whole numbers from 1)"
        )
    return int(digits)


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def register(sub: argparse._SubParsersAction) -> None:
    for command, verbs in EDITS.items():
        parent = sub.choices.get(command)
        if parent is None:
            continue
        children = _subcommands(parent)
        for verb in verbs:
            if verb in children:
                children[verb].add_argument(
                    "--if-version", metavar="N", type=version_number, help=HELP
                )


def hold(store: Store, args: Any) -> None:
    """For an edit/set command: hold the write lock until :func:`release`."""
    if hasattr(args, "if_version") and not store.read_only:
        _held.enter_context(store.editing())


def release() -> None:
    _held.close()


def require(store: Store, args: Any, table: str, record_id: int) -> None:
    """Refuse (StaleRecord, one line) unless the record is at ``--if-version``."""
    core_versions.check(store, store, table, record_id, getattr(args, "if_version", None))
