"""How alike the answers to wrong calendar-feed links are in time (issue 15: "same answer
and similar timing"): median and 90th percentile of unknown, revoked and malformed tokens,
and of a valid feed, over a real ``shadow serve`` application on the sample programme.

    .venv/bin/python benchmarks/feed_timing.py [--rounds 600]

Requests are interleaved in a random order each round, so drift on a shared machine
falls on every kind alike.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from shadow.core import directory, feeds, sample
from shadow.core.store import Store
from shadow.serve.server import ShadowServer
from shadow.serve.sessions import Throttle


async def measure(rounds: int) -> None:
    tmp = Path(tempfile.mkdtemp())
    try:
        db = tmp / "shadow.json"
        with Store(db) as store:
            sample.load_sample(store, directory.SETUP_ACTOR)
            people = [directory.find_person(store, d["id"]) for d in store.all("people")]
            tokens = [feeds.issue(store, directory.SETUP_ACTOR, p) for p in people]
            feeds.revoke(store, directory.SETUP_ACTOR, people[0])
        server = ShadowServer(db, port=0, bad_links=Throttle(10**9))  # no limit while measuring
        kinds = {
            "revoked": f"/calendar/{tokens[0]}.ics",
            "unknown": "/calendar/" + "A" * 43 + ".ics",
            "malformed": "/calendar/%00zz.ics",
            "valid": f"/calendar/{tokens[1]}.ics",
        }
        times: dict[str, list[float]] = {k: [] for k in kinds}
        statuses: dict[str, set[int]] = {k: set() for k in kinds}
        async with TestClient(TestServer(await server._make_app())) as client:
            for _ in range(rounds):
                for kind, path in random.sample(list(kinds.items()), len(kinds)):
                    start = time.perf_counter()
                    response = await client.get(path)
                    await response.read()
                    times[kind].append((time.perf_counter() - start) * 1000)
                    statuses[kind].add(response.status)
        print(f"{len(tokens)} feeds, {rounds} requests of each kind")
        for kind, values in times.items():
            print(
                f"{kind:9}  status {sorted(statuses[kind])}  median {statistics.median(values):.2f} ms"
                f"  p90 {statistics.quantiles(values, n=10)[-1]:.2f} ms"
            )
    finally:
        shutil.rmtree(tmp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=600)
    asyncio.run(measure(parser.parse_args().rounds))


if __name__ == "__main__":
    main()
