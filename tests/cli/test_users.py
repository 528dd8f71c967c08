"""``shadow user ...``: accounts from the command line, and roles on CLI writes."""

from __future__ import annotations

import io
import json

import pytest

from shadow.cli import main

COORD = "Ada Lee"


@pytest.fixture
def db(tmp_path, capsys):
    path = str(tmp_path / "db.json")
    assert main(["--db", path, "person", "add", COORD, "--side", "it"]) == 0
    for name in ("Bo Staff", "Cy Viewer"):
        assert main(["--db", path, "--as", COORD, "person", "add", name, "--side", "library"]) == 0
    capsys.readouterr()
    return path


def run(capsys, monkeypatch, *argv, stdin: str = ""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_accounts_end_to_end(db, capsys, monkeypatch):
    # The first account may be made by its holder, and must be a coordinator's.
    code, _, err = run(
        capsys, monkeypatch, "--db", db, "user", "add", "Bo Staff", "--role", "staff",
        "--password-stdin", stdin="long enough\n",
    )  # fmt: skip
    assert code == 1 and err.count("\n") == 1 and "first account must be a coordinator" in err
    code, out, _ = run(
        capsys, monkeypatch, "--db", db, "user", "add", COORD, "--role", "coordinator",
        "--password-stdin", stdin="coordinator pw\n",
    )  # fmt: skip
    assert code == 0 and out == "Account for Ada Lee (coordinator)\n"
    for name, role in (("Bo Staff", "staff"), ("Cy Viewer", "viewer")):
        assert run(
            capsys, monkeypatch, "--db", db, "--as", COORD, "user", "add", name, "--role", role,
            "--password-stdin", stdin="long enough\n",
        )[0] == 0  # fmt: skip
    code, out, _ = run(capsys, monkeypatch, "--db", db, "user", "list", "--json")
    listed = json.loads(out)
    assert [(a["name"], a["role"]) for a in listed] == [
        ("Ada Lee", "coordinator"), ("Bo Staff", "staff"), ("Cy Viewer", "viewer"),
    ]  # fmt: skip
    assert all(set(a) == {"id", "name", "role"} for a in listed)

    # Roles hold on the CLI once accounts exist.
    code, _, err = run(
        capsys, monkeypatch, "--db", db, "--as", "Cy Viewer", "person", "add", "Z", "--side", "it"
    )
    assert code == 1
    assert (
        err == "shadow: error: Cy Viewer is a viewer, and a viewer may not change the directory\n"
    )
    code, _, err = run(
        capsys, monkeypatch, "--db", db, "--as", "Bo Staff", "user", "remove", "Cy Viewer"
    )
    assert code == 1 and "staff may not manage accounts" in err

    code, _, err = run(
        capsys, monkeypatch, "--db", db, "--as", "Bo Staff", "user", "passwd", "Bo Staff",
        "--password-stdin", stdin="short\n",
    )  # fmt: skip
    assert code == 1 and "at least 8 characters" in err
    assert run(
        capsys, monkeypatch, "--db", db, "--as", "Bo Staff", "user", "passwd", "Bo Staff",
        "--password-stdin", stdin="a better one\n",
    )[0] == 0  # fmt: skip
    code, out, _ = run(
        capsys, monkeypatch, "--db", db, "--as", COORD, "user", "remove", "Cy Viewer"
    )
    assert code == 0 and out == "Account removed for Cy Viewer\n"
    code, out, _ = run(capsys, monkeypatch, "--db", db, "history", "--json", "--limit", "0")
    assert "scrypt" not in out and "a better one" not in out and "long enough" not in out


def test_without_password_stdin_and_no_terminal_refuses_in_one_line(db, capsys, monkeypatch):
    code, out, err = run(capsys, monkeypatch, "--db", db, "user", "add", COORD, "--role",
                         "coordinator")  # fmt: skip
    assert code == 1 and out == ""
    assert err == "shadow: error: no terminal to ask for the password on; use --password-stdin\n"


def test_unknown_person_refused_before_any_prompt(db, capsys, monkeypatch):
    code, _, err = run(
        capsys, monkeypatch, "--db", db, "--as", COORD, "user", "add", "Nobody", "--role",
        "staff",
    )  # fmt: skip
    assert code == 1 and err.count("\n") == 1 and "Nobody" in err
