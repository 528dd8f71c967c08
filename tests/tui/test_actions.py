"""The actions area: mine or everyone's, filters, and moving actions along to done."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList, Select

from shadow.core import dates
from shadow.core.models import Action, Suggestion
from shadow.core.store import Store
from shadow.tui.app import create_app
from shadow.tui.modals.action_detail import ActionDetail
from shadow.tui.modals.action_filter import ActionFilterModal
from shadow.tui.modals.action_form import ActionForm
from shadow.tui.modals.base import Confirm
from shadow.tui.modals.identity import IdentityModal
from shadow.tui.modals.person_picker import PersonPicker
from shadow.tui.modals.pickers import TextPrompt
from shadow.tui.screens.actions import ActionsScreen

from .helpers import SIZE, fill_and_save, notifications, open_by_key, opened, press_each, type_into
from .programme import NOW, app_as, build, person_id

HOSTILE = "[red]x *bold* [TODO]"


def add_actions(store: Store, ids: dict[str, int]) -> dict[str, int]:
    """Actions with fixed dates around NOW (Fri 20 Nov 2026). Returns their ids by nickname."""
    marcus, ben = person_id(store, "Marcus Webb"), person_id(store, "Ben Kowalczyk")
    aisha, chloe = person_id(store, "Aisha Rahman"), person_id(store, "Chloe Martin")
    rows = [
        # nickname, title, owner, due, status, suggestion, done_at
        ("jams", "Log every sorter jam", marcus, "2026-11-17", "open", "sorter", None),
        ("quote", "Get a service quote", ben, "2026-11-13", "done", "sorter", "2026-11-12T10:00+00:00"),
        ("gpo", "Write the kiosk printer GPO", aisha, "2026-11-24", "in progress", "kiosk", None),
        ("hostile", HOSTILE, chloe, "2026-12-10", "open", "kiosk", None),
        ("catalogue", "Point the home page search at the catalogue", chloe, None, "open", "search", None),
    ]  # fmt: skip
    out = {}
    with store.transaction("test setup") as tx:
        for key, title, owner, due, status, suggestion, done_at in rows:
            action = Action(
                title=title,
                owner_id=owner,
                due=due,
                status=status,
                suggestion_id=ids[suggestion],
                done_at=done_at,
            )
            action.validate()
            out[key] = tx.insert(
                Action.TABLE, action.to_doc(), summary=title, created="2026-11-02T09:00+00:00"
            )
    return out


@pytest.fixture
def programme(sample_store, monkeypatch):
    """The fixed programme, its actions, and a fixed "now" everywhere."""
    monkeypatch.setenv("TZ", "Europe/London")
    monkeypatch.setattr(dates, "now", lambda: NOW)
    ids = build(sample_store)
    ids.update(add_actions(sample_store, ids))
    return ids


async def open_actions(pilot: Pilot, select: int | None = None) -> ActionsScreen:
    """Open the actions screen (F5), with the action ``select`` chosen in its table."""
    screen = await open_by_key(pilot, "f5", ActionsScreen)
    if select is not None:
        assert screen.table.select_id(select)
    return screen


async def open_detail(pilot: Pilot, action_id: int) -> ActionDetail:
    """Open the actions screen and the details of one action (enter)."""
    await open_actions(pilot, action_id)
    return await open_by_key(pilot, "enter", ActionDetail)


async def answer_prompt(pilot: Pilot, key: str, text: str) -> None:
    """Open the text prompt with ``key``, type ``text`` and send it."""
    await open_by_key(pilot, key, TextPrompt)
    await type_into(pilot, "#answer", text)
    await press_each(pilot, "enter")


def action(store: Store, action_id: int) -> dict:
    return store.get(Action.TABLE, action_id)


def label_text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Label).render())


async def test_the_list_is_overdue_first_with_its_columns(sample_store, programme):
    p = programme
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_actions) as (pilot, screen):
        # Priya owns no actions: everyone's are shown, overdue first, finished last.
        assert not screen.mine
        assert screen.table.ids == [p["jams"], p["gpo"], p["hostile"], p["catalogue"], p["quote"]]
        assert screen.table.full_row(p["jams"]) == [
            str(p["jams"]), "17 Nov (3d late)", "Log every sorter jam", "Marcus Webb", "open",
            "Circulation", "#" + str(p["sorter"]) + " Service the returns sorter before term",
        ]  # fmt: skip
        assert screen.table.full_row(p["gpo"])[1] == "24 Nov (in 4d)"
        assert screen.table.full_row(p["catalogue"])[1] == "—"
        # User text is shown as written, never as markup.
        assert screen.table.full_row(p["hostile"])[2] == HOSTILE
        assert "everyone's actions" in label_text(screen, "#actions-showing")
        assert "5 actions · 1 overdue" in label_text(screen, "#actions-count")


async def test_mine_and_everyones(sample_store, programme):
    p = programme
    app = app_as(sample_store, "Chloe Martin")
    async with opened(app, open_actions) as (pilot, screen):
        # Chloe owns actions: the area starts on hers.
        assert screen.mine
        assert screen.table.ids == [p["hostile"], p["catalogue"]]
        assert "your actions (Chloe Martin)" in label_text(screen, "#actions-showing")
        await pilot.press("m")
        assert len(screen.table.ids) == 5
        assert "everyone's actions" in label_text(screen, "#actions-showing")
        await pilot.press("m")
        assert screen.table.ids == [p["hostile"], p["catalogue"]]


async def test_choosing_who_you_are_shows_your_own(sample_store, programme):
    p = programme
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_actions) as (pilot, screen):
        assert not screen.mine
        await open_by_key(pilot, "w", IdentityModal)
        await pilot.press(*"chloe", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert screen.mine
        assert screen.table.ids == [p["hostile"], p["catalogue"]]


async def test_quick_filters_and_clearing_with_one_key(sample_store, programme):
    p = programme
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_actions) as (pilot, screen):
        await pilot.press("1")
        assert screen.table.ids == [p["jams"]]
        assert "overdue" in label_text(screen, "#actions-showing")
        assert "c clears the filter" in label_text(screen, "#actions-showing")
        await pilot.press("2")  # overdue -> due this week
        assert screen.table.ids == [p["gpo"]]
        await pilot.press("c")
        assert len(screen.table.ids) == 5
        assert "clears" not in label_text(screen, "#actions-showing")


async def test_filter_dialog_by_owner_and_department(sample_store, programme):
    p = programme
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_actions) as (pilot, screen):
        modal = await open_by_key(pilot, "f", ActionFilterModal)
        modal.query_one("#owner", Select).value = "Chloe Martin"
        await press_each(pilot, "ctrl+s")
        assert screen.table.ids == [p["hostile"], p["catalogue"]]
        assert "owner: Chloe Martin" in label_text(screen, "#actions-showing")
        await press_each(pilot, "f")
        app.screen.query_one("#owner", Select).value = "any"
        app.screen.query_one("#department", Select).value = "Circulation"
        await press_each(pilot, "ctrl+s")
        assert screen.table.ids == [p["jams"], p["gpo"], p["hostile"], p["quote"]]
        # The quick filters narrow further; escape clears everything.
        await pilot.press("2", "1")
        assert screen.table.ids == [p["jams"]]
        await pilot.press("escape")
        assert len(screen.table.ids) == 5


async def test_done_then_the_suggestion_is_offered_and_closed(sample_store, programme):
    p = programme
    app = app_as(sample_store, "Marcus Webb")
    async with opened(app, open_actions, p["jams"]) as (pilot, screen):
        await press_each(pilot, "d")
        doc = action(sample_store, p["jams"])
        assert doc["status"] == "done"
        assert doc["done_at"]
        assert doc["updated_by"] == "Marcus Webb"
        # The other action of the sorter suggestion is done already: offer to close it.
        confirm = app.screen
        assert isinstance(confirm, Confirm)
        assert confirm.message == (
            f"That was the last open action of suggestion #{p['sorter']} "
            "'Service the returns sorter before term'. Mark the suggestion done?"
        )
        await press_each(pilot, "y")
        suggestion = sample_store.get(Suggestion.TABLE, p["sorter"])
        assert suggestion["status"] == "done"
        assert suggestion["reason"] == "all its actions are done"
        assert app.screen is screen
        assert any(f"Suggestion #{p['sorter']} is done" in n for n in notifications(pilot))
        # The finished row is dimmed at the bottom; the status column says done.
        assert screen.table.full_row(p["jams"])[4] == "done"


async def test_done_without_closing_the_suggestion(sample_store, programme):
    p = programme
    app = app_as(sample_store, "Marcus Webb")
    async with opened(app, open_actions, p["jams"]) as (pilot, screen):
        await press_each(pilot, "d", "n")
        assert action(sample_store, p["jams"])["status"] == "done"
        assert sample_store.get(Suggestion.TABLE, p["sorter"])["status"] == "accepted"
        # Marking it done again is refused, and says why.
        screen.table.select_id(p["jams"])
        await press_each(pilot, "d")
        assert "is done; it can become open, not done" in notifications(pilot)[-1]
        # ... but it can be reopened (saying why), and started.
        await press_each(pilot, "o")
        await type_into(pilot, "#answer", "the sorter jammed again")
        await press_each(pilot, "enter")
        assert action(sample_store, p["jams"])["status"] == "open"
        assert action(sample_store, p["jams"])["reason"] == "the sorter jammed again"
        await press_each(pilot, "s")
        assert action(sample_store, p["jams"])["status"] == "in progress"


async def test_dropping_needs_a_reason(sample_store, programme):
    p = programme
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_actions, p["hostile"]) as (pilot, screen):
        prompt = await open_by_key(pilot, "x", TextPrompt)
        await pilot.press("enter")  # no reason
        await pilot.pause()
        assert app.screen is prompt
        assert "Type an answer" in str(prompt.query_one("#prompt-error", Label).render())
        await type_into(pilot, "#answer", "   ")
        await pilot.press("enter")  # only blanks: refused too, and kept as typed
        await pilot.pause()
        assert app.screen is prompt
        assert prompt.query_one("#answer", Input).value == "   "
        assert action(sample_store, p["hostile"])["status"] == "open"
        await type_into(pilot, "#answer", "Kiosks are being replaced [soon]")
        await press_each(pilot, "enter")
        doc = action(sample_store, p["hostile"])
        assert doc["status"] == "dropped"
        assert doc["reason"] == "Kiosks are being replaced [soon]"
        assert app.screen is screen


async def test_reassign_and_change_the_due_date(sample_store, programme):
    p = programme
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_actions, p["jams"]) as (pilot, screen):
        picker = await open_by_key(pilot, "r", PersonPicker)
        await pilot.press(*"mei")
        await pilot.pause()
        assert picker.query_one(OptionList).option_count == 1
        await press_each(pilot, "enter")
        mei = person_id(sample_store, "Mei Tanaka")
        assert action(sample_store, p["jams"])["owner_id"] == mei
        assert screen.table.full_row(p["jams"])[3] == "Mei Tanaka"

        prompt = await open_by_key(pilot, "u", TextPrompt)
        await type_into(pilot, "#answer", "someday")
        assert "cannot read 'someday'" in str(prompt.query_one("#prompt-error", Label).render())
        await type_into(pilot, "#answer", "in 2 weeks")
        preview = str(prompt.query_one("#prompt-preview", Label).render())
        assert preview == "→ Fri 4 Dec 2026 (in 14 days)"
        await press_each(pilot, "enter")
        assert action(sample_store, p["jams"])["due"] == "2026-12-04"
        assert not screen.table.full_row(p["jams"])[1].endswith("late)")
        # Both changes are in the action's history, with who made them.
        changes = {
            e["field"]: (e["old"], e["new"], e["actor"])
            for e in sample_store.audit("actions", p["jams"])
        }
        assert changes["owner_id"][1:] == (mei, "Priya Raman")
        assert changes["due"] == ("2026-11-17", "2026-12-04", "Priya Raman")


async def test_add_an_action_with_errors_under_fields(sample_store, programme):
    p = programme
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_actions) as (pilot, screen):
        form = await open_by_key(pilot, "a", ActionForm)
        await type_into(pilot, "#owner", "Nobody Atall")
        await press_each(pilot, "ctrl+s")
        errors = form.errors_shown()
        assert set(errors) == {"title", "owner", "suggestion"}
        assert "Nobody Atall" in errors["owner"]
        # What was typed is kept.
        assert form.query_one("#owner", Input).value == "Nobody Atall"
        await type_into(pilot, "#title", HOSTILE)
        await type_into(pilot, "#owner", "ben kowalczyk")
        await type_into(pilot, "#due", "tue")
        hint = form.field("due").query_one(".field-hint", Label)
        assert str(hint.render()) == "→ Tue 24 Nov 2026 (in 4 days)"
        await type_into(pilot, "#suggestion", str(p["kiosk"]))
        await press_each(pilot, "ctrl+s")
        assert app.screen is screen
        [doc] = [d for d in sample_store.all(Action.TABLE) if d["title"] == HOSTILE and d["owner_id"] == person_id(sample_store, "Ben Kowalczyk")]  # fmt: skip
        assert doc["due"] == "2026-11-24"
        assert doc["suggestion_id"] == p["kiosk"]
        assert doc["created_by"] == "Priya Raman"
        assert screen.table.selected_id == doc["id"]


async def test_details_show_notes_and_history(sample_store, programme):
    p = programme
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_detail, p["hostile"]) as (pilot, detail):
        assert (
            str(detail.query_one("#title", Label).render()) == f"Action #{p['hostile']}: {HOSTILE}"
        )
        history = str(detail.query_one("#history").render())
        assert "test setup" in history and "added" in history
        # The keys act from the details too: r reassigns.
        await open_by_key(pilot, "r", PersonPicker)


async def test_changes_need_an_identity(sample_store, programme):
    p = programme
    app = create_app(sample_store, None, demo=True, clock=lambda: NOW)
    async with opened(app, open_actions, p["jams"]) as (pilot, screen):
        await press_each(pilot, "d")
        assert action(sample_store, p["jams"])["status"] == "open"
        assert "Choose who you are" in notifications(pilot)[-1]
        await pilot.press("m")
        assert not screen.mine


# ---------------------------------------------------------------------- reminders
def reminders(pilot: Pilot) -> list[str]:
    return [n.message for n in pilot.app._notifications if n.title.startswith("Reminders")]


async def test_reminder_on_opening_for_someone_with_an_overdue_action(sample_store, programme):
    app = app_as(sample_store, "Marcus Webb")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert reminders(pilot) == ["1 overdue action"]


async def test_no_reminder_for_someone_without(sample_store, programme):
    app = app_as(sample_store, "Ben Kowalczyk")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert reminders(pilot) == []


async def test_reminder_after_choosing_who_you_are(sample_store, programme):
    app = create_app(sample_store, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, IdentityModal)
        assert reminders(pilot) == []
        await pilot.press(*"marcus", "enter")
        await pilot.pause()
        assert reminders(pilot) == ["1 overdue action"]


# ---------------------------------------------------------------------- snapshot
def test_snapshot_actions(snap_compare, sample_store, programme):
    async def open_it(pilot: Pilot) -> None:
        await press_each(pilot, "f5")

    app = app_as(sample_store, "Priya Raman")
    assert snap_compare(app, terminal_size=(110, 16), run_before=open_it)


async def test_waiting_on_a_vendor_from_the_details_then_resuming(sample_store, programme):
    from shadow.core import sla
    from shadow.tui.modals.pickers import ChoiceModal

    p = programme
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_detail, p["hostile"]) as (pilot, detail):
        assert "not waiting on anyone" in str(detail.query_one("#waiting").render())
        choice = await open_by_key(pilot, "t", ChoiceModal)
        options = choice.query_one(OptionList)
        options.highlighted = options.get_option_index("vendor")
        await answer_prompt(pilot, "enter", HOSTILE)
        await app.workers.wait_for_complete()
        w = sla.current_wait(sample_store, "actions", p["hostile"])
        assert w is not None and w.on == "vendor" and w.note == HOSTILE
        assert any("waiting on a vendor" in n for n in notifications(pilot))
        # the details show it, the note as typed (never markup)
        await press_each(pilot, "enter")
        shown = str(app.screen.query_one("#waiting").render())
        assert "waiting on a vendor" in shown and HOSTILE in shown
        # waiting on the vendor again is refused by the core, shown as an error
        await press_each(pilot, "t")
        options = app.screen.query_one(OptionList)
        options.highlighted = options.get_option_index("vendor")
        await press_each(pilot, "enter")
        await pilot.press("enter")  # no note: allowed
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert any("already waiting on a vendor" in n for n in notifications(pilot))
        # resume from the details
        await press_each(pilot, "enter", "g")
        await app.workers.wait_for_complete()
        assert sla.current_wait(sample_store, "actions", p["hostile"]) is None
        assert any("no longer waits on a vendor" in n for n in notifications(pilot))


async def test_notes_are_added_and_read_in_the_details(sample_store, programme):
    from shadow.core import actions
    from shadow.core.actions import ActionError

    p = programme
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_detail, p["gpo"]) as (pilot, detail):
        assert "none yet: n adds one" in str(detail.query_one("#notes").render())
        for text in ("vendor ships Monday", HOSTILE):
            await answer_prompt(pilot, "n", text)
            await pilot.pause()
        assert app.screen is detail  # still on the details, showing the notes
        assert str(detail.query_one("#notes").render()) == f"vendor ships Monday\n{HOSTILE}"
        assert "Priya Raman" in str(detail.query_one("#history").render())
        assert action(sample_store, p["gpo"])["notes"] == f"vendor ships Monday\n{HOSTILE}"
        # Escape adds nothing; the core refuses an empty note (the CLI's rule too).
        await press_each(pilot, "n", "escape")
        assert action(sample_store, p["gpo"])["notes"] == f"vendor ships Monday\n{HOSTILE}"
        with pytest.raises(ActionError, match="needs some text"):
            actions.add_note(sample_store, "Priya Raman", p["gpo"], "   ")


async def test_the_suggestion_it_follows_up_is_found_by_title(sample_store, programme):
    from shadow.tui.modals.pickers import RecordPicker

    p = programme
    app = app_as(sample_store, "Priya Raman")
    async with app.run_test(size=SIZE) as pilot:
        await open_actions(pilot)
        form = await open_by_key(pilot, "a", ActionForm)
        await type_into(pilot, "#title", "Order spare rolls")
        await type_into(pilot, "#owner", "marcus webb")
        await type_into(pilot, "#suggestion", "ROLLS")  # a title, not a number
        picker = await open_by_key(pilot, "ctrl+l", RecordPicker)
        options = picker.query_one("#record-list")
        assert options.get_option_at_index(0).id == str(p["printer"])  # "...spare rolls"
        await type_into(pilot, "#record-search", "kiosk")
        found = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert found == [str(p["printer"]), str(p["kiosk"])]  # newest first
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#suggestion", Input).value == str(p["kiosk"])
        await press_each(pilot, "ctrl+s")
        [saved] = sample_store.find(Action.TABLE, title="Order spare rolls")
        assert saved["suggestion_id"] == p["kiosk"]


async def test_the_details_footer_keeps_the_steps_and_notes_at_80_columns(sample_store, programme):
    from textual.widgets._footer import FooterKey

    app = app_as(sample_store, "Priya Raman")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_actions(pilot, programme["gpo"])
        await press_each(pilot, "enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, ActionDetail)
        shown = {k.description: k.region.right for k in detail.query(FooterKey)}
        for label in ("Close", "Done", "Start", "Drop", "Waiting on", "Add note"):
            assert label in shown, shown
        assert all(right <= 80 for right in shown.values()), shown  # nothing cut off


async def test_the_owner_completes_as_people_type_names(sample_store, programme):
    """Case and accents do not matter in a completion: ``lucia`` offers ``Lucía
    Fernández`` in grey, and accepting it (right arrow) saves the completed name."""
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_actions) as (pilot, screen):
        await press_each(pilot, "a")
        form = app.screen
        assert isinstance(form, ActionForm)
        owner = form.query_one("#owner", Input)
        owner.focus()
        await pilot.press(*"lucia")
        for _ in range(20):
            await pilot.pause()
            if owner._suggestion:
                break
        assert owner._suggestion == "Lucía Fernández"
        await pilot.press("right")
        assert owner.value == "Lucía Fernández"
        await fill_and_save(
            pilot, {"#title": "Send the storytime links", "#suggestion": str(programme["kiosk"])}
        )
        assert app.screen is screen
        [doc] = [d for d in sample_store.all(Action.TABLE) if d["title"] == "Send the storytime links"]  # fmt: skip
        assert doc["owner_id"] == person_id(sample_store, "Lucía Fernández")


async def test_every_name_completion_ignores_case_and_accents():
    from shadow.tui.widgets.suggest import SuggestListItem, SuggestName

    names = ["Siobhán O'Connell", "Lucía Fernández", "Marcus Webb"]
    assert await SuggestName(names).get_suggestion("SIOBHAN") == "Siobhán O'Connell"
    assert await SuggestName(names).get_suggestion("lucía f") == "Lucía Fernández"
    assert await SuggestName(names).get_suggestion("nobody") is None
    assert await SuggestName(names).get_suggestion("Marcus Webb") is None  # nothing to add
    assert await SuggestListItem(names).get_suggestion("Marcus Webb, siob") == (
        "Marcus Webb, Siobhán O'Connell"
    )


async def test_read_once_when_first_opened_and_again_when_shown_again(
    sample_store, programme, monkeypatch
):
    """Textual resumes a new area's screen twice: the read at its mount is current, so
    opening Actions reads once (it read three times); shown again after another area or
    a dialog, it reads again (RELOAD_ON_RESUME), and a change made meanwhile is shown."""
    reads = []
    reload = ActionsScreen.reload
    monkeypatch.setattr(ActionsScreen, "reload", lambda self: reads.append(1) or reload(self))
    app = app_as(sample_store, "Priya Raman")
    async with opened(app, open_actions) as (pilot, screen):
        await pilot.pause()
        assert len(reads) == 1 and len(screen.table.ids) == 5
        await open_by_key(pilot, "f3", Screen)
        with sample_store.transaction("test") as tx:
            tx.update(Action.TABLE, programme["gpo"], {"title": "Renamed meanwhile"})
        await open_by_key(pilot, "f5", ActionsScreen)
        await pilot.pause()
        assert len(reads) == 2
        assert screen.table.full_row(programme["gpo"])[2] == "Renamed meanwhile"
        await open_by_key(pilot, "question_mark", Screen)  # a dialog over it, then closed
        await press_each(pilot, "escape")
        await pilot.pause()
        assert len(reads) == 3 and app.screen is screen
