"""One TUI session, timed: the child process ``bench.py`` runs for the TUI figures.

    .venv/bin/python benchmarks/tui_probe.py DB --as NAME --visit ID [--t0 EPOCH]

Runs the real app under Textual's ``run_test`` and prints one JSON object:
seconds from ``--t0`` (the parent's clock when it started this process) to a
painted Dashboard (to its last paint; ``dashboard_settled_s``: to the end of the
probe's own waiting), the screens imported ahead in the background after it
(``background_after_start``: done before the first key), then each area opened
(key press to its last paint, once every worker is done; ``settled_s``: to the
end of the probe's own waiting, see ``Paints``), a person-filter keystroke on the
Schedule, the Meeting pack painted, and a note saved (on the event loop, as the
form does) with the Meeting pack hidden; and the pages opened from the areas (the
Schedule's and the Dashboard's "record the outcome" lists, the visit page, a
department's card), and the page of the visit notes are written on, which has many.
A heartbeat task on the event loop records the longest
freeze of each step; ``gc.callbacks`` the longest garbage-collection pause (and
per generation).
"""

from __future__ import annotations

import time

T_IMPORT = time.time()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

AREAS = (("f3", "schedule"), ("f5", "actions"), ("f8", "coverage"), ("f4", "backlog"))
AREAS += (("f2", "directory"),)
SETTLE_LIMIT = 300.0  # seconds: a step that takes longer is reported as this


class Heartbeat:
    """The longest gap between ticks of a 5 ms timer on the event loop."""

    TICK = 0.005

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(self.TICK)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last - self.TICK)
            last = now

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def reset(self) -> None:
        self.longest = 0.0


class GcWatch:
    def __init__(self) -> None:
        self.longest = 0.0
        self.total = 0.0
        self.count = 0
        self.longest_cpu = 0.0  # the CPU time of the longest pass (its thread's)
        self._t = self._c = 0.0
        # per generation: [passes, seconds, longest]
        self.by_gen: dict[int, list[float]] = {}

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._t, self._c = time.perf_counter(), time.thread_time()
        else:
            took = time.perf_counter() - self._t
            if took > self.longest:
                self.longest, self.longest_cpu = took, time.thread_time() - self._c
            self.total += took
            self.count += 1
            gen = self.by_gen.setdefault(info["generation"], [0, 0.0, 0.0])
            gen[0] += 1
            gen[1] += took
            gen[2] = max(gen[2], took)


async def press(pilot, key: str) -> None:
    """Press a key; a screen too busy to answer Pilot's own wait is waited for by settle."""
    from textual.pilot import WaitForScreenTimeout

    try:
        await pilot.press(key)
    except WaitForScreenTimeout:
        pass


async def pause(pilot) -> None:
    from textual.pilot import WaitForScreenTimeout

    try:
        await pilot.pause()
    except WaitForScreenTimeout:
        pass


# Workers that are not part of what a step shows: the start's dialogs (first run, who am
# I), and the screens imported ahead once the first screen has read (``tui/preload.py``),
# which settle waits for only when asked (after the Dashboard).
NOT_SHOWN = frozenset({"startup"})
BACKGROUND = frozenset({"preload"})


async def settle(pilot, *, background: bool = False) -> None:
    """Until the screen is painted and no worker is pending or running (the app's
    background work too if ``background``)."""
    from textual.worker import WorkerState

    app = pilot.app
    ignored = NOT_SHOWN if background else NOT_SHOWN | BACKGROUND
    deadline = time.perf_counter() + SETTLE_LIMIT
    while time.perf_counter() < deadline:
        await pause(pilot)
        busy = [
            w
            for w in app.workers
            if w.state in (WorkerState.PENDING, WorkerState.RUNNING) and w.group not in ignored
        ]
        if not busy and not getattr(app.screen, "_reload_pending", False):
            await pause(pilot)
            return
        await asyncio.sleep(0.002)


class Paints:
    """When the app last painted: its ``_display`` of a screen update (headless, the
    update is composed and rendered as on a terminal, only not written out).

    A step's seconds run from its first key to its last paint, not to the end of
    ``settle``: Pilot's ``press`` waits for the app to be idle twice after each key and
    ``settle`` twice more, each at least one 20 ms sleep of ``wait_for_idle`` and until
    a sleep passes with no CPU used, which added 0.08-0.13 s to every step after the
    screen was already painted (the filter keystroke: 0.278 s wall for 0.143 s CPU at
    150,000 records). ``settled_s`` keeps the old figure; CPU is still counted to the
    end of ``settle`` (work done after the last paint is paid for too)."""

    last = 0.0

    @classmethod
    def watch(cls, app) -> None:
        display = app._display

        def painted(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is not None and not app._batch_count:
                cls.last = time.perf_counter()

        app._display = painted

    @classmethod
    def since(cls, t: float) -> float:
        """Seconds from ``t`` to the last paint after it (to now if none)."""
        now = time.perf_counter()
        return (cls.last if cls.last > t else now) - t


async def preloaded(pilot) -> None:
    """Until the app has imported its screens ahead (``tui/preload.py``): it starts them
    once no screen reads, so its worker may not exist yet when the Dashboard is settled."""
    try:
        from shadow.tui import preload
    except ImportError:  # (an app without it)
        return
    deadline = time.perf_counter() + SETTLE_LIMIT
    while pilot.app not in preload._started and time.perf_counter() < deadline:
        await asyncio.sleep(0.01)
    await settle(pilot, background=True)


def begin(beat: Heartbeat) -> tuple[float, float]:
    """The start of a timed step: the heartbeat's longest freeze reset, the clocks read."""
    beat.reset()
    return time.perf_counter(), time.process_time()


def figures(beat: Heartbeat, since: tuple[float, float], **more: float) -> dict:
    """A step's seconds, CPU seconds (and ``more``) and longest freeze ``since`` its start."""
    t, c = since
    return {
        "s": Paints.since(t),
        "settled_s": time.perf_counter() - t,
        "cpu_s": time.process_time() - c,
        **more,
        "freeze_s": beat.longest,
    }


async def timed(pilot, beat: Heartbeat, *keys: str) -> dict:
    """Press ``keys`` and wait until painted and idle: seconds to the last paint, CPU
    seconds, longest freeze."""
    since = begin(beat)
    for key in keys[:-1]:
        await press_then_painted(pilot, key)
    await press(pilot, keys[-1])
    await settle(pilot)
    return figures(beat, since)


async def press_then_painted(pilot, key: str) -> None:
    """Press a key as the terminal sends it, and wait for the app to paint what it
    changed (all of it: no band left to paint), as a person presses the next key on
    what they see. Not Pilot's ``press``: it then waits until two 20 ms sleeps pass with
    under 1 ms of CPU in the process, which the probe's own heartbeat can keep from
    happening for up to a second: the Dashboard's "record the outcome" step (f7, then
    6) took 0.14-0.24 s, though the Dashboard had painted 20 ms after f7
    (``/tmp/b7/pagetl10.py``, eleventh session)."""
    from textual import events

    app = pilot.app
    t = time.perf_counter()
    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    app._driver.send_message(event)
    deadline = t + SETTLE_LIMIT
    while time.perf_counter() < deadline:
        if Paints.last > t and not getattr(app.screen, "_bands_due", False):
            return
        await asyncio.sleep(0.001)


async def pages(pilot, beat: Heartbeat, args: argparse.Namespace) -> dict:
    """The pages opened from the areas: the Schedule's and the Dashboard's "record the
    outcome" lists, the visit page (enter on the agenda) and a department's card."""
    from shadow.tui.screens.department import DepartmentScreen

    app = pilot.app
    out = {}
    await press(pilot, "f3")
    await settle(pilot)
    out["schedule_outcomes"] = await timed(pilot, beat, "o")
    await press(pilot, "o")  # back to the agenda
    await settle(pilot)
    out["visit"] = await timed(pilot, beat, "enter")
    await press(pilot, "escape")
    await settle(pilot)
    out["dashboard_outcomes"] = await timed(pilot, beat, "f7", "6")
    # The card of the department of the visit notes are written on (the picker that
    # asks which department is a dialog of names: the card's read is what is timed).
    doc = app.store.get("visits", int(args.visit))
    since = begin(beat)
    app.push_screen(DepartmentScreen(int(doc["department_id"])))
    await settle(pilot)
    out["department"] = figures(beat, since)
    await press(pilot, "escape")
    await settle(pilot)
    return out


async def notes_visit(pilot, beat: Heartbeat, args: argparse.Namespace) -> dict:
    """The page of the visit notes are written on (``--visit``: the benchmark's most recent
    completed one, a secondment with a note a day in its installations), with the number
    of notes it shows. Apart from ``pages``: it was not timed before the tenth session."""
    from shadow.tui.screens.visit import VisitScreen

    app = pilot.app
    since = begin(beat)
    app.push_screen(VisitScreen(int(args.visit)))
    await settle(pilot)
    out = figures(beat, since, notes=len(app.screen.notes))
    await press(pilot, "escape")
    await settle(pilot)
    return out


async def session(args: argparse.Namespace, gcw: GcWatch) -> dict:
    from shadow.cli.tui import app_for
    from shadow.core import directory, notes
    from shadow.core.store import Store

    out: dict = {}
    store = Store(args.db)
    actor = directory.find_person(store, args.actor)
    app = app_for(store, actor)  # (as ``shadow`` starts it: Textual is imported in there)
    async with app.run_test(size=(160, 50)) as pilot:
        Paints.watch(app)
        await settle(pilot)
        settled = time.time() - args.t0
        out["dashboard_s"] = settled - (time.perf_counter() - (Paints.last or time.perf_counter()))
        out["dashboard_settled_s"] = settled
        out["dashboard_cpu_s"] = time.process_time()
        # The screens imported ahead after the start are done before the first key (a
        # person reads the Dashboard first); timed apart, not in whichever step ran
        # meanwhile.
        since = time.perf_counter(), time.process_time()
        await preloaded(pilot)
        out["background_after_start"] = figures(Heartbeat(), since)
        beat = Heartbeat()
        beat.start()
        out["areas"] = {}
        for key, name in AREAS:
            out["areas"][name] = await timed(pilot, beat, key)
        # The Schedule's person filter: focus it, then time each typed letter.
        await press(pilot, "f3")
        await settle(pilot)
        await press(pilot, "slash")
        await settle(pilot)
        # (A blinking cursor paints twice a second: its paint would end a keystroke.)
        for field in app.screen.query("Input"):
            field.cursor_blink = False
        await settle(pilot)  # (the cursor shown steady is painted before the first letter)
        keys, settled, cpus = [], [], []
        beat.reset()
        for letter in args.filter:
            t, c = time.perf_counter(), time.process_time()
            await press(pilot, letter)
            await settle(pilot)
            keys.append(Paints.since(t))
            settled.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
        out["filter"] = {
            "s": sorted(keys)[len(keys) // 2],
            "settled_s": sorted(settled)[len(settled) // 2],
            "cpu_s": sorted(cpus)[len(cpus) // 2],
            "all_s": keys,
            "freeze_s": beat.longest,
        }
        await press(pilot, "escape")
        await settle(pilot)
        out["pages"] = await pages(pilot, beat, args)
        out["notes_visit"] = await notes_visit(pilot, beat, args)
        # The Meeting pack, opened for the first time.
        out["meeting"] = await timed(pilot, beat, "f6")
        # Back to the Schedule, then a note saved on the event loop, as the note form does,
        # with the Meeting pack hidden (it does not read notes: since the twelfth session it
        # is not read again for one).
        await press(pilot, "f3")
        await settle(pilot)
        since = begin(beat)
        notes.observe(store, actor, args.visit, "Benchmark note: the kiosk queue again")
        saved = time.perf_counter() - since[0]
        # The app's messages after the save (the store's change, each screen told) are
        # handled before this one: when it runs, the app has done what the save asked of
        # it. The step runs to then or to its last paint, whichever is later. (Nothing is
        # painted when nothing shown changed, and "to the last paint" was then the time
        # Pilot's idle check took beside the heartbeat: 0.05-1.6 s for the same work.)
        handled: list[float] = []
        app.call_later(lambda: handled.append(time.perf_counter()))
        await settle(pilot)
        out["save_note"] = figures(beat, since, save_s=saved)
        painted = Paints.last if Paints.last > since[0] else 0.0
        out["save_note"]["s"] = max(painted, handled[0] if handled else time.perf_counter())
        out["save_note"]["s"] -= since[0]
        # Then the Meeting pack shown again: whatever it deferred while hidden is paid now.
        out["meeting_after_save"] = await timed(pilot, beat, "f6")
    store.close()
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("db")
    p.add_argument("--as", dest="actor", required=True)
    p.add_argument("--visit", required=True)
    p.add_argument("--filter", default="ab", help="letters typed into the person filter")
    p.add_argument("--t0", type=float, default=T_IMPORT)
    args = p.parse_args()
    gcw = GcWatch()
    gc.callbacks.append(gcw)
    out = asyncio.run(session(args, gcw))
    out["gc_longest_s"] = gcw.longest
    out["gc_longest_cpu_s"] = gcw.longest_cpu
    out["gc_total_s"] = gcw.total
    out["gc_passes"] = gcw.count
    out["gc_by_generation"] = {
        str(g): {"passes": int(n), "total_s": t, "longest_s": m}
        for g, (n, t, m) in sorted(gcw.by_gen.items())
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
