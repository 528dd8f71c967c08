"""Private calendar feeds: one secret, revocable URL per person that calendar apps subscribe to.

``GET /calendar/<token>.ics`` (served by ``shadow serve`` without a sign-in, since
calendar apps cannot sign in) answers the person's visits, the same calendar as
``shadow export ics --person NAME`` (:func:`shadow.core.reports.export_ics`).
Only a digest of the token is kept (``core/links.py``); a person manages their own
feed, a coordinator anyone's; revoking or replacing a feed makes the old URL answer
404 at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import links
from .access import guarded
from .models import Person
from .store import Store

TABLE = "calendar_feeds"
OWNER = "person_id"


@dataclass(frozen=True)
class Feed:
    """A person's active feed: when it was issued and by whom (the token is not kept)."""

    person_id: int
    issued: str
    issued_by: str


def _actor_name(actor: str | Person) -> str:
    return actor.name if isinstance(actor, Person) else str(actor)


def url(base: str, token: str) -> str:
    return f"{base.rstrip('/')}/calendar/{token}.ics"


@guarded("feeds", record="person")
def issue(store: Store, actor: str | Person, person: Person) -> str:
    """A new feed token for ``person`` (any earlier one stops working). Shown once."""
    if person.id is None:
        raise ValueError("issue needs a saved person")
    with store.transaction(_actor_name(actor)) as tx:
        return links.issue(
            tx, store, TABLE, OWNER, person.id, summary=f"calendar feed issued for {person.name}"
        )


@guarded("feeds", record="person")
def revoke(store: Store, actor: str | Person, person: Person) -> bool:
    """Stop ``person``'s feed; False if they had none."""
    if person.id is None or links.active(store, TABLE, OWNER, person.id) is None:
        return False
    with store.transaction(_actor_name(actor)) as tx:
        return links.revoke(tx, store, TABLE, OWNER, person.id)


def current(store: Store, person_id: int) -> Feed | None:
    """The person's active feed, or None."""
    doc = links.active(store, TABLE, OWNER, person_id)
    if doc is None:
        return None
    return Feed(person_id, str(doc.get("created", "")), str(doc.get("created_by", "")))


def calendar(store: Store, token: str) -> bytes | None:
    """The iCalendar of the person whose feed ``token`` is, or None (unknown, revoked,
    replaced, malformed, or the person is gone or inactive: all answered alike)."""
    from .reports import export_ics

    doc = links.find(store, TABLE, token)
    if doc is None:
        return None
    person = store.get(Person.TABLE, doc[OWNER])
    if person is None or not person.get("active", True):
        return None
    return export_ics(store, doc[OWNER])
