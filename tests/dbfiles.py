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
