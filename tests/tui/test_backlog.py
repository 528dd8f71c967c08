"""The backlog: filter, sort, page and triage from the keyboard, at 100,000 suggestions too."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList

from shadow.core import backlog, directory
from shadow.core.models import Suggestion
from shadow.core.store import Store
from shadow.tui.app import create_app
from shadow.tui.modals.backlog_filter import BacklogFilterModal
from shadow.tui.modals.pickers import ChoiceModal, RecordPicker, TextPrompt
from shadow.tui.modals.suggestion_detail import SuggestionDetail
from shadow.tui.modals.suggestion_form import SuggestionForm
from shadow.tui.screens.backlog import DEBOUNCE, PAGE, BacklogScreen
from shadow.tui.widgets.field import Field

from .helpers import notifications, open_by_key, opened, press_each, type_into
from .programme import HOSTILE, NOW, app_as, build, person


@pytest.fixture
def programme(sample_store, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/London")
    return build(sample_store)


async def open_backlog(pilot: Pilot) -> BacklogScreen:
    screen = await open_by_key(pilot, "f4", BacklogScreen)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return screen


def shown_ids(screen: BacklogScreen) -> list[int]:
    return list(screen.table.ids)


async def choose(pilot: Pilot, value: str) -> None:
    modal = pilot.app.screen
    assert isinstance(modal, ChoiceModal)
    options = modal.query_one(OptionList)
    options.highlighted = options.get_option_index(value)
    await press_each(pilot, "enter")


async def answer(pilot: Pilot, text: str) -> None:
    assert isinstance(pilot.app.screen, TextPrompt)
    await type_into(pilot, "#answer", text)
    await press_each(pilot, "enter")


def doc(store, sid: int) -> dict:
    return store.get(Suggestion.TABLE, sid)


async def test_the_list_shows_every_suggestion_with_its_columns(sample_store, programme):
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_backlog) as (pilot, screen):
        p = programme
        # Sorted by priority: P1 first; equal priorities by votes.
        assert shown_ids(screen) == [p["sorter"], p["search"], p["kiosk"], p["hostile"], p["done"], p["printer"]]  # fmt: skip
        row = screen.table.full_row(p["sorter"])
        assert row[1:] == [
            str(p["sorter"]), "P1", "Service the returns sorter before term", "IT → library",
            "Circulation", "accepted", "2", "30d", "Ben Kowalczyk", "breached",
        ]  # fmt: skip
        assert screen.table.plain_row(p["printer"])[-1] == "ok"
        assert screen.table.plain_row(p["hostile"])[-1] == "at risk"
        # Hostile text is shown as written.
        assert screen.table.full_row(p["hostile"])[3] == HOSTILE
        label = str(screen.query_one("#backlog-filter").render())
        assert "Showing everything · sorted by priority (P1 first)" in label


async def test_filter_by_typing_then_clear_with_one_key(sample_store, programme):
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_backlog) as (pilot, screen):
        await pilot.press("slash", *"kiosk")
        await pilot.pause(DEBOUNCE + 0.1)
        # Titles, descriptions and tags are searched.
        assert set(shown_ids(screen)) == {programme["kiosk"], programme["printer"]}
        assert screen.filter.text == "kiosk"
        assert '"kiosk"' in str(screen.query_one("#backlog-filter").render())
        assert "2 of 6 shown" in str(screen.query_one("#backlog-status").render())
        await pilot.press("enter")  # back to the list
        assert app.focused is screen.table
        await press_each(pilot, "x")
        assert len(shown_ids(screen)) == 6
        assert screen.query_one("#backlog-search", Input).value == ""
        assert "Showing everything" in str(screen.query_one("#backlog-filter").render())


async def test_filter_dialog(sample_store, programme):
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_backlog) as (pilot, screen):
        modal = await open_by_key(pilot, "f", BacklogFilterModal)
        modal.query_one("#status").value = "open"
        modal.query_one("#direction").value = "library-to-it"
        await press_each(pilot, "ctrl+s")
        assert shown_ids(screen) == [programme["search"], programme["printer"]]
        described = str(screen.query_one("#backlog-filter").render())
        assert "status open, library → IT" in described
        # Service level, by the quick palette commands too.
        await pilot.press("x")
        await app.run_action("quick_filter('breached')", screen)
        await pilot.pause()
        assert set(shown_ids(screen)) == {
            programme[k] for k in ("sorter", "kiosk", "search", "done")
        }
        # Tag and author.
        await pilot.press("x", "f")
        await pilot.pause()
        await type_into(pilot, "#tag", "Kiosk")
        await type_into(pilot, "#author", "marcus webb")
        await press_each(pilot, "enter")
        assert shown_ids(screen) == [programme["printer"]]


async def test_sort_by_key_and_by_column(sample_store, programme):
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_backlog) as (pilot, screen):
        await pilot.press("o")  # next: votes
        await pilot.pause()
        assert screen.sort_key == "votes"
        assert shown_ids(screen)[0] == programme["search"]  # 3 votes
        await pilot.press("O")
        assert screen.sort_reverse
        assert shown_ids(screen)[-1] == programme["search"]
        # A click on a heading sorts by it; a second click reverses.
        table = screen.table
        column = list(table.columns)[8]  # Age
        for _ in range(2):
            table.post_message(
                DataTable.HeaderSelected(table, column, 8, table.columns[column].label)
            )
            await pilot.pause()
        assert (screen.sort_key, screen.sort_reverse) == ("age", True)
        assert shown_ids(screen)[0] == programme["printer"]  # the newest


def picker_ids(picker) -> list[str]:
    options = picker.query_one("#record-list")
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


async def test_triage_status_vote_merge_from_the_list(sample_store, programme):
    priya = person(sample_store, "Priya Raman")
    app = create_app(sample_store, priya, clock=lambda: NOW)
    async with opened(app, open_backlog) as (pilot, screen):
        table = screen.table
        # Status: only the allowed next statuses are offered.
        assert table.select_id(programme["kiosk"])
        await press_each(pilot, "s")
        modal = app.screen
        options = [o.id for o in modal.query_one(OptionList).options]
        assert options == ["under review", "accepted", "declined"]
        await choose(pilot, "under review")
        assert doc(sample_store, programme["kiosk"])["status"] == "under review"
        assert table.plain_row(programme["kiosk"])[6] == "under review"
        assert table.selected_id == programme["kiosk"]
        # Declining asks why.
        await press_each(pilot, "s")
        await choose(pilot, "declined")
        prompt = app.screen
        assert isinstance(prompt, TextPrompt)
        await pilot.press("enter")  # no reason: refused in place
        assert app.screen is prompt
        assert "Type an answer" in str(prompt.query_one("#prompt-error").render())
        await answer(pilot, "The kiosks are being replaced in spring")
        d = doc(sample_store, programme["kiosk"])
        assert (d["status"], d["reason"]) == ("declined", "The kiosks are being replaced in spring")
        # Vote, then take the vote back.
        assert table.select_id(programme["printer"])
        await press_each(pilot, "v")
        assert doc(sample_store, programme["printer"])["votes"] == [priya.id]
        assert table.plain_row(programme["printer"])[7] == "1"
        await press_each(pilot, "v")
        assert doc(sample_store, programme["printer"])["votes"] == []
        assert "taken back" in notifications(pilot)[-1]
        # Merge: the printer rolls repeat the kiosk printer suggestion... into #search.
        sample_store_votes = doc(sample_store, programme["search"])["votes"]
        assert table.select_id(programme["sorter"])
        await press_each(pilot, "m")
        prompt = app.screen
        assert isinstance(prompt, RecordPicker)  # a picker: by title or number
        await type_into(pilot, "#record-search", str(programme["sorter"]))
        # Not into itself: it is not offered.
        assert str(programme["sorter"]) not in picker_ids(prompt)
        assert "Nothing matches" in str(prompt.query_one("#record-empty").render())
        await type_into(pilot, "#record-search", str(programme["search"]))
        assert picker_ids(prompt)[0] == str(programme["search"])
        await type_into(pilot, "#record-search", "HOME page séarch")  # case, accents ignored
        assert picker_ids(prompt) == [str(programme["search"])]
        await press_each(pilot, "enter")
        dup, keep = doc(sample_store, programme["sorter"]), doc(sample_store, programme["search"])
        assert (dup["status"], dup["duplicate_of"]) == ("duplicate", programme["search"])
        marcus, amara = person(sample_store, "Marcus Webb"), person(sample_store, "Amara Okafor")
        assert set(keep["votes"]) == set(sample_store_votes) | {marcus.id, amara.id}
        assert len(keep["votes"]) == len(set(keep["votes"]))  # each person once
        assert table.plain_row(programme["sorter"])[6] == "duplicate"


async def test_impact_urgency_and_tags(sample_store, programme):
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_backlog) as (pilot, screen):
        table = screen.table
        assert table.select_id(programme["printer"])  # low x low = P5
        await press_each(pilot, "i")
        await choose(pilot, "high")
        d = doc(sample_store, programme["printer"])
        assert (d["impact"], d["impact_override"]) == ("low", "high")
        assert table.plain_row(programme["printer"])[2] == "P3"
        await press_each(pilot, "u")
        await choose(pilot, "high")
        assert doc(sample_store, programme["printer"])["urgency"] == "high"
        assert table.plain_row(programme["printer"])[2] == "P1"
        assert "impact high x urgency high = P1" in notifications(pilot)[-1]
        await press_each(pilot, "t")
        await answer(pilot, "Stock, printing")
        assert doc(sample_store, programme["printer"])["tags"] == ["kiosk", "printing", "stock"]


async def test_bulk_status_for_marked_rows(sample_store, programme):
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_backlog) as (pilot, screen):
        table = screen.table
        for key in ("kiosk", "printer", "done"):
            assert table.select_id(programme[key])
            await pilot.press("space")
        await pilot.pause()
        assert screen.marked == {programme[k] for k in ("kiosk", "printer", "done")}
        assert table.plain_row(programme["kiosk"])[0] == "●"
        assert "3 marked" in str(screen.query_one("#backlog-status").render())
        await press_each(pilot, "B")
        await choose(pilot, "under review")
        assert doc(sample_store, programme["kiosk"])["status"] == "under review"
        assert doc(sample_store, programme["printer"])["status"] == "under review"
        # Done cannot go to under review: it stays as it was, and stays marked.
        assert doc(sample_store, programme["done"])["status"] == "done"
        assert screen.marked == {programme["done"]}
        assert "2 moved to under review; 1 not moved" in notifications(pilot)[-1]


async def test_open_shows_history_and_clocks(sample_store, programme):
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_backlog, size=(120, 50)) as (pilot, screen):
        assert screen.table.select_id(programme["hostile"])
        await press_each(pilot, "s")
        await choose(pilot, "accepted")
        detail = await open_by_key(pilot, "enter", SuggestionDetail)
        assert str(detail.query_one("#title").render()) == f"#{programme['hostile']} {HOSTILE}"
        history = str(detail.query_one("#history").render())
        assert "Priya Raman  status: new → accepted" in history
        clocks = str(detail.query_one("#clocks").render())
        assert clocks.startswith("triage: ")
        assert "resolve: " in clocks
        priority = str(detail.query_one("#priority").render())
        assert (
            "impact high x urgency low = P3 (impact raised from medium by financial risk)"
            in priority
        )
        form = await open_by_key(pilot, "e", SuggestionForm)
        assert form.query_one("#title", Input).value == HOSTILE


async def test_hostile_text_in_a_new_suggestion(sample_store, programme):
    app = app_as(sample_store, "Hannah Lindqvist")
    async with opened(app, open_backlog, size=(120, 50)) as (pilot, screen):
        await press_each(pilot, "a")
        form = app.screen
        await type_into(pilot, "#title", "Bad\x1b[2J title")
        description = ("[bold]not bold[/] " * 300)[:5000]
        form.query_one("#description").insert(description)
        await press_each(pilot, "ctrl+s")
        assert "control character" in form.query_one("#field-title", Field).error
        assert form.query_one("#description").text == description
        await type_into(pilot, "#title", "[red]x [/] [TODO] printers")
        await press_each(pilot, "ctrl+s")
        [d] = sample_store.find(Suggestion.TABLE, title="[red]x [/] [TODO] printers")
        assert d["direction"] == "library-to-it"  # Hannah is library staff
        assert d["description"] == description.strip()
        assert screen.table.full_row(d["id"])[3] == "[red]x [/] [TODO] printers"
        await press_each(pilot, "enter")
        shown = str(app.screen.query_one("#description").render())
        assert shown == description.strip()


async def test_no_identity_no_triage(sample_store, programme):
    app = create_app(sample_store, None, demo=True, clock=lambda: NOW)
    async with opened(app, open_backlog) as (pilot, screen):
        before = doc(sample_store, screen.table.selected_id)
        for key in ("v", "s", "m", "i", "t"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen
        assert "Choose who you are" in notifications(pilot)[-1]
        assert doc(sample_store, before["id"]) == before


# ------------------------------------------------------------------ 100,000 suggestions
def big_database(tmp_path, n: int = 100_000) -> Store:
    """The sample directory plus ``n`` suggestions, built as the backlog benchmark builds them."""
    from benchmarks.backlog_bench import build as build_backlog

    return build_backlog(tmp_path / "big" / "shadow.json", n)


async def test_a_hundred_thousand_suggestions_show_a_page_at_a_time(tmp_path, monkeypatch):
    store = big_database(tmp_path)
    total = store.count(Suggestion.TABLE)
    assert total >= 100_000
    app = create_app(store, directory.find_person(store, "Priya Raman"), clock=lambda: NOW)
    async with opened(app, open_backlog) as (pilot, screen):
        assert len(screen.rows_by_id) == total
        assert screen.table.row_count == PAGE
        assert f"{total:,} shown · rows 1–200" in str(screen.query_one("#backlog-status").render())
        # Paging: ] turns the page; moving past the last row does too.
        first_page = shown_ids(screen)
        await pilot.press("right_square_bracket")
        assert shown_ids(screen) == [r.id for r in screen.shown[PAGE : 2 * PAGE]]
        assert screen.table.cursor_row == 0
        await pilot.press("up")  # past the first row: back to the first page, last row
        assert shown_ids(screen) == first_page
        assert screen.table.cursor_row == PAGE - 1
        # Filtering happens in the core; the table still holds one page.
        await pilot.press("slash", *"wifi")
        await pilot.pause(DEBOUNCE + 0.2)
        everything = backlog.sort(list(screen.rows_by_id.values()), "priority")
        expected = backlog.apply(everything, backlog.Filter(text="wifi"))
        assert 0 < len(expected) < total
        assert len(screen.shown) == len(expected)
        assert [r.id for r in screen.shown[:PAGE]] == [r.id for r in expected[:PAGE]]
        assert screen.table.row_count == PAGE
        assert all("wifi" in screen.table.full_row(i)[3] for i in shown_ids(screen))
        # A change made here shows at once, without re-reading 100,000 rows.
        await pilot.press("enter")
        target = screen.table.selected_id
        await press_each(pilot, "v")
        assert screen.table.plain_row(target)[7] == str(len(doc(store, target)["votes"]))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(screen.rows_by_id) == total


# ------------------------------------------------------------------ snapshot
def test_snapshot_backlog(snap_compare, sample_store, programme, monkeypatch):
    async def marked_and_sorted(pilot: Pilot) -> None:
        screen = await open_backlog(pilot)
        screen.table.select_id(programme["kiosk"])
        await pilot.press("space")
        await pilot.press("slash")
        await pilot.press(*"kiosk")
        await pilot.pause(DEBOUNCE + 0.1)
        await press_each(pilot, "enter")
        screen.search.cursor_blink = False

    app = app_as(sample_store, "Priya Raman")
    assert snap_compare(app, terminal_size=(110, 20), run_before=marked_and_sorted)


async def test_whose_turn_from_the_details(sample_store, programme):
    from shadow.core import sla

    sid = programme["hostile"]
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_backlog, size=(120, 50)) as (pilot, screen):
        assert screen.table.select_id(sid)
        await open_by_key(pilot, "enter", SuggestionDetail)
        assert "not waiting on anyone" in str(app.screen.query_one("#waiting").render())
        await press_each(pilot, "t")
        await choose(pilot, "library")
        await answer(pilot, "the branch manager's sign-off")
        await app.workers.wait_for_complete()
        w = sla.current_wait(sample_store, "suggestions", sid)
        assert w is not None and w.on == "library" and w.note == "the branch manager's sign-off"
        await press_each(pilot, "enter")
        shown = str(app.screen.query_one("#waiting").render())
        assert "waiting on the library" in shown and "sign-off" in shown
        await press_each(pilot, "g")
        await app.workers.wait_for_complete()
        assert sla.current_wait(sample_store, "suggestions", sid) is None
        # resuming when nothing waits is refused by the core, shown as the app shows errors
        await press_each(pilot, "enter", "g")
        await app.workers.wait_for_complete()
        assert any("is not waiting on anyone" in n for n in notifications(pilot))


async def test_a_refused_wait_is_shown_and_changes_nothing(sample_store, programme):
    from shadow.core import access, sla

    sid = programme["hostile"]
    password = "Correct-horse-battery-staple-42"
    access.add_account(sample_store, "Priya Raman", "Priya Raman", "coordinator", password)
    access.add_account(sample_store, "Priya Raman", "Hannah Lindqvist", "staff", password)
    app = app_as(sample_store, "Hannah Lindqvist")
    async with opened(app, open_backlog, size=(120, 50)) as (pilot, screen):
        assert screen.table.select_id(sid)
        await open_by_key(pilot, "enter", SuggestionDetail)
        await press_each(pilot, "t")
        await choose(pilot, "it")
        await answer(pilot, "")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        assert sla.current_wait(sample_store, "suggestions", sid) is None
        assert any("staff may not triage" in n for n in notifications(pilot))


def table_row_width(table: DataTable) -> int:
    """The width the table's columns take on screen (cells and their padding)."""
    return sum(c.get_render_width(table) for c in table.columns.values())


async def test_at_80_columns_the_least_needed_columns_leave_and_the_title_stays_readable(
    sample_store, programme
):
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_backlog, size=(80, 24)) as (pilot, screen):
        table = screen.table
        labels = [c.label.plain for c in table.columns.values()]
        assert labels == [" ", "#", "P", "Title", "Department", "Status", "SLA"], labels
        assert table_row_width(table) <= table.size.width
        row = table.plain_row(programme["sorter"])
        assert row[3].startswith("Service the returns sorter"), row
        assert row[-1] == "breached"
        # A click on a heading sorts by that column, whichever columns are shown.
        await pilot.click("#backlog-table", offset=(labels_offset(table, 5), 0))
        await pilot.pause()
        assert screen.sort_key == "status"


def labels_offset(table: DataTable, index: int) -> int:
    return sum(c.get_render_width(table) for c in list(table.columns.values())[:index]) + 1


@pytest.fixture
def held_states(sample_store, monkeypatch):
    """A backlog read in threads (as at 150,000 suggestions), two rows to a page, and the
    read that works out the service levels held until the test lets it go (``release``)."""
    from shadow.tui.screens import backlog as screen_module

    real_hint = sample_store.size_hint
    monkeypatch.setattr(
        sample_store, "size_hint", lambda t: 150_000 if t == "suggestions" else real_hint(t)
    )
    monkeypatch.setattr(screen_module, "PAGE", 2)
    held: list[BacklogScreen] = []
    release = BacklogScreen._work_out_later
    monkeypatch.setattr(BacklogScreen, "_work_out_later", lambda self: held.append(self))

    async def let_go(pilot: Pilot) -> None:
        assert held, "the service levels were worked out without waiting"
        release(held.pop())
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return let_go


def expected_states(store) -> dict[int, str]:
    return {r.id: r.sla for r in backlog.rows(store, NOW)}


def status_line(screen: BacklogScreen) -> str:
    return str(screen.query_one("#backlog-status").render())


async def test_a_large_backlog_shows_the_pages_states_and_works_out_the_rest_later(
    sample_store, programme, held_states
):
    app = app_as(sample_store, "Priya Raman")
    want = expected_states(sample_store)
    async with opened(app, open_backlog) as (pilot, screen):
        shown = shown_ids(screen)
        assert len(shown) == 2 and len(screen.rows_by_id) == 6
        # The page shown has its states; the rows not shown wait for theirs.
        for sid in shown:
            assert screen.rows_by_id[sid].sla == want[sid]
            assert screen.table.plain_row(sid)[-1] != backlog.PENDING
        waiting = {sid for sid, r in screen.rows_by_id.items() if r.sla == backlog.PENDING}
        assert waiting == set(want) - set(shown)
        # Turning the page works out the next page's at once.
        await press_each(pilot, "right_square_bracket")
        for sid in shown_ids(screen):
            assert screen.rows_by_id[sid].sla == want[sid]
        assert "service levels" not in status_line(screen)  # (neither sorted nor filtered by them)
        await held_states(pilot)
        assert {sid: r.sla for sid, r in screen.rows_by_id.items()} == want


async def test_sorting_by_service_level_before_the_states_land_is_corrected_when_they_do(
    sample_store, programme, held_states
):
    app = app_as(sample_store, "Priya Raman")
    want_rows = backlog.rows(sample_store, NOW)
    want = [r.id for r in backlog.sort(want_rows, "sla")]
    async with opened(app, open_backlog) as (pilot, screen):
        screen.sort_by("sla")
        await pilot.pause()
        assert "working out service levels…" in status_line(screen)
        assert all(screen.rows_by_id[sid].sla != backlog.PENDING for sid in shown_ids(screen))
        await held_states(pilot)
        assert [r.id for r in screen.shown] == want
        assert shown_ids(screen) == want[:2]
        assert "service levels" not in status_line(screen)


async def test_filtering_by_service_level_before_the_states_land_is_corrected_when_they_do(
    sample_store, programme, held_states
):
    app = app_as(sample_store, "Priya Raman")
    breached = {programme[k] for k in ("sorter", "kiosk", "search", "done")}
    async with opened(app, open_backlog) as (pilot, screen):
        await app.run_action("quick_filter('breached')", screen)
        await pilot.pause()
        assert {r.id for r in screen.shown} < breached  # what is known so far
        assert "working out service levels…" in status_line(screen)
        await held_states(pilot)
        assert {r.id for r in screen.shown} == breached
        assert set(shown_ids(screen)) <= breached and len(shown_ids(screen)) == 2
        assert "service levels" not in status_line(screen)


async def test_rows_read_again_while_states_wait_come_with_their_states(
    sample_store, programme, held_states
):
    """Our own change (``_changed``) and an incremental read of a few suggestions work
    their states out at once; the read that works out the rest leaves them be."""
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_backlog) as (pilot, screen):
        kiosk, printer = programme["kiosk"], programme["printer"]
        assert screen.rows_by_id[kiosk].sla == backlog.PENDING
        assert screen.rows_by_id[printer].sla == backlog.PENDING
        backlog.set_status(sample_store, "Priya Raman", kiosk, "declined", reason="no room")
        screen._changed([kiosk])
        assert screen.rows_by_id[kiosk].sla == expected_states(sample_store)[kiosk]
        backlog.vote(sample_store, directory.find_person(sample_store, "Priya Raman"), printer)
        screen.load(full=False)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.rows_by_id[printer].votes == len(doc(sample_store, printer)["votes"])
        assert screen.rows_by_id[printer].sla == expected_states(sample_store)[printer]
        await held_states(pilot)
        assert {sid: r.sla for sid, r in screen.rows_by_id.items()} == expected_states(sample_store)
