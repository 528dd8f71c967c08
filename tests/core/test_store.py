"""The durable store: round trips, refusal of bad files, backups, several processes, crashes."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from tinydb import TinyDB

from shadow.core import store as store_mod
from shadow.core.store import DamagedFile, NewerFile, Store, StoreError
from tests.dbfiles import add

ROOT = Path(__file__).resolve().parents[2]


def make(tmp_path, name="db.json") -> Store:
    return Store(tmp_path / name)


def test_new_file_and_folder_are_created(tmp_path):
    path = tmp_path / "deep" / "er" / "db.json"
    store = Store(path)
    assert path.exists()
    assert store.schema == store_mod.SCHEMA_VERSION
    assert store.all("people") == []


def test_round_trip_survives_reopen(tmp_path):
    store = make(tmp_path)
    pid = add(store, "Ann [red]x [/]")
    with store.transaction("tester") as tx:
        tx.update("people", pid, {"email": "ann@example.org"})
    store.close()
    again = make(tmp_path)
    doc = again.get("people", pid)
    assert doc["name"] == "Ann [red]x [/]"
    assert doc["email"] == "ann@example.org"
    assert doc["created_by"] == "tester"
    assert doc["created"].endswith("+00:00") or "+" in doc["created"] or "-" in doc["created"][19:]


def test_snapshot_is_a_plain_tinydb_file_after_compaction(tmp_path):
    store = make(tmp_path)
    add(store, "Ann")
    add(store, "Bob")
    store.compact()
    names = sorted(d["name"] for d in TinyDB(tmp_path / "db.json").table("people").all())
    assert names == ["Ann", "Bob"]
    assert (tmp_path / "db.json.journal").stat().st_size == 0


def test_ids_are_never_reused_even_with_stale_next_ids(tmp_path):
    store = make(tmp_path)
    add(store, "Ann")
    add(store, "Bob")
    store.compact()
    store.close()
    path = tmp_path / "db.json"
    data = json.loads(path.read_text())
    data["_meta"]["1"]["next_ids"] = {}  # e.g. a hand-edited or restored file
    path.write_text(json.dumps(data))
    again = make(tmp_path)
    cy = add(again, "Cy")
    assert cy == 3
    assert sorted(d["name"] for d in again.all("people")) == ["Ann", "Bob", "Cy"]
    assert len(again.audit()) == 3 + 0 or len({e["id"] for e in again.audit()}) == len(
        again.audit()
    )


def test_ids_are_never_reused(tmp_path):
    store = make(tmp_path)
    first = add(store, "Ann")
    second = add(store, "Bob")
    with store.transaction("tester") as tx:
        tx.delete("people", second)
    store.close()
    again = make(tmp_path)
    third = add(again, "Cy")
    assert third not in (first, second)


def test_every_change_is_audited_with_old_and_new(tmp_path):
    store = make(tmp_path)
    pid = add(store, "Ann", actor="Coordinator")
    with store.transaction("Reviewer") as tx:
        tx.update("people", pid, {"name": "Anne", "role": "Librarian"})
        tx.update("people", pid, {"name": "Anne"})  # no change: no entry
    entries = store.audit("people", pid)
    assert [(e["actor"], e["field"], e["old"], e["new"]) for e in entries] == [
        ("Coordinator", "*", None, "created"),
        ("Reviewer", "name", "Ann", "Anne"),
        ("Reviewer", "role", None, "Librarian"),
    ]
    assert all("T" in e["ts"] and ("+" in e["ts"][19:] or "-" in e["ts"][19:]) for e in entries)


def test_failed_transaction_writes_nothing(tmp_path):
    store = make(tmp_path)
    add(store, "Ann")
    size = (tmp_path / "db.json.journal").stat().st_size
    with pytest.raises(RuntimeError), store.transaction("tester") as tx:
        tx.insert("people", {"name": "Half"})
        raise RuntimeError("boom")
    assert [d["name"] for d in store.all("people")] == ["Ann"]
    assert (tmp_path / "db.json.journal").stat().st_size == size
    assert [d["name"] for d in make(tmp_path, "db.json").all("people")] == ["Ann"]


def test_find_and_filter_use_queries(tmp_path):
    store = make(tmp_path)
    add(store, "Ann")
    add(store, "Bob")
    assert [d["name"] for d in store.find("people", name="Bob")] == ["Bob"]
    assert [d["name"] for d in store.filter("people", lambda d: d["name"] < "B")] == ["Ann"]


def test_find_by_an_index_gives_what_a_tinydb_search_gives_through_every_change(tmp_path):
    """find() looks records up by an index of its first field's values (built again after
    any change): the same records, in the same order, as TinyDB's query, as records are
    added, changed and removed, here and by another process."""
    from tinydb import Query

    store = make(tmp_path)

    def searched(**equals):
        with store._mutex:
            found = store._table("notes").search(Query().fragment(equals))
        return [dict(doc, id=doc.doc_id) for doc in found]

    def same(**equals):
        assert store.find("notes", **equals) == searched(**equals)
        return [d["id"] for d in store.find("notes", **equals)]

    with store.transaction("tester") as tx:
        for n in range(30):
            tx.insert("notes", {"visit_id": n % 4, "side": "it" if n % 3 else "library"})
        tx.insert("notes", {"side": "it"})  # no visit_id at all
        tx.insert("notes", {"visit_id": [1, 2], "side": "it"})  # a value that is no key
        tx.insert("notes", {"visit_id": True, "side": "it"})  # equal to 1, as TinyDB says
        tx.insert("people", {"name": "Ann"})
    assert len(same(visit_id=1)) == 9
    assert ("notes", "visit_id") in store._indexes  # (looked up, not searched)
    store.find("people", name="Ann")  # another table's index keeps this one
    assert {("notes", "visit_id"), ("people", "name")} <= set(store._indexes)
    assert same(visit_id=2, side="library")
    assert same(visit_id=9) == []
    assert same(visit_id="1") == []
    assert store.find("notes", visit_id=[1, 2]) == searched(visit_id=[1, 2])  # (TinyDB's)
    first = same(visit_id=1)[0]
    with store.transaction("tester") as tx:
        tx.update("notes", first, {"visit_id": 3})
        tx.insert("notes", {"visit_id": 1, "side": "it"})
        tx.delete("notes", same(visit_id=1)[-2])
    assert first not in same(visit_id=1) and first in same(visit_id=3)
    other = Store(store.path)  # another process adds one: seen at the next read
    with other.transaction("elsewhere") as tx:
        added = tx.insert("notes", {"visit_id": 1, "side": "library"})
    other.close()
    assert added in same(visit_id=1)
    assert store.find("missing", visit_id=1) == []


def test_an_index_built_ahead_is_said_until_a_change_and_finds_the_same(tmp_path):
    """index() builds what find() would, indexed() says so (and whether tables are parsed)
    until any change drops the indexes, here or by another process."""
    with make(tmp_path).transaction("tester") as tx:
        for n in range(6):
            tx.insert("notes", {"visit_id": n % 2})
        tx.insert("people", {"name": "Ann"})
    store = make(tmp_path)
    assert not store.indexed(("notes", "visit_id"))
    store._lazy.setdefault("people", b"{}")  # (as a large table not parsed yet)
    assert not store.indexed(parsed=["people"])
    store._lazy.pop("people")
    store.index("notes", "visit_id")
    assert store.indexed(("notes", "visit_id"))
    assert not store.indexed(("notes", "visit_id"), ("notes", "side"))
    assert [d["id"] for d in store.find("notes", visit_id=1)] == [2, 4, 6]
    assert store.indexed(("notes", "visit_id"), parsed=["people", "missing"])
    with store.transaction("tester") as tx:
        tx.insert("notes", {"visit_id": 1})
    assert not store.indexed(("notes", "visit_id"))
    store.index("notes", "visit_id")
    other = Store(store.path)
    with other.transaction("elsewhere") as tx:
        tx.insert("notes", {"visit_id": 1})
    other.close()
    assert not store.indexed(("notes", "visit_id"))  # (seen changed on disk)
    assert len(store.find("notes", visit_id=1)) == 5
    store.index("missing", "visit_id")  # (no such table yet: nothing found by it)
    assert store.indexed(("missing", "visit_id")) and store.find("missing", visit_id=1) == []
    with store.transaction("tester") as tx:
        tx.insert("missing", {"visit_id": 1})
    assert not store.indexed(("missing", "visit_id"))
    assert len(store.find("missing", visit_id=1)) == 1


def test_settings_are_stored_and_audited(tmp_path):
    store = make(tmp_path)
    with store.transaction("tester") as tx:
        tx.set_setting("dayfirst", True)
    with store.transaction("tester") as tx:
        tx.set_setting("dayfirst", False)
    assert make(tmp_path).setting("dayfirst") is False
    assert [e["field"] for e in store.audit("settings")] == ["dayfirst", "dayfirst"]


# ---------------------------------------------------------------- refusing bad files
def _refused(path: Path, error: type[StoreError]) -> str:
    before = path.read_bytes()
    with pytest.raises(error) as info:
        Store(path)
    assert path.read_bytes() == before, "a refused file must be left byte-for-byte as it was"
    message = str(info.value)
    assert str(path) in message and "\n" not in message
    return message


def test_damaged_file_is_refused_and_untouched(tmp_path):
    store = make(tmp_path)
    add(store, "Ann")
    store.backup()
    store.compact()
    store.close()
    path = tmp_path / "db.json"
    path.write_bytes(path.read_bytes()[:-7])  # a truncated write
    message = _refused(path, DamagedFile)
    assert "damaged" in message
    assert "newest backup: " in message and "backups" in message


def test_empty_and_foreign_files_are_refused(tmp_path):
    path = tmp_path / "db.json"
    path.write_bytes(b"")
    assert "empty" in _refused(path, DamagedFile)
    assert "no backup found" in _refused(path, DamagedFile)
    path.write_text(json.dumps({"_default": {"1": {"x": 1}}}))
    assert "not a shadow database" in _refused(path, DamagedFile)
    path.write_text("[1, 2, 3]")
    _refused(path, DamagedFile)


def test_newer_schema_is_refused_and_untouched(tmp_path):
    store = make(tmp_path)
    add(store, "Ann")
    store.compact()
    store.close()
    path = tmp_path / "db.json"
    data = json.loads(path.read_text())
    data["_meta"]["1"]["schema"] = store_mod.SCHEMA_VERSION + 1
    path.write_text(json.dumps(data))
    assert "newer shadow" in _refused(path, NewerFile)


def test_damaged_journal_line_is_refused(tmp_path):
    store = make(tmp_path)
    add(store, "Ann")
    add(store, "Bob")
    store.close()
    journal = tmp_path / "db.json.journal"
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"{not json\n" + lines[1])
    before = journal.read_bytes()
    with pytest.raises(DamagedFile, match="journal is damaged at line 1"):
        Store(tmp_path / "db.json")
    assert journal.read_bytes() == before


def test_torn_journal_tail_is_ignored_then_cut(tmp_path):
    store = make(tmp_path)
    add(store, "Ann")
    store.close()
    journal = tmp_path / "db.json.journal"
    with open(journal, "ab") as fh:
        fh.write(b'{"seq": 2, "ops": [["put", "people", 9, {"na')  # killed mid-line
    again = make(tmp_path)
    assert [d["name"] for d in again.all("people")] == ["Ann"]
    add(again, "Bob")
    assert [d["name"] for d in make(tmp_path).all("people")] == ["Ann", "Bob"]


def test_crash_between_snapshot_and_journal_truncation(tmp_path, monkeypatch):
    store = make(tmp_path)
    add(store, "Ann")
    add(store, "Bob")
    journal = (tmp_path / "db.json.journal").read_bytes()
    store.compact()
    # Put the already-folded entries back, as if the truncate never happened.
    (tmp_path / "db.json.journal").write_bytes(journal)
    again = make(tmp_path)
    assert sorted(d["name"] for d in again.all("people")) == ["Ann", "Bob"]
    add(again, "Cy")
    assert sorted(d["name"] for d in make(tmp_path).all("people")) == ["Ann", "Bob", "Cy"]


# ---------------------------------------------------------------- migrations and backups
def test_migration_runs_after_a_backup(tmp_path, monkeypatch):
    store = make(tmp_path)
    pid = add(store, "Ann")
    store.close()
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", store_mod.SCHEMA_VERSION + 1)

    def add_side(data):
        for doc in data.get("people", {}).values():
            doc.setdefault("side", "it")
        return data

    monkeypatch.setitem(store_mod.MIGRATIONS, store_mod.SCHEMA_VERSION - 1, add_side)
    migrated = make(tmp_path)
    assert migrated.schema == store_mod.SCHEMA_VERSION
    assert migrated.get("people", pid)["side"] == "it"
    backups = migrated.backups()
    assert len(backups) == 1 and "before-migration" in backups[0].name
    old = json.loads(backups[0].read_text())
    assert old["_meta"]["1"]["schema"] == store_mod.SCHEMA_VERSION - 1
    # The migrated state is on disk, not just in memory.
    on_disk = json.loads((tmp_path / "db.json").read_text())
    assert on_disk["_meta"]["1"]["schema"] == store_mod.SCHEMA_VERSION


def test_missing_migration_is_refused(tmp_path, monkeypatch):
    make(tmp_path).close()
    before = (tmp_path / "db.json").read_bytes()
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", store_mod.SCHEMA_VERSION + 1)
    with pytest.raises(StoreError, match="no migration"):
        make(tmp_path)
    assert (tmp_path / "db.json").read_bytes() == before


def test_backups_rotate_keeping_five(tmp_path, monkeypatch):
    store = make(tmp_path)
    add(store, "Ann")
    stamps = iter(f"20260101-0000{n:02d}" for n in range(10))

    class FakeNow:
        @staticmethod
        def now(*_a):
            class T:
                def strftime(self, fmt):
                    return next(stamps) if "%H" in fmt else "20260101"

            return T()

    monkeypatch.setattr(store_mod, "datetime", FakeNow)
    for _ in range(8):
        store.backup()
    names = [p.name for p in store.backups()]
    assert len(names) == 5
    assert names[-1] == "db-20260101-000007.json"
    assert [d["name"] for d in Store(store.backup_dir / names[-1]).all("people")] == ["Ann"]
    leftovers = sorted(p.name for p in store.backup_dir.iterdir() if "000002" in p.name)
    assert leftovers == [], "rotated backups go with their journals"


def test_daily_backup_taken_once_per_day(tmp_path):
    store = make(tmp_path)
    add(store, "Ann")  # nothing worth keeping before the first record: no backup yet
    assert store.backups() == []
    add(store, "Bob")
    add(store, "Cy")
    backups = store.backups()
    assert len(backups) == 1 and "daily" in backups[0].name
    # A backup is a snapshot + journal pair that the store itself can open.
    assert [d["name"] for d in Store(backups[0]).all("people")] == ["Ann"]


def _on_day(monkeypatch, day: str) -> None:
    """The store's calendar day is ``day`` (YYYYMMDD), at midday."""
    from datetime import datetime

    noon = datetime.strptime(f"{day} 12:00", "%Y%m%d %H:%M")

    class FakeNow(datetime):
        @classmethod
        def now(cls, tz=None):
            return noon if tz is None else noon.astimezone(tz)

    monkeypatch.setattr(store_mod, "datetime", FakeNow)


def _age_files(store: Store, seconds: float) -> None:
    """Date the database's files ``seconds`` back (what a day without writes leaves)."""
    for part in (store.path, store.journal_path):
        if part.exists():
            then = time.time() - seconds
            os.utime(part, (then, then))


def test_housekeep_takes_todays_backup_before_the_first_change(tmp_path, monkeypatch):
    store = make(tmp_path)
    add(store, "Ann")
    _on_day(monkeypatch, "20260301")
    again = make(tmp_path)  # a new day's session: nothing taken yet today
    assert again.housekeeping_due()
    again.housekeep()
    backups = again.backups()
    assert len(backups) == 1 and "20260301" in backups[0].name
    assert not again.housekeeping_due()
    add(again, "Bob")  # today's first change: its backup was taken already
    assert again.backups() == backups
    assert [d["name"] for d in Store(backups[0]).all("people")] == ["Ann"]


def test_todays_backup_is_taken_aside_without_holding_the_store(tmp_path, monkeypatch):
    """A screen reading the store meanwhile is never held: the backup is taken by a
    second opening of the files, so it completes while this store is busy elsewhere."""
    import threading

    store = make(tmp_path)
    add(store, "Ann")
    _on_day(monkeypatch, "20260301")
    busy = make(tmp_path)
    worker = threading.Thread(target=lambda: busy.housekeep(fold=False))
    with busy._mutex:  # (a read under way on the UI thread)
        worker.start()
        worker.join(30)
        assert not worker.is_alive()
    assert [p.name[3:11] for p in busy.backups()] == ["20260301"]
    add(busy, "Bob")  # today's first change: its backup was taken already
    assert len(busy.backups()) == 1


def test_no_daily_backup_of_a_database_unchanged_since_the_newest(tmp_path, monkeypatch):
    store = make(tmp_path)
    add(store, "Ann")
    _on_day(monkeypatch, "20260301")
    store.housekeep()
    _age_files(store, 3600)  # nothing written after that backup
    _on_day(monkeypatch, "20260302")
    quiet = make(tmp_path)
    quiet.housekeep()
    add(quiet, "Bob")  # the 1 March backup holds the state before this change
    assert [p.name[3:11] for p in quiet.backups()] == ["20260301"]
    _on_day(monkeypatch, "20260303")
    busy = make(tmp_path)
    busy.housekeep()  # Bob came after the newest backup: a new one
    assert [p.name[3:11] for p in busy.backups()] == ["20260301", "20260303"]
    assert [d["name"] for d in Store(busy.backups()[-1]).all("people")] == ["Ann", "Bob"]


def test_a_fold_a_write_finds_due_is_left_to_housekeep(tmp_path, monkeypatch):
    monkeypatch.setattr(store_mod, "COMPACT_EVERY", 5)
    store = make(tmp_path)
    store.defer_folds = True
    for n in range(8):
        add(store, f"P{n}")
    snapshot = store.path.read_bytes()
    assert store.journal_path.stat().st_size > 0 and b"P0" not in snapshot  # never folded
    assert store.housekeeping_due()
    store.housekeep()
    assert store.journal_path.stat().st_size == 0  # folded: the snapshot alone holds it all
    assert not store.housekeeping_due()
    names = [d["name"] for d in Store(store.path).all("people")]
    assert names == [f"P{n}" for n in range(8)]
    # Without defer_folds (the CLI) the write folds as before.
    plain = make(tmp_path, "plain.json")
    for n in range(6):
        add(plain, f"Q{n}")
    assert b"Q3" in plain.path.read_bytes()


# ---------------------------------------------------------------- several users of one file
def test_other_store_changes_are_noticed(tmp_path):
    one, two = make(tmp_path), make(tmp_path)
    seen = []
    one.subscribe(seen.append)
    add(two, "Bob")
    assert [d["name"] for d in one.all("people")] == ["Bob"]
    assert seen == [{"people", "audit"}]
    two.compact()
    add(two, "Cy")
    assert sorted(d["name"] for d in one.all("people")) == ["Bob", "Cy"]
    # A write from a stale process never overwrites the other's change.
    pid = add(one, "Dee")
    assert pid == 3
    assert sorted(d["name"] for d in two.all("people")) == ["Bob", "Cy", "Dee"]


WRITER = textwrap.dedent(
    """
    import sys
    from shadow.core.store import Store
    store = Store(sys.argv[1])
    tag, count = sys.argv[2], int(sys.argv[3])
    for n in range(count):
        with store.transaction(tag) as tx:
            new = tx.insert("people", {"name": f"{tag}-{n}"})
        print(new, flush=True)
    """
)


def _writer(path: Path, tag: str, count: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), tag, str(count)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def test_two_processes_writing_200_each_lose_nothing(tmp_path, monkeypatch):
    path = tmp_path / "db.json"
    Store(path).close()
    procs = [_writer(path, tag, 200) for tag in ("alpha", "beta")]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    ids = [int(x) for out in outputs for x in out.split()]
    assert len(ids) == len(set(ids)) == 400, "ids must be unique across processes"
    names = {d["name"] for d in Store(path).all("people")}
    assert names == {f"{tag}-{n}" for tag in ("alpha", "beta") for n in range(200)}


def test_compaction_while_another_process_writes(tmp_path, monkeypatch):
    monkeypatch.setattr(store_mod, "COMPACT_EVERY", 25)
    path = tmp_path / "db.json"
    Store(path).close()
    proc = _writer(path, "beta", 150)
    here = Store(path)
    for n in range(150):
        with here.transaction("alpha") as tx:
            tx.insert("people", {"name": f"alpha-{n}"})
        if n % 20 == 0:
            here.compact()
    proc.communicate(timeout=300)
    assert proc.returncode == 0
    assert len({d["name"] for d in Store(path).all("people")}) == 300


def test_sigkill_mid_stream_loses_no_acknowledged_record(tmp_path):
    path = tmp_path / "db.json"
    Store(path).close()
    proc = _writer(path, "victim", 100_000)
    acknowledged = []
    deadline = time.monotonic() + 120
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        acknowledged.append(int(line))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    acknowledged += [int(x) for x in proc.stdout.read().split()]
    assert len(acknowledged) >= 150
    survivor = Store(path)
    stored = {d["id"] for d in survivor.all("people")}
    assert set(acknowledged) <= stored
    # and the file is still good for writing
    with survivor.transaction("after") as tx:
        tx.insert("people", {"name": "after the crash"})
    assert len(Store(path).all("people")) == len(stored) + 1


# ---------------------------------------------------------------- layering
def test_core_imports_no_textual():
    code = (
        "import sys, shadow.core.store, shadow.core.models, shadow.core.directory, "
        "shadow.core.sample, shadow.core.config, shadow.cli; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_the_store_imports_tinydb():
    offenders = []
    for path in (ROOT / "shadow").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if ("import tinydb" in text or "from tinydb" in text) and path.name != "store.py":
            offenders.append(str(path))
        if path.parts[-2] == "core" and ("import textual" in text or "from textual" in text):
            offenders.append(str(path))
    assert offenders == []


def test_refresh_without_waiting_gives_up_while_another_writer_holds_the_lock(tmp_path):
    one, two = make(tmp_path), make(tmp_path)
    add(two, "Bob")
    with two._locked(exclusive=True):
        assert one.refresh(wait=False) is False
    assert one.refresh(wait=False) is True
    assert [d["name"] for d in one.all("people")] == ["Bob"]


# ---------------------------------------------------------------- derived figures
def test_derived_is_worked_out_once_per_change_ours_or_another_process(tmp_path):
    path = tmp_path / "db.json"
    store, other = Store(path), Store(path)
    add(store, "Ada")
    calls = []

    def names():
        calls.append(1)
        return sorted(d["name"] for d in store.all("people"))

    assert store.derived("names") is None  # nothing kept, nothing worked out
    assert store.derived("names", names) == ["Ada"]
    assert store.derived("names", names) == ["Ada"] and len(calls) == 1
    assert store.derived("names") == ["Ada"]
    add(store, "Bo")  # our change
    assert store.derived("names") is None
    assert store.derived("names", names) == ["Ada", "Bo"] and len(calls) == 2
    add(other, "Cy")  # another process's change
    assert store.derived("names", names) == ["Ada", "Bo", "Cy"] and len(calls) == 3
    assert store.derived(("other", 1), lambda: 7) == 7  # keys are kept side by side
    assert store.derived("names", names) == ["Ada", "Bo", "Cy"] and len(calls) == 3


def test_derived_keeps_nothing_read_across_a_change(tmp_path):
    store = make(tmp_path)

    def changing():
        add(store, "Ada")  # a change while it is worked out: what it read may be stale
        return "old"

    assert store.derived("k", changing) == "old"
    assert store.derived("k") is None


def test_stored_gives_the_records_of_all_without_copying_them(tmp_path):
    store = make(tmp_path)
    ada, bo = add(store, "Ada"), add(store, "Bo")
    pairs = store.stored("people")
    assert [(k, dict(d, id=k)) for k, d in pairs] == [(d["id"], d) for d in store.all("people")]
    assert [k for k, _ in pairs] == [ada, bo] and "id" not in pairs[0][1]
    assert store.stored("people")[0][1] is pairs[0][1]  # as stored, not copied
    with store.transaction("t") as tx:
        tx.update("people", ada, {"name": "Ada L"})
    assert pairs[0][1]["name"] == "Ada"  # a change replaces the record, never edits it
    assert store.stored("people")[0][1]["name"] == "Ada L"
    assert store.stored("nothing") == []
    store.close(fold=True)
    again = Store(tmp_path / "db.json")  # a table not parsed yet is parsed (and kept)
    assert [d["name"] for _, d in again.stored("people")] == ["Ada L", "Bo"]
    assert again.stored("people")[0][1] is again.stored("people")[0][1]


def test_a_large_table_is_parsed_in_pieces_exactly_as_whole(monkeypatch):
    """A table's text is parsed a piece of records at a time (a screen's event loop runs
    between pieces); what is read is what one parse reads, whatever its records hold."""
    monkeypatch.setattr(store_mod, "PARSE_PIECE", 64)
    parsed_lengths: list[int] = []
    real = store_mod.orjson.loads
    monkeypatch.setattr(
        store_mod.orjson, "loads", lambda b: parsed_lengths.append(len(b)) or real(b)
    )
    plain = {str(n): {"name": f'P{n} }},"{n}":{{ "x', "tags": [n]} for n in range(1, 200)}
    text = json.dumps(plain, separators=(",", ":")).encode()
    parsed = store_mod._loads_table(text)
    assert parsed == plain and list(parsed) == list(plain)
    assert len(parsed_lengths) > 10 and max(parsed_lengths) < len(text) / 5  # in pieces
    # Records whose nested objects are keyed by numbers: a cut there does not parse, and
    # the text is parsed whole.
    nested = {str(n): {"by": {"1": {"a": n}, "2": {"b": [n]}}} for n in range(1, 200)}
    text = json.dumps(nested, separators=(",", ":")).encode()
    parsed = store_mod._loads_table(text)
    assert parsed == nested and list(parsed) == list(nested)
    # A damaged table fails as one parse fails.
    with pytest.raises(ValueError):
        store_mod._loads_table(text[:-40] + b"}")


def test_one_record_of_a_large_table_is_read_from_its_piece(tmp_path, monkeypatch):
    """A table of more than PIECE_RECORDS records is written in pieces that _meta locates;
    one record is then read by parsing its piece, not the table; the file stays what
    TinyDB reads, and records nested under numbers are no trouble."""
    monkeypatch.setattr(store_mod, "PIECE_RECORDS", 4)
    store = make(tmp_path)
    with store.transaction("tester") as tx:
        ids = [
            tx.insert("people", {"name": f"P{n}", "tags": {"1": {"n": n}, str(n + 1): [n]}})
            for n in range(1, 15)
        ]
    with store.transaction("tester") as tx:
        tx.delete("people", ids[5])
    store.compact()
    store.close()
    raw = (tmp_path / "db.json").read_bytes()
    meta = json.loads(raw)["_meta"]["1"]
    assert [entry[1:] for entry in meta["pieces"]["people"]["at"]] == [
        [ids[0], ids[3]], [ids[4], ids[8]], [ids[9], ids[12]], [ids[13], ids[13]]
    ]  # fmt: skip
    assert len(TinyDB(tmp_path / "db.json").table("people").all()) == 13
    again = make(tmp_path)
    assert again.get("people", ids[9])["name"] == "P10"
    assert again.get("people", ids[9])["tags"] == {"1": {"n": 10}, "11": [10]}
    assert again.get("people", ids[5]) is None  # deleted
    assert again.get("people", 999) is None  # never was
    assert "people" in again._lazy  # none of it parsed
    # A change since, in the journal, is what is read.
    with again.transaction("tester") as tx:
        tx.update("people", ids[9], {"name": "P10 renamed"})
    assert make(tmp_path).get("people", ids[9])["name"] == "P10 renamed"
    # Reading many: a few pieces, then the table.
    many = make(tmp_path)
    assert [many.get("people", i)["name"] for i in ids[:5]] == ["P1", "P2", "P3", "P4", "P5"]
    assert "people" in many._lazy
    assert many.get("people", ids[13])["name"] == "P14" and "people" in many._lazy
    assert many.get("people", ids[10])["name"] == "P11"  # a fourth piece: the table parsed
    assert "people" not in many._lazy and "people" not in many._piece_maps  # (nor kept)


def test_get_many_reads_the_pieces_that_hold_its_records(tmp_path, monkeypatch):
    """A few records by id: each as get gives it, the missing left out, from their pieces
    (more of them than single gets parse before the table), then the table."""
    monkeypatch.setattr(store_mod, "PIECE_RECORDS", 2)
    store = make(tmp_path)
    ids = [add(store, f"P{n}") for n in range(1, 21)]  # ten pieces
    store.compact()
    store.close()
    few = make(tmp_path)
    wanted = [ids[0], ids[4], ids[8], ids[12], ids[16], 999]  # five pieces, one never was
    found = few.get_many("people", wanted)
    assert found == {i: make(tmp_path).get("people", i) for i in wanted[:-1]}
    assert found[ids[4]] == {**found[ids[4]], "id": ids[4], "name": "P5"}
    assert "people" in few._lazy  # not parsed: five pieces of ten
    assert few.get("people", ids[18])["name"] == "P19"  # single gets as before: a sixth
    assert "people" not in few._lazy  # piece is past PIECES_READ, and the table is parsed
    many = make(tmp_path)
    assert sorted(many.get_many("people", ids)) == ids  # every piece: the table, once
    assert "people" not in many._lazy


def test_a_table_edited_by_hand_is_parsed_not_read_by_its_pieces(tmp_path, monkeypatch):
    monkeypatch.setattr(store_mod, "PIECE_RECORDS", 2)
    store = make(tmp_path)
    ids = [add(store, f"P{n}") for n in range(1, 8)]
    store.compact()
    store.close()
    path = tmp_path / "db.json"
    raw = path.read_bytes()
    # The same form and size, another name: the pieces no longer describe the text.
    path.write_bytes(raw.replace(b'"name":"P5"', b'"name":"Q5"'))
    again = make(tmp_path)
    assert again.get("people", ids[4])["name"] == "Q5"
    assert "people" not in again._lazy  # parsed, as before pieces
    # Pieces that do not fit the text are not used either.
    meta_at = json.loads(raw)["_meta"]["1"]["pieces"]["people"]["at"]
    bad = raw.replace(json.dumps(meta_at, separators=(",", ":")).encode(), b"[[1,1,99]]")
    path.write_bytes(bad)
    assert make(tmp_path).get("people", ids[6])["name"] == "P7"
    # Where the pieces are, edited (the text as written): the table is parsed.
    at = json.loads(raw)["_meta"]["1"]["pieces"]["people"]["at"]
    moved = [[start, low, low] for start, low, _high in at]  # (each piece's second lost)
    path.write_bytes(
        raw.replace(
            json.dumps(at).replace(" ", "").encode(), json.dumps(moved).replace(" ", "").encode()
        )
    )
    assert make(tmp_path).get("people", ids[5])["name"] == "P6"
    # Whatever else _meta.pieces holds, the table is parsed.
    pieces = json.dumps(json.loads(raw)["_meta"]["1"]["pieces"], separators=(",", ":"))
    for other in ('"pieces"', "[1,2]", '{"people":"x"}', '{"people":{"at":null}}', "null"):
        path.write_bytes(raw.replace(pieces.encode(), other.encode()))
        assert make(tmp_path).get("people", ids[6])["name"] == "P7", other
