"""``shadow observe``, ``observation``, ``kudos``, ``check-text`` and their listings: what people write down."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..core import directory
from ..core.models import OBSERVATION_KINDS, SIDE_LABELS, Person
from ..core.store import Store
from . import versions
from ._common import (
    CliError,
    open_as_person,
    print_items,
    print_json,
    read_stdin,
    safe_line,
    visit_key,
    visit_record,
)


def register(sub: Any) -> None:
    """``shadow observe`` and ``shadow observation edit``."""
    p = sub.add_parser("observe", help="write down what you saw on a visit (your side is recorded)")
    p.add_argument("visit", metavar="VISIT", type=visit_key)
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--kind", default="workflow seen", choices=OBSERVATION_KINDS)
    p.set_defaults(func=cmd_observe)

    p = sub.add_parser(
        "observation",
        help="correct a note you wrote (observation edit ID [TEXT] [--kind K])",
        description="Only a note's author can change it; the history keeps what it said before.",
    )
    osub = p.subcommands(func=cmd_observation)
    p = osub.add_parser("edit", help="change the text or kind of your own note")
    p.add_id()
    p.add_argument("text", metavar="TEXT", nargs="?", help="the new text (default: unchanged)")
    p.add_argument("--kind", choices=OBSERVATION_KINDS)


def register_kudos(sub: Any) -> None:
    """``shadow kudos`` and ``shadow check-text``."""
    p = sub.add_parser("kudos", help="thank someone publicly (read out at the next meeting)")
    p.add_argument("--to", required=True, metavar="NAME")
    p.add_argument("text", metavar="FOR")
    p.add_argument("--visit", metavar="ID", type=visit_key)
    p.set_defaults(func=cmd_kudos)

    p = sub.add_parser(
        "check-text",
        help="find IT jargon in a text and offer plain words",
        description="--for library (the default) checks text the library will read against IT "
        "jargon; --for it checks text IT will read against library terms (ILS, MARC, holds "
        "shelf ...). Notes are checked by the writer's side: IT staff write for the library, "
        "library staff for IT. Card numbers, emails and phone numbers are pointed out too.",
    )
    p.add_argument("text", metavar="TEXT", help="the text, or - to read standard input")
    p.add_argument("--for", dest="for_", choices=("library", "it"), default="library",
                   help="who reads it (default: library)")  # fmt: skip
    p.add_json()
    p.add_argument(
        "--replace", action="store_true", help="print the text with plain words in place of jargon"
    )
    p.set_defaults(func=cmd_check_text)


def list_observations(store: Store, args: argparse.Namespace) -> int:
    from ..core import schedule
    from ..core.notes import observations

    if not args.visit:
        raise CliError("name the visit: shadow list observations --visit ID")
    visit = schedule.get_visit(store, args.visit)
    people = directory.names_by_id(store, Person.TABLE)
    notes = observations(store, visit.id)
    items = [
        {"id": o.id, "visit_id": o.visit_id, "author": people.get(o.author_id, f"#{o.author_id}"),
         "side": o.side, "kind": o.kind, "text": o.text, "at": o.at, "version": o.version}
        for o in notes
    ]  # fmt: skip
    return print_items(
        args,
        items,
        ["id", "side", "author", "kind", "text"],
        shown={"side": lambda side: SIDE_LABELS[side]},
    )


def list_kudos(store: Store, args: argparse.Namespace) -> int:
    from ..core.models import Kudos

    people = directory.names_by_id(store, Person.TABLE)
    items = [
        {"id": k["id"], "to": people.get(k["to_id"]), "from": people.get(k["from_id"]), "text": k["text"],
         "visit_id": k.get("visit_id"), "created": k.get("created")}
        for k in sorted(store.all(Kudos.TABLE), key=lambda k: k.get("created", ""))
    ]  # fmt: skip
    return print_items(
        args, items, ["id", "to", "from", "for"], lambda i: [i["id"], i["to"], i["from"], i["text"]]
    )


def jargon_warning(text: str, direction_to_library: bool) -> None:
    """Jargon the reader may not know: IT jargon for the library, library terms for IT."""
    from ..core.plain import check_text, summarise

    findings = check_text(text, reader="library" if direction_to_library else "it")
    if findings:
        print(f"  plain language: {summarise(findings)}")


def privacy_warning(fields: dict[str, str | None]) -> None:
    """One line on standard error per card number, email or phone number found in the
    fields just saved (the field named, the value masked). Nothing is blocked: the writer
    corrects their own note. (After the save, so that a refusal stays one line.)"""
    from ..core import privacy

    for line in privacy.warnings({k: v for k, v in fields.items() if v}):
        print(f"shadow: warning: {safe_line(line)}", file=sys.stderr)


def cmd_observe(args: argparse.Namespace) -> int:
    from ..core import notes

    store, actor = open_as_person(args)
    oid = notes.observe(store, actor, args.visit, args.text, args.kind)
    print(f"noted #{oid} on visit #{args.visit} ({SIDE_LABELS[actor.side]} side, {args.kind})")
    jargon_warning(args.text, actor.side == "it")
    privacy_warning({"text": args.text})
    return 0


def cmd_observation(args: argparse.Namespace) -> int:
    from ..core import notes

    if args.text is None and args.kind is None:  # argument misuse: one line, exit 1
        print(
            "shadow observation edit: error: give the new TEXT, --kind, or both"
            " (see shadow observation edit --help)",
            file=sys.stderr,
        )
        return 1
    store, actor = open_as_person(args)
    before = store.get("observations", args.id)
    versions.require(store, args, "observations", args.id)
    obs = notes.edit_observation(
        store, actor, args.id, text=args.text, kind=args.kind, expect_version=args.if_version
    )
    if before is not None and (before["text"], before["kind"]) == (obs.text, obs.kind):
        print(f"nothing changed: note #{obs.id} already reads so")
        return 0
    print(f"note #{obs.id} on visit #{obs.visit_id} changed ({obs.kind})")
    if args.text is not None:
        jargon_warning(obs.text, actor.side == "it")
        privacy_warning({"text": obs.text})
    return 0


def cmd_kudos(args: argparse.Namespace) -> int:
    from ..core import notes

    store, actor = open_as_person(args)
    to = directory.find_person(store, args.to)
    kid = notes.give_kudos(
        store,
        actor,
        to,
        args.text,
        visit_id=visit_record(store, actor.name, args.visit) if args.visit else None,
    )
    print(f"kudos #{kid} to {to.name} recorded for the next meeting")
    privacy_warning({"for": args.text})
    return 0


def cmd_check_text(args: argparse.Namespace) -> int:
    from ..core.plain import check_text

    text = args.text if args.text != "-" else read_stdin()
    if args.replace:
        from ..core.plain import replace_all

        print(replace_all(text, reader=args.for_))
        return 0
    findings = check_text(text, reader=args.for_)
    if args.json:
        print_json([{"term": f.term, "found": f.found, "start": f.start, "end": f.end, "plain": f.plain,
                     "note": f.note} for f in findings])  # fmt: skip
        return 0
    from ..core.privacy import check as private

    for p in private(text):
        print(f"privacy: {p.describe()}; patron details do not belong in notes")
    if not findings:
        print("no jargon found")
        return 0
    for f in findings:
        print(f'{f.found}: say "{f.plain}"' + (f" ({f.note})" if f.note else ""))
    return 0
