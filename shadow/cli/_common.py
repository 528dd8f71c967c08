"""What every command shares: safe output of user text, argument types for ids and
counts, the store a command opens, who is acting, JSON and table output, the
``CliError`` that becomes ``shadow: error: ...``, and, as methods of every parser
(``Parser``), the argument idioms every area's ``register()`` declares alike (action
subcommands and their handler, read-only commands, ``--json``, ``--out``,
``--programme``, ``--from/--to``, ``--since``, ``--for``, a record's ``ID``).
Never imports Textual."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from ..core import directory
from ..core.models import UNSAFE_CHARS, Department, Person, ValidationError
from ..core.store import Store, default_db_path
from . import versions


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


_CHOICE = re.compile(r"invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)$")
_LONG_CHOICES = 8  # more choices than this: name the likely one instead of all of them
_innermost: list[argparse.ArgumentParser] = []  # the (sub)parser that ran last


def _shorter(message: str) -> str:
    """argparse's message, with a long "choose from" list replaced by the likely choice."""
    found = _CHOICE.search(message)
    if not found:
        return message
    choices = [c.strip().strip("'") for c in found["choices"].split(",")]
    if len(choices) <= _LONG_CHOICES:
        return message
    value = found["value"].strip("'")
    import difflib  # (only when a choice is not found)

    close = difflib.get_close_matches(value, choices, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return message[: found.start()] + f"invalid choice: {found['value']}{hint}"


Handler = Callable[[argparse.Namespace], int]


class _Commands(argparse._SubParsersAction):
    """A parser's subcommands; ``add_parser(..., read_only=True)`` makes one that never
    creates or writes the database (see open_store)."""

    def add_parser(self, name: str, *, read_only: bool = False, **kwargs: Any) -> Any:  # type: ignore[override]
        p = super().add_parser(name, **kwargs)
        if read_only:
            p.set_defaults(read_only=True)
        return p


class Parser(argparse.ArgumentParser):
    """argparse, with its own refusals made the product's: one safe line (they repeat what
    was typed) naming the command's ``--help``, and exit 1 like every other refusal;
    ``--help`` and ``--version`` still exit 0.

    Every (sub)command's parser is one (argparse makes subparsers of the parent's class),
    so the argument idioms the areas share are its methods, each declared once: a flag's
    name, metavar and dest live here; where an area words a help its own way, it passes
    that text in."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.register("action", "parsers", _Commands)

    def subcommands(self, *, func: Handler | None = None, dest: str = "action") -> Any:
        """``shadow NAME ACTION ...``: the required action subcommands (returned, to add
        each action to), and ``func``, the handler every action runs."""
        if func is not None:
            self.set_defaults(func=func)
        return self.add_subparsers(dest=dest, metavar="action", required=True)

    def add_id(self, metavar: str = "ID", dest: str = "id") -> None:
        """The record the command acts on: ``12`` or ``#12`` (``record_id``)."""
        self.add_argument(dest, metavar=metavar, type=record_id)

    def add_json(self, help: str | None = None) -> None:
        """``--json``: print JSON instead of text (``help`` says which shape)."""
        self.add_argument("--json", action="store_true", help=help)

    def add_out(self, help: str | None = None) -> None:
        """``--out FILE``: where a document or report is written."""
        self.add_argument("--out", metavar="FILE", help=help)

    def add_programme(self, help: str | None = None) -> None:
        """``--programme NAME``: the programme the command is about."""
        self.add_argument("--programme", metavar="NAME", help=help)

    def add_range(self, from_help: str | None = None, to_help: str | None = None) -> None:
        """``--from PHRASE --to PHRASE``: a span of days (``args.from_``, ``args.to``; read
        with past_moment and span_end)."""
        self.add_from(from_help)
        self.add_argument("--to", metavar="PHRASE", help=to_help)

    def add_from(self, help: str | None = None) -> None:
        """``--from PHRASE`` (``args.from_``): where a span of days starts."""
        self.add_argument("--from", dest="from_", metavar="PHRASE", help=help)

    def add_since(self, help: str, metavar: str = "PHRASE") -> None:
        """``--since PHRASE``: from this moment on (read with past_moment)."""
        self.add_argument("--since", metavar=metavar, help=help)

    def add_duration(self, help: str | None = None) -> None:
        """``--for DURATION`` (``args.for_``): how long a visit lasts (90m, 2h, 1h30)."""
        self.add_argument("--for", dest="for_", metavar="DURATION", help=help)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        _innermost.append(self)  # a subcommand's parser starts after its parent's
        return super().parse_known_args(args, namespace)

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:  # type: ignore[override]
        _innermost.clear()
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:  # named by the subcommand they were given to, whose --help lists its own
            (_innermost[-1] if _innermost else self).error(
                f"unrecognized arguments: {' '.join(extras)}"
            )
        return parsed

    def _get_values(self, action: argparse.Action, arg_strings: list[str]) -> Any:
        # "--opt=--" is the value "--"; argparse (3.11) drops it as the end-of-options
        # marker and hands the handler an empty list, unconverted and unchecked.
        if action.option_strings and action.nargs is None and arg_strings == ["--"]:
            value = self._get_value(action, "--")
            self._check_value(action, value)
            return value
        return super()._get_values(action, arg_strings)

    def error(self, message: str) -> Any:  # type: ignore[override]
        line = f"{self.prog}: error: {safe_line(_shorter(message))} (see {self.prog} --help)"
        self.exit(1, line + "\n")


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
    versions.hold(store, args)  # edit/set: one read-modify-write under the lock
    return store


def close_stores() -> None:
    """Close what this command opened; a fold that fails only warns (the writes were saved)."""
    versions.release()
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


def open_as(args: argparse.Namespace) -> tuple[Store, str]:
    """The opening of a command that changes records: its store, and the audit name of
    whoever is acting (:func:`acting`)."""
    store = open_store(args)
    return store, acting(store, args)


def open_as_person(args: argparse.Namespace) -> tuple[Store, Person]:
    """The opening of a command that writes something of the actor's own (a note, a
    suggestion, a rating): its store, and the acting person (:func:`acting_person`)."""
    store = open_store(args)
    return store, acting_person(store, args)


def visit_record(store: Store, actor: str, ref: str) -> int:
    """The record a note, suggestion, kudos, survey or action about a visit points at:
    ``12``, or ``20@2026-12-16`` for one occurrence of a repeating visit."""
    from ..core import schedule

    return schedule.record_id(store, actor, ref)


def names(store: Store) -> tuple[dict[int, str], dict[int, str]]:
    """People's and departments' names by id, for printing records that point at them."""
    return (
        directory.names_by_id(store, Person.TABLE),
        directory.names_by_id(store, Department.TABLE),
    )


def print_json(items: Any) -> None:
    """JSON with a 2-space indent, as ``json.dump(indent=2, ensure_ascii=False)`` writes it,
    with unsafe characters (C1 controls, bidi overrides, ...) as ``\\u`` escapes.

    orjson writes the same text many times faster (the standard library's indenting
    encoder is pure Python); what orjson refuses (a lone surrogate, a huge integer)
    goes through ``json`` as before."""
    # Safe once escaped here (JSON escapes C0 controls itself): not scanned a second time.
    out = sys.stdout.stream if isinstance(sys.stdout, _SafeOutput) else sys.stdout
    try:
        raw = orjson.dumps(items, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
    except TypeError:
        text = json.dumps(items, ensure_ascii=False, indent=2)
    else:
        if _utf8(out) and not _unsafe_utf8(raw):  # as it is, bytes to bytes
            out.flush()
            out.buffer.write(raw + b"\n")
            return
        text = raw.decode()
    out.write(_UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


# The UTF-8 of every character _UNSAFE_JSON escapes, less the C0 controls JSON escapes
# itself: DEL and C1 (U+007F-U+009F), U+2028-U+202E, U+2066-U+2069 (orjson writes no lone
# surrogate). Found in bytes at memory speed, where a str pattern scans 20 MB slowly.
_UNSAFE_UTF8 = re.compile(b"\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]")


def _unsafe_utf8(raw: bytes) -> bool:
    if b"\x7f" not in raw and b"\xc2" not in raw and b"\xe2" not in raw:  # (memchr: fast)
        return False
    return _UNSAFE_UTF8.search(raw) is not None


def _utf8(stream: Any) -> bool:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    return encoding == "utf8" and hasattr(stream, "buffer")


def cut_cells(text: str, width: int) -> str:
    """``text`` cut to ``width`` screen columns (emoji and CJK take two), not characters."""
    from rich.cells import cell_len, set_cell_size

    return text if cell_len(text) <= width else set_cell_size(text, width).rstrip()


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


def print_items(
    args: argparse.Namespace,
    items: list[dict[str, Any]],
    headers: Sequence[str],
    row: Callable[[dict[str, Any]], Sequence[Any]] | None = None,
    *,
    shown: Mapping[str, Callable[[Any], Any]] | None = None,
) -> int:
    """A listing: with ``--json`` the items as a JSON array, else a table of ``row(item)``;
    without ``row``, each header names its item's field, shown through ``shown[header]``
    where that is given."""
    if args.json:
        print_json(items)
        return 0
    how = shown or {}

    def fields(item: dict[str, Any]) -> list[Any]:
        return [how[h](item[h]) if h in how else item[h] for h in headers]

    print_table(headers, [(row or fields)(i) for i in items])
    return 0


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


def write_out(path: Path, payload: bytes) -> None:
    """Write a whole file or nothing (temp file + rename)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_bytes(payload)
        os.replace(tmp, path)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}") from None


def past_moment(text: str | None) -> datetime | None:
    """A ``--since`` or ``--from`` phrase as a moment (a date without a year is not moved
    forward into the future); None when none was given."""
    if not text:
        return None
    from ..core import dates
    from ..core.settings import dayfirst

    return dates.parse_moment(text, dayfirst=dayfirst(), future=False).value


def span_end(text: str | None) -> datetime | None:
    """A ``--to`` phrase as where a span ends: its moment when it names a time of day,
    else the end of its day; None when none was given."""
    if not text:
        return None
    from ..core import dates
    from ..core.settings import dayfirst

    moment = dates.parse_moment(text, dayfirst=dayfirst(), future=False)
    return moment.value if moment.has_time else moment.value + timedelta(days=1)


def json_flag(p: argparse.ArgumentParser) -> None:
    """``--json`` and ``--all`` for the commands that list records."""
    p.add_argument("--json", action="store_true", help="print a JSON array (each item has id)")
    p.add_argument("--all", action="store_true", help="include inactive records")
