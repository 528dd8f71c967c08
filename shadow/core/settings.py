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

from . import config, links
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
# Targets, the service calendar and the clocks live in core/sla.py and core/calendar.py;
# their settings (sla.*) are read and changed through here like every other setting.
SLA_SETTINGS = ("sla.hours", "sla.holidays", "sla.at-risk", *(f"sla.p{n}" for n in range(1, 6)))


def _sla_lines(store: Store) -> list[str]:
    from . import sla
    from .calendar import calendar_for

    cal = calendar_for(store)
    lines = [
        f"sla.hours = {cal.describe_hours()}    (working hours the clocks count; "
        f"default Mon-Fri 08:30-17:00; zone {cal.zone})",
        f"sla.holidays = {cal.place}    (public holidays that stop clocks, e.g. AU-WA; none = off)",
        f"sla.at-risk = {sla.at_risk_percent(store)}    (percent of a target used before "
        f"'at risk'; default {sla.AT_RISK_DEFAULT})",
    ]
    for n, value in sla.policy(store).items():
        lines.append(
            f"sla.p{n} = {sla.describe_policy(value)}    (working hours h / days d to "
            f"triage/resolve a P{n}; default {sla.describe_policy(sla.DEFAULT_POLICY[n])})"
        )
    return lines


def _change_sla(store: Store, actor: str, name: str, text: str) -> str:
    from . import calendar, sla

    if name == "sla.hours":
        return f"sla.hours = {calendar.set_hours(store, actor, text)}"
    if name == "sla.holidays":
        return f"sla.holidays = {calendar.set_place(store, actor, text)}"
    if name == "sla.at-risk":
        return f"sla.at-risk = {sla.set_at_risk(store, actor, text)}"
    n = int(name[-1])
    sla.set_target(store, actor, n, text)
    return f"{name} = {sla.describe_policy(sla.policy(store)[n])}"


@guarded("settings")
def put(store: Store, actor: str, key: str, value: Any) -> None:
    """Write one programme-wide setting (checked, audited)."""
    with store.transaction(actor) as tx:
        tx.set_setting(key, value)


def closures(store: Store) -> frozenset:
    """Closure days that stop service-level clocks (programme-wide, in the database)."""
    return frozenset(date.fromisoformat(d) for d in store.setting("closures", []) or [])


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
def change(store: Store, key: str, text: str, actor: Callable[[], str]) -> str:
    """Set one setting from typed text; returns how it now reads (``key = value``).

    ``actor`` is asked only when the database is written (the date order is per user)."""
    name = key.lower()
    if name == "dayfirst":
        return f"dayfirst = {'yes' if set_dayfirst(text) else 'no'}"
    if name == links.PUBLIC_URL_SETTING:
        value = links.check_public_url(text)
        put(store, actor(), name, value)
        return f"{name} = {value}"
    if name in SLA_SETTINGS:
        return _change_sla(store, actor(), name, text)
    if name == "liaison.rotation_years":
        from . import liaison

        put(store, actor(), name, liaison.parse_years(text))
        return f"{name} = {liaison.rotation_years(store)}"
    if name == "closures":
        days = parse_closures(text)
        put(store, actor(), "closures", days)
        return f"closures = {', '.join(days) or 'none'}"
    if name not in RULE_DEFAULTS:
        known = ", ".join(
            [
                "dayfirst",
                *RULE_DEFAULTS,
                "sla.hours",
                "sla.holidays",
                "sla.at-risk",
                links.PUBLIC_URL_SETTING,
                "sla.p1 .. sla.p5",
                "closures",
                "liaison.rotation_years",
                "smtp.*",
                "mail.*",
            ]  # fmt: skip
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
    lines += _sla_lines(store)
    lines.append(
        f"{links.PUBLIC_URL_SETTING} = {links.public_url(store)}    (where calendar feed and "
        f"pulse links point; default {links.DEFAULT_PUBLIC_URL})"
    )
    closed = ", ".join(sorted(store.setting("closures", []) or [])) or "none"
    from . import liaison

    lines.append(
        f"liaison.rotation_years = {liaison.rotation_years(store)}    (years before a "
        f"department's liaison hands on; default {liaison.DEFAULT_YEARS})"
    )
    lines.append(f"closures = {closed}    (days that stop service-level clocks)")
    return lines
