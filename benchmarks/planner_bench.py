"""Planner benchmark: 60 IT staff x 25 departments over one quarter.

    .venv/bin/python benchmarks/planner_bench.py [--it 60] [--departments 25] [--runs 3] [--json]

The case is built to be feasible (enough opening hours, hosts and capacity for
every pair within the weekly maximum), so the planner must place every pair.
Target: a plan in under 5 s here. Prints the timing of each run, the pairs
placed, and re-checks every proposal against the booking rules.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from dateutil import tz

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shadow.core import directory, planner, schedule  # noqa: E402
from shadow.core.models import Person, Programme, Visit  # noqa: E402
from shadow.core.store import Store  # noqa: E402

TARGET_SECONDS = 5.0


def build(path: Path, it: int, departments: int) -> Store:
    store = Store(path)
    with store.transaction("bench") as tx:
        hosts = [
            tx.insert("people", Person(name=f"Host {n}", side="library").to_doc())
            for n in range(departments * 2)
        ]
        for n in range(it):
            tx.insert(
                "people", Person(name=f"IT {n}", side="it", role="Help desk level 2").to_doc()
            )
        for n in range(departments):
            dept = directory.department_from_input(
                store, {"name": f"Department {n}", "hours": "Mon-Fri 09:00-17:00", "capacity": "4"}
            )
            dept.hosts = hosts[2 * n : 2 * n + 2]
            tx.insert("departments", dept.to_doc())
        tx.insert(
            "programmes",
            Programme(name="Quarter", goals=[{"type": "cadence", "days": 365}]).to_doc(),
        )
        tx.set_setting("planner.max_per_week", 3)
    return store


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--it", type=int, default=60)
    parser.add_argument("--departments", type=int, default=25)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("TZ", "UTC")
    now = datetime(2027, 1, 4, 8, 0, tzinfo=tz.gettz(os.environ["TZ"]))
    start, end = date(2027, 1, 4), date(2027, 3, 31)
    with tempfile.TemporaryDirectory() as tmp:
        store = build(Path(tmp) / "plan.json", args.it, args.departments)
        timings = []
        result = None
        for _ in range(args.runs):
            t0 = time.perf_counter()
            result = planner.plan(store, 1, start, end, now=now)
            timings.append(time.perf_counter() - t0)
        assert result is not None
        ids = planner.apply(store, "bench", result, 1)
        broken = 0
        for vid in ids:
            v = Visit.from_doc(store.get("visits", vid))
            if schedule.check(store, v, ignore={vid}):
                broken += 1
        figures = {
            "pairs": result.pairs,
            "placed": result.placed,
            "unplaced": len(result.unplaced),
            "visits": len(result.proposals),
            "rule_breaks": broken,
            "seconds_each": [round(t, 3) for t in timings],
            "seconds_median": round(statistics.median(timings), 3),
            "target_seconds": TARGET_SECONDS,
        }
    ok = figures["unplaced"] == 0 and broken == 0 and figures["seconds_median"] < TARGET_SECONDS
    if args.json:
        print(json.dumps(figures | {"pass": ok}, indent=2))
    else:
        print(f"{args.it} IT staff x {args.departments} departments, {start} .. {end}")
        print(f"pairs {figures['pairs']}, placed {figures['placed']} in {figures['visits']} visits, "
              f"unplaced {figures['unplaced']}, rule breaks {broken}")  # fmt: skip
        print(
            f"plan time: {', '.join(f'{t:.2f} s' for t in timings)} (median {figures['seconds_median']:.2f} s)"
        )
        print(
            f"{'PASS' if ok else 'FAIL'}  every pair placed, no rule broken, under {TARGET_SECONDS:.0f} s"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
