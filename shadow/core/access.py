"""Who may do what: accounts, passwords and the role rule, checked on every write path.

Roles
    ``coordinator``: everything (directory, bookings, triage, settings, users).
    ``staff``: their own notes, suggestions, votes, survey answers, kudos, the
    actions they own, and booking *requests* (a visit saved as ``requested``).
    ``viewer``: reads only.

The rule applies once a database has at least one account. With no accounts (the
single-user desktop) everyone acts as a coordinator, exactly as before. With
accounts, a person without one may read but change nothing.

Every core function that writes is wrapped in :func:`guarded`, which calls
:func:`check` before the function runs, so the TUI, the CLI (``--as NAME`` on a
shared file) and the served app obey the same rule; a refusal is an
:class:`AccessDenied` (a ``UserError``) whose message says why. On the CLI the
rule keeps honest people from mistakes; the served app is where identity is
proven (by the password).

Passwords are kept only as salted ``hashlib.scrypt`` hashes with their
parameters (``scrypt$n$r$p$salt$hash``). Accounts live in the ``accounts`` table;
a password change replaces the record in one transaction, so the audit trail
records "password changed" and never a hash.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .models import Person, UserError
from .store import Store

ACCOUNTS = "accounts"
SIGNINS = "signins"
ROLES = ("coordinator", "staff", "viewer")

# What each role may do. An action is a kind of change; ``guarded`` names one.
RULES: dict[str, frozenset[str]] = {
    "directory": frozenset({"coordinator"}),
    "bookings": frozenset({"coordinator"}),
    "booking_request": frozenset({"coordinator", "staff"}),
    "triage": frozenset({"coordinator"}),
    "settings": frozenset({"coordinator"}),
    "users": frozenset({"coordinator"}),
    "notes": frozenset({"coordinator", "staff"}),
    "suggestions": frozenset({"coordinator", "staff"}),
    "votes": frozenset({"coordinator", "staff"}),
    "surveys": frozenset({"coordinator", "staff"}),
    "kudos": frozenset({"coordinator", "staff"}),
    "feedback": frozenset({"coordinator", "staff"}),
    "actions": frozenset({"coordinator", "staff"}),
    "outbox": frozenset({"coordinator"}),
    "waits": frozenset({"coordinator", "staff"}),
    "preferences": frozenset(ROLES),
    "feeds": frozenset(ROLES),
    "pulse": frozenset({"coordinator"}),
    "read": frozenset(ROLES),
}

# How each action is described in a refusal ("... may not <this>").
WHAT = {
    "directory": "change the directory",
    "bookings": "book, move or change visits",
    "booking_request": "request visits",
    "triage": "triage suggestions",
    "settings": "change the programme's settings",
    "users": "manage accounts",
    "notes": "write notes",
    "suggestions": "raise suggestions",
    "votes": "vote",
    "surveys": "answer surveys",
    "kudos": "give kudos",
    "feedback": "rate visits",
    "actions": "change actions",
    "outbox": "retry or drop messages",
    "waits": "mark what is waiting on whom",
    "preferences": "choose what mail they receive",
    "feeds": "manage calendar feeds",
    "pulse": "manage perception pulse links",
    "read": "read",
}

# scrypt cost: 2**14 x 8 is the interactive-login setting (16 MiB, tens of ms).
SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_LEN = 1 << 14, 8, 1, 32
PASSWORD_MIN = 8


class AccessDenied(UserError):
    """The acting person's role does not allow this change; the message says why."""


class AccountError(UserError):
    """A problem with an account request (unknown person, weak password, ...)."""


@dataclass(frozen=True)
class Account:
    person_id: int
    name: str
    role: str


# ------------------------------------------------------------------ passwords
# base64, hashlib (OpenSSL), hmac and secrets are imported where a password is hashed or
# checked, not by every command that imports this module (~10 ms of each CLI write).
def _b64(raw: bytes) -> str:
    import base64

    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` for ``password`` with a fresh random salt."""
    import hashlib
    import secrets

    salt = salt if salt is not None else secrets.token_bytes(16)
    key = hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=64 * 1024 * 1024,
        dklen=KEY_LEN,
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored`` (compared in constant time)."""
    import base64
    import hashlib
    import hmac

    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        got = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=64 * 1024 * 1024,
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


@functools.cache
def _dummy() -> str:
    """A hash nobody's password matches, so that an unknown name costs as much as a known
    one (made at the first sign-in, not at import: every CLI command imports this)."""
    import secrets

    return hash_password(secrets.token_urlsafe(16))


def check_password_strength(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise AccountError(f"a password needs at least {PASSWORD_MIN} characters")
    if password.strip() != password or any(ord(c) < 32 for c in password):
        raise AccountError("a password may not start or end with spaces or hold control characters")


# ------------------------------------------------------------------ the rule
def role_of(store: Store, actor: str | Person | None) -> str | None:
    """The acting person's role: coordinator when there are no accounts; None: no account."""
    if not has_accounts(store):
        return "coordinator"
    if actor is None:
        return None
    name = actor.name if isinstance(actor, Person) else str(actor)
    account = account_for(store, name)
    return None if account is None else account.role


def _id_of(record: Any) -> int | None:
    if isinstance(record, int):
        return record
    if (
        isinstance(record, str)
        and record.strip().lstrip("#").isascii()
        and record.strip().lstrip("#").isdigit()
    ):
        return int(record.strip().lstrip("#"))
    return None


def _owns(store: Store, action: str, record: Any, person_id: int | None) -> str | None:
    """For staff: why this record is not theirs to change, or None if it is."""
    if action == "actions" and record is not None:
        owner = getattr(record, "owner_id", None)
        if owner is None and (rid := _id_of(record)) is not None:
            doc = store.get("actions", rid)
            owner = doc.get("owner_id") if doc else None
        if owner != person_id:
            return "staff may change only the actions they own"
    if action == "preferences" and record is not None:
        if getattr(record, "id", _id_of(record)) != person_id:
            return "only a coordinator may choose what mail someone else receives"
    if action == "feeds" and record is not None:
        if getattr(record, "id", _id_of(record)) != person_id:
            return "only a coordinator may manage someone else's calendar feed"
    if action == "booking_request" and record is not None:
        visit = getattr(record, "visit", record)
        if getattr(visit, "status", "requested") != "requested":
            return "staff may only request visits (saved as requested)"
    return None


def check(store: Store, actor: str | Person | None, action: str, record: Any = None) -> None:
    """Raise :class:`AccessDenied` saying why unless ``actor`` may do ``action`` (to ``record``)."""
    if action not in RULES:
        raise ValueError(f"unknown access action {action!r}")
    role = role_of(store, actor)
    name = actor.name if isinstance(actor, Person) else str(actor or "nobody")
    if role is None:
        raise AccessDenied(
            f"{name} has no account on this database, so may read but not {WHAT[action]}"
            " (a coordinator can add one: shadow user add NAME --role ...)"
        )
    if role not in RULES[action]:
        who = "staff" if role == "staff" else f"a {role}"
        raise AccessDenied(f"{name} is {who}, and {who} may not {WHAT[action]}")
    if role != "coordinator":
        person = _person_doc(store, name)
        reason = _owns(store, action, record, person["id"] if person else None)
        if reason:
            raise AccessDenied(f"{name} is {'staff' if role == 'staff' else 'a ' + role}: {reason}")
    if action == "feedback" and record is not None:
        _authored(store, name, record)


def _authored(store: Store, name: str, record: Any) -> None:
    """A visit's rating is its author's to change, whatever anyone's role (a coordinator
    may not rewrite someone's rating either)."""
    author = getattr(record, "author_id", None)
    if author is None and (rid := _id_of(record)) is not None:
        doc = store.get("feedback", rid)
        author = doc.get("author_id") if doc else None
    person = _person_doc(store, name)
    if author is not None and (person is None or person["id"] != author):
        who = (store.get(Person.TABLE, author) or {}).get("name", "someone else")
        raise AccessDenied(f"this rating is {who}'s: only its author can change it")


F = TypeVar("F", bound=Callable[..., Any])


def guarded(action: str, record: str | None = None) -> Callable[[F], F]:
    """Check the role rule before a core write function runs.

    The function takes ``store`` and ``actor`` (a name or a Person); ``record``
    names the parameter whose value the rule looks at (whose action, which status).
    """
    if action not in RULES:
        raise ValueError(f"unknown access action {action!r}")

    def wrap(fn: F) -> F:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind_partial(*args, **kwargs)
            store = bound.arguments["store"]
            target = bound.arguments.get(record) if record else None
            check(store, bound.arguments.get("actor"), action, target)
            return fn(*args, **kwargs)

        inner.access_action = action  # type: ignore[attr-defined]
        return inner  # type: ignore[return-value]

    return wrap


# ------------------------------------------------------------------ accounts
def _person_doc(store: Store, name: str) -> dict[str, Any] | None:
    key = name.strip().casefold()
    for doc in store.all(Person.TABLE):
        if str(doc.get("name", "")).strip().casefold() == key:
            return doc
    return None


def _account_doc(store: Store, person_id: int) -> dict[str, Any] | None:
    found = store.find(ACCOUNTS, person_id=person_id)
    return found[0] if found else None


def has_accounts(store: Store) -> bool:
    return store.count(ACCOUNTS) > 0


def accounts(store: Store) -> list[Account]:
    """Every account, by name (names as the directory has them now)."""
    names = {d["id"]: d.get("name", "") for d in store.all(Person.TABLE)}
    found = [
        Account(d["person_id"], names.get(d["person_id"], f"#{d['person_id']}"), d["role"])
        for d in store.all(ACCOUNTS)
    ]
    return sorted(found, key=lambda a: a.name.casefold())


def account_for(store: Store, name: str) -> Account | None:
    """The account of the person called ``name`` (any case), or None."""
    person = _person_doc(store, name)
    if person is None:
        return None
    doc = _account_doc(store, person["id"])
    return None if doc is None else Account(person["id"], person["name"], doc["role"])


def authenticate(store: Store, name: str, password: str) -> Account | None:
    """The account if ``name`` has one, is active and ``password`` is right; else None."""
    person = _person_doc(store, name)
    doc = _account_doc(store, person["id"]) if person is not None else None
    if doc is None or person is None:
        verify_password(password, _dummy())  # the same cost either way
        return None
    if not verify_password(password, doc.get("password", "")):
        return None
    if not person.get("active", True):
        return None
    return Account(person["id"], person["name"], doc["role"])


def _need_person(store: Store, name: str) -> dict[str, Any]:
    person = _person_doc(store, name)
    if person is None:
        raise AccountError(f"no person called {name!r} in the directory (add them first)")
    return person


def _need_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)} (got {role!r})")


@guarded("users")
def add_account(store: Store, actor: str, name: str, role: str, password: str) -> Account:
    _need_role(role)
    person = _need_person(store, name)
    check_password_strength(password)
    if _account_doc(store, person["id"]) is not None:
        raise AccountError(f"{person['name']} already has an account (user passwd to change it)")
    if not has_accounts(store) and role != "coordinator":
        raise AccountError("the first account must be a coordinator's (they manage the others)")
    record = {"person_id": person["id"], "role": role, "password": hash_password(password)}
    with store.transaction(actor) as tx:
        tx.insert(ACCOUNTS, record, summary=f"account for {person['name']} ({role})")
    return Account(person["id"], person["name"], role)


def set_password(store: Store, actor: str, name: str, password: str) -> None:
    """A new password (coordinators for anyone; anyone for their own account)."""
    person = _need_person(store, name)
    check_password_strength(password)
    doc = _account_doc(store, person["id"])
    if doc is None:
        raise AccountError(f"{person['name']} has no account (user add first)")
    if actor.strip().casefold() != str(person["name"]).casefold():
        check(store, actor, "users")
    record = {"person_id": person["id"], "role": doc["role"], "password": hash_password(password)}
    # Replace the record rather than update it: an update audits old and new values,
    # and a hash has no place in the audit trail.
    with store.transaction(actor) as tx:
        tx.delete(ACCOUNTS, doc["id"])
        tx.insert(ACCOUNTS, record, summary=f"password changed for {person['name']}")


@guarded("users")
def remove_account(store: Store, actor: str, name: str) -> None:
    person = _need_person(store, name)
    doc = _account_doc(store, person["id"])
    if doc is None:
        raise AccountError(f"{person['name']} has no account")
    others = [d for d in store.all(ACCOUNTS) if d["id"] != doc["id"]]
    if (
        doc["role"] == "coordinator"
        and others
        and not any(d["role"] == "coordinator" for d in others)
    ):
        raise AccountError(
            f"{person['name']} holds the last coordinator account; add another coordinator first"
        )
    with store.transaction(actor) as tx:
        tx.delete(ACCOUNTS, doc["id"])


def record_signin(store: Store, name: str, address: str, ok: bool, reason: str = "") -> None:
    """Audit a sign-in attempt (the password is never recorded)."""
    clean = "".join(c if c.isprintable() else "?" for c in name)[:80]
    what = "signed in" if ok else f"refused sign-in ({reason})"
    with store.transaction("shadow serve") as tx:
        tx.insert(
            SIGNINS,
            {"name": clean, "address": address, "ok": ok, "reason": reason},
            summary=f"{clean!r} from {address}: {what}",
        )
