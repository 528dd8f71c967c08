"""The audit trail in a file of its own: read only when asked for, yet every guarantee
of the store kept (all or nothing, crashes, backups, restore, check, migration)."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from shadow.core import store as store_mod
from shadow.core.directory import check
from shadow.core.store import AUDIT, DamagedFile, Store, StoreError
from tests.dbfiles import add, store_with

ROOT = Path(__file__).resolve().parents[2]


def dying_snapshot(monkeypatch, error: str = "No space left on device") -> None:
    """From now on writing db.json's snapshot fails as ``error`` would; what a fold writes
    before it (the audit file) is still written."""
    real = store_mod._atomic_write

    def die(target, payload):
        if Path(target).name == "db.json":
            raise StoreError(f"cannot write: {error}")
        real(target, payload)

    monkeypatch.setattr(store_mod, "_atomic_write", die)


def audit_files(folder: Path, name: str = "db.json") -> list[Path]:
    return sorted(folder.glob(f"{name}.audit-*.json"))


def entry_lines(path: Path) -> list[dict]:
    """The audit file's entries line by line (a repeated id shows twice), after checking
    its form: the head line, ``"1": {...}``, then ``,"N": {...}`` a line, the foot."""
    lines = path.read_bytes().split(b"\n")
    assert lines[0] == b'{"audit": {' and lines[-2:] == [b"}}", b""], lines
    entries = []
    for n, line in enumerate(lines[1:-2]):
        assert line.startswith(b",") == (n > 0), line
        key, _, body = line.lstrip(b",").partition(b": ")
        entries.append({"id": int(json.loads(key)), **json.loads(body)})
    return entries


def committed(path: Path) -> bytes:
    """The part of the audit file the snapshot names (the foot and a dead fold's leftovers
    excluded)."""
    info = json.loads(path.with_name("db.json").read_text())["_meta"]["1"]["audit_file"]
    return path.read_bytes()[: info["bytes"]]


def trail(store: Store) -> list[tuple]:
    return [(e["id"], e["entity"], e["entity_id"], e["field"], e["new"]) for e in store.audit()]


def old_style(path: Path, people: int = 2) -> dict:
    """A schema 1 file as shadow wrote it before: the audit trail inline."""
    data = {
        "_meta": {"1": {"schema": 1, "seq": people, "next_ids": {}, "created": "2026-01-01T10:00:00+00:00",
                        "gen": "0123456789abcdef"}},
        "people": {str(i): {"name": f"P{i}", "created": "2026-01-01T10:00:00+00:00"}
                   for i in range(1, people + 1)},
        "audit": {str(i): {"ts": "2026-01-01T10:00:00+00:00", "actor": "old", "entity": "people",
                           "entity_id": i, "field": "*", "old": None, "new": "created"}
                  for i in range(1, people + 1)},
    }  # fmt: skip
    path.write_text(json.dumps(data))
    return data


def test_a_fold_moves_the_trail_out_of_the_snapshot_and_opening_does_not_read_it(
    tmp_path, monkeypatch
):
    store = Store(tmp_path / "db.json")
    pid = add(store, "Ann")
    with store.transaction("Reviewer") as tx:
        tx.update("people", pid, {"name": "Anne"})
    expected = trail(store)
    store.compact()
    store.close()
    snapshot = json.loads((tmp_path / "db.json").read_text())
    assert AUDIT not in snapshot
    [audit_file] = audit_files(tmp_path)
    lines = entry_lines(audit_file)
    assert [(e["id"], e["field"], e["new"]) for e in lines] == [
        (1, "*", "created"), (2, "name", "Anne")
    ]  # fmt: skip
    assert snapshot["_meta"]["1"]["audit_file"]["bytes"] == audit_file.stat().st_size - len(b"}}\n")
    whole = json.loads(audit_file.read_text())  # one JSON document, as TinyDB stores a table
    assert list(whole) == ["audit"] and list(whole["audit"]) == ["1", "2"]

    def refuse(self):
        raise AssertionError("the audit file was read for a command that did not ask for it")

    monkeypatch.setattr(Store, "_read_audit", refuse)
    again = Store(tmp_path / "db.json", read_only=True)
    assert [d["name"] for d in again.all("people")] == ["Anne"]
    assert again.tables() == ["audit", "people"]
    monkeypatch.undo()
    assert trail(again) == expected
    assert [e["field"] for e in again.audit("people", pid)] == ["*", "name"]


def test_new_entries_after_a_fold_are_appended_and_read_with_the_journal(tmp_path):
    store = store_with(tmp_path / "db.json", "Ann")
    store.compact()
    size = audit_files(tmp_path)[0].stat().st_size
    add(store, "Bob")  # in the journal only
    reader = Store(tmp_path / "db.json", read_only=True)
    assert [e["entity_id"] for e in reader.audit("people")] == [1, 2]
    assert reader.count(AUDIT) == 2
    store.compact()
    [audit_file] = audit_files(tmp_path)
    assert audit_file.stat().st_size > size  # appended, same file
    add(store, "Cy")
    # The reader's trail follows both the fold and the new journal line.
    assert [e["entity_id"] for e in reader.audit("people")] == [1, 2, 3]
    assert [e["id"] for e in Store(tmp_path / "db.json").audit()] == [1, 2, 3]


def test_a_failed_transaction_leaves_no_audit_entry(tmp_path):
    store = store_with(tmp_path / "db.json", "Ann")
    store.compact()
    before = audit_files(tmp_path)[0].read_bytes()
    with pytest.raises(RuntimeError), store.transaction("tester") as tx:
        tx.insert("people", {"name": "Half"})
        raise RuntimeError("boom")
    store.compact()
    assert audit_files(tmp_path)[0].read_bytes() == before
    assert [e["entity_id"] for e in Store(tmp_path / "db.json").audit()] == [1]


def test_the_audit_trail_is_written_by_the_store_only(tmp_path):
    store = Store(tmp_path / "db.json")
    with pytest.raises(ValueError), store.transaction("tester") as tx:
        tx.insert(AUDIT, {"entity": "people"})


def test_a_fold_that_dies_after_appending_leaves_no_entry_twice(tmp_path, monkeypatch):
    store = store_with(tmp_path / "db.json", "Ann")
    store.compact()
    add(store, "Bob")
    dying_snapshot(monkeypatch)
    with pytest.raises(StoreError):
        store.compact()
    monkeypatch.undo()
    [audit_file] = audit_files(tmp_path)
    grown = audit_file.stat().st_size  # Bob's entry went in before the snapshot failed
    again = Store(tmp_path / "db.json")
    assert [e["entity_id"] for e in again.audit()] == [1, 2]  # once, from the journal
    add(again, "Cy")
    again.compact()  # cuts what the dead fold appended, then appends 2 and 3
    assert audit_file.stat().st_size > grown
    ids = [e["id"] for e in entry_lines(audit_file)]
    assert ids == [1, 2, 3]
    fresh = Store(tmp_path / "db.json")
    assert [e["entity_id"] for e in fresh.audit()] == [1, 2, 3]
    assert fresh.audit_problems() == []
    # The failed fold in the first process did not leave it believing otherwise.
    assert [e["entity_id"] for e in store.audit()] == [1, 2, 3]


def test_a_killed_writer_leaves_neither_a_change_without_its_audit_nor_the_reverse(tmp_path):
    path = tmp_path / "db.json"
    Store(path).close()
    writer = textwrap.dedent(
        """
        import os, sys
        from shadow.core import store as store_mod
        store_mod.COMPACT_EVERY = 7
        store = store_mod.Store(sys.argv[1])
        for n in range(1, 60):
            with store.transaction("w") as tx:
                pid = tx.insert("people", {"name": f"p{n}"})
                tx.update("people", pid, {"email": f"p{n}@x"})
            if n == 40:
                os.kill(os.getpid(), 9)  # dies between two commits, after folds
        """
    )
    subprocess.run([sys.executable, "-c", writer, str(path)], cwd=ROOT, check=False)
    store = Store(path, read_only=True)
    people = {d["id"] for d in store.all("people")}
    assert len(people) == 40
    created = [e["entity_id"] for e in store.audit("people") if e["field"] == "*"]
    emailed = [e["entity_id"] for e in store.audit("people") if e["field"] == "email"]
    assert sorted(created) == sorted(emailed) == sorted(people)
    assert store.audit_problems() == []


def test_backup_holds_the_trail_inline_and_restore_brings_it_back(tmp_path):
    store = store_with(tmp_path / "db.json", "Ann")
    store.compact()
    add(store, "Bob")
    expected = trail(store)
    out = store.backup(out=tmp_path / "copy.json")
    data = json.loads(out.read_text())
    assert len(data[AUDIT]) == 2 and "audit_file" not in data["_meta"]["1"]
    assert trail(Store(out, read_only=True)) == expected  # one self-contained file
    add(store, "Cy")
    store.compact()
    [old_file] = audit_files(tmp_path)
    store.restore(out)
    [new_file] = audit_files(tmp_path)
    assert new_file != old_file and not old_file.exists()
    assert [d["name"] for d in store.all("people")] == ["Ann", "Bob"]
    restored = Store(tmp_path / "db.json")
    assert trail(restored)[:2] == expected
    assert AUDIT not in json.loads((tmp_path / "db.json").read_text())
    add(restored, "Dan")  # ids stay unique after the restore: 3 was Cy's
    ids = [e["id"] for e in Store(tmp_path / "db.json").audit()]
    assert len(ids) == len(set(ids)) and ids[:2] == [1, 2]


def test_an_old_file_opens_read_only_as_it_is_and_migrates_at_a_writable_open(tmp_path):
    path = tmp_path / "db.json"
    old_style(path)
    before = path.read_bytes()
    reader = Store(path, read_only=True)
    assert [e["entity_id"] for e in reader.audit("people")] == [1, 2]
    assert path.read_bytes() == before and audit_files(tmp_path) == []
    store = Store(path)
    assert store.schema == store_mod.SCHEMA_VERSION >= store_mod.AUDIT_FILE_SCHEMA
    [backup] = store.backups()
    assert "before-migration-1-to-2" in backup.name
    kept = json.loads(backup.read_text())
    assert kept["_meta"]["1"]["schema"] == 1 and len(kept[AUDIT]) == 2
    snapshot = json.loads(path.read_text())
    assert AUDIT not in snapshot and len(audit_files(tmp_path)) == 1
    add(store, "P3")
    entries = Store(path).audit("people")
    assert [(e["entity_id"], e["actor"]) for e in entries] == [
        (1, "old"),
        (2, "old"),
        (3, "tester"),
    ]
    assert entries[2]["id"] == 3  # audit ids carry on after the inline ones


def test_a_migration_that_dies_before_its_snapshot_leaves_the_old_file_and_no_stray(
    tmp_path, monkeypatch
):
    path = tmp_path / "db.json"
    old_style(path)
    before = path.read_bytes()
    dying_snapshot(monkeypatch, "Input/output error")
    with pytest.raises(StoreError):
        Store(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert audit_files(tmp_path) == []  # the half-done audit file went with the failure
    (tmp_path / "db.json.audit-00000000000000aa.json").write_text("stray\n")  # a crash's
    (tmp_path / "db.json.audit-00000000000000bb.jsonl").write_text("stray\n")  # the old form's
    store = Store(path)
    assert [f.name for f in audit_files(tmp_path)] == [
        f"db.json.audit-{store._meta()['audit_file']['gen']}.json"
    ]
    assert not (tmp_path / "db.json.audit-00000000000000bb.jsonl").exists()
    assert [e["entity_id"] for e in store.audit()] == [1, 2]


def test_a_missing_or_damaged_audit_file_is_refused_in_one_line(tmp_path):
    path = tmp_path / "db.json"
    store = store_with(path, "Ann", "Bob")
    store.compact()
    store.close()
    [audit_file] = audit_files(tmp_path)
    good = audit_file.read_bytes()
    audit_file.write_bytes(good[:-5])
    with pytest.raises(DamagedFile, match="cut short") as info:
        Store(path)
    assert "\n" not in str(info.value)
    assert good.count(b',"2": ') == 1
    audit_file.write_bytes(good.replace(b',"2": ', b',"x": '))  # same length
    with pytest.raises(DamagedFile, match="line 3"):
        Store(path).audit()
    audit_file.write_bytes(good.replace(b',"2": ', b' "2": '))  # not JSON: TinyDB could not read it
    with pytest.raises(DamagedFile, match="line 3"):
        Store(path).audit()
    audit_file.write_bytes(good.replace(b'{"audit": {', b'{"audit": ['))
    with pytest.raises(DamagedFile, match="line 1"):
        Store(path).audit()
    audit_file.unlink()
    with pytest.raises(DamagedFile, match="missing its audit trail"):
        Store(path, read_only=True)
    assert path.exists() and not audit_file.exists()  # nothing was changed or recreated


def test_check_names_a_repeated_audit_id(tmp_path):
    path = tmp_path / "db.json"
    store = store_with(path, "Ann", "Bob")
    store.compact()
    store.close()
    assert check(Store(path)) == []
    [audit_file] = audit_files(tmp_path)
    head, first, _second, foot = audit_file.read_bytes().splitlines(keepends=True)
    body = head + first + b"," + first  # id 1 twice (a hand edit), id 2 gone
    audit_file.write_bytes(body + foot)
    data = json.loads(path.read_text())
    data["_meta"]["1"]["audit_file"]["bytes"] = len(body)
    path.write_text(json.dumps(data))
    problems = [str(p) for p in check(Store(path))]
    assert any("audit id 1 appears twice" in p for p in problems), problems


def test_cli_history_and_check_read_the_trail_from_its_file(tmp_path):
    db = tmp_path / "db.json"
    env = dict(
        os.environ, SHADOW_DB=str(db), SHADOW_USER="Ann", SHADOW_CONFIG=str(tmp_path / "c.json")
    )
    run = lambda *a: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "shadow", *a], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert run("person", "add", "Ann", "--side", "it", "--role", "Network").returncode == 0
    assert audit_files(tmp_path), "the CLI folds on close: the trail is in its own file"
    out = run("history", "people", "--json")
    assert out.returncode == 0, out.stderr
    assert [e["field"] for e in json.loads(out.stdout)] == ["*"]
    assert run("check").returncode == 0


def test_a_large_database_is_frozen_out_of_the_garbage_collectors_walks(tmp_path, monkeypatch):
    import gc

    store = store_with(tmp_path / "db.json", "Ann")
    store.compact()
    store.close()
    monkeypatch.setattr(store_mod, "FREEZE_MIN_BYTES", 1)  # every database is "large"
    again = Store(tmp_path / "db.json")
    assert again.count("people") == 1  # read now (tables are read when first asked for)
    ann = again._data["people"]["1"]
    tracked = {id(o) for o in gc.get_objects()}
    assert id(ann) not in tracked  # in the permanent generation: full passes skip it
    assert [e["entity_id"] for e in again.audit()] == [1]
    entry = again._data[AUDIT]["1"]
    assert id(entry) not in {id(o) for o in gc.get_objects()}
    gc.unfreeze()  # let the rest of the test run collect as usual


def test_one_records_history_is_found_without_reading_the_whole_trail(tmp_path, monkeypatch):
    store = Store(tmp_path / "db.json")
    ann = add(store, "Ann")
    bob = add(store, "Bob")
    with store.transaction("tester") as tx:
        tx.update("people", ann, {"email": "a@x", "note": {"entity": "people", "entity_id": bob}})
        tx.update("people", bob, {"email": "b@x"})
        tx.insert("departments", {"name": "people 1"})
    store.compact()
    with store.transaction("Reviewer") as tx:  # in the journal only
        tx.update("people", bob, {"email": "bob@x"})
        tx.insert("people", {"name": "Cy"})
    full = Store(tmp_path / "db.json", read_only=True)
    full.audit()  # the whole trail in memory: the reference
    expected = {
        (e, i): full.audit(e, i)
        for e in ("people", "departments", "visits")
        for i in (None, ann, bob, 3, 10, 1)
    }

    def refuse(self):
        raise AssertionError("the whole trail was read for one table's history")

    monkeypatch.setattr(Store, "_read_audit", refuse)
    scanned = Store(tmp_path / "db.json", read_only=True)
    for (entity, entity_id), want in expected.items():
        assert scanned.audit(entity, entity_id) == want, (entity, entity_id)
    assert [e["field"] for e in scanned.audit("people", bob)] == ["*", "email", "email"]
    assert AUDIT not in scanned._data


def test_the_snapshot_is_one_table_a_line_and_a_command_reads_only_the_tables_it_asks_for(
    tmp_path,
):
    from tinydb import TinyDB

    path = tmp_path / "db.json"
    store = Store(path)
    ann = add(store, "Ann")
    with store.transaction("tester") as tx:
        tx.insert("visits", {"title": "Tour of cataloguing\nsecond line \u2028 é"})
        tx.insert("departments", {"name": "Archives"})
    store.compact()
    store.close()
    lines = path.read_bytes().splitlines()
    assert lines[0] == b"{" and lines[1].startswith(b'"_meta":') and lines[-1] == b"}"
    assert len(lines) == 2 + 4  # _meta, people, visits, departments
    assert TinyDB(path).table("visits").all()[0]["title"].startswith("Tour of cataloguing\n")
    reader = Store(path, read_only=True)
    assert [d["name"] for d in reader.all("people")] == ["Ann"]
    assert "visits" in reader._lazy and "departments" in reader._lazy  # not parsed
    assert reader.tables() == ["audit", "departments", "people", "visits"]
    assert reader.get("visits", 1)["title"].endswith("\u2028 é")
    # A change to a table not read yet: it is read first, then changed.
    writer = Store(path)
    with writer.transaction("tester") as tx:
        tx.update("departments", 1, {"name": "Special collections"})
    assert reader.get("departments", 1)["name"] == "Special collections"
    assert Store(path).find("people", name="Ann")[0]["id"] == ann


def test_a_damaged_table_is_refused_when_it_is_read_and_by_check(tmp_path):
    path = tmp_path / "db.json"
    store = store_with(path, "Ann")
    with store.transaction("tester") as tx:
        tx.insert("visits", {"title": "Tour"})
    store.compact()
    store.close()
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b'"title":"Tour"', b'"title":"Tour'))  # a damaged line
    reader = Store(path, read_only=True)
    assert [d["name"] for d in reader.all("people")] == ["Ann"]  # the rest still reads
    with pytest.raises(DamagedFile, match="table 'visits'") as info:
        reader.all("visits")
    assert "\n" not in str(info.value) and str(path) in str(info.value)
    with pytest.raises(DamagedFile, match="table 'visits'"):
        check(Store(path, read_only=True))
    writer = Store(path)
    with pytest.raises(DamagedFile):  # nothing is folded over a damaged table
        writer.compact()
    assert path.read_bytes() == raw.replace(b'"title":"Tour"', b'"title":"Tour')


def test_the_committed_audit_file_is_a_tinydb_json_file(tmp_path, monkeypatch):
    from tinydb import TinyDB

    def tinydb_trail(audit_file: Path) -> list[tuple]:
        db = TinyDB(audit_file, access_mode="r")
        try:
            return [(d.doc_id, d["entity_id"], d["field"]) for d in db.table(AUDIT).all()]
        finally:
            db.close()

    path = tmp_path / "db.json"
    store = Store(path)
    store.compact()  # an empty trail: the head, no entry, the foot
    [audit_file] = audit_files(tmp_path)
    assert audit_file.read_bytes() == b'{"audit": {\n}}\n'
    assert committed(audit_file) == b'{"audit": {\n'
    assert tinydb_trail(audit_file) == [] and store.tables() == []
    ann = add(store, "Ann")
    store.compact()  # the first entry: no leading comma
    assert tinydb_trail(audit_file) == [(1, ann, "*")]
    with store.transaction("tester") as tx:
        tx.update("people", ann, {"email": "a@x"})
        tx.insert("people", {"name": 'Bob \u2028 "quoted"\nsecond line'})
    store.compact()  # appended after the foot was cut
    want = [(1, ann, "*"), (2, ann, "email"), (3, 2, "*")]
    assert tinydb_trail(audit_file) == want
    assert [(e["id"], e["entity_id"], e["field"]) for e in entry_lines(audit_file)] == want
    assert [(e["id"], e["entity_id"], e["field"]) for e in Store(path).audit()] == want
    assert [e["id"] for e in Store(path, read_only=True).audit("people", 2)] == [3]
    # A fold that dies after appending leaves its entries and a foot; the next fold cuts
    # them (and the foot) before it appends: the file is again exactly the trail.
    add(store, "Cy")
    dying_snapshot(monkeypatch)
    with pytest.raises(StoreError):
        store.compact()
    monkeypatch.undo()
    assert Store(path).audit_problems() == []
    store.compact()
    assert tinydb_trail(audit_file) == [*want, (4, 3, "*")]
    assert audit_file.read_bytes() == committed(audit_file) + b"}}\n"
    # A schema 1 database migrates into the same form.
    old = tmp_path / "old" / "db.json"
    old.parent.mkdir()
    old_style(old, people=3)
    Store(old).close()
    [migrated] = audit_files(old.parent)
    assert tinydb_trail(migrated) == [(1, 1, "*"), (2, 2, "*"), (3, 3, "*")]


def test_a_backup_streams_unread_tables_and_the_trail_and_holds_every_change(tmp_path):
    """The daily backup copies tables not parsed yet as bytes (with new records the journal
    added appended to them) and the audit file piece by piece; it reads back as the very
    database, journal included, and a damaged trail fails it rather than being copied."""
    path = tmp_path / "db.json"
    store = Store(path)
    add(store, "Ann")
    with store.transaction("tester") as tx:
        tx.insert("kudos", {"text": "thanks"})
    store.compact()
    store.close()
    store = Store(path)
    add(store, "Bob")  # a new record of an unparsed table: pending, spliced in
    with store.transaction("tester") as tx:
        tx.insert("kudos", {"text": "more"})
        tx.update("kudos", 1, {"text": "changed"})  # an older record: the table is parsed
    assert "people" in store._lazy and store._pending["people"]
    backup = store.backup(reason="test")
    assert "people" in store._lazy and "kudos" not in store._lazy
    copy, now = Store(backup, read_only=True), Store(path, read_only=True)
    assert "audit_file" not in copy._meta()  # one self-contained file
    for table in now.tables():
        assert copy.all(table) == now.all(table), table
    assert [d["name"] for d in copy.all("people")] == ["Ann", "Bob"]
    assert len(copy.all(AUDIT)) == len(now.audit()) > 3
    # A damaged trail: no backup rather than a damaged one.
    trail_file = audit_files(tmp_path)[0]
    raw = trail_file.read_bytes()
    trail_file.write_bytes(raw.replace(b'"actor":', b'"actor" ', 1))
    again = Store(path)
    with pytest.raises(DamagedFile):
        again.backup(reason="damaged")
    assert not any("damaged" in p.name for p in again.backups())


def test_audit_counts_count_what_audit_lists_from_the_file_and_the_tail(tmp_path):
    path = tmp_path / "db.json"
    store = Store(path)
    with store.transaction("tester") as tx:
        a = tx.insert("visits", {"title": 'says "entity":"visits","entity_id":9'})
        b = tx.insert("visits", {"title": "two"})
    with store.transaction("tester") as tx:
        tx.update("visits", a, {"title": "renamed", "status": "done"})
    store.compact()
    with store.transaction("tester") as tx:  # in the journal, not yet in the file
        tx.update("visits", b, {"title": "again"})
    reader = Store(path, read_only=True)

    def listed(entity):
        counts = {}
        for e in reader.audit(entity):
            counts[e["entity_id"]] = counts.get(e["entity_id"], 0) + 1
        return counts

    assert reader._count_audit("visits") == {a: 3, b: 2} == listed("visits")
    assert reader.audit_counts("people") == {}
    reader._ensure_audit()  # the trail in memory: counted from there, the same
    assert reader.audit_counts("visits") == {a: 3, b: 2}


def with_a_visit_to_nowhere(path: Path) -> Store:
    """A store of Ann and a visit at the missing department #99, folded (the trail in its
    own file)."""
    store = Store(path)
    ann = add(store, "Ann")
    with store.transaction("tester") as tx:
        tx.insert("visits", {"department_id": 99, "visitors": [ann], "hosts": []})
    store.compact()
    return store


def test_check_passes_over_each_table_and_the_trail_without_keeping_them(tmp_path):
    path = tmp_path / "db.json"
    store = with_a_visit_to_nowhere(path)
    add(store, "Bob")  # in the journal: part of the pass
    store.close()
    reader = Store(path, read_only=True)
    streamed = [str(p) for p in check(reader)]
    assert "visits" in reader._lazy and AUDIT not in reader._data  # passed over, not kept
    assert [d["name"] for d in reader.each("people")] == ["Ann", "Bob"]
    assert len(list(reader.each(AUDIT))) == len(reader.audit()) > 0
    assert reader.count("visits") == 1 and "visits" in reader._lazy
    whole = Store(path, read_only=True)
    whole._load_everything()
    whole._ensure_audit()
    assert [str(p) for p in check(whole)] == streamed
    assert any("department_id points at missing departments #99" in p for p in streamed)
    assert [d["id"] for d in whole.each(AUDIT)] == [d["id"] for d in reader.each(AUDIT)]


def test_audit_of_one_field_and_new_value_from_the_file_and_from_memory(tmp_path):
    path = tmp_path / "db.json"
    store = Store(path)
    with store.transaction("tester") as tx:
        a = tx.insert("visits", {"status": "requested", "note": '"new":"cancelled"'})
        b = tx.insert("visits", {"status": "requested"})
    with store.transaction("tester") as tx:
        tx.update("visits", a, {"status": "cancelled"})
        tx.update("visits", b, {"status": "confirmed", "rrule": "FREQ=WEEKLY"})
    store.compact()
    with store.transaction("tester") as tx:  # the tail, not yet in the file
        tx.update("visits", b, {"status": "cancelled"})
    reader = Store(path, read_only=True)
    scanned = reader.audit("visits", field="status", new="cancelled")
    assert [(e["entity_id"], e["old"]) for e in scanned] == [(a, "requested"), (b, "confirmed")]
    assert [e["new"] for e in reader.audit("visits", field="rrule")] == ["FREQ=WEEKLY"]
    assert AUDIT not in reader._data
    reader._ensure_audit()
    assert reader.audit("visits", field="status", new="cancelled") == scanned
    assert len(reader.audit("visits", b, field="status")) == 2


def test_several_lookups_read_the_file_once_and_a_lookup_again_reads_only_the_tail(
    tmp_path, monkeypatch
):
    """``audit_any``: what each lookup finds, each entry once, in order, from one read of
    the file; asked again (a change since, no fold), only the entries since the fold are
    new, and the file is not read again; after a fold, the new file part is read."""
    path = tmp_path / "db.json"
    store = Store(path)
    with store.transaction("tester") as tx:
        a = tx.insert("visits", {"status": "requested"})
        b = tx.insert("visits", {"status": "requested"})
    with store.transaction("tester") as tx:
        tx.update("visits", a, {"status": "cancelled"})
        tx.update("visits", b, {"rrule": "FREQ=WEEKLY"})
        tx.update("visits", b, {"status": "cancelled", "rrule": "FREQ=WEEKLY;UNTIL=20270101"})
    store.compact()
    reads = []
    real = Store._audit_raw

    def counted(self):
        reads.append(1)
        return real(self)

    monkeypatch.setattr(Store, "_audit_raw", counted)

    def both(s: Store) -> list[dict]:
        return s.audit_any("visits", {"field": "status", "new": "cancelled"}, {"field": "rrule"})

    reader = Store(path, read_only=True)
    found = both(reader)
    apart = reader.audit("visits", field="status", new="cancelled") + reader.audit(
        "visits", field="rrule"
    )
    assert found == sorted(apart, key=lambda e: e["id"]) and len(found) == 4
    assert [(e["entity_id"], e["field"]) for e in found] == [
        (a, "status"), (b, "rrule"), (b, "status"), (b, "rrule")
    ]  # fmt: skip
    assert len(reads) == 1  # one read for both lookups, none for them asked one by one
    with store.transaction("tester") as tx:  # the tail
        tx.update("visits", a, {"status": "requested"})
        tx.update("visits", a, {"status": "cancelled"})
    again = both(reader)
    assert again[:4] == found and [e["entity_id"] for e in again[4:]] == [a]
    assert len(reads) == 1
    store.compact()  # a new file part: read
    assert both(reader) == again and len(reads) == 2
    reader._ensure_audit()  # from memory: the same
    assert both(reader) == again


def test_a_record_the_journal_wrote_is_read_without_parsing_its_table(tmp_path):
    path = tmp_path / "db.json"
    store = Store(path)
    ann = add(store, "Ann")
    store.compact()
    store.close()
    writer = Store(path)
    bob = add(writer, "Bob")
    with writer.transaction("tester") as tx:
        tx.update("people", bob, {"name": "Robert"})
        cy = tx.insert("people", {"name": "Cy"})
    with writer.transaction("tester") as tx:
        tx.delete("people", cy)
    assert writer.get("people", bob)["name"] == "Robert" and writer.get("people", cy) is None
    assert "people" in writer._lazy  # not parsed for that
    assert writer.get("people", ann)["name"] == "Ann"  # an older one: parsed
    assert [d["name"] for d in writer.all("people")] == ["Ann", "Robert"]


def test_an_unread_tables_next_id_lowered_by_hand_never_overwrites_a_record(tmp_path):
    """An insert into a table not parsed yet takes next_ids from the snapshot, but checks
    the id against the table's text first: a snapshot edited by hand in the store's own
    one-table-a-line form, saying less than the records it holds, loses nothing."""
    path = tmp_path / "db.json"
    store = Store(path)
    for name in ("Ann", "Bob", "Cy"):
        add(store, name)
    store.compact()
    store.close()
    raw = path.read_bytes()
    lines = raw.splitlines(keepends=True)
    meta = json.loads(lines[1].rstrip(b",\n").split(b":", 1)[1])
    assert meta["1"]["next_ids"]["people"] == 4
    meta["1"]["next_ids"]["people"] = 2  # the hand edit
    lines[1] = b'"_meta":' + json.dumps(meta, separators=(",", ":")).encode() + b",\n"
    path.write_bytes(b"".join(lines))
    writer = Store(path)
    assert "people" in writer._lazy  # the store's own form: read lazily
    with writer.transaction("tester") as tx:
        new = [tx.insert("people", {"name": n}) for n in ("Dee", "Eve", "Fay", "Gus", "Hal")]
    assert new == [4, 5, 6, 7, 8]
    assert [d["name"] for d in Store(path).all("people")] == [
        "Ann", "Bob", "Cy", "Dee", "Eve", "Fay", "Gus", "Hal"
    ]  # fmt: skip


def test_an_insert_into_an_unread_table_checks_a_few_ids_then_reads_it(tmp_path, monkeypatch):
    """The id check is a scan of the table's text: a transaction makes at most
    ``ID_SCANS`` of them per table, then reads the table once (a bulk insert)."""
    path = tmp_path / "db.json"
    store = Store(path)
    add(store, "Ann")
    store.compact()
    store.close()
    scans = []
    real = store_mod._holds_key
    monkeypatch.setattr(store_mod, "_holds_key", lambda raw, i: scans.append(i) or real(raw, i))
    writer = Store(path)
    with writer.transaction("tester") as tx:
        ids = [tx.insert("people", {"name": f"P{i}"}) for i in range(10)]
    assert ids == list(range(2, 12))
    assert scans == [2, 3, 4][: store_mod.ID_SCANS]
    assert "people" not in writer._lazy  # read once, then counted in memory


def a_store_with_problems_everywhere(tmp_path) -> Path:
    """A visit pointing at a missing department, an entry of the trail without an actor
    and an audit id twice (a hand edit of its file), the newest entries in the journal."""
    path = tmp_path / "db.json"
    with_a_visit_to_nowhere(path).close()
    [audit_file] = audit_files(tmp_path)
    head, *lines, foot = audit_file.read_bytes().splitlines(keepends=True)
    lines[0] = lines[0].replace(b'"actor": "tester"', b'"actor": ""')
    lines[0] = lines[0].replace(b'"actor":"tester"', b'"actor":""')
    body = head + b"".join(lines) + b"," + lines[-1].lstrip(b",")
    audit_file.write_bytes(body + foot)
    data = json.loads(path.read_text())
    data["_meta"]["1"]["audit_file"]["bytes"] = len(body)
    path.write_text(json.dumps(data))
    add(Store(path), "Bob")  # (in the journal)
    return path


def test_check_reads_a_long_trail_beside_the_tables_and_says_the_same(tmp_path, monkeypatch):
    from shadow.core import ahead, directory

    path = a_store_with_problems_everywhere(tmp_path)
    here = [str(p) for p in check(Store(path, read_only=True))]
    assert any("audit id" in p and "twice" in p for p in here), here
    assert any(p.startswith("audit #") and "actor" in p for p in here), here
    assert any("department_id points at missing departments #99" in p for p in here), here
    started = []
    real = ahead.start
    monkeypatch.setattr(ahead, "start", lambda work: started.append(1) or real(work))
    monkeypatch.setattr(directory, "AUDIT_BESIDE_OVER", 0)
    checked_here = []
    real_check = directory._check_audit
    monkeypatch.setattr(
        directory, "_check_audit", lambda s: checked_here.append(1) or real_check(s)
    )
    assert [str(p) for p in check(Store(path, read_only=True))] == here
    assert started == [1] and checked_here == []  # (the child's count is its own)
    # A child that brings nothing: the trail is checked here after all.
    monkeypatch.setattr(ahead, "start", lambda work: real(lambda: os._exit(1)))
    assert [str(p) for p in check(Store(path, read_only=True))] == here
    assert checked_here == [1]


def test_the_size_of_a_trail_in_its_own_file_is_told_without_reading_it(tmp_path):
    path = tmp_path / "db.json"
    store = store_with(path, *(f"Person {n}" for n in range(30)))
    store.compact()
    store.close()
    reader = Store(path, read_only=True)
    hint = reader.size_hint(AUDIT)
    assert AUDIT not in reader._data
    assert 0 < len(reader.audit()) <= hint
