"""Whose turn it is: mark a suggestion or action as waiting on the library, IT or a vendor
(with a note), or resume it. Shared by the suggestion and action dialogs' screens."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.content import Content

from shadow.core import dates, sla
from shadow.core.models import WAIT_SIDES, UserError
from shadow.core.store import StoreError

from ..widgets.literal import one_line
from .pickers import ChoiceModal, TextPrompt

SIDE_LABELS = {"library": "Waiting on the library", "it": "Waiting on IT", "vendor": "Waiting on a vendor"}  # fmt: skip


def wait_content(store, record: str, record_id: int) -> Content:
    """The current wait (side, since when, note), or that nobody is waited on."""
    w = sla.current_wait(store, record, record_id)
    if w is None:
        return Content.styled("not waiting on anyone", "$text-muted")
    since = dates.format_moment(dates.from_iso(w.start).astimezone(dates.local_zone()))
    line = Content.assemble(
        (f"waiting on {sla.SIDE_NAMES.get(w.on, w.on)}", "bold $warning"),
        (f"  since {since}", "$text-muted"),
    )
    if w.note:
        line = Content.assemble(line, "\n", ("note: ", "$text-muted"), one_line(w.note))
    return line


async def change_wait(app: App, actor: str, record: str, record_id: int, what: str) -> str | None:
    """Ask and apply a wait ("wait") or end it ("resume"). Returns what happened, None if
    the user changed their mind; core refusals (UserError, AccessDenied) propagate."""
    label = f"{record[:-1]} #{record_id}"
    if what == "resume":
        ended = sla.resume(app.store, actor, record, record_id, app.clock())  # type: ignore[attr-defined]
        return f"{label.capitalize()} no longer waits on {sla.SIDE_NAMES.get(ended.on, ended.on)}"
    current = sla.current_wait(app.store, record, record_id)
    on = await app.push_screen_wait(
        ChoiceModal(
            f"Whose turn is {label}?",
            [(SIDE_LABELS[side], side) for side in WAIT_SIDES],
            current=current.on if current else None,
            note="While it waits on the side that asked for it, or on a vendor, "
            "its resolution clock pauses.",
        )
    )
    if on is None:
        return None
    note = await app.push_screen_wait(
        TextPrompt(
            f"{SIDE_LABELS[on]}: {label}",
            "A note on what it waits for (optional).",
            placeholder="e.g. quote requested from the vendor",
            required=False,
        )
    )
    if note is None:
        return None
    sla.wait(app.store, actor, record, record_id, on, note, now=app.clock())  # type: ignore[attr-defined]
    return f"{label.capitalize()} is waiting on {sla.SIDE_NAMES[on]}"


async def wait_chosen(
    app: App, record: str, record_id: int, what: str, fail: Callable[[Exception], None]
) -> str | None:
    """``what`` ("wait" or "resume") as chosen in a record's details dialog, by the acting
    person (None: nobody acts). A refusal goes to ``fail``. Returns what happened."""
    actor = app.acting_name()  # type: ignore[attr-defined]
    if actor is None:
        return None
    try:
        return await change_wait(app, actor, record, record_id, what)
    except (UserError, StoreError) as exc:
        fail(exc)
        return None
