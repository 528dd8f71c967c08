"""The sample programme behind ``shadow demo`` and ``shadow --demo``.

It lives in ``data/sample.json`` (shipped as ``shadow.data``) as names, not ids,
and is loaded through the same directory rules as typed input.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import Any

from . import dates, outbox, pulse, schedule
from .access import guarded
from .directory import DirectoryError, department_from_input, person_from_input
from .models import (
    DAYS,
    MODELS,
    SURVEY_DIMENSIONS,
    Action,
    Department,
    Kudos,
    Observation,
    Person,
    Programme,
    Suggestion,
    Survey,
    Visit,
    parse_hours,
)
from .plain import count
from .store import Store

# The liaison of the sample library: who `shadow --demo` acts as.
DEMO_ACTOR = "Siobhán O'Connell"


def sample_data() -> dict[str, Any]:
    from ..data import read_text

    return json.loads(read_text("sample.json")) | {
        "twoway": json.loads(read_text("sample_twoway.json"))
    }


def record_count(store: Store) -> int:
    return sum(store.count(table) for table in MODELS if table != "audit")


@guarded("settings")
def load_sample(store: Store, actor: str, *, force: bool = False) -> dict[str, int]:
    """Load the sample into the database, in one transaction. Returns counts by table.

    A database that already holds records is refused unless ``force``; then
    its programme records are replaced (a backup is taken first).
    """
    existing = record_count(store)
    if existing and not force:
        raise DirectoryError(
            f"{store.path} already holds {count(existing, 'record')}; "
            "use --force to replace them with the sample (a backup is taken first)"
        )
    data = sample_data()
    if existing:
        store.backup(reason="before-demo")
    with store.transaction(actor) as tx:
        for table in MODELS:
            if table == "audit":
                continue
            for doc in store.all(table):
                tx.delete(table, doc["id"])
        # Departments first (without hosts), then people, then hosts: they refer both ways.
        dept_ids: dict[str, int] = {}
        for raw in data["departments"]:
            values = {k: raw.get(k) for k in ("name", "branch", "capacity", "hours", "notes")}
            values["closed"] = raw.get("closed_dates", [])
            dept = department_from_input(store, values)
            dept_ids[dept.name] = tx.insert(Department.TABLE, dept.to_doc(), summary=dept.name)
        person_ids: dict[str, int] = {}
        for raw in data["people"]:
            person = person_from_input(
                store,
                {k: raw.get(k) or "" for k in ("name", "side", "role", "team", "email")}
                | {"active": raw.get("active", True)},
            )
            person.department_id = dept_ids.get(raw.get("department") or "")
            # Staff have been here a while, except the newcomers the onboarding goal is about.
            joined = dates.now() - timedelta(days=raw.get("joined_days_ago", 400))
            person_ids[person.name] = tx.insert(
                Person.TABLE, person.to_doc(), summary=person.name, created=dates.to_iso(joined)
            )
        for raw in data["departments"]:
            hosts = [person_ids[h] for h in raw.get("hosts", [])]
            tx.update(Department.TABLE, dept_ids[raw["name"]], {"hosts": hosts})
        pulse.load_sample(tx, store, dept_ids, dates.now().date())  # links, anonymous answers
        counts = _load_programme(store, tx, data, dept_ids, person_ids)
        if data.get("twoway"):
            counts |= _load_twoway(tx, data["twoway"], dept_ids, person_ids)
    outbox.sample_messages(store, replace=bool(existing))
    # What is there now, every table being new: the two-way part adds visits, notes,
    # suggestions and kudos that the programme's own counts do not include.
    loaded = {t: store.count(t) for t in LOADED_TABLES}
    return {"departments": len(dept_ids), "people": len(person_ids)} | counts | loaded


LOADED_TABLES = (
    Programme.TABLE,
    Visit.TABLE,
    Observation.TABLE,
    Suggestion.TABLE,
    Action.TABLE,
    Kudos.TABLE,
    Survey.TABLE,
)


def _load_programme(store, tx, data, dept_ids, person_ids) -> dict[str, int]:
    """Visits, notes, suggestions and kudos, dated relative to today so the demo is always current."""
    today = dates.now()
    monday = today.date() - timedelta(days=today.weekday())
    prog_ids = _load_programmes(tx, data, person_ids, monday)
    visit_ids, visit_starts, visit_ends = _load_visits(
        tx, data, dept_ids, person_ids, prog_ids, today, monday
    )
    _load_observations(tx, data, visit_ids, visit_ends, person_ids)
    _load_suggestions(tx, data, dept_ids, person_ids, visit_ids, today)
    _load_kudos(tx, data, visit_ids, visit_ends, person_ids)
    _load_feedback(tx, data, visit_ids, visit_ends, person_ids)
    suggestion_ids = [op[2] for op in tx.ops if op[0] == "put" and op[1] == Suggestion.TABLE]
    _load_actions(tx, data, suggestion_ids, person_ids, today)
    _load_waits(tx, data, suggestion_ids, today)
    _load_surveys(tx, data, dept_ids, person_ids, visit_ids, visit_starts, visit_ends, today)
    return {
        "waits": len(data.get("waits", [])),
        "surveys": len(data.get("surveys", [])),
        "actions": len(data.get("actions", [])),
        "programmes": len(prog_ids),
        "visits": len(visit_ids),
        "observations": len(data.get("observations", [])),
        "suggestions": len(data.get("suggestions", [])),
        "kudos": len(data.get("kudos", [])),
        "feedback": len(data.get("feedback", [])),
    }


def _load_programmes(tx, data, person_ids, monday) -> list[int]:
    """The sample's programmes, running from six weeks ago to twenty weeks ahead."""
    prog_ids = []
    for raw in data.get("programmes", []):
        prog = Programme(
            goals=raw.get("goals", []),
            name=raw["name"],
            description=raw.get("description", ""),
            coordinator_id=person_ids.get(raw.get("coordinator", "")),
            start=(monday - timedelta(weeks=6)).isoformat(),
            end=(monday + timedelta(weeks=20)).isoformat(),
        )
        prog.validate()
        prog_ids.append(tx.insert(Programme.TABLE, prog.to_doc(), summary=prog.name))
    return prog_ids


def _load_visits(tx, data, dept_ids, person_ids, prog_ids, today, monday):
    """The visits, placed in weeks around this one; returns their ids, starts and ends."""
    zone = today.tzinfo
    visit_ids: list[int] = []
    visit_ends: list[datetime] = []
    visit_starts: list[datetime] = []
    for raw in data.get("visits", []):
        day = monday + timedelta(weeks=raw["week"], days=DAYS.index(raw["day"]))
        start = datetime.combine(day, time.fromisoformat(raw["time"]), zone)
        end = start + dates.parse_duration(raw["duration"])
        dept = dept_ids[raw["department"]]
        visit = Visit(
            department_id=dept,
            visitors=[person_ids[n] for n in raw["visitors"]],
            hosts=[person_ids[n] for n in raw["hosts"]],
            start=dates.to_iso(start),
            end=dates.to_iso(end),
            kind=raw["kind"],
            purpose=raw.get("purpose", ""),
            status=raw["status"],
            # The pilot tours of last year came before the programme.
            programme_id=prog_ids[0] if prog_ids and not raw.get("before_programme") else None,
            timezone=dates.zone_name(),
            rrule=schedule.parse_repeat(raw["repeat"], start) if raw.get("repeat") else "",
        )
        visit.validate()
        booked = min(start, today) - timedelta(days=7)
        visit_ids.append(
            tx.insert(
                Visit.TABLE,
                visit.to_doc(),
                summary=f"visit to {raw['department']}",
                created=booked.isoformat(),
            )
        )
        visit_ends.append(end)
        visit_starts.append(start)
    return visit_ids, visit_starts, visit_ends


def _load_observations(tx, data, visit_ids, visit_ends, person_ids) -> None:
    """Notes written after each visit, a few minutes apart."""
    for n, raw in enumerate(data.get("observations", [])):
        author = person_ids[raw["author"]]
        side = next(p["side"] for p in data["people"] if p["name"] == raw["author"])
        at = visit_ends[raw["visit"]] + timedelta(minutes=20 + 7 * n)
        obs = Observation(
            visit_id=visit_ids[raw["visit"]], author_id=author, side=side, kind=raw["kind"],
            text=raw["text"], at=dates.to_iso(at),
        )  # fmt: skip
        obs.validate()
        tx.insert(Observation.TABLE, obs.to_doc(), summary="note", created=obs.at)


def _load_suggestions(tx, data, dept_ids, person_ids, visit_ids, today) -> None:
    """Suggestions of various ages, triaged and closed as their status says."""
    for raw in data.get("suggestions", []):
        created = today - timedelta(days=raw["age_days"], hours=3)
        visit_index = raw.get("visit")
        dept_name = raw.get("department") or (
            data["visits"][visit_index]["department"] if visit_index is not None else None
        )
        author_side = next(p["side"] for p in data["people"] if p["name"] == raw["author"])
        s = Suggestion(
            title=raw["title"],
            description=raw.get("description", ""),
            direction="it-to-library" if author_side == "it" else "library-to-it",
            visit_id=visit_ids[visit_index] if visit_index is not None else None,
            department_id=dept_ids.get(dept_name) if dept_name else None,
            impact=raw["impact"],
            urgency=raw["urgency"],
            risks=raw.get("risks", []),
            tags=raw.get("tags", []),
            author_id=person_ids[raw["author"]],
            status=raw["status"],
            reason=raw.get("reason", ""),
            votes=[person_ids[v] for v in raw.get("votes", [])],
            triaged=dates.to_iso(created + timedelta(days=1, hours=2))
            if raw["status"] != "new"
            else None,
            closed=dates.to_iso(created + timedelta(days=3))
            if raw["status"] in ("done", "declined")
            else None,
        )
        s.validate()
        tx.insert(Suggestion.TABLE, s.to_doc(), summary=s.title, created=dates.to_iso(created))


def _load_kudos(tx, data, visit_ids, visit_ends, person_ids) -> None:
    """Kudos given two hours after the visit they thank for."""
    for raw in data.get("kudos", []):
        k = Kudos(
            to_id=person_ids[raw["to"]],
            from_id=person_ids[raw["from"]],
            text=raw["text"],
            visit_id=visit_ids[raw["visit"]] if raw.get("visit") is not None else None,
        )
        k.validate()
        tx.insert(
            Kudos.TABLE,
            k.to_doc(),
            summary="kudos",
            created=dates.to_iso(visit_ends[raw["visit"]] + timedelta(hours=2)),
        )


def _load_actions(tx, data, suggestion_ids, person_ids, today) -> None:
    """Actions taken on suggestions, due relative to today."""
    for raw in data.get("actions", []):
        action = Action(
            title=raw["title"],
            owner_id=person_ids[raw["owner"]],
            due=(today.date() + timedelta(days=raw["due_days"])).isoformat(),
            status=raw["status"],
            suggestion_id=suggestion_ids[raw["suggestion"]],
            notes=raw.get("notes", ""),
            done_at=dates.to_iso(today + timedelta(days=raw["done_days"]))
            if raw.get("done_days")
            else None,
        )
        action.validate()
        tx.insert(
            Action.TABLE,
            action.to_doc(),
            summary=action.title,
            created=dates.to_iso(today - timedelta(days=10)),
        )


def _load_surveys(
    tx, data, dept_ids, person_ids, visit_ids, visit_starts, visit_ends, today
) -> None:
    """Service surveys answered before or after a visit (never in the future)."""
    for raw in data.get("surveys", []):
        visit_index = raw["visit"]
        if "days_before" in raw:
            when = visit_starts[visit_index] - timedelta(days=raw["days_before"])
        else:
            when = visit_ends[visit_index] + timedelta(days=raw["days_after"])
        survey = Survey(
            department_id=dept_ids[raw["department"]],
            respondent_id=person_ids[raw["respondent"]],
            phase=raw["phase"],
            visit_id=visit_ids[visit_index],
            expectation=dict(zip(SURVEY_DIMENSIONS, raw["expect"], strict=True)),
            perception=dict(zip(SURVEY_DIMENSIONS, raw["perceive"], strict=True)),
            answered=dates.to_iso(min(when, today)),
        )
        survey.validate()
        tx.insert(Survey.TABLE, survey.to_doc(), summary="survey", created=survey.answered)


def _load_feedback(tx, data, visit_ids, visit_ends, person_ids) -> None:
    """Ratings of held visits from both sides, given the day after each visit."""
    from .models import Feedback

    sides = {p["name"]: p["side"] for p in data["people"]}
    for raw in data.get("feedback", []):
        fb = Feedback(
            visit_id=visit_ids[raw["visit"]],
            author_id=person_ids[raw["author"]],
            side=sides[raw["author"]],
            rating=raw["rating"],
            again=raw.get("again"),
            learned=raw.get("learned", ""),
            at=dates.to_iso(visit_ends[raw["visit"]] + timedelta(days=1)),
        )
        fb.validate()
        tx.insert(Feedback.TABLE, fb.to_doc(), summary="rating", created=fb.at)


def _load_waits(tx, data, suggestion_ids, today) -> None:
    """Whose turn it is in the sample (waits on each side), and its service calendar settings."""
    from .models import Wait

    action_ids = [op[2] for op in tx.ops if op[0] == "put" and op[1] == Action.TABLE]
    for raw in data.get("waits", []):
        record = "suggestions" if "suggestion" in raw else "actions"
        ids = suggestion_ids if record == "suggestions" else action_ids
        ended = raw.get("ended_days_ago")
        w = Wait(
            record=record,
            record_id=ids[raw["suggestion" if record == "suggestions" else "action"]],
            on=raw["on"],
            note=raw.get("note", ""),
            start=dates.to_iso(today - timedelta(days=raw["days_ago"])),
            end=dates.to_iso(today - timedelta(days=ended)) if ended is not None else None,
        )
        w.validate()
        tx.insert(Wait.TABLE, w.to_doc(), summary=f"waits on {w.on}", created=w.start)
    for key, value in data.get("settings", {}).items():
        tx.set_setting(key, value)


def _load_twoway(tx, data, dept_ids, person_ids) -> dict[str, int]:
    """The other direction (``data/sample_twoway.json``): IT teams that library staff visit,
    a liaison for every department (one due to rotate), visits, notes, a suggestion done and
    kudos both ways, and two secondments (one signed off, one running this week)."""
    today = dates.now()
    monday = today.date() - timedelta(days=today.weekday())
    programme_ids = _load_it_teams(tx, data, dept_ids, person_ids, today)
    visit_ids, visit_ends = _load_twoway_visits(
        tx, data, dept_ids, person_ids, programme_ids, today, monday
    )
    sides = {
        name: Person.from_doc(tx.get(Person.TABLE, pid)).side for name, pid in person_ids.items()
    }
    _load_twoway_notes(tx, data, dept_ids, person_ids, sides, visit_ids, visit_ends, today)
    _load_secondments(tx, data, dept_ids, person_ids, today, monday)
    return {"it teams": len(data["it_teams"]), "secondments": len(data["secondments"])}


def _load_it_teams(tx, data, dept_ids, person_ids, today) -> list[int]:
    """IT teams to visit, a liaison for every department, and the programmes' goals for
    them; returns the programme ids."""
    for raw in data["it_teams"]:
        dept = Department(
            name=raw["name"], branch=raw["branch"], capacity=raw["capacity"], side="it",
            hours=parse_hours(raw["hours"]), notes=raw["notes"],
            hosts=[person_ids[h] for h in raw["hosts"]],
        )  # fmt: skip
        dept.validate()
        dept_ids[dept.name] = tx.insert(Department.TABLE, dept.to_doc(), summary=dept.name)
    for raw in data["liaisons"]:
        since = today.date() - timedelta(days=raw["days_ago"])
        tx.update(
            Department.TABLE,
            dept_ids[raw["department"]],
            {"liaison_id": person_ids[raw["liaison"]], "liaison_since": since.isoformat()},
        )
    programme_ids = sorted({op[2] for op in tx.ops if op[0] == "put" and op[1] == Programme.TABLE})
    for pid in programme_ids:  # the programme asks for visits to IT teams too
        goals = (tx.get(Programme.TABLE, pid) or {}).get("goals") or []
        tx.update(Programme.TABLE, pid, {"goals": [*goals, *data["goals"]]})
    return programme_ids


def _load_twoway_visits(tx, data, dept_ids, person_ids, programme_ids, today, monday):
    """Visits in both directions; returns their ids and ends."""
    zone = today.tzinfo
    visit_ids, visit_ends = [], []
    for raw in data["visits"]:
        day = monday + timedelta(weeks=raw["week"], days=DAYS.index(raw["day"]))
        start = datetime.combine(day, time.fromisoformat(raw["time"]), zone)
        end = start + dates.parse_duration(raw["duration"])
        visit = Visit(
            department_id=dept_ids[raw["department"]],
            visitors=[person_ids[n] for n in raw["visitors"]],
            hosts=[person_ids[n] for n in raw["hosts"]],
            start=dates.to_iso(start), end=dates.to_iso(end), kind=raw["kind"],
            purpose=raw["purpose"], status=raw["status"],
            programme_id=programme_ids[0] if programme_ids else None, timezone=dates.zone_name(),
        )  # fmt: skip
        visit.validate()
        booked = min(start, today) - timedelta(days=7)
        visit_ids.append(
            tx.insert(Visit.TABLE, visit.to_doc(), summary=f"visit to {raw['department']}",
                      created=booked.isoformat())
        )  # fmt: skip
        visit_ends.append(end)
    return visit_ids, visit_ends


def _load_twoway_notes(tx, data, dept_ids, person_ids, sides, visit_ids, visit_ends, today):
    """Notes, suggestions (with their actions) and kudos from both sides."""
    for n, raw in enumerate(data["observations"]):
        at = visit_ends[raw["visit"]] + timedelta(minutes=25 + 9 * n)
        obs = Observation(
            visit_id=visit_ids[raw["visit"]], author_id=person_ids[raw["author"]],
            side=sides[raw["author"]], kind=raw["kind"], text=raw["text"], at=dates.to_iso(at),
        )  # fmt: skip
        obs.validate()
        tx.insert(Observation.TABLE, obs.to_doc(), summary="note", created=obs.at)
    for raw in data["suggestions"]:
        created = today - timedelta(days=raw["age_days"], hours=2)
        done = raw["status"] == "done"
        s = Suggestion(
            title=raw["title"], description=raw["description"],
            direction="it-to-library" if sides[raw["author"]] == "it" else "library-to-it",
            visit_id=visit_ids[raw["visit"]], department_id=dept_ids[raw["department"]],
            impact=raw["impact"], urgency=raw["urgency"], author_id=person_ids[raw["author"]],
            status=raw["status"], triaged=dates.to_iso(created + timedelta(days=1)),
            closed=dates.to_iso(created + timedelta(days=6)) if done else None,
        )  # fmt: skip
        s.validate()
        sid = tx.insert(
            Suggestion.TABLE, s.to_doc(), summary=s.title, created=dates.to_iso(created)
        )
        if raw.get("action"):
            act = raw["action"]
            action = Action(
                title=act["title"], owner_id=person_ids[act["owner"]], status=act["status"],
                suggestion_id=sid, due=(created + timedelta(days=7)).date().isoformat(),
                done_at=dates.to_iso(created + timedelta(days=6)) if act["status"] == "done" else None,
            )  # fmt: skip
            action.validate()
            tx.insert(Action.TABLE, action.to_doc(), summary=action.title, created=s.triaged)
    for raw in data["kudos"]:
        k = Kudos(
            to_id=person_ids[raw["to"]], from_id=person_ids[raw["from"]], text=raw["text"],
            visit_id=visit_ids[raw["visit"]],
        )  # fmt: skip
        k.validate()
        when = dates.to_iso(visit_ends[raw["visit"]] + timedelta(hours=3))
        tx.insert(Kudos.TABLE, k.to_doc(), summary="kudos", created=when)


def _load_secondments(tx, data, dept_ids, person_ids, today, monday) -> None:
    """Two secondments: one signed off, one running this week with its daily log."""
    from .models import Secondment

    zone = today.tzinfo
    for raw in data["secondments"]:
        first = monday + timedelta(weeks=raw["start_week"])
        last = first + timedelta(days=raw["days"] - 1)
        log = []
        for n, line in enumerate(raw["log"]):
            day = first + timedelta(days=n)
            if day > today.date():
                break
            at = datetime.combine(day, time(16, 30), zone)
            log.append({"day": day.isoformat(), "text": line, "at": dates.to_iso(at)})
        record = Secondment(
            person_id=person_ids[raw["person"]], department_id=dept_ids[raw["department"]],
            host_id=person_ids[raw["host"]], start=first.isoformat(), end=last.isoformat(),
            goals=raw["goals"], log=log,
        )  # fmt: skip
        if raw.get("sign_off") and last < today.date():
            record.signed_off = dates.to_iso(
                datetime.combine(last + timedelta(days=3), time(9, 0), zone)
            )
            record.sign_off_comment = raw["sign_off"]
        record.validate()
        tx.insert(Secondment.TABLE, record.to_doc(), summary=f"secondment to {raw['department']}")
