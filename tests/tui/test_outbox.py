"""The Outbox area: what is waiting, what failed and why (literally), send now, retry, drop."""

from __future__ import annotations

from rich.text import Text

from shadow.core import directory, mail, outbox
from shadow.tui.app import create_app
from shadow.tui.modals.base import Confirm
from shadow.tui.screens.outbox import OutboxScreen

from .helpers import notifications, open_by_key, opened

HOSTILE = "[red]x[/] [TODO] <b>"


def queue(store, name: str, subject: str) -> int:
    person = directory.find_person(store, name)
    with store.transaction("test setup") as tx:
        return outbox.enqueue(tx, store, person, "kudos", subject, f"Body: {subject}")


async def open_outbox(pilot) -> OutboxScreen:
    return await open_by_key(pilot, "f9", OutboxScreen)


def row_texts(screen: OutboxScreen) -> list[list[str]]:
    table = screen.table
    return [
        [c.plain if isinstance(c, Text) else str(c) for c in table.get_row_at(n)]
        for n in range(table.row_count)
    ]


async def wait_for(pilot, condition, tries: int = 100) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not met")


async def test_outbox_shows_failures_literally_sends_retries_and_drops(sample_store, liaison):
    store = sample_store
    with store.transaction("test setup") as tx:  # the sample's own messages: not these tests'
        for doc in store.all(outbox.TABLE):
            tx.delete(outbox.TABLE, doc["id"])
    first = queue(store, "Marcus Webb", f"Thanks {HOSTILE}")
    second = queue(store, "Aisha Rahman", "Second")
    # A mail server that is not there: both stay queued with the reason.
    mail.set_setting(store, "test setup", "smtp.host", "127.0.0.1")
    mail.set_setting(store, "test setup", "smtp.port", "9")
    app = create_app(store, liaison)
    async with opened(app, open_outbox) as (pilot, screen):
        rows = row_texts(screen)
        assert [r[0] for r in rows] == [str(second), str(first)]
        assert rows[1][4] == f"Thanks {HOSTILE}"  # as typed: never markup
        summary = str(screen.query_one("#outbox-summary").render())
        assert summary == "2 waiting · 0 failed · 0 sent"
        assert "127.0.0.1:9" in str(screen.query_one("#outbox-target").render())

        await pilot.press("s")
        await wait_for(pilot, lambda: any("still queued" in n for n in notifications(pilot)))
        await wait_for(pilot, lambda: all(r[5] == "1" for r in row_texts(screen)))
        rows = row_texts(screen)
        assert all(r[1] == "queued" for r in rows)
        assert all(r[6].startswith("cannot reach the mail server") for r in rows)  # (cut to fit)
        assert all(
            i.error.startswith("cannot reach the mail server 127.0.0.1:9") for i in screen.items
        )
        detail = str(screen.query_one("#outbox-detail").render())
        assert "Why: cannot reach the mail server 127.0.0.1:9" in detail

        # Without a server, s writes .eml files beside the database.
        mail.set_setting(store, "test setup", "smtp.host", "none")
        await pilot.pause(0.1)
        await pilot.press("s")
        await wait_for(pilot, lambda: [r[1] for r in row_texts(screen)] == ["sent", "sent"])
        assert len(list((store.path.parent / "outbox").glob("*.eml"))) == 2
        assert str(screen.query_one("#outbox-summary").render()) == "0 waiting · 0 failed · 2 sent"

        # A sent message cannot be dropped; a new one can, after confirming.
        third = queue(store, "Marcus Webb", "Third")
        await wait_for(pilot, lambda: len(row_texts(screen)) == 3)
        assert screen.table.select_id(third)
        await open_by_key(pilot, "x", Confirm)
        await pilot.press("y")
        await wait_for(pilot, lambda: outbox.get(store, third)["state"] == "dropped")
        await wait_for(pilot, lambda: row_texts(screen)[-1][1] == "dropped")

        # r puts a dropped message back in the queue and sends it.
        screen.table.select_id(third)
        await pilot.press("r")
        await wait_for(pilot, lambda: outbox.get(store, third)["state"] == "sent")
        assert len(list((store.path.parent / "outbox").glob("*.eml"))) == 3


async def test_help_and_palette_describe_the_outbox(sample_store, liaison):
    app = create_app(sample_store, liaison)
    async with opened(app, open_outbox) as (pilot, screen):
        # The sample programme's reminders and notices are waiting.
        waiting = outbox.counts(sample_store)["queued"]
        assert waiting >= 3 and screen.table.row_count == waiting
        assert not screen.query_one("#outbox-empty").display
        titles = {c.title for c in screen.COMMAND_LIST}
        assert {"Send now", "Retry", "Drop", "Queue due reminders"} <= titles
        commands = [c.title for c in app.get_system_commands(screen)]
        assert "Send now" in commands and "Switch area: Outbox" in commands
