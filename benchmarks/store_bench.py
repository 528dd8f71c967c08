"""Benchmark the shadow store against plain TinyDB, in one process, on one machine.

    .venv/bin/python benchmarks/store_bench.py [--sizes 10000 100000] [--saves N]
        [--opens N] [--baseline-saves N] [--json] [--check] [--dir DIR]

See benchmarks/README.md for what each figure means and the targets.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tinydb import TinyDB

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.generate import person  # noqa: E402 (the one person maker)
from shadow.core.store import AUDIT, META, SCHEMA_VERSION, Store, now_iso  # noqa: E402


def build(folder: Path, n: int) -> tuple[Path, Path]:
    """Write the shadow snapshot directly, and the baseline file through TinyDB."""
    rng = random.Random(n)
    ts = now_iso()
    people, audit = {}, {}
    for i in range(1, n + 1):
        people[str(i)] = dict(
            person(rng, i), created=ts, updated=ts, created_by="bench", updated_by="bench"
        )
        # The store's own bookkeeping: one audit entry per created record.
        audit[str(i)] = {
            "ts": ts,
            "actor": "bench",
            "entity": "people",
            "entity_id": i,
            "field": "*",
            "old": None,
            "new": "created",
        }
    meta = {
        "schema": SCHEMA_VERSION,
        "seq": 0,
        "created": ts,
        "next_ids": {"people": n + 1, AUDIT: n + 1},
    }
    shadow_path = folder / "shadow" / "shadow.json"
    shadow_path.parent.mkdir()
    shadow_path.write_text(
        json.dumps(
            {META: {"1": meta}, "people": people, AUDIT: audit},
            ensure_ascii=False,
            separators=(",", ":"),
        ),
        "utf-8",
    )
    base_path = folder / "baseline" / "tinydb.json"
    base_path.parent.mkdir()
    db = TinyDB(base_path)
    db.table("people").insert_multiple(people.values())
    db.close()
    return shadow_path, base_path


def pct(values: list[float], q: float) -> float:
    """Percentile with linear interpolation (q in 0..100)."""
    s = sorted(values)
    if len(s) == 1:
        return s[0]
    k = (len(s) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summary(ms: list[float]) -> dict:
    return {"p50": pct(ms, 50), "p95": pct(ms, 95), "max": max(ms), "n": len(ms)}


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def bench_shadow(path: Path, saves: int, opens: int) -> dict:
    rng = random.Random(1)
    store = Store(path)
    counter = iter(range(10**9))

    def save() -> None:
        with store.transaction("bench") as tx:
            tx.insert("people", person(rng, next(counter)))

    gc.collect()
    first = timed(save)  # may write today's backup (a full copy of the database)
    save_ms = [timed(save) for _ in range(saves)]
    store.close()

    def open_close() -> None:
        Store(path).close()

    gc.collect()
    # The journal now holds saves + 1 transactions, replayed on every open.
    open_ms = [timed(open_close) for _ in range(opens)]
    store = Store(path)
    compact_ms = timed(store.compact)
    store.close()
    return {
        "first_save_ms": first,
        "save": summary(save_ms),
        "open": summary(open_ms),
        "compact_ms": compact_ms,
        "file_bytes": path.stat().st_size,
        "backups": len(list((path.parent / "backups").glob("*.json"))),
    }


def bench_baseline(path: Path, saves: int, opens: int) -> dict:
    rng = random.Random(2)
    db = TinyDB(path)
    table = db.table("people")
    gc.collect()
    ts = now_iso()
    stamps = {"created": ts, "updated": ts, "created_by": "bench", "updated_by": "bench"}
    save_ms = [timed(lambda: table.insert(dict(person(rng, 0), **stamps))) for _ in range(saves)]
    db.close()

    def open_read() -> None:
        fresh = TinyDB(path)
        len(fresh.table("people"))  # TinyDB reads lazily: force the read
        fresh.close()

    gc.collect()
    open_ms = [timed(open_read) for _ in range(opens)]
    return {"save": summary(save_ms), "open": summary(open_ms), "file_bytes": path.stat().st_size}


def run(args: argparse.Namespace) -> dict:
    results: dict = {
        "python": platform.python_version(),
        "machine": platform.platform(),
        "sizes": {},
    }
    for n in args.sizes:
        base_saves = args.baseline_saves or (20 if n <= 10_000 else 5)
        folder = Path(tempfile.mkdtemp(prefix=f"shadow-bench-{n}-", dir=args.dir))
        try:
            t0 = time.perf_counter()
            shadow_path, base_path = build(folder, n)
            build_s = time.perf_counter() - t0
            shadow = bench_shadow(shadow_path, args.saves, args.opens)
            baseline = bench_baseline(base_path, base_saves, args.opens)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        results["sizes"][str(n)] = {
            "build_s": build_s,
            "shadow": shadow,
            "baseline": baseline,
            "save_ratio": baseline["save"]["p50"] / shadow["save"]["p50"],
        }
        gc.collect()
    results["targets"] = targets(results["sizes"])
    return results


def targets(sizes: dict) -> list[dict]:
    checks = []

    def check(name: str, size: str, value, ok) -> None:
        status = "SKIP" if size not in sizes else ("PASS" if ok(sizes[size]) else "FAIL")
        checks.append(
            {
                "target": name,
                "value": value(sizes[size]) if size in sizes else None,
                "status": status,
            }
        )

    check(
        "save at 100,000 >= 20x faster than baseline (p50 ratio)",
        "100000",
        lambda r: round(r["save_ratio"], 1),
        lambda r: r["save_ratio"] >= 20,
    )
    check(
        "save at 10,000 < 10 ms (p50)",
        "10000",
        lambda r: round(r["shadow"]["save"]["p50"], 2),
        lambda r: r["shadow"]["save"]["p50"] < 10,
    )
    check(
        "open 100,000 < 1500 ms (p50)",
        "100000",
        lambda r: round(r["shadow"]["open"]["p50"], 1),
        lambda r: r["shadow"]["open"]["p50"] < 1500,
    )
    return checks


def print_table(results: dict) -> None:
    print(f"Python {results['python']} on {results['machine']}")
    print(f"{'size':>8}  {'what':<34} {'p50 ms':>10} {'p95 ms':>10} {'max ms':>10} {'n':>5}")
    for size, r in results["sizes"].items():
        s, b = r["shadow"], r["baseline"]
        rows = [
            ("shadow save (transaction)", s["save"]),
            ("shadow first save of the day", {"p50": s["first_save_ms"], "n": 1}),
            ("shadow open Store(path)", s["open"]),
            ("shadow compact()", {"p50": s["compact_ms"], "n": 1}),
            ("baseline save table.insert", b["save"]),
            ("baseline open TinyDB + len()", b["open"]),
        ]
        for what, f in rows:
            p95 = f"{f['p95']:10.2f}" if "p95" in f else f"{'':>10}"
            mx = f"{f['max']:10.2f}" if "max" in f else f"{'':>10}"
            print(f"{int(size):>8}  {what:<34} {f['p50']:10.2f} {p95} {mx} {f['n']:>5}")
        print(
            f"{'':>8}  files: shadow snapshot {s['file_bytes'] / 1e6:.1f} MB "
            f"(people + audit), baseline {b['file_bytes'] / 1e6:.1f} MB; "
            f"built in {r['build_s']:.1f} s"
        )
    print()
    for size, r in results["sizes"].items():
        print(f"ratio baseline_save_p50 / shadow_save_p50 at {int(size):,}: {r['save_ratio']:.1f}x")
    print()
    for t in results["targets"]:
        print(f"{t['status']:4}  {t['target']}: {t['value']}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--saves", type=int, default=200, help="timed shadow saves per size")
    p.add_argument("--opens", type=int, default=7, help="timed opens per size (both stores)")
    p.add_argument(
        "--baseline-saves",
        type=int,
        default=None,
        help="timed baseline saves per size (default 20 at <=10k, else 5)",
    )
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--check", action="store_true", help="exit 1 if a target fails")
    p.add_argument("--dir", default=None, help="where to make temp dirs (default: system temp)")
    args = p.parse_args(argv)
    if args.saves < 1 or args.opens < 1 or (args.baseline_saves or 1) < 1:
        p.error("--saves, --opens and --baseline-saves must be at least 1")
    results = run(args)
    if args.json:
        json.dump(results, sys.stdout, indent=2)
        print()
    else:
        print_table(results)
    failed = any(t["status"] == "FAIL" for t in results["targets"])
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
