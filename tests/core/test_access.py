"""Accounts, password hashes and the role rule on every write path of the core."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from datetime import date, timedelta

import pytest

import shadow.core
from shadow.core import access, actions, directory, notes, sample, schedule
from shadow.core.access import AccessDenied, AccountError
from shadow.core.models import Action, UserError
from shadow.core.store import Store
from tests.dbfiles import COORD, STAFF, VIEWER

NOBODY = "Mei Tanaka"  # in the directory, without an account

# What each kind of change should allow, written out here independently of access.RULES,
# so a change to the rule shows up as a failing test.
EXPECTED = {
    "directory": {"coordinator"},
    "bookings": {"coordinator"},
    "booking_request": {"coordinator", "staff"},
    "triage": {"coordinator"},
    "settings": {"coordinator"},
    "users": {"coordinator"},
    "notes": {"coordinator", "staff"},
    "suggestions": {"coordinator", "staff"},
    "votes": {"coordinator", "staff"},
    "surveys": {"coordinator", "staff"},
    "kudos": {"coordinator", "staff"},
    "feedback": {"coordinator", "staff"},
    "actions": {"coordinator", "staff"},
    "outbox": {"coordinator"},
    "waits": {"coordinator", "staff"},
    "preferences": {"coordinator", "staff", "viewer"},
    "feeds": {"coordinator", "staff", "viewer"},
    "pulse": {"coordinator"},
}

# Core functions that write without the decorator, and why.
CHECKS_ITSELF = {
    "access.set_password": "anyone may change their own password; others need 'users'",
    "access.record_signin": "the server's own record of a sign-in attempt, made before anyone is signed in",
    "outbox.sweep": "the programme's own clock: any running app queues the reminders that are due",
    "outbox.sample_messages": "only called by sample.load, which is guarded",
    "pulse.answer": "an anonymous answer: the department's secret pulse link is the permission",
    "versions.save_changed": "the saving step of guarded edits (actions.update, backlog.update)",
}


@pytest.fixture
def store(accounts_db):
    with Store(accounts_db) as opened:
        yield opened


def write_functions():
    """Every public function in shadow.core.* whose body opens a store transaction (or
    saves through ``versions.save_changed``, which opens it)."""
    found = []
    for info in pkgutil.iter_modules(shadow.core.__path__):
        module = importlib.import_module(f"shadow.core.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            source = inspect.getsource(inspect.unwrap(fn))
            if ".transaction(" in source or "versions.save_changed(" in source:
                found.append((f"{info.name}.{name}", fn))
    return sorted(found, key=lambda item: item[0])


WRITERS = write_functions()


def test_discovery_finds_the_write_paths_we_know_of():
    names = {name for name, _ in WRITERS}
    assert {
        "schedule.book",
        "notes.observe",
        "directory.save_person",
        "access.add_account",
        "actions.update",
        "backlog.update",
    } <= names
    assert len(names) >= 25


@pytest.mark.parametrize(("name", "fn"), WRITERS, ids=[n for n, _ in WRITERS])
def test_every_core_write_function_is_guarded(name, fn):
    if name in CHECKS_ITSELF:
        assert not hasattr(fn, "access_action")
        return
    assert getattr(fn, "access_action", None) in EXPECTED, f"{name} writes without a role check"


GUARDED = [(n, f) for n, f in WRITERS if n not in CHECKS_ITSELF]


def _call(fn, store, actor):
    """Call a write function with only store and actor meaningful: the check runs first."""
    params = list(inspect.signature(inspect.unwrap(fn)).parameters.values())
    args = {}
    for p in params:
        if p.name == "store":
            args[p.name] = store
        elif p.name == "actor":
            args[p.name] = actor
        elif p.default is inspect.Parameter.empty:
            args[p.name] = None
    return fn(**args)


@pytest.mark.parametrize(("name", "fn"), GUARDED, ids=[n for n, _ in GUARDED])
@pytest.mark.parametrize("role", ["coordinator", "staff", "viewer", None])
def test_roles_on_every_write_path(store, name, fn, role):
    actor = {"coordinator": COORD, "staff": STAFF, "viewer": VIEWER, None: NOBODY}[role]
    before = store.count("audit")
    allowed = role in EXPECTED[fn.access_action]
    if allowed:
        try:
            _call(fn, store, actor)
        except AccessDenied as exc:  # pragma: no cover - the failure message
            pytest.fail(f"{role} refused {name}: {exc}")
        except (UserError, TypeError, AttributeError, ValueError, KeyError):
            pass  # the empty arguments fail after the check, as they should
    else:
        with pytest.raises(AccessDenied) as refused:
            _call(fn, store, actor)
        message = str(refused.value)
        assert actor in message
        assert ("no account" in message) if role is None else (role in message)
        assert store.count("audit") == before  # nothing was written


def test_person_object_as_actor_is_checked_too(store):
    viewer = directory.find_person(store, VIEWER)
    visit_id = store.all("visits")[0]["id"]
    with pytest.raises(AccessDenied, match="a viewer may not write notes"):
        notes.observe(store, viewer, visit_id, "seen")
    staff = directory.find_person(store, STAFF)
    assert notes.observe(store, staff, visit_id, "seen") > 0


def test_no_accounts_means_everyone_is_coordinator(tmp_path):
    with Store(tmp_path / "s.json") as store:
        sample.load_sample(store, directory.SETUP_ACTOR)
        assert access.role_of(store, VIEWER) == "coordinator"
        access.check(store, VIEWER, "directory")
        person = directory.find_person(store, VIEWER)
        directory.set_active(store, VIEWER, type(person), person.id, True)


def test_staff_may_change_only_their_own_actions(store):
    staff = directory.find_person(store, STAFF)
    other = directory.find_person(store, COORD)
    visit_id = store.all("visits")[0]["id"]
    mine = actions.add(store, COORD, Action(title="mine", owner_id=staff.id, visit_id=visit_id))
    theirs = actions.add(store, COORD, Action(title="theirs", owner_id=other.id, visit_id=visit_id))
    actions.set_status(store, STAFF, mine, "in progress")
    with pytest.raises(AccessDenied, match="only the actions they own"):
        actions.set_status(store, STAFF, theirs, "in progress")
    with pytest.raises(AccessDenied, match="only the actions they own"):
        actions.add(
            store, STAFF, Action(title="for someone else", owner_id=other.id, visit_id=visit_id)
        )
    assert store.get("actions", theirs)["status"] == "open"


def _next_tuesday_in_two_months() -> str:
    """A weekday well inside the booking window (visits may be booked up to 2 years ahead)."""
    day = date.today() + timedelta(days=60)
    day += timedelta(days=(1 - day.weekday()) % 7)
    return f"{day.isoformat()} 10:00"


def test_staff_may_request_but_not_confirm_a_booking(store):
    dept = directory.departments(store)[0]
    staff = directory.find_person(store, STAFF)
    values = {
        "department": dept.name,
        "visitors": staff.name,
        "when": _next_tuesday_in_two_months(),
        "duration": "1h",
    }
    booking = schedule.visit_from_input(store, values)
    assert booking.visit.status == "requested"
    visit_id = schedule.book(store, STAFF, booking, force=True, reason="test")
    assert store.get("visits", visit_id)["status"] == "requested"
    booking.visit.status = "confirmed"
    with pytest.raises(AccessDenied, match="only request visits"):
        schedule.book(store, STAFF, booking, force=True, reason="test")
    with pytest.raises(AccessDenied, match="may not book"):
        schedule.set_status(store, STAFF, store.all("visits")[0]["id"], "cancelled")


def test_passwords_are_salted_scrypt_hashes_never_in_the_audit_trail(store, tmp_path):
    one, two = access.hash_password("same password"), access.hash_password("same password")
    assert one != two and one.startswith("scrypt$16384$8$1$")
    assert access.verify_password("same password", one)
    assert not access.verify_password("same passworD", one)
    assert not access.verify_password("x", "not a hash")
    access.set_password(store, COORD, VIEWER, "a new viewer pw")
    access.set_password(store, STAFF, STAFF, "my own new pw")  # one's own: no coordinator needed
    with pytest.raises(AccessDenied):
        access.set_password(store, STAFF, VIEWER, "not yours to set")
    audit = json.dumps(store.audit(), ensure_ascii=False)
    assert "scrypt$" not in audit
    for password in ("a new viewer pw", "my own new pw", "coordinator-pw", "staff-password"):
        assert password not in audit
        assert password not in (tmp_path / "shadow.json.journal").read_text("utf-8")
    assert access.authenticate(store, VIEWER.upper(), "a new viewer pw").role == "viewer"
    assert access.authenticate(store, VIEWER, "viewer-password") is None
    assert access.authenticate(store, "Nobody At All", "whatever") is None


def test_account_rules(store):
    with pytest.raises(AccountError, match="no person called"):
        access.add_account(store, COORD, "Not A Person", "staff", "long enough")
    with pytest.raises(AccountError, match="already has an account"):
        access.add_account(store, COORD, STAFF, "staff", "long enough")
    with pytest.raises(AccountError, match="at least 8"):
        access.add_account(store, COORD, NOBODY, "staff", "short")
    with pytest.raises(AccountError, match="role must be one of"):
        access.add_account(store, COORD, NOBODY, "admin", "long enough")
    with pytest.raises(AccessDenied):
        access.add_account(store, STAFF, NOBODY, "staff", "long enough")
    with pytest.raises(AccountError, match="last coordinator"):
        access.remove_account(store, COORD, COORD)
    access.remove_account(store, COORD, VIEWER)
    assert [a.name for a in access.accounts(store)] == [STAFF, COORD]
    with pytest.raises(AccessDenied, match="no account"):
        notes.observe(store, directory.find_person(store, VIEWER), 1, "x")


def test_first_account_must_be_a_coordinator(tmp_path):
    with Store(tmp_path / "s.json") as store:
        sample.load_sample(store, directory.SETUP_ACTOR)
        with pytest.raises(AccountError, match="first account must be a coordinator"):
            access.add_account(store, STAFF, STAFF, "staff", "long enough")
        assert not access.has_accounts(store)


def test_signin_attempts_are_audited_without_the_password(store):
    access.record_signin(store, "Ben\x1b[31m", "10.0.0.7", False, "wrong name or password")
    entry = store.audit("signins")[-1]
    assert "10.0.0.7" in entry["new"] and "refused" in entry["new"]
    assert "\x1b" not in json.dumps(store.all("signins"))
