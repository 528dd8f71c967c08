"""Private calendar feeds and the anonymous pulse: digests not tokens, revocation, roles,
no respondent stored, and the threshold below which nothing is shown."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
from icalendar import Calendar

from shadow.core import directory, feeds, links, pulse
from shadow.core.access import AccessDenied
from shadow.core.models import SURVEY_DIMENSIONS
from shadow.core.store import Store
from tests.dbfiles import COORD, STAFF, VIEWER


@pytest.fixture
def store(accounts_db):
    with Store(accounts_db) as opened:
        yield opened


def raw_text(store: Store) -> str:
    """Everything on disk: snapshot and journal."""
    return store.path.read_text("utf-8") + store.journal_path.read_text("utf-8")


def answers_of(store: Store, department: str) -> list[dict]:
    """The pulse answers of one department (the sample has some for two others)."""
    dept = directory.find_department(store, department)
    return store.find(pulse.ANSWERS, department_id=dept.id)


def scores(*values: int) -> dict[str, int]:
    return dict(zip(SURVEY_DIMENSIONS, values, strict=True))


# ------------------------------------------------------------------ calendar feeds
def test_only_a_digest_of_the_feed_token_is_stored(store):
    staff = directory.find_person(store, STAFF)
    token = feeds.issue(store, STAFF, staff)
    assert len(token) >= 43
    assert token not in raw_text(store)
    (doc,) = store.find(feeds.TABLE, person_id=staff.id)
    assert doc["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert doc["state"] == "active"
    audit = json.dumps(store.audit(feeds.TABLE))
    assert token not in audit and doc["token_hash"] not in audit
    assert "calendar feed issued for Ben Kowalczyk" in audit


def test_the_feed_is_the_persons_calendar_until_revoked(store):
    staff = directory.find_person(store, STAFF)
    token = feeds.issue(store, STAFF, staff)
    body = feeds.calendar(store, token)
    events = [c for c in Calendar.from_ical(body).walk("VEVENT")]
    assert events, "Ben is on visits in the sample"
    from shadow.core.reports import export_ics

    def without_stamp(payload: bytes) -> list[bytes]:
        return [line for line in payload.splitlines() if not line.startswith(b"DTSTAMP")]

    assert without_stamp(body) == without_stamp(export_ics(store, staff.id))
    assert feeds.current(store, staff.id) is not None
    assert feeds.revoke(store, STAFF, staff) is True
    assert feeds.calendar(store, token) is None
    assert feeds.current(store, staff.id) is None
    assert feeds.revoke(store, STAFF, staff) is False
    states = [e for e in store.audit(feeds.TABLE) if e["field"] == "state"]
    assert states[-1]["old"] == "active" and states[-1]["new"] == "revoked"


def test_a_new_feed_replaces_the_old_one(store):
    staff = directory.find_person(store, STAFF)
    first = feeds.issue(store, STAFF, staff)
    second = feeds.issue(store, COORD, staff)
    assert first != second
    assert feeds.calendar(store, first) is None
    assert feeds.calendar(store, second) is not None
    active = [d for d in store.find(feeds.TABLE, person_id=staff.id) if d["state"] == "active"]
    assert len(active) == 1


@pytest.mark.parametrize("token", ["", "x", "a" * 43, "a" * 5000, "\udcff", "../etc/passwd"])
def test_unknown_and_malformed_tokens_find_nothing(store, token):
    staff = directory.find_person(store, STAFF)
    feeds.issue(store, STAFF, staff)
    assert feeds.calendar(store, token) is None


def test_an_inactive_persons_feed_stops(store):
    staff = directory.find_person(store, STAFF)
    token = feeds.issue(store, STAFF, staff)
    with store.transaction(COORD) as tx:
        tx.update("people", staff.id, {"active": False})
    assert feeds.calendar(store, token) is None


def test_feed_roles(store):
    staff = directory.find_person(store, STAFF)
    viewer = directory.find_person(store, VIEWER)
    assert feeds.issue(store, VIEWER, viewer)  # a viewer reads their own calendar
    with pytest.raises(AccessDenied, match="someone else's calendar feed"):
        feeds.issue(store, STAFF, viewer)
    with pytest.raises(AccessDenied, match="someone else's calendar feed"):
        feeds.revoke(store, VIEWER, staff)
    assert feeds.issue(store, COORD, viewer)  # a coordinator manages anyone's
    with pytest.raises(AccessDenied, match="no account"):
        feeds.issue(store, "Mei Tanaka", directory.find_person(store, "Mei Tanaka"))


def test_public_url_rules(store):
    assert links.public_url(store) == "http://127.0.0.1:8000"
    assert links.public_url(store, "https://shadow.example/") == "https://shadow.example"
    for bad in ("ftp://x", "shadow.example", "https://", "https://x/?a=1", "https://x\x1b"):
        with pytest.raises(ValueError):
            links.public_url(store, bad)


# ------------------------------------------------------------------ pulse
def answer_n(store, token, n, day, comment=""):
    for i in range(n):
        pulse.answer(
            store, token, scores(4, 4, 4, 4), scores(3, 2, 4, 1 + i % 5), comment, today=day
        )


def test_pulse_answer_stores_no_respondent_and_only_the_day(store):
    token = pulse.issue_link(store, COORD, "Makerspace")
    assert token not in raw_text(store)
    dept = pulse.answer(
        store,
        token,
        scores(5, 4, 3, 2),
        scores(2, 3, 4, 5),
        "More of this!",
        today=date(2026, 11, 3),
    )
    assert dept.name == "Makerspace"
    (doc,) = answers_of(store, "Makerspace")
    assert set(doc) - {"version"} == {  # (records may carry a version number)
        "id",
        "department_id",
        "day",
        "expectation",
        "perception",
        "comment",
        "created",
        "updated",
        "created_by",
        "updated_by",
    }
    assert doc["day"] == "2026-11-03"
    assert doc["created"] == doc["updated"] == "2026-11-03T00:00:00+00:00"
    assert doc["created_by"] == doc["updated_by"] == "anonymous pulse"
    # no audit entry: its place among the others (sign-ins) would say when it came in
    assert store.audit(pulse.ANSWERS, doc["id"]) == []
    assert not [e for e in store.audit() if e["actor"] == "anonymous pulse"]
    last = store.journal_path.read_text("utf-8").splitlines()[-1]
    assert '"ts":"2026-11-03T00:00:00+00:00"' in last.replace(" ", "")
    assert COORD not in last


def test_pulse_threshold_four_answers_show_nothing_five_show(store):
    dept = directory.find_department(store, "Makerspace")
    token = pulse.issue_link(store, COORD, dept.name)
    answer_n(store, token, 4, date(2026, 11, 10), comment="a secret comment")
    summary = pulse.pulse_summary(store, dept.id)
    assert summary.suppressed and summary.answers is None and summary.gap is None
    assert summary.expectation is None and summary.perception is None
    assert summary.comments == ()
    assert summary.months[0].month == "2026-11" and not summary.months[0].shown
    assert summary.months[0].answers is None and summary.months[0].gap is None
    text = "\n".join(pulse.describe(summary))
    assert pulse.NOT_SHOWN in text and "secret" not in text and "4" not in text
    shown_json = json.dumps(pulse.as_json(summary))
    assert "secret" not in shown_json and '"suppressed": true' in shown_json

    answer_n(store, token, 1, date(2026, 11, 11))
    summary = pulse.pulse_summary(store, dept.id)
    assert not summary.suppressed and summary.answers == 5
    assert summary.expectation == {d: 4.0 for d in SURVEY_DIMENSIONS}
    assert summary.gap_by_dimension["plain language"] == 1.0
    assert summary.comments == ("a secret comment",) * 4
    assert pulse.as_json(summary)["answers"] == 5


def test_small_months_are_left_out_of_totals_so_reports_cannot_be_subtracted(store):
    dept = directory.find_department(store, "Makerspace")
    token = pulse.issue_link(store, COORD, dept.name)
    answer_n(store, token, 5, date(2026, 10, 20))
    answer_n(store, token, 2, date(2026, 11, 20), comment="only two of us")
    summary = pulse.pulse_summary(store, dept.id)
    assert summary.answers == 5
    assert [(m.month, m.shown) for m in summary.months] == [("2026-10", True), ("2026-11", False)]
    assert "only two of us" not in summary.comments
    # since counts from the start of its month: a mid-month date cannot isolate a few days
    late = pulse.pulse_summary(store, dept.id, since=date(2026, 10, 25))
    assert late.since == "2026-10-01" and late.answers == 5
    assert pulse.pulse_summary(store, dept.id, since=date(2026, 11, 1)).suppressed


def test_pulse_links_revoke_and_replace(store):
    token = pulse.issue_link(store, COORD, "Technical Services")
    newer = pulse.issue_link(store, COORD, "Technical Services")
    with pytest.raises(pulse.PulseError, match="not \\(or no longer\\) in use"):
        pulse.answer(store, token, scores(3, 3, 3, 3), scores(3, 3, 3, 3))
    pulse.answer(store, newer, scores(3, 3, 3, 3), scores(3, 3, 3, 3))
    assert pulse.revoke_link(store, COORD, "Technical Services") is True
    assert pulse.department_for(store, newer) is None
    assert pulse.revoke_link(store, COORD, "Technical Services") is False


@pytest.mark.parametrize(
    ("expectation", "perception", "comment", "message"),
    [
        (scores(3, 3, 3, 3), scores(3, 3, 3, 6), "", "needs a score from 1 to 5"),
        (scores(3, 3, 3, 3), {"plain language": 3}, "", "for each of"),
        (scores(3, 3, 3, 3), scores(3, 3, 3, 0), "", "needs a score"),
        (scores(3, 3, 3, 3), scores(3, 3, 3, 3), "bad \x1b[31m", "comment"),
        (scores(3, 3, 3, 3), scores(3, 3, 3, 3), "x" * 1001, "at most 1000"),
    ],
)
def test_bad_pulse_answers_are_refused_and_nothing_is_written(
    store, expectation, perception, comment, message
):
    token = pulse.issue_link(store, COORD, "Technical Services")
    with pytest.raises(pulse.PulseError, match=message):
        pulse.answer(store, token, expectation, perception, comment)
    assert answers_of(store, "Technical Services") == []


def test_pulse_links_are_for_coordinators(store):
    with pytest.raises(AccessDenied, match="manage perception pulse links"):
        pulse.issue_link(store, STAFF, "Technical Services")
    with pytest.raises(AccessDenied):
        pulse.revoke_link(store, VIEWER, "Technical Services")


def test_the_pulse_report_is_for_coordinators(store):
    token = pulse.issue_link(store, COORD, "Technical Services")
    answer_n(store, token, 5, date(2026, 11, 2))
    summaries = {s.department: s for s in pulse.report(store, COORD)}
    assert summaries["Technical Services"].answers == 5
    assert pulse.report(store, COORD, "Makerspace")[0].suppressed
    for who in (STAFF, VIEWER, None):
        with pytest.raises(AccessDenied, match="only coordinators read the pulse report"):
            pulse.report(store, who)


def test_the_sample_shows_one_department_and_suppresses_another(store):
    summaries = {s.department: s for s in pulse.report(store, COORD)}
    assert set(summaries) == {"Circulation", "Reference"}
    circulation, reference = summaries["Circulation"], summaries["Reference"]
    assert circulation.link and not circulation.suppressed and circulation.answers == 6
    assert [m.shown for m in circulation.months] == [True, False]  # last month, this month
    assert circulation.comments
    assert reference.link and reference.suppressed and reference.answers is None
    assert reference.comments == ()
