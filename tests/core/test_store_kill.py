"""Kill test: writers killed with SIGKILL at 100+ random moments lose no acknowledged write.

The harness is benchmarks/kill_bench.py (one home); this runs it with 120 kills. The
benchmark run of 1,000 kills is the same script with --kills 1000.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL and select on pipes are POSIX")
def test_120_kills_lose_no_acknowledged_write_and_damage_nothing(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "kill_bench.py"), "--kills", "120",
         "--json", "--dir", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert result.stdout.strip(), result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["kills"] == 120
    assert figures["acknowledged"] > 500, figures
    assert figures["lost"] == 0, (figures, result.stderr[-2000:])
    assert figures["damaged"] == 0, (figures, result.stderr[-2000:])
    assert figures["writer_failures"] == 0, (figures, result.stderr[-2000:])
    assert result.returncode == 0
