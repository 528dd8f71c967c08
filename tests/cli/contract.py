"""The CLI's public contract: every command, flag, choice and JSON field people script against.

``python -m tests.cli.contract > tests/cli/cli_contract.json`` records it; the test checks the
current CLI still offers everything recorded (new commands, flags and fields may be added).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from pathlib import Path
from typing import Any


def walk(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> dict[str, Any]:
    """Command path -> its options, positionals and choices."""
    out: dict[str, Any] = {}
    entry: dict[str, Any] = {"options": {}, "positionals": []}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out.update(walk(sub, (*path, name)))
            continue
        choices = sorted(map(str, action.choices)) if action.choices else None
        if action.option_strings:
            for opt in action.option_strings:
                entry["options"][opt] = choices
        else:
            entry["positionals"].append({"dest": action.dest, "choices": choices})
    out[" ".join(path)] = entry
    return out


# (command line, is the output a JSON array of records?) run against the sample programme
JSON_COMMANDS: list[list[str]] = [
    ["list", "people", "--json"],
    ["list", "departments", "--json"],
    ["list", "visits", "--json"],
    ["list", "suggestions", "--json"],
    ["list", "observations", "--visit", "1", "--json"],
    ["list", "kudos", "--json"],
    ["list", "actions", "--json"],
    ["report", "sla", "--json"],
    ["report", "coverage", "--json"],
    ["report", "gap", "--json"],
    ["history", "--json"],
]


def keys_of(value: Any, prefix: str = "") -> set[str]:
    """Every key path in a JSON value (lists are looked through)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{prefix}.{key}" if prefix else str(key)
            found.add(here)
            found |= keys_of(item, here)
    elif isinstance(value, list):
        for item in value:
            found |= keys_of(item, prefix + "[]")
    return found


def json_fields(db: Path) -> dict[str, list[str]]:
    from shadow.cli import main

    fields: dict[str, list[str]] = {}
    for argv in JSON_COMMANDS:
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            code = main(["--db", str(db), *argv])
        if code != 0:
            raise SystemExit(f"{argv}: exit {code}")
        fields[" ".join(argv)] = sorted(keys_of(json.loads(buf.getvalue())))
    return fields


def record(db: Path) -> dict[str, Any]:
    from shadow.cli import build_parser

    return {"commands": walk(build_parser()), "json": json_fields(db)}


if __name__ == "__main__":  # pragma: no cover - regenerates the recorded contract
    import tempfile

    from shadow.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "shadow.json"
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            main(["--db", str(db), "--as", "contract", "demo"])
        json.dump(record(db), sys.stdout, indent=1, sort_keys=True)
        sys.stdout.write("\n")
