"""The durable store: one TinyDB JSON file, safe against crashes and shared by processes.

This is the only module that imports tinydb.

Layout on disk, for a database ``shadow.json``:

``shadow.json``
    The snapshot: a plain TinyDB JSON file (``{"table": {"1": {...}}}``), so any
    TinyDB can read it. Its ``_meta`` table carries the schema version, the
    sequence number of the last change folded into it and its generation id
    (``gen``; ``prev_gen`` names the generation it replaced). It is written one
    table a line, and a table of more than PIECE_RECORDS records that many records
    at a time: ``_meta.pieces`` gives, for each such table, its text's size and
    CRC-32 and where each piece starts with the lowest and highest id in it, so that
    one record is read by parsing its piece (a text whose size or CRC differs, as
    after an edit by hand, is parsed whole).
``shadow.json.journal``
    Changes since the snapshot: a first line ``{"gen": ...}`` naming the snapshot
    it continues, then one JSON line per committed transaction, each appended and
    fsynced before the write returns (~0.4 ms instead of rewriting the whole
    file, which is what makes a save at 100,000 records fast). A journal that
    names another generation is never applied and never deleted: the store
    refuses to open and says what to do.
``shadow.json.audit-GEN.json``
    The audit trail (schema 2 on), a TinyDB JSON file of its own with one table,
    ``audit``, written one entry a line so that it stays append-only::

        {"audit": {
        "1": {"ts": ..., "actor": ..., ...}
        ,"2": {...}
        }}

    Each fold cuts the file back to the length the snapshot names (the end of the
    last committed entry line: this drops the footer ``}}`` and whatever a fold that
    died left behind), appends the entries since the last fold and the footer again,
    fsyncs, and only then writes the snapshot, whose ``_meta.audit_file`` names the
    file's generation, that length and its highest id. Readers read exactly that
    length (and add the footer themselves), so what a fold that died appended is
    never read; a committed file, footer included, is what ``TinyDB(path)`` reads
    (between a fold that died and the next fold TinyDB also sees the dead fold's
    entries, which are still in the journal and which the next fold cuts and appends
    again; shadow never reads them there). It is read only
    when the audit trail is asked for (history, detail dialogs, check, backups):
    opening the database for a list does not parse ten years of it. Backups hold the
    trail inline (one self-contained file); a restore or a migration writes a new
    audit file of its own generation and removes the old one once the new snapshot
    is in place (a stray one left by a crash goes at the next writable open).
``shadow.json.lock``
    The cross-process lock (the snapshot's inode changes on every replace, so the
    lock lives in a file of its own); it holds the pid of the last writer.
``backups/shadow-YYYYmmdd-HHMMSS[-reason].json``
    Rotating self-contained copies (last 5), taken before a migration or a
    restore, once a day and by ``shadow backup``; each is fsynced.

Durability: a transaction is one journal line, written with a single ``write``
and fsynced under an exclusive lock; a crash leaves at most a torn last line
without its newline, which is never applied and is cut off by the next writer.
Folding the journal into the snapshot (compaction) writes a temp file, fsyncs it,
``os.replace``s it over the snapshot and fsyncs the folder, then truncates the
journal; entries carry sequence numbers and the new snapshot names the old
generation, so a crash between the two steps only leaves entries that replay
skips. The journal is also folded when a process closes the store with
``close(fold=True)`` and nobody else holds the lock (the CLI after each command
on a database up to ``FOLD_ON_CLOSE_MAX_BYTES``, the TUI on exit), so the
snapshot alone is usually the whole database.

Sharing: every process holds the whole database in memory. Before a read it
stats the two files (cheap) and, if another process changed them, reloads under
a shared lock: the new journal lines only, or everything after a compaction. A
transaction takes the exclusive lock, reloads, runs, appends, and releases, so
no write is ever based on stale data. The lock is taken through core/locking.py
(flock on POSIX, the call portalocker makes; portalocker's LockFileEx on Windows);
after taking it the store checks that
the lock path still names the locked file (a deleted or replaced lock file is
retried), and on POSIX it also locks the journal itself, so deleting the lock
file while a writer holds it cannot let a second writer in.

(Over 500 lines: the snapshot, the journal, the audit file, the lock and folding are one
durability protocol; split across modules its invariants would be too.)
"""

from __future__ import annotations

import contextlib
import errno
import functools
import gc
import itertools
import json
import math
import os
import re
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any, TypeVar

import orjson
from tinydb import Query, TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from . import locking

SCHEMA_VERSION = 2
META = "_meta"
AUDIT = "audit"
# From this schema on the audit trail lives in a file of its own (``_meta.audit_file``),
# read only when history is asked for; older files and backups hold it inline.
AUDIT_FILE_SCHEMA = 2
SETTINGS = "settings"
KEEP_BACKUPS = 5
# Fold the journal into the snapshot after this many transactions, or once the
# journal is larger than the snapshot (and at least COMPACT_MIN_BYTES).
COMPACT_EVERY = 2000
COMPACT_MIN_BYTES = 1 << 20
# close(fold=True) folds only while snapshot + journal are at most this big (a small
# database, rewritten in a few milliseconds); larger ones fold as they grow (COMPACT_EVERY,
# COMPACT_MIN_BYTES), so that a write does not cost a rewrite of the whole archive.
FOLD_ON_CLOSE_MAX_BYTES = 1 << 20
_NO_VALUE = object()  # a key no record's field holds (Store.index)

# What size_hint() says while another thread holds the store: more than any limit for
# reading on the spot.
BUSY_SIZE = 1 << 40
# Databases (or audit trails) from this size on are frozen out of the garbage
# collector's sight once loaded (see _freeze).
FREEZE_MIN_BYTES = 4 << 20
# Say that we are waiting for another process after this many seconds.
LOCK_NOTICE_AFTER = 1.0
DEFAULT_LOCK_TIMEOUT = 30.0
# File systems known not to honour advisory locks reliably.
NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "9p", "fuse.sshfs"}
_warned_mounts: set[str] = set()

# Fields the store maintains on every record; never audited as user changes.
_BOOKKEEPING = {"created", "updated", "created_by", "updated_by", "version"}
_TABLE_NAME = re.compile(r"[a-z_]+")
_DOC_ID = re.compile(r"[1-9][0-9]{0,17}")
_GEN = re.compile(r"[0-9a-f]{16}")

Doc = dict[str, Any]
# from_version -> function(data) -> data, run in order before a file is used.
MIGRATIONS: dict[int, Callable[[dict[str, dict[str, Doc]]], dict[str, dict[str, Doc]]]] = {
    # 1 -> 2: the records stay as they are; the fold after migrating moves the audit
    # trail into its own file (see AUDIT_FILE_SCHEMA).
    1: lambda data: data,
}


class StoreError(Exception):
    """A problem with the database file, explained in one line."""


class DamagedFile(StoreError):
    pass


class NewerFile(StoreError):
    pass


class ForeignJournal(StoreError):
    """The journal beside the snapshot continues another snapshot."""


class ConflictError(StoreError):
    """A record changed or vanished between reading it and writing it."""


def now_iso() -> str:
    """The current time, timezone-aware, ISO 8601 to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def default_db_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("shadow", appauthor=False)) / "shadow.json"


def lock_timeout() -> float:
    """Seconds to wait for another process's lock (``SHADOW_LOCK_TIMEOUT``, default 30)."""
    raw = os.environ.get("SHADOW_LOCK_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value < 0:
        raise StoreError("SHADOW_LOCK_TIMEOUT must be a number of seconds (e.g. 30)")
    return value


def _stderr_notice(message: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        print(f"shadow: {message}", file=sys.stderr, flush=True)


def _shown(text: object) -> str:
    """Text from a file, safe to put in a one-line message (no control characters)."""
    return ascii(str(text))[1:-1][:80]


def _os_message(action: str, path: Path, exc: OSError) -> str:
    reason = exc.strerror or str(exc) or type(exc).__name__
    return f"cannot {action} {path}: {reason}"


# uuid (which imports platform) is imported where a generation or identifier is made,
# not by every command: a save makes neither.
def _new_gen() -> str:
    import uuid

    return uuid.uuid4().hex[:16]


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
    if os.name == "nt":  # folders cannot be opened (or fsynced) on Windows
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _dump(data: dict[str, dict[str, Doc]]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _loads(raw: bytes | memoryview) -> Any:
    """Parse JSON: orjson (several times faster), and the standard library for what
    orjson refuses but JSON allows (NaN, huge integers, lone surrogates, deep nesting),
    so that what reads, and every error, stay exactly the standard library's."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(bytes(raw))


_TABLE_LINE = re.compile(rb'"(_meta|[a-z_]+)":')
# A table's text is parsed about this much at a time (see _loads_table).
PARSE_PIECE = 1 << 20
_NEXT_RECORD = re.compile(rb'\},"\d+":\{')


def _loads_table(raw: bytes | memoryview) -> Any:
    """A table's JSON text parsed about PARSE_PIECE bytes of records at a time. One orjson
    call on a 20 MB table holds the interpreter for 0.15 s, and a screen's event loop
    waits that long while its read runs in a thread; between pieces it runs. Cuts fall
    between records (``},"N":{``). A cut inside a record's nested object leaves its
    piece with a brace unclosed, which does not parse: then the text is parsed whole, so
    what is read, and every error, is exactly what one parse gives."""
    size = len(raw)
    if size <= 2 * PARSE_PIECE or raw[:1] != b"{" or raw[size - 1 :] != b"}":
        return _loads(raw)
    rows: dict[str, Any] = {}
    at = 1
    while at < size - 1:
        found = _NEXT_RECORD.search(raw, at + PARSE_PIECE, size - 1)
        cut = found.start() + 1 if found is not None else size - 1
        try:
            piece = orjson.loads(b"{" + bytes(raw[at:cut]) + b"}")
        except orjson.JSONDecodeError:
            return _loads(raw)
        rows.update(piece)
        at = cut + 1
    return rows


# A table of more records than this is written this many at a time, and ``_meta``'s
# PIECES says where each run of records starts in its text and which ids it holds: one
# record is then read by parsing its piece, not the table (``observe`` read one visit by
# parsing 40,000: 0.12 s of its 0.3 at 150,000 records).
PIECE_RECORDS = 1000
PIECES = "pieces"
PIECES_READ = 3  # pieces of one table parsed for single records before the whole table is
PIECES_FOR_MANY = 8  # as PIECES_READ, for the records one get_many asks for


def _dump_table(rows: dict[str, Doc]) -> tuple[bytes, dict | None]:
    """A table's JSON text (exactly ``_dump(rows)``: the pieces' records joined by commas),
    and, if it has more than PIECE_RECORDS records, where its pieces are:
    ``{"size": bytes, "crc": _pieces_crc, "at": [[offset, lowest id, highest id], ...]}``."""
    if len(rows) <= PIECE_RECORDS:
        return _dump(rows), None  # type: ignore[arg-type]
    items = list(rows.items())
    bodies: list[bytes] = []
    at: list[list[int]] = []
    offset = 1  # (after the opening brace)
    for first in range(0, len(items), PIECE_RECORDS):
        piece = dict(items[first : first + PIECE_RECORDS])
        ids = [int(key) for key in piece]
        body = _dump(piece)[1:-1]  # type: ignore[arg-type]
        at.append([offset, min(ids), max(ids)])
        bodies.append(body)
        offset += len(body) + 1
    text = b"{" + b",".join(bodies) + b"}"
    return text, {"size": len(text), "crc": _pieces_crc(text, at), "at": at}


def _pieces_crc(text: bytes | memoryview, at: Any) -> int:
    """The CRC-32 of a table's text and of where its pieces are: an edit of either (by
    hand) and the table is parsed whole."""
    return zlib.crc32(_dump(at), zlib.crc32(text))  # type: ignore[arg-type]


_UNREAD = object()  # (a record that could not be read from its piece: parse the table)


def _piece_offsets_fit(at: Any, size: int) -> bool:
    """Whether PIECES' ``at`` is a list of [offset, low id, high id], offsets rising
    within a text of ``size`` bytes."""
    if not isinstance(at, list) or not at:
        return False
    last = 0
    for entry in at:
        if not (
            isinstance(entry, list)
            and len(entry) == 3
            and all(type(v) is int for v in entry)
            and last < entry[0] < size
            and entry[1] <= entry[2]
        ):
            return False
        last = entry[0]
    return True


def _dump_snapshot(data: dict[str, dict[str, Doc]]) -> bytes:
    """The snapshot as written: plain JSON (TinyDB reads it), one table a line, ``_meta``
    first, so that a reader can parse only the tables it needs (see _table_lines), and
    with where each large table's pieces are (PIECES, set afresh here).
    JSON text never holds a raw line break (it is escaped), nor does UTF-8 in another
    character, so each table is exactly one line."""
    names = [name for name in data if name != META]
    texts, pieces = {}, {}
    for name in names:
        texts[name], where = _dump_table(data[name])
        if where is not None:
            pieces[name] = where
    lines = [_dump(name) + b":" + texts[name] for name in names]  # type: ignore[arg-type]
    if META in data:
        meta = data[META].get("1")
        if isinstance(meta, dict):
            meta.pop(PIECES, None)
            if pieces:
                meta[PIECES] = pieces
        lines.insert(0, _dump(META) + b":" + _dump(data[META]))  # type: ignore[arg-type]
    return b"{\n" + b",\n".join(lines) + b"\n}\n"


# How many ids one transaction checks against an unread table's text before reading it.
ID_SCANS = 3


def _holds_key(raw: bytes | memoryview, doc_id: int) -> bool:
    """Whether ``"doc_id":`` stands anywhere in a table's text (a record's key, or by
    chance a nested one: either way the caller reads the table)."""
    return re.search(rb'"%d"\s*:' % doc_id, raw) is not None


def _table_lines(raw: bytes) -> dict[str, memoryview] | None:
    """The JSON text of each table of a snapshot in the form _dump_snapshot writes, by
    name (views into ``raw``, not copies: a 60 MB snapshot is not held twice); None for
    any other form (a file written by TinyDB or by hand), which is then parsed whole.
    Only the form is checked here; each table's text is parsed (and refused if damaged)
    when it is first needed."""
    if not raw.startswith(b"{\n") or not raw.endswith(b"\n}\n") or len(raw) < 6:
        return None
    view = memoryview(raw)
    stop = len(raw) - 3  # the newline before the closing brace
    out: dict[str, memoryview] = {}
    pos = 2
    while True:
        end = raw.find(b"\n", pos)  # found: raw[stop] is one
        last = end == stop
        line_end = end if last else end - 1
        if not last and raw[line_end] != 0x2C:  # every table line but the last ends in ","
            return None
        m = _TABLE_LINE.match(raw, pos, line_end)
        if m is None or line_end <= m.end() or raw[line_end - 1] != 0x7D:  # "}"
            return None
        name = m.group(1).decode()
        if name in out:
            return None
        out[name] = view[m.end() : line_end]
        if last:
            break
        pos = end + 1
    if META not in out or next(iter(out)) != META:
        return None
    return out


# The id that begins each entry line of the audit file (after its line break).
_AUDIT_IDS = re.compile(rb'\n,?"([1-9][0-9]{0,17})": ')


def _pieces(raw: bytes, size: int = PARSE_PIECE) -> Iterator[tuple[int, int]]:
    """(start, end) of pieces of about ``size`` bytes of an audit file's committed part,
    each whole entry lines (it ends with a line break: see Store._audit_raw)."""
    at, end = len(AUDIT_HEAD), len(raw)
    while at < end:
        cut = raw.find(b"\n", min(at + size, end) - 1) + 1 or end
        yield at, cut
        at = cut


@functools.lru_cache(maxsize=16)
def _uid_of(created: str) -> str:
    """The identifier of a database that has none stored, from when it was created
    (worked out once: export ics asks for it for each of 40,000 visits)."""
    import uuid

    return uuid.uuid5(uuid.NAMESPACE_URL, created).hex


T = TypeVar("T")


def _parsed_quietly(parse: Callable[[], T], *, collect_first: bool) -> T:
    """``parse()`` with the cyclic garbage collector off (parsing allocates millions of
    objects and no garbage in cycles; the collector only slows it down), and as it was
    afterwards. ``collect_first``: a full collection before, while it is cheap (see
    _freeze), unless the caller paused the collector (a CLI command, the TUI's reads: the
    pass would walk every object imported or read so far, for no garbage)."""
    gc_was_on = gc.isenabled()
    if gc_was_on and collect_first:
        gc.collect()
    gc.disable()
    try:
        return parse()
    finally:
        if gc_was_on:
            gc.enable()


def _freeze(loaded_bytes: int) -> None:
    """Move everything alive now (above all the records just loaded, millions of dicts
    and strings) out of the cyclic garbage collector's sight: its full passes would
    otherwise walk them all, again and again, for a pause of seconds at 150,000
    records. Records hold no reference cycles, so reference counting still frees them
    when they are replaced or dropped. (Callers collect before they load, when that is
    cheap, so that little garbage is frozen with them.) Small databases, where a pass
    is quick anyway, are left alone."""
    if loaded_bytes >= FREEZE_MIN_BYTES:
        gc.freeze()


# The audit file is one TinyDB JSON document: this head, one entry a line, the foot.
# ``_meta.audit_file.bytes`` counts up to the end of the last entry line, foot excluded.
AUDIT_HEAD = b'{"audit": {\n'
AUDIT_FOUND_KEPT = 64  # lookups of the audit file whose lines are kept (Store._scan_audit)
AUDIT_FOOT = b"}}\n"


def _audit_lines(rows: dict[str, Doc], first: bool) -> bytes:
    """Audit entries as lines of the audit file, in id order: ``"N": {...entry}``, with a
    leading comma unless ``first`` (the file holds no entry yet) for the first of them."""
    ordered = sorted(rows.items(), key=lambda kv: int(kv[0]))
    lines = [b',"%d": %s\n' % (int(k), _dump(doc)) for k, doc in ordered]  # type: ignore[arg-type]
    if first and lines:
        lines[0] = lines[0][1:]
    return b"".join(lines)


def _audit_entry(line: bytes) -> tuple[str, Any] | None:
    """One entry line of the audit file without its leading comma: (id, entry), or None
    if it is not one."""
    end = line.find(b'": ')
    if not line.startswith(b'"') or end < 0:
        return None
    key = line[1:end].decode("ascii", "replace")
    if not _DOC_ID.fullmatch(key):
        return None
    try:
        doc = _loads(line[end + 3 :])
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return (key, doc) if isinstance(doc, dict) else None


TEMP_MARK = ".tmp-"
_ANY: Any = object()  # (audit(): any new value)


def replace_file(path: Path, payload: bytes | Iterable[bytes]) -> None:
    """Replace ``path`` with ``payload`` (bytes, or bytes in parts written one after
    another): temp file, fsync, rename, fsync the folder, so the file is there whole or
    not at all. On any failure the old file stays as it was, the temp file is removed,
    and the OSError goes to the caller."""
    tmp = path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{threading.get_ident()}")
    try:
        with open(tmp, "wb") as fh:
            for part in [payload] if isinstance(payload, bytes) else payload:
                fh.write(part)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    _fsync_dir(path.parent)


def _atomic_write(path: Path, payload: bytes | Iterable[bytes]) -> None:
    """``replace_file``, with any failure as a one-line StoreError."""
    try:
        replace_file(path, payload)
    except OSError as exc:
        raise StoreError(_os_message("write", path, exc)) from None


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _same_file(fh: IO[bytes], path: Path) -> bool:
    """Does ``path`` still name the file open as ``fh`` (not deleted or replaced)?"""
    try:
        st = os.stat(path)
    except OSError:
        return False
    fst = os.fstat(fh.fileno())
    return (st.st_dev, st.st_ino) == (fst.st_dev, fst.st_ino)


def _canonical(path: Path) -> Path:
    """One name per database: symlinks resolved; of several hard links in one folder,
    the one whose journal or lock exists (else the first by name); a hard link in another
    folder, with no journal or lock of its own, is refused (it would split the database)."""
    path = Path(os.path.realpath(path.expanduser().absolute()))
    try:
        st = os.stat(path)
    except OSError:
        return path
    if st.st_nlink < 2:
        return path
    twins = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent):
            if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
                continue
            est = entry.stat(follow_symlinks=False)
            if (est.st_dev, est.st_ino) == (st.st_dev, st.st_ino):
                twins.append(path.parent / entry.name)
    if len(twins) < 2:
        if any(path.with_name(path.name + x).exists() for x in (".journal", ".lock")):
            return path  # the name it is used by: its journal and lock are here
        # Its other name is in another folder, where its journal and lock would be too:
        # two names, two journals, no shared lock. Refuse rather than split the database.
        raise StoreError(
            f"{path} has another name in another folder (a hard link): open the database by "
            "the name it was created with, or replace the link with a symbolic link"
        )
    for twin in sorted(twins):
        if twin.with_name(twin.name + ".journal").exists():
            return twin
    for twin in sorted(twins):
        if twin.with_name(twin.name + ".lock").exists():
            return twin
    return sorted(twins)[0]


def network_filesystem(path: Path) -> str | None:
    """The file-system type if ``path`` is on a network mount (Linux, best effort)."""
    try:
        with open("/proc/mounts", encoding="utf-8", errors="replace") as fh:
            mounts = [line.split() for line in fh]
    except OSError:
        return None
    best, kind = "", None
    text = str(path)
    for fields in mounts:
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = text == point or text.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, kind = point, fields[2]
    return kind if kind in NETWORK_FILESYSTEMS else None


class Transaction:
    """Changes made together: one journal line, one audit batch, all or nothing."""

    def __init__(self, store: Store, actor: str):
        self._store = store
        self.actor = actor
        self.ts = now_iso()
        self.ops: list[list[Any]] = []
        self._staged: dict[tuple[str, int], Doc | None] = {}
        self._next_ids: dict[str, int] = {}
        self._id_scans: dict[str, int] = {}

    # reads that see this transaction's own changes
    def get(self, table: str, doc_id: int) -> Doc | None:
        key = (table, int(doc_id))
        if key in self._staged:
            doc = self._staged[key]
            return None if doc is None else dict(doc, id=int(doc_id))
        return self._store.get(table, doc_id)

    def _audit(
        self, entity: str, entity_id: int, field: str, old: Any, new: Any, version: int = 0
    ) -> None:
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
        if version:  # the record's version this change made (core/versions.py reads it)
            entry["v"] = version
        self._put(AUDIT, aid, entry)

    def _new_id(self, table: str) -> int:
        # (an unread table's next id is checked against its text: a few times per
        # transaction, then the table is read, so a bulk insert costs one parse at most)
        scans = self._id_scans.get(table, 0)
        self._id_scans[table] = scans + 1
        nid = self._store._next_id(table, self._next_ids.get(table), scan=scans < ID_SCANS)
        self._next_ids[table] = nid + 1
        return nid

    def _put(self, table: str, doc_id: int, doc: Doc) -> None:
        self._staged[(table, doc_id)] = doc
        self.ops.append(["put", table, doc_id, doc])

    def insert(
        self,
        table: str,
        doc: Doc,
        *,
        summary: str | None = None,
        created: str | None = None,
        audit: bool = True,
    ) -> int:
        """Add a record; returns its new id. ``summary`` names it in the audit trail;
        ``created`` back-dates a record brought in from elsewhere (the sample programme).
        ``audit=False`` only for an anonymous record (a pulse answer), whose audit entry's
        place among the others would tell when it came in."""
        _check_table(table)
        doc = {k: v for k, v in doc.items() if k != "id"}
        when = created or self.ts
        doc.update(created=when, updated=when, created_by=self.actor, updated_by=self.actor)
        doc["version"] = 1
        doc_id = self._new_id(table)
        self._put(table, doc_id, doc)
        if audit:
            self._audit(table, doc_id, "*", None, summary if summary is not None else "created")
        return doc_id

    def update(self, table: str, doc_id: int, changes: Doc) -> Doc:
        """Change some fields of a record; each changed field gets an audit entry. A change
        raises the record's ``version`` by one (a record from before versions is version 1)."""
        _check_table(table)
        doc_id = int(doc_id)
        current = self.get(table, doc_id)
        if current is None:
            raise ConflictError(f"{table} record {doc_id} does not exist")
        current.pop("id", None)
        new = dict(current)
        changed = False
        version = record_version(current) + 1
        for field, value in changes.items():
            if field == "id" or field in _BOOKKEEPING:
                continue
            old = current.get(field)
            if old == value:
                continue
            new[field] = value
            changed = True
            self._audit(table, doc_id, field, old, value, version)
        if changed:
            new.update(updated=self.ts, updated_by=self.actor, version=version)
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


def record_version(doc: Doc) -> int:
    """A record's version: 1 when inserted, one more per change (missing: written before
    versions, so 1)."""
    value = doc.get("version")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 1


def _check_table(table: str) -> None:
    if table in (META, AUDIT) or not _TABLE_NAME.fullmatch(table):
        raise ValueError(f"not a table name: {table!r}")


class Store:
    """The shadow database. Open one per process; it is safe to share between threads.

    ``create=False`` refuses a missing file instead of creating it; ``read_only=True``
    never writes (no lock file needed, no backups, no clean-up, migrations in memory
    only) and refuses transactions. A database inside a ``backups`` folder always
    opens read-only. ``notice`` receives one-line messages meant for the person
    (waiting for a lock, a network mount, a fold that failed after a saved write);
    ``on_wait(seconds, pid)`` is called while waiting for another process's lock.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        create: bool = True,
        read_only: bool = False,
        notice: Callable[[str], None] | None = None,
        on_wait: Callable[[float, int | None], None] | None = None,
    ):
        self.path = _canonical(Path(path))
        self.journal_path = self.path.with_name(self.path.name + ".journal")
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.backup_dir = self.path.parent / "backups"
        self.is_backup = self.path.parent.name == "backups"
        self.read_only = read_only or self.is_backup
        self.create = create and not self.read_only
        self.notice = notice or _stderr_notice
        self.on_wait = on_wait
        self._mutex = threading.RLock()
        self._data: dict[str, dict[str, Doc]] = {}
        self._tinydb = TinyDB(storage=_MemoryStorage, data=self._data)
        self._tables: dict[str, Table] = {}
        # Tables of the snapshot not parsed yet: their JSON text (see _table_lines).
        self._lazy: dict[str, bytes | memoryview] = {}
        self._piece_maps: dict[str, Any] = {}
        # Journal changes to tables not parsed yet, in order, applied when one is parsed
        # (replaying a journal line must not parse a 20 MB table to put one record).
        self._pending: dict[str, list[list[Any]]] = {}
        self._counts: dict[str, int] = {}  # records of tables passed over, not kept (each())
        self._snap_next: dict[str, int] = {}  # next_ids as the snapshot said (before the journal)
        # Audit entries written since the snapshot while the audit trail lives in its
        # own file (``_data`` holds the whole trail only once someone asked for it).
        self._audit_tail: dict[str, Doc] = {}
        # what the lines of an audit file's committed part hold, by needles (_scan_audit)
        self._audit_found: dict[tuple, list[tuple[str, Doc]]] = {}
        self._audit_damage: list[str] = []  # what reading the audit file found (check says it)
        self._seq = 0
        self._snap_id: tuple[int, int, int] | None = None
        self._jpos = 0
        self._jlines = 0
        self._jstale = False
        self._jid: tuple[int, int, int] | None = None
        self._listeners: list[Callable[[set[str]], None]] = []
        # find()'s indexes, (table, field) -> value -> keys; dropped whenever records are
        # put, removed or reloaded (the next find builds what it needs again).
        self._indexes: dict[tuple[str, str], dict[Any, list[str]]] = {}
        # Changes seen (ours or another process's) and what derived() keeps for them.
        self._changes = 0
        self._derived: tuple[int, dict[Any, Any]] = (0, {})  # (at which change, values)
        self._derived_mutex = threading.Lock()
        self._journal_fd: int | None = None
        self._in_tx = False
        self._wrote = False
        self._lockless = False
        self._pending_notice: str | None = None
        self._lock_depth = 0
        self._lock_exclusive = False
        self._backup_day: str | None = None
        self._backup_mutex = threading.Lock()
        # A UI sets defer_folds: a fold that a write finds due is then left to housekeep()
        # (run in a worker thread) instead of rewriting the whole archive inside a save.
        self.defer_folds = False
        self._fold_wanted = False
        self._housekept_day: str | None = None  # the day housekeep() last saw to the backup
        try:
            self._open()
        except OSError as exc:
            raise StoreError(_os_message("open", self.path, exc)) from None

    # ----------------------------------------------------------- locking
    @contextlib.contextmanager
    def _locked(self, exclusive: bool, blocking: bool = True) -> Iterator[None]:
        """The cross-process lock. Re-entrant: an inner use keeps the outer lock as it is.
        Not blocking: BlockingIOError if another process holds it."""
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
            held = self._acquire(exclusive, blocking)
            self._lockless = not held
            self._lock_depth, self._lock_exclusive = 1, exclusive
            try:
                yield
            finally:
                self._lock_depth = 0
                for fh in reversed(held):
                    with contextlib.suppress(Exception):
                        locking.unlock(fh)
                    with contextlib.suppress(OSError):
                        fh.close()

    def _open_lock_file(self, exclusive: bool) -> IO[bytes] | None:
        """The lock file, created if we may; None where no lock can be had (a read-only
        medium without one, or no permission): readers then read without it."""
        first: OSError | None = None
        try:
            if not self.read_only:  # a reader never creates files (lock-free reads are safe)
                try:
                    fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
                    return os.fdopen(fd, "r+b")
                except IsADirectoryError:
                    raise
                except OSError as exc:
                    if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
                        raise
                    first = exc
            try:
                return open(self.lock_path, "rb")
            except (FileNotFoundError, PermissionError) as exc:
                if exclusive:
                    raise first or exc from None
                return None
        except IsADirectoryError:
            raise StoreError(
                f"cannot lock the database: {self.lock_path} is a folder; "
                "move it away (shadow keeps its lock in that file)"
            ) from None
        except OSError as exc:
            raise StoreError(_os_message("write", self.lock_path, exc)) from None

    def _holder(self) -> int | None:
        try:
            text = self.lock_path.read_text(encoding="ascii", errors="replace").strip()
        except OSError:
            return None
        if not (text.isascii() and text.isdigit() and len(text) < 10):
            return None
        pid = int(text)
        if os.name != "nt":  # the last writer may be gone (a reader holds the lock now)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return None
            except OSError:
                pass
        return pid

    def _acquire(self, exclusive: bool, blocking: bool) -> list[IO[bytes]]:
        timeout = lock_timeout() if blocking else 0.0
        started = time.monotonic()
        told = False
        pause = 0.001

        def wait() -> None:
            nonlocal told, pause
            if not blocking:
                raise BlockingIOError(f"{self.lock_path} is locked")
            waited = time.monotonic() - started
            pid = self._holder()
            who = f"another shadow process (pid {pid})" if pid else "another shadow process"
            if waited >= timeout:
                raise StoreError(
                    f"gave up waiting for the database after {timeout:g} s: {who} is still "
                    f"writing {self.path} (SHADOW_LOCK_TIMEOUT=SECONDS waits longer)"
                )
            if waited >= LOCK_NOTICE_AFTER and not told:
                told = True
                self.notice(f"waiting for the database: {who} is writing")
            if self.on_wait is not None:
                self.on_wait(waited, pid)
            time.sleep(pause)
            pause = min(pause * 2, 0.05)

        while True:
            fh = self._open_lock_file(exclusive)
            if fh is None:
                return []
            try:
                locking.lock(fh, exclusive=exclusive)
            except locking.Busy:
                fh.close()
                wait()
                continue
            except locking.LockFailed as exc:
                fh.close()
                cause = exc.__cause__ if isinstance(exc.__cause__, OSError) else None
                reason = cause.strerror if cause is not None else str(exc)
                raise StoreError(f"cannot lock {self.lock_path}: {reason}") from None
            if not _same_file(fh, self.lock_path):
                # Deleted or replaced since we opened it: that lock protects nothing.
                with contextlib.suppress(Exception):
                    locking.unlock(fh)
                fh.close()
                continue
            break
        held = [fh]
        if exclusive and fh.writable():
            # Our pid, for "waiting for ... (pid N)": written in place (no truncate, which
            # costs milliseconds on some file systems), and only when it changes.
            mine = f"{os.getpid():<10d}\n".encode("ascii")
            with contextlib.suppress(OSError):
                fh.seek(0)
                if fh.read(len(mine)) != mine:
                    fh.seek(0)
                    fh.write(mine)
                    fh.flush()
        # POSIX lets a held lock file be deleted; the journal is locked too, so a
        # second writer that made itself a new lock file still waits for the first.
        if os.name != "nt":
            jfh = self._lock_journal(exclusive, fh, wait)
            if jfh is not None:
                held.append(jfh)
        return held

    def _lock_journal(
        self,
        exclusive: bool,
        fh: IO[bytes],
        wait: Callable[[], None],
    ) -> IO[bytes] | None:
        """Lock the journal beside the lock file ``fh`` (waiting as ``wait`` says); None
        when there is no journal to lock. If waiting gives up, ``fh`` is released too."""
        jfh = self._open_journal_for_lock(exclusive)
        if jfh is None:
            return None
        while True:
            try:
                locking.lock(jfh, exclusive=exclusive)
                return jfh
            except locking.Busy:
                try:
                    wait()
                except BaseException:
                    jfh.close()
                    locking.unlock(fh)
                    fh.close()
                    raise
            except locking.LockFailed:
                jfh.close()
                return None

    def _open_journal_for_lock(self, exclusive: bool) -> IO[bytes] | None:
        if exclusive and not self.read_only and self.path.exists():
            with contextlib.suppress(OSError):
                return open(self.journal_path, "a+b")
        with contextlib.suppress(OSError):
            return open(self.journal_path, "rb")
        return None

    # ----------------------------------------------------------- opening
    def _open(self) -> None:
        self._warn_network_mount()
        if not self.path.exists():
            self._refuse_missing()
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(_os_message("create the folder", self.path.parent, exc)) from None
            with self._locked(exclusive=True):
                if not self.path.exists():
                    self._refuse_missing()
                    meta = {
                        "schema": SCHEMA_VERSION,
                        "seq": 0,
                        "next_ids": {},
                        "created": now_iso(),
                        "gen": _new_gen(),
                    }
                    _atomic_write(self.path, _dump_snapshot({META: {"1": meta}}))
        with self._locked(exclusive=False):
            self._load_all()
        schema = self._meta().get("schema")
        if schema < SCHEMA_VERSION:
            self._migrate()
        if not self.read_only:
            self._clean_temps()

    def _refuse_missing(self) -> None:
        if self.journal_path.exists():
            raise StoreError(
                f"{self.path} is missing but its journal {self.journal_path.name} is there "
                f"(it may hold data); nothing was changed: put the snapshot back, or "
                f"shadow restore BACKUP, or move {self.journal_path.name} aside to start afresh"
            )
        if not self.create:
            raise StoreError(
                f"no database at {self.path} (check --db or SHADOW_DB; "
                "a command that changes something creates it)"
            )

    def _warn_network_mount(self) -> None:
        kind = network_filesystem(self.path.parent)
        if kind and str(self.path.parent) not in _warned_mounts:
            _warned_mounts.add(str(self.path.parent))
            self.notice(
                f"warning: {self.path.parent} is on a network file system ({kind}) that may "
                "not honour locks; do not use this database from two computers at once"
            )

    def _clean_temps(self) -> None:
        """Remove temp files left by a crashed fold or backup (only while no one writes)."""
        try:
            with self._locked(exclusive=True, blocking=False):
                for folder, prefix in (
                    (self.path.parent, f".{self.path.name}{TEMP_MARK}"),
                    (self.path.parent, f".{self.path.name}.audit-"),
                    (self.backup_dir, f".{self.path.stem}-"),
                ):
                    if not folder.is_dir():
                        continue
                    for entry in os.scandir(folder):
                        if entry.name.startswith(prefix) and TEMP_MARK in entry.name:
                            with contextlib.suppress(OSError):
                                os.unlink(entry.path)
                self._remove_stray_audit_files()
        except (BlockingIOError, StoreError, OSError):
            pass  # someone else is writing (or we may not): next time

    def _remove_stray_audit_files(self) -> None:
        """Audit files the snapshot does not name: a fold or restore that died before its
        snapshot was in place, or an old one it could not remove (exclusive lock held)."""
        if self._changed_on_disk():
            self._catch_up()
        info = self._meta().get("audit_file")
        keep = self._audit_path(info["gen"]).name if info else None
        # .jsonl: the audit file's form on development branches before it was TinyDB JSON.
        stray = re.compile(re.escape(self.path.name) + r"\.audit-[0-9a-f]{16}\.jsonl?")
        for entry in os.scandir(self.path.parent):
            if stray.fullmatch(entry.name) and entry.name != keep:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)

    def _refuse(self, cls: type[StoreError], what: str) -> StoreError:
        newest = None
        with contextlib.suppress(OSError):
            newest = self.newest_backup()
        hint = f"; newest backup: {newest}" if newest else "; no backup found"
        return cls(f"{what}{hint}")

    def _load_all(self) -> None:
        """Read snapshot and journal from scratch (lock held). Validates everything.

        Without a lock (a reader that could not have one) a writer may fold between
        our reading the snapshot and the journal: if the snapshot changed meanwhile,
        read again instead of refusing."""
        for attempt in range(5):
            before = _identity(self.path)
            try:
                self._load_all_once()
                return
            except StoreError:
                if not self._lockless or attempt == 4 or _identity(self.path) == before:
                    raise

    def _load_all_once(self) -> None:
        snap_id = _identity(self.path)
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            self._refuse_missing()
            raise StoreError(f"{self.path} vanished while being read") from None
        except OSError as exc:
            raise StoreError(_os_message("read", self.path, exc)) from None
        if not raw or raw.isspace():  # (without copying 100 MB, as strip() would)
            raise self._refuse(DamagedFile, f"{self.path} is empty (0 bytes of data)")
        lazy = _table_lines(raw)
        try:
            # (not before reading only _meta: each table collects before its own load)
            data = _parsed_quietly(
                # only _meta now when lazy; each table when first asked for
                lambda: {META: _loads(lazy.pop(META))} if lazy is not None else _loads(raw),
                collect_first=lazy is None and len(raw) >= FREEZE_MIN_BYTES,
            )
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            reason = "nested too deeply" if isinstance(exc, RecursionError) else exc
            raise self._refuse(DamagedFile, f"{self.path} is damaged ({reason})") from None
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
        for name in [*data, *(lazy or ())]:
            if name != META and not _TABLE_NAME.fullmatch(name):
                raise self._refuse(
                    DamagedFile, f"{self.path} is damaged (table name '{_shown(name)}')"
                )
        audit_file = meta.get("audit_file")
        if audit_file is not None:
            self._check_audit_file(meta, {**data, **(lazy or {})})
        next_ids = meta.get("next_ids")
        if not isinstance(next_ids, dict):
            next_ids = meta["next_ids"] = {}
        if audit_file is not None and (
            not isinstance(next_ids.get(AUDIT), int) or audit_file["top"] >= next_ids[AUDIT]
        ):
            next_ids[AUDIT] = audit_file["top"] + 1
        for name, table in data.items():
            if name != META:
                self._check_rows(name, table, next_ids)
        seq = meta.get("seq", 0)
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise self._refuse(DamagedFile, f"{self.path} is damaged (_meta seq)")
        self._data.clear()
        self._indexes.clear()
        self._data.update(data)
        self._lazy = lazy or {}
        self._piece_maps = {}  # (the lazy tables' PIECES, checked: _from_piece)
        self._pending = {}
        self._counts = {}
        self._snap_next = {k: v for k, v in next_ids.items() if isinstance(v, int)}
        self._audit_tail = {}
        self._seq = seq
        self._snap_id = snap_id
        self._jpos = 0
        self._jlines = 0
        self._jstale = False
        self._tables.clear()
        self._read_journal()
        _freeze(len(raw))

    def _check_rows(self, name: str, table: dict[str, Any], next_ids: dict[str, Any]) -> None:
        """A table as read: ids plain numbers, records objects; and no id handed out
        again, whatever ``next_ids`` says."""
        if not (
            all(map(_DOC_ID.fullmatch, table))
            and all(map(isinstance, table.values(), itertools.repeat(dict)))
        ):  # the usual case is checked in C above; here the culprit is found and named
            for key, doc in table.items():
                if not _DOC_ID.fullmatch(key):
                    raise self._refuse(
                        DamagedFile,
                        f"{self.path} is damaged (table {name!r} has id '{_shown(key)}', "
                        "not a number)",
                    )
                if not isinstance(doc, dict):
                    raise self._refuse(
                        DamagedFile, f"{self.path} is damaged (table {name!r} id {key})"
                    )
        if table:
            top = max(map(int, table))
            if not isinstance(next_ids.get(name), int) or top >= next_ids[name]:
                next_ids[name] = top + 1

    def _rows(self, name: str) -> dict[str, Doc] | None:
        """A table's records (read from the snapshot the first time), None if none."""
        rows = self._data.get(name)
        if rows is None and name in self._lazy:
            with self._mutex:  # (setting() reads without it; the TUI reads from threads)
                return self._read_table(name)
        return rows

    def _read_table(self, name: str) -> dict[str, Doc] | None:
        rows = self._data.get(name)
        if rows is None and name in self._lazy:
            raw = self._lazy[name]
            rows = self._parse_table(name, raw)
            self._pending.pop(name, None)
            del self._lazy[name]
            self._piece_maps.pop(name, None)  # (and the pieces parsed for single records)
            self._data[name] = rows
            self._tables.pop(name, None)
            _freeze(len(raw))
        return rows

    def _parse_table(self, name: str, raw: bytes | memoryview) -> dict[str, Doc]:
        """A table not parsed yet, parsed, checked, with the journal's changes to it."""
        try:
            rows = _parsed_quietly(
                lambda: _loads_table(raw), collect_first=len(raw) >= FREEZE_MIN_BYTES
            )
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            reason = "nested too deeply" if isinstance(exc, RecursionError) else exc
            raise self._refuse(
                DamagedFile, f"{self.path} is damaged (table {name!r}: {reason})"
            ) from None
        if not isinstance(rows, dict):
            raise self._refuse(DamagedFile, f"{self.path} is damaged (not a table layout)")
        self._check_rows(name, rows, self._meta()["next_ids"])
        for op in self._pending.get(name, ()):
            if op[0] == "put":
                rows[str(op[2])] = op[3]
            else:
                rows.pop(str(op[2]), None)
        return rows

    def _holds_records(self) -> bool:
        lazy = any(raw != b"{}" for name, raw in self._lazy.items() if name != META)
        lazy = lazy or any(op[0] == "put" for ops in self._pending.values() for op in ops)
        return lazy or any(t != META and rows for t, rows in self._data.items())

    def _load_everything(self) -> None:
        """Every table in memory (a fold, a backup, a migration needs them all)."""
        for name in list(self._lazy):
            self._rows(name)

    def _names(self) -> set[str]:
        """Every table in the snapshot and the journal, read yet or not."""
        return set(self._data) | set(self._lazy)

    def _check_audit_file(self, meta: Doc, data: dict[str, Any]) -> None:
        """The snapshot names its audit file: well formed, there, and not shorter than
        the snapshot says (a stat, not a read: the trail is read when asked for)."""
        info = meta["audit_file"]
        ok = isinstance(info, dict) and set(info) == {"gen", "bytes", "top"}
        ok = ok and isinstance(info["gen"], str) and bool(_GEN.fullmatch(info["gen"]))
        ok = ok and all(
            isinstance(info[k], int) and not isinstance(info[k], bool) and info[k] >= 0
            for k in ("bytes", "top")
        )
        ok = ok and info["bytes"] >= len(AUDIT_HEAD)
        if not ok or AUDIT in data or meta["schema"] < AUDIT_FILE_SCHEMA:
            raise self._refuse(DamagedFile, f"{self.path} is damaged (_meta audit_file)")
        path = self._audit_path(info["gen"])
        try:
            size = os.stat(path).st_size
        except FileNotFoundError:
            raise self._refuse(
                DamagedFile,
                f"{self.path} is missing its audit trail {path.name} (put it back beside it)",
            ) from None
        except OSError as exc:
            raise StoreError(_os_message("read", path, exc)) from None
        if size < info["bytes"]:
            raise self._refuse(DamagedFile, f"{path} is damaged (cut short)")

    def _foreign(self, why: str) -> StoreError:
        return ForeignJournal(
            f"{self.journal_path} does not belong to {self.path.name} ({why}); nothing was "
            f"changed: move {self.journal_path.name} aside to open {self.path.name} as it is, "
            "or put back the file it belongs to (shadow restore BACKUP restores a backup)"
        )

    def _entry(self, line: bytes, lineno: int) -> tuple[int, list[list[Any]]]:
        """One journal line, validated: (seq, ops). Refuses naming line, table and id."""
        where = f"{self.journal_path} is damaged at line {lineno}"
        try:
            entry = _loads(line)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise self._refuse(DamagedFile, where) from None
        if not isinstance(entry, dict):
            raise self._refuse(DamagedFile, f"{where} (not an entry)")
        seq, ops = entry.get("seq"), entry.get("ops")
        if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(ops, list):
            raise self._refuse(DamagedFile, f"{where} (no sequence number or changes)")
        for op in ops:
            if not isinstance(op, list) or len(op) < 3 or op[0] not in ("put", "del"):
                raise self._refuse(DamagedFile, f"{where} (not a change)")
            table, doc_id = op[1], op[2]
            if not isinstance(table, str) or not _TABLE_NAME.fullmatch(table):
                raise self._refuse(DamagedFile, f"{where} (table name '{_shown(table)}')")
            if not isinstance(doc_id, int) or isinstance(doc_id, bool) or not 0 < doc_id < 10**18:
                raise self._refuse(
                    DamagedFile, f"{where} (table {table!r} id '{_shown(doc_id)}', not a number)"
                )
            if op[0] == "put" and (len(op) != 4 or not isinstance(op[3], dict)):
                raise self._refuse(
                    DamagedFile, f"{where} (table {table!r} id {doc_id}: put without a record)"
                )
        return seq, ops

    def _read_journal(self) -> set[str]:
        """Apply journal lines after ``self._jpos`` (lock held). Returns tables touched."""
        touched: set[str] = set()
        if self._jstale:
            # An already-folded journal is restarted by the next writer: read it afresh.
            self._jpos = self._jlines = 0
        try:
            with open(self.journal_path, "rb") as fh:
                if os.fstat(fh.fileno()).st_size < self._jpos:
                    self._jpos = self._jlines = 0  # cut short behind our back: read it all
                fh.seek(self._jpos)
                chunk = fh.read()
        except FileNotFoundError:
            self._jid = None
            return touched
        except OSError as exc:
            raise StoreError(_os_message("read", self.journal_path, exc)) from None
        end = chunk.rfind(b"\n")
        if end < 0:
            self._jid = _identity(self.journal_path)
            return touched
        lines = chunk[: end + 1].splitlines()
        lineno = self._jlines
        meta = self._meta()
        if self._jpos == 0:
            # The first line names the snapshot this journal continues.
            head = None
            with contextlib.suppress(ValueError, UnicodeDecodeError, RecursionError):
                head = json.loads(lines[0])
            if isinstance(head, dict) and "gen" in head and "seq" not in head:
                lines = lines[1:]
                lineno += 1
                gen = head["gen"]
                if gen == meta.get("gen") and gen:
                    self._jstale = False
                elif gen and gen == meta.get("prev_gen"):
                    self._jstale = True  # folded already; a crash kept it
                else:
                    raise self._foreign("it continues another snapshot")
            elif meta.get("gen"):
                self._jstale = True  # an old-style journal: only already-folded entries
            else:
                self._jstale = False  # an old-style file with an old-style journal
        pending: list[tuple[int, list[list[Any]]]] = []
        seq_now = self._seq
        for line in lines:
            lineno += 1
            seq, ops = self._entry(line, lineno)
            if seq <= seq_now:
                continue  # already folded into the snapshot
            if self._jstale:
                raise self._foreign(f"entry {seq} is newer than the snapshot")
            if seq != seq_now + 1:
                raise self._refuse(
                    DamagedFile,
                    f"{self.journal_path} is damaged at line {lineno} (entry {seq} after {seq_now})",
                )
            pending.append((seq, ops))
            seq_now = seq
        for seq, ops in pending:
            touched |= self._apply(ops)
            self._seq = seq
        self._jpos += end + 1
        self._jlines = lineno
        self._jid = _identity(self.journal_path)
        return touched

    def _apply(self, ops: list[list[Any]]) -> set[str]:
        self._indexes.clear()  # (stale from now)
        meta = self._meta()
        next_ids = meta["next_ids"]
        split = "audit_file" in meta
        touched = set()
        for op in ops:
            kind, table, doc_id = op[0], op[1], int(op[2])
            if split and table == AUDIT:
                # The tail goes to the audit file at the next fold; the whole trail in
                # memory (if it was read) gets it too.
                for rows in (self._audit_tail, self._data.get(AUDIT)):
                    if rows is None:
                        continue
                    if kind == "put":
                        rows[str(doc_id)] = op[3]
                    else:
                        rows.pop(str(doc_id), None)
                if kind == "put" and doc_id >= next_ids.get(table, 1):
                    next_ids[table] = doc_id + 1
                touched.add(table)
                continue
            rows = self._data.get(table)
            if rows is None and table in self._lazy:
                self._pending.setdefault(table, []).append(op)  # applied when it is parsed
                self._counts.pop(table, None)
                if kind == "put" and doc_id >= next_ids.get(table, 1):
                    next_ids[table] = doc_id + 1
                touched.add(table)
                continue
            if rows is None:
                rows = self._data[table] = {}
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

    def _next_id(self, table: str, at_least: int | None = None, *, scan: bool = True) -> int:
        """The id a new record of ``table`` gets (``at_least``: the transaction's own next).

        A table not parsed yet is in the form only the store writes (_table_lines), with
        next_ids written beside it from the very records it holds, so inserting a record
        does not parse ten years of others. next_ids is still not trusted blindly (a file
        edited by hand in that form could say less): the candidate id is looked for as a
        key in the table's text, and if it is there, or ``scan`` is off, the table is read
        and its ids counted. A hit can be a nested key too; that only costs the parse."""
        next_ids = self._meta()["next_ids"]
        stored = next_ids.get(table)
        raw = self._lazy.get(table)
        if raw is not None and isinstance(stored, int) and scan:
            nid = max(stored, at_least or 0)
            if not _holds_key(raw, nid):
                return nid
        self._rows(table)  # read: its ids count, whatever next_ids said
        return max(int(next_ids.get(table, 1)), at_least or 0)

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
            except OSError as exc:
                raise StoreError(_os_message("read", self.path, exc)) from None
        finally:
            self._mutex.release()
        if touched:
            self._notify(touched)
        return bool(touched)

    def _catch_up(self) -> set[str]:
        """Bring memory up to date with disk (lock held)."""
        if _identity(self.path) != self._snap_id:
            before = self._names()
            self._load_all()
            return before | self._names()
        return self._read_journal()

    def subscribe(self, listener: Callable[[set[str]], None]) -> Callable[[], None]:
        """Call ``listener(tables)`` after every change, ours or another process's."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _notify(self, tables: set[str]) -> None:
        self._changes += 1
        for listener in list(self._listeners):
            listener(tables)

    # ----------------------------------------------------------- derived figures
    def derived(self, key: Any, compute: Callable[[], T] | None = None) -> T | None:
        """What ``compute()`` gave for ``key`` since the last change to the database
        (ours or another process's), computed now if there is none; with no ``compute``,
        only what is kept (None if nothing is). Figures several screens derive from the
        same records (every action's view) are worked out once per change, not per open.
        The value is shared: callers never change it."""
        self.refresh()
        seen = self._changes  # read before the records: a change meanwhile makes it stale
        at, kept = self._derived
        if at == seen and key in kept:
            return kept[key]
        if compute is None:
            return None
        value = compute()
        with self._derived_mutex:
            if self._changes == seen:  # (not kept if it may have read a later change)
                if self._derived[0] != seen:
                    self._derived = (seen, {})  # older values are stale
                self._derived[1][key] = value
        return value

    # ----------------------------------------------------------- reading
    def _table(self, name: str) -> Table:
        self._rows(name)  # TinyDB reads the table from _data
        table = self._tables.get(name)
        if table is None:
            table = self._tables[name] = self._tinydb.table(name, cache_size=0)
        return table

    def all(self, table: str) -> list[Doc]:
        """Every record of a table, each a fresh dict with its ``id``."""
        self.refresh()
        with self._mutex:
            if table == AUDIT:
                self._ensure_audit()
            return [dict(doc, id=int(k)) for k, doc in (self._rows(table) or {}).items()]

    def stored(self, table: str) -> list[tuple[int, Doc]]:
        """As :meth:`all`, (id, record) pairs with the records as stored, not copied (a
        change replaces a record, never edits it): for a pass that only reads them and
        copies the few it keeps. Never change them. Unlike :meth:`each_stored`, the table
        is kept in memory once parsed."""
        self.refresh()
        with self._mutex:
            if table == AUDIT:
                self._ensure_audit()
            return [(int(k), doc) for k, doc in (self._rows(table) or {}).items()]

    def get(self, table: str, doc_id: int) -> Doc | None:
        self.refresh()
        with self._mutex:
            return self._get(table, doc_id, PIECES_READ)

    def get_many(self, table: str, ids: Iterable[int]) -> dict[int, Doc]:
        """The records of ``ids`` that exist, by id, each as :meth:`get` gives it. Of a
        table not parsed yet, only the pieces that hold them are parsed, up to
        PIECES_FOR_MANY of them before the whole table is (a person's few actions point
        at a few of 20,000 suggestions: the Dashboard parsed them all to name them)."""
        self.refresh()
        with self._mutex:
            found = {int(i): self._get(table, int(i), PIECES_FOR_MANY) for i in ids}
        return {i: doc for i, doc in found.items() if doc is not None}

    def _get(self, table: str, doc_id: int, limit: int) -> Doc | None:
        """:meth:`get` (mutex held), parsing up to ``limit`` pieces of a table not parsed
        yet for single records before the whole table."""
        if table == AUDIT:
            self._ensure_audit()
        if table not in self._data and table in self._lazy:
            # A record the journal wrote since the snapshot (a command showing what it
            # just saved): the last change to it says all, without parsing the table.
            for op in reversed(self._pending.get(table, ())):
                if op[2] == int(doc_id):
                    return None if op[0] == "del" else dict(op[3], id=int(doc_id))
            # Else the snapshot's: its piece parsed, if the text is the one written.
            doc = self._from_piece(table, int(doc_id), limit)
            if doc is not _UNREAD:
                return None if doc is None else dict(doc, id=int(doc_id))
        doc = (self._rows(table) or {}).get(str(int(doc_id)))
        return None if doc is None else dict(doc, id=int(doc_id))

    def _from_piece(self, table: str, doc_id: int, limit: int) -> Doc | None | object:
        """One record of a table not parsed yet, from the piece of the snapshot's text that
        holds it (PIECES), None if no piece does; _UNREAD if the text is not the one the
        pieces describe (its size and the CRC-32 of it and of the pieces checked once: a
        file edited by hand; or a piece that does not parse), and then the table is parsed
        as before."""
        where = self._piece_maps.get(table, _UNREAD)
        raw = self._lazy[table]
        if where is _UNREAD:
            pieces = self._meta().get(PIECES)
            where = pieces.get(table) if isinstance(pieces, dict) else None
            if (
                isinstance(where, dict)
                and where.get("size") == len(raw)
                and _piece_offsets_fit(where.get("at"), len(raw))
                and where.get("crc") == _pieces_crc(raw, where["at"])
            ):
                where = (where["at"], {})  # (and the pieces parsed so far)
            else:
                where = None
            self._piece_maps[table] = where
        if where is None:
            return _UNREAD
        at, read = where
        for n, (start, low, high) in enumerate(at):
            if low <= doc_id <= high:
                piece = read.get(n)
                if piece is None:
                    if len(read) >= limit:
                        return _UNREAD  # (a command reading many: the table, once)
                    end = at[n + 1][0] - 1 if n + 1 < len(at) else len(raw) - 1
                    try:
                        piece = orjson.loads(b"{" + bytes(raw[start:end]) + b"}")
                    except orjson.JSONDecodeError:
                        return _UNREAD
                    if not isinstance(piece, dict):
                        return _UNREAD
                    read[n] = piece
                doc = piece.get(str(doc_id))
                if isinstance(doc, dict):
                    return doc
        return None

    def find(self, table: str, **equals: Any) -> list[Doc]:
        """Records whose fields equal the given values (a TinyDB query)."""
        self.refresh()
        with self._mutex:
            if not equals:
                return self.all(table)
            if table == AUDIT:
                self._ensure_audit()
            found = self._indexed(table, equals)
            if found is not None:
                return found
            found = self._table(table).search(Query().fragment(equals))
            return [dict(doc, id=int(doc.doc_id)) for doc in found]

    def _indexed(self, table: str, equals: dict[str, Any]) -> list[Doc] | None:
        """:meth:`find` through an index of its first field's values (mutex held), the same
        records in the same order; None where the value cannot be a key (then TinyDB
        searches). An index is built by one pass over the table the first time it is asked
        for after a change (a third of a TinyDB search), then each lookup only reads what
        it finds: one visit's notes at 150,000 records took 36 ms, every time."""
        (field, value), *rest = equals.items()
        try:
            hash(value)
        except TypeError:
            return None
        rows = self._rows(table)
        if rows is None:
            self._indexes[(table, field)] = {}  # (none yet: the first put drops it)
            return []
        index = self._indexes.get((table, field))
        if index is None:
            index = self._indexes[(table, field)] = {}
            for key, doc in rows.items():
                if field in doc:
                    with contextlib.suppress(TypeError):  # (a list never equals a key)
                        index.setdefault(doc[field], []).append(key)
        found = []
        for key in index.get(value, ()):
            doc = rows[key]
            if all(f in doc and doc[f] == v for f, v in rest):
                found.append(dict(doc, id=int(key)))
        return found

    def index(self, table: str, field: str) -> None:
        """Build now the index :meth:`find` keeps of ``table``'s ``field`` (kept until the
        next change), so that a later find by it only reads what it finds."""
        self.refresh()
        with self._mutex:
            if table != AUDIT:
                self._indexed(table, {field: _NO_VALUE})

    def indexed(self, *fields: tuple[str, str], parsed: Iterable[str] = ()) -> bool:
        """Whether :meth:`find` has each (table, field) indexed now and the ``parsed``
        tables are parsed, as ``size_hint`` never waiting (False while another thread
        holds the store): for choosing to read on the spot what only lookups by these
        fields and records of these tables read."""
        if not self._mutex.acquire(blocking=False):
            return False
        try:
            self.refresh(wait=False)
            return all(field in self._indexes for field in fields) and not any(
                table in self._lazy for table in parsed
            )
        finally:
            self._mutex.release()

    def filter(self, table: str, predicate: Callable[[Doc], bool]) -> list[Doc]:
        self.refresh()
        with self._mutex:
            if table == AUDIT:
                self._ensure_audit()
            found = self._table(table).search(_Where(predicate))
            return [dict(doc, id=int(doc.doc_id)) for doc in found]

    def each(self, table: str) -> Iterator[Doc]:
        """Every record of a table, as all() gives them, for one pass over it: a table not
        parsed yet is parsed for the pass and not kept (``check`` reads every table of ten
        years once: holding them all would take 0.9 GB)."""
        for doc_id, doc in self.each_stored(table):
            yield dict(doc, id=doc_id)

    def each_stored(self, table: str) -> Iterator[tuple[int, Doc]]:
        """As :meth:`each`, (id, record) pairs with the records as stored, not copied and
        without their ``id``: for a pass that only reads them (``check`` passes over
        half a million; copying each was a fifth of its time). Never change them."""
        if table == AUDIT:
            streamed = self._audit_streamed()
            if streamed is not None:  # (its ids are checked by audit_problems())
                _, raw, tail = streamed
                for at, cut in _pieces(raw):
                    rows = self._audit_piece(raw[at:cut])
                    if rows is None:
                        with self._mutex:
                            self._ensure_audit()  # refuses it, saying where
                        raise self._refuse(DamagedFile, f"{self.path}'s audit trail is damaged")
                    for key, doc in rows.items():
                        yield int(key), doc
                for key, doc in tail.items():
                    yield int(key), doc
                return
        yield from self._passing(table)

    def _audit_streamed(self) -> tuple[int, bytes, dict[str, Doc]] | None:
        """A trail not in memory, to be read a piece at a time (see _pieces): (the next
        audit id, its file's committed part, the entries since the last fold); None when
        the trail is in memory."""
        self.refresh()
        with self._mutex:
            if AUDIT in self._data or "audit_file" not in self._meta():
                return None
            on_disk = self._audit_on_disk()
            if on_disk is None:
                return None
            _, raw, tail = on_disk
            return self._next_id(AUDIT), raw, tail

    def _audit_on_disk(
        self, read: Callable[[Path, int], bool] | None = None
    ) -> tuple[Path, bytes, dict[str, Doc]] | None:
        """The audit file's committed part (its path, its bytes) and the entries since the
        last fold, taken under a shared lock after catching up with other processes, so
        that the file named is the one on disk; None when the trail is in memory or there
        is no file. ``read(path, length)`` False: the bytes are not read (b"" instead; a
        caller that keeps what it found in that very part). The caller holds ``_mutex``."""
        touched: set[str] = set()
        found = None
        try:
            with self._locked(exclusive=False):
                if not self._in_tx and self._changed_on_disk():
                    touched = self._catch_up()
                if AUDIT not in self._data and "audit_file" in self._meta():
                    info = self._meta()["audit_file"]
                    if read is None or read(self._audit_path(info["gen"]), info["bytes"]):
                        path, raw = self._audit_raw()
                    else:
                        path, raw = self._audit_path(info["gen"]), b""
                    found = path, raw, dict(self._audit_tail)
        except OSError as exc:
            raise StoreError(_os_message("read", self.path, exc)) from None
        if touched:
            self._notify(touched)
        return found

    @staticmethod
    def _audit_piece(piece: bytes) -> dict[str, Doc] | None:
        try:
            rows = _loads(b"{" + piece.lstrip(b",") + b"}")
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None
        if not isinstance(rows, dict) or len(rows) != piece.count(b"\n"):
            return None
        if not (  # (in C, as _check_rows does: a generator here cost 0.2 s at 150k)
            all(map(_DOC_ID.fullmatch, rows))
            and all(map(isinstance, rows.values(), itertools.repeat(dict)))
        ):
            return None
        return rows

    def _passing(self, table: str) -> list[tuple[int, Doc]]:
        self.refresh()
        with self._mutex:
            if table == AUDIT:
                self._ensure_audit()
            rows = self._data.get(table)
            if rows is None and table in self._lazy:
                rows = self._parse_table(table, self._lazy[table])
                self._counts[table] = len(rows)
            return [(int(k), doc) for k, doc in (rows or {}).items()]

    def count(self, table: str) -> int:
        self.refresh()
        with self._mutex:
            if table == AUDIT:
                self._ensure_audit()
            if table in self._counts and table in self._lazy:
                return self._counts[table]
            return len(self._rows(table) or {})

    def size_hint(self, table: str) -> int:
        """About how many records ``table`` holds, without parsing a table not read yet
        (its bytes / 100; 0 only when it is empty). For choosing between reading on the
        spot and in a thread: counting would parse a 30 MB table on the event loop. It never
        waits: while another thread holds the store (a backup, a fold, a read) the answer is
        BUSY_SIZE, since reading on the spot would wait for that thread."""
        if not self._mutex.acquire(blocking=False):
            return BUSY_SIZE
        try:
            self.refresh(wait=False)
            raw = self._lazy.get(table) if table != AUDIT else None
            if raw is not None and table not in self._data:
                # (raw is a memoryview of the file; journal lines not yet applied count too)
                empty = bytes(raw).strip() == b"{}" if len(raw) < 16 else False
                if empty and not self._pending.get(table):
                    return 0
                return max(1, len(raw) // 100)
            if table in self._counts and table in self._lazy:
                return self._counts[table]
            if table == AUDIT:
                info = self._meta().get("audit_file")
                if AUDIT not in self._data and info is not None:  # (a trail in its own file)
                    return max(1, info["bytes"] // 100) + len(self._audit_tail)
                self._ensure_audit()
            return len(self._rows(table) or {})
        finally:
            self._mutex.release()

    def tables(self) -> list[str]:
        self.refresh()
        with self._mutex:
            names = {t for t in self._names() if t != META}
            info = self._meta().get("audit_file")
            if info is not None and (info["bytes"] > len(AUDIT_HEAD) or self._audit_tail):
                names.add(AUDIT)
            return sorted(names)

    def setting(self, key: str, default: Any = None) -> Any:
        sid = self._setting_id(key)
        if sid is None:
            return default
        return self._rows(SETTINGS)[str(sid)].get("value", default)  # type: ignore[index]

    def _setting_id(self, key: str) -> int | None:
        for k, doc in (self._rows(SETTINGS) or {}).items():
            if doc.get("key") == key:
                return int(k)
        return None

    @property
    def uid(self) -> str:
        """A stable identifier of this database (used in calendar UIDs)."""
        meta = self._meta()
        return str(meta.get("uid") or _uid_of(str(meta.get("created"))))

    @property
    def schema(self) -> int:
        return int(self._meta()["schema"])

    # ----------------------------------------------------------- the audit trail
    def _audit_path(self, gen: str) -> Path:
        return self.path.with_name(f"{self.path.name}.audit-{gen}.json")

    def _ensure_audit(self) -> None:
        """Read the audit trail from its own file the first time it is asked for (mutex
        held): the part the snapshot names, plus what the journal added since."""
        if AUDIT in self._data or "audit_file" not in self._meta():
            return
        touched: set[str] = set()
        try:
            with self._locked(exclusive=False):
                # Under the lock, and current: the file named is the one on disk.
                if not self._in_tx and self._changed_on_disk():
                    touched = self._catch_up()
                if AUDIT not in self._data and "audit_file" in self._meta():
                    rows, self._audit_damage = _parsed_quietly(self._read_audit, collect_first=True)
                    rows.update(self._audit_tail)
                    self._data[AUDIT] = rows
                    self._tables.pop(AUDIT, None)
                    _freeze(self._meta()["audit_file"]["bytes"])
        except OSError as exc:
            raise StoreError(_os_message("read", self.path, exc)) from None
        if touched:
            self._notify(touched)

    def _audit_raw(self) -> tuple[Path, bytes]:
        """The audit file's committed part: exactly as long as the snapshot says, from
        its head to the end of its last entry line (the foot is not read)."""
        info = self._meta()["audit_file"]
        path = self._audit_path(info["gen"])
        try:
            with open(path, "rb") as fh:
                raw = fh.read(info["bytes"])
        except FileNotFoundError:
            raise self._refuse(
                DamagedFile, f"{self.path} is missing its audit trail {path.name}"
            ) from None
        except OSError as exc:
            raise StoreError(_os_message("read", path, exc)) from None
        if len(raw) != info["bytes"] or not raw.endswith(b"\n"):
            raise self._refuse(DamagedFile, f"{path} is damaged (cut short)")
        if not raw.startswith(AUDIT_HEAD):
            raise self._refuse(DamagedFile, f"{path} is damaged at line 1")
        return path, raw

    def _read_audit(self) -> tuple[dict[str, Doc], list[str]]:
        """The audit file's entries up to where the snapshot says it ends, and what is
        wrong with them that still reads (a repeated id). Damage is refused in one line."""
        path, raw = self._audit_raw()
        body = raw[len(AUDIT_HEAD) :]
        count = body.count(b"\n")
        doc: Any = None
        with contextlib.suppress(orjson.JSONDecodeError):
            doc = orjson.loads(raw + b"}}")  # one parse: the file is one JSON document
        rows = doc.get(AUDIT) if isinstance(doc, dict) and len(doc) == 1 else None
        if (
            isinstance(rows, dict)
            and len(rows) == count  # else a line held two entries, or an id came twice
            and all(_DOC_ID.fullmatch(k) and isinstance(v, dict) for k, v in rows.items())
        ):
            return rows, []
        # Line by line, to say where it is damaged (or which id appears twice).
        rows = {}
        problems: list[str] = []
        for n, line in enumerate(body.split(b"\n")[:count]):
            lineno = n + 2  # line 1 is the head
            entry = None
            if (n == 0) != line.startswith(b","):  # a comma before every entry but the first
                entry = _audit_entry(line[1:] if n else line)
            if entry is None:
                raise self._refuse(DamagedFile, f"{path} is damaged at line {lineno}")
            key, value = entry
            if key in rows:
                problems.append(f"{path.name} line {lineno}: audit id {key} appears twice")
            rows[key] = value
        return rows, problems

    def _scan_audit(
        self,
        entity: str,
        entity_id: int | None,
        scans: list[tuple[Callable[[Doc], bool], list[bytes]]],
    ) -> list[Doc] | None:
        """The entries of ``entity`` (and ``entity_id``) that any of ``scans`` keeps (its
        ``want``), without reading the whole trail into memory: only lines holding every
        needle (``extra``: what else the entries hold as the store writes them) are parsed.
        None if the trail was read meanwhile (mutex held).

        What the lines of the file's committed part hold is kept (``_audit_found``, by the
        file, its length and the needles): that part of a file never changes (a fold
        appends after it, a restore or migration writes a file of another generation), so
        asking again (the meeting pack after a note is saved, a record's history opened
        twice) reads only the entries since the last fold, not 55 MB of file again."""
        if entity_id is not None and (
            not isinstance(entity_id, int) or isinstance(entity_id, bool)
        ):
            return None
        lookups = []  # (want, needles: every line holding the rarest first)
        for want, extra in scans:
            needles = [*extra, b'"entity":' + _dump(entity)]  # type: ignore[arg-type]
            if entity_id is not None:
                needles.insert(0, b'"entity_id":' + str(int(entity_id)).encode("ascii"))
            lookups.append((want, tuple(needles)))
        kept: dict[tuple[bytes, ...], list[tuple[str, Doc]]] = {}

        def read(path: Path, length: int) -> bool:
            for _, needles in lookups:
                found = self._audit_found.get((str(path), length, needles))
                if found is not None:
                    kept[needles] = found
            return len(kept) < len({needles for _, needles in lookups})

        on_disk = self._audit_on_disk(read)
        if on_disk is None:
            return None
        path, raw, tail = on_disk
        out: dict[int, Doc] = {}
        for want, needles in lookups:
            if needles not in kept:
                kept[needles] = self._audit_lines_holding(path, raw, needles)
                if len(self._audit_found) >= AUDIT_FOUND_KEPT:
                    self._audit_found.clear()
                self._audit_found[(str(path), len(raw), needles)] = kept[needles]
            for key, doc in kept[needles]:
                if int(key) not in out and want(doc):
                    out[int(key)] = dict(doc, id=int(key))
        for key, doc in tail.items():
            if int(key) not in out and any(want(doc) for want, _ in lookups):
                out[int(key)] = dict(doc, id=int(key))
        return [out[key] for key in sorted(out)] if len(lookups) > 1 else list(out.values())

    def _audit_lines_holding(
        self, path: Path, raw: bytes, needles: tuple[bytes, ...]
    ) -> list[tuple[str, Doc]]:
        """The entries (id, entry) of the lines of ``raw`` that hold every needle."""
        lines: list[bytes] = []
        pos = raw.find(needles[0], len(AUDIT_HEAD))
        while pos >= 0:
            start = raw.rfind(b"\n", 0, pos) + 1
            end = raw.find(b"\n", pos)
            line = raw[start:end]
            if all(n in line for n in needles[1:]):
                lines.append(line)
            pos = raw.find(needles[0], end)
        out = []
        for line in lines:
            entry = _audit_entry(line[1:] if line.startswith(b",") else line)
            if entry is None:
                raise self._refuse(DamagedFile, f"{path} is damaged")
            out.append(entry)
        return out

    def audit_counts(self, entity: str) -> dict[int, int]:
        """How many audit entries each record of ``entity`` has, by id (what ``audit(entity)``
        would list, counted). While the trail is not in memory its file is counted without
        parsing it: entries in the form the store writes are matched by one pattern, and
        if any line naming ``entity`` is in another form, they are parsed after all."""
        self.refresh()
        with self._mutex:
            if AUDIT not in self._data and "audit_file" in self._meta():
                found = self._count_audit(entity)
                if found is not None:
                    return found
            counts: dict[int, int] = {}
            for entry in self.audit(entity):
                counts[entry["entity_id"]] = counts.get(entry["entity_id"], 0) + 1
            return counts

    def _count_audit(self, entity: str) -> dict[int, int] | None:
        on_disk = self._audit_on_disk()
        if on_disk is None:
            return None
        _, raw, tail = on_disk
        needle = b'"entity":' + _dump(entity)  # type: ignore[arg-type]
        pattern = re.compile(re.escape(needle) + rb',"entity_id":([0-9]+)[,}]')
        counts: dict[int, int] = {}
        seen = 0
        for m in pattern.finditer(raw, len(AUDIT_HEAD)):
            # The entry's own key: the first in its line (an entry's ts and actor come
            # first, and a string holding it would have its quotes escaped).
            if raw.find(b'"entity":', raw.rfind(b"\n", 0, m.start())) != m.start():
                return None
            key = int(m.group(1))
            counts[key] = counts.get(key, 0) + 1
            seen += 1
        if seen != raw.count(needle):
            return None  # a line in another form: parse them
        for doc in tail.values():
            if doc.get("entity") == entity and isinstance(doc.get("entity_id"), int):
                counts[doc["entity_id"]] = counts.get(doc["entity_id"], 0) + 1
        return counts

    def audit_problems(self) -> list[str]:
        """What ``shadow check`` says about the audit trail's own file (read afresh):
        every line an entry with an id, each id once, none beyond the next id."""
        self.refresh()
        with self._mutex:
            if "audit_file" not in self._meta():
                return []
            if AUDIT not in self._data:
                found = self._audit_problems_streamed()
                if found is not None:
                    return found
            self._ensure_audit()
            top = self._next_id(AUDIT)
            rows = self._data.get(AUDIT, {})
            problems = list(self._audit_damage)
            problems += [
                f"audit id {k} is not below the next id {top}" for k in rows if int(k) >= top
            ]
            return problems

    def _audit_problems_streamed(self) -> list[str] | None:
        """audit_problems() for a trail not in memory, from the ids that begin its lines
        (found by one pattern: no entry is parsed here; each() parses every one, and reads
        the trail whole to say where it is damaged). None when a line does not begin with
        an id, or an id comes twice: the whole trail is read then, to say where."""
        streamed = self._audit_streamed()
        if streamed is None:
            return None
        top, raw, tail = streamed
        keys = _AUDIT_IDS.findall(raw, len(AUDIT_HEAD) - 1)
        if len(keys) != raw.count(b"\n") - 1:
            return None  # a line that is not an entry
        ids = [int(k) for k in keys]
        if len(set(ids).union(map(int, tail))) != len(ids) + len(tail):
            return None  # an id twice
        late = [k for k in ids if k >= top] + [int(k) for k in tail if int(k) >= top]
        return [f"audit id {k} is not below the next id {top}" for k in late]

    def audit(
        self,
        entity: str | None = None,
        entity_id: int | None = None,
        *,
        field: str | None = None,
        new: Any = _ANY,
    ) -> list[Doc]:
        """Audit entries in order, of one table (``entity``) and record if given, and of
        one ``field`` and one ``new`` value if given.

        While the trail is not in memory, one table's or record's entries are found by a
        scan of the audit file for lines naming them (the file is written by the store
        alone, in one compact form) and only those lines are parsed."""
        lookup = {} if field is None else {"field": field}
        if new is not _ANY:
            lookup["new"] = new
        return self._audit_lookups(entity, entity_id, [lookup])

    def audit_any(self, entity: str, *lookups: dict[str, Any]) -> list[Doc]:
        """The entries of table ``entity`` that any of ``lookups`` finds, each once, in
        order; a lookup is ``audit``'s ``field`` and ``new`` as a dict (``{"field":
        "status", "new": "cancelled"}``, ``{"field": "rrule"}``). One pass over the audit
        file for all of them, not one each."""
        return self._audit_lookups(entity, None, list(lookups))

    def _audit_lookups(
        self, entity: str | None, entity_id: int | None, lookups: list[dict[str, Any]]
    ) -> list[Doc]:
        def wanted(field: str | None, new: Any) -> Callable[[Doc], bool]:
            def want(doc: Doc) -> bool:
                return (
                    (entity is None or doc.get("entity") == entity)
                    and (entity_id is None or doc.get("entity_id") == entity_id)
                    and (field is None or doc.get("field") == field)
                    and (new is _ANY or ("new" in doc and doc["new"] == new))
                )

            return want

        scans = []  # (want, needles besides the entity's) of each lookup
        for lookup in lookups:
            field, new = lookup.get("field"), lookup.get("new", _ANY)
            extra = [] if field is None else [b'"field":' + _dump(field)]  # type: ignore[arg-type]
            if new is not _ANY and isinstance(new, str):
                extra.insert(0, b'"new":' + _dump(new))  # type: ignore[arg-type]
            scans.append((wanted(field, new), extra))
        self.refresh()
        with self._mutex:
            if entity is not None and AUDIT not in self._data and "audit_file" in self._meta():
                found = self._scan_audit(entity, entity_id, scans)
                if found is not None:
                    return found
            self._ensure_audit()
            return [
                dict(doc, id=int(k))
                for k, doc in (self._rows(AUDIT) or {}).items()
                if any(want(doc) for want, _ in scans)
            ]

    # ----------------------------------------------------------- writing
    def _refuse_writes(self) -> None:
        if self.is_backup:
            raise StoreError(
                f"{self.path} is a backup and opens read-only; to make it the current "
                f"database: shadow restore {self.path}"
            )
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only")

    @contextlib.contextmanager
    def editing(self) -> Iterator[None]:
        """Hold the write lock across a read-modify-write: what is read inside is current
        and no other process writes until the block ends (the transactions inside commit
        as usual). The CLI's ``edit``/``set`` commands run inside one."""
        self._refuse_writes()
        with self._mutex, self._locked(exclusive=True):
            touched = self._catch_up() if self._changed_on_disk() else set()
            yield
        if touched:
            self._notify(touched)

    @contextlib.contextmanager
    def transaction(self, actor: str) -> Iterator[Transaction]:
        """Run changes as one durable, atomic, audited unit.

        The exclusive lock is held for the whole body, after catching up with
        other processes, so what the body reads is current and what it writes
        cannot overwrite anyone else's change. Once the line is fsynced the
        write is saved: a fold that fails afterwards is only a warning.
        """
        if not actor or not str(actor).strip():
            raise ValueError("every change needs an actor")
        self._refuse_writes()
        with self._mutex:
            if self._in_tx:
                raise RuntimeError("transactions do not nest")
            try:
                with self._locked(exclusive=True):
                    touched = self._catch_up() if self._changed_on_disk() else set()
                    self._in_tx = True
                    try:
                        tx = Transaction(self, str(actor))
                        yield tx
                    finally:
                        self._in_tx = False
                    if tx.ops:
                        if not self._meta().get("gen"):
                            self._compact()  # an old-style file gets its generation id
                        self._pending_notice = None
                        self._daily_backup()
                        touched |= self._commit(tx)
                        if self._pending_notice:
                            self.notice(self._pending_notice)
                        if self._should_compact():
                            if self.defer_folds:
                                self._fold_wanted = True
                            else:
                                self._fold_after_commit()
            except OSError as exc:
                raise StoreError(_os_message("write", self.journal_path, exc)) from None
        if touched:
            self._notify(touched)

    def _fold_after_commit(self) -> None:
        try:
            self._compact()
        except (StoreError, OSError) as exc:
            self.notice(f"warning: the change was saved, but folding the journal failed: {exc}")

    def _commit(self, tx: Transaction) -> set[str]:
        seq = self._seq + 1
        line = _dump({"seq": seq, "ts": tx.ts, "actor": tx.actor, "ops": tx.ops}) + b"\n"
        if self._jstale:  # an already-folded journal left by a crash: start it afresh
            self._jpos = self._jlines = 0
        header = b""
        if self._jpos == 0:
            header = _dump({"gen": self._meta()["gen"]}) + b"\n"
        fd: int | None = None
        try:
            fd = self._journal()
            # A torn tail (a writer killed mid-line) sits past what we have read: cut it.
            if os.fstat(fd).st_size != self._jpos:
                os.ftruncate(fd, self._jpos)
            payload = header + line
            written = os.write(fd, payload)
            if written != len(payload):
                raise OSError(f"short write ({written} of {len(payload)} bytes)")
            os.fsync(fd)
        except OSError as exc:
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, self._jpos)
            raise StoreError(_os_message("write", self.journal_path, exc)) from None
        touched = self._apply(tx.ops)
        self._changes += 1  # (before any listener is told: nothing derived survives it)
        self._wrote = True
        self._seq = seq
        self._jstale = False
        self._jpos += len(header) + len(line)
        self._jlines += 2 if header else 1
        self._jid = _identity(self.journal_path)
        return touched

    def _journal(self) -> int:
        if self._journal_fd is not None and not self._journal_is_ours():
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

    def _journal_is_ours(self) -> bool:
        try:
            st, fst = os.stat(self.journal_path), os.fstat(self._journal_fd)
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == (fst.st_dev, fst.st_ino)

    def _should_compact(self) -> bool:
        if self._jlines >= COMPACT_EVERY:
            return True
        return self._jpos > COMPACT_MIN_BYTES and self._jpos > (self._snap_id or (0, 0, 0))[2]

    def _compact(self, rewrite_audit: bool = False) -> None:
        """Fold the journal into a new snapshot generation (exclusive lock held).

        From AUDIT_FILE_SCHEMA on, the audit entries since the last fold are first
        appended to the audit file (after cutting off anything past the length the
        current snapshot names: its foot, and what a fold that died left there), its
        foot after them, fsynced, and only then does
        the new snapshot, naming the new length, replace the old one. An inline trail
        (an older file, a restored backup) or ``rewrite_audit`` writes a new audit file
        of its own generation instead; the old one is removed once the snapshot no
        longer names it."""
        meta = self._meta()
        before = dict(meta)
        old_file = meta.get("audit_file")
        meta.update(seq=self._seq, prev_gen=meta.get("gen"), gen=_new_gen())
        created: Path | None = None
        try:
            self._load_everything()
            data = self._data
            if meta.get("schema", 0) >= AUDIT_FILE_SCHEMA:
                created = self._fold_audit(meta, rewrite=rewrite_audit)
                data = {k: v for k, v in self._data.items() if k != AUDIT}
            _atomic_write(self.path, _dump_snapshot(data))
        except BaseException:
            meta.clear()
            meta.update(before)
            if created is not None:
                with contextlib.suppress(OSError):
                    os.unlink(created)
            raise
        self._audit_tail = {}
        if created is not None and old_file is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._audit_path(old_file["gen"]))
        self._snap_id = _identity(self.path)
        # The old journal now names prev_gen: valid (skipped) until it is emptied.
        self._jstale = True
        self._jpos = 0
        self._jlines = 0
        if self.journal_path.exists():
            fd = self._journal()
            os.ftruncate(fd, 0)
            os.fsync(fd)
        self._jstale = False
        self._jid = _identity(self.journal_path)

    def _fold_audit(self, meta: Doc, rewrite: bool) -> Path | None:
        """Bring the audit file up to this fold; sets ``meta["audit_file"]``. Returns the
        path of a newly created audit file (None when the tail was appended)."""
        info = meta.get("audit_file")
        if info is None or rewrite:
            self._ensure_audit()
            rows = self._data.get(AUDIT, {})
            gen = _new_gen()
            path = self._audit_path(gen)
            payload = AUDIT_HEAD + _audit_lines(rows, first=True)
            _atomic_write(path, payload + AUDIT_FOOT)
            top = max(map(int, rows), default=0)
            meta["audit_file"] = {"gen": gen, "bytes": len(payload), "top": top}
            return path
        path = self._audit_path(info["gen"])
        payload = _audit_lines(self._audit_tail, first=info["bytes"] == len(AUDIT_HEAD))
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            raise StoreError(f"{self.path} is missing its audit trail {path.name}") from None
        except OSError as exc:
            raise StoreError(_os_message("write", path, exc)) from None
        try:
            size = os.fstat(fd).st_size
            if size < info["bytes"]:
                raise StoreError(f"{path} is damaged (cut short)")
            os.lseek(fd, info["bytes"], os.SEEK_SET)
            if payload or size != info["bytes"] + len(AUDIT_FOOT) or os.read(fd, 8) != AUDIT_FOOT:
                # Cut the foot and what a fold that died left behind, append, foot again.
                os.ftruncate(fd, info["bytes"])
                os.lseek(fd, info["bytes"], os.SEEK_SET)
                view = memoryview(payload + AUDIT_FOOT)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
        except OSError as exc:
            raise StoreError(_os_message("write", path, exc)) from None
        finally:
            os.close(fd)
        top = max([info["top"], *map(int, self._audit_tail)])
        meta["audit_file"] = {"gen": info["gen"], "bytes": info["bytes"] + len(payload), "top": top}
        return None

    def compact(self) -> None:
        """Fold the journal into the snapshot now."""
        self._refuse_writes()
        with self._mutex, self._locked(exclusive=True):
            if self._changed_on_disk():
                self._catch_up()
            self._compact()

    # ----------------------------------------------------------- migrations and backups
    def _migrate(self) -> None:
        with self._mutex, self._locked(exclusive=not self.read_only):
            if self._changed_on_disk():
                self._catch_up()
            version = self.schema
            if version >= SCHEMA_VERSION:
                return
            if not self.read_only:
                self._backup_once(f"before-migration-{version}-to-{SCHEMA_VERSION}")
            self._load_everything()
            self._ensure_audit()  # a step sees the whole database, audit trail included
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
            self._indexes.clear()
            self._data.update(data)
            self._tables.clear()
            if not self.read_only:  # read-only: migrated in memory, the file stays as it is
                self._compact(rewrite_audit=True)

    def _backup_once(self, reason: str) -> Path:
        """A backup for ``reason`` of exactly this content, unless one exists already
        (a file that fails to migrate must not rotate good backups away, one per try)."""
        import hashlib  # (OpenSSL's ~6 ms, only when a file is migrated)

        digest = hashlib.sha256()
        for part in (self.path, self.journal_path):
            with contextlib.suppress(FileNotFoundError):
                digest.update(part.read_bytes())
        reason = f"{reason}-{digest.hexdigest()[:10]}"
        for old in self.backups():
            if old.name.endswith(f"-{reason}.json"):
                return old
        return self.backup(reason=reason)

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

    def _payload(self) -> Iterator[bytes]:
        """The whole database as one self-contained snapshot of its own generation (the
        audit trail inline: a backup is one file), in parts, in the form _dump_snapshot
        writes. Tables not parsed yet are copied as the bytes read, and an audit trail in
        its own file is streamed from it: a backup at 150,000 records does not hold ten
        years of records and audit entries as Python objects (0.9 GB)."""
        spliced = {n: self._spliced(n) for n in self._lazy if n != META}
        for name in [n for n, parts in spliced.items() if parts is None]:
            self._rows(name)  # journal changes to its records: parse and apply them
        meta = dict(self._meta(), seq=self._seq, gen=_new_gen(), prev_gen=None)
        meta.pop("audit_file", None)
        lines: list[tuple[str, Any]] = [(META, {"1": meta})]
        lines += [(n, rows) for n, rows in self._data.items() if n != META]
        lines += [(n, spliced[n]) for n in self._lazy if n != META]
        streamed = AUDIT not in self._data and "audit_file" in self._meta()
        if streamed:
            lines.append((AUDIT, None))
        yield b"{\n"
        for n, (name, rows) in enumerate(lines):
            yield b"" if n == 0 else b",\n"
            yield _dump(name) + b":"  # type: ignore[arg-type]
            if rows is None:
                yield from self._audit_inline()
            elif isinstance(rows, list):
                yield from rows
            else:
                yield _dump(rows)
        yield b"\n}\n"

    def _spliced(self, name: str) -> list[bytes | memoryview] | None:
        """A table not parsed yet, as text with its pending journal changes, when these
        only add records new since the snapshot: appended, just where parsing, applying
        and writing the table would put them. None when they change older records."""
        raw, ops = self._lazy[name], self._pending.get(name, [])
        first_new = self._snap_next.get(name)
        added: dict[int, Doc] = {}
        for op in ops:
            if first_new is None or op[2] < first_new:
                return None
            if op[0] == "put":
                added[op[2]] = op[3]
            else:
                added.pop(op[2], None)
        if not added:
            return [raw]
        body = b",".join(b'"%d":%s' % (k, _dump(doc)) for k, doc in added.items())  # type: ignore[arg-type]
        return [raw[:-1], b"" if raw == b"{}" else b",", body, b"}"]

    def _audit_inline(self) -> Iterator[bytes]:
        """The audit trail as one line of JSON (the ``audit`` table of a backup), read from
        its own file a piece at a time (its line breaks fall between entries, never
        inside one: JSON escapes them) and then the entries since the last fold. Each
        piece is parsed (and dropped) first: a damaged trail fails the backup, as before."""
        info = self._meta()["audit_file"]
        path = self._audit_path(info["gen"])
        left = info["bytes"] - len(AUDIT_HEAD)
        yield b"{"
        try:
            with open(path, "rb") as fh:
                if fh.read(len(AUDIT_HEAD)) != AUDIT_HEAD:
                    raise self._refuse(DamagedFile, f"{path} is damaged at line 1")
                carry = b""
                while left > 0:
                    piece = fh.read(min(left, PARSE_PIECE))
                    if not piece:
                        raise self._refuse(DamagedFile, f"{path} is damaged (cut short)")
                    left -= len(piece)
                    cut = piece.rfind(b"\n") + 1 if left else len(piece)
                    whole, carry = carry + piece[:cut], piece[cut:]
                    if not whole:
                        continue
                    try:  # entries only, each whole: an object once braces go round them
                        _loads(b"{" + whole.lstrip(b",") + b"}")
                    except (ValueError, UnicodeDecodeError, RecursionError):
                        raise self._refuse(DamagedFile, f"{path} is damaged") from None
                    yield whole.replace(b"\n", b"")
                if carry or not fh.tell() == info["bytes"]:
                    raise self._refuse(DamagedFile, f"{path} is damaged (cut short)")
        except FileNotFoundError:
            raise self._refuse(
                DamagedFile, f"{self.path} is missing its audit trail {path.name}"
            ) from None
        tail = _audit_lines(self._audit_tail, first=info["bytes"] == len(AUDIT_HEAD))
        yield tail.replace(b"\n", b"") + b"}"

    def backup(self, reason: str = "", out: str | os.PathLike[str] | None = None) -> Path:
        """Write the whole database, as of now, to one self-contained file (fsynced, and
        its folder too). Without ``out`` it goes to the backup folder, which keeps the
        last 5. A backup opens with ``shadow --db BACKUP`` (read-only) and becomes the
        database again with ``shadow restore BACKUP``."""
        # The shared lock is held until the file is in place: no one cleans up its temp file.
        with self._mutex, self._backup_mutex, self._locked(exclusive=False):
            if not self._in_tx and self._changed_on_disk():
                self._catch_up()
            payload = self._payload()
            if out is not None:
                target = Path(out).expanduser().absolute()
                if target.exists() or target.is_symlink():
                    raise StoreError(f"{target} exists already; choose another name")
                if not target.parent.is_dir():
                    raise StoreError(f"no folder {target.parent} to write the backup into")
                _atomic_write(target, payload)
                return target
            try:
                self.backup_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(_os_message("create", self.backup_dir, exc)) from None
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            suffix = f"-{reason}" if reason else ""
            target = self.backup_dir / f"{self.path.stem}-{stamp}{suffix}.json"
            n = 1
            while target.exists():
                n += 1
                target = self.backup_dir / f"{self.path.stem}-{stamp}{suffix}-{n}.json"
            _atomic_write(target, payload)
            self._rotate(keep=target)
            return target

    def _rotate(self, keep: Path | None = None) -> None:
        for old in self.backups()[:-KEEP_BACKUPS]:
            if keep is not None and old == keep:
                continue
            for victim in (old, old.with_name(old.name + ".journal")):
                with contextlib.suppress(OSError):
                    victim.unlink()

    def _daily_backup(self) -> None:
        """Back up the state before today's first change, once a day (lock held).
        A backup that cannot be written is a warning: the change itself goes on."""
        today = datetime.now().strftime("%Y%m%d")
        if self._backup_day == today or not self._holds_records():
            return  # (nothing worth keeping yet: asked again at the next change)
        try:
            if self._backup_wanted(today):
                self.backup(reason="daily")
        except (StoreError, OSError) as exc:
            # Said only once the change itself is saved (a full disk fails both: one line).
            self._pending_notice = f"warning: no daily backup today: {exc}"
        self._backup_day = today

    def _backup_wanted(self, today: str) -> bool:
        """Whether today's backup is still to be taken: none is dated today and the newest
        does not hold this very state already. (Decided with the lock held; without it, a
        first look that reads nothing but the backups' names and the files' times.)"""
        newest = self.newest_backup()
        return newest is None or not (
            newest.name[len(self.path.stem) + 1 :].startswith(today)
            or self._unchanged_since(newest)  # (an unchanged database: that backup holds it)
        )

    def _backup_aside(self, today: str) -> None:
        """Today's backup, taken by a second, read-only opening of the files under its own
        shared lock: it copies tables as the bytes it reads and streams the audit trail, so
        this store, and a screen reading it meanwhile, is never held for it. A write of
        this store waits for the lock and then finds the backup taken; one that came first
        took it itself. A backup that cannot be written is a notice."""
        try:
            if not self._backup_wanted(today):  # (a listing and two stats: nothing read)
                self._backup_day = today
                return
            aside = Store(self.path, read_only=True, notice=self.notice)
            try:
                with aside._locked(exclusive=False):
                    if not aside._holds_records():
                        return  # (nothing worth keeping yet: asked again at the next change)
                    if aside._backup_wanted(today):
                        aside.backup(reason="daily")
            finally:
                aside.close()
        except (StoreError, OSError) as exc:
            self.notice(f"warning: no daily backup today: {exc}")
        self._backup_day = today

    def _unchanged_since(self, backup: Path) -> bool:
        """Whether nothing was written to the database after ``backup`` was, so that it
        holds this very state: the snapshot and the journal are both older than it. (File
        times come from a coarse clock: a change in the same tick as the backup counts as
        after it.)"""
        try:
            taken = backup.stat().st_mtime_ns
            return all(
                part.stat().st_mtime_ns < taken
                for part in (self.path, self.journal_path)
                if part.exists()
            )
        except OSError:
            return False

    def housekeeping_due(self, *, fold: bool = True) -> bool:
        """Whether housekeep() has work: today's backup not seen to yet, or (``fold``) a
        fold that a write left to it (``defer_folds``). Cheap and never waits: a UI's poll
        asks it."""
        if self.read_only:
            return False
        today = datetime.now().strftime("%Y%m%d")
        return (fold and self._fold_wanted) or self._housekept_day != today

    def housekeep(self, *, fold: bool = True) -> None:
        """Do now what a write would otherwise do inside itself: today's backup, if none is
        taken yet (of the state before today's first change: so, taken before it; see
        _backup_aside), and (``fold``) the fold a write left to this (``defer_folds``).
        The TUI runs it in a worker thread, so that no save waits for a copy or a rewrite
        of the whole archive (1-3 s at 150,000 records); it folds only once the person
        has been idle a while, since a fold holds this store. A backup or fold that fails
        is a notice, as inside a write."""
        if self.read_only:
            return
        today = datetime.now().strftime("%Y%m%d")
        self._housekept_day = today
        if self._backup_day != today:
            self._backup_aside(today)
        if not (fold and self._fold_wanted):
            return
        try:
            with self._mutex, self._locked(exclusive=True):
                touched = self._catch_up() if self._changed_on_disk() else set()
                self._fold_wanted = False
                if self._should_compact():
                    self._fold_after_commit()
        except OSError as exc:
            raise StoreError(_os_message("write", self.journal_path, exc)) from None
        if touched:
            self._notify(touched)

    def restore(self, source: str | os.PathLike[str]) -> Path | None:
        """Make the database in ``source`` (a backup) this database, after backing up the
        current one. Returns that backup (None if there was nothing to keep)."""
        self._refuse_writes()
        source_path = _canonical(Path(source))
        if source_path == self.path:
            raise StoreError(f"{source_path} is this database already")
        src = Store(source_path, create=False, read_only=True, notice=self.notice)
        try:
            with src._mutex:
                src._load_everything()
                src._ensure_audit()
                data = {name: dict(rows) for name, rows in src._data.items()}
        finally:
            src.close()
        with self._mutex, self._locked(exclusive=True):
            if self._changed_on_disk():
                self._catch_up()
            saved = None
            if self._holds_records():
                saved = self.backup(reason="before-restore")
            mine = self._meta()
            meta = dict(data[META]["1"])
            meta.pop("audit_file", None)  # written inline here, into a file of its own below
            next_ids = dict(meta.get("next_ids") or {})
            for table, nid in mine.get("next_ids", {}).items():
                next_ids[table] = max(int(nid), int(next_ids.get(table, 1)))  # ids stay unique
            # The current journal names the current generation as prev_gen and its entries
            # are <= seq, so a crash before it is emptied leaves a valid database.
            meta.update(seq=self._seq, gen=_new_gen(), prev_gen=mine.get("gen"), next_ids=next_ids)
            meta.setdefault("created", mine.get("created"))
            data[META] = {"1": meta}
            _atomic_write(self.path, _dump_snapshot(data))
            if self.journal_path.exists():
                fd = self._journal()
                os.ftruncate(fd, 0)
                os.fsync(fd)
            before = self._names()
            old_audit = mine.get("audit_file")
            self._load_all()
            if self.schema >= AUDIT_FILE_SCHEMA:
                self._fold_after_commit()  # the restored trail into an audit file of its own
            if old_audit is not None:
                with contextlib.suppress(OSError):
                    os.unlink(self._audit_path(old_audit["gen"]))
        self._notify(before | self._names() | {AUDIT})
        return saved

    # ----------------------------------------------------------- closing
    def close(self, fold: bool = False, fold_limit: int | None = FOLD_ON_CLOSE_MAX_BYTES) -> None:
        """Release the files. ``fold=True``: first fold the journal into the snapshot, so
        the snapshot alone is the whole database, when no other process holds the lock
        and (unless ``fold_limit`` is None) snapshot + journal are at most ``fold_limit``
        bytes. A fold that fails is a warning: every change was saved already."""
        with self._mutex:
            if fold and not self.read_only:
                self._fold_on_close(fold_limit)
            if self._journal_fd is not None:
                with contextlib.suppress(OSError):
                    os.close(self._journal_fd)
                self._journal_fd = None

    def _fold_on_close(self, limit: int | None) -> None:
        journal = _identity(self.journal_path)
        if journal is None or journal[2] == 0:
            return
        if not self._wrote and not os.access(self.path.parent, os.W_OK):
            return  # only reading, from a place we may not write to
        snapshot = _identity(self.path)
        if limit is not None and journal[2] + (snapshot[2] if snapshot else 0) > limit:
            return
        try:
            with self._locked(exclusive=True, blocking=False):
                if self._changed_on_disk():
                    self._catch_up()
                if self._jpos or self._jstale or os.path.getsize(self.journal_path):
                    self._compact()
        except BlockingIOError:
            pass  # someone else is busy with it; they or a later close will fold
        except (StoreError, OSError) as exc:
            self.notice(f"warning: every change was saved, but folding the journal failed: {exc}")

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
