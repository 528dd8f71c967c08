"""Running the CLI in tests: its exit code and output, and what a refusal looks like."""

from __future__ import annotations

from shadow.cli import main
from tests.dbfiles import COORD


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run ``shadow argv...``; its exit code, stdout and stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_as(capsys, db: str, *argv: str, who: str = COORD) -> tuple[int, str, str]:
    """Run ``shadow --db DB --as WHO argv...`` (by default as the sample's coordinator)."""
    return run(capsys, "--db", db, "--as", who, *argv)


def one_error(err: str) -> bool:
    """A refusal is one plain line on stderr: ``shadow: error: ...``, no colours."""
    return err.startswith("shadow: error: ") and err.count("\n") == 1 and "\x1b" not in err
