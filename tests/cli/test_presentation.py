"""Pins what each record looks like to scripts: the JSON fields of people, departments
and suggestions, the suggestion CSV columns, and the table cells the TUI shows. They all
come from core/records.py; these tests keep them exactly as they were."""

import csv
import io
import json
from datetime import UTC, datetime

from shadow.cli import main
from shadow.core import backlog, records
from shadow.core.store import Store

PERSON_FIELDS = ["id", "name", "side", "role", "department", "department_id", "team", "email",
                 "active", "version"]  # fmt: skip
DEPARTMENT_FIELDS = ["id", "name", "branch", "capacity", "hours", "opening_hours", "hosts",
                     "host_ids", "notes", "closed_dates", "active", "side", "direction", "liaison",
                     "liaison_since", "version"]  # fmt: skip
SUGGESTION_FIELDS = ["id", "title", "description", "priority", "priority_reason", "impact",
                     "effective_impact", "impact_override", "urgency", "risks", "status", "reason",
                     "votes", "voters", "direction", "department", "visit_id", "tags", "author",
                     "duplicate_of", "merged_from", "observations", "created", "version"]  # fmt: skip
SUGGESTION_CSV = ["id", "title", "priority", "impact", "urgency", "risks", "status", "votes",
                  "direction", "department", "author", "tags", "created", "description"]  # fmt: skip


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def make(capsys, db):
    run(capsys, "--db", db, "person", "add", "Ada Lee", "--side", "it", "--team", "Service Desk")
    run(capsys, "--db", db, "--as", "Ada Lee", "department", "add", "Circulation", "--hours",
        "Mon-Fri 09:00-17:00", "--capacity", "3", "--branch", "Central")  # fmt: skip
    run(capsys, "--db", db, "--as", "Ada Lee", "person", "add", "Mai", "--side", "library",
        "--department", "Circulation", "--role", "Technician")  # fmt: skip
    run(capsys, "--db", db, "--as", "Ada Lee", "department", "edit", "circulation", "--host", "Mai")
    run(capsys, "--db", db, "--as", "Mai", "suggest", "--title", "Slow kiosks", "--impact",
        "high", "--urgency", "medium", "--risk", "reputation", "--department", "Circulation",
        "--tag", "kiosk", "--tag", "speed")  # fmt: skip


def test_json_fields_are_pinned(capsys, tmp_path):
    db = str(tmp_path / "db.json")
    make(capsys, db)
    people = json.loads(run(capsys, "--db", db, "list", "people", "--json"))
    assert [list(p) for p in people] == [PERSON_FIELDS, PERSON_FIELDS]
    assert people[1] | {"id": 0} == {
        "id": 0, "name": "Mai", "side": "library", "role": "Technician",
        "department": "Circulation", "department_id": 1, "team": "", "email": "", "active": True,
        "version": 1,
    }  # fmt: skip
    (dept,) = json.loads(run(capsys, "--db", db, "list", "departments", "--json"))
    assert list(dept) == DEPARTMENT_FIELDS and dept["hosts"] == ["Mai"]
    assert dept["version"] == 2  # added, then given a host
    (s,) = json.loads(run(capsys, "--db", db, "list", "suggestions", "--json"))
    assert list(s) == SUGGESTION_FIELDS
    assert (s["priority"], s["effective_impact"], s["author"], s["department"], s["tags"]) == (
        2, "high", "Mai", "Circulation", ["kiosk", "speed"]
    )  # fmt: skip
    shown = json.loads(run(capsys, "--db", db, "suggestion", "show", "1", "--json"))
    # show adds the service-level clocks and waits (issue 16) and the history
    assert list(shown) == [*SUGGESTION_FIELDS, "clocks", "waits", "history"]
    assert {k: v for k, v in shown.items() if k not in ("clocks", "waits", "history")} == s


def test_csv_columns_and_table_cells_are_pinned(capsys, tmp_path):
    db = str(tmp_path / "db.json")
    make(capsys, db)
    rows = list(csv.reader(io.StringIO(run(capsys, "--db", db, "export", "csv", "suggestions"))))
    assert rows[0] == SUGGESTION_CSV == list(records.SUGGESTION_CSV_COLUMNS)
    assert rows[1][:5] == ["1", "Slow kiosks", "P2", "high", "medium"]
    assert rows[1][9:11] == ["Circulation", "Mai"]
    table = run(capsys, "--db", db, "list", "people").splitlines()
    assert table[0].split() == ["id", "name", "side", "role", "department/team", "email", "active"]
    assert "Ada Lee  IT" in table[2] and "Service Desk" in table[2]
    store = Store(db)
    (row,) = backlog.rows(store)
    created = datetime.fromisoformat(row.created)
    cells = records.backlog_cells(row, created.astimezone(UTC).replace(year=created.year + 1))
    assert cells == ("1", "P2", "Slow kiosks", "library → IT", "Circulation", "new", "0",
                     f"{cells[7]}", "Mai", cells[9])  # fmt: skip
    assert cells[7].endswith("d") and int(cells[7][:-1]) >= 365
    assert cells[9] in ("breached", "ok", "at risk", "–")
