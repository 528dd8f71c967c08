"""The durable store: one TinyDB JSON file, safe against crashes and shared by processes.

This is the only module that imports tinydb.

Layout on disk, for a database ``shadow.json``:

``shadow.json``
    The snapshot: a plain TinyDB JSON file (``{"table": {"1": {...}}}``), so any
    TinyDB can read it. Its ``_meta`` table carries the schema version and the
    sequence number of the last change folded into it.
``shadow.json.journal``
    Changes since the snapshot, one JSON line per committed transaction, each
    appended and fsynced before the write returns (~0.4 ms instead of rewriting
    the whole file, which is what makes a save at 100,000 records fast).
``shadow.json.lock``
    The cross-process lock (the snapshot's inode changes on every replace, so the
    lock lives in a file of its own).
``backups/shadow-YYYYmmdd-HHMMSS.json``
    Rotating full copies (last 5), taken before a migration and once a day.

Durability: a transaction is one journal line, written with a single ``write``
and fsynced under an exclusive lock; a crash leaves at most a torn last line
without its newline, which is never applied and is cut off by the next writer.
Folding the journal into the snapshot (compaction) writes a temp file, fsyncs it,
``os.replace``s it over the snapshot and fsyncs the folder, then truncates the
journal; entries carry sequence numbers, so a crash between the two steps only
leaves entries that replay skips.

Sharing: every process holds the whole database in memory. Before a read it
stats the two files (cheap) and, if another process changed them, reloads under
a shared lock: the new journal lines only, or everything after a compaction. A
transaction takes the exclusive lock, reloads, runs, appends, and releases, so
no write is ever based on stale data.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import json
import os
import re
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

SCHEMA_VERSION = 1
META = "_meta"
AUDIT = "audit"
SETTINGS = "settings"
KEEP_BACKUPS = 5
# Fold the journal into the snapshot after this many transactions, or once the
# journal is larger than the snapshot (and at least COMPACT_MIN_BYTES).
COMPACT_EVERY = 2000
COMPACT_MIN_BYTES = 1 << 20

# Fields the store maintains on every record; never audited as user changes.
_BOOKKEEPING = {"created", "updated", "created_by", "updated_by"}

Doc = dict[str, Any]
# from_version -> function(data) -> data, run in order before a file is used.
MIGRATIONS: dict[int, Callable[[dict[str, dict[str, Doc]]], dict[str, dict[str, Doc]]]] = {}


class StoreError(Exception):
    """A problem with the database file, explained in one line."""


class DamagedFile(StoreError):
    pass


class NewerFile(StoreError):
    pass


class ConflictError(StoreError):
    """A record changed or vanished between reading it and writing it."""


def now_iso() -> str:
    """The current time, timezone-aware, ISO 8601 to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def default_db_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("shadow", appauthor=False)) / "shadow.json"


class _MemoryStorage(Storage):
    """TinyDB storage over the tables the Store holds in memory.

    Reads hand TinyDB the live dict; writes never come through here (TinyDB's
    own write path rewrites a whole table per change), they go through
    :meth:`Store.transaction`.
    """

    def __init__(self, data: dict[str, dict[str, Doc]]):
        self.data = data

    def read(self) -> dict[str, dict[str, Doc]]:
        return self.data

    def write(self, data: dict[str, dict[str, Doc]]) -> None:  # pragma: no cover
        raise RuntimeError("write through Store.transaction(), not through TinyDB")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _dump(data: dict[str, dict[str, Doc]]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _atomic_write(path: Path, payload: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    _fsync_dir(path.parent)


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class Transaction:
    """Changes made together: one journal line, one audit batch, all or nothing."""

    def __init__(self, store: Store, actor: str):
        self._store = store
        self.actor = actor
        self.ts = now_iso()
        self.ops: list[list[Any]] = []
        self._staged: dict[tuple[str, int], Doc | None] = {}
        self._next_ids: dict[str, int] = {}

    # reads that see this transaction's own changes
    def get(self, table: str, doc_id: int) -> Doc | None:
        key = (table, int(doc_id))
        if key in self._staged:
            doc = self._staged[key]
            return None if doc is None else dict(doc, id=int(doc_id))
        return self._store.get(table, doc_id)

    def _audit(self, entity: str, entity_id: int, field: str, old: Any, new: Any) -> None:
        if entity == AUDIT:
            return
        aid = self._new_id(AUDIT)
        entry = {
            "ts": self.ts,
            "actor": self.actor,
            "entity": entity,
            "entity_id": entity_id,
            "field": field,
            "old": old,
            "new": new,
        }
        self._put(AUDIT, aid, entry)

    def _new_id(self, table: str) -> int:
        nid = self._next_ids.get(table) or self._store._next_id(table)
        self._next_ids[table] = nid + 1
        return nid

    def _put(self, table: str, doc_id: int, doc: Doc) -> None:
        self._staged[(table, doc_id)] = doc
        self.ops.append(["put", table, doc_id, doc])

    def insert(
        self, table: str, doc: Doc, *, summary: str | None = None, created: str | None = None
    ) -> int:
        """Add a record; returns its new id. ``summary`` names it in the audit trail;
        ``created`` back-dates a record brought in from elsewhere (the sample programme)."""
        _check_table(table)
        doc = {k: v for k, v in doc.items() if k != "id"}
        when = created or self.ts
        doc.update(created=when, updated=when, created_by=self.actor, updated_by=self.actor)
        doc_id = self._new_id(table)
        self._put(table, doc_id, doc)
        self._audit(table, doc_id, "*", None, summary if summary is not None else "created")
        return doc_id

    def update(self, table: str, doc_id: int, changes: Doc) -> Doc:
        """Change some fields of a record; each changed field gets an audit entry."""
        _check_table(table)
        doc_id = int(doc_id)
        current = self.get(table, doc_id)
        if current is None:
            raise ConflictError(f"{table} record {doc_id} does not exist")
        current.pop("id", None)
        new = dict(current)
        changed = False
        for field, value in changes.items():
            if field == "id" or field in _BOOKKEEPING:
                continue
            old = current.get(field)
            if old == value:
                continue
            new[field] = value
            changed = True
            self._audit(table, doc_id, field, old, value)
        if changed:
            new.update(updated=self.ts, updated_by=self.actor)
            self._put(table, doc_id, new)
        return dict(new, id=doc_id)

    def delete(self, table: str, doc_id: int) -> None:
        _check_table(table)
        doc_id = int(doc_id)
        if self.get(table, doc_id) is None:
            raise ConflictError(f"{table} record {doc_id} does not exist")
        self._staged[(table, doc_id)] = None
        self.ops.append(["del", table, doc_id])
        self._audit(table, doc_id, "*", "exists", None)

    def set_setting(self, key: str, value: Any) -> None:
        """Programme-wide settings stored in the database (audited like any change)."""
        current = self._store.setting(key)
        if current == value:
            return
        sid = self._store._setting_id(key)
        if sid is None:
            sid = self._new_id(SETTINGS)
        self._put(SETTINGS, sid, {"key": key, "value": value})
        self._audit(SETTINGS, sid, key, current, value)


def _check_table(table: str) -> None:
    if table == META or not re.fullmatch(r"[a-z_]+", table):
        raise ValueError(f"not a table name: {table!r}")


class Store:
    """The shadow database. Open one per process; it is safe to share between threads."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path).expanduser().absolute()
        self.journal_path = self.path.with_name(self.path.name + ".journal")
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.backup_dir = self.path.parent / "backups"
        self._mutex = threading.RLock()
        self._data: dict[str, dict[str, Doc]] = {}
        self._tinydb = TinyDB(storage=_MemoryStorage, data=self._data)
        self._tables: dict[str, Table] = {}
        self._seq = 0
        self._snap_id: tuple[int, int, int] | None = None
        self._jpos = 0
        self._jlines = 0
        self._jid: tuple[int, int, int] | None = None
        self._listeners: list[Callable[[set[str]], None]] = []
        self._lock_fd: int | None = None
        self._journal_fd: int | None = None
        self._in_tx = False
        self._lock_depth = 0
        self._lock_exclusive = False
        self._backup_day: str | None = None
        self._backup_mutex = threading.Lock()
        self._open()

    # ----------------------------------------------------------- locking
    @contextlib.contextmanager
    def _locked(self, exclusive: bool, blocking: bool = True) -> Iterator[None]:
        """The cross-process lock. Re-entrant: an inner use keeps the outer lock as it is
        (flock would otherwise convert or drop it). Not blocking: BlockingIOError if taken."""
        with self._mutex:
            if self._lock_depth:
                if exclusive and not self._lock_exclusive:
                    raise RuntimeError("cannot upgrade a shared lock")
                self._lock_depth += 1
                try:
                    yield
                finally:
                    self._lock_depth -= 1
                return
            if self._lock_fd is None:
                self._lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
            fcntl.flock(self._lock_fd, mode if blocking else mode | fcntl.LOCK_NB)
            self._lock_depth, self._lock_exclusive = 1, exclusive
            try:
                yield
            finally:
                self._lock_depth = 0
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    # ----------------------------------------------------------- opening
    def _open(self) -> None:
        if self.path.exists():
            with self._locked(exclusive=False):
                self._load_all()
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._locked(exclusive=True):
                if not self.path.exists():
                    meta = {
                        "schema": SCHEMA_VERSION,
                        "seq": 0,
                        "next_ids": {},
                        "created": now_iso(),
                    }
                    _atomic_write(self.path, _dump({META: {"1": meta}}))
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(self.journal_path)
                self._load_all()
        schema = self._meta().get("schema")
        if schema < SCHEMA_VERSION:
            self._migrate()

    def _refuse(self, cls: type[StoreError], what: str) -> StoreError:
        newest = self.newest_backup()
        hint = f"; newest backup: {newest}" if newest else "; no backup found"
        return cls(f"{what}{hint}")

    def _load_all(self) -> None:
        """Read snapshot and journal from scratch (lock held). Validates everything."""
        snap_id = _identity(self.path)
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise StoreError(f"cannot read {self.path}: {exc.strerror}") from None
        if not raw.strip():
            raise self._refuse(DamagedFile, f"{self.path} is empty (0 bytes of data)")
        try:
            # Parsing allocates millions of objects; the cyclic GC only slows that down.
            gc_was_on = gc.isenabled()
            gc.disable()
            try:
                data = json.loads(raw)
            finally:
                if gc_was_on:
                    gc.enable()
        except (ValueError, UnicodeDecodeError) as exc:
            raise self._refuse(DamagedFile, f"{self.path} is damaged ({exc})") from None
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise self._refuse(DamagedFile, f"{self.path} is damaged (not a table layout)")
        meta = data.get(META, {}).get("1")
        if not isinstance(meta, dict) or not isinstance(meta.get("schema"), int):
            raise self._refuse(
                DamagedFile, f"{self.path} is not a shadow database (no schema version)"
            )
        if meta["schema"] > SCHEMA_VERSION:
            raise self._refuse(
                NewerFile,
                f"{self.path} was written by a newer shadow (schema {meta['schema']}; "
                f"this version reads up to {SCHEMA_VERSION}); upgrade shadow to open it",
            )
        for name, table in data.items():
            if not all(isinstance(doc, dict) for doc in table.values()):
                raise self._refuse(DamagedFile, f"{self.path} is damaged (table {name!r})")
        next_ids = meta.setdefault("next_ids", {})
        for name, table in data.items():
            if name == META or not table:
                continue
            try:
                top = max(map(int, table))
            except ValueError:
                raise self._refuse(
                    DamagedFile, f"{self.path} is damaged (table {name!r} has a non-numeric id)"
                ) from None
            # Never hand out an id that is already taken, whatever next_ids says.
            if top >= next_ids.get(name, 1):
                next_ids[name] = top + 1
        self._data.clear()
        self._data.update(data)
        self._seq = int(meta.get("seq", 0))
        self._snap_id = snap_id
        self._jpos = 0
        self._jlines = 0
        self._tables.clear()
        self._read_journal()

    def _read_journal(self) -> set[str]:
        """Apply journal lines after ``self._jpos`` (lock held). Returns tables touched."""
        touched: set[str] = set()
        try:
            with open(self.journal_path, "rb") as fh:
                fh.seek(self._jpos)
                chunk = fh.read()
        except FileNotFoundError:
            self._jid = None
            return touched
        end = chunk.rfind(b"\n")
        if end < 0:
            self._jid = _identity(self.journal_path)
            return touched
        lineno = self._jlines
        for line in chunk[: end + 1].splitlines():
            lineno += 1
            try:
                entry = json.loads(line)
                seq = int(entry["seq"])
                ops = entry["ops"]
            except (ValueError, KeyError, TypeError):
                raise self._refuse(
                    DamagedFile, f"{self.journal_path} is damaged at line {lineno}"
                ) from None
            if seq <= self._seq:
                continue  # already folded into the snapshot
            if seq != self._seq + 1:
                raise self._refuse(
                    DamagedFile,
                    f"{self.journal_path} is damaged at line {lineno} (entry {seq} after {self._seq})",
                )
            touched |= self._apply(ops)
            self._seq = seq
        self._jpos += end + 1
        self._jlines = lineno
        self._jid = _identity(self.journal_path)
        return touched

    def _apply(self, ops: list[list[Any]]) -> set[str]:
        meta = self._meta()
        next_ids = meta["next_ids"]
        touched = set()
        for op in ops:
            kind, table, doc_id = op[0], op[1], int(op[2])
            rows = self._data.setdefault(table, {})
            if kind == "put":
                rows[str(doc_id)] = op[3]
                if doc_id >= next_ids.get(table, 1):
                    next_ids[table] = doc_id + 1
            elif kind == "del":
                rows.pop(str(doc_id), None)
            touched.add(table)
        return touched

    def _meta(self) -> Doc:
        return self._data[META]["1"]

    def _next_id(self, table: str) -> int:
        return int(self._meta()["next_ids"].get(table, 1))

    # ----------------------------------------------------------- staying current
    def _changed_on_disk(self) -> bool:
        return _identity(self.path) != self._snap_id or _identity(self.journal_path) != self._jid

    def refresh(self, *, wait: bool = True) -> bool:
        """Pick up changes other processes made. Returns True if anything changed.

        With ``wait=False`` (a UI's poll) it gives up at once, changing nothing,
        if another writer holds the lock or another thread holds the store.
        """
        if not self._mutex.acquire(blocking=wait):
            return False
        try:
            if self._in_tx or not self._changed_on_disk():
                return False
            try:
                with self._locked(exclusive=False, blocking=wait):
                    touched = self._catch_up()
            except BlockingIOError:
                return False
        finally:
            self._mutex.release()
        if touched:
            self._notify(touched)
        return bool(touched)

    def _catch_up(self) -> set[str]:
        """Bring memory up to date with disk (lock held)."""
        if _identity(self.path) != self._snap_id:
            before = set(self._data)
            self._load_all()
            return before | set(self._data)
        return self._read_journal()

    def subscribe(self, listener: Callable[[set[str]], None]) -> Callable[[], None]:
        """Call ``listener(tables)`` after every change, ours or another process's."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _notify(self, tables: set[str]) -> None:
        for listener in list(self._listeners):
            listener(tables)

    # ----------------------------------------------------------- reading
    def _table(self, name: str) -> Table:
        table = self._tables.get(name)
        if table is None:
            table = self._tables[name] = self._tinydb.table(name, cache_size=0)
        return table

    def all(self, table: str) -> list[Doc]:
        """Every record of a table, each a fresh dict with its ``id``."""
        self.refresh()
        with self._mutex:
            return [dict(doc, id=int(k)) for k, doc in self._data.get(table, {}).items()]

    def get(self, table: str, doc_id: int) -> Doc | None:
        self.refresh()
        with self._mutex:
            doc = self._data.get(table, {}).get(str(int(doc_id)))
            return None if doc is None else dict(doc, id=int(doc_id))

    def find(self, table: str, **equals: Any) -> list[Doc]:
        """Records whose fields equal the given values (a TinyDB query)."""
        self.refresh()
        with self._mutex:
            if not equals:
                return self.all(table)
            found = self._table(table).search(Query().fragment(equals))
            return [dict(doc, id=int(doc.doc_id)) for doc in found]

    def filter(self, table: str, predicate: Callable[[Doc], bool]) -> list[Doc]:
        self.refresh()
        with self._mutex:
            found = self._table(table).search(_Where(predicate))
            return [dict(doc, id=int(doc.doc_id)) for doc in found]

    def count(self, table: str) -> int:
        self.refresh()
        with self._mutex:
            return len(self._data.get(table, {}))

    def tables(self) -> list[str]:
        self.refresh()
        with self._mutex:
            return sorted(t for t in self._data if t != META)

    def setting(self, key: str, default: Any = None) -> Any:
        sid = self._setting_id(key)
        if sid is None:
            return default
        return self._data[SETTINGS][str(sid)].get("value", default)

    def _setting_id(self, key: str) -> int | None:
        for k, doc in self._data.get(SETTINGS, {}).items():
            if doc.get("key") == key:
                return int(k)
        return None

    @property
    def uid(self) -> str:
        """A stable identifier of this database (used in calendar UIDs)."""
        meta = self._meta()
        return str(meta.get("uid") or uuid.uuid5(uuid.NAMESPACE_URL, str(meta.get("created"))).hex)

    @property
    def schema(self) -> int:
        return int(self._meta()["schema"])

    def audit(self, entity: str | None = None, entity_id: int | None = None) -> list[Doc]:
        rows = self.all(AUDIT)
        if entity is not None:
            rows = [r for r in rows if r["entity"] == entity]
        if entity_id is not None:
            rows = [r for r in rows if r["entity_id"] == entity_id]
        return rows

    # ----------------------------------------------------------- writing
    @contextlib.contextmanager
    def transaction(self, actor: str) -> Iterator[Transaction]:
        """Run changes as one durable, atomic, audited unit.

        The exclusive lock is held for the whole body, after catching up with
        other processes, so what the body reads is current and what it writes
        cannot overwrite anyone else's change.
        """
        if not actor or not str(actor).strip():
            raise ValueError("every change needs an actor")
        with self._mutex:
            if self._in_tx:
                raise RuntimeError("transactions do not nest")
            with self._locked(exclusive=True):
                touched = self._catch_up() if self._changed_on_disk() else set()
                self._in_tx = True
                try:
                    tx = Transaction(self, str(actor))
                    yield tx
                finally:
                    self._in_tx = False
                if tx.ops:
                    self._daily_backup()
                    touched |= self._commit(tx)
                    if self._should_compact():
                        self._compact()
        if touched:
            self._notify(touched)

    def _commit(self, tx: Transaction) -> set[str]:
        seq = self._seq + 1
        line = _dump({"seq": seq, "ts": tx.ts, "actor": tx.actor, "ops": tx.ops}) + b"\n"
        fd = self._journal()
        # A torn tail (a writer killed mid-line) sits past what we have read: cut it.
        if os.fstat(fd).st_size != self._jpos:
            os.ftruncate(fd, self._jpos)
        try:
            written = os.write(fd, line)
            if written != len(line):
                raise OSError(f"short write ({written} of {len(line)} bytes)")
            os.fsync(fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, self._jpos)
            raise StoreError(f"could not write {self.journal_path}: {exc}") from None
        touched = self._apply(tx.ops)
        self._seq = seq
        self._jpos += len(line)
        self._jlines += 1
        self._jid = _identity(self.journal_path)
        return touched

    def _journal(self) -> int:
        if self._journal_fd is not None and _identity(self.journal_path) is None:
            os.close(self._journal_fd)
            self._journal_fd = None
        if self._journal_fd is None:
            created = not self.journal_path.exists()
            self._journal_fd = os.open(
                self.journal_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644
            )
            if created:
                _fsync_dir(self.path.parent)
        return self._journal_fd

    def _should_compact(self) -> bool:
        if self._jlines >= COMPACT_EVERY:
            return True
        return self._jpos > COMPACT_MIN_BYTES and self._jpos > (self._snap_id or (0, 0, 0))[2]

    def _compact(self) -> None:
        """Fold the journal into a new snapshot (exclusive lock held)."""
        self._meta()["seq"] = self._seq
        _atomic_write(self.path, _dump(self._data))
        fd = self._journal()
        os.ftruncate(fd, 0)
        os.fsync(fd)
        self._snap_id = _identity(self.path)
        self._jpos = 0
        self._jlines = 0
        self._jid = _identity(self.journal_path)

    def compact(self) -> None:
        """Fold the journal into the snapshot now."""
        with self._mutex, self._locked(exclusive=True):
            if self._changed_on_disk():
                self._catch_up()
            self._compact()

    # ----------------------------------------------------------- migrations and backups
    def _migrate(self) -> None:
        with self._mutex, self._locked(exclusive=True):
            if self._changed_on_disk():
                self._catch_up()
            version = self.schema
            if version >= SCHEMA_VERSION:
                return
            self.backup(reason=f"before-migration-{version}-to-{SCHEMA_VERSION}")
            data: dict[str, dict[str, Doc]] = {k: v for k, v in self._data.items()}
            while version < SCHEMA_VERSION:
                step = MIGRATIONS.get(version)
                if step is None:
                    raise StoreError(
                        f"{self.path}: no migration from schema {version} to {version + 1}"
                    )
                data = step(data)
                version += 1
                data[META]["1"]["schema"] = version
            self._data.clear()
            self._data.update(data)
            self._tables.clear()
            self._compact()

    def backups(self) -> list[Path]:
        """This database's backups, oldest first."""
        if not self.backup_dir.is_dir():
            return []
        stem = re.escape(self.path.stem)
        pattern = re.compile(rf"{stem}-\d{{8}}-\d{{6}}(-[a-z0-9-]+)?\.json")
        return sorted(
            (p for p in self.backup_dir.iterdir() if pattern.fullmatch(p.name)),
            key=lambda p: p.name[len(self.path.stem) + 1 : len(self.path.stem) + 16],
        )

    def newest_backup(self) -> Path | None:
        found = self.backups()
        return found[-1] if found else None

    def backup(self, reason: str = "") -> Path:
        """Copy the database as it is on disk into the backup folder; keep the last 5.

        A backup is the snapshot file plus, when there is one, its journal beside
        it (``...json.journal``): the same pair the store itself reads, so a
        backup opens with ``shadow --db BACKUP`` and restores by copying both
        back. Copying files (instead of re-serialising everything) keeps the
        once-a-day backup cheap on large databases.
        """
        with self._mutex, self._backup_mutex, self._locked(exclusive=False):
            self.backup_dir.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            suffix = f"-{reason}" if reason else ""
            target = self.backup_dir / f"{self.path.stem}-{stamp}{suffix}.json"
            n = 1
            while target.exists():
                n += 1
                target = self.backup_dir / f"{self.path.stem}-{stamp}{suffix}-{n}.json"
            journal = target.with_name(target.name + ".journal")
            tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
            shutil.copyfile(self.path, tmp)
            if self.journal_path.exists() and self.journal_path.stat().st_size:
                shutil.copyfile(self.journal_path, journal)
            os.replace(tmp, target)
            for old in self.backups()[:-KEEP_BACKUPS]:
                for victim in (old, old.with_name(old.name + ".journal")):
                    with contextlib.suppress(FileNotFoundError):
                        victim.unlink()
            return target

    def _daily_backup(self) -> None:
        """Back up the state before today's first change, once a day (lock held)."""
        today = datetime.now().strftime("%Y%m%d")
        if self._backup_day == today:
            return
        newest = self.newest_backup()
        if newest is not None and newest.name[len(self.path.stem) + 1 :].startswith(today):
            self._backup_day = today
            return
        if not any(t != META and rows for t, rows in self._data.items()):
            return  # nothing worth keeping yet
        self.backup(reason="daily")
        self._backup_day = today

    # ----------------------------------------------------------- closing
    def close(self) -> None:
        with self._mutex:
            for attr in ("_journal_fd", "_lock_fd"):
                fd = getattr(self, attr)
                if fd is not None:
                    os.close(fd)
                    setattr(self, attr, None)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Where:
    """A TinyDB query from a plain predicate (TinyDB accepts any callable test)."""

    def __init__(self, predicate: Callable[[Doc], bool]):
        self.predicate = predicate

    def __call__(self, doc: Doc) -> bool:
        return bool(self.predicate(doc))

    def is_cacheable(self) -> bool:
        return False
