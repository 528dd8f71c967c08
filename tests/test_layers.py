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


POSIX_ONLY = {"fcntl", "termios", "pwd", "grp", "resource", "posix", "tty", "pty"}


def test_no_posix_only_module_is_imported_at_module_top():
    """shadow imports on Windows too: POSIX-only modules only inside functions, if at all."""
    import ast

    found = []
    for path in sorted((ROOT / "shadow").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module level only
            names = []
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module.split(".")[0]]
            found += [f"{path.relative_to(ROOT)}: {n}" for n in names if n in POSIX_ONLY]
    assert found == []
