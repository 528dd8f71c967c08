"""Ratings after a visit: who may rate what, one per person per visit, author-only edits,
the aggregates the department card shows."""

from datetime import datetime, timedelta

import pytest

from shadow.core import access, dates, feedback
from shadow.core.access import AccessDenied
from shadow.core.feedback import FeedbackError
from shadow.core.models import Feedback, Person, ValidationError, Visit

from .people import small_directory

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=dates.local_zone())


def _visit(tx, dept, visitors, hosts, start, status, rrule=""):
    v = Visit(
        department_id=dept, visitors=visitors, hosts=hosts, start=dates.to_iso(start),
        end=dates.to_iso(start + timedelta(hours=2)), status=status, rrule=rrule,
        timezone=dates.zone_name() if rrule else "",
    )  # fmt: skip
    v.validate()
    return tx.insert(Visit.TABLE, v.to_doc())


@pytest.fixture
def setup(tmp_path):
    people = [("Ada", "it"), ("Raj", "it"), ("Mai", "library"), ("Tom", "library"),
              ("Cleo", "library")]  # fmt: skip
    store, ids = small_directory(tmp_path / "db.json", people, ("Circulation", "Cataloguing"))
    depts = {d["name"]: d["id"] for d in store.all("departments")}
    circ, cat = depts["Circulation"], depts["Cataloguing"]
    past = NOW - timedelta(days=3)
    with store.transaction("setup") as tx:
        v = {
            "done": _visit(tx, circ, [ids["Ada"]], [ids["Mai"]], past, "completed"),
            "held": _visit(tx, circ, [ids["Raj"]], [ids["Tom"]], NOW - timedelta(hours=1), "confirmed"),
            "coming": _visit(tx, circ, [ids["Ada"]], [ids["Mai"]], NOW + timedelta(days=2), "confirmed"),
            "cancelled": _visit(tx, circ, [ids["Ada"]], [ids["Mai"]], past, "cancelled"),
            "asked": _visit(tx, circ, [ids["Ada"]], [ids["Mai"]], past, "requested"),
            "noshow": _visit(tx, circ, [ids["Ada"]], [ids["Mai"]], past, "no-show"),
            "cat": _visit(tx, cat, [ids["Raj"]], [ids["Tom"]], past - timedelta(days=1), "completed"),
            "series": _visit(tx, cat, [ids["Ada"]], [ids["Tom"]], NOW - timedelta(weeks=3),
                             "confirmed", rrule="FREQ=WEEKLY;COUNT=5"),
        }  # fmt: skip
    people = {n: Person.from_doc(store.get("people", i)) for n, i in ids.items()}
    yield store, people, v, depts
    store.close()


def rate(store, person, ref, rating, **kw):
    return feedback.rate(store, person, ref, rating, now=NOW, **kw)


def test_visitor_and_host_each_rate_once(setup):
    store, p, v, _ = setup
    fb, new = rate(store, p["Ada"], v["done"], 4, again="yes", learned="  Holds  go on the shelf ")
    assert new and (fb.rating, fb.again, fb.side) == (4, True, "it")
    assert fb.learned == "Holds go on the shelf"
    fb2, new2 = rate(store, p["Mai"], str(v["done"]), "5", again="no")
    assert new2 and fb2.side == "library" and fb2.again is False
    # again: the same person edits their own, never a second record
    fb3, new3 = rate(store, p["Ada"], f"#{v['done']}", 2)
    assert not new3 and fb3.id == fb.id and fb3.rating == 2
    assert fb3.again is True and fb3.learned == "Holds go on the shelf"  # kept
    assert store.count(Feedback.TABLE) == 2
    rate(store, p["Ada"], v["done"], None, learned="")
    assert feedback.find(store, v["done"], p["Ada"].id).learned == ""
    assert feedback.find(store, v["done"], p["Ada"].id).rating == 2


def test_only_people_on_the_visit_rate(setup):
    store, p, v, _ = setup
    with pytest.raises(FeedbackError, match="Cleo was not on visit #"):
        rate(store, p["Cleo"], v["done"], 3)
    assert store.count(Feedback.TABLE) == 0


@pytest.mark.parametrize(
    ("which", "why"),
    [
        ("coming", "has not taken place yet"),
        ("cancelled", "is cancelled"),
        ("asked", "was never confirmed"),
        ("noshow", "is no-show"),
    ],
)
def test_only_a_visit_that_took_place(setup, which, why):
    store, p, v, _ = setup
    with pytest.raises(FeedbackError, match=why) as refused:
        rate(store, p["Ada"], v[which], 4)
    assert "completed, or confirmed and already begun" in str(refused.value)
    assert store.count(Feedback.TABLE) == 0


def test_confirmed_and_begun_counts_as_held(setup):
    store, p, v, _ = setup
    fb, _ = rate(store, p["Raj"], v["held"], 3)
    assert fb.visit_id == v["held"]
    assert feedback.can_rate(store, p["Tom"], v["held"], NOW) == ""
    assert "has not taken place" in feedback.can_rate(store, p["Ada"], v["coming"], NOW)


def test_bad_values_are_refused(setup):
    store, p, v, _ = setup
    for bad in (0, 6, "four", None, True):
        with pytest.raises(ValidationError, match="rating"):
            rate(store, p["Ada"], v["done"], bad)
    with pytest.raises(ValidationError, match="again"):
        rate(store, p["Ada"], v["done"], 3, again="maybe")
    with pytest.raises(ValidationError, match="learned"):
        rate(store, p["Ada"], v["done"], 3, learned="x" * 501)
    with pytest.raises(ValidationError, match="learned"):
        rate(store, p["Ada"], v["done"], 3, learned="bell\x07")
    with pytest.raises(FeedbackError, match="not a visit id"):
        rate(store, p["Ada"], "twelve", 3)
    assert store.count(Feedback.TABLE) == 0


def test_each_occurrence_is_its_own_visit(setup):
    store, p, v, _ = setup
    series = Visit.from_doc(store.get("visits", v["series"]))
    first = dates.from_iso(series.start).date()
    with pytest.raises(FeedbackError, match="repeats: rate one occurrence"):
        rate(store, p["Ada"], v["series"], 4)
    week1 = f"{v['series']}@{first.isoformat()}"
    week2 = f"{v['series']}@{(first + timedelta(weeks=1)).isoformat()}"
    a, _ = rate(store, p["Ada"], week1, 4)
    b, _ = rate(store, p["Ada"], week2, 2)
    assert a.visit_id != b.visit_id != v["series"]
    assert store.get("visits", a.visit_id)["series_id"] == v["series"]
    c, new = rate(store, p["Ada"], week1, 5)  # the same occurrence again: an edit
    assert not new and c.id == a.id
    assert [r.visit_key for r in feedback.ratings(store, visit=week1)] == [week1]
    future = f"{v['series']}@{(first + timedelta(weeks=4)).isoformat()}"
    with pytest.raises(FeedbackError, match="has not taken place yet"):
        rate(store, p["Ada"], future, 3)


def test_only_the_author_edits_even_a_coordinator(setup):
    store, p, v, _ = setup
    fb, _ = rate(store, p["Mai"], v["done"], 4)
    access.add_account(store, "setup", "Ada", "coordinator", "coordinator-pw")
    access.add_account(store, "Ada", "Mai", "staff", "staff-password")
    with pytest.raises(AccessDenied, match="this rating is Mai's: only its author"):
        feedback.edit_feedback(store, p["Ada"], fb.id, rating=1)
    assert feedback.find(store, v["done"], p["Mai"].id).rating == 4
    changed = feedback.edit_feedback(store, p["Mai"], fb.id, rating=5, again="no")
    assert (changed.rating, changed.again) == (5, False)
    # a viewer may not rate at all
    access.add_account(store, "Ada", "Tom", "viewer", "viewer-password")
    with pytest.raises(AccessDenied, match="Tom is a viewer"):
        rate(store, p["Tom"], v["held"], 3)


def test_summary_by_side_department_and_since(setup):
    store, p, v, depts = setup
    rate(store, p["Ada"], v["done"], 4, again="yes", learned="Returns are sorted by branch")
    rate(store, p["Mai"], v["done"], 5, again="yes")
    rate(store, p["Raj"], v["held"], 2, again="no", learned="The desk is busy at 10")
    rate(store, p["Tom"], v["held"], 3)
    rate(store, p["Raj"], v["cat"], 1, again="no")
    s = feedback.feedback_summary(store)
    assert (s.count, s.mean, s.again_pct, s.again_said) == (5, 3.0, 50, 4)
    assert s.by_side["it"] == feedback.SideFigures(3, 2.3, 33)
    assert s.by_side["library"] == feedback.SideFigures(2, 4.0, 100)
    assert [x.text for x in s.learned] == ["The desk is busy at 10", "Returns are sorted by branch"]
    circ = feedback.feedback_summary(store, department_id=depts["Circulation"])
    assert (circ.count, circ.mean) == (4, 3.5)
    assert feedback.feedback_summary(store, direction="library-to-it").count == 0
    assert feedback.feedback_summary(store, direction="it-to-library").count == 5
    assert feedback.feedback_summary(store, since=NOW + timedelta(minutes=1)).count == 0
    empty = feedback.feedback_summary(store, department_id=9999)
    assert (empty.count, empty.mean, empty.again_pct) == (0, None, None)
    assert empty.by_side["it"] == feedback.SideFigures(0, None, None)
    js = s.as_json()
    assert js["by_side"]["library"] == {"count": 2, "mean": 4.0, "again_pct": 100}
    assert js["learned"][0]["author"] == "Raj"


def test_direction_follows_the_department_side(setup):
    store, p, v, depts = setup
    rate(store, p["Ada"], v["done"], 4)
    with store.transaction("setup") as tx:  # a department on the IT side (an IT team)
        tx.update("departments", depts["Circulation"], {"side": "it"})
    assert feedback.feedback_summary(store, direction="library-to-it").count == 1
    assert feedback.ratings(store)[0].direction == "library-to-it"


def test_a_rating_saved_meanwhile_is_changed_not_doubled(setup, monkeypatch):
    """Another process rated between the check and the lock: the write under the lock sees it."""
    store, p, v, _ = setup
    series = Visit.from_doc(store.get("visits", v["series"]))
    week1 = f"{v['series']}@{dates.from_iso(series.start).date().isoformat()}"
    for ref in (v["done"], week1):
        first, _ = rate(store, p["Ada"], ref, 4)
        real_find = feedback.find
        calls = []

        def stale_then_real(*args, calls=calls, real_find=real_find):
            calls.append(args)
            return None if len(calls) == 1 else real_find(*args)

        monkeypatch.setattr(feedback, "find", stale_then_real)
        second, new = rate(store, p["Ada"], ref, 1)
        monkeypatch.setattr(feedback, "find", real_find)
        assert len(calls) >= 2 and not new and second.id == first.id
        assert len(store.find(Feedback.TABLE, author_id=p["Ada"].id, visit_id=first.visit_id)) == 1
        assert feedback.find(store, first.visit_id, p["Ada"].id).rating == 1


def test_by_department(setup):
    store, p, v, _ = setup
    rate(store, p["Ada"], v["done"], 4, again="yes")
    rate(store, p["Mai"], v["done"], 2)
    rate(store, p["Raj"], v["cat"], 5, again="no")
    rows = feedback.by_department(feedback.ratings(store))
    assert [name for name, _ in rows] == ["Cataloguing", "Circulation"]
    circ = dict(rows)["Circulation"]
    assert (circ.count, circ.mean, circ.again_pct) == (2, 3.0, 100)
    assert (circ.by_side["it"].mean, circ.by_side["library"].mean) == (4.0, 2.0)
    assert circ.learned == ()
