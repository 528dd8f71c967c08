"""Validation of the domain models and the opening-hours grammar."""

import pytest

from shadow.core.models import (
    IT_ROLES,
    MODELS,
    Action,
    AuditEntry,
    Department,
    Person,
    Suggestion,
    Survey,
    ValidationError,
    Visit,
    format_hours,
    parse_hours,
)


def errors_of(model) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        model.validate()
    return info.value.errors


def test_every_domain_model_is_registered():
    assert set(MODELS) == {
        "people", "departments", "programmes", "visits", "observations",
        "suggestions", "actions", "kudos", "feedback", "surveys", "audit", "waits", "clock_starts",
        "secondments",
    }  # fmt: skip


def test_it_roles_come_from_the_source_paper():
    for role in ("Help desk level 1", "Help desk level 2", "Help desk level 3",
                 "Network administrator", "Database administrator", "Developer",
                 "Information security", "Web developer", "Telecommunications",
                 "Testing and quality assurance", "Project manager"):  # fmt: skip
        assert role in IT_ROLES


def test_person_valid_and_round_trip():
    person = Person(name="Ada [red]x", side="it", role="Developer", email="ada@example.org")
    person.validate()
    again = Person.from_doc(person.to_doc() | {"unknown_future_field": 1})
    assert again == person


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"name": ""}, "name", "required"),
        ({"name": "   "}, "name", "required"),
        ({"name": "a\x1bb"}, "name", "control character"),
        ({"name": "x" * 500}, "name", "too long"),
        ({"side": "both"}, "side", "must be one of"),
        ({"email": "nope"}, "email", "not an email"),
        ({"department_id": 0}, "department_id", "record id"),
        ({"active": "yes"}, "active", "true or false"),
    ],
)
def test_person_rejects_bad_fields(changes, field, words):
    person = Person(name="Ada", side="it")
    for key, value in changes.items():
        setattr(person, key, value)
    assert words in errors_of(person)[field]


def test_all_errors_reported_together():
    errs = errors_of(Person(name="", side="x", email="bad"))
    assert set(errs) == {"name", "side", "email"}


def test_department_checks_capacity_hours_dates():
    dept = Department(name="Circulation", capacity=0, closed_dates=["2026-13-01"])
    errs = errors_of(dept)
    assert "capacity" in errs and "closed_dates" in errs
    Department(name="Circulation", hours=parse_hours("Mon-Fri 09:00-17:00")).validate()


def test_hours_grammar_round_trips():
    text = "Mon-Fri 08:30-12:00; Mon-Fri 13:00-17:00; Sat 10:00-14:00"
    hours = parse_hours(text)
    assert hours["wed"] == [["08:30", "12:00"], ["13:00", "17:00"]]
    assert "sun" not in hours
    assert parse_hours(format_hours(hours)) == hours
    assert parse_hours("monday-tuesday 9:00-17:00")["tue"] == [["09:00", "17:00"]]
    assert parse_hours("") == {}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Mon-Fri 25-26", "times are HH:MM"),
        ("Mon 13pm-2pm", "am/pm times run from 1 to 12"),
        ("Funday 09:00-10:00", "days are"),
        ("Fri-Mon 09:00-17:00", "backwards"),
        ("Mon 17:00-09:00", "after opening"),
        ("Mon 09:00-12:00; Mon 11:00-13:00", "overlaps"),
        ("whenever", "expected e.g."),
    ],
)
def test_hours_grammar_errors_say_what_was_expected(text, words):
    with pytest.raises(ValueError, match=words):
        parse_hours(text)


def test_visit_needs_people_and_an_aware_time_range():
    errs = errors_of(Visit(department_id=1, start="2026-11-24T10:00", end="2026-11-24T09:00"))
    assert set(errs) >= {"visitors", "hosts", "start", "end"}
    errs = errors_of(
        Visit(
            department_id=1,
            visitors=[1],
            hosts=[2],
            start="2026-11-24T10:00+10:00",
            end="2026-11-24T09:00+10:00",
        )  # fmt: skip
    )
    assert errs == {"end": "must be after the start"}


def test_suggestion_and_action_rules():
    errs = errors_of(
        Suggestion(title="x", author_id=1, direction="library-to-it", status="declined")
    )
    assert "reason" in errs
    errs = errors_of(
        Suggestion(
            title="x", author_id=1, direction="it-to-library", status="duplicate", risks=["weather"]
        )
    )
    assert set(errs) == {"duplicate_of", "risks"}
    errs = errors_of(Action(title="fix", owner_id=1))
    assert "suggestion_id" in errs
    errs = errors_of(Action(title="fix", owner_id=1, visit_id=3, status="dropped"))
    assert "reason" in errs


def test_survey_scores_are_one_to_five_on_every_dimension():
    dims = ("plain language", "listening", "understanding of our work", "follow-through")
    good = dict.fromkeys(dims, 3)
    Survey(department_id=1, respondent_id=1, expectation=good, perception=good,
           answered="2026-11-22T10:00:00+00:00").validate()  # fmt: skip
    errs = errors_of(
        Survey(
            department_id=1,
            respondent_id=1,
            expectation=good | {"listening": 6},
            perception={},
            answered="2026-11-22T10:00:00+00:00",
        )  # fmt: skip
    )
    assert set(errs) == {"expectation", "perception"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mon-Fri 9-5", {"mon": [["09:00", "17:00"]], "fri": [["09:00", "17:00"]]}),
        ("9am-5pm", {"mon": [["09:00", "17:00"]], "fri": [["09:00", "17:00"]]}),
        ("Mon-Fri 08:30-17:00", {"wed": [["08:30", "17:00"]]}),
        ("Monday to Friday 9:00–17:00", {"tue": [["09:00", "17:00"]]}),
        ("weekdays 9-5; Sat 10-2; Sun closed", {"sat": [["10:00", "14:00"]]}),
        ("Mon 1-5pm", {"mon": [["13:00", "17:00"]]}),
        ("Mon 9-5pm", {"mon": [["09:00", "17:00"]]}),
        ("Mon 8.30am - 4.30pm", {"mon": [["08:30", "16:30"]]}),
        ("Sat 10am to noon", {"sat": [["10:00", "12:00"]]}),
    ],
)
def test_hours_as_people_write_them(text, expected):
    hours = parse_hours(text)
    for day, spans in expected.items():
        assert hours[day] == spans
    assert "sun" not in hours
    assert parse_hours(format_hours(hours)) == hours


GOOD_ENTRY = {"id": 1, "ts": "2026-01-05T10:00:00+00:00", "actor": "Ann", "entity": "visits",
              "entity_id": 3, "field": "status", "old": "booked", "new": "completed"}  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [
        {"ts": "2026-01-05T10:00:00"},  # no offset
        {"ts": "yesterday"},
        {"ts": ""},
        {"ts": None},
        {"entity_id": 0},
        {"entity_id": True},
        {"entity_id": "3"},
        {"entity_id": None},
        {"ts": 5, "entity_id": -1},
    ],
)
def test_an_audit_entry_like_a_valid_one_is_still_checked_in_full(change):
    """check's quick path (actor, entity and field already found valid together) refuses
    exactly what the full validation refuses, with the same words."""
    seen: set = set()
    AuditEntry.validate_doc(GOOD_ENTRY, seen)
    assert seen == {("Ann", "visits", "status")}
    AuditEntry.validate_doc(GOOD_ENTRY | {"id": 2, "ts": "2026-01-06T09:00:00+01:00"}, seen)
    bad = GOOD_ENTRY | {"id": 3} | change
    with pytest.raises(ValidationError) as quick:
        AuditEntry.validate_doc(bad, seen)
    assert quick.value.errors == errors_of(AuditEntry.from_doc(bad))


@pytest.mark.parametrize(
    "change", [{"actor": ""}, {"actor": " "}, {"field": "a\x07b"}, {"entity": ["visits"]}]
)
def test_an_audit_entry_with_bad_names_is_refused_and_not_remembered(change):
    seen: set = set()
    bad = GOOD_ENTRY | change
    with pytest.raises(ValidationError) as quick:
        AuditEntry.validate_doc(bad, seen)
    assert quick.value.errors == errors_of(AuditEntry.from_doc(bad))
    assert seen == set()
