"""Secret links: a random token handed out once, of which only a digest is kept.

The one home of the mechanics shared by the private calendar feeds (``core/feeds.py``)
and the anonymous pulse links (``core/pulse.py``). A link record is
``{<owner field>: id, "token_hash": sha256 hex, "state": "active"|"replaced"|"revoked"}``.

- The token is ``secrets.token_urlsafe(32)`` (256 bits): a plain SHA-256 digest is
  enough to keep it from being recovered from the database (no salt or slow hash is
  needed for a random secret of that size, unlike a password).
- At most one active link per owner; issuing a new one marks the old one
  ``replaced`` in the same transaction, revoking marks it ``revoked``. The audit
  trail holds the summary and the state change, never a token (nor a digest: the
  digest is written once, by the insert, whose audit entry is only its summary).
- :func:`find` looks a presented token up the same way whether it is unknown,
  revoked or malformed: it digests it, compares the digest in constant time with
  every link of the table and only then looks at the state, so neither the answer
  nor (to within a few comparisons) the time says which it was.
"""

from __future__ import annotations

from typing import Any

from .store import Store, Transaction

ACTIVE, REPLACED, REVOKED = "active", "replaced", "revoked"
# Longer than any token we hand out (43 characters); a longer one is digested as empty.
TOKEN_MAX = 128


# hashlib (OpenSSL), hmac and secrets are imported where a link is made or looked up,
# not by every command that imports this module (~6 ms of each CLI write).
def new_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """SHA-256 hex of the token (surrogates in a hostile path are digested, not crashed on)."""
    import hashlib

    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def find(store: Store, table: str, token: str) -> dict[str, Any] | None:
    """The active link record whose token is ``token``, or None (unknown, revoked,
    replaced or malformed alike)."""
    import hmac

    wanted = digest(token if isinstance(token, str) and len(token) <= TOKEN_MAX else "")
    found = None
    for doc in store.all(table):
        if hmac.compare_digest(str(doc.get("token_hash", "")), wanted) and found is None:
            found = doc
    if found is None or found.get("state") != ACTIVE:
        return None
    return found


def active(store: Store, table: str, owner: str, owner_id: int) -> dict[str, Any] | None:
    """The owner's active link record (without its token: it is not kept), or None."""
    for doc in store.find(table, **{owner: owner_id}):
        if doc.get("state") == ACTIVE:
            return doc
    return None


def issue(
    tx: Transaction, store: Store, table: str, owner: str, owner_id: int, summary: str
) -> str:
    """A new token for ``owner_id`` inside ``tx``; any active one is marked replaced."""
    old = active(store, table, owner, owner_id)
    if old is not None:
        tx.update(table, old["id"], {"state": REPLACED})
    token = new_token()
    tx.insert(
        table, {owner: owner_id, "token_hash": digest(token), "state": ACTIVE}, summary=summary
    )
    return token


def revoke(tx: Transaction, store: Store, table: str, owner: str, owner_id: int) -> bool:
    """Revoke the owner's active link inside ``tx``; False if there was none."""
    old = active(store, table, owner, owner_id)
    if old is None:
        return False
    tx.update(table, old["id"], {"state": REVOKED})
    return True


# ------------------------------------------------------------------ the address links point at
PUBLIC_URL_SETTING = "serve.public_url"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


def check_public_url(text: str) -> str:
    """``https://shadow.library.example`` (no trailing slash), or a one-line refusal."""
    from urllib.parse import urlsplit

    from .models import UserError

    value = str(text or "").strip().rstrip("/")
    parts = urlsplit(value) if value.isascii() and value.isprintable() else None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or " " in value
    ):
        raise UserError(
            f"{PUBLIC_URL_SETTING} is the address browsers use, like "
            f"https://shadow.library.example (got {text!r})"
        )
    return value


def public_url(store: Store, given: str | None = None) -> str:
    """Where links point: ``given`` (--public-url), else the setting, else 127.0.0.1:8000."""
    if given:
        return check_public_url(given)
    return str(store.setting(PUBLIC_URL_SETTING) or DEFAULT_PUBLIC_URL)
