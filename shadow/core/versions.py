"""Record versions: no edit is lost to someone else's save.

Every record carries a ``version`` (1 when added, one more per change; the store keeps
it, see ``Transaction.update``; a record written before versions reads as 1). An editor
remembers the version it opened; saving with ``expect_version`` refuses when the record
has moved on since, with a :class:`StaleRecord` that carries the record as it is now and
the changes made since (from the audit trail, whose entries name the version they made),
so the person can reload or put their own fields on top (:func:`on_top`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from . import dates, history
from .models import Model, UserError
from .store import Doc, Store, Transaction, record_version

M = TypeVar("M", bound=Model)
# More saves than this since the editor's version: say it per field, not per save.
MANY_SAVES = 3


@dataclass(frozen=True)
class Change:
    """One field changed since a version: who, when (aware ISO), old -> new."""

    actor: str
    ts: str
    field: str
    old: Any
    new: Any
    version: int


class StaleRecord(UserError):
    """A save based on an older version of a record, refused. ``current`` is the record
    as it is now (with ``id``), ``changes`` what changed since ``expected``."""

    def __init__(
        self,
        table: str,
        record_id: int,
        expected: int,
        current: Doc,
        changes: list[Change],
        message: str,
    ):
        super().__init__(message)
        self.table = table
        self.record_id = record_id
        self.expected = expected
        self.current = current
        self.changes = changes

    @property
    def version(self) -> int:
        return record_version(self.current)

    @property
    def fields(self) -> list[str]:
        """The fields changed since ``expected``, in the order they were first changed."""
        return list(dict.fromkeys(c.field for c in self.changes))


def version_of(store: Store, table: str, record_id: int) -> int | None:
    doc = store.get(table, record_id)
    return None if doc is None else record_version(doc)


def changes_since(store: Store, table: str, record_id: int, version: int) -> list[Change]:
    """The audited field changes that made versions after ``version``, oldest first."""
    out = []
    for e in store.audit(table, int(record_id)):
        v = e.get("v")
        if isinstance(v, int) and v > version and e.get("field") != "*":
            out.append(Change(e["actor"], e["ts"], e["field"], e.get("old"), e.get("new"), v))
    return out


def _when(ts: str) -> str:
    try:
        moment = dates.from_iso(ts).astimezone(dates.local_zone())
    except (TypeError, ValueError):
        return str(ts)
    return dates.format_moment(moment)


def describe(store: Store, table: str, changes: list[Change]) -> list[str]:
    """``Ana Ruiz changed impact: medium -> high and title at 10:42``: one phrase per
    person and save, oldest first. Long or multi-line values are named, not quoted."""
    names = history.Names(store)
    phrases: list[str] = []
    groups: dict[tuple[str, str, int], list[Change]] = {}
    for c in changes:
        groups.setdefault((c.actor, c.ts, c.version), []).append(c)
    if len(groups) > MANY_SAVES:
        return _per_field(names, table, changes)
    for (actor, ts, _v), group in groups.items():
        parts = []
        for c in group:
            entry = {"entity": table, "field": c.field, "old": c.old, "new": c.new}
            text = history.change(names, entry)
            short = len(text) <= 60 and text.isprintable()  # one readable line
            parts.append(text if short else history.field_name(c.field))
        said = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        phrases.append(f"{actor} changed {said} at {_when(ts)}")
    return phrases


def _per_field(names: history.Names, table: str, changes: list[Change]) -> list[str]:
    """Many saves since: one phrase per field, from its first old value to its latest."""
    by_field: dict[str, list[Change]] = {}
    for c in changes:
        by_field.setdefault(c.field, []).append(c)
    out = []
    for name, seq in by_field.items():
        entry = {"entity": table, "field": name, "old": seq[0].old, "new": seq[-1].new}
        text = history.change(names, entry)
        if len(text) > 60 or not text.isprintable():
            text = history.field_name(name)
        who = ", ".join(dict.fromkeys(c.actor for c in seq))
        saves = f" ({len(seq)} saves)" if len(seq) > 1 else ""
        out.append(f"{who} changed {text}{saves}, last at {_when(seq[-1].ts)}")
    return out


def save_changed(
    store: Store,
    actor: str,
    table: str,
    record: Model,
    *,
    expect_version: int | None = None,
    also: Callable[[Transaction, Doc | None], None] | None = None,
) -> bool:
    """The one way an edited record is saved: validated, then written over its stored
    version in one transaction, refused (:class:`StaleRecord`) if that is no longer
    ``expect_version``. False (and nothing written) when nothing changed. ``also(tx,
    before)``: what else the change writes, in the same transaction (notices, clocks)."""
    record.validate()
    doc = record.to_doc()
    if not history.changed_fields(store, table, record.id, doc):
        return False
    with store.transaction(actor) as tx:
        check(tx, store, table, record.id, expect_version)
        before = tx.get(table, record.id)
        tx.update(table, record.id, doc)
        if also is not None:
            also(tx, before)
    return True


def check(
    tx: Transaction | Store, store: Store, table: str, record_id: int, expected: int | None
) -> None:
    """Inside the saving transaction (or under ``Store.editing()``): refuse with
    :class:`StaleRecord` when the record is no longer at version ``expected`` (None: no
    check)."""
    if expected is None:
        return
    expected = record_version({"version": expected})  # a damaged value reads as 1
    current = tx.get(table, record_id)
    if current is None:
        return  # the caller says "no such record" in its own words
    now = record_version(current)
    if now == expected:
        return
    if expected > now:
        raise StaleRecord(
            table,
            record_id,
            expected,
            current,
            [],
            f"{_label(table, record_id)} is at version {now}, not {expected}",
        )
    changes = changes_since(store, table, record_id, expected)
    said = "; ".join(describe(store, table, changes)) or "it was changed"
    raise StaleRecord(
        table,
        record_id,
        expected,
        current,
        changes,
        f"{_label(table, record_id)} changed since version {expected} (now {now}): {said}",
    )


def _label(table: str, record_id: int) -> str:
    what = history._ENTITY.get(table, table)
    return f"{what} #{record_id}"


def on_top(cls: type[M], stale: StaleRecord, base: Model, mine: Model) -> M:
    """The record as it is now with the fields this person changed (``mine`` against the
    ``base`` they opened) put on top, at the current version: saving it with
    ``expect_version=result.version`` keeps everyone's changes unless someone saves again."""
    base_doc, my_doc = base.to_doc(), mine.to_doc()
    merged = {k: v for k, v in stale.current.items() if k != "id"}
    for name, value in my_doc.items():
        if base_doc.get(name) != value:
            merged[name] = value
    record = cls.from_doc(merged)
    record.id = stale.record_id
    record.version = stale.version
    return record


def mine_changed(base: Model, mine: Model) -> list[str]:
    """The fields a person changed in their copy (``mine``) of ``base``."""
    base_doc = base.to_doc()
    return [k for k, v in mine.to_doc().items() if base_doc.get(k) != v]
