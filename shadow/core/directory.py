"""The directory: people on both sides and the library's departments.

One home for reading form/CLI/CSV input into models, the rules that span
records (unique names, hosts are library staff), lookups by name or id, who is
acting, CSV import, and the integrity check. The TUI and the CLI both call in here.
(Over 500 lines because input reading, CSV import and the check share its lookups.)
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from . import ahead, config, versions
from .access import guarded
from .models import (
    MODELS,
    SIDES,
    AuditEntry,
    Department,
    Model,
    Person,
    UserError,
    ValidationError,
    clean_line,
    direction_of,
    format_hours,
    name_key,
    parse_hours,
    parse_id,
)
from .plain import count
from .store import Store, Transaction

SETUP_ACTOR = "(first-run setup)"

PERSON_FIELDS = ("name", "side", "role", "department", "team", "email", "active")
DEPARTMENT_FIELDS = ("name", "branch", "capacity", "hours", "hosts", "notes", "closed", "active",
                     "side", "liaison", "liaison_since")  # fmt: skip


class DirectoryError(UserError):
    """A problem with a request, said in one line (unknown name, duplicate, ...)."""


# ------------------------------------------------------------------ reading
def people(store: Store, *, active_only: bool = False) -> list[Person]:
    found = [Person.from_doc(d) for d in store.all(Person.TABLE)]
    if active_only:
        found = [p for p in found if p.active]
    return sorted(found, key=lambda p: name_key(p.name))


@dataclass(frozen=True)
class Listing:
    """The directory screen's read-model: everyone and every department."""

    people: list[Person]
    departments: list[Department]


def read_listing(store: Store) -> Listing:
    return Listing(people(store), departments(store))


def departments(store: Store, *, active_only: bool = False) -> list[Department]:
    found = [Department.from_doc(d) for d in store.all(Department.TABLE)]
    if active_only:
        found = [d for d in found if d.active]
    return sorted(found, key=lambda d: name_key(d.name))


def search_key(text: str) -> str:
    """How people type names: case, accents and extra spaces do not matter
    (``siobhan`` finds ``Siobhán``, ``JOSE  garcia`` finds ``José García``)."""
    if not text:
        return ""
    if text.isascii():  # nothing to decompose (most text): 30x faster, same result
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def matches(needle: str, *texts: str) -> bool:
    """The one search test for pickers, filters and lookups: ``needle`` found in any of
    ``texts`` ignoring case and accents; an empty needle matches everything."""
    key = search_key(needle)
    return not key or any(key in search_key(t) for t in texts)


def starts_with(text: str, typed: str) -> bool:
    """Completion test: ``text`` begins with what was typed, ignoring case and accents."""
    return search_key(text).startswith(search_key(typed))


def _resolve(store: Store, model: type[Model], ref: str | int, what: str) -> Any:
    text = str(ref).strip()
    number = parse_id(text)
    if number:
        doc = store.get(model.TABLE, number)
        if doc is not None:
            return model.from_doc(doc)
    key = name_key(text)
    docs = store.all(model.TABLE)
    matches = [d for d in docs if name_key(d.get("name", "")) == key]
    if not matches:  # as people type it: without the accents
        loose = search_key(text)
        matches = [d for d in docs if search_key(d.get("name", "")) == loose]
    if len(matches) == 1:
        return model.from_doc(matches[0])
    if not matches:
        raise DirectoryError(f"no {what} named {text!r}")
    raise DirectoryError(f"{len(matches)} {model.TABLE} are named {text!r}; use the id")


def find_person(store: Store, ref: str | int) -> Person:
    """A person by id (``12`` or ``#12``) or by name, ignoring case and accents."""
    return _resolve(store, Person, ref, "person")


def find_department(store: Store, ref: str | int) -> Department:
    return _resolve(store, Department, ref, "department")


def names_by_id(store: Store, table: str) -> dict[int, str]:
    return {d["id"]: d.get("name", "") for d in store.all(table)}


def directions_by_department(store: Store) -> dict[int, str]:
    """Each department's visit direction (``it-to-library``, or ``library-to-it`` for an IT
    team); departments saved before sides existed are library departments."""
    return {d["id"]: direction_of(d.get("side", "library")) for d in store.all(Department.TABLE)}


# ------------------------------------------------------------------ who is acting
def resolve_actor(store: Store, as_name: str | None = None) -> Person | None:
    """``--as NAME``, else ``SHADOW_USER``, else the identity the TUI remembered."""
    chosen = as_name or os.environ.get("SHADOW_USER")
    if store.count(Person.TABLE) == 0:
        return None  # the first person is added before anyone can be named
    if chosen:
        try:
            person = find_person(store, chosen)
        except DirectoryError as exc:
            raise DirectoryError(f"cannot act as {chosen!r}: {exc}") from None
        if not person.active:
            raise DirectoryError(f"cannot act as {person.name!r}: they are marked inactive")
        return person
    pid = config.remembered_identity(store.path)
    if pid is not None:
        doc = store.get(Person.TABLE, pid)
        if doc is not None and doc.get("active", True):
            return Person.from_doc(doc)
    return None


def actor_name(store: Store, actor: Person | None) -> str:
    """The name written into the audit trail; only an empty directory may go without."""
    if actor is not None:
        return actor.name
    if store.count(Person.TABLE) == 0:
        return SETUP_ACTOR
    raise DirectoryError(
        "who is acting? every change records its author: choose who you are "
        "(in the TUI press w; on the command line pass --as NAME or set SHADOW_USER)"
    )


# ------------------------------------------------------------------ input -> models
def _bool(value: Any, field: str, errors: dict[str, str]) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().casefold()
    if text in ("", "yes", "y", "true", "1", "active"):
        return True
    if text in ("no", "n", "false", "0", "inactive"):
        return False
    errors[field] = f"must be yes or no (got {value!r})"
    return True


def _validated(record: Any, errors: dict[str, str], field_of: dict[str, str]) -> None:
    """Add ``record``'s own validation errors to ``errors`` (model keys renamed to the typed
    field names by ``field_of``; a field's first problem wins), then raise them all."""
    try:
        record.validate()
    except ValidationError as exc:
        for key, msg in exc.errors.items():
            errors.setdefault(field_of.get(key, key), msg)
    if errors:
        raise ValidationError(errors)


def _typed_line(value: Any) -> Any:
    """A typed value on one line, trimmed; anything but text is left for validate()."""
    return clean_line(value) if isinstance(value, str) else value


def person_from_input(store: Store, values: dict[str, Any], base: Person | None = None) -> Person:
    """Build a Person from typed text (form, CLI or CSV). Keys are PERSON_FIELDS.

    Missing keys keep ``base``'s value. Errors come back keyed by those same
    field names, so they can be shown next to the field that was typed.
    """
    person = Person.edited(base)
    errors: dict[str, str] = {}
    if "name" in values:
        person.name = _typed_line(values["name"])
    if "side" in values:
        side = str(values["side"] or "").strip().casefold()
        side = {"library staff": "library", "lib": "library"}.get(side, side)
        if side not in SIDES:
            errors["side"] = f"must be 'it' or 'library' (got {values['side']!r})"
        person.side = side
    for key in ("role", "team", "email"):
        if key in values:
            setattr(person, key, _typed_line(values[key]))
    if "department" in values:
        text = clean_line(str(values["department"] or ""))
        person.department_id = None
        if text:
            try:
                person.department_id = find_department(store, text).id
            except DirectoryError as exc:
                if person.side == "it" and "team" not in values:
                    person.team = text  # IT staff: a team that is not a library department
                else:
                    errors["department"] = str(exc)
    if "active" in values:
        person.active = _bool(values["active"], "active", errors)
    if person.side == "library" and person.department_id is None and "department" not in errors:
        pass  # a library person may be between departments; allowed
    _validated(person, errors, {"department_id": "department"})
    return person


def department_from_input(
    store: Store, values: dict[str, Any], base: Department | None = None
) -> Department:
    """Build a Department from typed text. Keys are DEPARTMENT_FIELDS.

    ``hosts`` is a comma-separated list of names (or ids); ``closed`` a
    comma-separated list of ISO dates; ``hours`` e.g. "Mon-Fri 09:00-17:00".
    """
    dept = Department.edited(base)
    errors: dict[str, str] = {}
    if "name" in values:
        dept.name = _typed_line(values["name"])
    if "side" in values:
        side = str(values["side"] or "").strip().casefold() or "library"
        side = {"lib": "library", "it team": "it"}.get(side, side)
        if side not in SIDES:
            errors["side"] = f"must be 'library' or 'it' (got {values['side']!r})"
        dept.side = side
    if "branch" in values:
        dept.branch = clean_line(values["branch"] or "")
    if "notes" in values:
        dept.notes = (values["notes"] or "").strip()
    if "capacity" in values:
        raw = str(values["capacity"] if values["capacity"] is not None else "").strip()
        if not raw:
            dept.capacity = Department().capacity
        elif raw.isascii() and raw.isdigit() and len(raw) <= 6:
            dept.capacity = int(raw)
        else:
            errors["capacity"] = f"must be a whole number of visitors (got {raw!r})"
    if "hours" in values:
        try:
            dept.hours = parse_hours(values["hours"] or "")
        except ValueError as exc:
            errors["hours"] = str(exc)
    if "hosts" in values:
        dept.hosts = _hosts_from_input(store, values["hosts"], dept, errors)
    if "closed" in values:
        dept.closed_dates = _closed_from_input(values["closed"], errors)
    if "active" in values:
        dept.active = _bool(values["active"], "active", errors)
    _liaison_from_input(store, values, dept, base, errors)
    if "side" in values and "hosts" not in values and "hosts" not in errors:
        for host_id in dept.hosts:
            host = store.get(Person.TABLE, host_id)
            if host and host.get("side") != dept.side:
                errors["hosts"] = _wrong_side(Person.from_doc(host), dept, "hosts")
                break
    _validated(dept, errors, {"closed_dates": "closed"})
    return dept


def _hosts_from_input(
    store: Store, raw: Any, dept: Department, errors: dict[str, str]
) -> list[int]:
    """Host ids from a list or comma-separated names (or ids), each on ``dept``'s side;
    the first that is not goes into ``errors``."""
    return people_from_input(
        store,
        raw,
        "hosts",
        errors,
        lambda host: _wrong_side(host, dept, "hosts") if host.side != dept.side else "",
    )


def people_from_input(
    store: Store,
    raw: Any,
    field_name: str,
    errors: dict[str, str],
    refuse: Callable[[Person], str] | None = None,
) -> list[int]:
    """Person ids, without repeats, from a list or comma-separated names (or ids): the
    one reading of "these people" typed into a field. The first that is not found, or
    that ``refuse(person)`` refuses (its reason), goes into ``errors[field_name]``."""
    refs = raw if isinstance(raw, list) else str(raw or "").split(",")
    ids: list[int] = []
    for ref in (str(r).strip() for r in refs):
        if not ref:
            continue
        try:
            person = find_person(store, ref)
        except DirectoryError as exc:
            errors[field_name] = str(exc)
            break
        reason = refuse(person) if refuse is not None else ""
        if reason:
            errors[field_name] = reason
            break
        if person.id not in ids:
            ids.append(person.id)
    return ids


def _closed_from_input(raw: Any, errors: dict[str, str]) -> list[str]:
    """Closed days from a list or comma-separated ISO dates, sorted, without repeats; the
    first that is not a date goes into ``errors``."""
    items = raw if isinstance(raw, list) else str(raw or "").replace(";", ",").split(",")
    closed = []
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        try:
            closed.append(date.fromisoformat(item).isoformat())
        except ValueError:
            errors["closed"] = f"{item!r} is not a date (use YYYY-MM-DD, comma-separated)"
            break
    return sorted(set(closed))


def _wrong_side(person: Person, dept: Department, role: str) -> str:
    """Why ``person`` cannot be a host or liaison of ``dept``: its own side does that."""
    kind = "an IT team" if dept.side == "it" else "a library department"
    theirs = "IT staff" if person.side == "it" else "library staff"
    own = "IT staff" if dept.side == "it" else "library staff"
    what = "hosts are" if role == "hosts" else f"the {role} is"
    return f"{person.name} is {theirs}; {what} {own} at {dept.name or 'the department'} ({kind})"


def _liaison_from_input(
    store: Store,
    values: dict[str, Any],
    dept: Department,
    base: Department | None,
    errors: dict[str, str],
) -> None:
    """``liaison`` (a name or id, empty to clear) and ``liaison_since`` (YYYY-MM-DD); a new
    liaison without a date starts today."""
    if "liaison" in values:
        text = clean_line(str(values["liaison"] or ""))
        if not text:
            dept.liaison_id, dept.liaison_since = None, None
        else:
            try:
                person = find_person(store, text)
            except DirectoryError as exc:
                errors["liaison"] = str(exc)
                return
            if person.side != dept.side:
                errors["liaison"] = _wrong_side(person, dept, "liaison")
                return
            if base is None or base.liaison_id != person.id:
                from .dates import now

                dept.liaison_since = now().date().isoformat()
            dept.liaison_id = person.id
    if "liaison" in values and dept.liaison_id is None:
        return  # cleared: no "since" to keep
    if values.get("liaison_since") not in (None, ""):
        raw = str(values["liaison_since"]).strip()
        try:
            dept.liaison_since = date.fromisoformat(raw).isoformat()
        except ValueError:
            errors["liaison_since"] = f"{raw!r} is not a date (use YYYY-MM-DD)"
            return
        if dept.liaison_id is None and "liaison" not in errors:
            errors["liaison_since"] = "name the liaison first (--liaison PERSON)"


def person_to_input(store: Store, person: Person) -> dict[str, str]:
    """The typed-text form of a person (the inverse of person_from_input)."""
    dept = store.get(Department.TABLE, person.department_id) if person.department_id else None
    return {
        "name": person.name,
        "side": person.side,
        "role": person.role,
        "department": dept["name"] if dept else "",
        "team": person.team,
        "email": person.email,
        "active": "yes" if person.active else "no",
    }


def department_to_input(store: Store, dept: Department) -> dict[str, str]:
    names = names_by_id(store, Person.TABLE)
    return {
        "name": dept.name,
        "branch": dept.branch,
        "capacity": str(dept.capacity),
        "hours": format_hours(dept.hours),
        "hosts": ", ".join(names.get(h, f"#{h}") for h in dept.hosts),
        "notes": dept.notes,
        "closed": ", ".join(dept.closed_dates),
        "active": "yes" if dept.active else "no",
        "side": dept.side,
        "liaison": names.get(dept.liaison_id, "") if dept.liaison_id else "",
        "liaison_since": dept.liaison_since or "",
    }


# ------------------------------------------------------------------ writing
def _unique_name(store: Store, table: str, name: str, own_id: int | None, what: str) -> None:
    key = name_key(name)
    for doc in store.all(table):
        if doc["id"] != own_id and name_key(doc.get("name", "")) == key:
            raise ValidationError(
                {"name": f"a {what} named {doc['name']!r} already exists (#{doc['id']})"}
            )


@guarded("directory")
def save_person(
    store: Store, actor: str, person: Person, *, expect_version: int | None = None
) -> int:
    """Add (no id) or update a person. Returns the id. ``expect_version``: refuse
    (versions.StaleRecord) if the person changed since that version."""
    person.validate()
    with store.transaction(actor) as tx:
        return _write_named(tx, store, person, "person", expect_version)


@guarded("directory")
def save_department(
    store: Store, actor: str, dept: Department, *, expect_version: int | None = None
) -> int:
    dept.validate()
    with store.transaction(actor) as tx:
        return _write_named(tx, store, dept, "department", expect_version)


def _write_named(
    tx: Transaction,
    store: Store,
    record: Person | Department,
    what: str,
    expect_version: int | None,
) -> int:
    """Inside ``tx``: add or update a person or a department (its name unique, not stale)."""
    _unique_name(store, record.TABLE, record.name, record.id, what)
    if record.id is None:
        return tx.insert(record.TABLE, record.to_doc(), summary=record.name)
    versions.check(tx, store, record.TABLE, record.id, expect_version)
    tx.update(record.TABLE, record.id, record.to_doc())
    return record.id


@guarded("directory")
def set_active(store: Store, actor: str, model: type[Model], record_id: int, active: bool) -> None:
    """Deactivate (or reactivate) a person or department; nothing is ever deleted."""
    with store.transaction(actor) as tx:
        if tx.get(model.TABLE, record_id) is None:
            raise DirectoryError(f"no {model.TABLE} record #{record_id}")
        tx.update(model.TABLE, record_id, {"active": active})


# ------------------------------------------------------------------ CSV import
def _header_key(text: str) -> str:
    return "_".join(text.strip().casefold().replace("-", " ").split())


class ImportProblems(DirectoryError):
    """Every bad line of a file, found in one pass; ``str()`` is one line for the CLI."""

    def __init__(self, path: str | Path, problems: list[str]):
        self.problems = problems
        shown = "; ".join(problems[:20]) + (
            f"; and {len(problems) - 20} more" if len(problems) > 20 else ""
        )
        what = count(len(problems), "problem")
        super().__init__(f"{path}: nothing imported, {what}: {shown}")


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    """Comma, semicolon (spreadsheets in many European locales) or tab separated."""
    head = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def read_csv(
    text: str,
    fields: Iterable[str],
    required: Iterable[str],
    problems: list[str] | None = None,
) -> list[tuple[int, dict[str, str]]]:
    """Rows of a header-driven CSV as (line number, {field: text}). Raises DirectoryError for
    a file it cannot read at all; a row with the wrong number of cells is added to
    ``problems`` when given (so every bad line is reported at once), else raised."""
    allowed = {f: f for f in fields}
    allowed.update(
        {"closed_dates": "closed", "department_name": "department", "opening_hours": "hours"}
    )
    reader = csv.reader(io.StringIO(text), _dialect(text))
    try:
        header = next(reader)
    except StopIteration:
        raise DirectoryError("the file is empty (expected a header row)") from None
    except csv.Error as exc:
        raise DirectoryError(f"line 1: {exc}") from None
    columns = []
    for col in header:
        key = _header_key(col)
        if key not in allowed:
            raise DirectoryError(
                f"line 1: unknown column {col!r} (columns: {', '.join(f for f in fields)})"
            )
        columns.append(allowed[key])
    missing = [f for f in required if f not in columns]
    if missing:
        raise DirectoryError(f"line 1: missing column {missing[0]!r}")
    rows = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(columns):
                problem = f"line {line}: {len(values)} cells where the header has {len(columns)}"
                if problems is None:
                    raise DirectoryError(problem)
                problems.append(problem)
                continue
            rows.append((line, dict(zip(columns, values, strict=True))))
    except csv.Error as exc:
        raise DirectoryError(f"line {reader.line_num}: {exc}") from None
    return rows


@guarded("directory")
def import_csv(
    store: Store,
    actor: str,
    kind: str,
    path: str | Path,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Import people or departments from a CSV file (comma, semicolon or tab separated),
    all or nothing.

    Every row is checked first; bad rows reject the whole file with every bad line and
    field named at once (:class:`ImportProblems`), and nothing is written. Returns the
    count added.
    """
    if kind not in ("people", "departments"):
        raise DirectoryError(f"can import people or departments, not {kind!r}")
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DirectoryError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise DirectoryError(f"{path}: not UTF-8 text (save the CSV as UTF-8)") from None
    except OSError as exc:
        raise DirectoryError(f"{path}: {exc.strerror}") from None
    problems: list[str] = []
    if kind == "people":
        rows = read_csv(text, PERSON_FIELDS, ("name", "side"), problems)
        build = person_from_input
        table, what = Person.TABLE, "person"
    else:
        rows = read_csv(text, DEPARTMENT_FIELDS, ("name",), problems)
        build = department_from_input
        table, what = Department.TABLE, "department"
    seen = {name_key(d.get("name", "")): d["id"] for d in store.all(table)}
    records = []
    for line, values in rows:
        try:
            record = build(store, values)
        except ValidationError as exc:
            problems.extend(f"line {line}, {field}: {msg}" for field, msg in exc.errors.items())
            continue
        key = name_key(record.name)
        if key in seen:
            problems.append(f"line {line}, name: a {what} named {record.name!r} already exists")
            continue
        seen[key] = -line
        records.append(record)
    if problems:
        problems.sort(key=lambda p: int(p.split()[1].rstrip(",:")))
        raise ImportProblems(path, problems)
    total = len(records)
    if progress:
        progress(0, total)
    with store.transaction(actor) as tx:
        for n, record in enumerate(records, 1):
            tx.insert(table, record.to_doc(), summary=record.name)
            if progress and (n % 50 == 0 or n == total):
                progress(n, total)
    return total


# ------------------------------------------------------------------ integrity
@dataclass
class Problem:
    table: str
    record_id: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.table} #{self.record_id}" if self.record_id is not None else self.table
        return f"{where}: {self.message}"


# Audit entries (roughly) over which ``check`` reads the trail in a child process beside the
# tables: fewer, the fork costs about what it saves (10,000 records hold ~25,000 entries).
AUDIT_BESIDE_OVER = 50_000

_REFS = {
    # table: [(field, target table, is a list)]
    "people": [("department_id", "departments", False)],
    "departments": [("hosts", "people", True), ("liaison_id", "people", False)],
    "programmes": [("coordinator_id", "people", False)],
    "visits": [
        ("department_id", "departments", False),
        ("visitors", "people", True),
        ("hosts", "people", True),
        ("programme_id", "programmes", False),
        ("series_id", "visits", False),
    ],
    "observations": [("visit_id", "visits", False), ("author_id", "people", False)],
    "suggestions": [
        ("visit_id", "visits", False),
        ("department_id", "departments", False),
        ("author_id", "people", False),
        ("votes", "people", True),
        ("duplicate_of", "suggestions", False),
        ("observations", "observations", True),
        ("merged_from", "suggestions", True),
    ],
    "actions": [
        ("owner_id", "people", False),
        ("suggestion_id", "suggestions", False),
        ("observation_id", "observations", False),
        ("visit_id", "visits", False),
    ],
    "kudos": [
        ("to_id", "people", False),
        ("from_id", "people", False),
        ("visit_id", "visits", False),
        ("observation_id", "observations", False),
    ],
    "surveys": [("department_id", "departments", False), ("respondent_id", "people", False)],
    "secondments": [
        ("person_id", "people", False),
        ("department_id", "departments", False),
        ("host_id", "people", False),
    ],
    "feedback": [("visit_id", "visits", False), ("author_id", "people", False)],
}


def _missing(table: str, doc_id: int, field: str, target: str, ref: Any) -> Problem:
    return Problem(table, doc_id, f"{field} points at missing {target} #{ref}")


def _check_audit(store: Store) -> tuple[list[Problem], list[Problem]]:
    """The audit trail checked (``check``): what its file holds (``audit_problems``), then
    its entries."""
    the_file = [Problem("audit", None, p) for p in store.audit_problems()]
    found = []
    names: set[tuple[str, str, str]] = set()
    for doc_id, doc in store.each_stored(AuditEntry.TABLE):
        try:
            AuditEntry.validate_doc(doc, names)
        except ValidationError as exc:
            found.append(Problem(AuditEntry.TABLE, doc_id, str(exc)))
        except TypeError as exc:
            found.append(Problem(AuditEntry.TABLE, doc_id, f"unreadable record ({exc})"))
    return the_file, found


def check(store: Store) -> list[Problem]:
    """Verify every record: fields valid, references point at something, no duplicate names.
    A long audit trail is checked in a child process on another core meanwhile (nothing
    refers to its entries; ``core/ahead.py``): at 150,000 records it was two fifths of the
    time, and the problems read the same either way."""
    audit = partial(_check_audit, store)
    beside = None
    if store.size_hint(AuditEntry.TABLE) > AUDIT_BESIDE_OVER:
        beside = ahead.start(audit)
    # One pass a table, not kept (ten years of records do not fit in memory at once);
    # each reference is checked, in its place among the problems, once every id is known.
    ids: dict[str, set[int]] = {}
    found: list[Problem | tuple[str, int, str, str, Any]] = []
    audit_at = 0
    for table, model in MODELS.items():
        ids[table] = set()
        if model is AuditEntry:
            audit_at = len(found)  # (its entries' problems go here)
            continue
        # A reference into a table read whole already is checked at once; others (into
        # this table or one read later) once every id is known. Either way in its place.
        refs = [(f, target, many, ids.get(target) if target != table else None)
                for f, target, many in _REFS.get(table, [])]  # fmt: skip
        for doc_id, doc in store.each_stored(table):
            ids[table].add(doc_id)
            try:
                model.from_doc(doc).validate()
            except ValidationError as exc:
                found.append(Problem(table, doc_id, str(exc)))
            except TypeError as exc:
                found.append(Problem(table, doc_id, f"unreadable record ({exc})"))
            for field, target, many, known in refs:
                value = doc.get(field)
                if value is None:
                    continue
                for r in value if many and isinstance(value, list) else (value,):
                    if known is None:
                        if r is not None:
                            found.append((table, doc_id, field, target, r))
                    elif r is not None and r not in known:
                        found.append(_missing(table, doc_id, field, target, r))
    the_file, entries = ahead.taken_or(beside, audit)
    found[audit_at:audit_at] = entries
    problems: list[Problem] = the_file
    for item in found:
        if isinstance(item, Problem):
            problems.append(item)
            continue
        table, doc_id, field, target, ref = item
        if ref not in ids[target]:
            problems.append(_missing(table, doc_id, field, target, ref))
    for table in ("people", "departments"):
        seen: dict[str, int] = {}
        for doc in sorted(store.all(table), key=lambda d: d["id"]):
            key = name_key(doc.get("name", ""))
            if key in seen:
                problems.append(
                    Problem(
                        table, doc["id"], f"duplicate name {doc.get('name')!r} (also #{seen[key]})"
                    )
                )
            else:
                seen[key] = doc["id"]
    people_side = {d["id"]: d.get("side") for d in store.all("people")}
    for doc in store.all("departments"):
        for host in doc.get("hosts", []):
            side = people_side.get(host)
            if side is not None and side != doc.get("side", "library"):
                what = "IT staff" if side == "it" else "library staff"
                problems.append(Problem("departments", doc["id"], f"host #{host} is {what}"))
    return problems
