"""Hostile input for the command line: a shared corpus and the battery that feeds it.

``TEXTS`` (strings a person, a paste or an attacker may type) and ``DATES_AND_IDS``
(values where a date or a record id is expected) are fed to every argument of every
``shadow`` command that takes text, an id or a date. The commands are found by walking
the argparse tree of :func:`shadow.cli.build_parser`, so a new command is covered
without being listed here. Each run is in-process (``shadow.cli.main``) against a
fresh copy of the sample database, and must end with no uncaught exception, exit
status 0, 1 or 2, at most one line on stderr when the status is 1, and no raw
control character (C0 other than newline, DEL, C1, bidi embedding/override/isolate)
on standard output or standard error.

``tests/cli/test_hostile.py`` runs a deterministic slice of the cross product that
still gives every argument several values and every corpus entry at least one run.
The whole battery, with its figures, is::

    .venv/bin/python -m tests.hostile            # every argument x every corpus value
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# ------------------------------------------------------------------ the corpus
ESC = "\x1b"

TEXTS: list[str] = [
    # markup a terminal toolkit might interpret
    "[red]x",
    "[/]",
    "[TODO]",
    "[bold red]alarm[/bold red]",
    "[link=https://example.org]click[/link]",
    "[@click=app.quit]quit[/]",
    "\\[escaped]",
    "<b>bold</b><script>alert(1)</script>",
    "**md** _x_ `code` # heading",
    # terminal escapes
    ESC + "[31mred" + ESC + "[0m",
    ESC + "[2J" + ESC + "[H cleared",
    ESC + "]0;owned title\x07",
    ESC + "]8;;https://evil.example\x07link" + ESC + "]8;;\x07",
    ESC + "]52;c;ZXZpbA==\x07",
    ESC + "P+q544e\x1b\\",
    ESC + "c reset",
    ESC + "[6n",
    "\x9b31m C1 CSI",
    "\x9d0;title\x9c",
    "bell\x07bell",
    "nul\x00byte",
    "back\x08space",
    "del\x7fete",
    "vertical\x0btab\x0cfeed",
    "".join(chr(c) for c in range(0x80, 0xA0)),
    "x\x85next line",
    # bidi controls (Trojan source) and invisible characters
    "abc\u202edcba",
    "\u202aleft\u202c \u202bright\u202c",
    "\u202dforce\u202c",
    "\u2066isolate\u2069 \u2067rtl\u2069 \u2068first\u2069",
    "zero\u200bwidth\u200cjoin\u200dzwj\ufeffbom",
    "\u200e\u200fmarks",
    "line\u2028separator\u2029para",
    "\u00a0non-breaking\u00a0",
    "soft\u00adhyphen",
    # line breaks and tabs
    "two\nlines",
    "carriage\rreturn",
    "crlf\r\nline",
    "\n",
    "trailing\n",
    "tab\tseparated\tvalues",
    "\t",
    # empty, blank, long
    "",
    " ",
    "   \t  ",
    "\u3000\u2003",
    "x" * 121,
    "y" * 201,
    "z" * 10_001,
    "word " * 3000,
    # surrogates (what invalid UTF-8 in argv turns into) and other odd code points
    "\udcff\udcfe",
    "bad\udc80utf8",
    "\ud800",
    "\U0010ffff\ufffe\uffff",
    "\ufffd replacement",
    # scripts, emoji, combining marks
    "Zoë Ångström-Øre",
    "図書館の本",
    "도서관",
    "مكتبة عامة",
    "ספרייה",
    "e\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301 zalgo",
    "👩🏽‍💻📚🏳️‍🌈",
    "😀" * 50,
    "𝕳𝖊𝖑𝖑𝖔",
    "ﷺ ﷽",
    # injection and format-string lookalikes
    "'; DROP TABLE people; --",
    "Robert'); DROP TABLE students;--",
    '" OR 1=1 --',
    "$(rm -rf ~)",
    "`id`",
    "; ls -la | cat /etc/passwd",
    "%s %d %n %x",
    "{0} {} {name}",
    "{{}}",
    "${HOME} %PATH%",
    "\\n \\x1b \\u202e",
    # JSON and CSV fragments
    '{"id": 1, "name": "x"}',
    "[1, 2, 3]",
    "null",
    '"quoted"',
    '=HYPERLINK("http://evil")',
    "+1+1",
    "@SUM(A1:A9)",
    'a,b,"c"',
    # paths and option lookalikes
    "../../etc/passwd",
    "/dev/null",
    "C:\\Windows\\System32",
    "~/x",
    "-",
    "--",
    "-x",
    "--help",
    "--db=/tmp/other.json",
    "-1",
    "#",
    "#1",
]

DATES_AND_IDS: list[str] = [
    # ids that are not plain ASCII integers
    "²",
    "①",
    "٣",
    "１２",
    "Ⅻ",
    "৩",
    "9" * 5000,
    "1" + "0" * 30,
    "abc",
    "-1",
    "0",
    "00",
    "1e9",
    "1.0",
    "0x10",
    " 1 ",
    "1 2",
    "#0",
    "##1",
    "+1",
    "1_000",
    "١",
    "20@2026-12-16",
    "1@2026-02-31",
    "1@0001-01-01",
    "1@9999-12-31",
    "1@",
    "@2026-12-16",
    "1@2026-12-16@x",
    # dates at the edge of the calendar, impossible dates and times
    "0001-01-01",
    "0001-01-01 00:00",
    "9999-12-31",
    "9999-12-31 23:59",
    "99999-01-01",
    "0000-01-01",
    "31/02/2026",
    "29/02/2027",
    "24:61",
    "25:00",
    "2026-12-16 24:00",
    "2026-13-01",
    "in 100000 years",
    "in 999999999999 days",
    "in 9999 years",
    "100000 years ago",
    "in 10000000 hours",
    "in 99999999999999999999 minutes",
    "now",
    "tomorrow 9am",
    "1/1/1",
    "31/12/9999 23:59",
    "1/1/0000",
    "dec 31 9999",
    "jan 1 0001",
    "²/①/٣",
    "2026-12-16T10:00+99:99",
    "2026-12-16T10:00:00+14:00",
    "1e400",
    "tue 99:99",
    "next blue moon",
]

# What must never reach a terminal raw: C0 controls other than newline, DEL, C1
# controls, bidi embeddings/overrides/isolates (and lone surrogates, which cannot
# be encoded at all). A CR directly before LF is a line end (iCalendar and CSV
# documents use CRLF), not a carriage return that overwrites the line.
FORBIDDEN = re.compile(
    r"(?!\r\n)[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)

INVALID_UTF8 = b"caf\xe9 \xff\xfe\x80 \xc3\x28 ok\n"


# ------------------------------------------------------------------ walking the parser
KINDS = ("id", "date", "text")
_ID_WORDS = ("id", "visit", "suggestion", "observation", "into", "duplicate", "survivor")
_DATE_WORDS = ("date", "when", "start", "end", "due", "since", "until", "from", "to", "on",
               "phrase", "for", "duration", "repeat")  # fmt: skip
_PATH_DESTS = {"db", "out", "file"}  # file names are not fed hostile strings here


def _words(action: argparse.Action) -> list[str]:
    names = [action.dest, str(action.metavar or "")]
    names += [s.lstrip("-") for s in action.option_strings]
    return [w for n in names for w in re.split(r"[^a-z0-9]+", n.lower()) if w]


def kind_of(action: argparse.Action) -> str | None:
    """id, date or text for an argument that takes one of those; None for the rest."""
    if action.nargs == 0 or action.choices is not None or action.dest in _PATH_DESTS:
        return None
    if isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
        return None
    if action.type not in (None, str):  # int, record_id, whole_number, ...: a number
        return "id"
    # the metavar says what a person is asked for (--to NAME vs --to PHRASE); then the names
    meta = _words_of(str(action.metavar or ""))
    if any(w in _ID_WORDS for w in meta):
        return "id"
    if any(w in ("phrase", "date", "dates", "duration", "rule") for w in meta):
        return "date"
    if meta:
        return "text"
    words = _words(action)
    if any(w in _ID_WORDS for w in words):
        return "id"
    if any(w in _DATE_WORDS for w in words):
        return "date"
    return "text"


def _words_of(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w]


@dataclass(frozen=True)
class Target:
    """One argument of one command: ``path`` is the words before the options."""

    path: tuple[str, ...]
    dest: str
    option: str | None  # None for a positional
    kind: str
    parser: argparse.ArgumentParser = field(compare=False, hash=False, repr=False)
    action: argparse.Action = field(compare=False, hash=False, repr=False)

    @property
    def name(self) -> str:
        return " ".join(self.path) + " " + (self.option or self.dest.upper())


# Commands that run until stopped (a server) cannot be called in-process here: a valid
# --host/--port would start serving. Their arguments are tested in tests/serve/.
LONG_RUNNING = {("serve",)}


def _leaves(
    parser: argparse.ArgumentParser, path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    if path in LONG_RUNNING:
        return
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
        return
    for sub in subs:
        seen: set[int] = set()
        for name, child in sub.choices.items():
            if id(child) in seen:
                continue  # an alias
            seen.add(id(child))
            yield from _leaves(child, (*path, name))


def _positional_choices(parser: argparse.ArgumentParser) -> list[list[str]]:
    """A leaf like ``list WHAT`` or ``export FORMAT`` is one command per choice (choices
    that come before any other positional; later ones get a valid value)."""
    out: list[list[str]] = [[]]
    for a in parser._actions:
        if a.option_strings or isinstance(a, argparse._SubParsersAction):
            continue
        if a.choices is None or a.nargs is not None:
            break
        out = [[*o, str(c)] for o in out for c in a.choices]
    return out


def targets(parser: argparse.ArgumentParser | None = None) -> list[Target]:
    """Every (command, argument) that takes an id, a date or text, walking the whole tree."""
    from shadow.cli import build_parser

    root = parser or build_parser()
    found: list[Target] = []
    for a in root._actions:
        kind = kind_of(a) if a.option_strings else None
        if kind:
            found.append(Target((), a.dest, a.option_strings[-1], kind, root, a))
    for path, leaf in _leaves(root, ()):
        if not path:
            continue
        for extra in _positional_choices(leaf):
            for a in leaf._actions:
                kind = kind_of(a)
                if kind is None:
                    continue
                option = a.option_strings[-1] if a.option_strings else None
                found.append(Target((*path, *extra), a.dest, option, kind, leaf, a))
    return found


# ------------------------------------------------------------------ valid values
# What a required argument gets when another argument is the one under test. Keyed by
# dest, then by the command for the few that differ; anything else gets "1" for an
# id, "2027-03-02 10:00" for a date and a plain word for text.
PERSON = "Callum Murray"  # IT staff in the sample
HOST = "Marcus Webb"  # hosts Circulation
BASELINE: dict[str, str] = {
    "department": "Circulation",
    "visitor": PERSON,
    "host": HOST,
    "to": PERSON,
    "owner": PERSON,
    "person": PERSON,
    "as_name": "Siobhán O'Connell",
    "when": "2027-03-02 10:00",
    "title": "A plain title",
    "text": "A plain note",
    "name": "A new name",
    "expect": "4,4,3,5",
    "perceive": "3,4,2,4",
    "reason": "because",
    "due": "2027-03-05",
    "key": "buffer_minutes",
    "value": "20",
    "id": "1",
    "visit": "1",
    "into": "2",
    "entity": "visits",
    "status": "under review",
    "what": "suggestions",
    "programme": "Smell the disinfectant 2026-27",
}


def baseline(target_path: tuple[str, ...], action: argparse.Action) -> str:
    kind = kind_of(action)
    if action.choices is not None:
        if BASELINE.get(action.dest) in action.choices:
            return BASELINE[action.dest]
        return str(next(iter(action.choices)))
    if action.dest in BASELINE:
        return BASELINE[action.dest]
    return {"id": "1", "date": "2027-03-02 10:00"}.get(kind or "text", "plain")


def argv_for(target: Target, value: str) -> list[str]:
    """The command line that gives ``value`` to ``target`` and valid values to the rest."""
    if not target.path:  # a global option
        return [f"{target.option}={value}", "list", "people"]
    options: list[str] = []
    positionals: list[str] = []
    leading = len(_positional_choices(target.parser)[0])
    for a in target.parser._actions:
        if isinstance(a, argparse._SubParsersAction):
            continue
        if not a.option_strings:
            if a.choices is not None and a.nargs is None and not positionals and leading:
                leading -= 1
                continue  # already in the path (list WHAT, export FORMAT)
            if a is target.action:
                positionals.append(value)
            elif a.nargs in (None, "?"):
                positionals.append(baseline(target.path, a))
        elif a is target.action:
            # "--opt=value": a value that starts with "-" stays a value, as a person would write it
            options.append(f"{target.option}={value}")
        elif a.required:
            options.append(f"{a.option_strings[-1]}={baseline(target.path, a)}")
    if any(p.startswith("-") for p in positionals):
        return [*target.path, *options, "--", *positionals]
    return [*target.path, *options, *positionals]


# ------------------------------------------------------------------ one run
@dataclass
class Run:
    argv: list[str]
    code: int | None
    out: str
    err: str
    crash: str = ""  # the traceback of an uncaught exception

    @property
    def multiline_error(self) -> bool:
        return self.code == 1 and self.err.count("\n") > 1

    @property
    def raw_control(self) -> bool:
        return bool(FORBIDDEN.search(self.out) or FORBIDDEN.search(self.err))

    @property
    def ok(self) -> bool:
        return (
            not self.crash
            and self.code in (0, 1)
            and not self.multiline_error
            and not self.raw_control
        )

    def describe(self) -> str:
        what = []
        if self.crash:
            what.append("traceback:\n" + self.crash)
        if self.code not in (0, 1):
            what.append(f"exit {self.code}")
        if self.multiline_error:
            what.append(f"multi-line error: {self.err!r}")
        if self.raw_control:
            what.append(f"raw control: out={self.out[-300:]!r} err={self.err!r}")
        return f"{self.argv!r}: " + "; ".join(what)


class _Stream(io.TextIOWrapper):
    """A captured stream that fails on unencodable text like a UTF-8 terminal does."""

    def __init__(self, errors: str = "strict", data: bytes | None = None):
        super().__init__(io.BytesIO(data or b""), encoding="utf-8", errors=errors,
                         newline="\n", write_through=True)  # fmt: skip

    def isatty(self) -> bool:
        return False

    def text(self) -> str:
        self.flush()
        return self.buffer.getvalue().decode("utf-8", "surrogateescape")  # type: ignore[attr-defined]


def run_cli(argv: list[str], stdin: bytes | None = None) -> Run:
    """``shadow.cli.main(argv)`` in this process, with stdio captured as real UTF-8 streams."""
    from shadow.cli import main

    old = sys.stdin, sys.stdout, sys.stderr
    # stdout is strict and stderr backslash-replaces, as Python sets them up on a UTF-8 terminal
    out, err = _Stream("strict"), _Stream("backslashreplace")
    sys.stdin = _Stream("strict", stdin)
    sys.stdout, sys.stderr = out, err
    crash = ""
    try:
        code: int | None = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - counting every escape is the point
        code, crash = None, traceback.format_exc()
    finally:
        sys.stdin, sys.stdout, sys.stderr = old
    try:
        text_out = out.text()
    except Exception:  # noqa: BLE001
        text_out = ""
    return Run(argv, code, text_out, err.text(), crash)


# ------------------------------------------------------------------ the sample database
def prepare_sample(folder: Path) -> Path:
    """Load the sample programme into ``folder/sample.json`` once (copied for every run)."""
    from shadow.core.sample import load_sample
    from shadow.core.store import Store

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sample.json"
    store = Store(path)
    load_sample(store, "shadow demo")
    store.close()
    return path


def fresh_copy(sample: Path, folder: Path) -> Path:
    """A private copy of the sample database (snapshot and journal) in ``folder``."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for item in sample.parent.iterdir():
        if item.is_file() and item.name.startswith(sample.name):
            shutil.copy2(item, folder / item.name)
    return folder / sample.name


def run_target(target: Target, value: str, sample: Path, work: Path) -> list[Run]:
    """``value`` given to ``target`` (and, for text, ``-`` with invalid UTF-8 on stdin)."""
    db = fresh_copy(sample, work)
    runs = [run_cli(["--db", str(db), *argv_for(target, value)])]
    return runs


def run_stdin(target: Target, sample: Path, work: Path) -> Run:
    db = fresh_copy(sample, work)
    return run_cli(["--db", str(db), *argv_for(target, "-")], stdin=INVALID_UTF8)


# ------------------------------------------------------------------ CSV import
def csv_cases() -> list[tuple[str, bytes]]:
    """(kind, file bytes): hostile cells in every column, and broken files."""
    from shadow.core.directory import DEPARTMENT_FIELDS, PERSON_FIELDS

    cases: list[tuple[str, bytes]] = []
    for kind, fields, good in (
        ("people", PERSON_FIELDS, {"name": "Csv Person", "side": "it"}),
        ("departments", DEPARTMENT_FIELDS, {"name": "Csv Dept"}),
    ):
        header = ",".join(fields)
        for n, column in enumerate(fields):
            for value in TEXTS[n % 4 :: 4] + DATES_AND_IDS[n % 8 :: 8]:
                row = {f: good.get(f, "") for f in fields} | {column: value}
                cells = ['"' + row[f].replace('"', '""') + '"' for f in fields]
                text = header + "\n" + ",".join(cells) + "\n"
                cases.append((kind, text.encode("utf-8", "surrogatepass")))
        cases += [
            (kind, INVALID_UTF8),
            (kind, b""),
            (kind, b"\x00\x00\x00"),
            (kind, header.encode() + b'\n"unterminated\n'),
            (kind, header.encode() + b"\n" + b"x" * 200_000 + b"\n"),
            (kind, ("\ufeff" + header + "\n").encode()),
            (kind, (ESC + "[31m," + header + "\n").encode()),
            (kind, header.encode("utf-16")),
        ]
    return cases


def run_csv(kind: str, payload: bytes, sample: Path, work: Path) -> Run:
    db = fresh_copy(sample, work)
    csv_file = work / "import.csv"
    csv_file.write_bytes(payload)
    return run_cli(["--db", str(db), "import", kind, str(csv_file)])


# ------------------------------------------------------------------ the whole battery
def values_for(index: int, stride: int) -> list[str]:
    """A deterministic slice of the corpus for the ``index``-th target."""
    corpus = TEXTS + DATES_AND_IDS
    return [v for i, v in enumerate(corpus) if i % stride == index % stride]


def battery(stride: int = 1) -> dict[str, int]:  # pragma: no cover - a tool, run by hand
    import tempfile

    counts = {"runs": 0, "tracebacks": 0, "multi-line errors": 0, "raw controls": 0, "bad exit": 0}
    examples: dict[str, list[str]] = {k: [] for k in counts}

    def count(run: Run) -> None:
        counts["runs"] += 1
        for key, bad in (
            ("tracebacks", bool(run.crash)),
            ("multi-line errors", run.multiline_error),
            ("raw controls", run.raw_control),
            ("bad exit", not run.crash and run.code not in (0, 1)),
        ):
            if bad:
                counts[key] += 1
                if len(examples[key]) < 400:
                    examples[key].append(run.describe())

    os.environ["TZ"] = "Europe/London"
    os.environ["SHADOW_USER"] = "Siobhán O'Connell"
    with tempfile.TemporaryDirectory(prefix="shadow-hostile-") as tmp:
        os.environ["SHADOW_CONFIG"] = str(Path(tmp) / "config.json")
        sample = prepare_sample(Path(tmp) / "sample")
        work = Path(tmp) / "work"
        found = targets()
        for n, target in enumerate(found):
            for value in values_for(n, stride):
                for run in run_target(target, value, sample, work):
                    count(run)
            if target.kind == "text":
                count(run_stdin(target, sample, work))
        for kind, payload in csv_cases():
            count(run_csv(kind, payload, sample, work))
    for key, items in examples.items():
        if items and key != "runs":
            print(f"--- {key} ({counts[key]})", file=sys.stderr)
            for item in items:
                print("  " + item.replace("\n", "\n    ")[:2000], file=sys.stderr)
    print(f"{len(found)} arguments; " + ", ".join(f"{k}: {v}" for k, v in counts.items()))
    return counts


if __name__ == "__main__":  # pragma: no cover
    battery(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
