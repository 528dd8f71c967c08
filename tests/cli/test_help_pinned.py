"""``shadow … --help`` stays word for word what it was (tests/cli/help.json, written from
the CLI before the refactoring into core homes): moving code between modules must not
change what a person reads. Regenerate the file only for a deliberate change."""

import contextlib
import io
import json
from pathlib import Path

import pytest

from shadow.cli import main

PINNED = json.loads((Path(__file__).with_name("help.json")).read_text(encoding="utf-8"))


def help_of(path: str) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), pytest.raises(SystemExit) as done:
        main([*path.split(), "--help"])
    assert done.value.code == 0
    return buf.getvalue()


@pytest.mark.parametrize("path", sorted(PINNED))
def test_help_is_unchanged(path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    assert help_of(path) == PINNED[path]


def test_every_command_is_pinned(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    top = help_of("")
    listed = {p.split()[0] for p in PINNED if p}
    assert len(PINNED) >= 60 and all(f"    {name}" in top for name in listed)
