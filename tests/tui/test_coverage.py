"""Coverage: the matrix against the core, goals, the planner (review and book), the survey gap."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.text import Text
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import DataTable, ProgressBar, Select, Static

from shadow.core import coverage, directory, planner, surveys
from shadow.core.models import (
    SURVEY_DIMENSIONS,
    Department,
    Person,
    Programme,
    Survey,
    Visit,
)
from shadow.tui.app import create_app
from shadow.tui.modals.goals_form import GoalsForm
from shadow.tui.modals.planner import TICKED, UNTICKED, PlannerModal
from shadow.tui.modals.survey_form import SurveyForm, dimension_key
from shadow.tui.screens.coverage import CoverageScreen, GoalRow, short_day
from shadow.tui.widgets.charts import theme_style
from shadow.tui.widgets.field import Field
from shadow.tui.widgets.matrix_table import MatrixTable

from .helpers import (
    SIZE,
    cells_render_as_datatable_does,
    fill_and_save,
    notifications,
    open_by_key,
    opened,
    press_each,
    record_threads,
    select_shows,
    type_into,
)
from .programme import HOSTILE, NOW, build, dept_id, person_id


@pytest.fixture
def programme(sample_store, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/London")
    return build(sample_store)


def programme_id(store) -> int:
    return sorted(d["id"] for d in store.all(Programme.TABLE))[0]


async def open_coverage(pilot: Pilot) -> CoverageScreen:
    screen = await open_by_key(pilot, "f8", CoverageScreen)
    return screen


def cell_at(screen: CoverageScreen, person: int, dept: int) -> Text:
    return screen.matrix.get_cell(str(person), str(dept))


# ------------------------------------------------------------------ the matrix
async def test_matrix_cells_match_the_core(sample_store, liaison, programme):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_coverage) as (pilot, screen):
        cov = coverage.compute(sample_store, programme_id(sample_store), NOW)
        table = screen.matrix
        assert table.row_count == len(cov.people)
        assert [str(k.value) for k in table.columns] == [str(d.id) for d in cov.departments]
        styles = {
            "fresh": theme_style(app, "success"),
            "ageing": theme_style(app, "warning"),
            "stale": theme_style(app, "error"),
            "never": theme_style(app, "text-muted"),
        }
        for p in cov.people:
            for d in cov.departments:
                c = cov.cells[(p.id, d.id)]
                shown = cell_at(screen, p.id, d.id)
                expected = (
                    "→" + short_day(c.booked, cov.as_of)
                    if c.booked and c.state in ("stale", "never")
                    else short_day(c.last, cov.as_of)
                    if c.last
                    else "never"
                )
                assert shown.plain == expected
                assert shown.style == styles[c.state]
        assert any(c.booked and not c.last for c in cov.cells.values())  # "→" is exercised
        # The fixture's one completed visit: Ben and Aisha at Circulation on 20 Oct.
        ben, circulation = (
            person_id(sample_store, "Ben Kowalczyk"),
            dept_id(sample_store, "Circulation"),
        )
        assert cell_at(screen, ben, circulation).plain == "20 Oct"
        assert cov.cells[(ben, circulation)].state == "fresh"


async def test_the_matrix_paints_what_a_datatable_paints(sample_store, liaison, programme):
    """MatrixTable measures only the labels and shares its cells' renderings: the label
    column, the table's size and every cell in each state are DataTable's own."""
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_coverage) as (pilot, screen):
        table = screen.matrix
        assert isinstance(table, MatrixTable)
        label_width, size = table._row_label_column_width, table.virtual_size
        DataTable._update_dimensions(table, list(table.rows))  # every cell measured
        assert (table._row_label_column_width, table.virtual_size) == (label_width, size)
        assert label_width > 0 and table._labelled_row_exists
        assert cells_render_as_datatable_does(table) > 0


async def test_the_line_under_the_matrix_names_the_cell(sample_store, liaison, programme):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_coverage) as (pilot, screen):
        cov = screen.cov
        ben = person_id(sample_store, "Ben Kowalczyk")
        row = [p.id for p in cov.people].index(ben)
        column = [d.name for d in cov.departments].index("Circulation")
        screen.matrix.move_cursor(row=row, column=column)
        await pilot.pause()
        detail = str(screen.query_one("#cell-detail").render())
        assert "Ben Kowalczyk" in detail
        assert "last visited Circulation on Tue 20 Oct 2026, 31 days ago" in detail


async def test_goals_are_listed_with_progress(sample_store, liaison, programme):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_coverage) as (pilot, screen):
        rows = list(screen.query(GoalRow))
        cov = coverage.compute(sample_store, programme_id(sample_store), NOW)
        assert [r.progress.description for r in rows] == [g.description for g in cov.goals]
        for row, goal in zip(rows, cov.goals, strict=True):
            bar = row.query_one(ProgressBar)
            assert bar.total == max(goal.required, 1)
            assert bar.progress == (goal.met if goal.required else 1)
            assert f"{goal.met}/{goal.required} met" in str(row.query_one(".goal-count").render())


async def test_hostile_names_are_shown_literally(sample_store, liaison, programme):
    person = directory.person_from_input(
        sample_store, {"name": HOSTILE, "side": "it", "role": "Developer"}
    )
    directory.save_person(sample_store, liaison.name, person)
    with sample_store.transaction("test") as tx:  # a Select reads plain labels as markup
        tx.update(Programme.TABLE, programme_id(sample_store), {"name": HOSTILE})
        tx.update(Department.TABLE, dept_id(sample_store, "Circulation"), {"name": HOSTILE})
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_coverage) as (pilot, screen):
        current, _ = select_shows(screen.query_one("#programme", Select))
        assert current.strip() == HOSTILE
        await pilot.press("s")  # the survey form lists departments
        await pilot.pause()
        _, departments = select_shows(app.screen.query_one("#department", Select))
        assert HOSTILE in departments
        await press_each(pilot, "escape")
        pid = directory.find_person(sample_store, HOSTILE).id
        assert screen.matrix.rows[str(pid)].label.plain == HOSTILE
        screen.matrix.move_cursor(row=screen.matrix.get_row_index(str(pid)), column=0)
        await pilot.pause()
        assert HOSTILE in str(screen.query_one("#cell-detail").render())


# ------------------------------------------------------------------ goals
async def test_goals_form_shows_errors_then_saves(sample_store, liaison, programme):
    pid = programme_id(sample_store)
    before = sample_store.get(Programme.TABLE, pid)["goals"]
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await open_coverage(pilot)
        form = await open_by_key(pilot, "g", GoalsForm)
        await fill_and_save(
            pilot,
            {
                "#cadence_days": "a year",
                "#onboarding_count": "",
                "#roles": "Help desk level 1, Helpdesk",
            },
        )
        assert app.screen is form
        errors = form.errors_shown()
        assert errors["cadence_days"] == "Days must be a whole number of days (got 'a year')"
        assert "is needed for an onboarding goal" in errors["onboarding_count"]
        assert "'Helpdesk'" in errors["roles"]
        assert sample_store.get(Programme.TABLE, pid)["goals"] == before  # nothing saved
        await type_into(pilot, "#cadence_days", "180")
        await type_into(pilot, "#onboarding_count", "4")
        await type_into(pilot, "#roles", "Help desk level 1")
        await open_by_key(pilot, "ctrl+s", CoverageScreen)
        goals = sample_store.get(Programme.TABLE, pid)["goals"]
        cadence = next(g for g in goals if g["type"] == "cadence")
        onboarding = next(g for g in goals if g["type"] == "onboarding")
        assert cadence["days"] == 180
        assert (onboarding["count"], onboarding["roles"]) == (4, ["Help desk level 1"])
        assert any("Goals of" in n and "saved" in n for n in notifications(pilot))
        # The screen follows: the legend now counts against 180 days.
        assert "≤90 days ago" in str(app.screen.query_one("#coverage-legend").render())


# ------------------------------------------------------------------ the planner
async def run_planner(pilot: Pilot, start: str, end: str) -> PlannerModal:
    modal = await open_by_key(pilot, "p", PlannerModal)
    await type_into(pilot, "#from", start)
    await type_into(pilot, "#to", end)
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()
    return modal


def ticks(modal: PlannerModal) -> list[str]:
    table = modal.query_one("#proposals", DataTable)
    return [table.get_cell(str(i), "tick").plain for i in range(table.row_count)]


def planned_visits(store, known: set[int]) -> list[Visit]:
    return [Visit.from_doc(d) for d in store.all(Visit.TABLE) if d["id"] not in known]


async def test_plan_review_untick_one_and_book_the_rest(sample_store, liaison, programme):
    known = {d["id"] for d in sample_store.all(Visit.TABLE)}
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await open_coverage(pilot)
        modal = await run_planner(pilot, "23/11/2026", "4/12/2026")
        # The dates as read, under the fields.
        hints = [str(f.query_one(".field-hint").render()) for f in list(modal.query(Field))[:2]]
        assert hints == ["= Mon 23 Nov 2026", "= Fri 4 Dec 2026"]
        plan = modal.plan
        assert plan is not None and len(plan.proposals) >= 3
        # The same proposal the core makes for this request.
        again = planner.plan(
            sample_store,
            programme_id(sample_store),
            modal.request.start,
            modal.request.end,
            max_per_week=modal.request.max_per_week,
            now=NOW,
        )
        assert [(p.department_id, p.start, p.visitors) for p in again.proposals] == [
            (p.department_id, p.start, p.visitors) for p in plan.proposals
        ]
        assert ticks(modal) == [TICKED] * len(plan.proposals)
        # Untick the second; n then a shows none and all work too.
        await pilot.press("n")
        assert ticks(modal) == [UNTICKED] * len(plan.proposals)
        await pilot.press("a")
        assert ticks(modal) == [TICKED] * len(plan.proposals)
        await pilot.press("down", "space")
        assert ticks(modal)[:2] == [TICKED, UNTICKED]
        await open_by_key(pilot, "ctrl+s", CoverageScreen)
        booked = planned_visits(sample_store, known)
        wanted = [p for i, p in enumerate(plan.proposals) if i != 1]
        assert sorted((v.department_id, v.start, v.visitors, v.hosts) for v in booked) == sorted(
            (p.department_id, planner_iso(p.start), p.visitors, p.hosts) for p in wanted
        )
        assert all(v.status == "requested" for v in booked)
        assert all(v.programme_id == programme_id(sample_store) for v in booked)
        assert any(f"Booked {len(wanted)} visits as requested" in n for n in notifications(pilot))


async def test_on_a_large_calendar_the_plan_is_booked_in_a_thread(
    sample_store, liaison, programme, monkeypatch
):
    """Booking a plan checks each visit against the calendar around it: on a calendar of
    ten years that runs in a thread, and the dialog closes when it is done."""
    import threading

    known = {d["id"] for d in sample_store.all(Visit.TABLE)}
    booked_on = record_threads(monkeypatch, planner, "apply")["apply"]
    real_hint = sample_store.size_hint
    monkeypatch.setattr(
        sample_store, "size_hint", lambda t: 150_000 if t == "visits" else real_hint(t)
    )
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await open_coverage(pilot)
        modal = await run_planner(pilot, "23/11/2026", "4/12/2026")
        wanted = len(modal.plan.proposals)
        await pilot.press("ctrl+s")
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert isinstance(app.screen, CoverageScreen)
    assert booked_on and threading.get_ident() not in booked_on
    assert len(planned_visits(sample_store, known)) == wanted >= 3


def planner_iso(moment) -> str:
    from shadow.core.dates import to_iso

    return to_iso(moment)


async def test_pairs_that_cannot_be_placed_are_listed_with_why(sample_store, liaison, programme):
    store = sample_store
    makerspace = directory.find_department(store, "Makerspace")
    with store.transaction("test setup") as tx:
        tx.update(Department.TABLE, makerspace.id, {"hours": {}})
    coverage.set_goals(
        store,
        "test setup",
        programme_id(store),
        [{"type": "cadence", "days": 365, "departments": [makerspace.id]}],
    )
    known = {d["id"] for d in store.all(Visit.TABLE)}
    app = create_app(store, liaison, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await open_coverage(pilot)
        modal = await run_planner(pilot, "23/11/2026", "4/12/2026")
        plan = modal.plan
        it_people = [
            p for p in store.all(Person.TABLE) if p["side"] == "it" and p.get("active", True)
        ]
        assert plan.proposals == [] and len(plan.unplaced) == len(it_people)
        listed = modal.query_one("#unplaced", Static).render().plain
        assert "Makerspace: the department has no opening hours set" in listed
        assert f"Not placed ({len(it_people)})" in listed
        assert "0 placed in 0 visits" in str(modal.query_one("#plan-summary").render())
        assert modal.query_one("#book").disabled
        await pilot.press("ctrl+s")  # nothing to book
        await pilot.pause()
        assert app.screen is modal
        assert planned_visits(store, known) == []


async def test_plan_errors_are_shown_clearly(sample_store, liaison, programme):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await open_coverage(pilot)
        modal = await run_planner(pilot, "23/11/2026", "someday")
        assert "cannot read 'someday'" in modal.field("to").error.lower()
        assert modal.plan is None
        # The core refuses more than a year at a time: said in the dialog.
        await type_into(pilot, "#to", "1/1/2028")
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        error = str(modal.query_one("#plan-error").render())
        assert error == "Cannot plan: plan at most a year at a time"
        assert modal.plan is None


# ------------------------------------------------------------------ surveys and the gap
async def test_gap_tab_shows_the_report(sample_store, liaison, programme):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_coverage) as (pilot, screen):
        await pilot.press("2")
        assert app.focused is screen.gap_table
        report = surveys.report(sample_store)
        table = screen.gap_table
        assert table.row_count == len(report)
        for i, g in enumerate(report):
            row = [c.plain for c in table.get_row(str(i))]
            assert row[0] == g.department
            assert row[1] == str(g.responses)
            assert row[2] == (f"{g.before:.2f}" if g.before is not None else "–")
            assert row[3] == (f"{g.after:.2f}" if g.after is not None else "–")
        chart = screen.query_one("#gap-chart").drawing
        assert chart.series[1].label == report[0].department


async def test_survey_form_errors_then_records(sample_store, programme):
    marcus = directory.find_person(sample_store, "Marcus Webb")  # a library host
    circulation = dept_id(sample_store, "Circulation")
    count = sample_store.count(Survey.TABLE)
    app = create_app(sample_store, marcus, clock=lambda: NOW)
    async with opened(app, open_coverage) as (pilot, screen):
        form = await open_by_key(pilot, "s", SurveyForm)
        # His own department first; he answered "before" already, so this is "after".
        assert form.query_one("#department", Select).value == circulation
        assert form.query_one("#phase", Select).value == "after"
        first, *rest = SURVEY_DIMENSIONS
        await type_into(pilot, f"#expect-{dimension_key(first)}", "4")
        await type_into(pilot, f"#perceive-{dimension_key(first)}", "7")
        await press_each(pilot, "ctrl+s")
        assert app.screen is form
        errors = form.errors_shown()
        assert set(errors) == {dimension_key(d) for d in SURVEY_DIMENSIONS}
        assert errors[dimension_key(first)].endswith("for what you experienced")
        assert sample_store.count(Survey.TABLE) == count
        for d, (e, p) in zip(SURVEY_DIMENSIONS, ((4, 3), (5, 4), (4, 4), (5, 2)), strict=True):
            await type_into(pilot, f"#expect-{dimension_key(d)}", str(e))
            await type_into(pilot, f"#perceive-{dimension_key(d)}", str(p))
        assert form.errors_shown() == {}  # cleared as the scores were fixed
        visit = form.query_one("#visit", Select)
        visit.value = programme["visit"]
        await press_each(pilot, "ctrl+s")
        assert app.screen is screen
        assert sample_store.count(Survey.TABLE) == count + 1
        doc = max(sample_store.all(Survey.TABLE), key=lambda d: d["id"])
        assert doc["respondent_id"] == marcus.id
        assert (doc["department_id"], doc["phase"], doc["visit_id"]) == (
            circulation,
            "after",
            programme["visit"],
        )
        assert doc["expectation"] == dict(zip(SURVEY_DIMENSIONS, (4, 5, 4, 5), strict=True))
        assert doc["perception"] == dict(zip(SURVEY_DIMENSIONS, (3, 4, 4, 2), strict=True))
        # The gap tab shows it.
        await pilot.pause()
        assert screen.tab == "gap"
        assert app.focused is screen.gap_table
        assert any(f"Survey #{doc['id']} recorded" in n for n in notifications(pilot))
        row = [g.department for g in screen.gaps].index("Circulation")
        assert screen.gaps[row].responses == 4


async def test_survey_needs_an_identity(sample_store, programme):
    app = create_app(sample_store, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")  # no identity chosen
        await open_coverage(pilot)
        await open_by_key(pilot, "s", CoverageScreen)
        assert any("Choose who you are" in n for n in notifications(pilot))


async def test_a_small_terminal_still_works(sample_store, liaison, programme):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_coverage, size=(80, 24)) as (pilot, screen):
        await pilot.press("right", "down", "2", "down", "1")
        await pilot.pause()
        assert screen.matrix.row_count > 0
        await open_by_key(pilot, "p", PlannerModal)
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.plan is not None


def test_a_cell_shows_the_booking_where_the_last_visit_is_overdue():
    from datetime import date

    from shadow.core.coverage import Cell
    from shadow.tui.screens.coverage import cell_text

    today, booked = date(2026, 11, 23), date(2026, 11, 30)
    assert cell_text(Cell(date(2025, 10, 6), "stale", booked), today) == "→30 Nov"
    assert cell_text(Cell(None, "never", booked), today) == "→30 Nov"
    assert cell_text(Cell(date(2026, 10, 27), "fresh", booked), today) == "27 Oct"
    assert cell_text(Cell(date(2025, 10, 6), "stale"), today) == "Oct '25"
    assert cell_text(Cell(None, "never"), today) == "never"


async def test_at_80x24_the_legend_is_one_line(sample_store, liaison, programme):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_coverage, size=(80, 24)) as (pilot, screen):
        legend = screen.query_one("#coverage-legend")
        assert legend.size.height == 1, str(legend.render())
        assert legend.content_size.width >= cell_len(str(legend.render()))
        assert str(legend.render()) == "IT→lib ■≤182d ■≤365d ■>365d ■never →booked"


async def test_at_140_columns_the_legend_says_it_in_words(sample_store, liaison, programme):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_coverage, size=(140, 42)) as (pilot, screen):
        assert str(screen.query_one("#coverage-legend").render()) == (
            "IT → library (d) · Last visit  ■ ≤182 days ago ■ ≤365 days ■ >365 days ■ never"
            "  →date: booked"
        )


async def test_at_80x24_the_planner_gives_its_height_to_the_proposals(
    sample_store, liaison, programme
):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_coverage(pilot)
        modal = await run_planner(pilot, "23/11/2026", "4/12/2026")
        table = modal.query_one("#proposals", DataTable)
        assert table.row_count >= 5
        shown = table.scrollable_content_region.height - 1  # rows under the heading
        assert shown >= 4, shown  # (two on a terminal this size, before)
        book = modal.query_one("#book")
        assert book.region.bottom <= pilot.app.size.height - 1  # above the footer


async def test_at_80x24_every_matrix_cell_is_whole(sample_store, liaison, programme):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_coverage, size=(80, 24)) as (pilot, screen):
        table = screen.matrix
        columns = list(table.columns.values())[1:]  # (after the people's names)
        assert columns
        for row in range(table.row_count):
            cells = table.get_row_at(row)[1:]
            for column, value in zip(columns, cells, strict=True):
                text = value.plain if isinstance(value, Text) else str(value)
                assert cell_len(text) <= column.width, (text, column.width)
        # A booking needs seven cells ("→23 Dec"); the narrowest column has them.
        assert min(c.width for c in columns) >= len("→23 Dec")


class WideMatrixApp(App):
    def compose(self) -> ComposeResult:
        yield MatrixTable(id="wide", cursor_type="cell", header_height=2)


async def test_a_wide_matrix_paints_the_columns_in_view_as_a_datatable_does():
    """MatrixTable paints the cells out of view as blanks the crop removes: every line,
    scrolled to the left, the middle and the right end (and as painted after scrolling
    there), is DataTable's own painting."""
    app = WideMatrixApp()
    async with app.run_test(size=(60, 16)) as pilot:
        table = app.query_one(MatrixTable)
        for i in range(40):
            table.add_column(Text(f"Dept\n{i}"), width=6, key=str(i))
        rows = [
            [Text(f"{r}.{c}", style="bold" if c % 3 else "") for c in range(40)] for r in range(9)
        ]
        table.add_rows(rows, keys=[str(r) for r in range(9)], labels=[f"P {r}" for r in range(9)])
        await pilot.pause()
        lines = table.header_height + table.row_count
        table.move_cursor(row=4, column=6, scroll=False)  # (kept: rows painted are kept)
        for scroll in (0, 37, int(table.max_scroll_x)):
            table.scroll_to(x=scroll, animate=False)
            await pilot.pause()
            x1, x2 = int(table.scroll_x), int(table.scroll_x) + table.size.width
            base = table.rich_style
            # as painted after the scroll, from what the paint before it left cached
            painted = [list(table._render_line(y, x1, x2, base)) for y in range(lines)]
            table._clear_caches()
            ours = [list(table._render_line(y, x1, x2, base)) for y in range(lines)]
            rendered = len(table._cell_render_cache)
            table._clear_caches()
            theirs = [list(DataTable._render_line(table, y, x1, x2, base)) for y in range(lines)]
            assert painted == ours == theirs, scroll
            assert rendered < len(table._cell_render_cache) / 3  # (the rest were blanks)
            assert any(f"{4}." in "".join(s.text for s in line) for line in ours)
        assert table.max_scroll_x > 100  # (most columns out of view at each position)


async def test_coverage_says_it_is_reading_while_a_large_read_runs(
    sample_store, liaison, programme, monkeypatch
):
    """Opened before it is built ahead, on a database large enough to read in a thread,
    the matrix is empty until the read ends: the legend says why meanwhile."""
    import threading

    from shadow.tui import preload
    from shadow.tui.loading import Loader

    async def nothing_ahead(app) -> None:
        return None

    monkeypatch.setattr(preload, "build_areas", nothing_ahead)
    monkeypatch.setattr(Loader, "small", lambda self: False)  # (every read in a thread)
    gate = threading.Event()
    read_view = coverage.read_view

    def held(*args, **kwargs):
        gate.wait(10)
        return read_view(*args, **kwargs)

    monkeypatch.setattr(coverage, "read_view", held)
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f8")
        await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, CoverageScreen)
        legend = str(screen.query_one("#coverage-legend", Static).render())
        assert "Reading who has visited which department" in legend
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        legend = str(screen.query_one("#coverage-legend", Static).render())
        assert "Reading" not in legend and "Last visit" in legend
        assert screen.matrix.row_count > 0
