"""--if-version on edit/set commands, version in JSON, and concurrent sets losing nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from shadow.cli import main

from .shell import run, run_as


@pytest.fixture
def db(capsys, tmp_path, monkeypatch):
    path = str(tmp_path / "db.json")
    monkeypatch.setenv("SHADOW_USER", "Ana Ruiz")
    assert run(capsys, "--db", path, "person", "add", "Ana Ruiz", "--side", "it")[0] == 0
    assert run(capsys, "--db", path, "person", "add", "Ben Cho", "--side", "library")[0] == 0
    code, out, err = run_as(
        capsys, path, "suggest", "--title", "Faster returns", "--impact", "medium", who="Ben Cho"
    )
    assert code == 0, err
    return path


def suggestion(capsys, db):
    code, out, _ = run(capsys, "--db", db, "suggestion", "show", "1", "--json")
    assert code == 0
    return json.loads(out)


def test_version_in_json_and_if_version_refuses_a_newer_record(capsys, db):
    assert suggestion(capsys, db)["version"] == 1
    code, out, _ = run(capsys, "--db", db, "list", "suggestions", "--json")
    assert [s["version"] for s in json.loads(out)] == [1]
    code, out, _ = run(capsys, "--db", db, "list", "people", "--json")
    assert {p["version"] for p in json.loads(out)} == {1}
    code, _, err = run(
        capsys, "--db", db, "suggestion", "set", "1", "--impact", "high", "--if-version", "1"
    )
    assert code == 0, err
    assert suggestion(capsys, db)["version"] == 2
    before = (
        open(db, "rb").read(),
        open(db + ".journal", "rb").read() if os.path.exists(db + ".journal") else b"",
    )
    code, out, err = run_as(
        capsys,
        db,
        "suggestion",
        "set",
        "1",
        "--urgency",
        "high",
        "--if-version",
        "1",
        who="Ben Cho",
    )
    assert code == 1 and out == ""
    assert err.count("\n") == 1
    assert err.startswith(
        "shadow: error: suggestion #1 changed since version 1 (now 2): Ana Ruiz changed impact: medium -> high at "
    )
    after = (
        open(db, "rb").read(),
        open(db + ".journal", "rb").read() if os.path.exists(db + ".journal") else b"",
    )
    assert after == before  # nothing written
    s = suggestion(capsys, db)
    assert (s["impact"], s["urgency"], s["version"]) == ("high", "medium", 2)
    # a stale version is refused even when the change would be no change at all
    code, _, err = run(
        capsys, "--db", db, "suggestion", "set", "1", "--impact", "high", "--if-version", "1"
    )
    assert code == 1 and "changed since version 1" in err
    # the current version is accepted
    code, _, err = run(
        capsys, "--db", db, "suggestion", "set", "1", "--urgency", "high", "--if-version", "2"
    )
    assert code == 0, err
    assert suggestion(capsys, db)["version"] == 3


@pytest.mark.parametrize(
    "argv",
    [
        ("person", "edit", "Ben Cho", "--team", "Desk"),
        ("department", "edit", "Circulation", "--branch", "Main"),
        ("action", "due", "1", "next friday"),
        ("action", "reassign", "1", "Ben Cho"),
        ("action", "note", "1", "called"),
    ],
)
def test_every_edit_command_takes_if_version(capsys, db, argv):
    assert run(capsys, "--db", db, "department", "add", "Circulation")[0] == 0
    code, _, err = run(
        capsys,
        "--db",
        db,
        "action",
        "add",
        "Call vendor",
        "--owner",
        "Ana Ruiz",
        "--suggestion",
        "1",
    )
    assert code == 0, err
    code, _, err = run(capsys, "--db", db, *argv, "--if-version", "2")
    assert code == 1 and err.count("\n") == 1 and "is at version 1, not 2" in err
    code, _, err = run(capsys, "--db", db, *argv, "--if-version", "1")
    assert code == 0, err


@pytest.mark.parametrize("bad", ["0", "-1", "x", "1.5", "²"])
def test_bad_if_version_is_argument_misuse(capsys, db, bad):
    code = None
    with pytest.raises(SystemExit) as info:
        main(["--db", db, "suggestion", "set", "1", "--impact", "low", "--if-version", bad])
    code = info.value.code
    err = capsys.readouterr().err
    assert code == 1 and "not a version" in err and err.count("\n") == 1


SCRIPT = """
import sys
from shadow.cli import main
db, field, values = sys.argv[1], sys.argv[2], sys.argv[3:]
for i, v in enumerate(values):
    flag = "--tag" if field == "tag" else "--" + field
    code = main(["--db", db, "suggestion", "set", "1", flag, v])
    if code != 0:
        sys.exit(code)
"""


def test_concurrent_cli_sets_never_lose_each_others_fields(db, tmp_path):
    """Two processes add tags (a read-modify-write of one list field) at the same time:
    every tag each added is there at the end."""
    env = dict(os.environ, SHADOW_USER="Ana Ruiz")
    a_tags = [f"a{i}" for i in range(8)]
    b_tags = [f"b{i}" for i in range(8)]
    procs = [
        subprocess.Popen([sys.executable, "-c", SCRIPT, db, "tag", *tags], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for tags in (a_tags, b_tags)
    ]  # fmt: skip
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    out = subprocess.run(
        [sys.executable, "-m", "shadow", "--db", db, "suggestion", "show", "1", "--json"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    doc = json.loads(out.stdout)
    assert sorted(doc["tags"]) == sorted(a_tags + b_tags)
    assert doc["version"] == 1 + len(a_tags) + len(b_tags)


def test_send_after_an_edit_does_not_wait_for_its_own_lock(capsys, db, monkeypatch):
    """The edit's lock is let go before --send opens the database again."""
    monkeypatch.setenv("SHADOW_LOCK_TIMEOUT", "0")  # waiting on ourselves would fail at once
    code, out, err = run(capsys, "--db", db, "--send", "suggestion", "set", "1", "--urgency", "low")
    assert code == 0, err
    assert "sent" in out
    assert suggestion(capsys, db)["urgency"] == "low"
