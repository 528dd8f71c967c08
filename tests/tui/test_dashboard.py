"""The dashboard: the lists that need attention, their pages, the charts, small terminals."""

from __future__ import annotations

import dataclasses
import gc
import os
import time

import pytest
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Label

from shadow.core import ahead, backlog, directory, trends
from shadow.core.backlog import OPEN_STATUSES
from shadow.core.dashboard import read_dashboard
from shadow.core.models import Action, Kudos
from shadow.tui.app import create_app
from shadow.tui.modals.first_run import FirstRunModal
from shadow.tui.modals.info import InfoModal
from shadow.tui.modals.suggestion_detail import SuggestionDetail
from shadow.tui.screens import dashboard as dashboard_module
from shadow.tui.screens.dashboard import DashboardScreen
from shadow.tui.screens.visit import VisitScreen
from shadow.tui.widgets.charts import BarChart
from shadow.tui.widgets.record_table import RecordTable

from .helpers import SIZE, Terminal, open_by_key, opened, settled
from .programme import HOSTILE, NOW, add_visit, build, dept_id, person_id


@pytest.fixture
def programme(sample_store, liaison, monkeypatch):
    """The fixed programme, plus what the dashboard lists: a visit today, a cancelled
    one, overdue actions (the liaison's and someone else's) and kudos without a visit."""
    monkeypatch.setenv("TZ", "Europe/London")
    ids = build(sample_store)
    store = sample_store
    ben, marcus = person_id(store, "Ben Kowalczyk"), person_id(store, "Marcus Webb")
    circulation = dept_id(store, "Circulation")
    with store.transaction("test setup") as tx:
        for key, start, end, status in [
            ("today", "2026-11-20T15:00+00:00", "2026-11-20T16:00+00:00", "confirmed"),
            ("cancelled", "2026-11-10T10:00+00:00", "2026-11-10T12:00+00:00", "cancelled"),
        ]:
            ids[key] = add_visit(
                tx, "2026-11-02T09:00+00:00", department_id=circulation, visitors=[ben],
                hosts=[marcus], start=start, end=end, status=status,
            )  # fmt: skip
        mine = Action(
            title=f"Chase the sorter service {HOSTILE}",
            owner_id=liaison.id,
            due="2026-11-16",
            suggestion_id=ids["sorter"],
        )
        ids["my_action"] = tx.insert(Action.TABLE, mine.to_doc(), created="2026-11-01T09:00+00:00")
        theirs = Action(
            title="Order spare rolls", owner_id=ben, due="2026-11-12", visit_id=ids["visit"]
        )
        ids["their_action"] = tx.insert(
            Action.TABLE, theirs.to_doc(), created="2026-11-01T09:00+00:00"
        )
        thanks = Kudos(to_id=ben, from_id=marcus, text=f"Stayed late for the kiosks. {HOSTILE}")
        ids["kudos_plain"] = tx.insert(
            Kudos.TABLE, thanks.to_doc(), created="2026-11-18T17:00+00:00"
        )
    return ids


async def open_dashboard(pilot: Pilot) -> DashboardScreen:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DashboardScreen)
    assert screen.data is not None
    return screen


def ids_of(screen: DashboardScreen, panel: str) -> list[str]:
    return screen.panel(panel).item_ids


def record_ids(screen: DashboardScreen, panel: str) -> list[int]:
    return [int(item.split(":")[1]) for item in ids_of(screen, panel)]


def prompt_text(screen: DashboardScreen, panel: str, index: int) -> str:
    return screen.panel(panel).get_option_at_index(index).prompt.plain


async def highlight(pilot: Pilot, screen: DashboardScreen, panel: str, record_id: int) -> None:
    target = screen.panel(panel)
    target.focus()
    target.highlighted = record_ids(screen, panel).index(record_id)
    await pilot.pause()


async def test_the_app_opens_on_the_dashboard(sample_store, liaison, programme):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_dashboard) as (pilot, screen):
        assert app.current_mode == "dashboard"
        assert app.focused is screen.panel("visits")


async def test_the_lists_show_what_needs_attention(sample_store, liaison, programme):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_dashboard) as (pilot, screen):
        p = programme
        # Today (Fri 20 Nov) and the next 7 days, in time order; the October visit is not.
        assert record_ids(screen, "visits") == [p["today"], p["other_visit"]]
        assert prompt_text(screen, "visits", 0).startswith("Today 15:00–16:00  Circulation")
        assert prompt_text(screen, "visits", 1).startswith("Tue 24 Nov 10:00–12:00  Reference")
        # Only the acting person's overdue actions.
        assert record_ids(screen, "overdue") == [p["my_action"]]
        assert "4 days late" in prompt_text(screen, "overdue", 0)
        # Suggestions with status new, most urgent first; breaches as the core has them.
        rows = backlog.rows(sample_store, NOW)
        new = sorted((r for r in rows if r.status == "new"), key=lambda r: (r.priority, r.created))
        assert record_ids(screen, "triage") == [r.id for r in new]
        assert set(record_ids(screen, "triage")) == {p["kiosk"], p["printer"], p["hostile"]}
        breached = {r.id for r in rows if r.sla == "breached" and r.status in OPEN_STATUSES}
        at_risk = {r.id for r in rows if r.sla == "at risk" and r.status in OPEN_STATUSES}
        # the liaison coordinates: every at-risk and breached suggestion, breached first
        shown = record_ids(screen, "breaches")
        assert breached and at_risk and set(shown) == breached | at_risk
        assert set(shown[: len(breached)]) == breached
        # Kudos, newest first.
        assert record_ids(screen, "kudos") == [p["kudos_plain"], p["kudos"]]
        summary = str(screen.query_one("#dash-summary").render())
        assert "Fri 20 Nov 2026" in summary and "my overdue: 1" in summary


async def test_hostile_text_is_shown_literally(sample_store, liaison, programme):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_dashboard) as (pilot, screen):
        index = record_ids(screen, "triage").index(programme["hostile"])
        assert HOSTILE in prompt_text(screen, "triage", index)
        assert HOSTILE in prompt_text(screen, "overdue", 0)
        assert HOSTILE in prompt_text(screen, "kudos", 0)
        # ... and on screen too, brackets and all.
        panel = screen.panel("kudos")
        shown = "\n".join(panel.render_line(y).text for y in range(panel.size.height))
        assert "[red]x" in shown and "[/]" in shown and "[TODO]" in shown  # (may wrap)


async def test_enter_on_a_visit_opens_its_page(sample_store, liaison, programme):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_dashboard) as (pilot, screen):
        await highlight(pilot, screen, "visits", programme["other_visit"])
        await open_by_key(pilot, "enter", VisitScreen)
        assert app.screen.visit_id == programme["other_visit"]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_enter_on_a_suggestion_opens_it_in_the_backlog(sample_store, liaison, programme):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_dashboard) as (pilot, screen):
        await pilot.press("2")  # the triage list
        assert app.focused is screen.panel("triage")
        await highlight(pilot, screen, "triage", programme["kiosk"])
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert app.current_mode == "backlog"
        assert isinstance(app.screen, SuggestionDetail)
        assert app.screen.suggestion_id == programme["kiosk"]
        backlog_screen = app.screen_stack[0]
        assert backlog_screen.query_one(RecordTable).selected_id == programme["kiosk"]


async def test_enter_on_my_action_opens_it(sample_store, liaison, programme):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await open_dashboard(pilot)
        await pilot.press("4")  # my overdue actions
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        action = programme["my_action"]
        if dashboard_module.has_mode(app, "actions"):
            assert app.current_mode == "actions"
            shown = app.screen_stack[0].query_one(RecordTable).selected_id == action
            opened = isinstance(app.screen, InfoModal) and f"#{action}" in app.screen.title_text
            assert shown or opened
        else:
            assert isinstance(app.screen, InfoModal)
            assert app.screen.title_text.startswith(f"Action #{action}: Chase the sorter")
            assert HOSTILE in app.screen.title_text


async def test_enter_on_kudos(sample_store, liaison, programme):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_dashboard) as (pilot, screen):
        await pilot.press("5")
        # Kudos given on a visit open the visit.
        await highlight(pilot, screen, "kudos", programme["kudos"])
        await open_by_key(pilot, "enter", VisitScreen)
        assert app.screen.visit_id == programme["visit"]
        await pilot.press("escape")
        await pilot.pause()
        # Kudos without a visit show in full, literally.
        await highlight(pilot, screen, "kudos", programme["kudos_plain"])
        await open_by_key(pilot, "enter", InfoModal)
        assert HOSTILE in app.screen.body.plain


async def test_left_right_and_numbers_move_between_lists(sample_store, liaison, programme):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_dashboard) as (pilot, screen):
        order = [screen.panel(name) for name in DashboardScreen.PANELS]
        for expected in order[1:] + order[:1]:
            await pilot.press("right")
            assert app.focused is expected
        await pilot.press("left")
        assert app.focused is order[-1]
        await pilot.press("3")
        assert app.focused is screen.panel("breaches")


async def test_the_charts_count_by_month(sample_store, liaison, programme):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_dashboard) as (pilot, screen):
        visits = screen.query_one("#chart-visits", BarChart).drawing
        assert [s.label for s in visits.series] == ["completed", "cancelled/no-show"]
        # Jun … Nov 2026: one completed visit in October, one cancelled in November.
        assert visits.labels == ["Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]
        assert visits.series[0].values == [0, 0, 0, 0, 1, 0]
        assert visits.series[1].values == [0, 0, 0, 0, 0, 1]
        raised = screen.query_one("#chart-suggestions", BarChart).drawing.series
        assert raised[0].values == [0, 0, 0, 0, 3, 3]  # three in October, three in November
        assert raised[1].values == [0, 0, 0, 0, 0, 1]  # one done (19 Nov)
        size = screen.query_one("#chart-backlog", BarChart).drawing.series[0].values
        assert size == trends.backlog_size(sample_store, NOW).series["open"]
        assert size[-2:] == [3, 5]  # at the end of October; now


async def test_a_change_elsewhere_shows_up(sample_store, liaison, programme):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_dashboard) as (pilot, screen):
        ben = directory.find_person(sample_store, "Ben Kowalczyk")
        thanks = Kudos(to_id=liaison.id, from_id=ben.id, text="Thanks for the tour plan")
        with sample_store.transaction("Ben Kowalczyk") as tx:
            new = tx.insert(Kudos.TABLE, thanks.to_doc())
        await pilot.pause()
        await pilot.pause()
        assert record_ids(screen, "kudos")[0] == new


async def test_a_big_database_is_read_in_a_thread(sample_store, liaison, programme, monkeypatch):
    monkeypatch.setattr(dashboard_module, "SYNC_LIMIT", 0)
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_dashboard) as (pilot, screen):
        assert not screen.reading
        assert record_ids(screen, "visits") == [programme["today"], programme["other_visit"]]


# ------------------------------------------------------------------ read ahead (core/ahead.py)
def reads_here(monkeypatch) -> list:
    """The Dashboard's reads in this process, from now on."""
    calls = []
    real = dashboard_module.read_dashboard

    def read(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(dashboard_module, "read_dashboard", read)
    return calls


def read_ahead(store, actor, pause: float = 0.0) -> ahead.Ahead:
    found = ahead.start(lambda: (time.sleep(pause), read_dashboard(store, NOW, actor))[1])
    assert found is not None
    return found


def stopped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True  # (reaped)
    return False


async def test_a_dashboard_read_ahead_is_in_its_first_paint(
    sample_store, liaison, programme, monkeypatch
):
    found = read_ahead(sample_store, liaison)
    while not found.ready():
        time.sleep(0.01)
    calls = reads_here(monkeypatch)
    collecting, taken_at, frozen = [], [], []
    real_take, real_freeze = found.take, gc.freeze

    def take():
        collecting.append(gc.isenabled())
        taken_at.append(time.perf_counter())
        return real_take()

    monkeypatch.setattr(found, "take", take)
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(time.perf_counter()) or real_freeze())
    app = create_app(sample_store, liaison, clock=lambda: NOW, ahead=found)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert screen.data is not None and not screen.reading  # (taken on the spot)
        assert record_ids(screen, "visits") == [programme["today"], programme["other_visit"]]
        assert calls == [] and stopped(found.pid)
        assert "Reading" not in str(screen.query_one("#dash-summary", Label).content)
        # Taken with no collection meanwhile, then kept out of the collector's walks with
        # everything older, as a read in a thread is (tui/loading.py).
        assert collecting == [False] and frozen and frozen[0] > taken_at[0]


async def test_a_dashboard_still_being_read_ahead_is_waited_for_in_a_thread(
    sample_store, liaison, programme, monkeypatch
):
    found = read_ahead(sample_store, liaison, pause=0.5)
    calls = reads_here(monkeypatch)
    app = create_app(sample_store, liaison, clock=lambda: NOW, ahead=found)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.reading  # (its summary line says so meanwhile)
        screen = await open_dashboard(pilot)
        assert record_ids(screen, "visits") == [programme["today"], programme["other_visit"]]
        assert calls == [] and stopped(found.pid)


async def test_a_dashboard_read_ahead_for_someone_else_is_read_again(
    sample_store, liaison, programme, monkeypatch
):
    found = read_ahead(sample_store, None)
    calls = reads_here(monkeypatch)
    app = create_app(sample_store, liaison, clock=lambda: NOW, ahead=found)
    async with opened(app, open_dashboard) as (pilot, screen):
        assert len(calls) == 1 and screen.data.actor_id == liaison.id
        assert screen.data.overdue is not None  # (the liaison's own list, not nobody's)
        assert stopped(found.pid)


async def test_closing_before_the_dashboard_read_ahead_ends_stops_it(sample_store, liaison):
    found = ahead.start(lambda: time.sleep(600))
    assert found is not None
    app = create_app(sample_store, liaison, clock=lambda: NOW, ahead=found)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.reading  # (waiting for the child in a thread)
    deadline = time.monotonic() + 30  # (the thread waiting reaps it once it is stopped)
    while not stopped(found.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stopped(found.pid)


async def test_a_small_terminal_still_works(sample_store, liaison, programme):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_dashboard, size=(80, 24)) as (pilot, screen):
        assert screen.has_class("-compact")
        for key in ("right", "down", "right", "down", "enter"):
            await pilot.press(key)
            await pilot.pause()
        assert app.screen is not None  # no crash; whatever opened is on top


async def test_without_an_identity_the_own_list_says_so(sample_store, programme):
    app = create_app(sample_store, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")  # no identity chosen
        screen = await open_dashboard(pilot)
        panel = screen.panel("overdue")
        assert panel.item_ids == []
        assert "Choose who you are" in panel.get_option_at_index(0).prompt.plain


async def test_choosing_who_you_are_fills_the_own_list_at_once(sample_store, programme):
    """The Dashboard shown under the identity dialog reads again when someone is chosen:
    no stale "Choose who you are" once you have."""
    app = create_app(sample_store, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")  # no identity chosen yet
        screen = await open_dashboard(pilot)
        assert "Choose who you are" in screen.panel("overdue").get_option_at_index(0).prompt.plain
        app.set_actor(directory.find_person(sample_store, "Ben Kowalczyk"), remember=False)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        first = screen.panel("overdue").get_option_at_index(0).prompt.plain
        assert "Choose who you are" not in first


def test_snapshot_dashboard(snap_compare, sample_store, liaison, programme):
    async def settle(pilot: Pilot) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        pilot.app.clear_notifications()  # reminders depend on the real clock
        await pilot.pause()

    app = create_app(sample_store, liaison, clock=lambda: NOW)
    assert snap_compare(app, terminal_size=(120, 36), run_before=settle)


async def test_an_empty_database_opens_on_an_empty_dashboard(store):
    app = create_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FirstRunModal)
        assert isinstance(app.screen_stack[0], DashboardScreen)
        await pilot.click("#empty")
        await pilot.pause()
        await pilot.press("escape")  # no identity yet
        screen = await open_dashboard(pilot)
        for name in DashboardScreen.PANELS:
            assert screen.panel(name).item_ids == []
        # Coverage copes too: no programme, nobody to cover.
        await pilot.press("f8")
        await pilot.pause()
        detail = str(app.screen.query_one("#cell-detail").render())
        assert detail == "No active IT staff yet: add them in the Directory."


async def test_an_owner_sees_all_theirs_at_risk_and_breached_with_the_hours_waited(
    sample_store, liaison, programme
):
    from datetime import timedelta

    from shadow.core import sla

    store = sample_store
    # a vendor wait on the sorter two days before "now": its hours show under the list
    sla.wait(store, liaison.name, "suggestions", programme["sorter"], "vendor",
             "quote [b]asked[/b]", now=NOW - timedelta(days=2))  # fmt: skip
    figures = sla.waiting_figures(store, sla.service(store), NOW).overall
    assert figures["vendor"] > 0
    everyone = [e.suggestion_id for e in sla.escalations(store, NOW, liaison)]
    assert len(everyone) > 1
    # Ben owns an open action on the last of them: that one is his (and only his own are)
    owner = directory.find_person(store, "Ben Kowalczyk")
    assert sla.escalation_scope(store, owner) is not None  # not a coordinator
    with store.transaction("test setup") as tx:
        follow_up = Action(title="Follow it up", owner_id=owner.id, suggestion_id=everyone[-1])
        tx.insert(Action.TABLE, follow_up.to_doc(), created="2026-11-19T09:00+00:00")
    scope = sla.escalation_scope(store, owner)
    theirs = [e.suggestion_id for e in sla.escalations(store, NOW, owner)]
    assert everyone[-1] in theirs and set(theirs) == set(everyone) & set(scope)
    assert len(theirs) < len(everyone)  # an owner's own, not everyone's
    for who, expected in ((liaison, everyone), (owner, theirs)):
        app = create_app(store, who, clock=lambda: NOW)
        async with opened(app, open_dashboard) as (pilot, screen):
            assert record_ids(screen, "breaches") == expected
            states = [e.state for e in sla.escalations(store, NOW, who)]
            lines = [prompt_text(screen, "breaches", i) for i in range(len(expected))]
            assert all(state in line for state, line in zip(states, lines, strict=True))
            subtitle = str(screen.panel("breaches").border_subtitle)
            assert f"vendor {round(figures['vendor'], 1):g}h" in subtitle
            assert f"lib {round(figures['library'], 1):g}h" in subtitle


async def test_at_80x24_the_panel_titles_and_lines_are_whole(sample_store, liaison):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_dashboard, size=(80, 24)) as (pilot, screen):
        await pilot.pause()
        for panel in screen.query(dashboard_module.Panel):
            room = panel.size.width - 4  # the corners and the spaces round a title
            for text in (panel.border_title, panel.border_subtitle):
                plain = Content.from_markup(str(text or "")).plain
                assert len(plain) <= room, (panel.id, plain, room)
        titles = {
            p.id: Content.from_markup(str(p.border_title)).plain
            for p in screen.query(dashboard_module.Panel)
        }
        assert titles["visits"].startswith("Next 7 days"), titles
        # Hundreds of hours waited on each side: the shortest form of the line, whole.
        hours = {"library": 652.4, "it": 326.2, "vendor": 91.0}
        screen.show(dataclasses.replace(screen.data, waiting=hours))
        await pilot.pause()
        panel = screen.panel("breaches")
        assert str(panel.border_subtitle) == "lib652h IT326h v91h"
        assert len(str(panel.border_subtitle)) <= panel.size.width - 4
    async with create_app(sample_store, liaison, clock=lambda: NOW).run_test(
        size=(140, 42)
    ) as pilot:
        screen = await open_dashboard(pilot)
        title = Content.from_markup(str(screen.panel("visits").border_title)).plain
        assert title.startswith("Today and the next 7")


async def test_a_panel_made_taller_keeps_its_options_rendered_and_shows_them_right(
    sample_store, liaison
):
    """Panel: a resize that keeps the options' width (the panels taller, the liaison's
    line gone) keeps their renders (OptionList renders them all again at any resize);
    a narrower one renders them again, titles fitted. Either way the terminal shows the
    screen as it is."""
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_dashboard, size=(120, 30)) as (pilot, screen):
        await settled(pilot)
        panel = screen.panel("visits")
        assert panel.option_count > 1
        rendered = dict(panel._option_render_cache._cache)
        assert rendered
        terminal = Terminal(app)
        terminal.apply(screen._compositor.render_full_update())
        terminal.watch()
        height = panel.size.height
        await pilot.resize_terminal(120, 40)
        await settled(pilot)
        assert panel.size.height > height
        kept = panel._option_render_cache._cache
        assert all(kept.get(key) is lines for key, lines in rendered.items())  # (not redone)
        assert terminal.differs_from_the_screen() == []
        width = panel.size.width
        await pilot.resize_terminal(80, 40)
        await settled(pilot)
        assert panel.size.width < width
        again = panel._option_render_cache._cache
        assert not any(again.get(key) is lines for key, lines in rendered.items())
        room = panel.size.width - 4
        assert len(Content.from_markup(str(panel.border_title)).plain) <= room
        assert terminal.differs_from_the_screen() == []


async def test_the_charts_axes_are_readable_from_the_first_paint(sample_store, liaison, programme):
    """The programme read on the spot is painted with the screen's first paint, before
    the app's own colour is styled: a chart that took its text colour from the app drew
    its axis and month names in the background colour (and nothing painted it again)."""
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    terminal = Terminal(app)
    terminal.watch()
    async with app.run_test(size=SIZE) as pilot:
        await open_dashboard(pilot)
        for chart in app.screen.query(BarChart):
            region = chart.content_region
            axis = {
                style
                for (x, y), (char, style) in terminal.cells.items()
                if region.contains(x, y) and char in "└┬─┤"
            }
            assert axis and all(style.color != style.bgcolor for style in axis), chart.id
        assert terminal.paints and not terminal.differs_from_the_screen()


async def test_a_long_list_shows_its_first_and_counts_them_all(
    sample_store, liaison, programme, monkeypatch
):
    """Each list holds its first LIST_LIMIT (here 1); its title and the summary count all
    of them, and a last line says how many more and where they are. (The counts once
    stopped at the limit: "past service level: 50" at any size over it.)"""
    from shadow.core import dashboard as core_dashboard

    monkeypatch.setattr(core_dashboard, "LIST_LIMIT", 1)
    monkeypatch.setattr(dashboard_module, "LIST_LIMIT", 1)
    rows = backlog.rows(sample_store, NOW)
    breached = [r for r in rows if r.sla == "breached" and r.status in OPEN_STATUSES]
    escalated = [r for r in rows if r.sla in ("breached", "at risk") and r.status in OPEN_STATUSES]
    new = [r for r in rows if r.status == "new"]
    assert len(breached) > 1 and len(new) > 1
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_dashboard) as (pilot, screen):
        data = screen.data
        assert data.breached_total == len(breached)
        assert data.escalated_total == len(escalated) and len(data.escalations) == 1
        summary = str(screen.query_one("#dash-summary").render())
        assert f"past service level: {len(breached)}" in summary
        for name, total, where in (
            ("triage", len(new), "in the Backlog (F4)"),
            ("breaches", len(escalated), "in the Backlog (F4)"),
            ("visits", 2, "in the Schedule (F3)"),
        ):
            panel = screen.panel(name)
            assert len(panel.item_ids) == 1, name
            assert f"· {total}" in str(panel.border_title), name
            last = panel.get_option_at_index(panel.option_count - 1)
            assert last.disabled and str(last.prompt) == f"… and {total - 1} more {where}"
        # The line is not an item: enter on it opens nothing, and moving skips it.
        triage = screen.panel("triage")
        triage.focus()
        await pilot.press("down")
        assert triage.highlighted == 0
