"""Moving a visit along its lifecycle from any screen: one flow for one key.

The Schedule, the visit page and the Dashboard's "record the outcome" list all confirm,
complete, cancel (a reason is asked, required) and mark no-shows through
:func:`change_status`, so the questions asked (this occurrence or the series? why
cancelled?) and the refusals shown (the core's own words, as an error notice) are the
same everywhere. The rules themselves are in ``core/schedule.py``.
"""

from __future__ import annotations

from datetime import date, datetime

from textual.app import App

from shadow.core import schedule
from shadow.core.dates import from_iso
from shadow.core.models import UserError
from shadow.core.schedule import Occurrence
from shadow.core.store import StoreError

from .modals.pickers import TextPrompt
from .modals.series_choice import SeriesChoice

STATUS_VERBS = {
    "confirmed": "Confirm",
    "completed": "Complete",
    "cancelled": "Cancel",
    "no-show": "Mark no-show",
}


def refusal(occ: Occurrence, status: str, now: datetime, *, outcome: bool = False) -> str | None:
    """Why the core would refuse this change (None: it would not), asked before any question."""
    if outcome:
        return schedule.outcome_refusal(occ, status, now)
    allowed = schedule.TRANSITIONS.get(occ.status, ())
    if status not in allowed:
        why = (
            f"it can become {', '.join(allowed)}" if allowed else "which is final: it cannot change"
        )
        return f"Visit #{occ.key} is {occ.status}; {why}."
    return None


async def change_status(
    app: App,
    occ: Occurrence,
    status: str,
    *,
    describe: str,
    repeats: str = "",
    outcome: bool = False,
) -> bool:
    """Ask what is needed and change ``occ``'s status (call from a worker). ``outcome``:
    record what happened to a visit that has begun (``schedule.record_outcome``).
    The app's clock decides what has begun. Returns whether anything
    changed; the result or the refusal is shown as a notice."""
    verb = STATUS_VERBS.get(status, status)
    now = app.clock()  # type: ignore[attr-defined]
    refused = refusal(occ, status, now, outcome=outcome)
    if refused is not None:
        app.say(refused[:1].upper() + refused[1:], title=f"Cannot {verb.lower()}", severity="error")  # type: ignore[attr-defined]
        return False
    if app.acting_name() is None:  # type: ignore[attr-defined]
        return False
    which = await _which(app, occ, status, describe=describe, repeats=repeats, outcome=outcome)
    if which is None:
        return False
    target, on = which
    reason = ""
    if status == "cancelled":
        answer = await _cancel_reason(
            app, describe, series=on is None and occ.series_id is not None
        )
        if not answer:
            return False
        reason = answer
    actor = app.acting_name()  # type: ignore[attr-defined]
    if actor is None or target is None:
        return False
    try:
        if outcome:
            message = schedule.record_outcome(
                app.store,
                actor,
                occ.key,
                status,
                reason=reason,
                now=now,  # type: ignore[attr-defined]
            )
        else:
            message = schedule.set_status(
                app.store,
                actor,
                target,
                status,
                on=on,
                reason=reason,
                now=now,  # type: ignore[attr-defined]
            )
    except (UserError, StoreError) as exc:
        app.say_refused(exc)  # type: ignore[attr-defined]
        return False
    app.say(message[:1].upper() + message[1:])  # type: ignore[attr-defined]
    if status == "completed":  # the people on it rate it (the coordinator only if on it)
        from .modals.feedback_form import offer

        offer(app, occ.key, lead="It took place: how useful was it for you?")
    return True


async def _which(
    app: App, occ: Occurrence, status: str, *, describe: str, repeats: str, outcome: bool
) -> tuple[int | str | None, date | None] | None:
    """What to change: the visit, one occurrence of its series, or (asked when confirming
    or cancelling) the whole series. None: the question was escaped."""
    verb = STATUS_VERBS.get(status, status)
    target: int | str | None = occ.visit.id
    on: date | None = None
    if occ.series_id is not None:
        target, on = occ.series_id, from_iso(occ.original).date()
        if status in ("cancelled", "confirmed") and not outcome:
            choice = await app.push_screen_wait(
                SeriesChoice(
                    f"{describe}\n\nThis visit repeats ({repeats or 'a series'}). {verb} just "
                    "this occurrence, or every occurrence of the series (except ones already "
                    "changed one by one)?",
                    verb=verb,
                    keep="Keep it" if status == "cancelled" else "Change nothing",
                )
            )
            if choice is None:
                return None
            if choice == "series":
                on = None
    return target, on


async def _cancel_reason(app: App, describe: str, *, series: bool) -> str | None:
    """Why the visit (or the series) is cancelled; empty or None: keep it."""
    return await app.push_screen_wait(
        TextPrompt(
            "Cancel the series" if series else "Cancel the visit",
            f"{describe}\n\nWhy is it cancelled? The reason stays in its "
            "history and is read out in the meeting pack. Escape keeps the visit.",
            placeholder="e.g. the host is off sick",
        )
    )
