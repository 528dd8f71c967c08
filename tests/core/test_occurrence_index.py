"""Occurrences by day: the index answers every window exactly as schedule.occurrences."""

from datetime import datetime

import pytest
from dateutil import tz

from shadow.core import schedule, trends
from shadow.core.models import Suggestion, Visit
from shadow.core.occurrence_index import OccurrenceIndex
from shadow.core.store import Store

LONDON = tz.gettz("Europe/London")
SYDNEY = tz.gettz("Australia/Sydney")
NOW = datetime(2027, 1, 10, 12, 0, tzinfo=LONDON)


@pytest.fixture
def store(london_store):
    return london_store


def visit(start: str, end: str, **more) -> Visit:
    return Visit(department_id=1, visitors=[1], hosts=[2], start=start, end=end, **more)


def calendar(store: Store) -> list[Visit]:
    """One-offs (one of them a week long, one in Sydney's offset), a weekly series across
    the clock change with an occurrence moved and one cancelled, and an override whose
    series is gone."""
    docs = [
        visit("2026-10-19T10:00+01:00", "2026-10-19T12:00+01:00"),
        visit("2026-10-20T09:00+01:00", "2026-10-27T09:00+00:00", kind="secondment"),
        visit("2026-11-02T08:00+11:00", "2026-11-02T09:00+11:00"),
        visit("2026-11-02T08:00+11:00", "2026-11-02T09:30+11:00"),  # same start
        visit("2027-01-06T10:00+00:00", "2027-01-06T11:00+00:00", status="cancelled"),
        visit(
            "2026-10-12T10:00+01:00",
            "2026-10-12T11:00+01:00",
            rrule="FREQ=WEEKLY;COUNT=20",
            timezone="Europe/London",
        ),
    ]
    with store.transaction("test") as tx:
        ids = [tx.insert(Visit.TABLE, v.to_doc()) for v in docs]
        series = ids[-1]
        tx.insert(
            Visit.TABLE,
            visit(
                "2026-11-03T15:00+00:00",
                "2026-11-03T16:00+00:00",
                series_id=series,
                occurrence="2026-11-02T10:00+00:00",
            ).to_doc(),
        )
        tx.insert(
            Visit.TABLE,
            visit(
                "2026-11-09T10:00+00:00",
                "2026-11-09T11:00+00:00",
                series_id=series,
                occurrence="2026-11-09T10:00+00:00",
                status="cancelled",
            ).to_doc(),
        )
        tx.insert(
            Visit.TABLE,
            visit(
                "2026-12-01T10:00+00:00",
                "2026-12-01T11:00+00:00",
                series_id=999,
                occurrence="2026-12-01T10:00+00:00",
            ).to_doc(),
        )
    return schedule.load_visits(store)


def shown(found: list[schedule.Occurrence]) -> list[tuple]:
    return [(o.key, o.start, o.end, o.visit) for o in found]


WINDOWS = [
    (datetime(2026, 10, 1, tzinfo=LONDON), datetime(2027, 2, 1, tzinfo=LONDON)),  # all
    (datetime(2026, 10, 22, tzinfo=LONDON), datetime(2026, 10, 23, tzinfo=LONDON)),  # inside
    (datetime(2026, 11, 1, 21, 0, tzinfo=LONDON), datetime(2026, 11, 1, 21, 1, tzinfo=LONDON)),
    (datetime(2026, 11, 2, tzinfo=SYDNEY), datetime(2026, 11, 3, tzinfo=SYDNEY)),
    (datetime(2026, 11, 2, tzinfo=LONDON), datetime(2026, 11, 10, tzinfo=LONDON)),
    (datetime(2026, 10, 19, 12, 0, tzinfo=LONDON), datetime(2026, 10, 19, 13, tzinfo=LONDON)),
    (datetime(2025, 1, 1, tzinfo=LONDON), datetime(2025, 2, 1, tzinfo=LONDON)),  # empty
]


@pytest.mark.parametrize(("lo", "hi"), WINDOWS)
def test_every_window_as_occurrences_finds_it(store, lo, hi):
    visits = calendar(store)
    expected = shown(schedule.occurrences(store, lo, hi, visits=visits))
    assert shown(OccurrenceIndex(visits).between(lo, hi)) == expected
    assert shown(OccurrenceIndex.read(store).between(lo, hi)) == expected


def test_the_long_visit_and_the_moved_and_cancelled_occurrences_are_there(store):
    visits = calendar(store)
    index = OccurrenceIndex.read(store)
    inside = index.between(*WINDOWS[1])
    assert [o.visit.kind for o in inside] == ["secondment"]  # began two days before
    week = index.between(*WINDOWS[4])
    statuses = {(o.start.date().isoformat(), o.status) for o in week if o.series_id}
    assert statuses == {("2026-11-03", "requested"), ("2026-11-09", "cancelled")}
    assert len(index.between(*WINDOWS[6])) == 0
    assert OccurrenceIndex([]).between(*WINDOWS[0]) == []
    assert len(visits) == 9


def test_awaiting_outcome_and_trends_read_the_same_through_the_index(store):
    calendar(store)
    index = OccurrenceIndex.read(store)
    now = datetime(2026, 11, 20, tzinfo=LONDON)
    assert shown(schedule.awaiting_outcome(store, now, index=index)) == shown(
        schedule.awaiting_outcome(store, now)
    )
    assert (
        trends.visits_per_month(store, NOW, 4, index=index).series
        == trends.visits_per_month(store, NOW, 4).series
    )


def test_backlog_size_never_counts_a_suggestion_closed_before_it_was_raised(store):
    with store.transaction("test") as tx:
        for created, status, closed in [
            ("2026-11-05T09:00+00:00", "new", None),
            ("2026-11-05T09:00+00:00", "done", "2026-12-10T09:00+00:00"),
            ("2026-12-20T09:00+00:00", "declined", "2026-12-01T09:00+00:00"),  # hand-edited
        ]:
            doc = Suggestion(title="x", author_id=1, status=status, closed=closed).to_doc()
            tx.insert(Suggestion.TABLE, doc, created=created)
    size = trends.backlog_size(store, NOW, 3)
    # End of Nov: both; end of Dec: the open one (the odd one never); now: the same.
    assert size.series == {"open": [2, 1, 1]}


def test_the_shared_index_is_built_once_per_change_and_names_each_series(store):
    visits = calendar(store)
    shared = OccurrenceIndex.shared(store)
    assert OccurrenceIndex.shared(store) is shared  # no change: the same index
    assert len(shared) == len(visits)
    series = next(v for v in visits if v.rrule)
    assert set(shared.series) == {series.id}
    assert shared.series[series.id].rrule == "FREQ=WEEKLY;COUNT=20"
    lo, hi = WINDOWS[4]
    before = shown(shared.between(lo, hi))
    with store.transaction("test") as tx:
        tx.insert(
            Visit.TABLE,
            visit("2026-11-04T10:00+00:00", "2026-11-04T11:00+00:00").to_doc(),
        )
    after = OccurrenceIndex.shared(store)
    assert after is not shared and len(after) == len(visits) + 1
    assert shown(after.between(lo, hi)) == shown(schedule.occurrences(store, lo, hi))
    assert len(after.between(lo, hi)) == len(before) + 1
