"""Backlog benchmark: the sample directory plus 100,000 suggestions.

    .venv/bin/python benchmarks/backlog_bench.py [--suggestions 100000] [--runs 5] [--json]

The Backlog screen reads every row once (in a worker thread, off the event
loop), then filters and sorts in memory on each keystroke and shows one page
of 200 rows. This measures those three steps in core: ``backlog.rows`` (the
one-off read, with each suggestion's service-level clocks), ``backlog.sort``,
and ``backlog.apply`` for a typed search and for the "breached" filter.
Figures are medians of ``--runs`` runs, in seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.generate import suggestion  # noqa: E402 (the one suggestion maker)
from shadow.core import backlog, directory  # noqa: E402
from shadow.core.models import Suggestion  # noqa: E402
from shadow.core.sample import load_sample  # noqa: E402
from shadow.core.store import Store  # noqa: E402


def build(path: Path, n: int) -> Store:
    """The sample programme, then ``n`` suggestions written straight into the snapshot."""
    store = Store(path)
    load_sample(store, directory.SETUP_ACTOR)
    store.compact()
    store.close()
    data = json.loads(path.read_text())
    table = data.setdefault(Suggestion.TABLE, {})
    rng = random.Random(7)
    people = [int(k) for k in data["people"]]
    first = max(map(int, table), default=0) + 1
    for i in range(first, first + n):
        ts = f"2026-{rng.randint(1, 11):02d}-{rng.randint(10, 28)}T10:00:00+00:00"
        s = suggestion(rng, i, rng.choice(people))
        s.status = rng.choice(("new", "under review", "accepted", "done"))
        doc = s.to_doc()
        doc.update(created=ts, updated=ts, created_by="bench", updated_by="bench")
        table[str(i)] = doc
    data["_meta"]["1"]["next_ids"][Suggestion.TABLE] = first + n
    path.write_text(json.dumps(data))
    return Store(path)


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--suggestions", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = build(Path(folder) / "shadow.json", args.suggestions)
        try:
            read, rows = timed(lambda: backlog.rows(store), max(1, args.runs // 2))
            ordered, ranked = timed(lambda: backlog.sort(rows, "priority"), args.runs)
            figures = {"suggestions": len(rows), "rows_s": read, "sort_s": ordered}
            for name, f in (
                ("search_w_s", backlog.Filter(text="w")),
                ("search_wifi_s", backlog.Filter(text="wifi")),
                ("breached_s", backlog.Filter(sla="breached")),
            ):
                figures[name], _ = timed(lambda f=f: backlog.apply(ranked, f), args.runs)
        finally:
            store.close()
    if args.json:
        print(
            json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()})
        )
        return 0
    print(f"{figures['suggestions']:,} suggestions (median of {args.runs} runs)")
    print(f"read every row once (worker thread): {figures['rows_s']:.2f} s")
    print(f"sort by priority:                    {figures['sort_s'] * 1000:.0f} ms")
    print(f"search 'w' (a first keystroke):      {figures['search_w_s'] * 1000:.0f} ms")
    print(f"search 'wifi':                       {figures['search_wifi_s'] * 1000:.0f} ms")
    print(f"filter breached:                     {figures['breached_s'] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
