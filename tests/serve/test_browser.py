"""A real headless Chromium against one ``shadow serve``: two people write notes on the same
visit and each sees the other's appear; a viewer's edit is refused; an ICS download parses.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them); skipped
with the reason when they are missing.
"""

from __future__ import annotations

import contextlib
import io
import time

import pytest

from shadow.cli import main
from shadow.core import access
from shadow.core.store import Store

from .browser import CHROMEDRIVER, CHROMIUM, Browser, Served, wait_for

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs a real browser: apt-get install chromium chromium-driver",
)
pytest.importorskip("selenium", reason="needs selenium (pip install -e '.[test]')")

COORD, IT_STAFF, HOST, VIEWER = "Cora Coord", "Ben Staff", "Hana Host", "Vic Viewer"
PASSWORD = "a good long password"


@pytest.fixture
def programme(tmp_path):
    """One department, one visit that has just begun (notes wait for a visit to begin) with
    an IT visitor and a library host."""
    db = tmp_path / "shadow.json"

    def cli(*argv: str) -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["--db", str(db), *argv]) == 0

    cli("person", "add", COORD, "--side", "library", "--role", "Department head")
    for name, side in ((IT_STAFF, "it"), (HOST, "library"), (VIEWER, "library")):
        cli("--as", COORD, "person", "add", name, "--side", side)
    cli("--as", COORD, "department", "add", "Circulation", "--hours", "Mon-Sun 07:00-20:00",
        "--capacity", "4", "--host", HOST)  # fmt: skip
    # (whenever the test runs: outside the opening hours is only a warning, saved with a reason)
    cli("--as", COORD, "visit", "add", "--department", "Circulation", "--visitor", IT_STAFF,
        "--host", HOST, "--when", "now", "--for", "2h", "--force", "--reason", "test")  # fmt: skip
    with Store(db) as store:
        access.add_account(store, COORD, COORD, "coordinator", PASSWORD)
        access.add_account(store, COORD, IT_STAFF, "staff", PASSWORD)
        access.add_account(store, COORD, HOST, "staff", PASSWORD)
        access.add_account(store, COORD, VIEWER, "viewer", PASSWORD)
    return db


@pytest.fixture
def served(programme):
    server = Served(programme)
    yield server
    server.stop()


@pytest.fixture
def browsers(tmp_path):
    opened: list[Browser] = []

    def open_one(name: str) -> Browser:
        browser = Browser(tmp_path / f"downloads-{len(opened)}")
        opened.append(browser)
        return browser

    yield open_one
    for browser in opened:
        browser.quit()


def open_the_visit(browser: Browser) -> None:
    """Schedule (f3), then enter on the agenda's only visit: its page with both columns."""
    browser.wait_text("Today and the next 7 days")
    browser.keys("\ue016")  # F3
    browser.wait_text("Circulation")
    browser.clear_screen_text()
    browser.keys("\ue007")  # enter
    browser.wait_text("IT visitors")


def write_note(browser: Browser, text: str, name: str) -> None:
    browser.clear_screen_text()
    browser.keys("n")
    browser.wait_text(f"As {name}")  # the note form is open
    time.sleep(0.5)  # and its text area has the focus
    browser.type_text(text)
    browser.wait_text(text)  # every key reached the form
    browser.ctrl("s")


def notes_by(db, name: str) -> list[str]:
    with Store(db) as store:
        people = {d["id"]: d["name"] for d in store.all("people")}
        return [d["text"] for d in store.all("observations") if people[d["author_id"]] == name]


def test_two_sessions_see_each_others_notes_a_viewer_is_refused_and_ics_downloads(
    served, programme, browsers
):
    it_side, host_side = browsers(IT_STAFF), browsers(HOST)
    it_side.sign_in(served.url, IT_STAFF, PASSWORD)
    host_side.sign_in(served.url, HOST, PASSWORD)
    open_the_visit(it_side)
    open_the_visit(host_side)

    it_side.clear_screen_text()
    host_side.clear_screen_text()
    write_note(it_side, "Holds shelf scanner drops wifi", IT_STAFF)
    assert wait_for(lambda: notes_by(programme, IT_STAFF), "Ben's note in the database") == [
        "Holds shelf scanner drops wifi"
    ]
    host_side.wait_text("Holds shelf scanner drops wifi")  # drawn by the host's own app

    it_side.clear_screen_text()
    write_note(host_side, "Patrons queue at self checkout", HOST)
    assert wait_for(lambda: notes_by(programme, HOST), "Hana's note in the database") == [
        "Patrons queue at self checkout"
    ]
    it_side.wait_text("Patrons queue at self checkout")

    viewer = browsers(VIEWER)
    viewer.sign_in(served.url, VIEWER, PASSWORD)
    open_the_visit(viewer)
    viewer.clear_screen_text()
    write_note(viewer, "A viewer tries to write", VIEWER)
    viewer.wait_text("Not saved")
    viewer.wait_text("may not write notes")
    assert notes_by(programme, VIEWER) == []

    # The calendar export arrives as a browser download and parses.
    from icalendar import Calendar

    it_side.keys("\ue00c")  # escape: close whatever is open
    it_side.ctrl("p")  # the command palette
    it_side.wait_text("Search")
    it_side.type_text("Export calendar")
    it_side.keys("\ue007")
    ics = wait_for(
        lambda: [p for p in it_side.downloads.glob("*.ics")],
        "the .ics download",
    )[0]
    calendar = Calendar.from_ical(ics.read_bytes())
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 1 and "Circulation" in str(events[0].get("summary", "")) + str(
        events[0].get("location", "")
    )
