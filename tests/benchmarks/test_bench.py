"""The benchmark tools work: the generator builds a valid, realistic installation
deterministically, and bench.py measures every figure (at a tiny size, no timing asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from benchmarks import bench, generate
from shadow.core import directory
from shadow.core.store import Store

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 20)


def tables(path: Path) -> dict:
    """Every table as stored, the audit trail (in a file of its own) included."""
    return generate._tables(path)


def test_the_generator_is_deterministic_and_realistic(tmp_path):
    a = generate.build(tmp_path / "a" / "shadow.json", 1500, seed=3, today=TODAY)
    b = generate.build(tmp_path / "b" / "shadow.json", 1500, seed=3, today=TODAY)
    assert tables(tmp_path / "a" / "shadow.json") == tables(tmp_path / "b" / "shadow.json")
    other = generate.build(tmp_path / "c" / "shadow.json", 1500, seed=4, today=TODAY)
    assert tables(tmp_path / "c" / "shadow.json") != tables(tmp_path / "a" / "shadow.json")
    assert a == b | {"seconds": a["seconds"]} and other["records"] > 1000
    counts = a["counts"]
    # The proportions: notes > visits > suggestions > actions > surveys, kudos.
    assert counts["observations"] > counts["visits"] > counts["suggestions"] > counts["actions"]
    assert counts["actions"] > counts["surveys"] > 0 and counts["kudos"] > 0
    assert 1300 <= a["records"] <= 1700
    assert counts["audit"] > 2 * a["records"]  # every insert and every change is audited
    assert a["votes"] > 0 and a["merges"] > 0 and a["series"] > 0 and a["overrides"] > 0
    data = tables(tmp_path / "a" / "shadow.json")
    statuses = {s["status"] for s in data["suggestions"].values()}
    assert {"new", "done", "duplicate"} <= statuses and statuses & {"accepted", "in progress"}
    assert {a["status"] for a in data["actions"].values()} >= {"open", "done"}
    assert any(v["rrule"] for v in data["visits"].values())
    assert any(v["series_id"] for v in data["visits"].values())
    assert any(v["start"] > "2026-11-21" for v in data["visits"].values())  # booked ahead
    # History is dated through the ten years, not all today.
    years = {e["ts"][:4] for e in data["audit"].values()}
    assert len(years) >= 10
    with Store(tmp_path / "a" / "shadow.json") as store:
        assert directory.check(store) == []


def test_tinydb_and_sqlite_baselines_hold_the_same_records(tmp_path):
    db = tmp_path / "shadow.json"
    generate.build(db, 400, seed=1, today=TODAY)
    generate.to_tinydb(db, tmp_path / "tiny.json")
    generate.to_sqlite(db, tmp_path / "base.db")
    from tinydb import TinyDB

    shadow_tables = tables(db)
    tiny = TinyDB(tmp_path / "tiny.json")
    assert len(tiny.table("suggestions")) == len(shadow_tables["suggestions"])
    tiny.close()
    import sqlite3

    con = sqlite3.connect(tmp_path / "base.db")
    (n,) = con.execute("SELECT count(*) FROM observations").fetchone()
    con.close()
    assert n == len(shadow_tables["observations"])


def test_bench_quick_measures_every_figure(tmp_path):
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, "benchmarks/bench.py", "--quick", "--records", "300",
         "--cache", str(tmp_path / "cache"), "--dir", str(tmp_path), "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    results = json.loads(out.read_text())
    fig = results["sizes"]["300"]
    rows = bench.rows(fig)
    assert len(rows) >= 20
    for name, _, value, _, _ in rows:
        assert value is not None and value >= 0, name
    assert fig["tui"]["runs"] == 1 and set(fig["tui"]["areas"]) >= {"schedule", "coverage"}
    # Every target row is judged in the printed table.
    judged = [r for r in rows if r[3]]
    printed = [line for line in proc.stdout.splitlines() if line.startswith("| ")]
    assert sum(("PASS" in line) or ("FAIL" in line) for line in printed) == len(judged)
    assert "targets pass" in proc.stdout
