"""The outbox against a real SMTP server (aiosmtpd on 127.0.0.1): invitations as a calendar
app reads them, the server down, a sender killed mid-run, hostile text, the sweep."""

from __future__ import annotations

import email
import os
import socket
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from email.message import EmailMessage, Message
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar

from shadow.core import actions, backlog, directory, mail, notes, outbox, schedule
from shadow.core.models import Action, ValidationError
from shadow.core.store import Store

from .people import SYD

pytestmark = pytest.mark.usefixtures("sydney")
NOW = datetime(2026, 11, 22, 14, 30, tzinfo=SYD)  # a Sunday


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """An SMTP server's handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[Message]:
        return [email.message_from_bytes(e.content, policy=default_policy) for e in self.envelopes]


class Server:
    def __init__(self, port: int):
        self.port = port
        self.sink = Sink()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=port)

    def start(self) -> Server:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp():
    server = Server(free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "db" / "shadow.json")
    for name, side, email_ in [
        ("Ada Lee", "it", "ada@it.example"),
        ("Raj Patel", "it", "raj@it.example"),
        ("Mai Chen", "library", "mai@library.example"),
        ("Tom Ruiz", "library", ""),  # no address: never mailed
    ]:
        directory.save_person(
            s,
            "setup",
            directory.person_from_input(s, {"name": name, "side": side, "email": email_}),
        )
    dept = directory.department_from_input(
        s,
        {"name": "Circulation", "branch": "Central", "hosts": "Mai Chen", "capacity": "3",
         "hours": "Mon-Fri 09:00-17:00"},
    )  # fmt: skip
    directory.save_department(s, "setup", dept)
    with s.transaction("setup") as tx:
        tx.set_setting("mail.from", "Siobhán Ó Coordinator <coord@library.example>")
    yield s
    s.close()


def use_smtp(store: Store, port: int) -> None:
    mail.set_setting(store, "setup", "smtp.host", "127.0.0.1")
    mail.set_setting(store, "setup", "smtp.port", str(port))


def book(store: Store, **values) -> int:
    values = {
        "department": "Circulation",
        "visitors": "Ada Lee",
        "when": "tue 10:00",
        "purpose": "See the returns sorter",
    } | values
    booking = schedule.visit_from_input(store, values, now_=NOW)
    return schedule.book(store, "tester", booking, force=True, reason="test")


def calendar_of(message: Message) -> Calendar:
    """The text/calendar part, read the way a calendar client reads it."""
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    assert parts[0].get_param("method") in ("REQUEST", "CANCEL")
    return Calendar.from_ical(parts[0].get_content())


def event_of(cal: Calendar):
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 1
    return events[0]


def by_recipient(server: Server) -> dict[str, list[Message]]:
    out: dict[str, list[Message]] = {}
    for envelope, message in zip(server.sink.envelopes, server.sink.messages(), strict=True):
        for rcpt in envelope.rcpt_tos:
            out.setdefault(rcpt, []).append(message)
    return out


# ------------------------------------------------------------------ invitations
def test_booking_sends_invitations_a_calendar_app_can_read(store, smtp):
    use_smtp(store, smtp.port)
    vid = book(store)
    queued = outbox.items(store)
    assert sorted(i.to for i in queued) == ["ada@it.example", "mai@library.example"]
    assert {i.kind for i in queued} == {"invitation"} and {i.state for i in queued} == {"queued"}

    result = outbox.send(store)
    assert (result.sent, result.failed, result.waiting) == (2, 0, 0)
    got = by_recipient(smtp)
    assert sorted(got) == ["ada@it.example", "mai@library.example"]
    for address, (message,) in got.items():
        assert message["From"].addresses[0].addr_spec == "coord@library.example"
        # a name outside ASCII goes in an encoded header, not through SMTPUTF8
        assert message["From"].addresses[0].display_name == "Siobhán Ó Coordinator"
        assert (
            message["Message-ID"]
            == outbox.get(store, next(i.id for i in queued if i.to == address))["message_id"]
        )
        cal = calendar_of(message)
        assert cal["METHOD"] == "REQUEST"
        event = event_of(cal)
        assert str(event["UID"]) == f"visit-{vid}@{store.uid}.shadow"
        assert event["SEQUENCE"] == 0
        assert event.decoded("DTSTART") == datetime(2026, 11, 24, 10, 0, tzinfo=SYD)
        assert str(event["ORGANIZER"]) == "mailto:coord@library.example"
        attendees = {str(a): a.params["ROLE"] for a in event.get("ATTENDEE")}
        assert attendees == {
            "mailto:ada@it.example": "REQ-PARTICIPANT",
            "mailto:mai@library.example": "CHAIR",
        }
        alarms = list(event.walk("VALARM"))
        assert len(alarms) == 1 and alarms[0].decoded("TRIGGER") == -timedelta(hours=1)
        body = message.get_body(("plain",)).get_content()
        assert "See the returns sorter" in body and "Circulation, Central" in body
    assert {i.state for i in outbox.items(store)} == {"sent"}


def test_a_move_raises_sequence_and_keeps_uid_and_a_cancel_sends_cancel(store, smtp):
    use_smtp(store, smtp.port)
    vid = book(store)
    schedule.reschedule(store, "tester", vid, NOW.replace(day=25, hour=11, minute=0), force=True,
                        reason="test")  # fmt: skip
    schedule.set_status(
        store, "tester", vid, "cancelled", reason="branch closed for the day", now=NOW
    )
    outbox.send(store)
    ada = by_recipient(smtp)["ada@it.example"]
    assert len(ada) == 3
    cals = [calendar_of(m) for m in ada]
    events = [event_of(c) for c in cals]
    assert [c["METHOD"] for c in cals] == ["REQUEST", "REQUEST", "CANCEL"]
    assert len({str(e["UID"]) for e in events}) == 1
    assert [e["SEQUENCE"] for e in events] == [0, 1, 2]
    assert events[1].decoded("DTSTART") == datetime(2026, 11, 25, 11, 0, tzinfo=SYD)
    assert str(events[2]["STATUS"]) == "CANCELLED"
    assert ada[2]["Subject"].startswith("Cancelled: ")


def test_one_occurrence_of_a_series_keeps_the_series_uid(store, smtp):
    use_smtp(store, smtp.port)
    sid = book(store, repeat="weekly 4 times")
    schedule.set_status(
        store, "tester", sid, "cancelled", on=NOW.date() + timedelta(days=9), reason="staff away"
    )
    outbox.send(store)
    first, cancel = by_recipient(smtp)["ada@it.example"]
    series = event_of(calendar_of(first))
    assert "RRULE" in series and series["SEQUENCE"] == 0
    cal = calendar_of(cancel)
    one = event_of(cal)
    assert cal["METHOD"] == "CANCEL"
    assert str(one["UID"]) == str(series["UID"])
    assert one.decoded("RECURRENCE-ID") == datetime(2026, 12, 1, 10, 0, tzinfo=SYD)
    assert one["SEQUENCE"] == 1


def test_without_a_mail_server_messages_become_eml_files(store):
    book(store)
    result = outbox.send(store)
    assert result.sent == 2 and result.target == ".eml files"
    files = sorted((store.path.parent / "outbox").glob("*.eml"))
    assert len(files) == 2
    for path in files:
        message = email.message_from_bytes(path.read_bytes(), policy=default_policy)
        assert path == mail.eml_path(store, message["Message-ID"])
        assert event_of(calendar_of(message))["SEQUENCE"] == 0
    assert outbox.send(store).sent == 0  # nothing twice


def test_an_eml_that_cannot_be_written_raises_oserror_and_leaves_no_temp_file(store):
    message = EmailMessage()
    message["Message-ID"] = "<blocked@example.org>"
    message.set_content("hello")
    blocker = mail.eml_path(store, message["Message-ID"])
    blocker.mkdir(parents=True)  # a folder where the file should go: the rename fails
    with pytest.raises(OSError):
        mail.write_eml(store, message)
    assert [p.name for p in blocker.parent.iterdir()] == [blocker.name]
    blocker.rmdir()
    written = email.message_from_bytes(mail.write_eml(store, message).read_bytes())
    assert written["Message-ID"] == "<blocked@example.org>"


# ------------------------------------------------------------------ the server down
def test_server_down_keeps_messages_queued_with_the_error_and_retry_sends_them(store):
    port = free_port()
    use_smtp(store, port)
    book(store)
    result = outbox.send(store)
    assert (result.sent, result.waiting) == (0, 2)
    for item in outbox.items(store):
        assert item.state == "queued" and item.attempts == 1
        assert item.error.startswith(f"cannot reach the mail server 127.0.0.1:{port}")
    server = Server(port).start()
    try:
        result = outbox.send(store)
        assert (result.sent, result.waiting) == (2, 0)
        assert len(server.sink.envelopes) == 2
    finally:
        server.stop()
    for item in outbox.items(store):
        assert item.state == "sent" and item.attempts == 2 and item.error == ""


def test_a_refused_message_fails_and_goes_out_after_retry(store, smtp):
    use_smtp(store, smtp.port)
    book(store)
    refused = {"mai@library.example"}

    async def handle_RCPT(server, session, envelope, address, options):
        if address in refused:
            return "550 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp.sink.handle_RCPT = handle_RCPT
    result = outbox.send(store)
    assert (result.sent, result.failed) == (1, 1)
    (failed,) = outbox.items(store, ["failed"])
    assert failed.to == "mai@library.example" and "550 no such mailbox here" in failed.error
    with pytest.raises(outbox.OutboxError):
        outbox.drop(store, "tester", next(i.id for i in outbox.items(store, ["sent"])))
    refused.clear()
    outbox.retry(store, "tester", failed.id)
    assert outbox.send(store).sent == 1
    assert sorted(by_recipient(smtp)) == ["ada@it.example", "mai@library.example"]


def test_one_sender_at_a_time(store):
    book(store)
    with outbox._sender_lock(store) as mine:
        assert mine
        assert outbox.send(store).busy
    assert outbox.send(store).sent == 2


# ------------------------------------------------------------------ a sender killed mid-run
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from shadow.core import mail, outbox
    from shadow.core.store import Store

    store = Store(sys.argv[1])
    where = sys.argv[2]

    def die_after(original):
        def wrapper(*args):
            original(*args)
            os.kill(os.getpid(), signal.SIGKILL)
        return wrapper

    if where == "after-data":
        mail.Connection.data = die_after(mail.Connection.data)
    elif where == "after-envelope":
        mail.Connection.envelope = die_after(mail.Connection.envelope)
    elif where == "after-eml":
        mail.write_eml = die_after(mail.write_eml)
    outbox.send(store)
    """
)


def kill_sender(tmp_path, store: Store, where: str) -> None:
    script = tmp_path / "sender.py"
    script.write_text(CHILD)
    proc = subprocess.run(
        [sys.executable, str(script), str(store.path), where],
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert proc.returncode == -9, proc.stderr


def test_sender_killed_after_the_server_took_the_message_sends_no_duplicate(tmp_path, store, smtp):
    use_smtp(store, smtp.port)
    book(store)
    first = min(i.id for i in outbox.items(store))
    kill_sender(tmp_path, store, "after-data")
    assert len(smtp.sink.envelopes) == 1  # the server has the first message
    assert outbox.get(store, first)["state"] == "sending"
    result = outbox.send(store)
    assert result.recovered == 1 and result.sent == 1 and result.failed == 0
    ids = [m["Message-ID"] for m in smtp.sink.messages()]
    assert len(ids) == 2 and len(set(ids)) == 2  # the first was not sent again
    doc = outbox.get(store, first)
    assert doc["state"] == "failed" and doc["error"].startswith("uncertain:")
    assert outbox.send(store).sent == 0 and len(smtp.sink.envelopes) == 2


def test_sender_killed_before_the_message_went_out_sends_it_once(tmp_path, store, smtp):
    use_smtp(store, smtp.port)
    book(store)
    kill_sender(tmp_path, store, "after-envelope")
    assert smtp.sink.envelopes == []
    result = outbox.send(store)
    assert result.recovered == 1 and result.sent == 2
    ids = [m["Message-ID"] for m in smtp.sink.messages()]
    assert len(ids) == 2 and len(set(ids)) == 2
    assert {i.state for i in outbox.items(store)} == {"sent"}


def test_sender_killed_after_writing_an_eml_writes_no_second_file(tmp_path, store):
    book(store)
    first = min(i.id for i in outbox.items(store))
    kill_sender(tmp_path, store, "after-eml")
    assert len(list((store.path.parent / "outbox").glob("*.eml"))) == 1
    result = outbox.send(store)
    assert result.recovered == 1 and result.sent == 1
    assert len(list((store.path.parent / "outbox").glob("*.eml"))) == 2
    assert outbox.get(store, first)["state"] == "sent"
    assert not list((store.path.parent / "outbox").glob(".*tmp*"))


# ------------------------------------------------------------------ hostile text
def test_header_injection_markup_and_control_characters_are_neutralised(store, smtp):
    use_smtp(store, smtp.port)
    ada = directory.find_person(store, "Ada Lee")
    hostile = "Hi\r\nBcc: evil@attacker.example\r\n\r\n[red]x[/] <b>bold</b> \x1b[31m\x07"
    with store.transaction("tester") as tx:
        outbox.enqueue(tx, store, ada, "kudos", hostile, f"Body {hostile}\x00 end")
    outbox.send(store)
    (envelope,) = smtp.sink.envelopes
    assert envelope.rcpt_tos == ["ada@it.example"]
    (message,) = smtp.sink.messages()
    head = envelope.content.split(b"\r\n\r\n")[0].decode().lower().split("\r\n")
    assert not [line for line in head if line.startswith("bcc")]
    assert "bcc" not in [k.lower() for k in message.keys()]
    subject = message["Subject"]
    assert "\r" not in subject and "\n" not in subject and "\x1b" not in subject
    assert subject == "Hi Bcc: evil@attacker.example [red]x[/] <b>bold</b> [31m"
    assert [p.get_content_type() for p in message.walk()] == ["text/plain"]
    body = message.get_content()
    assert "[red]x[/] <b>bold</b>" in body  # literal text in a text/plain part, never rendered
    assert not any(ch in body for ch in "\x1b\x07\x00")


def test_hostile_reason_on_a_suggestion_reaches_author_as_plain_text(store, smtp):
    use_smtp(store, smtp.port)
    ada = directory.find_person(store, "Ada Lee")
    raj = directory.find_person(store, "Raj Patel")
    sid = backlog.add(store, ada, backlog.suggestion_from_input(store, {"title": "Faster PCs"}))
    backlog.vote(store, raj, sid)
    # Control characters never get in: the one text rule refuses them at input.
    with pytest.raises(ValidationError, match="carriage return"):
        backlog.set_status(store, "tester", sid, "declined", "no budget\r\nBcc: x@y.example\x1b")
    assert not [m for m in outbox.items(store) if "declined" in m.subject]
    # A line break is allowed in a reason, and stays in the body, never a header.
    backlog.set_status(store, "tester", sid, "declined", "no budget\nBcc: x@y.example [red]x[/]")
    outbox.send(store)
    got = by_recipient(smtp)
    assert sorted(got) == ["ada@it.example", "raj@it.example"]
    for (message,) in got.values():
        assert message["Subject"] == f"Suggestion #{sid} is now declined: Faster PCs"
        body = message.get_content().replace("\r\n", "\n")
        assert "Why: no budget\nBcc: x@y.example [red]x[/]" in body
        assert "Bcc" not in message


def test_mail_from_with_a_line_break_is_refused(store):
    with pytest.raises(mail.MailError):
        mail.set_setting(store, "tester", "mail.from", "x@y.example\r\nBcc: z@w.example")
    with pytest.raises(mail.MailError):
        mail.set_setting(store, "tester", "smtp.security", "tls please")


# ------------------------------------------------------------------ preferences and the sweep
def test_each_person_chooses_what_they_receive(store):
    ada = directory.find_person(store, "Ada Lee")
    mai = directory.find_person(store, "Mai Chen")
    outbox.set_preference(store, "tester", ada, "none")
    outbox.set_preference(store, "tester", mai, "invitations")
    book(store, when="mon 10:00")
    assert [i.to for i in outbox.items(store)] == ["mai@library.example"]
    assert outbox.sweep(store, NOW + timedelta(hours=1)) == 0  # a reminder is not an invitation
    with pytest.raises(outbox.OutboxError):
        outbox.set_preference(store, "tester", ada, "sometimes")


def test_sweep_is_idempotent_and_follows_a_moved_visit(store):
    vid = book(store, when="mon 10:00")  # 23 Nov 10:00, 19.5 hours after NOW
    before = len(outbox.items(store))
    assert outbox.sweep(store, NOW) == 2  # a reminder to Ada and to Mai
    assert outbox.sweep(store, NOW) == 0
    assert outbox.sweep(store, NOW + timedelta(hours=2)) == 0
    reminders = outbox.items(store, ["queued"])[: len(outbox.items(store)) - before]
    assert {i.kind for i in reminders} == {"reminder"}
    schedule.reschedule(store, "tester", vid, NOW.replace(day=24, hour=10, minute=0), force=True,
                        reason="test")  # fmt: skip
    assert outbox.sweep(store, NOW) == 2  # the moved visit gets its own reminders
    # after the visit: both sides are asked for their notes, once
    schedule.set_status(store, "tester", vid, "confirmed")
    later = datetime(2026, 11, 24, 13, 0, tzinfo=SYD)
    assert outbox.sweep(store, later) >= 2
    prompts = [i for i in outbox.items(store) if i.kind == "notes-prompt"]
    assert sorted(i.to for i in prompts) == ["ada@it.example", "mai@library.example"]
    for item in prompts:  # ... and to rate it
        assert f"shadow feedback {vid} --rating N" in outbox.get(store, item.id)["body"]
    assert outbox.sweep(store, later + timedelta(hours=1)) == 0


def test_sweep_tells_owners_about_due_and_overdue_actions(store):
    ada = directory.find_person(store, "Ada Lee")
    vid = book(store)
    for title, due in (("Order labels", "2026-11-20"), ("Check sorter", "2026-11-25")):
        action = Action(title=title, owner_id=ada.id, due=due, visit_id=vid)
        actions.add(store, "tester", action)
    assigned = [i for i in outbox.items(store) if i.kind == "action-assigned"]
    assert len(assigned) == 2
    outbox.sweep(store, NOW)
    kinds = sorted(i.kind for i in outbox.items(store) if i.kind.startswith("action-")
                   and i.kind != "action-assigned")  # fmt: skip
    assert kinds == ["action-due", "action-overdue"]
    assert outbox.sweep(store, NOW + timedelta(hours=3)) == 0


def test_messages_to_library_staff_explain_jargon(store):
    book(store, purpose="Check the VLAN on the self-checkout kiosks")
    mai = next(i for i in outbox.items(store) if i.to == "mai@library.example")
    ada = next(i for i in outbox.items(store) if i.to == "ada@it.example")
    assert "In plain words: VLAN" in outbox.get(store, mai.id)["body"]
    assert "In plain words" not in outbox.get(store, ada.id)["body"]


def test_kudos_reach_the_person_praised(store):
    ada = directory.find_person(store, "Ada Lee")
    mai = directory.find_person(store, "Mai Chen")
    notes.give_kudos(store, mai, ada, "Thanks for fixing the [b]kiosk[/b]")
    (item,) = outbox.items(store)
    assert (item.to, item.kind, item.subject) == ("ada@it.example", "kudos", "Kudos from Mai Chen")
    assert "Thanks for fixing the [b]kiosk[/b]" in outbox.get(store, item.id)["body"]


def test_the_weekly_digest_goes_to_coordinators_once_a_week(store):
    from shadow.core.models import Programme

    mai = directory.find_person(store, "Mai Chen")
    with store.transaction("setup") as tx:
        tx.insert(Programme.TABLE, Programme(name="Tours", coordinator_id=mai.id).to_doc())
    vid = book(store, when="mon 10:00")  # 23 Nov: still without an outcome a week later
    schedule.set_status(store, "tester", vid, "confirmed")
    later = NOW + timedelta(days=2)  # Tue 24 Nov, week 48
    outbox.sweep(store, later)
    (digest,) = [i for i in outbox.items(store) if i.kind == "digest"]
    assert digest.to == "mai@library.example"
    assert digest.subject == "shadow weekly digest, week 48 of 2026"
    body = outbox.get(store, digest.id)["body"]
    assert "Visits that still need an outcome (1):" in body and f"#{vid} Circulation" in body
    assert outbox.sweep(store, later + timedelta(days=1)) == 0  # same week: not again
    outbox.sweep(store, later + timedelta(days=7))
    assert len([i for i in outbox.items(store) if i.kind == "digest"]) == 2
