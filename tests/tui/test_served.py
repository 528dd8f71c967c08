"""The app as ``shadow serve`` runs it: identity fixed, exports delivered as downloads."""

from __future__ import annotations

from icalendar import Calendar

from shadow.tui.app import create_app
from shadow.tui.modals.identity import IdentityModal

from .helpers import SIZE, open_by_key, record_threads


async def test_signed_in_app_cannot_switch_identity(sample_store, liaison, monkeypatch):
    monkeypatch.setenv("SHADOW_SERVED", "signed-in")
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.check_action("who_am_i", ()) is False
        assert "Who am I" not in [c.title for c in app.app_commands()]
        await pilot.press("w")
        await pilot.pause()
        assert not isinstance(app.screen, IdentityModal)
        assert app.actor == liaison


async def test_desktop_app_still_switches_identity(sample_store, liaison, monkeypatch):
    monkeypatch.delenv("SHADOW_SERVED", raising=False)
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await open_by_key(pilot, "w", IdentityModal)


async def test_exports_are_delivered_files(sample_store, liaison, monkeypatch):
    delivered: list[tuple[str, str, bytes]] = []
    monkeypatch.setattr("textual.app.App._deliver_binary", capture_into(delivered))
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.run_action("export_ics")
        await app.run_action("export_csv('suggestions')")
        await pilot.pause()
    check_exports(delivered)


async def test_on_a_large_database_exports_are_built_in_a_thread(
    sample_store, liaison, monkeypatch
):
    """Ten years of visits are 1-2 s of iCalendar: built in a worker thread, the screen
    answering meanwhile, and delivered the same."""
    import threading

    from shadow.core import reports

    delivered: list[tuple[str, str, bytes]] = []
    monkeypatch.setattr("textual.app.App._deliver_binary", capture_into(delivered))
    threads = record_threads(monkeypatch, reports, "export_ics", "export_csv")
    monkeypatch.setattr(sample_store, "size_hint", lambda _table: 150_000)
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await app.run_action("export_ics")
        await app.run_action("export_csv('suggestions')")
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert any("Exporting calendar" in n.message for n in app._notifications)
    built = threads["export_ics"] + threads["export_csv"]
    assert len(built) == 2 and threading.get_ident() not in built
    check_exports(delivered)


def capture_into(delivered: list[tuple[str, str, bytes]]):
    """A stand-in for Textual's delivery that keeps what it was handed."""

    def capture(self, binary, *, save_filename, mime_type, **_):
        data = binary.read()
        delivered.append(
            (save_filename, mime_type, data.encode() if isinstance(data, str) else data)
        )
        return "key"

    return capture


def check_exports(delivered: list[tuple[str, str, bytes]]) -> None:
    # (in whichever order they were finished)
    (ics_name, ics_type, ics), (csv_name, csv_type, csv) = sorted(
        delivered, key=lambda d: not d[0].endswith(".ics")
    )
    assert ics_name.endswith(".ics") and ics_type == "text/calendar"
    events = Calendar.from_ical(ics).walk("VEVENT")
    assert events and all(str(e["uid"]).startswith("visit-") for e in events)
    assert csv_name.endswith(".csv") and csv_type == "text/csv"
    assert csv.decode("utf-8").splitlines()[0].startswith("id,title")
