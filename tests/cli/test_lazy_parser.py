"""``shadow COMMAND`` loads only the area that owns COMMAND (shadow.cli.REGISTER), and the
parser it builds reads that command's arguments as the whole parser does."""

import argparse
import subprocess
import sys

import pytest

from shadow.cli import COMMANDS, REGISTER, _command, build_parser


def _choices(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_the_table_names_every_command_in_help_order():
    assert list(_choices(build_parser())) == [c for _, _, cs in REGISTER for c in cs]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_one_command_parser_registers_its_area_only(command):
    narrow = _choices(build_parser(command))
    assert set(narrow) == {c for _, _, cs in REGISTER if command in cs for c in cs}
    whole = _choices(build_parser())
    assert narrow[command].format_help() == whole[command].format_help()


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["observe", "3", "text"], "observe"),
        (["--db", "x.json", "--as", "observe", "list", "people"], "list"),
        (["--as=Ann", "--send", "suggest", "--title", "t"], "suggest"),
        (["observe", "--help"], "observe"),
        ([], ""),
        (["--demo"], ""),
        (["--help"], None),
        (["--version"], None),
        (["obsrve"], None),
        (["--db"], None),
        (["--nope", "observe"], None),
    ],
)
def test_the_command_is_read_with_top_level_options_only(argv, command):
    assert _command(argv) == command


def test_a_command_does_not_import_other_areas():
    code = (
        "import sys; from shadow.cli import build_parser; build_parser('observe'); "
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('shadow.cli.'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(out.stdout.split())
    assert "shadow.cli.notes" in loaded
    assert not loaded & {"shadow.cli.reports", "shadow.cli.listing", "shadow.cli.actions"}


def test_list_loads_only_the_lister_it_runs(tmp_path):
    code = (
        "import sys; from shadow.cli import main; main(['--db', sys.argv[1], 'list', 'people']); "
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('shadow.cli.'))), "
        "file=sys.stderr)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "none.json")], capture_output=True, text=True
    )
    loaded = set(out.stderr.split())
    assert {"shadow.cli.listing", "shadow.cli.directory"} <= loaded
    assert not loaded & {"shadow.cli.backlog", "shadow.cli.visits", "shadow.cli.actions"}


# What a note's ``shadow observe`` has no use for, and each once cost its start a few
# milliseconds: the outbox and mail (email.utils brings socket), passwords and links
# (hashlib loads OpenSSL), the default database's path (platformdirs: only --help names
# it), the shipped files' reader (importlib.resources brings tempfile and shutil), a
# child's result (pickle), a misspelt choice (difflib).
NOT_FOR_A_NOTE = {
    "shadow.core.outbox",
    "shadow.core.mail",
    "email.utils",
    "socket",
    "hashlib",
    "secrets",
    "platformdirs",
    "importlib.resources",
    "tempfile",
    "pickle",
    "difflib",
    "smtplib",
}


def test_a_note_does_not_import_what_only_mail_passwords_or_help_need(sample_db):
    code = (
        "import sys; from shadow.cli import main; "
        "rc = main(['--db', sys.argv[1], '--as', sys.argv[2], 'observe', '1', 'A note']); "
        "print(rc, ' '.join(sorted(m for m in sys.modules)), file=sys.stderr)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, sample_db, "Siobhán O'Connell"],
        capture_output=True,
        text=True,
        check=True,
    )
    rc, *loaded = out.stderr.split()
    assert rc == "0" and "noted" in out.stdout and "shadow.core.notes" in loaded
    assert not set(loaded) & NOT_FOR_A_NOTE
