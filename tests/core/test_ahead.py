"""A read begun in a child process (core/ahead.py), and the Dashboard read ahead with it."""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta

import pytest

from shadow.core import ahead, dashboard, dates, directory
from shadow.core.sample import load_sample
from shadow.core.store import Store


def gone(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True  # (reaped: not our child any more)
    return False


def test_the_childs_result_comes_back_and_the_child_is_reaped():
    here = os.getpid()
    found = ahead.start(lambda: {"pid": os.getpid(), "rows": list(range(100_000))})
    assert found is not None
    got = found.take()
    assert got["pid"] != here and got["rows"] == list(range(100_000))
    assert gone(found.pid)
    with pytest.raises(ahead.NotAhead, match="taken or stopped already"):
        found.take()


def fails():
    raise RuntimeError("no")


@pytest.mark.parametrize(
    "work",
    [fails, lambda: lambda: None, lambda: os._exit(3)],  # (an error, unpicklable, killed)
    ids=["error", "unpicklable", "exit"],
)
def test_a_child_that_brings_nothing_says_so(work):
    found = ahead.start(work)
    assert found is not None
    with pytest.raises(ahead.NotAhead):
        found.take()
    assert gone(found.pid)


def test_the_child_writes_nothing_to_the_terminal(capfd):
    def noisy():
        print("from the child")
        os.write(2, b"to stderr\n")
        return 1

    found = ahead.start(noisy)
    assert found is not None and found.take() == 1
    out, err = capfd.readouterr()
    assert "child" not in out and "stderr" not in err


def test_a_child_not_needed_is_stopped_at_once():
    found = ahead.start(lambda: time.sleep(600))
    assert found is not None
    assert not found.ready()
    found.cancel()
    assert gone(found.pid)
    found.cancel()  # (twice: nothing more to do)
    with pytest.raises(ahead.NotAhead):
        found.take()


def test_stopping_a_child_ends_a_wait_for_it():
    found = ahead.start(lambda: time.sleep(600))
    assert found is not None
    outcome = []

    def wait():
        try:
            found.take()
        except ahead.NotAhead as exc:
            outcome.append(str(exc))

    waiting = threading.Thread(target=wait)
    waiting.start()
    while not found._taken:  # (the wait has begun)
        time.sleep(0.01)
    found.cancel()
    waiting.join(60)
    assert not waiting.is_alive() and outcome and gone(found.pid)


def test_a_finished_child_is_ready():
    found = ahead.start(lambda: "done")
    assert found is not None
    deadline = time.monotonic() + 60
    while not found.ready() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert found.ready() and found.take() == "done"


def test_children_together_are_one_result_or_none():
    found = ahead.Together([ahead.start(lambda: 2), ahead.start(lambda: 3)], lambda a, b: a * b)
    assert found.take() == 6 and all(gone(pid) for pid in found.pids)
    failing = ahead.Together(
        [ahead.start(lambda: os._exit(1)), ahead.start(lambda: time.sleep(600))], max
    )
    with pytest.raises(ahead.NotAhead):
        failing.take()
    assert all(gone(pid) for pid in failing.pids)  # (the one still running is stopped)


def test_no_child_on_one_core(monkeypatch):
    monkeypatch.setattr(ahead, "cores", lambda: 1)
    assert ahead.start(lambda: 1) is None


def test_no_child_while_another_thread_runs():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert ahead.start(lambda: 1) is None
    finally:
        stop.set()
        other.join()
    found = ahead.start(lambda: 1)
    assert found is not None and found.take() == 1


# ------------------------------------------------------------------ the Dashboard's
@pytest.fixture
def programme(tmp_path):
    store = Store(tmp_path / "shadow.json")
    load_sample(store, "tester")
    yield store
    store.close()


def test_a_small_programme_is_not_read_ahead(programme):
    assert dashboard.size(programme) <= dashboard.READ_AHEAD_OVER
    assert dashboard.read_ahead(programme, dates.now, None) is None


def test_the_dashboard_read_ahead_is_the_one_read_here(programme, monkeypatch):
    monkeypatch.setattr(dashboard, "READ_AHEAD_OVER", 0)
    actor = directory.find_person(programme, "Priya Raman")
    now = dates.now()
    on_disk = programme.path.read_bytes()
    found = dashboard.read_ahead(programme, lambda: now, actor)
    assert isinstance(found, ahead.Together) and len(set(found.pids)) == 2  # (its halves)
    data = dashboard.taken(found, now + timedelta(seconds=5), actor)
    assert data == dashboard.read_dashboard(programme, now, actor)
    assert all(gone(pid) for pid in found.pids)
    assert data.actor_id == actor.id and data.triage and data.visits
    assert programme.path.read_bytes() == on_disk  # (the child wrote nothing)


@pytest.mark.parametrize("who, later", [("Marcus Webb", 0), ("Priya Raman", 61), (None, 0)])
def test_a_dashboard_read_ahead_for_someone_else_or_long_ago_is_not_taken(
    programme, monkeypatch, who, later
):
    monkeypatch.setattr(dashboard, "READ_AHEAD_OVER", 0)
    priya = directory.find_person(programme, "Priya Raman")
    asking = directory.find_person(programme, who) if who else None
    now = dates.now()
    found = dashboard.read_ahead(programme, lambda: now, priya)
    assert found is not None
    assert dashboard.taken(found, now + timedelta(seconds=later), asking) is None


def test_the_meeting_packs_visits_read_beside_the_rest_read_the_same(programme, monkeypatch):
    from shadow.core import reports

    now = dates.now()
    since = now - timedelta(days=30)
    here = reports.meeting_pack(programme, since, now)
    assert "## Upcoming visits" in here
    monkeypatch.setattr(reports, "VISITS_BESIDE_OVER", 0)
    read_here = []
    real = reports._upcoming
    monkeypatch.setattr(reports, "_upcoming", lambda *a: read_here.append(1) or real(*a))
    assert reports.meeting_pack(programme, since, now) == here
    assert read_here == []  # (read in the child: its count is its own)
    monkeypatch.setattr(ahead, "start", lambda work: None)  # (no child can run)
    assert reports.meeting_pack(programme, since, now) == here and read_here == [1]


def test_the_calendars_second_half_written_beside_reads_the_same(programme, monkeypatch):
    from shadow.core import reports

    last = max(d["id"] for d in programme.all("visits") if not d.get("series_id"))
    with programme.transaction("tester") as tx:  # (a zone only the second half names)
        tx.update("visits", last, {"timezone": "Europe/Paris"})
    here = reports.export_ics(programme)
    stamp = lambda ics: [line for line in ics.split(b"\r\n") if not line.startswith(b"DTSTAMP")]  # noqa: E731
    monkeypatch.setattr(reports, "EVENTS_BESIDE_OVER", 0)
    monkeypatch.setattr(reports, "VISITS_BESIDE_OVER", 0)  # (the edits counted beside too)
    started = []
    real = ahead.start
    monkeypatch.setattr(ahead, "start", lambda work: started.append(1) or real(work))
    assert stamp(reports.export_ics(programme)) == stamp(here) and started == [1, 1]
    assert b"SEQUENCE:1" in here  # (an edited visit: its edits were counted)
    assert here.count(b"BEGIN:VEVENT") > 2 and b"BEGIN:VTIMEZONE" in here
