"""The sample programme behind ``shadow demo`` and ``shadow --demo``.

It lives in ``data/sample.json`` (shipped as ``shadow.data``) as names, not ids,
and is loaded through the same directory rules as typed input.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from .directory import DirectoryError, department_from_input, person_from_input
from .models import MODELS, Department, Person
from .store import Store

# The liaison of the sample library: who `shadow --demo` acts as.
DEMO_ACTOR = "Siobhán O'Connell"


def sample_data() -> dict[str, Any]:
    return json.loads(resources.files("shadow.data").joinpath("sample.json").read_text("utf-8"))


def record_count(store: Store) -> int:
    return sum(store.count(table) for table in MODELS if table != "audit")


def load_sample(store: Store, actor: str, *, force: bool = False) -> dict[str, int]:
    """Load the sample into the database, in one transaction. Returns counts by table.

    A database that already holds records is refused unless ``force``; then
    its programme records are replaced (a backup is taken first).
    """
    existing = record_count(store)
    if existing and not force:
        raise DirectoryError(
            f"{store.path} already holds {existing} records; "
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
            person_ids[person.name] = tx.insert(Person.TABLE, person.to_doc(), summary=person.name)
        for raw in data["departments"]:
            hosts = [person_ids[h] for h in raw.get("hosts", [])]
            tx.update(Department.TABLE, dept_ids[raw["name"]], {"hosts": hosts})
    return {"departments": len(dept_ids), "people": len(person_ids)}
