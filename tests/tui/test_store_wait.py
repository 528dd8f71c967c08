"""The TUI while another process holds the database: it says so and keeps responding."""

from __future__ import annotations

import os
import threading

import pytest

from shadow.core.store import Store
from shadow.tui.app import create_app

from .helpers import SIZE, notifications

pytestmark = pytest.mark.usefixtures("opens_on_directory")


async def test_a_write_waiting_for_the_lock_shows_a_toast_and_the_app_keeps_running(
    sample_store, liaison
):
    app = create_app(sample_store, liaison)
    other = Store(sample_store.path)  # stands in for another shadow process
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        done = threading.Event()

        def write() -> None:  # what a screen's worker does
            with app.store.transaction("tester") as tx:
                tx.insert("people", {"name": "Waited"})
            done.set()

        with other._locked(exclusive=True):
            worker = threading.Thread(target=write)
            worker.start()
            expected = (
                f"waiting for the database: another shadow process (pid {os.getpid()}) is writing"
            )
            for _ in range(200):  # the notice comes after about a second
                await pilot.pause(0.05)
                if expected in notifications(pilot):
                    break
            assert expected in notifications(pilot)
            assert not done.is_set()
            await pilot.press("question_mark")  # the app still answers keys meanwhile
            await pilot.pause()
            await pilot.press("escape")
        worker.join()
        assert done.is_set()
        assert [d["name"] for d in sample_store.find("people", name="Waited")] == ["Waited"]
    other.close()
