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
