"""Sign-in state of the server: sessions, the per-account and per-address rate limit, tokens.

Plain Python (no aiohttp), so it is tested on its own; the clock is a parameter.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# A person may fail this many times in WINDOW seconds, and one address this many
# (an office behind one NAT address has several people typing passwords).
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
WINDOW = 15 * 60.0
# A session ends after this long without a request or an open app.
IDLE_SECONDS = 12 * 3600.0
# Browser tabs (each one app process) one session may hold at once.
APPS_PER_SESSION = 4
# Keys the rate limiter keeps before it drops those whose failures have all expired.
PRUNE_ABOVE = 10_000


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two tokens; a missing one never matches."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


@dataclass
class Session:
    token: str
    name: str
    person_id: int | None
    role: str
    csrf: str = field(default_factory=new_token)
    last_seen: float = 0.0
    apps: set[Any] = field(default_factory=set)


class Sessions:
    """Signed-in browser sessions, by the random token kept in their cookie."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._by_token: dict[str, Session] = {}

    def start(self, name: str, person_id: int | None, role: str) -> Session:
        now = self._clock()
        for token, old in list(self._by_token.items()):  # forget sessions long abandoned
            if not old.apps and now - old.last_seen > IDLE_SECONDS:
                del self._by_token[token]
        session = Session(new_token(), name, person_id, role, last_seen=now)
        self._by_token[session.token] = session
        return session

    def get(self, token: str | None) -> Session | None:
        if not token:
            return None
        session = self._by_token.get(token)
        if session is None:
            return None
        now = self._clock()
        if not session.apps and now - session.last_seen > IDLE_SECONDS:
            del self._by_token[token]
            return None
        session.last_seen = now
        return session

    def end(self, token: str) -> Session | None:
        return self._by_token.pop(token, None)

    def all(self) -> list[Session]:
        return list(self._by_token.values())


class RateLimiter:
    """Failed sign-ins in a sliding window, per account name and per address."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        found = self._failures.setdefault(key, deque())
        cutoff = self._clock() - WINDOW
        while found and found[0] <= cutoff:
            found.popleft()
        return found

    def retry_after(self, name: str, address: str) -> int:
        """Seconds until another attempt is allowed for this name and address (0: now)."""
        waits = []
        for key, limit in (
            (("account", name.strip().casefold()), ACCOUNT_FAILURES),
            (("address", address), ADDRESS_FAILURES),
        ):
            recent = self._recent(key)
            if len(recent) >= limit:
                waits.append(recent[0] + WINDOW - self._clock())
        return max(1, int(max(waits)) + 1) if waits else 0

    def failed(self, name: str, address: str) -> None:
        now = self._clock()
        if len(self._failures) > PRUNE_ABOVE:  # many names tried: forget the expired ones
            for key in list(self._failures):
                if not self._recent(key):
                    del self._failures[key]
        self._recent(("account", name.strip().casefold())).append(now)
        self._recent(("address", address)).append(now)

    def succeeded(self, name: str) -> None:
        self._failures.pop(("account", name.strip().casefold()), None)


class Throttle:
    """Events per key (an address) in a sliding window: past ``limit``, wait.

    Used for the routes that need no session: wrong calendar-feed or pulse links
    (guessing), and pulse answers. Kept in memory only.
    """

    def __init__(
        self, limit: int, window: float = WINDOW, clock: Callable[[], float] = time.monotonic
    ):
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        found = self._events.setdefault(key, deque())
        cutoff = self._clock() - self.window
        while found and found[0] <= cutoff:
            found.popleft()
        return found

    def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may try again (0: now)."""
        recent = self._recent(key)
        if len(recent) < self.limit:
            if not recent:
                self._events.pop(key, None)
            return 0
        return max(1, int(recent[0] + self.window - self._clock()) + 1)

    def hit(self, key: str) -> None:
        if len(self._events) > PRUNE_ABOVE:
            for old in list(self._events):
                if not self._recent(old):
                    del self._events[old]
        self._recent(key).append(self._clock())


# How long a pulse form may be filled in, and how many answers one address may send.
FORM_MAX_AGE = 2 * 3600.0
PULSE_POSTS_PER_ADDRESS = 30


class FormTokens:
    """Anti-forgery tokens for forms that nobody signs in to (the pulse survey).

    A token is ``issued.nonce.mac``: an HMAC of a per-server secret over the form's
    scope (its link), the time and a random nonce. It says nothing about who fills
    the form in (no cookie, no session); it only proves the form came from this
    server recently. Each token is accepted once.
    """

    def __init__(self, clock: Callable[[], float] = time.time, secret: bytes | None = None):
        self._clock = clock
        self._secret = secret or secrets.token_bytes(32)
        self._used: dict[str, float] = {}

    def _mac(self, scope: str, issued: str, nonce: str) -> str:
        message = f"{scope}\x00{issued}\x00{nonce}".encode("utf-8", "surrogatepass")
        return hmac.new(self._secret, message, "sha256").hexdigest()

    def make(self, scope: str) -> str:
        issued, nonce = str(int(self._clock())), secrets.token_urlsafe(12)
        return f"{issued}.{nonce}.{self._mac(scope, issued, nonce)}"

    def check(self, scope: str, token: str | None) -> bool:
        """Whether ``token`` is a fresh, unused token for ``scope``; it is then used up."""
        parts = (token or "").split(".")
        if len(parts) != 3 or not parts[0].isascii() or not parts[0].isdigit():
            return False
        issued, nonce, mac = parts
        if not same(mac, self._mac(scope, issued, nonce)):
            return False
        now = self._clock()
        if not 0 <= now - int(issued) <= FORM_MAX_AGE:
            return False
        for old, when in list(self._used.items()):  # forget what can no longer be replayed
            if now - when > FORM_MAX_AGE:
                del self._used[old]
        if nonce in self._used:
            return False
        self._used[nonce] = int(issued)
        return True
