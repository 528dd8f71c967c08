"""The Outbox: what is waiting to be sent, what failed and why, and sending it now.

Every invitation, reminder and notice is a record in the outbox first
(:mod:`shadow.core.outbox`). This screen lists them failed first, then waiting,
then sent; below the table the selected message is shown in full (its error,
its text) as literal text. ``s`` sends what is queued now, ``r`` queues a failed
message again, ``x`` drops one, ``g`` queues the reminders and notices that are
due. Sending and the sweep run in a worker thread, never on the UI thread.

:func:`start_background_sender` (called by the app on mount) sends what is waiting
every :data:`SEND_SECONDS` and queues what is due every :data:`SWEEP_SECONDS`,
whatever screen is open.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Label, Static

from shadow.core import mail, outbox
from shadow.core.models import Person, UserError
from shadow.core.store import StoreError

from ..commands import Command, bindings
from ..modals.base import Confirm
from ..widgets.literal import cell, one_line, visible
from ..widgets.record_table import RecordTable
from .base import AreaScreen, area_bar

SEND_SECONDS = 60.0  # how often the app sends what is waiting
SWEEP_SECONDS = 15 * 60.0  # how often it queues the reminders and notices that are due

COLUMNS = (
    ("#", None),
    ("State", None),
    ("Kind", None),
    ("To", 10),
    ("Subject", 18),
    ("Tries", None),
    ("Error", 12),
)
DROP_FIRST = ("Tries",)  # at 80 columns, so that the Error column stays on screen
STATE_STYLE = {
    "failed": "bold red",
    "sending": "yellow",
    "queued": "",
    "sent": "dim",
    "dropped": "dim strike",
}


def send_once(store, *, sweep: bool = True, now: datetime | None = None) -> outbox.Result:
    """Queue what is due as of ``now`` (optional) and send what is waiting (runs in a
    worker thread)."""
    if sweep:
        outbox.sweep(store, now)
    return outbox.send(store)


def start_background_sender(
    app: App, seconds: float = SEND_SECONDS, sweep_seconds: float = SWEEP_SECONDS
) -> None:
    """Every ``seconds`` send what is waiting; every ``sweep_seconds`` first queue the
    reminders and notices that are due (the weekly digest reads the whole backlog, so
    the sweep runs less often). Both in a worker thread."""

    def tick(sweep: bool) -> None:
        if getattr(app, "demo", False):
            return  # a throwaway sample copy sends nothing on its own
        app.run_worker(
            lambda: _background(app, sweep),
            thread=True,
            exclusive=True,
            group="outbox-background",
            exit_on_error=False,
        )

    app.set_interval(seconds, lambda: tick(False))
    app.set_interval(sweep_seconds, lambda: tick(True))


def _background(app: App, sweep: bool) -> None:
    try:
        result = send_once(app.store, sweep=sweep, now=app.clock())  # type: ignore[attr-defined]
    except (StoreError, UserError, OSError):
        return  # the Outbox area shows each message's error; the next tick tries again
    if result.failed:
        app.call_from_thread(
            app.say,
            f"{result.failed} message{'s' if result.failed != 1 else ''} could not be sent: "
            "see the Outbox (f9)",
            severity="warning",
        )


class OutboxTable(RecordTable):
    KEEP_COLUMN = 4
    OTHERS_THEN = 10


class OutboxScreen(AreaScreen):
    AREA_TITLE = "Outbox"
    HELP = (
        "Every invitation, reminder and notice shadow sends is queued here first, then "
        "delivered by the mail server set with 'shadow settings smtp.host', or, without "
        "one, written as .eml files into the outbox folder beside the database. Failed "
        "messages come first (in red), then those waiting, then those sent. The selected "
        "message is shown in full below the table, with why it failed. s sends everything "
        "waiting now; r queues the selected failed message again (and sends it); x drops it "
        "(it is never sent); g queues the reminders and notices that are due now. shadow "
        "also sends by itself every minute while it is open, and queues what is due every "
        "quarter of an hour. A message marked "
        "'uncertain' may have arrived: the sender stopped while the server was receiving "
        "it; check with the recipient before you retry it."
    )
    WATCHES = frozenset({outbox.TABLE, "settings", Person.TABLE})
    FOCUS = "#outbox-table"
    RELOAD_ON_RESUME = True  # back from another area: pick up what was missed
    COMMAND_LIST = (
        Command("send", "Send now", "Send every waiting message now", key="s", short="Send"),
        Command("retry", "Retry", "Queue the selected message again and send it", key="r"),
        Command("drop", "Drop", "Never send the selected message", key="x"),
        Command(
            "sweep",
            "Queue due reminders",
            "Queue the reminders, after-visit prompts, action notices and digest due now",
            key="g",
            short="Queue due",
        ),
        Command("refresh", "Refresh", "Re-read the outbox now", footer=False),
    )
    BINDINGS = bindings(COMMAND_LIST)
    DEFAULT_CSS = """
    OutboxScreen OutboxTable {
        height: 1fr;
    }
    OutboxScreen #outbox-detail-scroll {
        height: 12;
        border: round $primary 50%;
        background: $surface;
    }
    OutboxScreen #outbox-detail {
        padding: 0 1;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.items: list[outbox.Item] = []

    def compose_body(self) -> ComposeResult:
        yield area_bar("outbox", "summary", "target")
        yield Label("", id="outbox-empty", classes="list-empty", markup=False)
        yield OutboxTable(COLUMNS, drop=DROP_FIRST, id="outbox-table")
        with VerticalScroll(id="outbox-detail-scroll"):
            yield Static("", id="outbox-detail", markup=False)

    @property
    def table(self) -> OutboxTable:
        return self.query_one("#outbox-table", OutboxTable)

    # ------------------------------------------------------------ filling
    def reload(self) -> None:
        store = self.app.store
        try:
            self.items = outbox.items(store)
            counts = outbox.counts(store)
            target = mail.config(store).target
        except StoreError as exc:
            self.app.say(f"Cannot read the database: {exc}", severity="error")
            return
        self.table.fill([(i.id, self.cells(i)) for i in self.items])
        summary = Content.assemble(
            (f"{counts['queued']} waiting", "bold"),
            " · ",
            (f"{counts['failed']} failed", "bold red" if counts["failed"] else "bold"),
            " · ",
            f"{counts['sent']} sent",
        )
        self.query_one("#outbox-summary", Label).update(summary)
        self.query_one("#outbox-target", Label).update(f"delivery: {target}")
        empty = self.query_one("#outbox-empty", Label)
        empty.display = not self.items
        empty.update(
            ""
            if self.items
            else "Nothing in the outbox. Booking a visit queues its invitations; "
            "g queues the reminders and notices that are due."
        )
        self.show_selected()

    def cells(self, item: outbox.Item) -> list[Text]:
        style = STATE_STYLE.get(item.state, "")
        error = item.error if item.state in ("failed", "queued") else ""
        return [
            Text(str(item.id), style="dim"),
            Text(item.state, style=style, no_wrap=True),
            Text(item.kind, no_wrap=True),
            cell(item.to),
            cell(item.subject, "dim" if item.state in ("sent", "dropped") else ""),
            Text(str(item.attempts), no_wrap=True),
            cell(error, "red" if error else ""),
        ]

    def selected(self) -> outbox.Item | None:
        sid = self.table.selected_id
        return next((i for i in self.items if i.id == sid), None)

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self.show_selected()

    def show_selected(self) -> None:
        detail = self.query_one("#outbox-detail", Static)
        item = self.selected()
        if item is None:
            detail.update("")
            return
        try:
            doc = outbox.get(self.app.store, item.id)
        except (UserError, StoreError):
            detail.update("")
            return
        text = Text()
        text.append(f"#{item.id} {item.state}", style=STATE_STYLE.get(item.state, "bold"))
        text.append(f"  {item.kind} to {one_line(item.to_name)} <{one_line(item.to)}>")
        text.append(f"  tries: {item.attempts}\n", style="dim")
        if item.error and item.state in ("failed", "queued"):
            text.append(f"Why: {one_line(item.error)}\n", style="red")
        text.append(f"Subject: {one_line(item.subject)}\n", style="bold")
        text.append(visible(doc.get("body", "")))
        if doc.get("attachment"):
            text.append(f"\n[{doc.get('method') or 'REQUEST'} calendar invitation attached]",
                        style="dim")  # fmt: skip
        detail.update(text)

    # ------------------------------------------------------------ commands
    def action_send(self) -> None:
        self._send(None)

    def action_sweep(self) -> None:
        self._sweep()

    @work(exclusive=True, group="outbox-sweep", thread=True)
    def _sweep(self) -> None:
        try:
            queued = outbox.sweep(self.app.store, self.app.clock())
        except (StoreError, UserError) as exc:
            self.app.call_from_thread(self.app.say, f"Not queued: {exc}", severity="error")
            return
        self.app.call_from_thread(
            self.app.say,
            f"Queued {queued} message{'s' if queued != 1 else ''} due now"
            if queued
            else "Nothing new is due",
        )

    @work(exclusive=True, group="outbox-send", thread=True)
    def _send(self, ids: list[int] | None) -> None:
        try:
            result = outbox.send(self.app.store, ids)
        except (StoreError, UserError, OSError) as exc:
            self.app.call_from_thread(self.app.say, f"Not sent: {exc}", severity="error")
            return
        text = result.describe()
        severity = "information"
        if result.busy:
            severity = "warning"
        elif result.failed or (result.waiting and not result.sent):
            severity = "error"
        self.app.call_from_thread(
            self.app.say, text[:1].upper() + text[1:], title="Outbox", severity=severity
        )

    def _chosen(self) -> tuple[outbox.Item, str] | None:
        """The selected message and who acts on it (None: say why not, or ask who)."""
        item = self.selected()
        if item is None:
            self.app.say("No message selected", severity="warning")
            return None
        actor = self.app.acting_name()
        return (item, actor) if actor is not None else None

    def action_retry(self) -> None:
        if (chosen := self._chosen()) is None:
            return
        item, actor = chosen
        try:
            outbox.retry(self.app.store, actor, item.id)
        except (UserError, StoreError) as exc:
            self.app.say_refused(exc)
            return
        self.reload()
        self._send([item.id])

    @work(exclusive=True, group="outbox-drop")
    async def action_drop(self) -> None:
        if (chosen := self._chosen()) is None:
            return
        item, actor = chosen
        question = f"Drop message #{item.id} to {one_line(item.to)}? It will never be sent."
        if not await self.app.push_screen_wait(Confirm(question, yes="Drop", no="Keep it")):
            return
        try:
            outbox.drop(self.app.store, actor, item.id)
        except (UserError, StoreError) as exc:
            self.app.say_refused(exc)
            return
        self.reload()
        self.app.say(f"Message #{item.id} dropped: it will not be sent")
