"""Hostile input on every command (the corpus and the walker live in tests/hostile.py).

Every argument of every command that takes text, an id or a date gets a deterministic
slice of the corpus; across the run every corpus entry is used. A run must end with no
uncaught exception, exit 0/1/2, one stderr line on exit 1, and no raw control character.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from shadow.cli import safe_line
from shadow.core import dates, schedule
from shadow.core.models import Visit
from tests import hostile

STRIDE = 24  # each argument gets every 24th corpus entry, starting at its own index
TARGETS = hostile.targets()


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("TZ", "Europe/London")
    mp.setenv("SHADOW_CONFIG", str(tmp_path_factory.mktemp("cfg") / "config.json"))
    try:
        yield hostile.prepare_sample(tmp_path_factory.mktemp("hostile-sample"))
    finally:
        mp.undo()


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/London")
    monkeypatch.setenv("SHADOW_USER", "Siobhán O'Connell")


def test_the_corpus_is_big_enough_and_every_entry_is_used():
    assert len(hostile.TEXTS) >= 80 and len(hostile.DATES_AND_IDS) >= 40
    corpus = hostile.TEXTS + hostile.DATES_AND_IDS
    used = {v for n in range(len(TARGETS)) for v in hostile.values_for(n, STRIDE)}
    assert used == set(corpus)


def test_the_walker_finds_every_kind_of_argument():
    found = {(t.path, t.option or t.dest): t.kind for t in TARGETS}
    assert found[(("kudos",), "--visit")] == "id"
    assert found[(("survey", "add"), "--visit")] == "id"
    assert found[(("visit", "add"), "--end")] == "date"
    assert found[(("visit", "add"), "--reason")] == "text"
    assert found[(("suggestion", "merge"), "into")] == "id"
    assert found[((), "--as")] == "text"
    assert found[(("kudos",), "--to")] == "text"
    # every command with a handler that takes a value is reached
    commands = {t.path[0] for t in TARGETS if t.path}
    assert {"person", "department", "visit", "observe", "suggest", "suggestion", "kudos",
            "action", "survey", "plan", "programme", "report", "history", "check-text",
            "list", "export", "goals", "settings"} <= commands  # fmt: skip


@pytest.mark.parametrize(
    "index", range(len(TARGETS)), ids=[f"{n}:{t.name}" for n, t in enumerate(TARGETS)]
)
def test_hostile_values_on_every_argument(index, sample_db, tmp_path, env):
    target = TARGETS[index]
    failures = []
    for value in hostile.values_for(index, STRIDE):
        for run in hostile.run_target(target, value, sample_db, tmp_path / "work"):
            if not run.ok:
                failures.append(run.describe())
    if target.kind == "text":
        run = hostile.run_stdin(target, sample_db, tmp_path / "work")
        if not run.ok:
            failures.append(run.describe())
    assert not failures, "\n".join(failures)


def test_hostile_csv_imports(sample_db, tmp_path, env):
    failures = []
    cases = hostile.csv_cases()
    for kind, payload in cases[::3] + cases[-16:]:
        run = hostile.run_csv(kind, payload, sample_db, tmp_path / "work")
        if not run.ok:
            failures.append(run.describe())
    assert not failures, "\n".join(failures)


# ------------------------------------------------------------------ the fixes, one by one
def cli(sample_db, tmp_path, *argv, stdin=None):
    db = hostile.fresh_copy(sample_db, tmp_path / "one")
    return hostile.run_cli(["--db", str(db), *argv], stdin=stdin), db


@pytest.mark.parametrize("value", ["²", "①", "٣", "9" * 5000, "abc", "-1", "0", "1e9", "0x10"])
def test_ids_are_plain_ascii_numbers_everywhere(sample_db, tmp_path, env, value):
    for argv in (
        ["kudos", "--to", "Marcus Webb", f"--visit={value}", "thanks"],
        ["survey", "add", "--department", "Circulation", "--phase", "before",
         "--expect", "4,4,3,5", "--perceive", "3,4,2,4", f"--visit={value}"],
        ["visit", "show", "--", value],
        ["suggestion", "merge", "1", "--", value],
    ):  # fmt: skip
        run, _ = cli(sample_db, tmp_path, *argv)
        assert run.code == 1 and not run.crash, run.describe()
        assert "not a record id" in run.err or "not a visit" in run.err
        assert run.ok, run.describe()


def test_an_occurrence_id_names_one_occurrence(sample_db, tmp_path, env):
    db = hostile.fresh_copy(sample_db, tmp_path / "occ")
    run = hostile.run_cli(
        ["--db", str(db), "visit", "add", "--department", "Circulation", "--visitor",
         "Callum Murray", "--when", "2027-03-02 10:00", "--repeat", "weekly 4 times",
         "--force", "--reason", "test"]
    )  # fmt: skip
    assert run.code == 0, run.describe()
    vid = run.out.split("#")[1].split(":")[0]
    run = hostile.run_cli(
        ["--db", str(db), "visit", "cancel", f"{vid}@2027-03-09", "--reason", "host away"]
    )
    assert run.code == 0 and f"#{vid}@2027-03-09" in run.out, run.describe()
    run = hostile.run_cli(["--db", str(db), "list", "visits", "--from", "2027-03-01", "--json"])
    statuses = {v["key"]: v["status"] for v in json.loads(run.out)}
    assert statuses[f"{vid}@2027-03-09"] == "cancelled"
    assert statuses[f"{vid}@2027-03-02"] == "requested"
    run = hostile.run_cli(["--db", str(db), "visit", "confirm", f"{vid}@2027-02-31"])
    assert run.code == 1 and "not a visit or occurrence" in run.err
    assert run.err.count("\n") == 1


@pytest.mark.parametrize(
    "phrase", ["0001-01-01", "9999-12-31 10:00", "in 100000 years", "in 9999 years",
               "99999999 days ago", "in 99999999999999999999 minutes", "dec 31 9999"]
)  # fmt: skip
def test_dates_at_the_edge_of_the_calendar_are_refused(phrase):
    with pytest.raises(dates.DateError, match="dates run from 1900 to 2199"):
        dates.parse_moment(phrase, now_=datetime(2026, 12, 2, 9, 0))


def test_end_is_capped_like_for(sample_db, tmp_path, env):
    run, _ = cli(
        sample_db, tmp_path, "visit", "add", "--department", "Circulation", "--visitor",
        "Callum Murray", "--when", "2027-03-02 10:00", "--end", "2035-03-02 10:00",
    )  # fmt: skip
    assert run.code == 1 and "longer than two weeks" in run.err, run.describe()


@pytest.mark.parametrize(
    "rule", ["FREQ=HOURLY", "FREQ=MINUTELY", "FREQ=SECONDLY", "FREQ=WEEKLY;INTERVAL=0",
             "FREQ=DAILY;BYHOUR=1,2,3", "FREQ=DAILY;UNTIL=99991231", "every 0 weeks",
             "weekly 100000 times", "FREQ=DAILY;INTERVAL=" + "9" * 5000]
)  # fmt: skip
def test_rules_that_never_end_or_explode_are_refused(rule):
    start = datetime(2027, 3, 2, 10, 0, tzinfo=dates.local_zone())
    with pytest.raises(schedule.ScheduleError):
        schedule.parse_repeat(rule, start)


def test_expansion_of_a_stored_runaway_rule_is_bounded():
    # A rule saved by an older version (or by hand) that repeats every minute, forever.
    visit = Visit(id=1, department_id=1, visitors=[1], hosts=[2], rrule="FREQ=MINUTELY",
                  start="2026-01-01T10:00+00:00", end="2026-01-01T10:30+00:00",
                  timezone="UTC")  # fmt: skip
    lo = datetime(2026, 1, 1, tzinfo=dates.UTC)
    found = schedule.expand(visit, lo, lo.replace(year=2199))
    assert 0 < len(found) <= schedule.MAX_OCCURRENCES * 10


def _contents(db):
    """Every record and audit entry the database holds, however snapshot and journal split it."""
    from shadow.core.store import Store

    with Store(db, create=False, read_only=True) as store:
        return {t: store.all(t) for t in store.tables()} | {"audit": store.audit()}


@pytest.mark.parametrize(
    "argv",
    [
        ["visit", "cancel", "1", "--reason", "late\x1b[2J"],
        ["action", "drop", "1", "--reason", "no\x07"],
        ["suggestion", "status", "1", "declined", "--reason", "x\u202ey"],
        ["suggest", "--title", "abc\u202edcba"],
        ["observe", "1", "bad\udc80bytes"],
    ],
)
def test_one_text_rule_at_input(sample_db, tmp_path, env, argv):
    db = hostile.fresh_copy(sample_db, tmp_path / "rule")
    before = _contents(db)
    run = hostile.run_cli(["--db", str(db), *argv])
    assert run.code == 1 and "which is not allowed here" in run.err, run.describe()
    assert run.ok, run.describe()
    assert _contents(db) == before  # nothing written (the files may be folded on close)
    assert hostile.run_cli(["--db", str(db), "check"]).code == 0


def test_invalid_utf8_on_standard_input(sample_db, tmp_path, env):
    run, _ = cli(sample_db, tmp_path, "check-text", "-", stdin=hostile.INVALID_UTF8)
    assert run.code == 1 and "standard input is not UTF-8" in run.err and run.ok


def test_safe_line_escapes_and_folds():
    line = safe_line("a\x1b[31mb\x07\nc\u202ed\x9b\udcff\t" + "x" * 2000)
    assert "\x1b" not in line and "\n" not in line and "\u202e" not in line
    assert line.startswith("a\\x1b[31mb\\x07\\nc\\u202ed\\x9b\\udcff\\t")
    assert len(line) <= 1000 and line.endswith("…")
