"""Month-by-month counts behind the dashboard's charts."""

from datetime import date, datetime

import pytest
from dateutil import tz

from shadow.core import trends
from shadow.core.models import Suggestion, Visit

LONDON = tz.gettz("Europe/London")
NOW = datetime(2027, 1, 10, 12, 0, tzinfo=LONDON)


@pytest.fixture
def store(london_store):
    return london_store


def test_month_starts_cross_the_year_and_label_the_new_one():
    months = trends.month_starts(date(2027, 1, 10), 4)
    assert months == [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]
    assert trends.Monthly(months).labels == ["Oct", "Nov", "Dec", "Jan 27"]


def visit(status: str, start: str, rrule: str = "") -> dict:
    return Visit(
        department_id=1,
        visitors=[1],
        hosts=[2],
        start=start,
        end=start.replace("T10:00", "T12:00"),
        status=status,
        rrule=rrule,
        timezone="Europe/London",
    ).to_doc()


def test_visits_per_month_count_series_occurrences(store):
    with store.transaction("test") as tx:
        tx.insert(Visit.TABLE, visit("completed", "2026-11-03T10:00+00:00"))
        tx.insert(Visit.TABLE, visit("no-show", "2026-12-01T10:00+00:00"))
        tx.insert(Visit.TABLE, visit("cancelled", "2027-01-05T10:00+00:00"))
        tx.insert(Visit.TABLE, visit("confirmed", "2027-01-06T10:00+00:00"))  # neither
        # A completed weekly series: two occurrences in October, from the 19th.
        tx.insert(Visit.TABLE, visit("completed", "2026-10-19T10:00+01:00", "FREQ=WEEKLY;COUNT=2"))
        tx.insert(Visit.TABLE, visit("completed", "2026-06-01T10:00+01:00"))  # too early
    m = trends.visits_per_month(store, NOW, 4)
    assert m.series == {"completed": [2, 1, 0, 0], "cancelled or no-show": [0, 0, 1, 1]}
    assert m.peak == 2


def suggestion(created: str, status: str = "new", closed: str | None = None) -> tuple:
    doc = Suggestion(title="x", author_id=1, status=status, closed=closed).to_doc()
    if status == "duplicate":
        doc["duplicate_of"] = 1
    return doc, created


def test_suggestions_and_backlog_size(store):
    rows = [
        suggestion("2026-10-05T09:00+01:00"),  # open throughout
        suggestion("2026-10-20T09:00+01:00", "done", "2026-12-02T09:00+00:00"),
        suggestion("2026-11-11T09:00+00:00", "declined", "2026-11-30T09:00+00:00"),
        suggestion("2026-12-24T09:00+00:00", "duplicate", "2027-01-02T09:00+00:00"),
        suggestion("2027-01-09T09:00+00:00", "under review"),
        suggestion("2027-01-10T13:00+00:00"),  # after "now": not yet in the backlog
    ]
    with store.transaction("test") as tx:
        for doc, created in rows:
            tx.insert(Suggestion.TABLE, doc, created=created)
    raised = trends.suggestions_per_month(store, NOW, 4)
    # Duplicates count as raised, but not as closed (merging is not resolving).
    assert raised.series == {"raised": [2, 1, 1, 2], "closed": [0, 1, 1, 0]}
    size = trends.backlog_size(store, NOW, 4)
    # End of Oct: 2 open; end of Nov: 2 (one more, one declined); end of Dec: 2
    # (done, and a new one); now: the duplicate merged, one more under review.
    assert size.series == {"open": [2, 2, 2, 2]}
    assert size.months[-1] == date(2027, 1, 1)
