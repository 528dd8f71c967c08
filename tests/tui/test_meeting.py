"""The meeting pack: the fortnightly agenda, shown literally, exported and copied."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Label, Static

from shadow.core import dates, directory, notes, reports, sla
from shadow.core.dashboard import read_dashboard
from shadow.core.models import Action, Kudos, Observation
from shadow.core.store import Store
from shadow.tui.app import create_app
from shadow.tui.modals.base import Confirm
from shadow.tui.modals.pickers import TextPrompt
from shadow.tui.screens.base import PROGRAMME_TABLES
from shadow.tui.screens.meeting import MeetingScreen
from shadow.tui.screens.schedule import ScheduleScreen
from tests.meeting_pack import PACK_SECTIONS

from .helpers import SIZE, Clock, notifications, open_by_key, opened, press_each, type_into
from .programme import NOW, app_as, build, person

HOSTILE = "[red]x *bold* [TODO]"
SECTIONS = PACK_SECTIONS


@pytest.fixture
def programme(sample_store, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/London")
    monkeypatch.setattr(dates, "now", lambda: NOW)
    ids = build(sample_store)
    marcus = directory.find_person(sample_store, "Marcus Webb")
    aisha = directory.find_person(sample_store, "Aisha Rahman")
    with sample_store.transaction("test setup") as tx:
        overdue = Action(
            title=HOSTILE, owner_id=marcus.id, due="2026-11-17", suggestion_id=ids["sorter"]
        )
        overdue.validate()
        ids["overdue"] = tx.insert(Action.TABLE, overdue.to_doc(), summary=HOSTILE)
        kudos = Kudos(to_id=aisha.id, from_id=marcus.id, text=f"Thanks {HOSTILE}")
        ids["kudos_new"] = tx.insert(Kudos.TABLE, kudos.to_doc(), created="2026-11-18T10:00+00:00")
    return ids


async def open_meeting(pilot: Pilot) -> MeetingScreen:
    screen = await open_by_key(pilot, "f6", MeetingScreen)
    await document_shown(pilot, screen)
    return screen


async def document_shown(pilot: Pilot, screen: MeetingScreen) -> None:
    """Wait until the pack's sections are mounted."""
    for _ in range(50):
        if screen.query(".pack-heading"):
            return
        await pilot.pause(0.02)
    raise AssertionError("the meeting pack was not shown")


def plain(block: Static) -> str:
    content = block.content
    return content.plain if isinstance(content, Content) else str(content)


def shown(screen: MeetingScreen) -> list[str]:
    """The text of every block of the rendered document, as the reader sees it."""
    return [text for block in screen.query("#meeting-pack Static") if (text := plain(block))]


async def test_every_section_and_user_text_literally(sample_store, programme):
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_meeting) as (pilot, screen):
        headings = [plain(h) for h in screen.query(".pack-heading").results(Static)]
        assert headings == SECTIONS
        text = "\n".join(shown(screen))
        assert "Technical Implementation Group — meeting pack" in text
        assert "covers changes since Fri 6 Nov 2026" in text
        # The overdue action's title and the kudos, exactly as typed: no markup, no emphasis.
        assert f"Overdue: #{programme['overdue']} {HOSTILE} — Marcus Webb" in text
        assert f"Thanks {HOSTILE}" in text
        assert "Fri 6 Nov 2026 (14 days ago)" in str(screen.query_one("#meeting-since").render())


async def test_since_can_be_changed(sample_store, programme):
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_meeting) as (pilot, screen):
        prompt = await open_by_key(pilot, "s", TextPrompt)
        await type_into(pilot, "#answer", "tomorrow")
        assert "future" in str(prompt.query_one("#prompt-error", Label).render())
        await type_into(pilot, "#answer", "1/11/2026")
        assert str(prompt.query_one("#prompt-preview", Label).render()) == (
            "→ Sun 1 Nov 2026 (19 days ago)"
        )
        await press_each(pilot, "enter")
        await pilot.pause(0.2)
        assert screen.since_moment.date().isoformat() == "2026-11-01"
        assert "covers changes since Sun 1 Nov 2026" in screen.text
        assert "covers changes since Sun 1 Nov 2026" in "\n".join(shown(screen))


async def test_it_follows_changes(sample_store, programme):
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_meeting) as (pilot, screen):
        with sample_store.transaction("Priya Raman") as tx:
            tx.update(Action.TABLE, programme["overdue"], {"title": "Renamed elsewhere"})
        await pilot.pause()
        await pilot.pause(0.2)
        assert "Renamed elsewhere" in screen.text
        assert f"#{programme['overdue']} Renamed elsewhere — Marcus Webb" in screen.text


async def test_only_what_changed_is_rendered_again(sample_store, programme, monkeypatch):
    """A minute later only the "Prepared" line changes: no section is rendered again. A
    change to one section renders that section only."""
    from datetime import timedelta

    clock = Clock(NOW)
    app = create_app(sample_store, person(sample_store, "Priya Raman"), clock=clock)
    async with opened(app, open_meeting) as (pilot, screen):
        sections = list(screen.query(".pack-section").results(Static))
        before = [s.content for s in sections]
        prepared = plain(screen.query_one("#meeting-prepared", Static))
        clock.at = NOW + timedelta(minutes=1)
        screen.reload()
        await pilot.pause()
        assert plain(screen.query_one("#meeting-prepared", Static)) != prepared
        shown_later = list(screen.query(".pack-section").results(Static))
        assert shown_later == sections
        assert all(a is b for a, b in zip(before, [s.content for s in shown_later], strict=True))
        with sample_store.transaction("Priya Raman") as tx:
            tx.update(Action.TABLE, programme["overdue"], {"title": "Renamed elsewhere"})
        await pilot.pause()
        await pilot.pause(0.2)
        after = [s.content for s in screen.query(".pack-section").results(Static)]
        changed = [SECTIONS[i] for i, (a, b) in enumerate(zip(before, after, strict=True))
                   if a is not b]  # fmt: skip
        assert changed == ["Actions overdue or at risk"]
        overdue_at = SECTIONS.index("Actions overdue or at risk")
        assert "Renamed elsewhere — Marcus Webb" in plain(sections[overdue_at])
        # Bold comes from the pack's own Markdown; user text keeps its asterisks literally.
        overdue = sections[overdue_at].content
        assert "**" not in overdue.plain


async def test_export_writes_the_file(sample_store, programme, tmp_path):
    app = app_as(sample_store, "Priya Raman")
    target = tmp_path / "out" / "pack.md"
    async with opened(app, open_meeting) as (pilot, screen):
        await open_by_key(pilot, "e", TextPrompt)
        await type_into(pilot, "#answer", str(target))
        await press_each(pilot, "enter")
        assert target.read_text(encoding="utf-8") == screen.text
        assert f"Meeting pack written to {target}" in notifications(pilot)[-1]
        assert not [p for p in target.parent.iterdir() if p.name != "pack.md"]  # no temp files
        # Again: it asks before replacing the file.
        target.write_text("old", encoding="utf-8")
        await press_each(pilot, "e")
        await type_into(pilot, "#answer", str(target))
        await open_by_key(pilot, "enter", Confirm)
        await press_each(pilot, "y")
        assert target.read_text(encoding="utf-8") == screen.text


async def test_copy_to_clipboard(sample_store, programme):
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_meeting) as (pilot, screen):
        await press_each(pilot, "c")
        assert app.clipboard == screen.text
        assert "Copied the meeting pack" in notifications(pilot)[-1]


async def test_the_since_line_is_one_line_at_80_columns(sample_store, programme):
    app = create_app(sample_store, person(sample_store, "Priya Raman"))
    async with opened(app, open_meeting, size=(80, 24)) as (pilot, screen):
        since = screen.query_one("#meeting-since")
        text = str(since.render())
        assert "Fri 6 Nov 2026 (14 days ago)" in text and "(the default)" in text
        assert since.size.height == 1, text  # not wrapped around the scroll hint
        hint = screen.query_one("#meeting-hint")
        assert hint.region.right <= 80 and since.region.right <= hint.region.x


def test_a_section_body_is_its_lines_joined():
    """pack_body builds a section in one go: the same text and styles as its lines styled
    one by one and joined, escapes, bold, bullets, muted lines and control codes included."""
    from shadow.tui.screens.meeting import pack_body, pack_line

    lines = [
        "- **#12** [red]x\\*\\*not bold\\*\\* by \\_Ada\\_",
        "_(nothing new since the last meeting)_",
        "**\x07",  # styled, but nothing left once control codes are stripped
        "plain \x1b[31mline\\",
        "- ",
        "**bold** then ** and a lone \\",
    ]
    for some in (lines, lines[:1], lines[2:3], lines[::-1]):
        joined = Content("\n").join(pack_line(line) for line in some)
        body = pack_body(some)
        assert body.plain == joined.plain
        assert list(body.spans) == [s for s in joined.spans if s.style]


async def test_sections_are_wrapped_in_the_thread_to_their_width_on_screen(sample_store, programme):
    """The loader's thread wraps each section to the width it is shown at (the event loop
    then finds its height ready): before the first layout that width is the app's less
    the chrome around the sections, which must stay what the layout gives them."""
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_meeting) as (pilot, screen):
        await pilot.pause()
        widths = {s.content_region.width for s in screen.query(".pack-section").results(Static)}
        assert widths == {SIZE[0] - MeetingScreen.CHROME} == {screen._text_width()}


# ------------------------------------------------------------------ what it watches
READS = ("all", "stored", "get", "find", "filter", "each", "each_stored", "count")
READS += ("audit", "audit_any", "audit_counts")


def tables_read(monkeypatch, store, work) -> set[str]:
    """The tables ``work()`` reads through the store's read methods."""
    seen: set[str] = set()
    for name in READS:
        real = getattr(Store, name)

        def reading(self, *args, _real=real, _name=name, **kwargs):
            seen.add(args[0] if args and isinstance(args[0], str) else "audit")
            if _name.startswith("audit"):
                seen.add("audit")
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(Store, name, reading)
    try:
        work()
    finally:
        monkeypatch.undo()
    return seen


def test_the_programme_views_watch_every_table_they_read(sample_store, programme):
    now = NOW
    priya = directory.find_person(sample_store, "Priya Raman")
    mp = pytest.MonkeyPatch()
    dashboard_reads = tables_read(
        mp, sample_store, lambda: read_dashboard(sample_store, now, priya)
    )
    pack_reads = tables_read(
        mp, sample_store, lambda: reports.meeting_pack(sample_store, now - timedelta(days=14), now)
    )
    assert {"waits", "clock_starts", "suggestions", "visits"} <= dashboard_reads
    # (the audit trail's changes come with the record's own: a cancelled visit's)
    assert dashboard_reads - {"audit"} <= PROGRAMME_TABLES
    assert pack_reads - {"audit"} <= PROGRAMME_TABLES
    assert Observation.TABLE not in PROGRAMME_TABLES  # (neither reads the notes)


async def test_a_note_leaves_the_hidden_pack_as_it_is_and_a_wait_does_not(sample_store, programme):
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_meeting) as (pilot, screen):
        await open_by_key(pilot, "f3", ScheduleScreen)
        await pilot.app.workers.wait_for_complete()
        priya = directory.find_person(sample_store, "Priya Raman")
        notes.observe(sample_store, priya, programme["visit"], "The kiosk queue again")
        await pilot.pause()
        assert not screen._stale  # (nothing it shows changed: not read again when shown)
        sla.wait(sample_store, "Priya Raman", "suggestions", programme["sorter"], "vendor")
        await pilot.pause()
        assert screen._stale
        await open_by_key(pilot, "f6", MeetingScreen)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen._stale and "waiting on a vendor" in screen.text.lower()
