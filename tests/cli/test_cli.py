"""The scripting interface: exit codes, one-line errors, JSON output, no Textual import."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from shadow import __version__
from shadow.cli import main
from shadow.core.store import Store

from .shell import run

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "db.json")


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"shadow {__version__}"


def test_people_and_departments_end_to_end(capsys, db):
    assert run(capsys, "--db", db, "person", "add", "Ada Lee", "--side", "it")[0] == 0
    code, out, err = run(capsys, "--db", db, "person", "add", "Bob", "--side", "it")
    assert code == 1 and err.startswith("shadow: error: who is acting?") and err.count("\n") == 1
    code, out, _ = run(
        capsys, "--db", db, "--as", "ada lee", "department", "add", "Circulation",
        "--hours", "Mon-Fri 09:00-17:00", "--capacity", "3", "--branch", "Central",
    )  # fmt: skip
    assert code == 0 and "added department #1" in out
    code, *_ = run(
        capsys, "--db", db, "--as", "Ada Lee", "person", "add", "[red]x [/]", "--side",
        "library", "--department", "Circulation", "--email", "x@example.org",
    )  # fmt: skip
    assert code == 0
    assert run(capsys, "--db", db, "--as", "Ada Lee", "department", "edit", "circulation",
               "--host", "[red]x [/]")[0] == 0  # fmt: skip
    code, out, _ = run(capsys, "--db", db, "list", "people", "--json")
    people = sorted(json.loads(out), key=lambda p: p["id"])
    assert [(p["id"], p["name"], p["side"], p["department"]) for p in people] == [
        (1, "Ada Lee", "it", None),
        (2, "[red]x [/]", "library", "Circulation"),
    ]
    code, out, _ = run(capsys, "--db", db, "list", "departments", "--json")
    (dept,) = json.loads(out)
    assert dept["id"] == 1 and dept["hosts"] == ["[red]x [/]"] and dept["capacity"] == 3
    assert dept["hours"] == "Mon-Fri 09:00-17:00"
    code, out, _ = run(capsys, "--db", db, "list", "people")
    assert "[red]x [/]" in out and "Circulation" in out


def test_edit_deactivate_and_list_all(capsys, db, monkeypatch):
    monkeypatch.setenv("SHADOW_USER", "Ada")
    run(capsys, "--db", db, "person", "add", "Ada", "--side", "it")
    assert run(capsys, "--db", db, "person", "edit", "1", "--role", "Developer")[0] == 0
    assert run(capsys, "--db", db, "person", "deactivate", "ada")[0] == 0
    _, out, _ = run(capsys, "--db", db, "person", "list", "--json")
    assert json.loads(out) == []
    _, out, _ = run(capsys, "--db", db, "person", "list", "--json", "--all")
    assert json.loads(out)[0]["role"] == "Developer"
    assert json.loads(out)[0]["active"] is False
    # an inactive person cannot act
    code, _, err = run(capsys, "--db", db, "person", "add", "Bo", "--side", "it")
    assert code == 1 and "inactive" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["person", "add", "Bad", "--side", "it", "--email", "nope"], "email: is not an email"),
        (["person", "edit", "Zed", "--role", "x"], "no person named 'Zed'"),
        (["person", "edit", "Ada"], "nothing to change"),
        (["department", "add", "D", "--hours", "9 to 25"], "hours: cannot read"),
        (["department", "add", "D", "--capacity", "lots"], "capacity: must be a whole number"),
        (["department", "add", "D", "--host", "Ada"], "hosts: Ada is IT staff"),
        (["person", "add", "ada", "--side", "it"], "already exists"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(capsys, db, monkeypatch, argv, message):
    monkeypatch.setenv("SHADOW_USER", "Ada")
    run(capsys, "--db", db, "person", "add", "Ada", "--side", "it")
    before = Path(db + ".journal").read_bytes()
    code, out, err = run(capsys, "--db", db, *argv)
    assert code == 1
    assert err.startswith("shadow: error: ") and message in err and err.count("\n") == 1
    assert Path(db + ".journal").read_bytes() == before


def test_argument_misuse_exits_1_with_one_line(capsys, db):
    for argv, prog, said in (
        (["frobnicate"], "shadow", "invalid choice: 'frobnicate'"),
        (["vist", "show", "1"], "shadow", "did you mean 'visit'?"),
        (["person", "add", "X"], "shadow person add", "required: --side"),
        (["list", "things"], "shadow list", "choose from 'people'"),
        (["list", "visits", "--bogus"], "shadow list", "unrecognized arguments: --bogus"),
        (["visit", "complete", "x\x1b[2J"], "shadow visit complete", "argument ID: not a"),
        (["--demo", "check"], "shadow", "--demo opens the TUI"),
    ):
        with pytest.raises(SystemExit) as info:
            main(["--db", db, *argv])
        err = capsys.readouterr().err
        assert info.value.code == 1, argv
        assert err.startswith(f"{prog}: error: ") and said in err, err
        assert err.endswith(f" (see {prog} --help)\n") and err.count("\n") == 1, err
        assert "usage:" not in err and "\x1b" not in err
    with pytest.raises(SystemExit) as info:
        main(["visit", "complete", "--help"])
    assert info.value.code == 0 and "usage: shadow visit complete" in capsys.readouterr().out


def test_import_csv_all_or_nothing(capsys, db, tmp_path):
    good = tmp_path / "people.csv"
    good.write_text("name,side,role\nAda,it,Developer\nMai,library,Cataloguer\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", db, "import", "people", str(good))
    assert code == 0 and out.strip() == "imported 2 people"
    assert err == ""  # no progress line when stderr is not a terminal
    bad = tmp_path / "bad.csv"
    bad.write_text("name,side\nCy,it\nDee,alien\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", db, "--as", "Ada", "import", "people", str(bad))
    assert code == 1 and "line 3, side" in err
    _, out, _ = run(capsys, "--db", db, "list", "people", "--json")
    assert [p["name"] for p in json.loads(out)] == ["Ada", "Mai"]


def test_demo_check_and_history(capsys, db):
    code, out, _ = run(capsys, "--db", db, "demo")
    assert code == 0 and "14 departments" in out
    code, _, err = run(capsys, "--db", db, "demo")
    assert code == 1 and "--force" in err
    assert run(capsys, "--db", db, "demo", "--force")[0] == 0
    code, out, _ = run(capsys, "--db", db, "check")
    assert code == 0 and out.startswith("ok: ")
    code, out, _ = run(capsys, "--db", db, "history", "departments", "1", "--json")
    assert json.loads(out)[0]["actor"] == "shadow demo"


def test_check_and_open_refuse_a_damaged_file(capsys, tmp_path):
    path = tmp_path / "db.json"
    path.write_text('{"_meta": {"1": {"schema": 1', encoding="utf-8")
    for argv in (["check"], ["list", "people"]):
        code, out, err = run(capsys, "--db", str(path), *argv)
        assert code == 1 and err.count("\n") == 1
        assert err.startswith(f"shadow: error: {path} is damaged")
    assert path.read_text(encoding="utf-8") == '{"_meta": {"1": {"schema": 1'


def test_shadow_db_environment_variable(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("SHADOW_DB", str(tmp_path / "env" / "x.json"))
    assert run(capsys, "person", "add", "Ada", "--side", "it")[0] == 0
    assert (tmp_path / "env" / "x.json").exists()


def test_cli_process_does_not_import_textual(tmp_path):
    Store(tmp_path / "db.json").close()  # list only reads: it never creates a database
    code = (
        "import sys; from shadow.cli import main; "
        f"rc = main(['--db', {str(tmp_path / 'db.json')!r}, 'list', 'people', '--json']); "
        "sys.exit(3 if 'textual' in sys.modules else rc)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_console_script_help_and_exit_codes(tmp_path):
    exe = Path(sys.executable).with_name("shadow")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "shadow"]
    result = subprocess.run([*cmd, "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and "person" in result.stdout and "SHADOW_DB" in result.stdout
    for sub in ("person", "department", "import", "list", "check", "demo"):
        result = subprocess.run([*cmd, sub, "--help"], capture_output=True, text=True, cwd=ROOT)
        assert result.returncode == 0 and "usage: shadow" in result.stdout
    bad = subprocess.run(
        [*cmd, "--db", str(tmp_path / "x.json"), "nope"], capture_output=True, text=True
    )
    assert (
        bad.returncode == 1 and bad.stderr.count("\n") == 1 and "(see shadow --help)" in bad.stderr
    )


# ---------------------------------------------------------------- visits
@pytest.fixture
def demo_db(capsys, db, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/London")
    # the sample's directory only, so ids and clashes in these tests are predictable
    from shadow.core import sample

    directory_only = {
        k: v for k, v in sample.sample_data().items() if k in ("departments", "people")
    }
    monkeypatch.setattr(sample, "sample_data", lambda: directory_only)
    run(capsys, "--db", db, "demo")
    monkeypatch.setenv("SHADOW_USER", "Siobhán O'Connell")
    return db


def test_visit_add_list_and_lifecycle(capsys, demo_db):
    db = demo_db
    code, out, err = run(
        capsys, "--db", db, "visit", "add", "--department", "Circulation", "--visitor", "Callum Murray",
        "--when", "2027-03-02 10:00", "--for", "90m", "--purpose", "[TODO] the sorter",
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("booked visit #1: Tue 2 Mar 2027 10:00–11:30 (requested)")
    code, _, err = run(
        capsys, "--db", db, "visit", "add", "--department", "Reference", "--visitor", "callum murray",
        "--when", "2027-03-02 11:00",
    )  # fmt: skip
    assert code == 1 and "Callum Murray is already on visit #1" in err and err.count("\n") == 1
    code, out, _ = run(
        capsys, "--db", db, "list", "visits", "--from", "1/3/2027", "--to", "31/3/2027", "--json"
    )
    (item,) = json.loads(out)
    assert item["id"] == 1 and item["department"] == "Circulation"
    assert item["visitors"] == ["Callum Murray"] and item["hosts"] == [
        "Marcus Webb",
        "Amara Okafor",
    ]
    assert item["start"] == "2027-03-02T10:00+00:00" and item["end"] == "2027-03-02T11:30+00:00"
    assert item["status"] == "requested" and item["purpose"] == "[TODO] the sorter"
    assert run(capsys, "--db", db, "visit", "confirm", "1")[0] == 0
    assert run(capsys, "--db", db, "visit", "reschedule", "1", "--when", "3/3/2027 14:00")[0] == 0
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "list",
        "visits",
        "--from",
        "1/3/2027",
        "--person",
        "Marcus Webb",
        "--json",
    )
    assert [(i["start"], i["status"]) for i in json.loads(out)] == [
        ("2027-03-03T14:00+00:00", "confirmed")
    ]
    code, _, err = run(
        capsys, "--db", db, "visit", "cancel", "1", "--on", "3/3/2027", "--reason", "host ill"
    )
    assert code == 1 and "does not repeat" in err


def test_visit_soft_conflict_needs_force_and_reason(capsys, demo_db):
    argv = ["--db", demo_db, "visit", "add", "--department", "Systems", "--visitor", "Sofia Rossi",
            "--when", "2027-03-07 10:00"]  # fmt: skip
    code, _, err = run(capsys, *argv)
    assert code == 1 and "not open on Sundays" in err and "--force --reason" in err
    code, out, _ = run(capsys, *argv, "--dry-run")
    assert code == 0 and "warning: Systems is not open on Sundays" in out
    assert run(capsys, *argv, "--force")[0] == 1
    code, out, _ = run(capsys, *argv, "--force", "--reason", "patch weekend")
    assert code == 0 and "warning:" in out


def test_repeating_visit_and_single_occurrence(capsys, demo_db):
    code, out, err = run(
        capsys, "--db", demo_db, "visit", "add", "--department", "Reference", "--visitor", "Sofia Rossi",
        "--when", "2027-03-01 10:00", "--repeat", "fortnightly until 28/3/2027",
    )  # fmt: skip
    assert code == 0, err
    assert "every other week until Sun 28 Mar 2027" in out
    assert (
        run(
            capsys,
            "--db",
            demo_db,
            "visit",
            "cancel",
            "1",
            "--on",
            "15/3/2027",
            "--reason",
            "host ill",
        )[0]
        == 0
    )
    _, out, _ = run(
        capsys,
        "--db",
        demo_db,
        "list",
        "visits",
        "--from",
        "1/3/2027",
        "--to",
        "31/3/2027",
        "--json",
    )
    items = json.loads(out)
    assert [(i["key"], i["status"]) for i in items] == [
        ("1@2027-03-01", "requested"),
        ("1@2027-03-15", "cancelled"),
    ]
    assert all(i["id"] in (1, 2) for i in items)


def test_visit_slots_and_ics_export(capsys, demo_db, tmp_path):
    code, out, _ = run(
        capsys, "--db", demo_db, "visit", "slots", "--department", "Circulation", "--visitor", "Callum Murray",
        "--from", "2027-03-01 08:00", "--count", "2", "--json",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out) == [
        {"start": "2027-03-01T09:00+00:00", "end": "2027-03-01T11:00+00:00"},
        {"start": "2027-03-01T11:00+00:00", "end": "2027-03-01T13:00+00:00"},
    ]
    run(capsys, "--db", demo_db, "visit", "add", "--department", "Circulation", "--visitor", "Callum Murray",
        "--when", "2027-03-01 09:00")  # fmt: skip
    out_file = tmp_path / "out" / "visits.ics"
    assert run(capsys, "--db", demo_db, "export", "ics", "--out", str(out_file))[0] == 0
    text = out_file.read_text(encoding="utf-8")
    assert text.startswith("BEGIN:VCALENDAR") and text.count("BEGIN:VEVENT") == 1


def test_bad_dates_get_one_clear_line(capsys, demo_db):
    code, _, err = run(
        capsys, "--db", demo_db, "visit", "add", "--department", "Circulation", "--visitor", "Callum Murray",
        "--when", "next blue moon",
    )  # fmt: skip
    assert (
        code == 1 and err.count("\n") == 1 and "when: cannot read 'next blue moon' as a date" in err
    )
    code, _, err = run(capsys, "--db", demo_db, "list", "visits", "--from", "31/2/2027")
    assert code == 1 and "no such day" in err


def test_settings(capsys, demo_db):
    code, out, _ = run(capsys, "--db", demo_db, "settings")
    assert "dayfirst = yes" in out and "buffer_minutes = 15" in out
    assert run(capsys, "--db", demo_db, "settings", "buffer_minutes", "30")[0] == 0
    assert "buffer_minutes = 30" in run(capsys, "--db", demo_db, "settings")[1]
    assert run(capsys, "--db", demo_db, "settings", "dayfirst", "no")[0] == 0
    code, out, _ = run(capsys, "--db", demo_db, "list", "visits", "--from", "3/4/2027", "--json")
    assert code == 0
    code, _, err = run(capsys, "--db", demo_db, "settings", "colour", "blue")
    assert code == 1 and "unknown setting" in err


# ---------------------------------------------------------------- notes and the backlog
def last_tuesday() -> str:
    """A Tuesday one or two weeks ago (Circulation is open; a note needs a visit begun)."""
    from datetime import date, timedelta

    today = date.today()
    return (today - timedelta(days=(today.weekday() - 1) % 7 + 7)).isoformat()


def test_only_the_author_corrects_a_note(capsys, demo_db, monkeypatch):
    db = demo_db
    # (notes need a visit that has begun)
    run(capsys, "--db", db, "visit", "add", "--department", "Circulation", "--visitor", "Callum Murray",
        "--when", f"{last_tuesday()} 10:00")  # fmt: skip
    monkeypatch.setenv("SHADOW_USER", "Callum Murray")
    code, out, _ = run(capsys, "--db", db, "observe", "1", "Sorter jams")
    note = re.search(r"noted #(\d+)", out).group(1)
    code, out, err = run(capsys, "--db", db, "observation", "edit", note, "Sorter [red]x jams",
                         "--kind", "pain point")  # fmt: skip
    assert code == 0 and f"note #{note} on visit #1 changed (pain point)" in out
    code, out, _ = run(capsys, "--db", db, "list", "observations", "--visit", "1", "--json")
    assert [(n["kind"], n["text"]) for n in json.loads(out)] == [
        ("pain point", "Sorter [red]x jams")
    ]
    code, _, err = run(capsys, "--db", db, "observation", "edit", note)  # nothing to change
    assert code == 1 and err.count("\n") == 1 and "give the new TEXT" in err
    code, out, _ = run(capsys, "--db", db, "observation", "edit", note, "Sorter [red]x jams")
    assert code == 0 and out == f"nothing changed: note #{note} already reads so\n"
    code, _, err = run(capsys, "--db", db, "observation", "edit", note, "  ")
    assert code == 1 and err == "shadow: error: text: is required\n"
    monkeypatch.setenv("SHADOW_USER", "Marcus Webb")
    code, _, err = run(capsys, "--db", db, "observation", "edit", note, "mine now")
    assert code == 1 and "only its author can change it" in err and err.count("\n") == 1
    code, out, _ = run(capsys, "--db", db, "list", "observations", "--visit", "1", "--json")
    assert json.loads(out)[0]["text"] == "Sorter [red]x jams"


def test_notes_suggestions_votes_merge(capsys, demo_db, monkeypatch):
    db = demo_db
    # (notes need a visit that has begun)
    run(capsys, "--db", db, "visit", "add", "--department", "Circulation", "--visitor", "Callum Murray",
        "--when", f"{last_tuesday()} 10:00")  # fmt: skip
    monkeypatch.setenv("SHADOW_USER", "Callum Murray")
    code, out, _ = run(
        capsys, "--db", db, "observe", "1", "Sorter jams [red]x[/]", "--kind", "pain point"
    )
    assert code == 0 and "IT side" in out
    monkeypatch.setenv("SHADOW_USER", "Marcus Webb")
    assert run(capsys, "--db", db, "observe", "1", "They saw the rush")[0] == 0
    code, out, _ = run(capsys, "--db", db, "list", "observations", "--visit", "1", "--json")
    notes = json.loads(out)
    assert [(n["side"], n["kind"], n["text"]) for n in notes] == [
        ("it", "pain point", "Sorter jams [red]x[/]"),
        ("library", "workflow seen", "They saw the rush"),
    ]
    code, out, _ = run(capsys, "--db", db, "suggest", "--title", "Slow kiosks", "--impact", "high",
                       "--urgency", "medium", "--risk", "reputation", "--visit", "1")  # fmt: skip
    assert code == 0 and "impact high x urgency medium = P2" in out
    monkeypatch.setenv("SHADOW_USER", "Callum Murray")
    run(capsys, "--db", db, "suggest", "--title", "Kiosk reboots", "--urgency", "low")
    assert run(capsys, "--db", db, "suggestion", "vote", "1")[0] == 0
    code, _, err = run(capsys, "--db", db, "suggestion", "vote", "1")
    assert code == 1 and "already voted" in err and err.count("\n") == 1
    assert run(capsys, "--db", db, "suggestion", "vote", "2")[0] == 0
    assert run(capsys, "--db", db, "suggestion", "merge", "2", "1")[0] == 0
    code, out, _ = run(capsys, "--db", db, "list", "suggestions", "--json")
    items = {i["id"]: i for i in json.loads(out)}
    assert (
        items[1]["votes"] == 1
        and items[1]["priority"] == 2
        and items[1]["direction"] == "library-to-it"
    )
    assert items[2]["status"] == "duplicate" and items[2]["duplicate_of"] == 1
    for key in ("id", "title", "priority", "impact", "urgency", "status", "votes", "direction"):
        assert key in items[1]
    code, _, err = run(capsys, "--db", db, "suggestion", "status", "1", "declined")
    assert code == 1 and "needs a reason" in err
    assert (
        run(capsys, "--db", db, "suggestion", "status", "1", "declined", "--reason", "no budget")[0]
        == 0
    )
    _, out, _ = run(capsys, "--db", db, "list", "suggestions", "--status", "open", "--json")
    assert json.loads(out) == []
    code, _, err = run(capsys, "--db", db, "list", "suggestions", "--status", "lost")
    assert code == 1 and "suggestion status must be" in err


def test_check_text_and_kudos(capsys, demo_db, monkeypatch):
    code, out, _ = run(
        capsys, "--db", demo_db, "check-text", "We will reimage the PC and fix the VLAN"
    )
    assert code == 0 and "reimage: say" in out and "VLAN: say" in out
    _, out, _ = run(capsys, "--db", demo_db, "check-text", "--json", "Please bring the books back")
    assert json.loads(out) == []
    monkeypatch.setenv("SHADOW_USER", "Marcus Webb")
    code, out, _ = run(
        capsys, "--db", demo_db, "kudos", "--to", "Callum Murray", "Stayed for the [b]rush[/b]"
    )
    assert code == 0
    _, out, _ = run(capsys, "--db", demo_db, "list", "kudos", "--json")
    assert json.loads(out)[0]["text"] == "Stayed for the [b]rush[/b]"


# ---------------------------------------------------------------- actions, reports, exports
def test_actions_reports_and_exports(capsys, demo_db, monkeypatch, tmp_path):
    db = demo_db
    monkeypatch.setenv("SHADOW_USER", "Marcus Webb")
    run(
        capsys,
        "--db",
        db,
        "suggest",
        "--title",
        "Fix the sorter",
        "--impact",
        "high",
        "--urgency",
        "high",
    )
    assert run(capsys, "--db", db, "suggestion", "status", "1", "accepted")[0] == 0
    code, out, err = run(capsys, "--db", db, "action", "add", "=cmd|' /C calc'!A0", "--owner", "Callum Murray",
                         "--due", "2026-01-05", "--suggestion", "1")  # fmt: skip
    assert code == 0, err
    code, out, _ = run(capsys, "--db", db, "list", "actions", "--overdue", "--json")
    (item,) = json.loads(out)
    for key in ("id", "title", "owner", "due", "status", "overdue"):
        assert key in item
    assert (item["owner"], item["due"], item["status"], item["overdue"]) == (
        "Callum Murray",
        "2026-01-05",
        "open",
        True,
    )
    code, out, _ = run(capsys, "--db", db, "list", "actions", "--owner", "marcus webb", "--json")
    assert json.loads(out) == []
    code, _, err = run(capsys, "--db", db, "action", "due", "1", "whenever")
    assert code == 1 and "due: cannot read 'whenever'" in err
    code, out, _ = run(capsys, "--db", db, "action", "done", "1", "--close-suggestion")
    assert code == 0 and "suggestion #1 is now done" in out
    code, out, _ = run(capsys, "--db", db, "report", "sla", "--json")
    report = json.loads(out)
    assert report["priority"][0]["priority"] == "P1" and report["priority"][0]["suggestions"] == 1
    out_md = tmp_path / "pack.md"
    assert (
        run(
            capsys, "--db", db, "report", "meeting", "--since", "2 weeks ago", "--out", str(out_md)
        )[0]
        == 0
    )
    assert out_md.read_text(encoding="utf-8").startswith("# Technical Implementation Group")
    code, out, _ = run(capsys, "--db", db, "export", "csv", "actions")
    assert code == 0 and out.splitlines()[1].startswith("1,'=cmd")
    code, _, err = run(capsys, "--db", db, "export", "csv", "people")
    assert code == 1 and "export csv needs one of" in err
    code, out, _ = run(capsys, "--db", db, "export", "md")
    assert code == 0 and out.startswith("# All visits")
    assert run(capsys, "--db", db, "settings", "sla.p2", "3/12")[0] == 0
    code, _, err = run(capsys, "--db", db, "settings", "sla.p2", "12/3")
    assert code == 1 and "no less than triage" in err
    assert run(capsys, "--db", db, "settings", "closures", "2026-12-25, 2026-12-28")[0] == 0
    assert "closures = 2026-12-25, 2026-12-28" in run(capsys, "--db", db, "settings")[1]


# ---------------------------------------------------------------- coverage, planner, surveys
def test_coverage_plan_and_gap(capsys, demo_db, monkeypatch):
    db = demo_db
    code, out, _ = run(capsys, "--db", db, "report", "coverage", "--json")
    cov = json.loads(out)
    assert (
        code == 0
        and len(cov["departments"]) == 11
        and all(c["state"] == "never" for c in cov["cells"])
    )
    assert cov["goals"][0]["met"] == 0
    code, out, _ = run(
        capsys, "--db", db, "plan", "--from", "2027-03-01", "--to", "2027-03-05", "--json"
    )
    plan = json.loads(out)
    assert code == 0 and plan["pairs"] > 0 and plan["placed"] > 0 and plan["applied"] == []
    assert all(u["reason"] for u in plan["unplaced"])
    code, out, _ = run(
        capsys, "--db", db, "plan", "--from", "2027-03-01", "--to", "2027-03-05", "--apply"
    )
    assert code == 0 and "booked" in out
    _, out, _ = run(
        capsys, "--db", db, "list", "visits", "--from", "2027-03-01", "--to", "2027-03-05", "--json"
    )
    assert len(json.loads(out)) > 0 and {v["status"] for v in json.loads(out)} == {"requested"}
    monkeypatch.setenv("SHADOW_USER", "Marcus Webb")
    code, out, err = run(capsys, "--db", db, "survey", "add", "--department", "Circulation", "--phase", "before",
                         "--expect", "5,5,4,4", "--perceive", "2,3,2,3")  # fmt: skip
    assert code == 0, err
    code, _, err = run(capsys, "--db", db, "survey", "add", "--department", "Circulation", "--phase", "after",
                       "--expect", "5,5", "--perceive", "2,3,2,3")  # fmt: skip
    assert code == 1 and "give 4 scores" in err
    code, out, _ = run(capsys, "--db", db, "report", "gap", "--json")
    (row,) = json.loads(out)
    assert (
        row["department"] == "Circulation" and row["gap_before"] == 2.0 and row["gap_after"] is None
    )
    code, _, err = run(capsys, "--db", db, "goals", "--set", '[{"type": "cadence", "days": 180}]')
    assert code == 1 and "name the programme" in err
    run(capsys, "--db", db, "programme", "add", "Spring")
    code, out, _ = run(
        capsys, "--db", db, "goals", "Spring", "--set", '[{"type": "cadence", "days": 180}]'
    )
    assert (
        code == 0
        and out.strip() == "every IT person: every department at least once every 180 days"
    )
    code, _, err = run(capsys, "--db", db, "goals", "Spring", "--set", '[{"type": "cadence"}]')
    assert code == 1 and "days must be a whole number" in err
    code, _, err = run(capsys, "--db", db, "goals", "Spring", "--set", "not json")
    assert code == 1 and "--set takes JSON" in err


def test_tables_stay_aligned_with_wide_characters(capsys):
    from rich.cells import cell_len

    from shadow.cli import print_table

    print_table(["name", "side"], [["图书馆员", "library"], ["Ada 🎉", "it"], ["Bo", "it"]])
    lines = capsys.readouterr().out.splitlines()
    # the second column starts at the same screen column on every line
    starts = [cell_len(line[: line.index(word)]) for line, word in
              zip(lines[2:], ["library", "it", "it"], strict=True)]  # fmt: skip
    assert len(set(starts)) == 1 and cell_len(lines[0].split("side")[0]) == starts[0]


def test_coverage_headings_are_cut_by_screen_width_not_characters(capsys, demo_db):
    from rich.cells import cell_len

    wide = "図書館情報システム管理部門"  # 13 characters, 26 columns
    code, _, err = run(capsys, "--db", demo_db, "department", "add", wide, "--capacity", "2")
    assert code == 0, err
    code, out, _ = run(capsys, "--db", demo_db, "report", "coverage")
    heading, rule = out.splitlines()[1:3]
    assert code == 0 and heading.split("  ")[-1] == "図書館情報シ"  # 12 columns
    assert cell_len(heading) <= cell_len(rule)  # no heading wider than its column


def test_check_text_replace_reads_naturally(capsys):
    code, out, _ = run(capsys, "check-text", "--replace", "Please log an incident.")
    assert code == 0 and out == "Please log a fault report.\n"


def test_occurrence_ids_past_bookings_reopen_and_readable_history(capsys, demo_db):
    from datetime import date, timedelta

    today = date.today()
    monday = today - timedelta(days=today.weekday() + 14)  # a Monday two or three weeks ago
    code, out, err = run(
        capsys, "--db", demo_db, "visit", "add", "--department", "Reference", "--visitor",
        "sofia rossi", "--when", f"{monday.isoformat()} 10:00", "--repeat", "weekly 6 times",
    )  # fmt: skip
    assert code == 0, err
    # a past date is legitimate (recording what happened) but is said, on stderr
    assert err.startswith("shadow: warning: ") and "in the past" in err and err.count("\n") == 1
    first, future = f"1@{monday.isoformat()}", f"1@{(monday + timedelta(weeks=5)).isoformat()}"
    # the whole series cannot be completed; one past occurrence can, by the id list prints
    assert run(capsys, "--db", demo_db, "visit", "confirm", "1")[0] == 0
    code, _, err = run(capsys, "--db", demo_db, "visit", "complete", "1")
    assert code == 1 and "mark one occurrence completed" in err and first in err
    code, out, err = run(capsys, "--db", demo_db, "visit", "complete", first)
    assert code == 0, err
    code, _, err = run(capsys, "--db", demo_db, "visit", "no-show", future)
    assert code == 1 and "has not come yet" in err and "it can become cancelled, requested" in err
    # cancelling needs a reason; a wrong completion can be taken back with one
    with pytest.raises(SystemExit) as info:
        run(capsys, "--db", demo_db, "visit", "cancel", future)
    assert info.value.code == 1 and "--reason" in capsys.readouterr().err
    assert run(capsys, "--db", demo_db, "visit", "cancel", future, "--reason", "closed")[0] == 0
    code, out, _ = run(
        capsys, "--db", demo_db, "visit", "reopen", first, "--reason", "ticked the wrong row"
    )
    assert code == 0 and "confirmed again" in out
    # notes, suggestions and kudos take the same occurrence id
    assert run(capsys, "--db", demo_db, "observe", first, "Saw the returns trolley")[0] == 0
    second = f"1@{(monday + timedelta(weeks=1)).isoformat()}"
    assert run(capsys, "--db", demo_db, "observe", second, "Quiet week")[0] == 0  # no change
    code, _, err = run(
        capsys, "--db", demo_db, "suggest", "--title", "Label the trolleys", "--visit", first,
        "--direction", "library-to-it",
    )  # fmt: skip
    assert code == 0, err
    code, _, err = run(
        capsys, "--db", demo_db, "kudos", "--to", "Sofia Rossi", "Great tour", "--visit", first
    )
    assert code == 0, err
    # the occurrence's page has the same id, its reason, and its history in words
    code, out, _ = run(capsys, "--db", demo_db, "visit", "show", first)
    assert code == 0 and f"#{first} (an occurrence of series #1)" in out
    assert "ticked the wrong row" in out and "status: completed -> confirmed" in out
    code, out, _ = run(capsys, "--db", demo_db, "visit", "show", "1", "--json")
    shown = json.loads(out)
    assert [(o["key"], o["status"], o["why"]) for o in shown["occurrences"]] == [
        (first, "confirmed", "ticked the wrong row"),
        (future, "cancelled", "closed"),
    ]
    code, out, _ = run(capsys, "--db", demo_db, "visit", "show", "1")
    assert f"#{future}  cancelled (closed)" in out
    code, out, _ = run(capsys, "--db", demo_db, "list", "observations", "--visit", first)
    assert "Saw the returns trolley" in out
    # history names people and records, not ids
    code, out, _ = run(capsys, "--db", demo_db, "history", "suggestions", "1", "--json")
    (created,) = json.loads(out)
    assert created["record"] == "suggestion #1 (Label the trolleys)"
    assert run(capsys, "--db", demo_db, "--as", "sofia rossi", "suggestion", "vote", "1")[1] == (
        "suggestion #1 has 1 vote\n"
    )
    code, out, _ = run(capsys, "--db", demo_db, "history", "suggestions", "1")
    assert "votes: no votes -> 1 vote (Sofia Rossi)" in out
    assert "#1 " not in out.splitlines()[-1].split("votes:")[1]


def test_a_save_that_changes_nothing_says_so_and_records_nothing(capsys, demo_db):
    def audit_count():
        _, out, _ = run(capsys, "--db", demo_db, "history", "--limit", "0", "--json")
        return len(json.loads(out))

    before = audit_count()
    depts = json.loads(run(capsys, "--db", demo_db, "list", "departments", "--json")[1])
    circ = next(d for d in depts if d["name"] == "Circulation")
    code, out, _ = run(
        capsys, "--db", demo_db, "department", "edit", "circulation", "--capacity",
        str(circ["capacity"]),
    )  # fmt: skip
    assert code == 0 and out.startswith(f"nothing changed: department #{circ['id']}")
    assert audit_count() == before
    assert run(capsys, "--db", demo_db, "suggest", "--title", "Fix the kiosk")[0] == 0
    after_add = audit_count()
    code, out, _ = run(capsys, "--db", demo_db, "suggestion", "set", "1", "--impact", "medium")
    assert code == 0 and out.startswith("nothing changed: suggestion #1")
    assert audit_count() == after_add > before


def test_notes_and_kudos_are_refused_before_a_visit_and_after_a_cancellation(capsys, demo_db):
    db = demo_db
    run(capsys, "--db", db, "visit", "add", "--department", "Circulation", "--visitor",
        "Callum Murray", "--when", "2027-03-02 10:00")  # fmt: skip
    code, out, err = run(capsys, "--db", db, "observe", "1", "Sorter jams")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err.startswith("shadow: error: visit #1 starts") and "has not come yet" in err
    code, _, err = run(capsys, "--db", db, "kudos", "--to", "Callum Murray", "ta", "--visit", "1")
    assert code == 1 and "has not come yet" in err and err.count("\n") == 1
    assert run(capsys, "--db", db, "visit", "cancel", "1", "--reason", "snow")[0] == 0
    code, _, err = run(capsys, "--db", db, "observe", "1", "Sorter jams")
    assert code == 1 and "was cancelled (snow)" in err
