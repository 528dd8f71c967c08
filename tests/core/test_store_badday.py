"""The store on a bad day: held, deleted and odd lock files; a journal that does not
belong to its snapshot; read-only media and permissions; full disks; odd links;
malformed content. Each failure is one line, exit 1, and the last good state stays."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from shadow.cli import main
from shadow.core import store as store_mod
from shadow.core.store import DamagedFile, ForeignJournal, Store, StoreError
from tests.dbfiles import add, store_with

ROOT = Path(__file__).resolve().parents[2]


def names(path: Path) -> list[str]:
    with Store(path, create=False, read_only=True) as store:
        return sorted(d["name"] for d in store.all("people"))


def shadow(*argv: str, env: dict[str, str] | None = None, user: str | None = None):
    """Run the CLI in its own process (as ``user`` via setpriv when given)."""
    cmd = [sys.executable, "-m", "shadow", *argv]
    if user is not None:
        cmd = ["setpriv", f"--reuid={user}", "--regid=65534", "--clear-groups", *cmd]
    full_env = dict(os.environ, SHADOW_USER="Ann", **(env or {}))
    full_env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=full_env, timeout=120)


def one_error_line(result) -> str:
    lines = result.stderr.splitlines()
    assert result.returncode == 1, result.stderr
    assert len(lines) == 1 and lines[0].startswith("shadow: error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if ".tmp-" in p.name)


# ---------------------------------------------------------------- the lock
HOLDER = textwrap.dedent(
    """
    import sys, time
    from shadow.core.store import Store
    store = Store(sys.argv[1])
    with store._locked(exclusive=True):
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def _hold(path: Path, seconds: float = 600) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_lock_held_too_long_says_so_then_gives_up(tmp_path):
    db = tmp_path / "db.json"
    Store(db).close()
    holder = _hold(db)
    try:
        result = shadow("--db", str(db), "person", "add", "Ann", "--side", "it",
                        env={"SHADOW_LOCK_TIMEOUT": "2"})  # fmt: skip
    finally:
        holder.kill()
        holder.wait()
    lines = result.stderr.splitlines()
    assert result.returncode == 1, result.stderr
    assert lines[0] == (
        f"shadow: waiting for the database: another shadow process (pid {holder.pid}) is writing"
    )
    assert len(lines) == 2 and lines[1].startswith("shadow: error: gave up waiting"), lines
    assert "SHADOW_LOCK_TIMEOUT" in lines[1]
    assert names(db) == []
    # Once the holder is gone the same command goes through, without any waiting line.
    again = shadow("--db", str(db), "person", "add", "Ann", "--side", "it",
                   env={"SHADOW_LOCK_TIMEOUT": "2"})  # fmt: skip
    assert again.returncode == 0 and again.stderr == "", again.stderr
    assert names(db) == ["Ann"]


def test_stale_lock_from_a_dead_process_does_not_block(tmp_path):
    db = tmp_path / "db.json"
    Store(db).close()
    holder = _hold(db)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert (tmp_path / "db.json.lock").read_text().strip() == str(holder.pid)
    result = shadow("--db", str(db), "person", "add", "Ann", "--side", "it",
                    env={"SHADOW_LOCK_TIMEOUT": "2"})  # fmt: skip
    assert result.returncode == 0 and "waiting" not in result.stderr, result.stderr
    assert names(db) == ["Ann"]


def test_waiting_is_reported_to_a_hook_and_timeout_is_configurable(tmp_path, monkeypatch):
    db = tmp_path / "db.json"
    Store(db).close()
    waits, notices = [], []
    store = Store(db, on_wait=lambda s, pid: waits.append(pid), notice=notices.append)
    holder = _hold(db)
    monkeypatch.setenv("SHADOW_LOCK_TIMEOUT", "1.5")
    try:
        with pytest.raises(StoreError, match="gave up waiting"):
            add(store, "Ann")
        # the TUI's poll never waits at all
        assert store.refresh(wait=False) is False
    finally:
        holder.kill()
        holder.wait()
    assert waits and set(waits) == {holder.pid}
    assert notices == [
        f"waiting for the database: another shadow process (pid {holder.pid}) is writing"
    ]
    monkeypatch.setenv("SHADOW_LOCK_TIMEOUT", "soon")
    with pytest.raises(StoreError, match="SHADOW_LOCK_TIMEOUT must be a number"):
        add(store, "Ann")


@pytest.mark.skipif(os.name == "nt", reason="Windows does not delete a file that is open")
@pytest.mark.parametrize("how", ["delete", "recreate", "replace", "folder"])
def test_deleting_or_replacing_the_lock_file_never_lets_two_writers_in(tmp_path, how):
    db = tmp_path / "db.json"
    first, second = Store(db), Store(db)
    add(first, "Ann")
    lock = tmp_path / "db.json.lock"
    with first._locked(exclusive=True):
        lock.unlink()
        if how == "recreate":
            lock.write_text("")
        elif how == "replace":
            other = tmp_path / "other"
            other.write_text("123\n")
            os.replace(other, lock)
        elif how == "folder":
            lock.mkdir()
        if how == "folder":
            with pytest.raises(StoreError, match="is a folder") as info:
                add(second, "Bob")
            assert "\n" not in str(info.value)
        else:
            with pytest.raises(BlockingIOError), second._locked(exclusive=True, blocking=False):
                pass
            with pytest.raises(BlockingIOError), second._locked(exclusive=False, blocking=False):
                pass
    if how == "folder":
        lock.rmdir()
    add(second, "Bob")
    assert names(db) == ["Ann", "Bob"]


WRITER = textwrap.dedent(
    """
    import sys
    from shadow.core import store as store_mod
    store_mod.COMPACT_EVERY = 30
    store = store_mod.Store(sys.argv[1])
    tag, count = sys.argv[2], int(sys.argv[3])
    for n in range(count):
        with store.transaction(tag) as tx:
            new = tx.insert("people", {"name": f"{tag}-{n}"})
        print(new, flush=True)
    """
)


@pytest.mark.skipif(os.name == "nt", reason="Windows does not delete a file that is open")
def test_lock_file_deleted_again_and_again_while_two_processes_write(tmp_path):
    db = tmp_path / "db.json"
    Store(db).close()
    lock = tmp_path / "db.json.lock"
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db), tag, "300"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        for tag in ("alpha", "beta")
    ]  # fmt: skip
    n = 0
    while any(p.poll() is None for p in procs):
        n += 1
        with_suppress = n % 3
        try:
            if with_suppress == 0:
                lock.unlink()
            elif with_suppress == 1:
                lock.unlink()
                lock.write_text("")
            else:
                spare = tmp_path / "spare"
                spare.write_text("")
                os.replace(spare, lock)
        except FileNotFoundError:
            pass
        time.sleep(0.002)
    outs = [p.communicate() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-500:] for o in outs]
    assert n > 20, "the lock file was really deleted while they wrote"
    acked = [int(x) for out, _ in outs for x in out.split()]
    assert len(acked) == len(set(acked)) == 600
    journal = (tmp_path / "db.json.journal").read_bytes()
    assert b"\x00" not in journal
    assert names(db) == sorted(f"{t}-{i}" for t in ("alpha", "beta") for i in range(300))


def test_a_lock_file_that_cannot_be_opened_is_one_line(tmp_path):
    db = tmp_path / "db.json"
    Store(db).close()
    (tmp_path / "db.json.lock").unlink()
    (tmp_path / "db.json.lock").mkdir()
    line = one_error_line(shadow("--db", str(db), "person", "add", "Ann", "--side", "it"))
    assert "is a folder" in line


def test_network_file_system_is_named_once(tmp_path, monkeypatch):
    monkeypatch.setattr(store_mod, "network_filesystem", lambda path: "nfs4")
    monkeypatch.setattr(store_mod, "_warned_mounts", set())
    notices = []
    Store(tmp_path / "db.json", notice=notices.append).close()
    Store(tmp_path / "db.json", notice=notices.append).close()
    assert len(notices) == 1 and "network file system (nfs4)" in notices[0]


def test_network_file_system_detection_reads_proc_mounts():
    if not Path("/proc/mounts").exists():
        pytest.skip("no /proc/mounts on this system")
    assert store_mod.network_filesystem(Path("/proc")) is None


# ---------------------------------------------------------------- snapshot and journal pairing
def test_a_foreign_snapshot_never_takes_the_journal(tmp_path):
    mine, theirs = tmp_path / "mine" / "db.json", tmp_path / "theirs" / "db.json"
    a, b = Store(mine), Store(theirs)
    add(a, "Ann")
    add(b, "Zed")
    journal = (mine.parent / "db.json.journal").read_bytes()
    shutil.copyfile(theirs, mine)  # someone copies another database over this one
    with pytest.raises(ForeignJournal, match="does not belong") as info:
        Store(mine)
    assert "move db.json.journal aside" in str(info.value) and "\n" not in str(info.value)
    line = one_error_line(shadow("--db", str(mine), "list", "people"))
    assert "does not belong" in line
    one_error_line(shadow("--db", str(mine), "person", "add", "Bob", "--side", "it"))
    assert (mine.parent / "db.json.journal").read_bytes() == journal, "never applied or deleted"


def test_missing_snapshot_with_a_journal_is_refused_not_recreated(tmp_path):
    db = tmp_path / "db.json"
    store = store_with(db, "Ann")
    store.close()
    journal = (tmp_path / "db.json.journal").read_bytes()
    db.unlink()
    for argv in (["list", "people"], ["person", "add", "Bob", "--side", "it"], ["check"]):
        line = one_error_line(shadow("--db", str(db), *argv))
        assert "is missing but its journal" in line
    assert not db.exists()
    assert (tmp_path / "db.json.journal").read_bytes() == journal


def test_a_backup_copied_over_the_file_with_a_newer_journal_is_detected(tmp_path):
    db = tmp_path / "db.json"
    store = store_with(db, "Ann")
    backup = store.backup(reason="manual")
    add(store, "Bob")  # in the journal, after the backup
    shutil.copyfile(backup, tmp_path / "copy.json")
    shutil.copyfile(backup, db)  # a "restore" by copying
    with pytest.raises(ForeignJournal):
        Store(db)
    store.close()
    # Even shadow restore will not write over a pair that is not one database ...
    result = shadow("--db", str(db), "restore", str(backup))
    assert result.returncode == 1 and "does not belong" in result.stderr
    assert (tmp_path / "db.json.journal").stat().st_size > 0
    # ... until the journal is moved aside, as the message says; then the copy is the file.
    (tmp_path / "db.json.journal").rename(tmp_path / "aside.journal")
    assert names(db) == ["Ann"]


def test_shadow_restore_makes_a_backup_current_and_keeps_the_current_one(tmp_path):
    db = tmp_path / "db.json"
    store = store_with(db, "Ann")
    out = tmp_path / "saved.json"
    assert shadow("--db", str(db), "backup", "--out", str(out)).returncode == 0
    add(store, "Bob")
    other = Store(db)  # another process with the database open
    result = shadow("--db", str(db), "restore", str(out))
    assert result.returncode == 0, result.stderr
    assert names(db) == ["Ann"]
    assert sorted(d["name"] for d in other.all("people")) == ["Ann"]
    before_restore = [p for p in store.backups() if "before-restore" in p.name]
    assert len(before_restore) == 1 and names(before_restore[0]) == ["Ann", "Bob"]
    # ids stay unique after going back: Bob's id is not handed out again
    cy = add(store, "Cy")
    assert cy == 3
    assert names(db) == ["Ann", "Cy"]


def test_shadow_backup_out_is_one_self_contained_file(tmp_path):
    db = tmp_path / "db.json"
    _store = store_with(db, "Ann", "Bob")
    assert (tmp_path / "db.json.journal").stat().st_size > 0
    out = tmp_path / "elsewhere" / "b.json"
    out.parent.mkdir()
    result = shadow("--db", str(db), "backup", "--out", str(out))
    assert result.returncode == 0 and str(out) in result.stdout
    assert sorted(p.name for p in out.parent.iterdir()) == ["b.json"]
    data = json.loads(out.read_text())
    assert sorted(d["name"] for d in data["people"].values()) == ["Ann", "Bob"]
    line = one_error_line(shadow("--db", str(db), "backup", "--out", str(out)))
    assert "exists already" in line


def test_an_old_style_file_and_journal_open_and_gain_a_generation(tmp_path):
    db = tmp_path / "db.json"
    meta = {
        "schema": 1,
        "seq": 1,
        "next_ids": {"people": 2},
        "created": "2026-01-01T00:00:00+00:00",
    }
    db.write_text(json.dumps({"_meta": {"1": meta}, "people": {"1": {"name": "Ann"}}}))
    entry = {"seq": 2, "ts": "x", "actor": "t", "ops": [["put", "people", 2, {"name": "Bob"}]]}
    (tmp_path / "db.json.journal").write_text(json.dumps(entry) + "\n")
    assert names(db) == ["Ann", "Bob"]
    _store = store_with(db, "Cy")
    assert json.loads(db.read_text())["_meta"]["1"]["gen"]
    assert names(db) == ["Ann", "Bob", "Cy"]


# ---------------------------------------------------------------- reading needs no writing
def test_read_only_commands_never_create_a_database(tmp_path):
    for argv in (["check"], ["list", "people"], ["history"], ["report", "sla"], ["export", "csv"]):
        result = shadow("--db", str(tmp_path / "typo.json"), *argv)
        line = one_error_line(result)
        assert "no database at" in line
    assert list(tmp_path.iterdir()) == []


def _shared_dir() -> Path:
    """A folder another user can reach (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="shadow-perm-"))
    folder.chmod(0o755)
    return folder


def _can_run_as_nobody() -> str | None:
    if os.name == "nt" or os.geteuid() != 0:
        return "needs root to switch to the user nobody"
    if shutil.which("setpriv") is None:
        return "setpriv is not installed"
    probe = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                            sys.executable, "-c", "import shadow.core.store"],
                           capture_output=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))  # fmt: skip
    if probe.returncode != 0:
        return "the user nobody cannot run this Python"
    return None


def test_a_user_with_read_permission_only_can_read_and_is_refused_writing():
    reason = _can_run_as_nobody()
    if reason:
        pytest.skip(reason)
    folder = _shared_dir()
    try:
        db = folder / "db.json"
        store = store_with(db, "Ann")
        add(store, "Bob")  # the journal holds changes too
        store.close()
        for path in (db, folder / "db.json.journal", folder / "db.json.lock"):
            path.chmod(0o644)
        before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
        as_nobody = dict(user="nobody")
        result = shadow("--db", str(db), "list", "people", "--json", **as_nobody)
        assert result.returncode == 0, result.stderr
        assert sorted(d["name"] for d in json.loads(result.stdout)) == ["Ann", "Bob"]
        assert shadow("--db", str(db), "check", **as_nobody).returncode in (0, 1)
        assert "Traceback" not in shadow("--db", str(db), "check", **as_nobody).stderr
        assert shadow("--db", str(db), "export", "csv", "visits", **as_nobody).returncode == 0
        line = one_error_line(
            shadow("--db", str(db), "person", "add", "Cy", "--side", "it", **as_nobody)
        )
        assert "cannot" in line or "Permission denied" in line
        after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
        assert after == before
        assert temps(folder) == []
    finally:
        shutil.rmtree(folder)


@pytest.fixture
def small_tmpfs():
    """A 2 MB tmpfs mounted for the test (we are root in CI), else skipped."""
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root on Linux")
    folder = Path(tempfile.mkdtemp(prefix="shadow-tmpfs-"))
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
                           capture_output=True, text=True)  # fmt: skip
    if mount.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mount.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)
        folder.rmdir()


def test_disk_full_is_one_line_and_keeps_the_last_good_state(small_tmpfs):
    db = small_tmpfs / "db.json"
    store = store_with(db, "Ann")
    store.close(fold=True)
    filler = small_tmpfs / "filler"
    with open(filler, "wb", buffering=0) as fh, pytest.raises(OSError):
        while True:  # fill the disk to the last byte
            fh.write(b"\0" * 4096)
    before = db.read_bytes()
    line = one_error_line(shadow("--db", str(db), "person", "add", "Bob", "--side", "it"))
    assert "No space left" in line
    assert db.read_bytes() == before
    assert names(db) == ["Ann"]
    assert temps(small_tmpfs) == []
    # A fold into a full disk: the write itself is refused or saved, never half-done.
    line = one_error_line(shadow("--db", str(db), "backup"))
    assert "No space left" in line
    assert temps(small_tmpfs) == []
    filler.unlink()
    assert shadow("--db", str(db), "person", "add", "Cy", "--side", "it").returncode == 0
    assert names(db) == ["Ann", "Cy"]


def test_read_only_medium_reads_and_refuses_writes_in_one_line(small_tmpfs):
    db = small_tmpfs / "db.json"
    store = store_with(db, "Ann", "Bob")
    store.close()
    (small_tmpfs / "db.json.lock").unlink()  # a copy on a stick has no lock file
    # a leftover temp file from a crash, which a read-only open must leave alone
    (small_tmpfs / ".db.json.tmp-1-1").write_bytes(b"half")
    remount = subprocess.run(["mount", "-o", "remount,ro", str(small_tmpfs)], capture_output=True)
    if remount.returncode != 0:
        pytest.skip("cannot remount the tmpfs read-only")
    result = shadow("--db", str(db), "list", "people", "--json")
    assert result.returncode == 0, result.stderr
    assert sorted(d["name"] for d in json.loads(result.stdout)) == ["Ann", "Bob"]
    assert shadow("--db", str(db), "check").returncode in (0, 1)
    assert "Traceback" not in shadow("--db", str(db), "report", "sla").stderr
    line = one_error_line(shadow("--db", str(db), "person", "add", "Cy", "--side", "it"))
    assert "Read-only file system" in line
    subprocess.run(["mount", "-o", "remount,rw", str(small_tmpfs)], check=True)
    Store(db).close()  # writable again: the leftover temp file goes
    assert temps(small_tmpfs) == []


def test_immutable_file_is_one_line(tmp_path):
    if shutil.which("chattr") is None or os.geteuid() != 0:
        pytest.skip("chattr needs root and e2fsprogs")
    db = tmp_path / "db.json"
    store = store_with(db, "Ann")
    store.close(fold=True)
    journal = tmp_path / "db.json.journal"
    if subprocess.run(["chattr", "+i", str(journal)], capture_output=True).returncode != 0:
        pytest.skip("this file system has no immutable flag")
    try:
        line = one_error_line(shadow("--db", str(db), "person", "add", "Bob", "--side", "it"))
        assert "Operation not permitted" in line
    finally:
        subprocess.run(["chattr", "-i", str(journal)], check=True)
    assert names(db) == ["Ann"]


def test_leftover_temp_files_are_removed_at_the_next_open(tmp_path):
    db = tmp_path / "db.json"
    Store(db).close()
    (tmp_path / ".db.json.tmp-99999-1").write_bytes(b"x" * 1000)
    (tmp_path / "backups").mkdir()
    (tmp_path / "backups" / ".db-20260101-000000-daily.json.tmp-99999-1").write_bytes(b"x")
    (tmp_path / "keep.tmp-1").write_bytes(b"not ours")
    Store(db).close()
    assert temps(tmp_path) == ["keep.tmp-1"]


def test_a_failed_fold_after_the_commit_is_a_warning_and_exit_0(tmp_path, monkeypatch, capsys):
    db = tmp_path / "db.json"
    Store(db).close()
    real = store_mod._atomic_write

    def no_room(path, payload):
        if path == db:
            raise StoreError(f"cannot write {path}: No space left on device")
        real(path, payload)

    monkeypatch.setattr(store_mod, "_atomic_write", no_room)
    monkeypatch.setenv("SHADOW_USER", "tester")
    assert main(["--db", str(db), "person", "add", "Ann", "--side", "it"]) == 0
    err = capsys.readouterr().err
    assert "warning: every change was saved, but folding the journal failed" in err
    assert "error" not in err
    monkeypatch.setattr(store_mod, "_atomic_write", real)
    assert names(db) == ["Ann"]


def test_a_cli_write_leaves_the_snapshot_complete(tmp_path):
    db = tmp_path / "db.json"
    assert shadow("--db", str(db), "person", "add", "Ann", "--side", "it").returncode == 0
    assert (tmp_path / "db.json.journal").stat().st_size == 0
    data = json.loads(db.read_text())
    assert [d["name"] for d in data["people"].values()] == ["Ann"]


def test_fold_on_close_skips_a_large_database(tmp_path):
    db = tmp_path / "db.json"
    store = store_with(db, "Ann")
    store.close(fold=True, fold_limit=10)
    assert (tmp_path / "db.json.journal").stat().st_size > 0
    store.close(fold=True, fold_limit=None)
    assert (tmp_path / "db.json.journal").stat().st_size == 0


# ---------------------------------------------------------------- links and backups
def test_a_symlink_is_the_same_database_and_stays_a_symlink(tmp_path):
    real = tmp_path / "data" / "db.json"
    Store(real).close()
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert shadow("--db", str(link), "person", "add", "Ann", "--side", "it").returncode == 0
    assert shadow("--db", str(real), "person", "add", "Bob", "--side", "it").returncode == 0
    assert link.is_symlink()
    assert names(link) == names(real) == ["Ann", "Bob"]
    assert not (tmp_path / "link.json.journal").exists()


def test_a_second_hard_link_is_the_same_database(tmp_path):
    db = tmp_path / "db.json"
    _store = store_with(db, "Ann")
    twin = tmp_path / "also.json"
    os.link(db, twin)
    one = Store(twin)
    assert one.path == db
    add(one, "Bob")
    assert names(db) == names(twin) == ["Ann", "Bob"]


def test_a_backup_opens_read_only_and_points_to_restore(tmp_path):
    store = store_with(tmp_path / "db.json", "Ann")
    backup = store.backup()
    result = shadow("--db", str(backup), "list", "people", "--json")
    assert result.returncode == 0 and json.loads(result.stdout)[0]["name"] == "Ann"
    line = one_error_line(shadow("--db", str(backup), "person", "add", "Bob", "--side", "it"))
    assert f"shadow restore {backup}" in line
    assert names(backup) == ["Ann"]


def test_a_file_that_cannot_be_migrated_takes_one_backup(tmp_path, monkeypatch):
    store = store_with(tmp_path / "db.json", "Ann")
    store.close()
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", store_mod.SCHEMA_VERSION + 1)

    def broken(data):
        raise StoreError("this migration fails")

    monkeypatch.setitem(store_mod.MIGRATIONS, store_mod.SCHEMA_VERSION - 1, broken)
    for _ in range(6):
        with pytest.raises(StoreError, match="this migration fails"):
            Store(tmp_path / "db.json")
    backups = list((tmp_path / "backups").iterdir())
    assert len(backups) == 1 and "before-migration" in backups[0].name


def test_backups_are_fsynced(tmp_path, monkeypatch):
    synced = []
    real = os.fsync
    monkeypatch.setattr(store_mod.os, "fsync", lambda fd: (synced.append(os.readlink(f"/proc/self/fd/{fd}") if os.path.exists(f"/proc/self/fd/{fd}") else fd), real(fd)))  # fmt: skip
    store = store_with(tmp_path / "db.json", "Ann")
    synced.clear()
    backup = store.backup()
    if not Path("/proc/self/fd").exists():
        pytest.skip("no /proc to see which files were fsynced")
    assert any(".tmp-" in str(s) and "backups" in str(s) for s in synced), synced
    assert str(backup.parent) in [str(s) for s in synced]


# ---------------------------------------------------------------- malformed content
def _damaged_snapshot(tmp_path: Path, tables: dict) -> Path:
    db = tmp_path / "db.json"
    meta = {"schema": 1, "seq": 0, "next_ids": {}, "created": "2026-01-01T00:00:00+00:00"}
    db.write_text(json.dumps({"_meta": {"1": meta}, **tables}))
    return db


@pytest.mark.parametrize(
    "tables, expected",
    [
        ({"123": {"1": {"name": "x"}}}, "table name '123'"),
        ({"people": {"abc": {"name": "x"}}}, "table 'people' has id 'abc'"),
        ({"people": {"\u00b2": {"name": "x"}}}, "has id '\\xb2'"),
        ({"people": {"1": "not a record"}}, "table 'people' id 1"),
    ],
)
def test_malformed_snapshot_is_refused_naming_table_and_id(tmp_path, tables, expected):
    db = _damaged_snapshot(tmp_path, tables)
    with pytest.raises(DamagedFile) as info:
        Store(db)
    assert expected in str(info.value)
    line = one_error_line(shadow("--db", str(db), "check"))
    assert expected in line


def test_deeply_nested_snapshot_is_refused_not_a_crash(tmp_path):
    db = tmp_path / "db.json"
    db.write_text(
        '{"_meta": {"1": {"schema": 1}}, "people": {"1": ' + "[" * 200000 + "]" * 200000 + "}}"
    )
    line = one_error_line(shadow("--db", str(db), "check"))
    assert "damaged" in line


@pytest.mark.parametrize(
    "ops, expected",
    [
        ([["put", "people", 2]], "line 3 (table 'people' id 2: put without a record)"),
        ([["put", "people", "x", {}]], "line 3 (table 'people' id 'x', not a number)"),
        ([["put", "people", True, {}]], "line 3 (table 'people' id 'True', not a number)"),
        ([["put", 7, 2, {}]], "line 3 (table name '7')"),
        ([["put", "people", 2, {"a": [[[[[[[[1]]]]]]]]}]], None),
        ([["zap", "people", 2]], "line 3 (not a change)"),
    ],
)
def test_malformed_journal_entries_are_refused_naming_the_line(tmp_path, ops, expected):
    db = tmp_path / "db.json"
    store = store_with(db, "Ann")
    store.close()
    entry = {"seq": 2, "ts": "x", "actor": "t", "ops": ops}
    with open(tmp_path / "db.json.journal", "a") as fh:
        fh.write(json.dumps(entry) + "\n")
    if expected is None:  # ordinary nesting is fine
        Store(db).close()
        return
    with pytest.raises(DamagedFile) as info:
        Store(db)
    assert f"journal is damaged at {expected}" in str(info.value)
    line = one_error_line(shadow("--db", str(db), "check"))
    assert expected in line


def test_deeply_nested_journal_line_is_refused(tmp_path):
    db = tmp_path / "db.json"
    store = store_with(db, "Ann")
    store.close()
    deep = "[" * 200000 + "]" * 200000
    with open(tmp_path / "db.json.journal", "a") as fh:
        fh.write('{"seq": 2, "ops": [["put", "people", 2, {"a": ' + deep + "}]]}\n")
    line = one_error_line(shadow("--db", str(db), "check"))
    assert "damaged at line 3" in line


def test_a_reader_of_a_folded_journal_follows_when_a_writer_restarts_it(tmp_path):
    db = tmp_path / "db.json"
    store = Store(db)
    for name in ("Ann", "Bob", "Cy"):
        add(store, name)
    journal = (tmp_path / "db.json.journal").read_bytes()
    store.compact()
    (tmp_path / "db.json.journal").write_bytes(journal)  # a crash kept the folded journal
    reader, writer = Store(db), Store(db)
    for name in ("Dee", "Eve", "Fay", "Gus", "Hal"):
        add(writer, name)  # restarts the journal, which grows past the folded one's end
    assert len(reader.all("people")) == 8
    add(writer, "Ian")
    assert len(reader.all("people")) == 9


def test_a_hard_link_in_another_folder_is_refused_not_split(tmp_path):
    """Its journal and lock would sit in the other folder: two writers, two journals."""
    home = tmp_path / "home"
    home.mkdir()
    with Store(home / "shadow.json") as store, store.transaction("t") as tx:
        tx.insert("people", {"name": "Ada"})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.link(home / "shadow.json", elsewhere / "shadow.json")
    with pytest.raises(StoreError, match="another name in another folder"):
        Store(elsewhere / "shadow.json")
    assert not (elsewhere / "shadow.json.journal").exists()
    with Store(home / "shadow.json") as store:  # its own name still opens
        assert [d["name"] for d in store.all("people")] == ["Ada"]
