"""The import contracts in pyproject.toml ([tool.importlinter]) hold: core imports no
interface (Textual, Rich, aiohttp, shadow.tui, shadow.cli) and only the store imports
TinyDB. CI runs the same check as ``.venv/bin/lint-imports``."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    exe = Path(sys.executable).with_name("lint-imports")
    command = str(exe) if exe.exists() else shutil.which("lint-imports")
    if command is None:
        pytest.fail("lint-imports is missing: pip install -e '.[test]'")
    done = subprocess.run(
        [command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout
