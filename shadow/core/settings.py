"""Settings: the one home of every knob a person can turn.

Per-user (in ``config.json``, see ``core/config.py``): ``dayfirst``, the date order.
Programme-wide (in the database, so everyone sharing a file sees the same ones):
the scheduling rules, the service-level policy per priority, and closure days.
The CLI's ``shadow settings`` and every screen read and write them through here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from . import config
from .access import guarded
from .models import UserError
from .store import Store


class SettingsError(UserError):
    """A setting that cannot be changed as asked, in one line."""


# ------------------------------------------------------------------ date order (per user)
def dayfirst() -> bool:
    """Whether 4/3/2027 means 4 March (the default) for whoever runs shadow."""
    return bool(config.get("dayfirst", True))


def set_dayfirst(text: str) -> bool:
    value = text.strip().lower()
    if value not in ("yes", "no", "true", "false"):
        raise SettingsError("dayfirst takes yes or no")
    config.put("dayfirst", value in ("yes", "true"))
    return value in ("yes", "true")


# ------------------------------------------------------------------ scheduling rules
RULE_DEFAULTS = {"buffer_minutes": 15, "host_week_cap": 3, "host_month_cap": 8}
RULE_HELP = {
    "buffer_minutes": "minutes a person needs between two visits",
    "host_week_cap": "most visits one host takes in a week",
    "host_month_cap": "most visits one host takes in a month",
}


def rules(store: Store) -> dict[str, int]:
    return {k: int(store.setting(f"schedule.{k}", v)) for k, v in RULE_DEFAULTS.items()}


# ------------------------------------------------------------------ service levels
SLA_DEFAULTS: dict[int, tuple[int, int | None]] = {
    1: (1, 5),
    2: (2, 10),
    3: (5, 20),
    4: (10, 40),
    5: (20, None),
}


def sla_policy(store: Store) -> dict[int, tuple[int, int | None]]:
    """Business days to triage and to resolve, per priority (stored in the database)."""
    raw = store.setting("sla.policy") or {}
    policy = dict(SLA_DEFAULTS)
    for key, value in raw.items():
        triage, resolve = value
        policy[int(key)] = (int(triage), None if resolve is None else int(resolve))
    return policy


def parse_policy_value(text: str) -> tuple[int, int | None]:
    """``2/10`` or ``20/none`` -> (2, 10) / (20, None)."""
    parts = [p.strip().lower() for p in str(text).split("/")]
    if (
        len(parts) != 2
        or not re.fullmatch(r"[0-9]{1,4}", parts[0])
        or not (re.fullmatch(r"[0-9]{1,4}", parts[1]) or parts[1] in ("none", "-"))
    ):
        raise SettingsError(
            f"a service level is TRIAGE/RESOLVE business days, e.g. 2/10 or 20/none (got {text!r})"
        )
    triage = int(parts[0])
    resolve = None if parts[1] in ("none", "-") else int(parts[1])
    if triage < 1 or (resolve is not None and resolve < triage):
        raise SettingsError("triage takes at least 1 day, and resolving no less than triage")
    return triage, resolve


@guarded("settings")
def set_sla(store: Store, actor: str, priority_level: int, value: str) -> None:
    if priority_level not in SLA_DEFAULTS:
        raise SettingsError("priority is 1 to 5")
    triage, resolve = parse_policy_value(value)
    policy = {str(k): list(v) for k, v in sla_policy(store).items()}
    policy[str(priority_level)] = [triage, resolve]
    put(store, actor, "sla.policy", policy)


@guarded("settings")
def put(store: Store, actor: str, key: str, value: Any) -> None:
    """Write one programme-wide setting (checked, audited)."""
    with store.transaction(actor) as tx:
        tx.set_setting(key, value)


def closures(store: Store) -> frozenset:
    """Closure days that stop service-level clocks (programme-wide, in the database)."""
    return frozenset(date.fromisoformat(d) for d in store.setting("closures", []) or [])


def sla_text(triage: int, resolve: int | None) -> str:
    """A policy as it is typed: ``2/10`` or ``20/none``."""
    return f"{triage}/{resolve if resolve is not None else 'none'}"


# ------------------------------------------------------------------ closures
def parse_closures(text: str) -> list[str]:
    """``2026-12-25, 2026-12-28`` (or ``none``) -> sorted ISO days, each once."""
    days = []
    for item in (x.strip() for x in text.replace(";", ",").split(",")):
        if not item or item == "none":
            continue
        try:
            days.append(date.fromisoformat(item).isoformat())
        except ValueError:
            raise SettingsError(
                f"closures are dates YYYY-MM-DD, comma-separated (got {item!r})"
            ) from None
    return sorted(set(days))


# ------------------------------------------------------------------ one entry point
SLA_KEYS = {f"sla.p{n}": n for n in range(1, 6)}


def change(store: Store, key: str, text: str, actor: Callable[[], str]) -> str:
    """Set one setting from typed text; returns how it now reads (``key = value``).

    ``actor`` is asked only when the database is written (the date order is per user)."""
    name = key.lower()
    if name == "dayfirst":
        return f"dayfirst = {'yes' if set_dayfirst(text) else 'no'}"
    if name in SLA_KEYS:
        set_sla(store, actor(), SLA_KEYS[name], text)
        return f"{name} = {sla_text(*sla_policy(store)[SLA_KEYS[name]])}"
    if name == "closures":
        days = parse_closures(text)
        put(store, actor(), "closures", days)
        return f"closures = {', '.join(days) or 'none'}"
    if name not in RULE_DEFAULTS:
        known = ", ".join(
            ["dayfirst", *RULE_DEFAULTS, "sla.p1 .. sla.p5", "closures", "smtp.*", "mail.*"]
        )
        raise SettingsError(f"unknown setting {key!r} (settings: {known})")
    if not re.fullmatch(r"[0-9]{1,6}", text):
        raise SettingsError(f"{name} takes a whole number (got {text!r})")
    put(store, actor(), f"schedule.{name}", int(text))
    return f"{name} = {int(text)}"


def listing(store: Store) -> list[str]:
    """Every setting, one line each: its value, what it means and its default."""
    first = dayfirst()
    order = "4 March" if first else "April 3"
    lines = [f"dayfirst = {'yes' if first else 'no'}    (yours: 4/3/2027 is {order})"]
    for key, value in rules(store).items():
        lines.append(f"{key} = {value}    ({RULE_HELP[key]}; default {RULE_DEFAULTS[key]})")
    for n, (triage, resolve) in sla_policy(store).items():
        default = SLA_DEFAULTS[n]
        lines.append(
            f"sla.p{n} = {sla_text(triage, resolve)}    "
            f"(business days to triage/resolve a P{n}; default {default[0]}/{default[1] or 'none'})"
        )
    closed = ", ".join(sorted(store.setting("closures", []) or [])) or "none"
    lines.append(f"closures = {closed}    (days that stop service-level clocks)")
    return lines
