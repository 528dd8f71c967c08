"""The CLI of both directions: department --side/--liaison and show, visit direction,
secondments, and ``report said-did``."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from shadow.cli import main

from .shell import one_error as one_line_error
from .shell import run


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/London")
    path = str(tmp_path / "db.json")
    assert main(["--db", path, "demo"]) == 0
    monkeypatch.setenv("SHADOW_USER", "Siobhán O'Connell")
    return path


def test_department_side_liaison_and_list(capsys, db):
    capsys.readouterr()
    code, out, err = run(
        capsys, "--db", db, "department", "add", "Web Team", "--side", "it", "--host", "Chloe Martin",
        "--liaison", "Chloe Martin", "--liaison-since", "2025-02-01", "--hours", "Mon-Fri 9-5",
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = run(capsys, "--db", db, "list", "departments", "--json")
    web = next(d for d in json.loads(out) if d["name"] == "Web Team")
    assert (web["side"], web["direction"], web["liaison"], web["liaison_since"]) == (
        "it", "library-to-it", "Chloe Martin", "2025-02-01",
    )  # fmt: skip
    code, out, _ = run(capsys, "--db", db, "list", "departments")
    assert out.splitlines()[0].split()[:3] == ["id", "name", "side"]
    line = next(row for row in out.splitlines() if row.startswith(f"{web['id']} "))
    assert "Web Team" in line and " IT " in line and "Chloe Martin" in line
    # a host or liaison of the wrong side: one line, nothing saved
    code, _, err = run(
        capsys, "--db", db, "department", "edit", "Web Team", "--liaison", "Marcus Webb"
    )
    assert code == 1 and one_line_error(err) and "the liaison is IT staff at Web Team" in err
    code, _, err = run(
        capsys, "--db", db, "department", "edit", "Web Team", "--liaison-since", "soon"
    )
    assert code == 1 and one_line_error(err) and "liaison_since" in err


def test_visits_carry_their_direction(capsys, db):
    capsys.readouterr()
    since = (date.today() - timedelta(days=60)).isoformat()
    code, out, _ = run(capsys, "--db", db, "list", "visits", "--from", since, "--json")
    items = json.loads(out)
    assert {v["direction"] for v in items} == {"it-to-library", "library-to-it"}
    desk = next(v for v in items if v["department"] == "Service Desk")
    code, out, _ = run(capsys, "--db", db, "visit", "show", desk["key"], "--json")
    assert json.loads(out)["direction"] == "library-to-it"
    code, out, _ = run(capsys, "--db", db, "visit", "show", desk["key"])
    assert "library → IT" in out
    # IT staff cannot be the visitors of an IT team
    day = date.today() + timedelta(days=30)
    day += timedelta(days=(2 - day.weekday()) % 7)
    code, _, err = run(
        capsys, "--db", db, "visit", "add", "--department", "Service Desk", "--visitor", "Ravi Shankar",
        "--when", f"{day.isoformat()} 10:00",
    )  # fmt: skip
    assert code == 1 and one_line_error(err) and "visitors at Service Desk (an IT team)" in err


def test_department_show_text_and_json(capsys, db):
    capsys.readouterr()
    code, out, err = run(capsys, "--db", db, "department", "show", "circulation")
    assert code == 0, err
    assert out.startswith("Circulation\n  ROTATION DUE: rotation due in ")
    for title in (
        "Coverage both ways",
        "Open suggestions",
        "Kudos both ways",
        "Perception gap",
        "Secondments",
    ):
        assert f"\n{title}\n" in out
    code, out, _ = run(capsys, "--db", db, "department", "show", "Service Desk", "--json")
    card = json.loads(out)
    assert card["side"] == "it" and card["secondments"][0]["person"] == "Priya Raman"
    assert card["liaison_rotation"]["due"] is False
    code, _, err = run(capsys, "--db", db, "department", "show", "Nowhere")
    assert code == 1 and one_line_error(err) and "no department named 'Nowhere'" in err


def test_secondment_commands(capsys, db):
    capsys.readouterr()
    code, out, _ = run(capsys, "--db", db, "secondment", "list", "--json")
    listed = json.loads(out)
    assert {s["state"] for s in listed} >= {"signed off"}
    start = date.today() - timedelta(days=3)
    code, out, err = run(
        capsys, "--db", db, "secondment", "add", "Hannah Lindqvist", "--department", "Applications",
        "--host", "Lan Nguyen", "--start", start.isoformat(), "--end", (start + timedelta(days=2)).isoformat(),
        "--goals", "See a release [TODO]",
    )  # fmt: skip
    assert code == 0, err
    sid = int(out.split("#")[1].split(":")[0])
    code, out, err = run(
        capsys, "--db", db, "--as", "Hannah Lindqvist", "secondment", "log", str(sid), "Watched the tests run",
        "--day", start.isoformat(),
    )  # fmt: skip
    assert code == 0, err
    code, _, err = run(capsys, "--db", db, "--as", "Hannah Lindqvist", "secondment", "sign-off", str(sid),
                       "--comment", "x")  # fmt: skip
    assert code == 1 and one_line_error(err) and "only the host" in err
    code, out, err = run(capsys, "--db", db, "--as", "Lan Nguyen", "secondment", "sign-off", str(sid),
                         "--comment", "Good questions")  # fmt: skip
    assert code == 0, err
    code, out, _ = run(capsys, "--db", db, "secondment", "show", str(sid))
    assert "See a release [TODO]" in out and "Watched the tests run" in out and "signed off" in out
    code, _, err = run(capsys, "--db", db, "secondment", "show", "999")
    assert code == 1 and one_line_error(err)
    code, _, err = run(
        capsys, "--db", db, "secondment", "add", "Ravi Shankar", "--department", "Applications",
        "--host", "Lan Nguyen", "--start", "2027-01-04", "--end", "2027-01-08",
    )  # fmt: skip
    assert code == 1 and one_line_error(err) and "other side" in err


def test_report_said_did(capsys, db, tmp_path):
    capsys.readouterr()
    code, out, err = run(capsys, "--db", db, "report", "said-did", "--department", "Circulation")
    assert code == 0, err
    assert out.startswith("# You said, we did: Circulation") and "patron waiting" in out
    target = tmp_path / "out" / "said.html"
    code, out, err = run(capsys, "--db", db, "report", "said-did", "--department", "Circulation",
                         "--format", "html", "--out", str(target))  # fmt: skip
    assert code == 0 and out == f"wrote {target}\n"
    page = target.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Jonah Fairweather" in page
    code, _, err = run(capsys, "--db", db, "report", "said-did")
    assert code == 1 and one_line_error(err) and "--department" in err


def test_report_coverage_per_direction(capsys, db):
    capsys.readouterr()
    code, out, _ = run(
        capsys, "--db", db, "report", "coverage", "--direction", "library-to-it", "--json"
    )
    cov = json.loads(out)
    assert code == 0 and cov["direction"] == "library-to-it"
    assert {d["name"] for d in cov["departments"]} == {
        "Service Desk",
        "Infrastructure",
        "Applications",
    }
    assert any(g["description"].startswith("Library technician") for g in cov["goals"])
    code, out, _ = run(capsys, "--db", db, "report", "coverage", "--direction", "library-to-it")
    assert out.splitlines()[1].startswith("library person")
    code, out, _ = run(capsys, "--db", db, "report", "coverage", "--json")
    assert "Service Desk" not in {d["name"] for d in json.loads(out)["departments"]}
