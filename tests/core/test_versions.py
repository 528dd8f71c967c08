"""Record versions and the stale-save check (issue 14, "No lost edits")."""

from __future__ import annotations

import json
import multiprocessing
from dataclasses import replace

import pytest

from shadow.core import actions, backlog, coverage, directory, notes, versions
from shadow.core.models import Suggestion, UserError
from shadow.core.store import Store
from shadow.core.versions import StaleRecord

from .people import small_directory


@pytest.fixture
def store(tmp_path):
    people = [("Ana Ruiz", "it"), ("Ben Cho", "library"), ("Mai Lin", "library")]
    return small_directory(tmp_path / "db.json", people)[0]


def suggest(store, title="Faster returns", who="Mai Lin", **values):
    s = backlog.suggestion_from_input(store, {"title": title} | values)
    return backlog.add(store, directory.find_person(store, who), s)


def test_insert_is_version_1_and_each_real_change_adds_one(store):
    sid = suggest(store)
    assert store.get("suggestions", sid)["version"] == 1
    s = backlog.get(store, sid)
    assert s.version == 1
    backlog.update(store, "Ana Ruiz", replace(s, impact="high"))
    assert store.get("suggestions", sid)["version"] == 2
    # nothing changed: nothing written, the version stays
    assert not backlog.update(store, "Ana Ruiz", replace(backlog.get(store, sid), impact="high"))
    assert store.get("suggestions", sid)["version"] == 2
    # version is bookkeeping: not in the audit trail as a field, not in to_doc()
    fields = [e["field"] for e in store.audit("suggestions", sid)]
    assert "version" not in fields
    assert "version" not in backlog.get(store, sid).to_doc()
    # the audit entry names the version its change made
    impact = [e for e in store.audit("suggestions", sid) if e["field"] == "impact"]
    assert [e["v"] for e in impact] == [2]


def test_a_record_from_before_versions_reads_as_1_and_check_is_quiet(tmp_path):
    path = tmp_path / "old.json"
    with Store(path) as s:
        directory.save_person(
            s, "setup", directory.person_from_input(s, {"name": "Ana Ruiz", "side": "it"})
        )
        sid = backlog.add(
            s,
            directory.find_person(s, "Ana Ruiz"),
            backlog.suggestion_from_input(s, {"title": "Old one"}),
        )
        s.compact()
    # strip the field as a file written before versions would have it
    data = json.loads(path.read_text(encoding="utf-8"))
    for table in ("people", "suggestions"):
        for doc in data[table].values():
            doc.pop("version")
    path.write_text(json.dumps(data), encoding="utf-8")
    with Store(path) as s:
        assert "version" not in s.get("suggestions", sid)
        assert directory.check(s) == []
        assert backlog.get(s, sid).version == 1
        assert versions.version_of(s, "suggestions", sid) == 1
        backlog.update(
            s, "Ana Ruiz", replace(backlog.get(s, sid), urgency="high"), expect_version=1
        )
        assert s.get("suggestions", sid)["version"] == 2


def test_stale_save_is_refused_with_who_changed_what(store):
    sid = suggest(store, impact="medium")
    mine = backlog.get(store, sid)  # opened at version 1
    theirs = backlog.get(store, sid)
    backlog.update(
        store, "Ana Ruiz", replace(theirs, impact="high", title="Returns, faster"), expect_version=1
    )
    with pytest.raises(StaleRecord) as caught:
        backlog.update(store, "Ben Cho", replace(mine, urgency="high"), expect_version=mine.version)
    stale = caught.value
    assert isinstance(stale, UserError)
    assert stale.version == 2 and stale.expected == 1
    assert sorted(stale.fields) == ["impact", "title"]
    assert stale.current["impact"] == "high"
    msg = str(stale)
    assert msg.startswith("suggestion #1 changed since version 1 (now 2): Ana Ruiz changed ")
    assert "impact: medium -> high" in msg and "title: Faster returns -> Returns, faster" in msg
    assert "\n" not in msg
    # nothing of Ana's was lost, nothing of Ben's written
    now = backlog.get(store, sid)
    assert (now.impact, now.title, now.urgency) == ("high", "Returns, faster", "medium")


def test_apply_on_top_keeps_both_changes(store):
    sid = suggest(store)
    mine = backlog.get(store, sid)
    backlog.update(
        store, "Ana Ruiz", replace(backlog.get(store, sid), impact="high"), expect_version=1
    )
    edited = replace(mine, urgency="high", description="seen at the desk")
    with pytest.raises(StaleRecord) as caught:
        backlog.update(store, "Ben Cho", edited, expect_version=mine.version)
    assert versions.mine_changed(mine, edited) == ["description", "urgency"]
    merged = versions.on_top(Suggestion, caught.value, mine, edited)
    assert merged.version == 2
    assert backlog.update(store, "Ben Cho", merged, expect_version=merged.version)
    now = backlog.get(store, sid)
    assert (now.impact, now.urgency, now.description) == ("high", "high", "seen at the desk")
    assert now.version == 3


def test_expecting_a_future_version_is_refused(store):
    sid = suggest(store)
    with pytest.raises(StaleRecord, match="is at version 1, not 5"):
        backlog.update(
            store, "Ana Ruiz", replace(backlog.get(store, sid), impact="high"), expect_version=5
        )


def test_every_edit_path_checks_the_version(store):
    ana = directory.find_person(store, "Ana Ruiz")
    # person
    p = directory.find_person(store, "Ben Cho")
    directory.save_person(store, "x", replace(p, team="Desk"), expect_version=1)
    with pytest.raises(StaleRecord, match="person #2 changed since version 1"):
        directory.save_person(store, "y", replace(p, email="b@example.org"), expect_version=1)
    # department
    d = directory.find_department(store, "Circulation")
    directory.save_department(store, "x", replace(d, branch="Main"), expect_version=1)
    with pytest.raises(StaleRecord):
        directory.save_department(store, "y", replace(d, notes="n"), expect_version=1)
    # note (only its author edits it)
    from datetime import timedelta

    from shadow.core import dates, schedule

    booking = schedule.visit_from_input(
        store,
        {"department": "Circulation", "visitors": ["Ana Ruiz"], "hosts": ["Ben Cho"],
         "when": (dates.now() - timedelta(days=3)).strftime("%Y-%m-%d 10:00"), "kind": "tour"},
    )  # fmt: skip
    vid = schedule.book(store, "x", booking, force=True, reason="test")
    oid = notes.observe(store, ana, vid, "Queue at the desk", "pain point")
    notes.edit_observation(store, ana, oid, text="Long queue", expect_version=1)
    with pytest.raises(StaleRecord):
        notes.edit_observation(store, ana, oid, kind="idea", expect_version=1)
    # visit
    visit = schedule.get_visit(store, vid)
    with pytest.raises(StaleRecord):
        schedule.book(store, "x", replace(booking, visit=replace(visit, purpose="p")), force=True,
                      reason="test", expect_version=7)  # fmt: skip
    # action
    sid = suggest(store)
    aid = actions.add(
        store,
        "x",
        actions.action_from_input(
            store, {"title": "Call vendor", "owner": "Ana Ruiz", "suggestion": str(sid)}
        ),
    )
    a = actions.get(store, aid)
    actions.update(store, "x", replace(a, notes="called"), expect_version=1)
    with pytest.raises(StaleRecord):
        actions.update(store, "y", replace(a, title="Call the vendor"), expect_version=1)
    # goals on a programme
    from shadow.core import programmes

    pid, _ = programmes.add(store, "x", "Winter")
    version = versions.version_of(store, "programmes", pid)
    with pytest.raises(StaleRecord):
        coverage.set_goals(store, "x", pid, [], expect_version=version + 1)
    coverage.set_goals(store, "x", pid, [], expect_version=version)


def _edit_in_process(path, field, value, expect, queue):  # runs in a child process
    store = Store(path)
    try:
        s = backlog.get(store, 1)
        try:
            backlog.update(
                store, f"proc-{field}", replace(s, **{field: value}), expect_version=expect
            )
            queue.put(("saved", store.get("suggestions", 1)["version"]))
        except StaleRecord as exc:
            queue.put(("stale", str(exc), exc.fields, exc.version))
    finally:
        store.close()


def _apply_on_top_in_process(path, expect, queue):  # the refused editor, in its own process
    store = Store(path)
    try:
        base = backlog.get(store, 1)
        base = replace(base, title="Faster returns")  # what they opened (version `expect`)
        base.version = expect
        mine = replace(base, urgency="high")
        try:
            backlog.update(store, "proc-b", mine, expect_version=expect)
            queue.put(("saved",))
        except StaleRecord as stale:
            merged = versions.on_top(Suggestion, stale, base, mine)
            backlog.update(store, "proc-b", merged, expect_version=merged.version)
            queue.put(("on top", store.get("suggestions", 1)["version"]))
    finally:
        store.close()


def test_two_processes_edit_one_suggestion(tmp_path):
    path = tmp_path / "shared.json"
    with Store(path) as s:
        directory.save_person(
            s, "setup", directory.person_from_input(s, {"name": "Mai Lin", "side": "library"})
        )
        backlog.add(
            s,
            directory.find_person(s, "Mai Lin"),
            backlog.suggestion_from_input(s, {"title": "Faster returns"}),
        )
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    # A and B both opened version 1. A saves first.
    a = ctx.Process(target=_edit_in_process, args=(str(path), "impact", "high", 1, queue))
    a.start()
    a.join()
    assert a.exitcode == 0
    assert queue.get(timeout=60) == ("saved", 2)
    # B's save with the stale version is refused, naming A's change; A's change is kept.
    b = ctx.Process(target=_edit_in_process, args=(str(path), "urgency", "high", 1, queue))
    b.start()
    b.join()
    assert b.exitcode == 0
    kind, message, fields, version = queue.get(timeout=60)
    assert kind == "stale" and fields == ["impact"] and version == 2
    assert "proc-impact changed impact: medium -> high" in message
    with Store(path) as s:
        doc = s.get("suggestions", 1)
        assert (doc["impact"], doc["urgency"], doc["version"]) == ("high", "medium", 2)
    # B applies its field on top: both changes survive.
    b2 = ctx.Process(target=_apply_on_top_in_process, args=(str(path), 1, queue))
    b2.start()
    b2.join()
    assert b2.exitcode == 0
    assert queue.get(timeout=60) == ("on top", 3)
    with Store(path) as s:
        doc = s.get("suggestions", 1)
        assert (doc["impact"], doc["urgency"], doc["version"]) == ("high", "high", 3)


def test_a_damaged_version_reads_as_1(store):
    sid = suggest(store)
    with store.transaction("x") as tx:
        doc = {k: v for k, v in tx.get("suggestions", sid).items() if k != "id"}
        tx._put("suggestions", sid, doc | {"version": "x"})  # as a hand-edited file might
    s = backlog.get(store, sid)
    assert versions.version_of(store, "suggestions", sid) == 1
    backlog.update(store, "Ana Ruiz", replace(s, urgency="high"), expect_version=s.version)
    assert store.get("suggestions", sid)["version"] == 2


def test_long_or_multiline_values_are_named_not_quoted(store):
    sid = suggest(store)
    s = backlog.get(store, sid)
    backlog.update(store, "Ana Ruiz", replace(s, description="line one\nline two"))
    with pytest.raises(StaleRecord) as caught:
        backlog.update(store, "Ben Cho", replace(s, urgency="low"), expect_version=1)
    assert "Ana Ruiz changed description at " in str(caught.value)
    assert "\n" not in str(caught.value)


def test_many_saves_since_are_said_per_field(store):
    sid = suggest(store)
    s = backlog.get(store, sid)
    for i, level in enumerate(["high", "low", "high", "low", "high"]):
        who = "Ana Ruiz" if i % 2 else "Ben Cho"
        backlog.update(store, who, replace(backlog.get(store, sid), urgency=level))
    backlog.update(store, "Ana Ruiz", replace(backlog.get(store, sid), title="New title"))
    with pytest.raises(StaleRecord) as caught:
        backlog.update(store, "Mai Lin", replace(s, impact="low"), expect_version=1)
    msg = str(caught.value)
    assert "(now 7)" in msg
    assert "Ben Cho, Ana Ruiz changed urgency: medium -> high (5 saves), last at " in msg
    assert "; Ana Ruiz changed title: Faster returns -> New title, last at " in msg
    assert msg.count("changed") == 3  # "changed since" and one per field
