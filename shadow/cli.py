"""The scripting interface: ``shadow <command>``. Never imports Textual.

Every command exits 0 on success, 1 with one line ``shadow: error: ...`` on
stderr when something is wrong, and 2 when the arguments themselves are
misused (argparse's own convention).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson

from . import __version__
from .core import directory
from .core.models import (
    DIRECTION_LABELS,
    DIRECTIONS,
    LEVELS,
    OBSERVATION_KINDS,
    RISKS,
    SIDE_LABELS,
    SIDES,
    SUGGESTION_STATUSES,
    UNSAFE_CHARS,
    VISIT_KINDS,
    VISIT_STATUSES,
    Department,
    Person,
    UserError,
    ValidationError,
    Visit,
)
from .core.plain import count
from .core.programmes import find_id as find_programme
from .core.records import (
    PERSON_COLUMNS,
    department_json,
    person_cells,
    person_json,
    suggestion_json,
)
from .core.settings import dayfirst
from .core.store import Store, StoreError, default_db_path


class CliError(Exception):
    """Reported as ``shadow: error: <message>`` with exit status 1."""


# ------------------------------------------------------------------ hostile input, safe output
# What must never reach a terminal as it is: C0 controls, DEL, C1 controls, line and
# paragraph separators, bidi embeddings/overrides/isolates, and lone surrogates (the
# undecodable bytes of argv, which cannot even be encoded).
# (the same characters the text rule refuses at input, models.UNSAFE_CHARS)
_UNSAFE = re.compile(f"[{UNSAFE_CHARS}]")
_UNSAFE_OUT = re.compile(f"(?!\n|\r\n)[{UNSAFE_CHARS}]")
_UNSAFE_JSON = re.compile(f"(?![\x00-\x1f])[{UNSAFE_CHARS}]")  # json escapes C0 itself
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
LINE_LIMIT = 1000  # characters of one error line; the rest is cut


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_line(text: object) -> str:
    """``text`` as one harmless line: controls, bidi overrides and undecodable bytes
    shown as escapes (``\\x1b``, ``\\u202e``), line breaks as ``\\n``, very long text cut."""
    line = _UNSAFE.sub(_escape, str(text))
    return line if len(line) <= LINE_LIMIT else line[: LINE_LIMIT - 1] + "…"


def safe_text(text: str) -> str:
    """Output text with line breaks kept and every other unsafe character escaped."""
    return _UNSAFE_OUT.sub(_escape, text)


def report_error(message: object) -> None:
    """The one way an error reaches the person: ``shadow: error: ...``, one safe line."""
    print(f"shadow: error: {safe_line(message)}", file=sys.stderr)


class _SafeOutput(io.TextIOBase):
    """Standard output while a command runs: unsafe characters in anything written
    (user text from the database or the command line) are escaped; documents written
    to ``.buffer`` (exports) pass as they are."""

    def __init__(self, stream: Any):
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(safe_text(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    @property
    def buffer(self) -> Any:
        return self.stream.buffer

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.stream.encoding


class Parser(argparse.ArgumentParser):
    """argparse, with its own error lines made safe (they repeat what was typed)."""

    def _get_values(self, action: argparse.Action, arg_strings: list[str]) -> Any:
        # "--opt=--" is the value "--"; argparse (3.11) drops it as the end-of-options
        # marker and hands the handler an empty list, unconverted and unchecked.
        if action.option_strings and action.nargs is None and arg_strings == ["--"]:
            value = self._get_value(action, "--")
            self._check_value(action, value)
            return value
        return super()._get_values(action, arg_strings)

    def error(self, message: str) -> Any:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {safe_line(message)}\n")


MAX_ID = 10**12


def _id_number(text: str) -> int:
    digits = text.strip().removeprefix("#")
    if not re.fullmatch(r"[0-9]{1,13}", digits) or not 1 <= int(digits) < MAX_ID:
        raise argparse.ArgumentTypeError(
            f"not a record id: {safe_line(text[:40])!r} (ids are whole numbers like 12 or #12)"
        )
    return int(digits)


def record_id(text: str) -> int:
    """The argparse type of every record id: ASCII digits (``12`` or ``#12``), nothing else."""
    return _id_number(text)


def visit_key(text: str) -> str:
    """The argparse type of a visit: ``12``, ``#12``, or one occurrence ``12@2026-12-08``
    (ASCII digits only), given to the core as ``12`` or ``12@2026-12-08``; the core reads
    both forms everywhere a visit is named (``schedule.locate``)."""
    head, sep, day = text.partition("@")
    number = _id_number(head)
    if not sep:
        return str(number)

    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", day):
            raise ValueError
        return f"{number}@{date.fromisoformat(day).isoformat()}"
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a visit or occurrence: {safe_line(text[:40])!r} "
            "(e.g. 12, or 12@2026-12-08 for one occurrence of series 12)"
        ) from None


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type for a count: ASCII digits from ``low`` to ``high``."""

    def read(text: str) -> int:
        digits = text.strip()
        if not re.fullmatch(r"[0-9]{1,9}", digits) or not low <= int(digits) <= high:
            raise argparse.ArgumentTypeError(
                f"expected a whole number from {low} to {high}, got {safe_line(text[:40])!r}"
            )
        return int(digits)

    read.__name__ = "whole number"
    return read


def read_stdin() -> str:
    """Standard input as text; bytes that are not UTF-8 are refused, not guessed."""
    stream = getattr(sys.stdin, "buffer", None)
    data = (
        stream.read() if stream is not None else sys.stdin.read().encode("utf-8", "surrogateescape")
    )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CliError(
            f"standard input is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8"
        ) from None


# ------------------------------------------------------------------ helpers
def db_path(args: argparse.Namespace) -> Path:
    if args.db:
        return Path(args.db).expanduser()
    if os.environ.get("SHADOW_DB"):
        return Path(os.environ["SHADOW_DB"]).expanduser()
    return default_db_path()


# Stores this command opened; main() closes them, folding the journal in (see Store.close).
_opened: list[Store] = []


def open_store(args: argparse.Namespace) -> Store:
    """The database for this command. Read-only commands (``read_only`` set on their
    parser) never create one and need no write access."""
    read_only = bool(getattr(args, "read_only", False))
    store = Store(db_path(args), create=not read_only, read_only=read_only)
    _opened.append(store)
    return store


def close_stores() -> None:
    """Close what this command opened; a fold that fails only warns (the writes were saved)."""
    while _opened:
        _opened.pop().close(fold=True)


def acting(store: Store, args: argparse.Namespace) -> str:
    """The audit name of whoever is acting (``--as``, ``SHADOW_USER`` or remembered)."""
    return directory.actor_name(store, directory.resolve_actor(store, args.as_name))


def acting_person(store: Store, args: argparse.Namespace) -> Person:
    """Whoever is acting, who must be in the directory (notes and votes are theirs)."""
    person = directory.resolve_actor(store, args.as_name)
    if person is None:
        directory.actor_name(store, None)  # explains how to say who you are
        raise CliError("add yourself to the directory first (shadow person add NAME --side ...)")
    return person


def visit_record(store: Store, actor: str, ref: str) -> int:
    """The record a note, suggestion, kudos, survey or action about a visit points at:
    ``12``, or ``20@2026-12-16`` for one occurrence of a repeating visit."""
    from .core import schedule

    return schedule.record_id(store, actor, ref)


def print_json(items: Any) -> None:
    """JSON with a 2-space indent, as ``json.dump(indent=2, ensure_ascii=False)`` writes it,
    with unsafe characters (C1 controls, bidi overrides, ...) as ``\\u`` escapes.

    orjson writes the same text many times faster (the standard library's indenting
    encoder is pure Python); what orjson refuses (a lone surrogate, a huge integer)
    goes through ``json`` as before."""
    try:
        text = orjson.dumps(items, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        text = json.dumps(items, ensure_ascii=False, indent=2)
    sys.stdout.write(_UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A plain aligned table; control characters in user text are shown escaped."""

    def cell(value: Any) -> str:
        return safe_line("" if value is None else value)

    from rich.cells import cell_len  # display width: emoji and CJK take two columns

    table = [[cell(h) for h in headers]] + [[cell(v) for v in row] for row in rows]
    widths = [max(cell_len(r[i]) for r in table) for i in range(len(headers))]
    for n, row in enumerate(table):
        print(
            "  ".join(
                v + " " * (w - cell_len(v)) for v, w in zip(row, widths, strict=True)
            ).rstrip()
        )
        if n == 0:
            print("  ".join("-" * w for w in widths))


def one_line(exc: ValidationError) -> str:
    return "; ".join(f"{field}: {msg}" for field, msg in exc.errors.items())


def stderr_progress(label: str) -> Callable[[int, int], None] | None:
    """A progress line on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        sys.stderr.write(f"\r{label}: {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


# ------------------------------------------------------------------ records as JSON
# ------------------------------------------------------------------ commands
def cmd_list(args: argparse.Namespace) -> int:
    store = open_store(args)
    if args.what == "people":
        return list_people(store, args)
    if args.what == "visits":
        return list_visits(store, args)
    if args.what == "suggestions":
        return list_suggestions(store, args)
    if args.what == "observations":
        return list_observations(store, args)
    if args.what == "kudos":
        return list_kudos(store, args)
    if args.what == "actions":
        return list_actions(store, args)
    return list_departments(store, args)


def list_people(store: Store, args: argparse.Namespace) -> int:
    found = directory.people(store, active_only=not args.all)
    depts = directory.names_by_id(store, Department.TABLE)
    items = [person_json(p, depts) for p in found]
    if args.json:
        print_json(items)
        return 0
    print_table(["id", *PERSON_COLUMNS], [[p.id, *person_cells(p, depts)] for p in found])
    return 0


def list_departments(store: Store, args: argparse.Namespace) -> int:
    found = directory.departments(store, active_only=not args.all)
    names = directory.names_by_id(store, Person.TABLE)
    items = [department_json(d, names) for d in found]
    if args.json:
        print_json(items)
        return 0
    print_table(
        ["id", "name", "side", "branch", "capacity", "hours", "hosts", "liaison", "active"],
        [
            [
                i["id"],
                i["name"],
                SIDE_LABELS[i["side"]],
                i["branch"],
                i["capacity"],
                i["hours"],
                ", ".join(i["hosts"]),
                i["liaison"] or "",
                "yes" if i["active"] else "no",
            ]
            for i in items
        ],
    )
    return 0


def _values(args: argparse.Namespace, fields: tuple[str, ...]) -> dict[str, Any]:
    """The fields given on the command line, as typed text for the directory's input readers."""
    values: dict[str, Any] = {}
    for field in fields:
        value = getattr(args, field, None)
        if value is not None:
            values[field] = value
    if getattr(args, "host", None):
        values["hosts"] = [h for h in args.host if h.strip()]
    if getattr(args, "no_hosts", False):
        values["hosts"] = []
    return values


def _directory_command(
    args: argparse.Namespace, model: type[Any], noun: str, fields: tuple[str, ...]
) -> int:
    """person/department add|edit|list|deactivate|reactivate: the same steps for both."""
    store = open_store(args)
    if model is Person:
        lister, find, build, save = (
            list_people,
            directory.find_person,
            directory.person_from_input,
            directory.save_person,
        )
    else:
        lister, find = list_departments, directory.find_department
        build, save = directory.department_from_input, directory.save_department
    if args.action == "list":
        return lister(store, args)
    actor = acting(store, args)
    if args.action == "add":
        record = build(store, {"name": args.name} | _values(args, fields))
        rid = save(store, actor, record)
        print(f"added {noun} #{rid}: {record.name}")
        return 0
    base = find(store, getattr(args, noun))
    if args.action in ("deactivate", "reactivate"):
        directory.set_active(store, actor, model, base.id, args.action == "reactivate")
        print(f"{args.action}d {noun} #{base.id}: {base.name}")
        return 0
    values = _values(args, ("name", *fields))
    if not values:
        raise CliError(
            f"nothing to change: give at least one of {', '.join('--' + f for f in ('name', *fields))}"
        )
    record = build(store, values, base)
    from .core.history import changed_fields

    if not changed_fields(store, model.TABLE, base.id, record.to_doc()):
        print(f"nothing changed: {noun} #{base.id} ({record.name}) already reads so")
        return 0
    save(store, actor, record)
    print(f"updated {noun} #{base.id}: {record.name}")
    return 0


def cmd_person(args: argparse.Namespace) -> int:
    return _directory_command(
        args, Person, "person", ("side", "role", "department", "team", "email", "active")
    )


def cmd_department(args: argparse.Namespace) -> int:
    return _directory_command(
        args, Department, "department",
        ("branch", "capacity", "hours", "notes", "closed", "active", "side", "liaison", "liaison_since"),
    )  # fmt: skip


def cmd_import(args: argparse.Namespace) -> int:
    store = open_store(args)
    actor = acting(store, args)
    count = directory.import_csv(
        store, actor, args.kind, args.file, progress=stderr_progress(f"importing {args.kind}")
    )
    noun = {"people": ("person", "people"), "departments": ("department", "departments")}
    print(f"imported {count} {noun[args.kind][count != 1]}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .core.sample import load_sample

    store = open_store(args)
    counts = load_sample(store, "shadow demo", force=args.force)
    order = (
        "departments",
        "people",
        "programmes",
        "visits",
        "observations",
        "suggestions",
        "actions",
        "kudos",
        "surveys",
    )
    singular = {"people": "person", "kudos": "kudos"}
    parts = [
        f"{counts[k]} {k if counts[k] != 1 else singular.get(k, k[:-1])}"
        for k in order
        if k in counts
    ]
    print(f"loaded the sample programme into {store.path}: {', '.join(parts)}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    store = open_store(args)
    from .core.sample import record_count

    problems = directory.check(store)
    total = record_count(store)
    if problems:
        for problem in problems:
            print(safe_line(problem))
        report_error(f"{count(len(problems), 'problem')} in {store.path}")
        return 1
    print(f"ok: {store.path} (schema {store.schema}, {count(total, 'record')}, no problems)")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from .core import history

    store = open_store(args)
    entity = {"person": "people", "department": "departments"}.get(args.entity, args.entity)
    rows = (
        store.audit(entity, args.id)[-args.limit :] if args.limit else store.audit(entity, args.id)
    )
    names = history.Names(store)
    if args.json:
        print_json(
            [
                r | {"record": history.record_name(names, r), "change": history.change(names, r)}
                for r in rows
            ]  # fmt: skip
        )
        return 0
    print_table(
        ["when", "who", "what", "change"],
        [
            [
                r["ts"],
                r["actor"],
                history.record_name(names, r),
                history.change(names, r),
            ]
            for r in rows
        ],
    )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    store = open_store(args)
    print(f"backup written: {store.backup(reason='manual', out=args.out)}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    store = open_store(args)
    saved = store.restore(args.backup)
    if saved is not None:
        print(f"the database as it was is in {saved}")
    print(f"restored {store.path} from {args.backup}")
    return 0


# ------------------------------------------------------------------ visits
def visit_json(
    occ: Any, people: dict[int, str], depts: dict[int, str], ways: dict[int, str] | None = None
) -> dict[str, Any]:
    from .core.dates import to_iso
    from .core.schedule import describe_repeat

    visit = occ.visit
    own_record = occ.series_id is None or visit.series_id is not None
    return {
        "id": visit.id if own_record else occ.series_id,
        "key": occ.key,
        "series_id": occ.series_id,
        "occurrence": occ.original[:10] if occ.series_id else None,
        "department": depts.get(visit.department_id),
        "department_id": visit.department_id,
        "direction": (ways or {}).get(visit.department_id, "it-to-library"),
        "visitors": [people.get(p, f"#{p}") for p in visit.visitors],
        "hosts": [people.get(p, f"#{p}") for p in visit.hosts],
        "start": to_iso(occ.start),
        "end": to_iso(occ.end),
        "status": visit.status,
        "kind": visit.kind,
        "purpose": visit.purpose,
        "repeat": describe_repeat(visit.rrule) if visit.rrule else "",
        "programme_id": visit.programme_id,
        "override_reason": visit.override_reason,
    }


def list_visits(store: Store, args: argparse.Namespace) -> int:
    from datetime import datetime, time, timedelta

    from .core import dates, schedule

    zone = dates.local_zone()
    start = datetime.combine(dates.now().date(), time(0, 0), zone)
    if args.from_:
        start = dates.parse_moment(args.from_, dayfirst=dayfirst(), future=False).value
    end = start + timedelta(days=90)
    if args.to:
        moment = dates.parse_moment(args.to, dayfirst=dayfirst(), future=False)
        end = moment.value if moment.has_time else moment.value + timedelta(days=1)
    if end <= start:
        raise CliError("--to must be after --from")
    found = schedule.occurrences(store, start, end)
    if args.person:
        pid = directory.find_person(store, args.person).id
        found = [o for o in found if pid in o.people]
    if args.department:
        did = directory.find_department(store, args.department).id
        found = [o for o in found if o.visit.department_id == did]
    if args.status:
        if args.status not in VISIT_STATUSES:
            raise CliError(f"visit status must be one of: {', '.join(VISIT_STATUSES)}")
        found = [o for o in found if o.status == args.status]
    people = directory.names_by_id(store, Person.TABLE)
    depts = directory.names_by_id(store, Department.TABLE)
    ways = directory.directions_by_department(store)
    items = [visit_json(o, people, depts, ways) for o in found]
    if args.json:
        print_json(items)
        return 0
    print_table(
        ["id", "when", "department", "direction", "visitors", "hosts", "status", "repeat"],
        [
            [
                o.key,
                dates.format_span(o.start, o.end),
                i["department"],
                DIRECTION_LABELS[i["direction"]],
                ", ".join(i["visitors"]),
                ", ".join(i["hosts"]),
                i["status"],
                i["repeat"],
            ]
            for o, i in zip(found, items, strict=True)
        ],
    )
    return 0


def _print_conflicts(conflicts: list[Any]) -> None:
    for c in conflicts:
        print(f"  {'conflict' if c.hard else 'warning'}: {c.message}")


def cmd_visit(args: argparse.Namespace) -> int:
    from .core import dates, schedule

    store = open_store(args)
    if args.action == "show":
        return show_visit(store, args)
    if args.action == "slots":
        dept = directory.find_department(store, args.department)
        visitors = [directory.find_person(store, v).id for v in args.visitor]
        hosts = [directory.find_person(store, h).id for h in (args.host or [])] or dept.hosts
        length = dates.parse_duration(args.for_) if args.for_ else schedule.DEFAULT_DURATION
        after = (
            dates.parse_moment(args.from_, dayfirst=dayfirst()).value if args.from_ else dates.now()
        )
        slots = schedule.find_slots(
            store, dept.id, visitors, hosts, length, after=after, count=args.count
        )
        if args.json:
            print_json([{"start": dates.to_iso(a), "end": dates.to_iso(b)} for a, b in slots])
        elif not slots:
            print(f"no free slot at {dept.name} in the next 60 days")
        else:
            for a, b in slots:
                print(dates.format_span(a, b))
        return 0 if slots else 1
    actor = acting(store, args)
    on = (
        dates.parse_day(args.on, dayfirst=dayfirst(), future=False)
        if getattr(args, "on", None)
        else None
    )
    if args.action == "add":
        values: dict[str, Any] = {
            "department": args.department,
            "visitors": args.visitor,
            "hosts": args.host or [],
            "when": args.when,
            "kind": args.kind,
            "purpose": args.purpose or "",
            "programme": args.programme or "",
            "repeat": args.repeat or "",
        }
        if args.for_:
            values["duration"] = args.for_
        if args.end:
            values["end"] = args.end
        booking = schedule.visit_from_input(store, values, dayfirst=dayfirst())
        for notice in booking.notices:
            print(f"shadow: warning: {notice}", file=sys.stderr)
        if args.dry_run:
            print(
                f"would book: {booking.summary} at {directory.find_department(store, args.department).name}"
            )
            _print_conflicts(booking.conflicts)
            return 1 if any(c.hard for c in booking.conflicts) else 0
        vid = schedule.book(store, actor, booking, force=args.force, reason=args.reason or "")
        print(f"booked visit #{vid}: {booking.summary} (requested)")
        _print_conflicts(booking.conflicts)
        return 0
    if args.action == "reschedule":
        when = dates.parse_when(args.when, dayfirst=dayfirst())
        length = dates.parse_duration(args.for_) if args.for_ else None
        print(
            schedule.reschedule(
                store,
                actor,
                args.id,
                when,
                length,
                on=on,
                force=args.force,
                reason=args.reason or "",
            )
        )
        return 0
    if args.action == "reopen":
        print(schedule.reopen(store, actor, args.id, args.reason, on=on))
        return 0
    status = {
        "confirm": "confirmed",
        "complete": "completed",
        "cancel": "cancelled",
        "no-show": "no-show",
    }
    print(
        schedule.set_status(
            store, actor, args.id, status[args.action], on=on, reason=args.reason or ""
        )
    )
    return 0


def show_visit(store: Store, args: argparse.Namespace) -> int:
    from .core import dates, history, schedule

    occ = schedule.get_occurrence(store, args.id)
    visit = occ.visit
    people = directory.names_by_id(store, Person.TABLE)
    depts = directory.names_by_id(store, Department.TABLE)
    own = visit.id if (occ.series_id is None or visit.series_id is not None) else None
    way = directory.directions_by_department(store).get(visit.department_id, "it-to-library")
    changed = schedule.changed_occurrences(store, visit) if visit.rrule else []
    rows = [
        (
            "visit",
            f"#{occ.key}"
            + (f" (an occurrence of series #{occ.series_id})" if occ.series_id else ""),
        ),
        ("when", dates.format_span(occ.start, occ.end)),
        ("repeats", schedule.describe_repeat(visit.rrule) or "no"),
        ("department", depts.get(visit.department_id, "?")),
        ("direction", DIRECTION_LABELS[way]),
        ("kind", visit.kind),
        ("status", visit.status),
        ("why", visit.status_reason),
        ("visitors", ", ".join(people.get(p, f"#{p}") for p in visit.visitors)),
        ("hosts", ", ".join(people.get(p, f"#{p}") for p in visit.hosts)),
        ("purpose", visit.purpose),
        ("saved despite", visit.override_reason),
    ]
    entries = store.audit(Visit.TABLE, own) if own is not None else []
    if args.json:
        print_json(
            {
                "id": own,
                "key": occ.key,
                **visit.to_doc(),
                "direction": way,
                "start": dates.to_iso(occ.start),
                "end": dates.to_iso(occ.end),
                "series_id": occ.series_id,
                "occurrences": [
                    {
                        "key": o.key,
                        "id": o.visit.id,
                        "start": dates.to_iso(o.start),
                        "end": dates.to_iso(o.end),
                        "status": o.status,
                        "why": o.visit.status_reason,
                        "moved": o.start != dates.from_iso(o.original),
                    }
                    for o in changed
                ],
                "history": entries,
            }  # fmt: skip
        )
        return 0
    for label, value in rows:
        if value:
            print(f"{label:>13}: {value}")
    if changed:
        print("  occurrences changed one by one:")
        for o in changed:
            moved = o.start != dates.from_iso(o.original)
            what = f"moved to {dates.format_span(o.start, o.end)}" if moved else o.status
            if moved and o.status != visit.status:
                what += f", {o.status}"
            why = f" ({o.visit.status_reason})" if o.visit.status_reason else ""
            print(f"               #{o.key}  {what}{why}")
    print("      history:" if entries else "      history: none of its own (see its series)")
    for line in history.describe(store, entries):
        print(f"               {line}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .core import reports

    store = open_store(args)
    if args.format == "ics":
        if args.what:
            raise CliError("export ics takes no table name")
        person = directory.find_person(store, args.person) if args.person else None
        payload = reports.export_ics(store, person.id if person else None)
    elif args.format == "csv":
        if args.what not in ("suggestions", "actions", "visits", "observations"):
            raise CliError("export csv needs one of: suggestions, actions, visits, observations")
        payload = reports.export_csv(store, args.what).encode("utf-8")
    else:
        programme = find_programme(store, args.programme)
        payload = reports.programme_report(store, programme).encode("utf-8")
    if args.out:
        write_out(Path(args.out), payload)
        print(f"wrote {args.out}")
    else:
        sys.stdout.buffer.write(payload)
    return 0


def write_out(path: Path, payload: bytes) -> None:
    """Write a whole file or nothing (temp file + rename)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_bytes(payload)
        os.replace(tmp, path)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}") from None


def cmd_programme(args: argparse.Namespace) -> int:
    from .core import programmes

    store = open_store(args)
    if args.action == "list":
        items = programmes.listing(store)
        if args.json:
            print_json(items)
        else:
            print_table(
                ["id", "name", "start", "end"],
                [[i["id"], i["name"], i["start"], i["end"]] for i in items],
            )
        return 0
    pid, programme = programmes.add(
        store, acting(store, args), args.name, args.description, args.start, args.end
    )
    print(f"added programme #{pid}: {programme.name}")
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    from . import cli_outbox
    from .core import settings

    store = open_store(args)
    if args.key is None:
        print("\n".join(settings.listing(store)))
        cli_outbox.print_settings(store)
        return 0
    if args.value is None:
        raise CliError(f"give a value: shadow settings {args.key} VALUE")
    if cli_outbox.is_mail_setting(args.key.lower()):
        return cli_outbox.set_setting(store, args, args.key.lower())
    print(settings.change(store, args.key, args.value, lambda: acting(store, args)))
    return 0


# ------------------------------------------------------------------ notes, suggestions, kudos
def list_suggestions(store: Store, args: argparse.Namespace) -> int:
    from .core import backlog
    from .core.dates import now
    from .core.models import Suggestion

    f = backlog.Filter(
        text=args.text or "",
        status=args.status or "",
        priority=args.priority,
        direction=args.direction or "",
        department=args.department or "",
        tag=args.tag or "",
        author=args.author or "",
        sla=args.sla or "",
    )
    if f.status and f.status not in (*SUGGESTION_STATUSES, "open", "closed"):
        raise CliError(
            f"suggestion status must be open, closed or one of: {', '.join(SUGGESTION_STATUSES)}"
        )
    rows = backlog.sort(backlog.apply(backlog.rows(store), f), args.sort, reverse=args.reverse)
    if args.json:
        people = directory.names_by_id(store, Person.TABLE)
        depts = directory.names_by_id(store, Department.TABLE)
        print_json(
            [suggestion_json(store.get(Suggestion.TABLE, r.id), people, depts) for r in rows]
        )
        return 0
    today = now()
    print_table(
        ["id", "P", "title", "direction", "department", "status", "votes", "age", "author"],
        [
            [r.id, f"P{r.priority}", r.title, backlog.DIRECTION_LABELS[r.direction], r.department, r.status,
             r.votes, f"{backlog.age_days(r.created, today)}d", r.author]
            for r in rows
        ],
    )  # fmt: skip
    return 0


def list_observations(store: Store, args: argparse.Namespace) -> int:
    from .core import schedule
    from .core.notes import observations

    if not args.visit:
        raise CliError("name the visit: shadow list observations --visit ID")
    visit = schedule.get_visit(store, args.visit)
    people = directory.names_by_id(store, Person.TABLE)
    notes = observations(store, visit.id)
    items = [
        {"id": o.id, "visit_id": o.visit_id, "author": people.get(o.author_id, f"#{o.author_id}"),
         "side": o.side, "kind": o.kind, "text": o.text, "at": o.at}
        for o in notes
    ]  # fmt: skip
    if args.json:
        print_json(items)
        return 0
    print_table(
        ["id", "side", "author", "kind", "text"],
        [[i["id"], SIDE_LABELS[i["side"]], i["author"], i["kind"], i["text"]] for i in items],
    )
    return 0


def list_kudos(store: Store, args: argparse.Namespace) -> int:
    from .core.models import Kudos

    people = directory.names_by_id(store, Person.TABLE)
    items = [
        {"id": k["id"], "to": people.get(k["to_id"]), "from": people.get(k["from_id"]), "text": k["text"],
         "visit_id": k.get("visit_id"), "created": k.get("created")}
        for k in sorted(store.all(Kudos.TABLE), key=lambda k: k.get("created", ""))
    ]  # fmt: skip
    if args.json:
        print_json(items)
        return 0
    print_table(
        ["id", "to", "from", "for"], [[i["id"], i["to"], i["from"], i["text"]] for i in items]
    )
    return 0


def _jargon_warning(text: str, direction_to_library: bool) -> None:
    from .core.plain import check_text, summarise

    if direction_to_library:
        findings = check_text(text)
        if findings:
            print(f"  plain language: {summarise(findings)}")


def cmd_observe(args: argparse.Namespace) -> int:
    from .core import notes

    store = open_store(args)
    actor = acting_person(store, args)
    oid = notes.observe(store, actor, args.visit, args.text, args.kind)
    print(f"noted #{oid} on visit #{args.visit} ({SIDE_LABELS[actor.side]} side, {args.kind})")
    _jargon_warning(args.text, actor.side == "it")
    return 0


def cmd_observation(args: argparse.Namespace) -> int:
    from .core import notes

    if args.text is None and args.kind is None:  # argument misuse: exit 2, like argparse
        print("shadow observation edit: error: give the new TEXT, --kind, or both", file=sys.stderr)
        return 2
    store = open_store(args)
    actor = acting_person(store, args)
    before = store.get("observations", args.id)
    obs = notes.edit_observation(store, actor, args.id, text=args.text, kind=args.kind)
    if before is not None and (before["text"], before["kind"]) == (obs.text, obs.kind):
        print(f"nothing changed: note #{obs.id} already reads so")
        return 0
    print(f"note #{obs.id} on visit #{obs.visit_id} changed ({obs.kind})")
    if args.text is not None:
        _jargon_warning(obs.text, actor.side == "it")
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    from .core import backlog

    store = open_store(args)
    actor = acting_person(store, args)
    values: dict[str, Any] = {"title": args.title, "description": args.description or ""}
    for key in ("direction", "visit", "department", "impact", "urgency"):
        if getattr(args, key):
            values[key] = getattr(args, key)
    values["risks"] = args.risk or []
    values["tags"] = args.tag or []
    if args.visit:  # a visit, or one occurrence of a series (20@2026-12-16)
        values["visit"] = visit_record(store, actor.name, args.visit)
    s = backlog.suggestion_from_input(store, values)
    sid = backlog.add(store, actor, s)
    saved = backlog.get(store, sid)
    print(f"suggestion #{sid}: {saved.title} — {backlog.priority_reason(saved)}")
    _jargon_warning(f"{saved.title}\n{saved.description}", saved.direction == "it-to-library")
    return 0


def cmd_suggestion(args: argparse.Namespace) -> int:
    from . import cli_sla
    from .core import backlog

    if args.action in ("wait", "resume"):
        return cli_sla.cmd_wait(args, "suggestions")
    store = open_store(args)
    if args.action == "show":
        s = backlog.get(store, args.id)
        people = directory.names_by_id(store, Person.TABLE)
        depts = directory.names_by_id(store, Department.TABLE)
        item = suggestion_json(store.get("suggestions", s.id), people, depts)
        service_levels = cli_sla.suggestion_sla(store, s.id)
        if args.json:
            print_json(item | service_levels | {"history": store.audit("suggestions", s.id)})
            return 0
        for key in ("title", "description", "priority_reason", "status", "reason", "direction", "department",
                    "author", "tags", "voters", "duplicate_of", "merged_from"):  # fmt: skip
            value = item[key]
            if value not in (None, "", []):
                print(
                    f"{key.replace('_', ' '):>15}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
                )
        cli_sla.print_suggestion_sla(service_levels)
        return 0
    if args.action == "vote":
        votes = backlog.vote(store, acting_person(store, args), args.id, withdraw=args.withdraw)
        print(f"suggestion #{args.id} has {count(votes, 'vote')}")
        return 0
    actor = acting(store, args)
    if args.action == "status":
        s = backlog.set_status(store, actor, args.id, args.status, args.reason or "")
        print(f"suggestion #{s.id} is now {s.status}")
        return 0
    if args.action == "merge":
        survivor = backlog.merge(store, actor, args.id, args.into)
        print(f"merged #{args.id} into #{survivor.id} ({count(len(survivor.votes), 'vote')})")
        return 0
    # set
    s = backlog.get(store, args.id)
    values: dict[str, Any] = {}
    for key in ("impact", "urgency", "direction", "department", "title", "description"):
        if getattr(args, key, None):
            values[key] = getattr(args, key)
    if args.override_impact is not None:
        values["impact_override"] = "" if args.override_impact == "none" else args.override_impact
    if args.risk is not None:
        values["risks"] = [] if args.risk == ["none"] else args.risk
    if args.tag:
        values["tags"] = list(s.tags) + args.tag
    if not values:
        raise CliError(
            "nothing to change: give --impact, --urgency, --risk, --override-impact, --tag ..."
        )
    updated = backlog.suggestion_from_input(store, values, s)
    if not backlog.update(store, actor, updated):
        print(f"nothing changed: suggestion #{s.id} already reads so")
        return 0
    print(f"suggestion #{s.id}: {backlog.priority_reason(updated)}")
    return 0


def cmd_kudos(args: argparse.Namespace) -> int:
    from .core import notes

    store = open_store(args)
    actor = acting_person(store, args)
    to = directory.find_person(store, args.to)
    kid = notes.give_kudos(
        store,
        actor,
        to,
        args.text,
        visit_id=visit_record(store, actor.name, args.visit) if args.visit else None,
    )
    print(f"kudos #{kid} to {to.name} recorded for the next meeting")
    return 0


def cmd_check_text(args: argparse.Namespace) -> int:
    from .core.plain import check_text

    text = args.text if args.text != "-" else read_stdin()
    if args.replace:
        from .core.plain import replace_all

        print(replace_all(text))
        return 0
    findings = check_text(text)
    if args.json:
        print_json([{"term": f.term, "found": f.found, "start": f.start, "end": f.end, "plain": f.plain,
                     "note": f.note} for f in findings])  # fmt: skip
        return 0
    if not findings:
        print("no jargon found")
        return 0
    for f in findings:
        print(f'{f.found}: say "{f.plain}"' + (f" ({f.note})" if f.note else ""))
    return 0


# ------------------------------------------------------------------ actions and reports
def action_json(view: Any) -> dict[str, Any]:
    a = view.action
    return {
        "id": a.id,
        "title": a.title,
        "owner": view.owner,
        "owner_id": a.owner_id,
        "due": a.due,
        "status": a.status,
        "overdue": view.overdue,
        "due_soon": view.due_soon,
        "department": view.department or None,
        "suggestion_id": a.suggestion_id,
        "observation_id": a.observation_id,
        "visit_id": a.visit_id,
        "from": view.origin,
        "notes": a.notes,
        "reason": a.reason,
        "done_at": a.done_at,
    }


def list_actions(store: Store, args: argparse.Namespace) -> int:
    from .core import actions

    found = actions.views(store)
    if args.owner:
        owner = directory.find_person(store, args.owner)
        found = [v for v in found if v.action.owner_id == owner.id]
    if args.overdue:
        found = [v for v in found if v.overdue]
    if args.status:
        if args.status not in ("open", "in progress", "done", "dropped"):
            raise CliError("action status must be one of: open, in progress, done, dropped")
        found = [v for v in found if v.action.status == args.status]
    if args.department:
        dept = directory.find_department(store, args.department)
        found = [v for v in found if v.department == dept.name]
    items = [action_json(v) for v in found]
    if args.json:
        print_json(items)
        return 0
    print_table(
        ["id", "due", "title", "owner", "status", "department"],
        [
            [
                i["id"],
                (i["due"] or "") + (" OVERDUE" if i["overdue"] else ""),
                i["title"],
                i["owner"],
                i["status"],
                i["department"] or "",
            ]  # fmt: skip
            for i in items
        ],
    )
    return 0


def cmd_action(args: argparse.Namespace) -> int:
    from . import cli_sla
    from .core import actions, backlog

    if args.action in ("wait", "resume"):
        return cli_sla.cmd_wait(args, "actions")
    store = open_store(args)
    actor = acting(store, args)
    if args.action == "add":
        values: dict[str, Any] = {
            "title": args.title,
            "owner": args.owner,
            "notes": args.notes or "",
        }
        for key in ("due", "suggestion", "observation", "visit"):
            if getattr(args, key):
                values[key] = getattr(args, key)
        if args.visit:
            values["visit"] = visit_record(store, actor, args.visit)
        action = actions.action_from_input(store, values, dayfirst=dayfirst())
        aid = actions.add(store, actor, action)
        due = f", due {action.due}" if action.due else ""
        print(
            f"action #{aid}: {action.title} ({directory.find_person(store, action.owner_id).name}{due})"
        )
        return 0
    if args.action in ("start", "done", "drop", "reopen"):
        status = {"start": "in progress", "done": "done", "drop": "dropped", "reopen": "open"}[
            args.action
        ]
        outcome = actions.set_status(
            store, actor, args.id, status, getattr(args, "reason", "") or ""
        )
        print(outcome.message)
        if outcome.suggestion_ready:
            if getattr(args, "close_suggestion", False):
                backlog.set_status(
                    store, actor, outcome.suggestion_ready, "done", "all its actions are done"
                )
                print(f"suggestion #{outcome.suggestion_ready} is now done")
            else:
                print(
                    f"that was the last open action of suggestion #{outcome.suggestion_ready}; mark it done with "
                    f"'shadow suggestion status {outcome.suggestion_ready} done' (or pass --close-suggestion)"
                )
        return 0
    base = actions.get(store, args.id)
    values = {}
    if args.action == "reassign":
        values["owner"] = args.owner
    elif args.action == "due":
        values["due"] = args.due
    elif args.action == "note":
        values["notes"] = (base.notes + "\n" if base.notes else "") + args.text
    updated = actions.action_from_input(store, values, base, dayfirst=dayfirst())
    if not actions.update(store, actor, updated):
        print(f"nothing changed: action #{base.id} already reads so")
        return 0
    print(f"action #{base.id} updated")
    return 0


def _window(args: argparse.Namespace) -> tuple[Any, Any]:
    from .core import dates

    start = (
        dates.parse_moment(args.from_, dayfirst=dayfirst(), future=False).value
        if args.from_
        else None
    )
    end = None
    if args.to:
        moment = dates.parse_moment(args.to, dayfirst=dayfirst(), future=False)
        end = moment.value if moment.has_time else moment.value + timedelta(days=1)
    return start, end


def cmd_report(args: argparse.Namespace) -> int:
    from . import cli_sla, cli_twoway
    from .core import dates, reports

    store = open_store(args)
    if args.kind in cli_sla.REPORT_KINDS:
        return cli_sla.cmd_report(args, store)
    if args.kind in cli_twoway.REPORT_KINDS:
        return cli_twoway.cmd_report(args, store)
    if args.kind == "coverage":
        return report_coverage(store, args)
    if args.kind == "gap":
        return report_gap(store, args)
    if args.kind == "sla":
        start, end = _window(args)
        report = reports.sla_report(store, start, end)
        if args.json:
            print_json(report)
            return 0
        for kind in ("priority", "department"):
            print(f"by {kind}:")
            print_table(
                [
                    kind,
                    "raised",
                    "triaged in time",
                    "triage late",
                    "resolved in time",
                    "resolve late",
                    "breach rate",
                    "median days over",
                ],  # fmt: skip
                [
                    [
                        r[kind],
                        r["suggestions"],
                        r["triaged_within"],
                        r["triage_breached"],
                        r["resolved_within"],
                        r["resolve_breached"],
                        f"{r['breach_rate']:.0%}",
                        r["median_days_over"],
                    ]  # fmt: skip
                    for r in report[kind]
                ],
            )
            print()
        cli_sla.print_waiting(report)
        return 0
    if args.kind == "meeting":
        since = (
            dates.parse_moment(args.since, dayfirst=dayfirst(), future=False).value
            if args.since
            else dates.now() - timedelta(days=14)
        )
        text = reports.meeting_pack(store, since)
        if args.out:
            write_out(Path(args.out), text.encode("utf-8"))
            print(f"wrote {args.out}")
        else:
            sys.stdout.write(text)
        return 0
    raise CliError(f"unknown report {args.kind!r}")


# ------------------------------------------------------------------ coverage, planner, surveys
def report_coverage(store: Store, args: argparse.Namespace) -> int:
    from .core import coverage

    cov = coverage.compute(store, find_programme(store, args.programme))
    if args.json:
        print_json(coverage.as_json(cov))
        return 0
    marks = {"fresh": "●", "ageing": "◐", "stale": "○", "never": "·"}
    print(
        f"coverage as of {cov.as_of}: ● visited recently  ◐ due soon  ○ overdue  · never"
        "  (+ a visit is booked)"
    )
    headers = ["IT person"] + [d.name[:12] for d in cov.departments]

    def mark(cell: coverage.Cell) -> str:
        return marks[cell.state] + ("+" if cell.booked else "")

    print_table(
        headers,
        [[p.name] + [mark(cov.cells[(p.id, d.id)]) for d in cov.departments] for p in cov.people],
    )
    print()
    for g in cov.goals:
        share = f"{g.met / g.required:.0%}" if g.required else "100%"
        print(f"goal: {g.description}: {g.met}/{g.required} ({share})")
    return 0


def report_gap(store: Store, args: argparse.Namespace) -> int:
    from .core import surveys

    rows = surveys.report(store)
    if args.json:
        print_json(surveys.as_json(rows))
        return 0
    if not rows:
        print("no surveys yet (shadow survey add ...)")
        return 0
    print("gap = expectation - perception (1-5 scales; above 0: IT fell short)")
    print_table(
        ["department", "responses", "gap before", "gap after", "closed by"],
        [[r.department, r.responses, r.before if r.before is not None else "-",
          r.after if r.after is not None else "-", r.change if r.change is not None else "-"] for r in rows],
    )  # fmt: skip
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    from .core import dates, planner

    store = open_store(args)
    programme = find_programme(store, args.programme)
    start = dates.parse_day(args.from_ or planner.DEFAULT_START, dayfirst=dayfirst(), future=False)
    end = (
        dates.parse_day(args.to, dayfirst=dayfirst()) if args.to else start + planner.DEFAULT_RANGE
    )
    length = dates.parse_duration(args.for_) if args.for_ else planner.DEFAULT_LENGTH
    result = planner.plan(
        store, programme, start, end, length=length, max_per_week=args.max_per_week
    )
    people = directory.names_by_id(store, Person.TABLE)
    depts = directory.names_by_id(store, Department.TABLE)
    applied: list[int] = []
    if args.apply and result.proposals:
        applied = planner.apply(store, acting(store, args), result, programme)
    if args.json:
        print_json(
            {
                "pairs": result.pairs,
                "placed": result.placed,
                "applied": applied,
                "proposals": [
                    {
                        "department": depts.get(p.department_id),
                        "visitors": [people.get(v) for v in p.visitors],
                        "hosts": [people.get(h) for h in p.hosts],
                        "start": dates.to_iso(p.start),
                        "end": dates.to_iso(p.end),
                    }  # fmt: skip
                    for p in result.proposals
                ],
                "unplaced": [
                    {
                        "person": people.get(u.person_id),
                        "department": depts.get(u.department_id),
                        "reason": u.reason,
                    }
                    for u in result.unplaced
                ],
            }
        )
        return 0
    print(
        f"{count(result.pairs, 'pair')} to cover between {start} and {end}; {result.placed} placed in {count(len(result.proposals), 'visit')}"
    )
    for p in result.proposals:
        print(f"  {dates.format_span(p.start, p.end)}  {depts.get(p.department_id)}: "
              f"{', '.join(people.get(v, '?') for v in p.visitors)} (host {', '.join(people.get(h, '?') for h in p.hosts)})")  # fmt: skip
    for u in result.unplaced:
        print(
            f"  not placed: {people.get(u.person_id)} at {depts.get(u.department_id)}: {u.reason}"
        )
    if applied:
        print(f"booked {count(len(applied), 'visit')} as requested")
    elif result.proposals:
        print("nothing booked: add --apply to book these as requested")
    return 0


def cmd_survey(args: argparse.Namespace) -> int:
    from .core import surveys

    store = open_store(args)
    if args.action == "list":
        from .core.models import Survey

        people = directory.names_by_id(store, Person.TABLE)
        depts = directory.names_by_id(store, Department.TABLE)
        items = [
            {"id": d["id"], "department": depts.get(d["department_id"]), "respondent": people.get(d["respondent_id"]),
             "phase": d["phase"], "visit_id": d.get("visit_id"), "expectation": d["expectation"],
             "perception": d["perception"], "gap": round(surveys.gap(Survey.from_doc(d)), 2), "answered": d["answered"]}
            for d in store.all(Survey.TABLE)
        ]  # fmt: skip
        if args.json:
            print_json(items)
        else:
            print_table(["id", "department", "respondent", "phase", "gap", "answered"],
                        [[i["id"], i["department"], i["respondent"], i["phase"], i["gap"], i["answered"][:10]] for i in items])  # fmt: skip
        return 0
    actor = acting_person(store, args)
    sid = surveys.record(
        store,
        actor,
        args.department,
        args.phase,
        surveys.parse_scores(args.expect, "--expect"),
        surveys.parse_scores(args.perceive, "--perceive"),
        visit_id=visit_record(store, actor.name, args.visit) if args.visit else None,
    )
    print(f"survey #{sid} recorded ({args.phase}, {args.department})")
    return 0


def cmd_goals(args: argparse.Namespace) -> int:
    from .core import coverage

    store = open_store(args)
    pid = find_programme(store, args.programme)
    if args.set is not None:
        if pid is None:
            from .core import programmes

            progs = programmes.every(store)
            if len(progs) != 1:
                raise CliError(
                    "name the programme whose goals to set (see 'shadow programme list')"
                )
            pid = progs[0].id
        try:
            goals = json.loads(args.set)
        except ValueError as exc:
            raise CliError(
                f'--set takes JSON, e.g. \'[{{"type": "cadence", "days": 365}}]\' ({exc})'
            ) from None
        coverage.set_goals(store, acting(store, args), pid, goals)
    goals = coverage.programme_goals(store, pid)
    depts = directory.names_by_id(store, Department.TABLE)
    if args.json:
        print_json(goals)
    else:
        for g in goals:
            print(coverage.describe_goal(g, depts))
    return 0


def run_tui(args: argparse.Namespace) -> int:
    """Open the TUI (the only path that imports Textual)."""
    if args.demo:
        import tempfile

        from .core.sample import DEMO_ACTOR, load_sample

        with tempfile.TemporaryDirectory(prefix="shadow-demo-") as tmp:
            store = Store(Path(tmp) / "demo.json")
            load_sample(store, "shadow demo")
            actor = directory.find_person(store, DEMO_ACTOR)
            from .tui.app import create_app

            create_app(store, actor, demo=True).run()
            store.close()
        return 0
    store = open_store(args)
    actor = directory.resolve_actor(store, args.as_name)
    from .tui.app import create_app

    create_app(store, actor).run()
    store.close(fold=True, fold_limit=None)  # on exit the snapshot alone is the database
    return 0


# ------------------------------------------------------------------ argument parser
EPILOG = """\
database: --db PATH, else $SHADOW_DB, else {default}
identity: --as NAME, else $SHADOW_USER, else the person you picked in the TUI

examples:
  shadow demo                                   load the sample programme
  shadow person add "Ada Lee" --side it --role "Help desk level 1"
  shadow department add Circulation --hours "Mon-Fri 09:00-17:00" --capacity 3
  shadow list people --json
  shadow import people staff.csv
"""


def build_parser() -> argparse.ArgumentParser:
    from . import cli_sla, cli_twoway

    parser = Parser(
        prog="shadow",
        description="Run IT job-shadowing and tour programmes for libraries. "
        "With no command, opens the terminal interface.",
        epilog=EPILOG.format(default=default_db_path()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"shadow {__version__}")
    parser.add_argument("--db", metavar="PATH", help="database file to use")
    parser.add_argument("--as", dest="as_name", metavar="NAME", help="act as this person")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the TUI on a temporary copy of the sample programme (touches no real data)",
    )
    parser.add_argument("--send", action="store_true", help="then send queued mail (see outbox)")
    sub = parser.add_subparsers(dest="command", metavar="command")

    def json_flag(p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help="print a JSON array (each item has id)")
        p.add_argument("--all", action="store_true", help="include inactive records")

    p = sub.add_parser("demo", help="load the sample programme into an empty database")
    p.add_argument("--force", action="store_true", help="replace existing records (backup first)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser(
        "list",
        help="list people, departments, visits, suggestions, observations, actions or kudos",
        description="List records. Visits default to today and the next 90 days; "
        "repeating visits are listed once per occurrence.",
    )
    p.add_argument(
        "what",
        choices=[
            "people",
            "departments",
            "visits",
            "suggestions",
            "observations",
            "kudos",
            "actions",
        ],
    )
    json_flag(p)
    p.add_argument(
        "--from", dest="from_", metavar="PHRASE", help="visits from this day (default today)"
    )
    p.add_argument("--to", metavar="PHRASE", help="visits up to this day (default 90 days on)")
    p.add_argument("--person", metavar="NAME", help="visits this person visits or hosts")
    p.add_argument(
        "--department", metavar="NAME", help="visits to / suggestions about this department"
    )
    p.add_argument("--status", help="visit status, or suggestion status (or 'open' / 'closed')")
    p.add_argument("--text", help="suggestions containing this text")
    p.add_argument("--priority", type=int, choices=[1, 2, 3, 4, 5])
    p.add_argument("--direction", choices=DIRECTIONS)
    p.add_argument("--tag")
    p.add_argument("--author", metavar="NAME")
    p.add_argument("--sort", default="priority", help="suggestions: priority, title, direction, department, "
                   "status, votes, age, author, id (default priority)")  # fmt: skip
    p.add_argument("--reverse", action="store_true")
    p.add_argument("--visit", metavar="ID", type=visit_key, help="observations of this visit")
    p.add_argument("--owner", metavar="NAME", help="actions owned by this person")
    p.add_argument("--overdue", action="store_true", help="only overdue actions")
    p.add_argument(
        "--sla", choices=["breached", "at risk"], help="suggestions by service-level state"
    )
    p.set_defaults(func=cmd_list, read_only=True)

    # person
    person = sub.add_parser("person", help="add, edit, list or deactivate people")
    psub = person.add_subparsers(dest="action", metavar="action", required=True)

    def person_fields(p: argparse.ArgumentParser, *, adding: bool) -> None:
        if adding:
            p.add_argument("--side", required=True, choices=SIDES, help="it or library")
        else:
            p.add_argument("--name", help="new name")
            p.add_argument("--side", choices=SIDES)
        p.add_argument("--role", help='e.g. "Help desk level 1", "Library technician"')
        p.add_argument(
            "--department",
            help="library department (for IT staff, a team name if no such department)",
        )
        p.add_argument("--team", help="IT team, e.g. Service Desk")
        p.add_argument("--email")
        if not adding:
            p.add_argument("--active", choices=["yes", "no"])

    p = psub.add_parser("add", help="add a person")
    p.add_argument("name", metavar="NAME")
    person_fields(p, adding=True)
    p = psub.add_parser("edit", help="change a person (by name or id)")
    p.add_argument("person", metavar="PERSON")
    person_fields(p, adding=False)
    p = psub.add_parser("list", help="list people")
    p.set_defaults(read_only=True)
    json_flag(p)
    for verb in ("deactivate", "reactivate"):
        p = psub.add_parser(verb, help=f"{verb} a person (nothing is deleted)")
        p.add_argument("person", metavar="PERSON")
    person.set_defaults(func=cmd_person)

    # department
    dept = sub.add_parser("department", help="add, edit, list or deactivate departments")
    dsub = dept.add_subparsers(dest="action", metavar="action", required=True)

    def department_fields(p: argparse.ArgumentParser, *, adding: bool) -> None:
        if not adding:
            p.add_argument("--name", help="new name")
        p.add_argument("--branch", help="branch or location")
        p.add_argument(
            "--side",
            choices=["library", "it"],
            help="library department (default) or an IT team visited by library staff",
        )
        p.add_argument("--liaison", metavar="PERSON", help="who coordinates its side of the programme")
        p.add_argument(
            "--liaison-since", metavar="DATE", help="liaison since YYYY-MM-DD (default: today)"
        )
        p.add_argument("--capacity", help="most visitors at once (default 2)")
        p.add_argument(
            "--hours", help='weekly opening hours, e.g. "Mon-Fri 09:00-17:00; Sat 10:00-14:00"'
        )
        p.add_argument("--host", action="append", metavar="NAME", help="a host (repeat for more)")
        p.add_argument("--notes", help="what visitors should see")
        p.add_argument(
            "--closed", metavar="DATES", help="closure days, YYYY-MM-DD, comma-separated"
        )
        if not adding:
            p.add_argument("--no-hosts", action="store_true", help="remove all hosts")
            p.add_argument("--active", choices=["yes", "no"])

    p = dsub.add_parser("add", help="add a department")
    p.add_argument("name", metavar="NAME")
    department_fields(p, adding=True)
    p = dsub.add_parser(
        "edit", help="change a department (by name or id); --host replaces the hosts"
    )
    p.add_argument("department", metavar="DEPARTMENT")
    department_fields(p, adding=False)
    p = dsub.add_parser("list", help="list departments")
    p.set_defaults(read_only=True)
    json_flag(p)
    for verb in ("deactivate", "reactivate"):
        p = dsub.add_parser(verb, help=f"{verb} a department (nothing is deleted)")
        p.add_argument("department", metavar="DEPARTMENT")
    cli_twoway.register_department(dsub)
    dept.set_defaults(func=cmd_department)

    # visits
    visit = sub.add_parser(
        "visit",
        help="book, reschedule, confirm, complete or cancel visits; find free slots",
        description="Dates are phrases: 'tomorrow 9am', 'tue 10:00', '24/11/2026 14:00', "
        "'in 3 days 11:00', '2027-03-04 10:00'. Durations: 90m, 2h, 1h30.",
    )
    vsub = visit.add_subparsers(dest="action", metavar="action", required=True)
    p = vsub.add_parser(
        "add",
        help="book a visit (checked for conflicts first)",
        description="Book a visit. Hard conflicts (someone in two places at once) always stop it; "
        "soft ones (outside hours, closure day, over capacity, host load, too close together) "
        "stop it unless --force --reason TEXT is given.",
    )
    p.add_argument("--department", required=True, metavar="NAME")
    p.add_argument(
        "--visitor",
        action="append",
        required=True,
        metavar="NAME",
        help="IT visitor (repeat for more)",
    )
    p.add_argument(
        "--host",
        action="append",
        metavar="NAME",
        help="host (repeat; default: the department's hosts)",
    )
    p.add_argument("--when", required=True, metavar="PHRASE", help="start, e.g. 'tue 10:00'")
    p.add_argument(
        "--for", dest="for_", metavar="DURATION", help="length, e.g. 90m, 2h (default 2h)"
    )
    p.add_argument("--end", metavar="PHRASE", help="end time instead of --for, e.g. 12:30")
    p.add_argument(
        "--repeat",
        metavar="RULE-OR-PHRASE",
        help="e.g. 'fortnightly until 1/3/2027', 'first monday monthly', FREQ=WEEKLY;INTERVAL=2",
    )
    p.add_argument("--kind", default="tour", choices=VISIT_KINDS)
    p.add_argument("--purpose", metavar="TEXT", help="what to see")
    p.add_argument("--programme", metavar="NAME")
    p.add_argument(
        "--force", action="store_true", help="save despite soft conflicts (needs --reason)"
    )
    p.add_argument("--reason", metavar="TEXT", help="why the soft conflicts are acceptable")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="show the interpreted booking and every conflict; save nothing",
    )
    p = vsub.add_parser("reschedule", help="move a visit, keeping its record, notes and history")
    p.add_argument("id", metavar="ID", type=visit_key)
    p.add_argument("--when", required=True, metavar="PHRASE")
    p.add_argument("--for", dest="for_", metavar="DURATION")
    p.add_argument(
        "--on", metavar="DATE", help="only the occurrence of a repeating visit on this day"
    )
    p.add_argument("--force", action="store_true")
    p.add_argument("--reason", metavar="TEXT")
    for verb, what in (
        ("confirm", "confirmed"),
        ("complete", "completed"),
        ("cancel", "cancelled"),
        ("no-show", "a no-show"),
        ("reopen", "open again after a mistake (completed/no-show -> confirmed, cancelled -> requested)"),
    ):  # fmt: skip
        p = vsub.add_parser(
            verb,
            help=f"mark a visit {what} (a series, or one occurrence: ID@DATE or --on DATE)",
        )
        p.add_argument(
            "id",
            metavar="ID",
            type=visit_key,
            help="a visit id, or ID@YYYY-MM-DD for one occurrence",
        )
        p.add_argument(
            "--on", metavar="DATE", help="only the occurrence of a repeating visit on this day"
        )
        needed = verb in ("cancel", "reopen")
        p.add_argument(
            "--reason", metavar="TEXT", required=needed, help="why (kept in the history)"
        )
    p = vsub.add_parser("show", help="a visit's details and history")
    p.set_defaults(read_only=True)
    p.add_argument("id", metavar="ID", type=visit_key)
    p.add_argument("--json", action="store_true")
    p = vsub.add_parser("slots", help="the next free slots that pass every check")
    p.set_defaults(read_only=True)
    p.add_argument("--department", required=True, metavar="NAME")
    p.add_argument("--visitor", action="append", required=True, metavar="NAME")
    p.add_argument("--host", action="append", metavar="NAME")
    p.add_argument("--for", dest="for_", metavar="DURATION", help="length (default 2h)")
    p.add_argument("--from", dest="from_", metavar="PHRASE", help="search from (default now)")
    p.add_argument("--count", type=whole_number(1, 100), default=5)
    p.add_argument("--json", action="store_true")
    visit.set_defaults(func=cmd_visit)

    p = sub.add_parser("observe", help="write down what you saw on a visit (your side is recorded)")
    p.add_argument("visit", metavar="VISIT", type=visit_key)
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--kind", default="workflow seen", choices=OBSERVATION_KINDS)
    p.set_defaults(func=cmd_observe)

    p = sub.add_parser(
        "observation",
        help="correct a note you wrote (observation edit ID [TEXT] [--kind K])",
        description="Only a note's author can change it; the history keeps what it said before.",
    )
    osub = p.add_subparsers(dest="action", metavar="action", required=True)
    p = osub.add_parser("edit", help="change the text or kind of your own note")
    p.add_argument("id", metavar="ID", type=record_id)
    p.add_argument("text", metavar="TEXT", nargs="?", help="the new text (default: unchanged)")
    p.add_argument("--kind", choices=OBSERVATION_KINDS)
    p.set_defaults(func=cmd_observation)

    p = sub.add_parser(
        "suggest",
        help="raise a suggestion for the backlog",
        description="Priority comes from the ITIL matrix of impact x urgency (P1 critical ... P5 planning); "
        "any financial, compliance or reputation risk raises impact one level.",
    )
    p.add_argument("--title", required=True)
    p.add_argument("--description")
    p.add_argument("--visit", metavar="ID", type=visit_key, help="the visit it came from")
    p.add_argument("--department", metavar="NAME")
    p.add_argument("--direction", choices=DIRECTIONS, help="default: from your side to the other")
    p.add_argument("--impact", choices=LEVELS, default="medium")
    p.add_argument("--urgency", choices=LEVELS, default="medium")
    p.add_argument("--risk", action="append", choices=RISKS, help="repeat for more")
    p.add_argument("--tag", action="append", help="repeat for more")
    p.set_defaults(func=cmd_suggest)

    sug = sub.add_parser("suggestion", help="triage suggestions: status, vote, merge, set, show")
    ssub = sug.add_subparsers(dest="action", metavar="action", required=True)
    q = ssub.add_parser(
        "status", help="move a suggestion along its lifecycle (declined needs --reason)"
    )
    q.add_argument("id", metavar="ID", type=record_id)
    q.add_argument("status", choices=[x for x in SUGGESTION_STATUSES if x != "duplicate"])
    q.add_argument("--reason", metavar="TEXT")
    q = ssub.add_parser("vote", help="vote for a suggestion (one vote each)")
    q.add_argument("id", metavar="ID", type=record_id)
    q.add_argument("--withdraw", action="store_true", help="take your vote back")
    q = ssub.add_parser("merge", help="merge a duplicate into the suggestion it repeats")
    q.add_argument("id", metavar="DUPLICATE", type=record_id)
    q.add_argument("into", metavar="SURVIVOR", type=record_id)
    q = ssub.add_parser("set", help="change impact, urgency, risks, tags ...")
    q.add_argument("id", metavar="ID", type=record_id)
    q.add_argument("--title")
    q.add_argument("--description")
    q.add_argument("--impact", choices=LEVELS)
    q.add_argument("--urgency", choices=LEVELS)
    q.add_argument(
        "--override-impact", choices=[*LEVELS, "none"], help="reviewer's impact, ignoring risks"
    )
    q.add_argument("--risk", action="append", choices=[*RISKS, "none"], help="replaces the risks")
    q.add_argument("--tag", action="append", help="add a tag")
    q.add_argument("--direction", choices=DIRECTIONS)
    q.add_argument("--department", metavar="NAME")
    q = ssub.add_parser("show", help="a suggestion's details")
    q.set_defaults(read_only=True)
    q.add_argument("id", metavar="ID", type=record_id)
    q.add_argument("--json", action="store_true")
    cli_sla.register_wait(ssub, "suggestion")
    sug.set_defaults(func=cmd_suggestion)

    p = sub.add_parser("kudos", help="thank someone publicly (read out at the next meeting)")
    p.add_argument("--to", required=True, metavar="NAME")
    p.add_argument("text", metavar="FOR")
    p.add_argument("--visit", metavar="ID", type=visit_key)
    p.set_defaults(func=cmd_kudos)

    p = sub.add_parser("check-text", help="find IT jargon in a text and offer plain words")
    p.add_argument("text", metavar="TEXT", help="the text, or - to read standard input")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--replace", action="store_true", help="print the text with plain words in place of jargon"
    )
    p.set_defaults(func=cmd_check_text)

    p = sub.add_parser(
        "plan",
        help="propose visits that close the coverage gaps (--apply books them as requested)",
        description="Plan the gaps: for a programme and a date range, propose visits covering every "
        "(IT person, department) pair the goals ask for, within opening hours, capacity, host load caps, "
        "existing bookings, buffers and each person's weekly maximum. Pairs that cannot be placed are listed "
        "with the reason.",
    )
    p.add_argument("--programme", metavar="NAME", help="whose goals (default: the first programme)")
    p.add_argument("--from", dest="from_", metavar="PHRASE", help="first day (default tomorrow)")
    p.add_argument("--to", metavar="PHRASE", help="last day (default 8 weeks on)")
    p.add_argument("--for", dest="for_", metavar="DURATION", help="visit length (default 2h)")
    p.add_argument(
        "--max-per-week",
        type=whole_number(1, 50),
        metavar="N",
        help="visits per person per week (default: setting, 2)",
    )
    p.add_argument("--apply", action="store_true", help="book the proposals as requested")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser(
        "survey", help="host surveys: expectation vs perception of IT's communication"
    )
    vsub2 = p.add_subparsers(dest="action", metavar="action", required=True)
    q = vsub2.add_parser(
        "add",
        help="record a survey answer (scores 1-5 for: plain language, listening, "
        "understanding of our work, follow-through)",
    )
    q.add_argument("--department", required=True, metavar="NAME")
    q.add_argument("--phase", required=True, choices=["before", "after"])
    q.add_argument(
        "--expect", required=True, metavar="S,S,S,S", help="what you expect, e.g. 4,4,3,5"
    )
    q.add_argument(
        "--perceive", required=True, metavar="S,S,S,S", help="what you experienced, e.g. 3,4,2,4"
    )
    q.add_argument("--visit", metavar="ID", type=visit_key)
    q = vsub2.add_parser("list", help="list survey answers")
    q.set_defaults(read_only=True)
    q.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_survey)

    p = sub.add_parser("goals", help="show or set a programme's coverage goals (JSON)")
    p.add_argument("programme", nargs="?", metavar="PROGRAMME")
    p.add_argument("--set", metavar="JSON", help='e.g. [{"type": "cadence", "days": 365}]')
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_goals)

    p = sub.add_parser("programme", help="add or list programmes (a season of visits)")
    prsub = p.add_subparsers(dest="action", metavar="action", required=True)
    q = prsub.add_parser("add", help="add a programme")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--description")
    q.add_argument("--start", metavar="DATE")
    q.add_argument("--end", metavar="DATE")
    q = prsub.add_parser("list", help="list programmes")
    q.set_defaults(read_only=True)
    q.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_programme)

    p = sub.add_parser(
        "export",
        help="export visits as iCalendar, tables as CSV, or the programme as Markdown",
        description="shadow export ics | shadow export csv suggestions|actions|visits|observations | "
        "shadow export md [--programme NAME]. CSV is UTF-8 with a header row; cells a spreadsheet "
        "would run as a formula are prefixed with an apostrophe.",
    )
    p.add_argument("format", choices=["ics", "csv", "md"])
    p.add_argument("what", nargs="?", help="for csv: suggestions, actions, visits or observations")
    p.add_argument(
        "--programme", metavar="NAME", help="for md: one programme (default: everything)"
    )
    p.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")
    p.add_argument("--person", metavar="NAME", help="for ics: only the visits this person is on")
    p.set_defaults(func=cmd_export, read_only=True)

    act = sub.add_parser(
        "action", help="follow-up actions: add, start, done, drop, reopen, reassign, due, note"
    )
    asub = act.add_subparsers(dest="action", metavar="action", required=True)
    q = asub.add_parser("add", help="add an action to a suggestion, note or visit")
    q.add_argument("title", metavar="TITLE")
    q.add_argument("--owner", required=True, metavar="NAME")
    q.add_argument("--due", metavar="PHRASE", help="e.g. 'fri', 'in 2 weeks', 'end of month'")
    q.add_argument("--suggestion", metavar="ID", type=record_id)
    q.add_argument("--observation", metavar="ID", type=record_id)
    q.add_argument("--visit", metavar="ID", type=visit_key)
    q.add_argument("--notes")
    for verb, text in (
        ("start", "mark in progress"),
        ("done", "mark done"),
        ("reopen", "open again"),
    ):
        q = asub.add_parser(verb, help=text)
        q.add_argument("id", metavar="ID", type=record_id)
        if verb == "reopen":
            q.add_argument(
                "--reason", required=True, metavar="TEXT", help="why (kept in the history)"
            )
        if verb == "done":
            q.add_argument("--close-suggestion", action="store_true",
                           help="if this was the suggestion's last open action, mark the suggestion done")  # fmt: skip
    q = asub.add_parser("drop", help="drop an action (needs --reason)")
    q.add_argument("id", metavar="ID", type=record_id)
    q.add_argument("--reason", required=True, metavar="TEXT")
    q = asub.add_parser("reassign", help="give an action to someone else")
    q.add_argument("id", metavar="ID", type=record_id)
    q.add_argument("owner", metavar="NAME")
    q = asub.add_parser("due", help="change the due date")
    q.add_argument("id", metavar="ID", type=record_id)
    q.add_argument("due", metavar="PHRASE")
    q = asub.add_parser("note", help="add a line to an action's notes")
    q.add_argument("id", metavar="ID", type=record_id)
    q.add_argument("text", metavar="TEXT")
    cli_sla.register_wait(asub, "action")
    act.set_defaults(func=cmd_action)

    p = sub.add_parser(
        "report",
        help="reports: sla, meeting (the fortnightly pack), coverage, gap (expectation vs perception)",
        description="shadow report sla [--from PHRASE] [--to PHRASE] [--json]: per priority and department, "
        "how many were triaged and resolved within target. shadow report meeting [--since PHRASE] "
        "[--out FILE.md]: the Technical Implementation Group's agenda as Markdown. "
        "shadow report coverage [--programme NAME] [--json]: when each IT person last visited each "
        "department, against the programme's goals. shadow report gap [--json]: per department, "
        "what library staff expect of IT's communication minus what they experienced, before and "
        "after visits." + cli_sla.REPORT_HELP + cli_twoway.REPORT_HELP,
    )
    p.add_argument("kind", choices=["sla", "meeting", "coverage", "gap", *cli_sla.REPORT_KINDS,
                                    *cli_twoway.REPORT_KINDS])  # fmt: skip
    cli_sla.register_report(p)
    cli_twoway.register_report(p)
    p.add_argument("--programme", metavar="NAME", help="coverage: against this programme's goals")
    p.add_argument("--from", dest="from_", metavar="PHRASE", help="sla: suggestions raised from")
    p.add_argument("--to", metavar="PHRASE", help="sla: suggestions raised up to")
    p.add_argument(
        "--since", metavar="PHRASE", help="meeting: the last meeting (default 14 days ago)"
    )
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", metavar="FILE")
    p.set_defaults(func=cmd_report, read_only=True)

    p = sub.add_parser(
        "settings",
        help="show or change settings",
        description="With no arguments, shows every setting. dayfirst (yes/no) is yours; "
        "buffer_minutes, host_week_cap and host_month_cap are the programme's, stored in the database, "
        "as are the service-level settings: " + cli_sla.SETTINGS_HELP + ".",
    )
    p.add_argument("key", nargs="?")
    p.add_argument("value", nargs="?")
    p.set_defaults(func=cmd_settings)

    p = sub.add_parser(
        "import",
        help="import people or departments from CSV (all or nothing)",
        description="Import from a CSV file with a header row. One bad row rejects the whole "
        "file, naming the line and field; nothing is written. People columns: "
        + ", ".join(directory.PERSON_FIELDS)
        + " (name and side required). Department columns: "
        + ", ".join(directory.DEPARTMENT_FIELDS)
        + " (name required; hosts are names separated by commas, inside quotes). "
        "Import departments before the people who work in them.",
    )
    p.add_argument("kind", choices=["people", "departments"])
    p.add_argument("file", metavar="FILE.csv")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("check", help="verify the database file (schema, references, duplicates)")
    p.set_defaults(func=cmd_check, read_only=True)

    p = sub.add_parser("history", help="show the audit trail (who changed what, old -> new)")
    p.add_argument("entity", nargs="?", help="people, departments, ... (default: everything)")
    p.add_argument("id", nargs="?", type=record_id, help="one record's id")
    p.add_argument(
        "--limit",
        type=whole_number(0, 10**9),
        default=50,
        help="last N entries (0 = all; default 50)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(func=cmd_history, read_only=True)

    p = sub.add_parser("backup", help="write a backup copy now (the last 5 are kept)")
    p.add_argument("--out", metavar="FILE", help="write it to FILE instead of the backups folder")
    p.set_defaults(func=cmd_backup, read_only=True)

    p = sub.add_parser(
        "restore", help="make a backup the current database (the current one is backed up first)"
    )
    p.add_argument("backup", metavar="BACKUP", help="a backup file (e.g. from backups/)")
    p.set_defaults(func=cmd_restore)

    from . import cli_outbox, cli_secondment, cli_users, serve

    cli_users.register(sub)
    serve.register(sub)
    cli_outbox.register(sub)
    cli_secondment.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _run(parser, args)
    stdout = sys.stdout
    sys.stdout = _SafeOutput(stdout)
    try:
        return _run(parser, args)
    finally:
        sys.stdout = stdout


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    try:
        if args.command is None:
            return run_tui(args)
        if args.demo:
            parser.error("--demo opens the TUI; it takes no command")
        status = args.func(args)
        if args.send and status == 0:
            from . import cli_outbox

            cli_outbox.send_after(args)
        return status
    except ValidationError as exc:
        report_error(one_line(exc))
        return 1
    except (StoreError, UserError, CliError) as exc:
        report_error(exc)
        return 1
    except KeyboardInterrupt:
        print("shadow: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    finally:
        close_stores()
