"""Notes written on visits (observations, each marked with its author's side) and kudos:
public praise read out at the next meeting."""

from __future__ import annotations

from datetime import datetime

from . import dates, versions
from .access import guarded
from .backlog import BacklogError
from .models import OBSERVATION_KINDS, Kudos, Observation, Person, ValidationError, parse_id
from .store import Store, now_iso


def _validate_note(obs: Observation) -> None:
    """Validate a note; a wrong kind is answered with the kinds there are."""
    try:
        obs.validate()
    except ValidationError as exc:
        if "kind" in exc.errors:
            raise ValidationError(
                {"kind": f"must be one of: {', '.join(OBSERVATION_KINDS)}"}
            ) from None
        raise


def check_noteworthy(store: Store, visit_ref: int | str, now: datetime | None = None) -> None:
    """The one rule for notes and kudos about a visit (CLI and screens alike): the visit (or
    occurrence, ``20@2026-12-16``) must have begun and not have been cancelled. Raises
    BacklogError saying why not."""
    from . import schedule

    try:
        occ = schedule.get_occurrence(store, visit_ref)
    except schedule.ScheduleError as exc:
        raise BacklogError(str(exc)) from None
    if occ.status == "cancelled":
        why = f" ({occ.visit.status_reason})" if occ.visit.status_reason else ""
        raise BacklogError(
            f"visit #{occ.key} was cancelled{why}: there is nothing to note or thank anyone for"
        )
    now = now or dates.now()
    if occ.start > now:
        raise BacklogError(
            f"visit #{occ.key} starts {dates.format_moment(occ.start)}, which has not come yet: "
            "notes and kudos are written once it has begun"
        )


@guarded("notes")
def observe(
    store: Store,
    actor: Person,
    visit_id: int | str,
    text: str,
    kind: str = "workflow seen",
    *,
    now: datetime | None = None,
) -> int:
    """A note on a visit that has begun (see :func:`check_noteworthy`), marked with its
    author's side. ``now``: the clock (default: the real time)."""
    from . import schedule  # a visit, or one occurrence of a series (20@2026-12-16)

    try:
        visit = schedule.get_visit(store, visit_id)
    except schedule.ScheduleError as exc:
        raise BacklogError(str(exc)) from None
    check_noteworthy(store, visit_id, now)
    kind = (kind or "workflow seen").strip().lower()
    obs = Observation(
        visit_id=visit.id,
        author_id=actor.id,
        side=actor.side,
        kind=kind,
        text=(text or "").strip(),
        at=now_iso(),
    )
    _validate_note(obs)
    with store.transaction(actor.name) as tx:
        obs.visit_id = schedule.attach_id(tx, store, visit_id)
        return tx.insert(Observation.TABLE, obs.to_doc(), summary=f"note on visit #{obs.visit_id}")


@guarded("notes")
def edit_observation(
    store: Store,
    actor: Person,
    observation_id: int | str,
    *,
    text: str | None = None,
    kind: str | None = None,
    expect_version: int | None = None,
) -> Observation:
    """Correct a note. Each side writes its own notes, so only the author may change one;
    the audit trail keeps what it said before. ``expect_version``: refuse
    (versions.StaleRecord) if the note changed since that version."""
    ref = str(observation_id).strip().lstrip("#")
    doc = store.get(Observation.TABLE, n) if (n := parse_id(ref)) else None
    if doc is None:
        raise BacklogError(f"no note #{ref} (see 'shadow list observations --visit V')")
    obs = Observation.from_doc(doc)
    if obs.author_id != actor.id:
        author = store.get(Person.TABLE, obs.author_id or 0) or {}
        raise BacklogError(
            f"note #{obs.id} is {author.get('name', 'someone else')}'s: only its author can change it"
        )
    if text is not None:
        obs.text = text.strip()
    if kind is not None:
        obs.kind = kind.strip().lower()
    _validate_note(obs)
    with store.transaction(actor.name) as tx:
        versions.check(tx, store, Observation.TABLE, obs.id, expect_version)
        tx.update(Observation.TABLE, obs.id, {"text": obs.text, "kind": obs.kind})
    return obs


def observations(store: Store, visit_id: int) -> list[Observation]:
    found = [Observation.from_doc(d) for d in store.find(Observation.TABLE, visit_id=visit_id)]
    return sorted(found, key=lambda o: (o.at, o.id or 0))


@guarded("kudos")
def give_kudos(
    store: Store,
    actor: Person,
    to_person: Person,
    text: str,
    *,
    visit_id: int | str | None = None,
    observation_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Public praise, to be read out at the next meeting. About a visit (``visit_id``: a
    visit or an occurrence, ``20@2026-12-16``), only once it has begun and if it was not
    cancelled (:func:`check_noteworthy`)."""
    from . import outbox, schedule  # (outbox and mail: not with every note)

    if to_person.id == actor.id:
        raise BacklogError("kudos are for someone else")
    if visit_id is not None:
        check_noteworthy(store, visit_id, now)
    k = Kudos(
        to_id=to_person.id,
        from_id=actor.id,
        text=(text or "").strip(),
        visit_id=None,
        observation_id=observation_id,
    )
    k.validate()
    with store.transaction(actor.name) as tx:
        if visit_id is not None:
            k.visit_id = schedule.attach_id(tx, store, visit_id)
        kid = tx.insert(Kudos.TABLE, k.to_doc(), summary=f"kudos to {to_person.name}")
        outbox.kudos_given(tx, store, kid)
        return kid
