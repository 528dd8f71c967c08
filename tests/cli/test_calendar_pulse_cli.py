"""``shadow calendar feed`` and ``shadow pulse link|report``."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from shadow.core import feeds, pulse
from shadow.core.models import SURVEY_DIMENSIONS
from shadow.core.store import Store
from tests.dbfiles import COORD, STAFF, VIEWER, add_accounts

from .shell import run_as as run


@pytest.fixture
def db(sample_db):
    return sample_db


@pytest.fixture
def accounts(db):
    with Store(db) as store:
        add_accounts(store)
    return db


def token_in(out: str, kind: str) -> str:
    return re.search(rf"/{kind}/([A-Za-z0-9_-]{{43}})", out).group(1)


def test_feed_address_is_printed_once_then_only_said_to_exist(capsys, db):
    code, out, _ = run(capsys, db, "calendar", "feed", who=STAFF)
    assert code == 0 and "http://127.0.0.1:8000/calendar/" in out and "shown only now" in out
    token = token_in(out, "calendar")
    with Store(db) as store:
        assert feeds.calendar(store, token).startswith(b"BEGIN:VCALENDAR")
        assert token not in store.path.read_text() + store.journal_path.read_text()
    code, out, _ = run(capsys, db, "calendar", "feed", who=STAFF)
    assert code == 0 and token not in out and "has a calendar feed" in out and "--new" in out
    code, out, _ = run(capsys, db, "calendar", "feed", "--json", who=STAFF)
    shown = json.loads(out)
    assert shown["person"] == STAFF and shown["state"] == "exists" and shown["url"] is None
    assert shown["issued"] and shown["issued_by"] == STAFF


def test_feed_new_and_revoke(capsys, db):
    run(capsys, db, "calendar", "feed", who=STAFF)
    code, out, _ = run(
        capsys, db, "calendar", "feed", "--new", "--json", "--public-url",
        "https://shadow.library.example/", who=STAFF,
    )  # fmt: skip
    shown = json.loads(out)
    assert shown["state"] == "issued"
    assert shown["url"].startswith("https://shadow.library.example/calendar/")
    assert shown["url"].endswith(".ics")
    token = token_in(shown["url"], "calendar")
    code, out, _ = run(capsys, db, "calendar", "feed", "--revoke", who=STAFF)
    assert code == 0 and "revoked" in out
    with Store(db) as store:
        assert feeds.calendar(store, token) is None
    code, out, _ = run(capsys, db, "calendar", "feed", "--revoke", who=STAFF)
    assert code == 0 and "no calendar feed" in out


def test_feed_public_url_setting(capsys, db):
    assert run(capsys, db, "settings", "serve.public_url", "https://x.example/")[0] == 0
    code, out, _ = run(capsys, db, "calendar", "feed", "--person", STAFF)
    assert code == 0 and "https://x.example/calendar/" in out
    code, out, err = run(capsys, db, "settings", "serve.public_url", "javascript:alert(1)")
    assert code == 1 and err.count("\n") == 1 and err.startswith("shadow: error: ")


def test_feed_refusals_are_one_line_and_write_nothing(capsys, accounts):
    db = accounts
    with Store(db) as store:
        before = store.count("audit")
    code, out, err = run(capsys, db, "calendar", "feed", "--person", VIEWER, who=STAFF)
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "someone else's calendar feed" in err
    code, _, err = run(capsys, db, "calendar", "feed", "--public-url", "ftp://x", who=STAFF)
    assert code == 1 and err.count("\n") == 1 and "serve.public_url" in err
    with pytest.raises(SystemExit) as usage:
        run(capsys, db, "calendar", "feed", "--new", "--revoke", who=STAFF)
    assert usage.value.code == 1 and capsys.readouterr().err.count("\n") == 1
    with Store(db) as store:
        assert store.count("audit") == before
    code, out, _ = run(capsys, db, "calendar", "feed", "--person", VIEWER, who=COORD)
    assert code == 0 and "/calendar/" in out


def test_pulse_link_and_thresholded_report(capsys, db):
    code, out, _ = run(capsys, db, "pulse", "link", "Technical Services")
    assert code == 0 and "http://127.0.0.1:8000/pulse/" in out
    token = token_in(out, "pulse")
    code, out, _ = run(capsys, db, "pulse", "link", "Technical Services")
    assert code == 0 and token not in out and "has a pulse link" in out
    scores = dict.fromkeys(SURVEY_DIMENSIONS, 3)
    with Store(db) as store:
        for _ in range(4):
            pulse.answer(store, token, scores, scores, "four of us", today=date(2026, 11, 5))
    code, out, _ = run(
        capsys, db, "pulse", "report", "--department", "Technical Services", "--json"
    )
    (shown,) = json.loads(out)
    assert shown["suppressed"] is True and shown["answers"] is None and shown["gap"] is None
    assert shown["comments"] == [] and shown["threshold"] == 5
    assert shown["months"] == [
        {"month": "2026-11", "suppressed": True, "answers": None, "gap": None}
    ]
    code, out, _ = run(capsys, db, "pulse", "report", "--department", "Technical Services")
    assert "fewer than 5 answers - not shown" in out and "four of us" not in out
    with Store(db) as store:
        pulse.answer(store, token, scores, scores, today=date(2026, 11, 6))
    code, out, _ = run(
        capsys, db, "pulse", "report", "--department", "Technical Services", "--json"
    )
    (shown,) = json.loads(out)
    assert shown["suppressed"] is False and shown["answers"] == 5 and shown["gap"] == 0.0
    code, out, _ = run(capsys, db, "pulse", "report")
    assert "Technical Services" in out and "5 answers" in out and "four of us" in out


def test_pulse_revoke(capsys, db):
    code, out, _ = run(capsys, db, "pulse", "link", "Technical Services", "--json")
    token = token_in(json.loads(out)["url"], "pulse")
    code, out, _ = run(capsys, db, "pulse", "link", "Technical Services", "--revoke")
    assert code == 0 and "revoked" in out
    with Store(db) as store:
        assert pulse.department_for(store, token) is None


def test_pulse_is_for_coordinators(capsys, accounts):
    for argv in (("pulse", "link", "Technical Services"), ("pulse", "report")):
        code, out, err = run(capsys, accounts, *argv, who=STAFF)
        assert code == 1 and out == "" and err.count("\n") == 1, argv
    code, _, err = run(capsys, accounts, "pulse", "link", "Nowhere")
    assert code == 1 and "no department named 'Nowhere'" in err
