"""A small programme with fixed dates, for the visit and backlog tests and snapshots.

The sample's directory (people, departments) is kept; its visits, notes,
suggestions, kudos and actions (dated relative to today) are replaced by these.
"""

from __future__ import annotations

from datetime import datetime

from dateutil import tz

from shadow.core import directory
from shadow.core.models import (
    Action,
    Department,
    Kudos,
    Observation,
    Person,
    Secondment,
    Suggestion,
    Visit,
    Wait,
)
from shadow.core.store import Store
from shadow.tui.app import ShadowApp, create_app

LONDON = tz.gettz("Europe/London")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=LONDON)  # a Friday
HOSTILE = "[red]x [/] [TODO]"


def person(store: Store, name: str) -> Person:
    return directory.find_person(store, name)


def person_id(store: Store, name: str) -> int:
    return directory.find_person(store, name).id


def app_as(store: Store, name: str) -> ShadowApp:
    """The app on ``store`` acting as ``name``, its clock fixed at NOW."""
    return create_app(store, directory.find_person(store, name), clock=lambda: NOW)


def dept_id(store: Store, name: str) -> int:
    return directory.find_department(store, name).id


def add_visit(tx, created: str, **fields) -> int:
    """Insert a visit (in London's zone) as made at ``created``; returns its id."""
    visit = Visit(timezone="Europe/London", **fields)
    return tx.insert(Visit.TABLE, visit.to_doc(), created=created)


def build(store: Store) -> dict[str, int]:
    """Replace the sample's programme records with fixed ones. Returns ids by name."""
    ben, aisha = person_id(store, "Ben Kowalczyk"), person_id(store, "Aisha Rahman")
    marcus, amara = person_id(store, "Marcus Webb"), person_id(store, "Amara Okafor")
    hannah = person_id(store, "Hannah Lindqvist")
    chloe = person_id(store, "Chloe Martin")
    circulation, reference = dept_id(store, "Circulation"), dept_id(store, "Reference")
    ids: dict[str, int] = {}
    with store.transaction("test setup") as tx:
        # the sample's waits start from the real today: gone, so hours waited are fixed
        for table in (Action.TABLE, Kudos.TABLE, Suggestion.TABLE, Observation.TABLE, Visit.TABLE,
                      Secondment.TABLE, Wait.TABLE):  # fmt: skip
            for doc in store.all(table):
                tx.delete(table, doc["id"])
        for doc in store.all(Department.TABLE):  # liaisons since fixed dates: Circulation's is due
            if doc.get("liaison_id"):
                since = "2024-01-10" if doc["id"] == circulation else "2025-06-01"
                tx.update(Department.TABLE, doc["id"], {"liaison_since": since})
        ids["visit"] = add_visit(
            tx, "2026-10-01T09:00+01:00", department_id=circulation, visitors=[ben, aisha],
            hosts=[marcus], start="2026-10-20T14:00+01:00", end="2026-10-20T16:00+01:00",
            kind="tour", purpose="The 3pm school rush at the returns sorter and the kiosks.",
            status="completed",
        )  # fmt: skip
        ids["other_visit"] = add_visit(
            tx, "2026-11-01T09:00+00:00", department_id=reference, visitors=[chloe],
            hosts=[hannah], start="2026-11-24T10:00+00:00", end="2026-11-24T12:00+00:00",
            kind="shadowing", purpose="Catalogue searches at the desk.", status="confirmed",
        )  # fmt: skip
        notes = [
            ("ben_note", ben, "it", "pain point", "The returns sorter jammed three times in 40 minutes.", "2026-10-20T16:20+01:00"),
            ("aisha_note", aisha, "it", "system issue", "Kiosk 2 lost its receipt printer after a reboot; group policy could fix it.", "2026-10-20T16:27+01:00"),
            ("marcus_note", marcus, "library", "workflow seen", "They saw us juggle the sorter, the phones and the holds shelf.", "2026-10-20T16:34+01:00"),
            ("praise", marcus, "library", "praise", f"Aisha fixed kiosk 2 on the spot. {HOSTILE}", "2026-10-20T16:41+01:00"),
        ]  # fmt: skip
        for key, author, side, kind, text, at in notes:
            obs = Observation(
                visit_id=ids["visit"], author_id=author, side=side, kind=kind, text=text, at=at
            )
            obs.validate()
            ids[key] = tx.insert(Observation.TABLE, obs.to_doc(), created=at)
        suggestions = [
            ("sorter", "Service the returns sorter before term", ben, "it-to-library", ids["visit"], circulation, "high", "high", ["reputation"], ["circulation", "hardware"], "accepted", [marcus, amara], "2026-10-20T18:00+01:00"),
            ("kiosk", "Push the kiosk printer mapping from group policy", aisha, "it-to-library", ids["visit"], circulation, "medium", "medium", [], ["kiosk", "printing"], "new", [marcus], "2026-10-21T09:30+01:00"),
            ("search", "Home page search should search the catalogue", hannah, "library-to-it", None, reference, "medium", "high", [], ["web"], "under review", [amara, marcus, chloe], "2026-11-09T11:00+00:00"),
            ("printer", "Kiosk receipt printers need spare rolls", marcus, "library-to-it", None, circulation, "low", "low", [], ["kiosk"], "new", [], "2026-11-18T15:00+00:00"),
            ("done", "Label the sorter bins", amara, "library-to-it", None, circulation, "low", "medium", [], [], "done", [ben], "2026-10-22T10:00+01:00"),
            ("hostile", HOSTILE, chloe, "it-to-library", None, reference, "medium", "low", ["financial"], ["odd"], "new", [], "2026-11-16T08:00+00:00"),
        ]  # fmt: skip
        for (key, title, author, direction, visit_id, dept, impact, urgency, risks, tags,
             status, votes, created) in suggestions:  # fmt: skip
            s = Suggestion(
                title=title,
                description=f"About: {title}.",
                direction=direction,
                visit_id=visit_id,
                department_id=dept,
                impact=impact,
                urgency=urgency,
                risks=risks,
                tags=tags,
                author_id=author,
                status=status,
                votes=votes,
                triaged="2026-11-19T10:00+00:00" if status != "new" else None,
                closed="2026-11-19T10:00+00:00" if status == "done" else None,
            )
            s.validate()
            ids[key] = tx.insert(Suggestion.TABLE, s.to_doc(), summary=title, created=created)
        kudos = Kudos(
            to_id=aisha, from_id=marcus, text="Fixed kiosk 2 on the spot.", visit_id=ids["visit"]
        )
        ids["kudos"] = tx.insert(Kudos.TABLE, kudos.to_doc(), created="2026-10-20T18:00+01:00")
    return ids
