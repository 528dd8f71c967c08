"""Commands, flags, choices and JSON fields are a public contract: nothing recorded may vanish.

The record (``cli_contract.json``) was taken from the CLI before it was split into modules;
new commands, flags, choices and fields are free to appear.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from shadow.cli import build_parser, main
from tests.cli.contract import json_fields, walk

RECORDED = json.loads((Path(__file__).parent / "cli_contract.json").read_text("utf-8"))


def test_every_recorded_command_flag_and_choice_is_still_offered():
    now = walk(build_parser())
    missing = []
    for command, entry in RECORDED["commands"].items():
        if command not in now:
            missing.append(f"command {command!r}")
            continue
        for opt, choices in entry["options"].items():
            have = now[command]["options"]
            if opt not in have:
                missing.append(f"{command} {opt}")
            elif choices and not set(choices) <= set(have[opt] or ()):
                missing.append(f"{command} {opt} choices {sorted(set(choices) - set(have[opt]))}")
        have_pos = [p["dest"] for p in now[command]["positionals"]]
        for pos in entry["positionals"]:
            if pos["dest"] not in have_pos:
                missing.append(f"{command} <{pos['dest']}>")
    assert missing == []


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("contract") / "shadow.json"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["--db", str(db), "--as", "contract", "demo"]) == 0
    return db


def test_every_recorded_json_field_is_still_printed(sample_db):
    now = json_fields(sample_db)
    missing = {
        command: sorted(set(fields) - set(now.get(command, ())))
        for command, fields in RECORDED["json"].items()
        if set(fields) - set(now.get(command, ()))
    }
    assert missing == {}
