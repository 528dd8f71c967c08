"""ITIL priority, lifecycle, votes, merging, notes, kudos and the backlog filter."""

import pytest

from shadow.core import backlog, directory, notes
from shadow.core.backlog import BacklogError
from shadow.core.models import Suggestion, ValidationError
from shadow.core.records import suggestion_json

from .people import small_directory

MATRIX = [
    ("high", "high", 1), ("high", "medium", 2), ("high", "low", 3),
    ("medium", "high", 2), ("medium", "medium", 3), ("medium", "low", 4),
    ("low", "high", 3), ("low", "medium", 4), ("low", "low", 5),
]  # fmt: skip


@pytest.mark.parametrize(("impact", "urgency", "p"), MATRIX)
def test_priority_matrix_all_nine_cells(impact, urgency, p):
    s = Suggestion(title="x", impact=impact, urgency=urgency, author_id=1)
    assert backlog.priority(s) == p
    assert backlog.priority_reason(s) == f"impact {impact} x urgency {urgency} = P{p}"


def test_risk_raises_impact_one_level_unless_overridden():
    s = Suggestion(title="x", impact="medium", urgency="medium", risks=["financial"], author_id=1)
    assert backlog.priority(s) == 2
    assert (
        backlog.priority_reason(s)
        == "impact high x urgency medium = P2 (impact raised from medium by financial risk)"
    )
    s.risks = ["compliance", "reputation"]
    s.impact = "low"
    assert backlog.priority(s) == 3  # low -> medium, once, however many risks
    s.impact = "high"
    assert backlog.priority(s) == 2  # already high
    s.impact_override = "low"
    assert backlog.priority(s) == 4
    assert "set by a reviewer" in backlog.priority_reason(s)


@pytest.fixture
def store(tmp_path):
    people = [("Ada", "it"), ("Raj", "it"), ("Mai", "library"), ("Tom", "library")]
    s, _ids = small_directory(tmp_path / "db.json", people)
    return s


def person(store, name):
    return directory.find_person(store, name)


def suggest(store, title="Faster returns", who="Mai", **values):
    s = backlog.suggestion_from_input(store, {"title": title} | values)
    return backlog.add(store, person(store, who), s)


def test_suggestion_input_errors_by_field(store):
    with pytest.raises(ValidationError) as info:
        backlog.suggestion_from_input(
            store,
            {
                "title": "",
                "impact": "huge",
                "risks": "weather",
                "direction": "sideways",
                "department": "Mars",
            },
        )
    assert set(info.value.errors) == {"title", "impact", "risks", "direction", "department"}


def test_lifecycle_allowed_and_refused(store):
    sid = suggest(store)
    assert backlog.get(store, sid).status == "new"
    with pytest.raises(
        BacklogError, match="can become under review, accepted, declined, duplicate, not done"
    ):
        backlog.set_status(store, "Ada", sid, "done")
    with pytest.raises(BacklogError, match="declining needs a reason"):
        backlog.set_status(store, "Ada", sid, "declined")
    with pytest.raises(BacklogError, match="merge it"):
        backlog.set_status(store, "Ada", sid, "duplicate")
    s = backlog.set_status(store, "Ada", sid, "under review")
    assert s.triaged and not s.closed
    for status in ("accepted", "in progress", "done"):
        s = backlog.set_status(store, "Ada", sid, status)
    assert s.closed
    s = backlog.set_status(store, "Ada", sid, "in progress", reason="came back")
    assert s.closed is None
    history = [
        (e["actor"], e["field"], e["new"])
        for e in store.audit("suggestions", sid)
        if e["field"] == "status"
    ]
    assert history[0] == ("Ada", "status", "under review") and history[-1][2] == "in progress"
    other = suggest(store, "Other")
    backlog.set_status(store, "Ada", other, "declined", reason="out of scope [red]")
    assert backlog.get(store, other).reason == "out of scope [red]"


def test_votes_one_per_person_and_withdrawable(store):
    sid = suggest(store)
    assert backlog.vote(store, person(store, "Ada"), sid) == 1
    with pytest.raises(BacklogError, match="already voted"):
        backlog.vote(store, person(store, "Ada"), sid)
    assert backlog.vote(store, person(store, "Raj"), sid) == 2
    assert backlog.vote(store, person(store, "Ada"), sid, withdraw=True) == 1
    with pytest.raises(BacklogError, match="has not voted"):
        backlog.vote(store, person(store, "Ada"), sid, withdraw=True)


def test_merge_moves_votes_without_double_counting(store):
    keep, dup = suggest(store, "Keep"), suggest(store, "Dup", tags="kiosk")
    for who in ("Ada", "Raj"):
        backlog.vote(store, person(store, who), keep)
    for who in ("Raj", "Mai", "Tom"):
        backlog.vote(store, person(store, who), dup)
    with store.transaction("x") as tx:
        tx.update("suggestions", dup, {"observations": [7]})
    survivor = backlog.merge(store, "Ada", dup, keep)
    assert sorted(survivor.votes) == sorted(
        person(store, n).id for n in ("Ada", "Raj", "Mai", "Tom")
    )
    assert (
        survivor.merged_from == [dup]
        and survivor.observations == [7]
        and survivor.tags == ["kiosk"]
    )
    gone = backlog.get(store, dup)
    assert (gone.status, gone.duplicate_of, gone.votes) == ("duplicate", keep, [])
    with pytest.raises(BacklogError, match="already a duplicate"):
        backlog.merge(store, "Ada", dup, keep)
    with pytest.raises(BacklogError, match="itself a duplicate"):
        backlog.merge(store, "Ada", suggest(store, "Third"), dup)
    with pytest.raises(BacklogError, match="into itself"):
        backlog.merge(store, "Ada", keep, keep)


def test_observations_carry_the_authors_side(store):
    with store.transaction("x") as tx:
        vid = tx.insert("visits", {"department_id": 1, "visitors": [1], "hosts": [3], "start": "2026-11-24T10:00+11:00",
                                   "end": "2026-11-24T12:00+11:00", "kind": "tour", "status": "completed"})  # fmt: skip
    notes.observe(store, person(store, "Ada"), vid, "Returns sorter jams [TODO]", "pain point")
    notes.observe(store, person(store, "Mai"), vid, "IT saw the 3pm rush", "workflow seen")
    found = notes.observations(store, vid)
    assert [(n.side, n.kind, n.text) for n in found] == [
        ("it", "pain point", "Returns sorter jams [TODO]"),
        ("library", "workflow seen", "IT saw the 3pm rush"),
    ]
    with pytest.raises(ValidationError, match="kind: must be one of"):
        notes.observe(store, person(store, "Ada"), vid, "x", "gossip")
    with pytest.raises(ValidationError, match="text"):
        notes.observe(store, person(store, "Ada"), vid, "   ")
    with pytest.raises(BacklogError, match="no visit #99"):
        notes.observe(store, person(store, "Ada"), 99, "x")
    # Only the author corrects a note; the audit keeps the old text.
    first = found[0].id
    with pytest.raises(BacklogError, match="only its author can change it"):
        notes.edit_observation(store, person(store, "Mai"), first, text="mine")
    with pytest.raises(ValidationError, match="kind: must be one of"):
        notes.edit_observation(store, person(store, "Ada"), first, kind="gossip")
    with pytest.raises(BacklogError, match="no note #99"):
        notes.edit_observation(store, person(store, "Ada"), 99, text="x")
    notes.edit_observation(store, person(store, "Ada"), first, text=" Sorter jams daily ")
    assert [n.text for n in notes.observations(store, vid)][0] == "Sorter jams daily"
    (change,) = [
        e for e in store.all("audit") if e["entity"] == "observations" and e["field"] == "text"
    ]
    assert (change["old"], change["new"]) == ("Returns sorter jams [TODO]", "Sorter jams daily")
    kid = notes.give_kudos(
        store, person(store, "Mai"), person(store, "Ada"), "Stayed late", visit_id=vid
    )
    assert store.get("kudos", kid)["to_id"] == person(store, "Ada").id
    with pytest.raises(BacklogError, match="someone else"):
        notes.give_kudos(store, person(store, "Mai"), person(store, "Mai"), "me")


def test_filter_and_sort(store):
    a = suggest(store, "Kiosk printers", impact="high", urgency="high", tags="kiosk, printing")
    b = suggest(
        store,
        "Wi-Fi in [Reading] room",
        who="Ada",
        direction="it-to-library",
        department="Circulation",
    )
    c = suggest(store, "Label printer", impact="low", urgency="low")
    backlog.set_status(store, "Ada", c, "declined", reason="no budget")
    backlog.vote(store, person(store, "Raj"), b)
    rows = backlog.rows(store)
    ids = lambda f: [r.id for r in backlog.sort(backlog.apply(rows, f))]  # noqa: E731
    assert ids(backlog.Filter()) == [a, b, c]
    assert ids(backlog.Filter(text="PRINT")) == [a, c]
    assert ids(backlog.Filter(status="open")) == [a, b]
    assert ids(backlog.Filter(status="declined")) == [c]
    assert ids(backlog.Filter(priority=1)) == [a]
    assert ids(backlog.Filter(direction="it-to-library")) == [b]
    assert ids(backlog.Filter(department="circulation")) == [b]
    assert ids(backlog.Filter(tag="kiosk")) == [a]
    assert ids(backlog.Filter(author="ada")) == [b]
    assert ids(backlog.Filter(text="[reading]")) == [b]
    assert [r.id for r in backlog.sort(rows, "votes")][0] == b
    assert backlog.Filter(status="open", priority=2).describe() == "status open, P2"
    # Without clocks or search text (a caller that neither filters nor sorts by them):
    # the same rows, those two fields left empty.
    lean = backlog.rows(store, sla=False, search=False)
    assert [r.sla for r in lean] == ["none"] * 3 and [r.text for r in lean] == [""] * 3
    strip = lambda r: (r.id, r.title, r.priority, r.votes, r.department, r.author)  # noqa: E731
    assert [strip(r) for r in lean] == [strip(r) for r in rows]
    assert {r.sla for r in rows} != {"none"} and all(r.text for r in rows)
    # ``keep``: each row's document and Suggestion, for a caller that presents the rows
    # (list suggestions --json) without building them again; the JSON is the same.
    kept: dict = {}
    backlog.rows(store, sla=False, search=False, keep=kept)
    assert sorted(kept) == sorted([a, b, c])
    people = {p["id"]: p["name"] for p in store.all("people")}
    depts = {d["id"]: d["name"] for d in store.all("departments")}
    for doc, built in kept.values():
        assert built == Suggestion.from_doc(doc) and doc == store.get("suggestions", doc["id"])
        assert suggestion_json(doc, people, depts, built=built) == suggestion_json(
            doc, people, depts
        )


def test_steps_back_are_corrections_with_a_reason_and_closed_ones_do_not_merge(store):
    sid = suggest(store)
    backlog.set_status(store, "Ada", sid, "accepted")
    with pytest.raises(BacklogError, match="is a correction: give the reason"):
        backlog.set_status(store, "Ada", sid, "under review")
    s = backlog.set_status(store, "Ada", sid, "under review", "accepted by mistake")
    assert (s.status, s.reason) == ("under review", "accepted by mistake")
    done = suggest(store, "Done already")
    for status in ("accepted", "done"):
        backlog.set_status(store, "Ada", done, status)
    with pytest.raises(BacklogError, match="is done, which is closed.*can become in progress"):
        backlog.merge(store, "Ada", done, sid)
    with pytest.raises(BacklogError, match="correction"):
        backlog.set_status(store, "Ada", done, "in progress")


def test_history_names_votes_people_and_records(store):
    from shadow.core import history

    keep, dup = suggest(store, "Keep"), suggest(store, "Dup")
    backlog.vote(store, person(store, "Raj"), dup)
    backlog.merge(store, "Ada", dup, keep)
    names = history.Names(store)
    lines = [history.change(names, e) for e in store.audit("suggestions", dup)]
    assert "votes: no votes -> 1 vote (Raj)" in lines
    assert "votes: 1 vote (Raj) -> no votes" in lines  # moved by the merge, not "6 -> none"
    assert f"duplicate of: none -> suggestion #{keep} (Keep)" in lines
    keep_lines = [history.change(names, e) for e in store.audit("suggestions", keep)]
    assert f"merged from: none -> suggestion #{dup} (Dup)" in keep_lines
    entry = {"entity": "actions", "entity_id": 1, "field": "owner_id", "old": person(store, "Ada").id,
             "new": person(store, "Raj").id}  # fmt: skip
    assert history.change(names, entry) == "owner: Ada -> Raj"
    assert history.change(names, entry | {"new": 999}) == "owner: Ada -> person #999"


@pytest.mark.parametrize(
    "title, description, dept, author, tags",
    [
        ("Kiosk  queue", "Slow\tat\nnine", "Circulation", "Ada Lovelace", ["kiosk", "Queue"]),
        ("Siobhán's café", "e\u0301 then \u0301accent", "Référence", "José García", ["été"]),
        ("", "   ", "", "", []),
        ("ǅ ﬁle", "non\u00a0breaking", "Dept\u2003wide", "Ŀ", ["", " x "]),
    ],
)
def test_a_rows_search_text_is_the_key_of_its_parts_joined(title, description, dept, author, tags):
    """Each part keyed on its own (names once for every row they are in) gives the key of
    the parts joined by spaces, as the row's search text always was."""
    whole = directory.search_key(" ".join((title, description, dept, author, *tags)))
    keys = directory.search_key(dept), directory.search_key(author)
    parts = backlog._search_text(title, description, tags, *keys)
    assert parts == whole


def test_rows_with_pending_states_and_the_states_worked_out_later(store):
    """``pending=True``: each row says its service level is not worked out yet (not
    "none", a real state); ``sla_states`` then gives what ``rows`` would have, by id."""
    from shadow.core.dates import now as _now

    a = suggest(store, "Kiosk printers", impact="high", urgency="high")
    b = suggest(store, "Label printer", impact="low", urgency="low")
    backlog.set_status(store, "Ada", b, "declined", reason="no budget")
    c = suggest(store, "Merge me")
    backlog.merge(store, "Ada", c, a)
    now = _now()
    full = backlog.rows(store, now)
    later = backlog.rows(store, now, sla=False, pending=True)
    assert [r.sla for r in later] == [backlog.PENDING] * 3
    assert backlog.PENDING not in backlog._SLA_ORDER  # distinct from every real state
    states = backlog.sla_states(store, store.stored("suggestions"), now)
    assert states == {r.id: r.sla for r in full} and states[c] == "none"
    assert {states[a], states[b]} <= {"running", "met", "breached", "at risk"}
    for r in later:
        r.sla = states[r.id]
    assert later == full
    # (sla=True works them out at once; pending changes nothing then)
    assert backlog.rows(store, now, pending=True) == full
    assert [r.sla for r in backlog.rows(store, now, sla=False)] == ["none"] * 3


@pytest.mark.parametrize(
    ("fields", "p"),
    [
        ({}, 3),
        ({"impact": "high", "urgency": "high"}, 1),
        ({"impact": "medium", "urgency": "medium", "risks": ["financial"]}, 2),
        ({"impact": "high", "urgency": "high", "risks": ["it"], "impact_override": "low"}, 3),
        ({"impact": "low", "urgency": "low", "risks": [], "impact_override": None}, 5),
    ],
)
def test_a_row_read_off_the_stored_record_matches_the_suggestion_built_from_it(store, fields, p):
    """A row is read off the stored dict with the dataclass's defaults for what it lacks:
    the same priority and impact as ``priority``/``effective_impact`` of the Suggestion."""
    sid = suggest(store, "Lean", impact="low", urgency="low", tags="x", risks="financial")
    doc = dict(store.get("suggestions", sid))
    for key in ("impact", "urgency", "risks", "impact_override", "tags", "votes", "status"):
        doc.pop(key)
    doc.update(fields)
    s = Suggestion.from_doc(doc)
    store._rows("suggestions")[str(sid)] = {k: v for k, v in doc.items() if k != "id"}
    (row,) = backlog.rows(store, ids=[sid], sla=False)
    assert (row.priority, row.impact) == (backlog.priority(s), backlog.effective_impact(s))
    assert row.priority == p
    assert (row.urgency, row.status, row.votes, row.tags) == (s.urgency, s.status, 0, ())
