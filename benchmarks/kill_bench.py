"""Kill writers with SIGKILL at random moments; count what survives.

    .venv/bin/python benchmarks/kill_bench.py [--kills 1000] [--writers 2] [--seed N]
        [--dir DIR] [--json]

Two writer processes (``--writers``) share one database and append records as fast
as they can, printing each id once its transaction returned (acknowledged). Now and
then a writer folds the journal (explicitly, by ``COMPACT_EVERY``, and by closing
with ``fold=True`` and reopening), so kills land in commits, folds and reopenings.
A random writer is killed with SIGKILL after a random number of acknowledgements
plus a random sub-millisecond delay, then replaced. Every 25 kills and at the end
the database is opened by a fresh process view and checked:

- lost: acknowledged ids that are not in the database;
- damaged: times the database did not open, or opened with duplicate ids, or with
  records and audit entries that disagree (each record created once, with its entry);
- and the last write after all kills must succeed.

Prints the counts (kills, acknowledged writes, lost, damaged). POSIX only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shadow.core.store import Store, StoreError  # noqa: E402

WRITER = textwrap.dedent(
    """
    import sys
    from shadow.core import store as store_mod
    store_mod.COMPACT_EVERY = 40
    path, tag = sys.argv[1], sys.argv[2]
    store = store_mod.Store(path)
    n = 0
    while True:
        n += 1
        with store.transaction(tag) as tx:
            new = tx.insert("people", {"name": f"{tag}-{n}", "pad": "x" * (n % 300)})
        sys.stdout.write(f"{new}\\n")
        sys.stdout.flush()
        if n % 53 == 0:
            store.compact()
        elif n % 31 == 0:
            store.close(fold=True)
            store = store_mod.Store(path)
    """
)


def _spawn(path: Path, tag: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), tag],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        bufsize=0,
    )


def _drain(proc: subprocess.Popen, buf: bytearray, acked: set[int], timeout: float) -> None:
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    if ready:
        chunk = os.read(proc.stdout.fileno(), 65536)
        buf.extend(chunk)
        *lines, rest = bytes(buf).split(b"\n")
        buf[:] = rest
        acked.update(int(x) for x in lines if x.strip())


def verify(path: Path, acked: set[int]) -> tuple[int, bool]:
    """(lost, damaged) for the database at ``path``."""
    try:
        store = Store(path, create=False, read_only=True)
        ids = [d["id"] for d in store.all("people")]
        # Every record has its audit entry and every entry its record: a kill never
        # leaves a change without its audit, nor audit of a change that did not land.
        # (The writers go on meanwhile and each read catches up: records are only
        # added, so the records before <= the audited <= the records after.)
        audited = [e["entity_id"] for e in store.audit("people")]
        after = {d["id"] for d in store.all("people")}
        problems = store.audit_problems()
        store.close()
    except StoreError as exc:
        print(f"damaged: {exc}", file=sys.stderr)
        return len(acked), True
    twice = len(audited) != len(set(audited))
    if twice or not set(ids) <= set(audited) <= after or problems:
        print(f"damaged: audit trail and records disagree {problems[:3]}", file=sys.stderr)
        return len(acked - set(ids)), True
    return len(acked - set(ids)), len(ids) != len(set(ids))


def run(kills: int, writers: int, seed: int, folder: Path) -> dict[str, int]:
    rng = random.Random(seed)
    path = folder / "kill.json"
    Store(path).close()
    acked: set[int] = set()
    procs: list[tuple[subprocess.Popen, bytearray]] = [
        (_spawn(path, f"w{i}"), bytearray()) for i in range(writers)
    ]
    done = lost = damaged = 0
    failures = 0
    while done < kills:
        slot = rng.randrange(writers)
        proc, buf = procs[slot]
        target = rng.randrange(0, 30)
        seen_before = len(acked)
        deadline = time.monotonic() + 30
        while len(acked) - seen_before < target and time.monotonic() < deadline:
            for other, obuf in procs:
                _drain(other, obuf, acked, 0.005)
            if proc.poll() is not None:
                break
        time.sleep(rng.random() * 0.003)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        else:
            failures += 1
            print(proc.stderr.read().decode(errors="replace")[-500:], file=sys.stderr)
        proc.wait()
        # What it printed before dying was acknowledged.
        rest = proc.stdout.read()
        buf.extend(rest)
        acked.update(int(x) for x in bytes(buf).split(b"\n") if x.strip())
        proc.stdout.close()
        proc.stderr.close()
        done += 1
        procs[slot] = (_spawn(path, f"w{slot}-{done}"), bytearray())
        if done % 25 == 0:
            got_lost, got_damaged = verify(path, acked)
            lost = max(lost, got_lost)
            damaged += got_damaged
    for proc, buf in procs:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        buf.extend(proc.stdout.read())
        acked.update(int(x) for x in bytes(buf).split(b"\n") if x.strip())
        proc.stdout.close()
        proc.stderr.close()
    got_lost, got_damaged = verify(path, acked)
    lost = max(lost, got_lost)
    damaged += got_damaged
    try:
        with Store(path) as store, store.transaction("after") as tx:
            tx.insert("people", {"name": "after all the kills"})
    except StoreError as exc:
        print(f"damaged: cannot write after the kills: {exc}", file=sys.stderr)
        damaged += 1
    return {
        "kills": done,
        "acknowledged": len(acked),
        "lost": lost,
        "damaged": damaged,
        "writer_failures": failures,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--dir", type=Path, default=None, help="folder for the database")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="shadow-kill-", dir=args.dir) as tmp:
        result = run(args.kills, args.writers, seed, Path(tmp))
    result["seed"] = seed
    result["seconds"] = round(time.monotonic() - started, 1)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>16}: {value}")
    bad = result["lost"] or result["damaged"] or result["writer_failures"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
