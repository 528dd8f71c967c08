"""shadow suggestion/action wait|resume, the sla.* settings, report calendar/escalations/sla."""

import json

import pytest

from shadow.cli import main

from .shell import one_error, run


@pytest.fixture
def db(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TZ", "Australia/Perth")
    path = str(tmp_path / "db.json")
    assert main(["--db", path, "person", "add", "Ada", "--side", "it"]) == 0
    assert main(["--db", path, "--as", "Ada", "person", "add", "Mai", "--side", "library"]) == 0
    assert main(["--db", path, "--as", "Ada", "department", "add", "Circulation"]) == 0
    assert main(["--db", path, "--as", "Mai", "suggest", "--title", "Fix the sorter",
                 "--department", "Circulation", "--impact", "high"]) == 0  # fmt: skip
    assert main(["--db", path, "--as", "Ada", "action", "add", "Ask the vendor",
                 "--owner", "Ada", "--suggestion", "1"]) == 0  # fmt: skip
    capsys.readouterr()
    return path


def test_wait_and_resume_on_suggestions_and_actions(capsys, db):
    base = ("--db", db, "--as", "Ada")
    code, out, _ = run(capsys, *base, "suggestion", "wait", "1", "--on", "library",
                       "--note", "[red]which kiosks?[/]")  # fmt: skip
    assert code == 0 and out == "suggestion #1 is waiting on the library (its resolution clock is paused)\n"  # fmt: skip
    code, _, err = run(capsys, *base, "suggestion", "wait", "1", "--on", "library")
    assert code == 1 and one_error(err) and "already waiting on the library" in err
    code, out, _ = run(capsys, *base, "suggestion", "wait", "#1", "--on", "it")
    assert code == 0 and "keeps running" in out
    code, out, _ = run(capsys, *base, "suggestion", "resume", "1")
    assert code == 0 and out.startswith("suggestion #1 resumed: waited on IT ")
    code, _, err = run(capsys, *base, "suggestion", "resume", "1")
    assert code == 1 and one_error(err) and "not waiting" in err
    code, _, err = run(capsys, *base, "suggestion", "wait", "9", "--on", "vendor")
    assert code == 1 and one_error(err) and "no suggestion #9" in err
    code, _, err = run(capsys, *base, "suggestion", "wait", "1", "--on", "vendor", "--note", "a\x1b[2Jb")  # fmt: skip
    assert code == 1 and one_error(err)
    with pytest.raises(SystemExit) as info:  # not a side: argparse's refusal, exit 1
        main(["--db", db, "suggestion", "wait", "1", "--on", "printer"])
    err = capsys.readouterr().err
    assert info.value.code == 1 and err.count("\n") == 1 and "invalid choice: 'printer'" in err
    code, out, _ = run(capsys, *base, "action", "wait", "1", "--on", "vendor", "--note", "quote")
    assert code == 0 and out == "action #1 is waiting on a vendor\n"
    code, out, _ = run(capsys, *base, "action", "resume", "1")
    assert code == 0 and "waited on a vendor" in out
    code, out, _ = run(capsys, "--db", db, "history", "waits", "--json")
    entries = json.loads(out)
    assert {e["actor"] for e in entries} == {"Ada"}
    summaries = [e["new"] for e in entries if e["field"] == "*"]
    assert summaries == ["suggestion #1 waits on library", "suggestion #1 waits on it",
                         "action #1 waits on vendor"]  # fmt: skip
    assert [e["field"] for e in entries if e["field"] != "*"] == ["end", "end", "end"]
    from shadow.core.store import Store

    notes = [d["note"] for d in Store(db).all("waits")]
    assert notes == ["[red]which kiosks?[/]", "", "quote"]  # user text kept literally


def test_calendar_settings_and_report(capsys, db):
    base = ("--db", db, "--as", "Ada")
    code, out, _ = run(capsys, *base, "settings", "sla.hours", "mon-fri 9:00-17:00")
    assert code == 0 and out == "sla.hours = Mon-Fri 09:00-17:00\n"
    code, _, err = run(capsys, *base, "settings", "sla.hours", "Mon-Fri 17:00-09:00")
    assert code == 1 and one_error(err) and "sla.hours" in err
    code, out, _ = run(capsys, *base, "settings", "sla.holidays", "au-wa")
    assert code == 0 and out == "sla.holidays = AU-WA\n"
    code, _, err = run(capsys, *base, "settings", "sla.holidays", "Narnia")
    assert code == 1 and one_error(err)
    assert run(capsys, *base, "settings", "sla.at-risk", "80")[1] == "sla.at-risk = 80\n"
    code, _, err = run(capsys, *base, "settings", "sla.at-risk", "180")
    assert code == 1 and one_error(err)
    assert run(capsys, *base, "settings", "sla.p1", "4h/3d")[1] == "sla.p1 = 4h/3d\n"
    assert run(capsys, *base, "settings", "closures", "2026-12-24")[0] == 0
    code, out, _ = run(capsys, "--db", db, "settings")
    assert "sla.hours = Mon-Fri 09:00-17:00" in out and "sla.holidays = AU-WA" in out
    assert "sla.at-risk = 80" in out and "sla.p1 = 4h/3d" in out
    code, out, _ = run(capsys, "--db", db, "report", "calendar", "--year", "2026", "--json")
    cal = json.loads(out)
    assert cal["hours"] == "Mon-Fri 09:00-17:00" and cal["holidays_place"] == "AU-WA"
    names = {h["date"]: h["name"] for h in cal["holidays"]}
    assert names["2026-06-01"] == "Western Australia Day"
    assert cal["closures"] == ["2026-12-24"]
    # 261 weekdays, 10 holidays on weekdays, 1 closure
    assert cal["working_days"] == 261 - 10 - 1 and cal["working_hours"] == 250 * 8
    code, out, _ = run(capsys, "--db", db, "report", "calendar", "--year", "2026")
    assert code == 0 and "Western Australia Day" in out and "closure" in out
    code, _, err = run(capsys, "--db", db, "report", "calendar", "--year", "99999")
    assert code == 1 and one_error(err)


def test_report_sla_keeps_its_fields_and_adds_waiting_hours(capsys, db):
    base = ("--db", db, "--as", "Ada")
    run(capsys, *base, "suggestion", "wait", "1", "--on", "vendor")
    code, out, _ = run(capsys, "--db", db, "report", "sla", "--json")
    report = json.loads(out)
    assert set(report["waiting_hours"]) == {"library", "it", "vendor"}
    (dept,) = report["department"]
    assert {"department", "suggestions", "triaged_within", "triage_breached", "triage_open",
            "resolved_within", "resolve_breached", "resolve_open", "breach_rate",
            "median_days_over", "waiting_hours", "breaches"} <= set(dept)  # fmt: skip
    assert set(dept["waiting_hours"]) == {"library", "it", "vendor"}
    assert {"priority", "department", "months", "calendar"} <= set(report)
    code, out, _ = run(capsys, "--db", db, "report", "sla")
    assert code == 0 and "waiting by department:" in out and "by month:" in out
    code, out, _ = run(capsys, "--db", db, "--as", "Ada", "report", "escalations", "--json")
    assert code == 0 and json.loads(out) == []  # nothing is late yet


def test_help_describes_the_calendar_settings(capsys):
    with pytest.raises(SystemExit):
        main(["settings", "--help"])
    out = capsys.readouterr().out
    for word in ("sla.hours", "sla.holidays", "sla.at-risk", "AU-WA", "none"):
        assert word in out
    with pytest.raises(SystemExit):
        main(["suggestion", "wait", "--help"])
    out = capsys.readouterr().out
    assert "--on {library,it,vendor}" in out and "pauses" in out
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    assert "report calendar" in capsys.readouterr().out
