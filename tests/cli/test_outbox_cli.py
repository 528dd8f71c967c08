"""``shadow outbox``, the mail settings, ``--send`` and ``export ics --person``."""

from __future__ import annotations

import email
import json
from email.policy import default as default_policy

import pytest
from icalendar import Calendar

from .shell import run_as as run

ITEM_KEYS = {"id", "to", "subject", "kind", "state", "attempts", "error"}


@pytest.fixture
def db(sample_db):
    return sample_db


def listed(capsys, db, *extra) -> list[dict]:
    code, out, _ = run(capsys, db, "outbox", "list", "--json", *extra)
    assert code == 0
    return json.loads(out)


def book(capsys, db, when="next tue 10:00") -> int:
    code, out, err = run(
        capsys, db, "visit", "add", "--department", "Systems", "--visitor", "Ben Kowalczyk",
        "--when", when, "--force", "--reason", "test",
    )  # fmt: skip
    assert code == 0, err
    return int(out.split("#")[1].split(":")[0])


def test_the_sample_has_a_few_messages_and_booking_queues_invitations(capsys, db):
    sample = listed(capsys, db)
    assert 3 <= len(sample) <= 20
    assert all(ITEM_KEYS <= set(item) for item in sample)
    assert {i["state"] for i in sample} == {"queued"}
    book(capsys, db)
    items = listed(capsys, db, "--state", "queued")
    invites = [i for i in items if i["kind"] == "invitation"]
    assert sorted(i["to"] for i in invites) == [
        "ben.kowalczyk@harrowfieldcouncil.example.org",
        "priya.raman@harrowfieldlibraries.example.org",
    ]
    assert all(i["attempts"] == 0 and i["error"] == "" for i in invites)


def test_send_writes_eml_files_and_send_flag_sends_after_a_change(capsys, db, tmp_path):
    vid = book(capsys, db)
    code, out, _ = run(capsys, db, "outbox", "send")
    assert code == 0 and out.startswith("sent ") and "(to .eml files)" in out
    outbox_dir = tmp_path / "db" / "outbox"
    before = set(outbox_dir.glob("*.eml"))
    code, out, _ = run(
        capsys, db, "--send", "visit", "cancel", str(vid), "--reason", "room flooded"
    )
    assert code == 0 and "sent 2 (to .eml files)" in out
    new = set(outbox_dir.glob("*.eml")) - before
    assert len(new) == 2
    for path in new:
        message = email.message_from_bytes(path.read_bytes(), policy=default_policy)
        (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        assert Calendar.from_ical(part.get_content())["METHOD"] == "CANCEL"
    assert {i["state"] for i in listed(capsys, db)} == {"sent"}


def test_drop_retry_show_and_errors(capsys, db):
    book(capsys, db)
    first = listed(capsys, db)[0]["id"]
    assert run(capsys, db, "outbox", "drop", str(first))[0] == 0
    assert next(i for i in listed(capsys, db) if i["id"] == first)["state"] == "dropped"
    code, out, _ = run(capsys, db, "outbox", "retry", str(first), "--send")
    assert code == 0 and "queued again" in out and "sent 1" in out
    code, _, err = run(capsys, db, "outbox", "drop", str(first))
    assert code == 1 and err == f"shadow: error: message #{first} was sent already\n"
    with pytest.raises(SystemExit) as refused:  # not an id: argument misuse, exit 1
        run(capsys, db, "outbox", "retry", "99\x1b[2J")
    err = capsys.readouterr().err
    assert refused.value.code == 1 and "not a record id" in err and "\x1b" not in err
    assert err.count("\n") == 1
    code, _, err = run(capsys, db, "outbox", "retry", "99999")
    assert code == 1 and err.count("\n") == 1 and "no message #99999" in err
    code, out, _ = run(capsys, db, "outbox", "show", str(first))
    assert code == 0 and "Message-ID: <" in out


def test_mail_settings_are_checked_and_the_password_never_shown(capsys, db, tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("hunter2\n")
    assert run(capsys, db, "settings", "smtp.password-file", str(secret))[0] == 0
    assert run(capsys, db, "settings", "smtp.security", "starttls")[0] == 0
    code, out, _ = run(capsys, db, "settings")
    assert code == 0 and "smtp.security = starttls" in out and "hunter2" not in out
    assert f"smtp.password-file = {secret}" in out
    for key, value in (
        ("smtp.security", "tls-ish"),
        ("smtp.port", "99999"),
        ("mail.from", "not an address"),
        ("mail.from", "a@b.example\r\nBcc: c@d.example"),
        ("smtp.password-file", str(tmp_path / "missing")),
    ):
        code, _, err = run(capsys, db, "settings", key, value)
        assert code == 1 and err.startswith("shadow: error: ") and err.count("\n") == 1
    assert (
        "hunter2"
        not in (tmp_path / "db" / "shadow.json").read_text()
        + (tmp_path / "db" / "shadow.json.journal").read_text()
    )


def test_server_down_exits_1_and_keeps_messages_queued(capsys, db):
    book(capsys, db)
    assert run(capsys, db, "settings", "smtp.host", "127.0.0.1")[0] == 0
    assert run(capsys, db, "settings", "smtp.port", "9")[0] == 0
    code, out, err = run(capsys, db, "outbox", "send")
    assert code == 1 and err.startswith("shadow: error: nothing could be sent: cannot reach")
    items = listed(capsys, db)
    assert {i["state"] for i in items} == {"queued"}
    assert all(i["error"].startswith("cannot reach the mail server") for i in items)


def test_receive_preferences(capsys, db):
    code, out, _ = run(capsys, db, "outbox", "receive", "Ben Kowalczyk")
    assert code == 0 and out == "Ben Kowalczyk receives: all (every message)\n"
    assert run(capsys, db, "outbox", "receive", "Ben Kowalczyk", "none")[0] == 0
    book(capsys, db)
    invites = [i for i in listed(capsys, db) if i["kind"] == "invitation"]
    assert [i["to"] for i in invites] == ["priya.raman@harrowfieldlibraries.example.org"]


def test_export_ics_for_one_person(capsys, db, tmp_path):
    book(capsys, db)
    out_file = tmp_path / "ben.ics"
    code, *_ = run(capsys, db, "export", "ics", "--person", "Ben Kowalczyk", "--out", str(out_file))
    assert code == 0
    cal = Calendar.from_ical(out_file.read_bytes())
    events = list(cal.walk("VEVENT"))
    assert events
    for event in events:
        attendees = (
            [str(a) for a in event.get("ATTENDEE")]
            if isinstance(event.get("ATTENDEE"), list)
            else [str(event.get("ATTENDEE"))]
        )
        assert "mailto:ben.kowalczyk@harrowfieldcouncil.example.org" in attendees
    code, out, _ = run(capsys, db, "export", "ics")
    assert out.count("BEGIN:VEVENT") > len(events)
    code, _, err = run(capsys, db, "export", "ics", "--person", "Nobody Here")
    assert code == 1 and err.startswith("shadow: error: ")
