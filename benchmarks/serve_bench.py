"""How many browser sessions one host holds: ``shadow serve`` with N signed-in headless Chromiums.

For each session, one after another (the earlier ones stay open): sign in, then time
- first byte: from the start of the page's navigation to the first screen bytes over
  the websocket (what textual.js paints first), read from the page's own clock;
- dashboard drawn: from the sign-in click to the Dashboard's first panel having arrived.
With all N open: the memory of every app process (RSS and PSS from /proc) and of the
server, and the load as reported by /proc/loadavg.

    .venv/bin/python benchmarks/serve_bench.py --sessions 20 [--json]

Needs chromium and chromium-driver. The database is the sample programme with one
staff account per session.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shadow.core import access, directory, sample  # noqa: E402
from shadow.core.store import Store  # noqa: E402
from tests.serve.browser import CHROMEDRIVER, CHROMIUM, Browser, Served  # noqa: E402

PASSWORD = "benchmark password"


def kib(pid: int, field: str, name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            kids = (task / "children").read_text().split()
        except OSError:
            continue
        for kid in map(int, kids):
            found.append(kid)
            found.extend(children(kid))
    return found


def app_processes(server_pid: int) -> list[int]:
    apps = []
    for pid in children(server_pid):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"-m" in cmd and b"shadow" in cmd and b"serve" not in cmd and cmd[0] != b"/bin/sh":
            apps.append(pid)
    return apps


def build(db: Path, sessions: int) -> list[str]:
    with Store(db) as store:
        sample.load_sample(store, directory.SETUP_ACTOR)
        people = [p.name for p in directory.people(store, active_only=True)]
        coordinator = sample.DEMO_ACTOR
        access.add_account(store, coordinator, coordinator, "coordinator", PASSWORD)
        names = [n for n in people if n != coordinator][: sessions - 1]
        for name in names:
            access.add_account(store, coordinator, name, "staff", PASSWORD)
    return [coordinator, *names]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not (CHROMIUM and CHROMEDRIVER):
        print("needs chromium and chromium-driver", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="shadow-serve-bench-") as tmp:
        db = Path(tmp) / "shadow.json"
        names = build(db, args.sessions)
        if len(names) < args.sessions:
            print(f"the sample has only {len(names)} people", file=sys.stderr)
            return 1
        served = Served(db)
        browsers: list[Browser] = []
        first_byte, drawn = [], []
        try:
            for n, name in enumerate(names):
                browser = Browser(Path(tmp) / f"dl{n}", size=(1280, 800))
                browsers.append(browser)
                started = time.monotonic()
                browser.sign_in(served.url, name, PASSWORD)
                browser.wait_text("Today and the next 7 days", timeout=300)
                drawn.append(time.monotonic() - started)
                first_byte.append(
                    browser.driver.execute_script("return window.__shadowFirstByte") / 1000
                )
                print(
                    f"session {n + 1:2}: first byte {first_byte[-1]:.2f} s after navigation, "
                    f"dashboard drawn {drawn[-1]:.2f} s after signing in",
                    file=sys.stderr,
                )
            time.sleep(5)  # let every app settle after its first screen
            apps = app_processes(served.process.pid)
            rss = [kib(p, "VmRSS", "status") for p in apps]
            pss = [kib(p, "Pss", "smaps_rollup") for p in apps]
            server_rss = kib(served.process.pid, "VmRSS", "status")
            load = Path("/proc/loadavg").read_text().split()[:3]
        finally:
            for browser in browsers:
                browser.quit()
            served.stop()
    result = {
        "sessions": len(names),
        "app_processes": len(apps),
        "app_rss_mib_mean": round(statistics.mean(rss) / 1024, 1),
        "app_pss_mib_mean": round(statistics.mean(pss) / 1024, 1),
        "apps_pss_mib_total": round(sum(pss) / 1024, 1),
        "server_rss_mib": round(server_rss / 1024, 1),
        "first_byte_s_median": round(statistics.median(first_byte), 2),
        "first_byte_s_max": round(max(first_byte), 2),
        "dashboard_s_first": round(drawn[0], 2),
        "dashboard_s_median": round(statistics.median(drawn), 2),
        "dashboard_s_last": round(drawn[-1], 2),
        "loadavg_1_5_15": load,
        "cpus": len(__import__("os").sched_getaffinity(0)),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:22} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
