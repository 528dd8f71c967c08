"""The directory: typed input, unique names, lookups, identity, CSV import, integrity check."""

import pytest

from shadow.core import config, directory
from shadow.core.directory import DirectoryError
from shadow.core.models import Department, Person, ValidationError
from shadow.core.sample import DEMO_ACTOR, load_sample, record_count
from shadow.core.store import Store


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "db.json")


def add_dept(store, name="Circulation", **values):
    dept = directory.department_from_input(store, {"name": name} | values)
    return directory.save_department(store, "tester", dept)


def add_person(store, name, side="library", **values):
    person = directory.person_from_input(store, {"name": name, "side": side} | values)
    return directory.save_person(store, "tester", person)


def test_person_input_resolves_department_and_keys_errors_by_field(store):
    did = add_dept(store)
    person = directory.person_from_input(
        store, {"name": "  Mai   Tran ", "side": "Library", "department": "circulation"}
    )
    assert (person.name, person.side, person.department_id) == ("Mai Tran", "library", did)
    with pytest.raises(ValidationError) as info:
        directory.person_from_input(
            store, {"name": "", "side": "library", "department": "Nowhere", "email": "x"}
        )
    assert set(info.value.errors) == {"name", "department", "email"}
    assert "no department named 'Nowhere'" in info.value.errors["department"]


def test_it_person_with_unknown_department_gets_a_team(store):
    person = directory.person_from_input(
        store, {"name": "Raj", "side": "it", "department": "Service Desk"}
    )
    assert person.department_id is None and person.team == "Service Desk"


def test_names_are_unique_ignoring_case_and_spaces(store):
    add_person(store, "Mai Tran")
    with pytest.raises(ValidationError, match="already exists"):
        add_person(store, "mai  tran")
    add_dept(store)
    with pytest.raises(ValidationError, match="already exists"):
        add_dept(store, "CIRCULATION")


def test_edit_keeps_id_and_audits(store):
    pid = add_person(store, "Mai Tran")
    base = directory.find_person(store, "mai tran")
    person = directory.person_from_input(store, {"role": "Cataloguer"}, base)
    assert directory.save_person(store, "Boss", person) == pid
    assert store.get("people", pid)["role"] == "Cataloguer"
    assert store.audit("people", pid)[-1]["field"] == "role"


def test_hosts_must_be_library_staff(store):
    add_person(store, "Raj", side="it")
    add_person(store, "Mai")
    with pytest.raises(ValidationError, match="hosts are library staff"):
        directory.department_from_input(store, {"name": "Reference", "hosts": "Raj"})
    dept = directory.department_from_input(store, {"name": "Reference", "hosts": "mai, #2"})
    assert dept.hosts == [2]


def test_find_by_id_or_name(store):
    pid = add_person(store, "Mai")
    assert directory.find_person(store, str(pid)).name == "Mai"
    assert directory.find_person(store, f"#{pid}").name == "Mai"
    with pytest.raises(DirectoryError, match="no person named 'Zed'"):
        directory.find_person(store, "Zed")


def test_deactivate_keeps_the_record(store):
    pid = add_person(store, "Mai")
    directory.set_active(store, "tester", Person, pid, False)
    assert store.get("people", pid)["active"] is False
    assert [p.name for p in directory.people(store, active_only=True)] == []
    assert [p.name for p in directory.people(store)] == ["Mai"]


def test_identity_precedence(store, monkeypatch):
    add_person(store, "Mai")
    bob = add_person(store, "Bob")
    assert directory.resolve_actor(store) is None
    with pytest.raises(DirectoryError, match="who is acting"):
        directory.actor_name(store, None)
    config.remember_identity(store.path, bob)
    assert directory.resolve_actor(store).name == "Bob"
    monkeypatch.setenv("SHADOW_USER", "mai")
    assert directory.resolve_actor(store).name == "Mai"
    assert directory.resolve_actor(store, "Bob").name == "Bob"
    with pytest.raises(DirectoryError, match="cannot act as 'Nobody'"):
        directory.resolve_actor(store, "Nobody")


def test_first_person_needs_no_identity(store):
    assert directory.actor_name(store, None) == directory.SETUP_ACTOR


def write(tmp_path, text, name="in.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_people_csv(store, tmp_path):
    add_dept(store)
    path = write(
        tmp_path,
        "Name,Side,Role,Department,Email\n"
        "Mai Tran,library,Cataloguer,Circulation,mai@example.org\n"
        '"[red]x, [TODO]",it,Developer,,\n\n',
    )
    progress = []
    count = directory.import_csv(
        store, "tester", "people", path, lambda d, t: progress.append((d, t))
    )
    assert count == 2
    assert progress[0] == (0, 2) and progress[-1] == (2, 2)
    assert {p.name for p in directory.people(store)} == {"Mai Tran", "[red]x, [TODO]"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,side\nMai,library\nRaj,robot\n", "line 3, side: must be 'it' or 'library'"),
        ("name,side,email\nMai,library,bad\n", "line 2, email: is not an email address"),
        ("name,side\nMai,library\nmai,it\n", "line 3, name: a person named 'mai' already exists"),
        ("name,side,shoe size\nMai,library,9\n", "line 1: unknown column 'shoe size'"),
        ("name,role\nMai,x\n", "line 1: missing column 'side'"),
        ("name,side\nMai,library,extra\n", "line 2: 3 cells where the header has 2"),
        ("", "the file is empty"),
    ],
)
def test_import_is_all_or_nothing(store, tmp_path, text, message):
    path = write(tmp_path, text)
    before = record_count(store)
    with pytest.raises(DirectoryError) as info:
        directory.import_csv(store, "tester", "people", path)
    assert message in str(info.value)
    assert record_count(store) == before == 0


def test_import_departments_and_bad_files(store, tmp_path):
    path = write(
        tmp_path, 'name,branch,hours,capacity\nReference,Central,"Mon-Fri 09:00-17:00",3\n'
    )
    assert directory.import_csv(store, "tester", "departments", path) == 1
    assert directory.departments(store)[0].capacity == 3
    bad = write(tmp_path, "name,hours\nKids,Mon 25-26\n", "bad.csv")
    with pytest.raises(DirectoryError, match="line 2, hours: cannot read '25-26'"):
        directory.import_csv(store, "tester", "departments", bad)
    (tmp_path / "latin1.csv").write_bytes("name,side\nJos\xe9,it\n".encode("latin-1"))
    with pytest.raises(DirectoryError, match="not UTF-8"):
        directory.import_csv(store, "tester", "people", tmp_path / "latin1.csv")
    with pytest.raises(DirectoryError, match="no such file"):
        directory.import_csv(store, "tester", "people", tmp_path / "missing.csv")


def test_check_finds_broken_references_and_duplicates(store):
    pid = add_person(store, "Mai")
    did = add_dept(store, hosts="Mai")
    assert directory.check(store) == []
    with store.transaction("vandal") as tx:
        tx.delete("people", pid)
        tx.insert("departments", Department(name="circulation").to_doc())
        tx.insert("people", {"name": "Odd", "side": "martian", "active": True})
    problems = [str(p) for p in directory.check(store)]
    assert f"departments #{did}: hosts points at missing people #{pid}" in problems
    assert any("duplicate name 'circulation'" in p for p in problems)
    assert any("side: must be one of" in p for p in problems)


def test_check_lists_missing_references_record_by_record(store):
    """Each record's problems in table order and field order, whether the reference points
    back (a table read before it), at its own table or forward (read after it)."""
    pid = add_person(store, "Mai")
    with store.transaction("vandal") as tx:
        v1 = tx.insert("visits", {"department_id": 90, "series_id": 91, "hosts": [pid, 92]})
        v2 = tx.insert("visits", {"department_id": None, "visitors": [93], "programme_id": 94})
        s1 = tx.insert("suggestions", {"visit_id": v1, "author_id": 95, "duplicate_of": 96,
                                       "observations": [97], "merged_from": [98]})  # fmt: skip
        a1 = tx.insert("actions", {"owner_id": pid, "suggestion_id": 99, "visit_id": 100})
        k1 = tx.insert("kudos", {"to_id": 101, "from_id": pid, "observation_id": 102})
    missing = [str(p) for p in directory.check(store) if "points at missing" in str(p)]
    assert missing == [
        f"visits #{v1}: department_id points at missing departments #90",
        f"visits #{v1}: hosts points at missing people #92",
        f"visits #{v1}: series_id points at missing visits #91",
        f"visits #{v2}: visitors points at missing people #93",
        f"visits #{v2}: programme_id points at missing programmes #94",
        f"suggestions #{s1}: author_id points at missing people #95",
        f"suggestions #{s1}: duplicate_of points at missing suggestions #96",
        f"suggestions #{s1}: observations points at missing observations #97",
        f"suggestions #{s1}: merged_from points at missing suggestions #98",
        f"actions #{a1}: suggestion_id points at missing suggestions #99",
        f"actions #{a1}: visit_id points at missing visits #100",
        f"kudos #{k1}: to_id points at missing people #101",
        f"kudos #{k1}: observation_id points at missing observations #102",
    ]


def test_sample_programme_loads_clean(store):
    counts = load_sample(store, "demo")
    assert counts["departments"] >= 8 and counts["people"] >= 15
    names = {d.name for d in directory.departments(store)}
    assert {"Systems", "Circulation", "Reference", "Technical Services", "Administration"} <= names
    sides = {p.side for p in directory.people(store)}
    assert sides == {"it", "library"}
    assert all(d.hosts and d.hours for d in directory.departments(store))
    assert directory.find_person(store, DEMO_ACTOR).side == "library"
    assert directory.check(store) == []
    # the programme: visits around today on both sides of it, notes from both sides, a backlog
    assert counts["visits"] >= 10 and counts["observations"] >= 8 and counts["suggestions"] >= 8
    statuses = {d["status"] for d in store.all("visits")}
    assert {"completed", "confirmed", "requested", "cancelled", "no-show"} <= statuses
    assert {d["side"] for d in store.all("observations")} == {"it", "library"}
    assert len({d["status"] for d in store.all("suggestions")}) >= 5
    from shadow.core import schedule

    for doc in store.all("visits"):
        visit = schedule.Visit.from_doc(doc)
        hard = [c.message for c in schedule.check(store, visit, ignore={visit.id}) if c.hard]
        assert hard == [], (visit.id, hard)
    with pytest.raises(DirectoryError, match="--force"):
        load_sample(store, "demo")
    load_sample(store, "demo", force=True)
    assert len(directory.people(store)) == counts["people"]
    # the counts `shadow demo` prints are what was loaded, the two-way part included
    for table in ("visits", "observations", "suggestions", "actions", "kudos", "surveys"):
        assert counts[table] == store.count(table), table
    assert store.backups()


def test_names_are_found_the_way_people_type_them(store):
    pid = add_person(store, "Siobhán Ó Briain")
    did = add_dept(store, "Área Infantil")
    assert directory.find_person(store, "siobhan o briain").id == pid
    assert directory.find_person(store, "SIOBHÁN  Ó BRIAIN").id == pid
    assert directory.find_department(store, "area infantil").id == did
    assert directory.resolve_actor(store, "siobhan o briain").id == pid
    assert directory.matches("siob", "Siobhán Ó Briain")
    assert directory.matches("", "anything") and not directory.matches("zed", "Siobhán")
    assert directory.starts_with("Siobhán", "SIOBHA")
    # an exact spelling still wins over an accent-free twin
    twin = add_person(store, "Siobhan O Briain")
    assert directory.find_person(store, "Siobhan O Briain").id == twin
    assert directory.find_person(store, "Siobhán Ó Briain").id == pid


def test_backlog_filter_ignores_accents(store):
    from shadow.core import backlog

    row = backlog.Row(1, "Impresora", 3, "medium", "medium", "library-to-it", "Área Infantil",
                      "new", 0, "", "José", (), text=directory.search_key("Impresora rota"))  # fmt: skip
    assert backlog.apply([row], backlog.Filter(department="area infantil", author="jose")) == [row]
    assert backlog.apply([row], backlog.Filter(text="IMPRESORA")) == [row]


def test_import_reports_every_bad_line_at_once_and_reads_semicolons(store, tmp_path):
    add_dept(store, "Circulation")
    path = write(
        tmp_path,
        "name;side;email;department\n"
        "Mai Tran;library;mai@example.org;Circulation\n"
        "Raj;robot;raj@example.org;\n"
        "Lin;it;not-an-email;Nowhere\n"
        "mai tran;it;;\n"
        "Extra;it;;;;\n",
    )
    with pytest.raises(directory.ImportProblems) as info:
        directory.import_csv(store, "tester", "people", path)
    problems = info.value.problems
    assert problems[0].startswith("line 3, side:")
    assert any(p.startswith("line 4, email:") for p in problems)
    assert "line 5, name: a person named 'mai tran' already exists" in problems
    assert "line 6: 6 cells where the header has 4" in problems
    assert "nothing imported, 4 problems" in str(info.value) and "\n" not in str(info.value)
    assert directory.people(store) == []
    good = write(tmp_path, "name;side;department\nMai Tran;library;Circulation\n", "good.csv")
    assert directory.import_csv(store, "tester", "people", good) == 1
    depts = write(tmp_path, 'name;hours\nKids;"Mon-Fri 9-5; Sat 10am-2pm"\n', "depts.csv")
    assert directory.import_csv(store, "tester", "departments", depts) == 1
    kids = directory.find_department(store, "kids")
    assert kids.hours["fri"] == [["09:00", "17:00"]] and kids.hours["sat"] == [["10:00", "14:00"]]
