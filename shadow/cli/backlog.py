"""``shadow suggest``, ``suggestion ...`` and ``list suggestions``: the backlog."""

from __future__ import annotations

import argparse
from typing import Any

from ..core.models import DIRECTIONS, LEVELS, RISKS, SUGGESTION_STATUSES
from ..core.plain import count
from ..core.records import suggestion_json
from ..core.store import Store
from . import sla as cli_sla
from . import versions
from ._common import (
    CliError,
    acting,
    acting_person,
    names,
    open_as_person,
    open_store,
    print_json,
    print_table,
    visit_key,
    visit_record,
)
from .notes import jargon_warning, privacy_warning


def register(sub: Any) -> None:
    """``shadow suggest`` and ``shadow suggestion ...``."""
    p = sub.add_parser(
        "suggest",
        help="raise a suggestion for the backlog",
        description="Priority comes from the ITIL matrix of impact x urgency (P1 critical ... P5 planning); "
        "any financial, compliance or reputation risk raises impact one level.",
    )
    p.add_argument("--title", required=True)
    p.add_argument("--description")
    p.add_argument("--visit", metavar="ID", type=visit_key, help="the visit it came from")
    p.add_argument("--department", metavar="NAME")
    p.add_argument("--direction", choices=DIRECTIONS, help="default: from your side to the other")
    p.add_argument("--impact", choices=LEVELS, default="medium")
    p.add_argument("--urgency", choices=LEVELS, default="medium")
    p.add_argument("--risk", action="append", choices=RISKS, help="repeat for more")
    p.add_argument("--tag", action="append", help="repeat for more")
    p.set_defaults(func=cmd_suggest)

    sug = sub.add_parser("suggestion", help="triage suggestions: status, vote, merge, set, show")
    ssub = sug.subcommands(func=cmd_suggestion)
    q = ssub.add_parser(
        "status", help="move a suggestion along its lifecycle (declined needs --reason)"
    )
    q.add_id()
    q.add_argument("status", choices=[x for x in SUGGESTION_STATUSES if x != "duplicate"])
    q.add_argument("--reason", metavar="TEXT")
    q = ssub.add_parser("vote", help="vote for a suggestion (one vote each)")
    q.add_id()
    q.add_argument("--withdraw", action="store_true", help="take your vote back")
    q = ssub.add_parser("merge", help="merge a duplicate into the suggestion it repeats")
    q.add_id("DUPLICATE")
    q.add_id("SURVIVOR", dest="into")
    q = ssub.add_parser("set", help="change impact, urgency, risks, tags ...")
    q.add_id()
    q.add_argument("--title")
    q.add_argument("--description")
    q.add_argument("--impact", choices=LEVELS)
    q.add_argument("--urgency", choices=LEVELS)
    q.add_argument(
        "--override-impact", choices=[*LEVELS, "none"], help="reviewer's impact, ignoring risks"
    )
    q.add_argument("--risk", action="append", choices=[*RISKS, "none"], help="replaces the risks")
    q.add_argument("--tag", action="append", help="add a tag")
    q.add_argument("--direction", choices=DIRECTIONS)
    q.add_argument("--department", metavar="NAME")
    q = ssub.add_parser("show", help="a suggestion's details", read_only=True)
    q.add_id()
    q.add_json()
    cli_sla.register_wait(ssub, "suggestion")


def list_suggestions(store: Store, args: argparse.Namespace) -> int:
    from ..core import backlog
    from ..core.dates import now
    from ..core.models import Suggestion

    f = backlog.Filter(
        text=args.text or "",
        status=args.status or "",
        priority=args.priority,
        direction=args.direction or "",
        department=args.department or "",
        tag=args.tag or "",
        author=args.author or "",
        sla=args.sla or "",
    )
    if f.status and f.status not in (*SUGGESTION_STATUSES, "open", "closed"):
        raise CliError(
            f"suggestion status must be open, closed or one of: {', '.join(SUGGESTION_STATUSES)}"
        )
    clocks = bool(f.sla) or args.sort == "sla"  # neither printed: only to filter or sort
    built: dict[int, tuple[dict, Suggestion]] = {}  # each read and built once
    found = backlog.rows(store, sla=clocks, search=bool(f.text), keep=built)
    rows = backlog.sort(backlog.apply(found, f), args.sort, reverse=args.reverse)
    if args.json:
        people, depts = names(store)
        print_json(
            [suggestion_json(doc, people, depts, built=s) for doc, s in (built[r.id] for r in rows)]
        )
        return 0
    today = now()
    print_table(
        ["id", "P", "title", "direction", "department", "status", "votes", "age", "author"],
        [
            [r.id, f"P{r.priority}", r.title, backlog.DIRECTION_LABELS[r.direction], r.department, r.status,
             r.votes, f"{backlog.age_days(r.created, today)}d", r.author]
            for r in rows
        ],
    )  # fmt: skip
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    from ..core import backlog

    store, actor = open_as_person(args)
    values: dict[str, Any] = {"title": args.title, "description": args.description or ""}
    for key in ("direction", "visit", "department", "impact", "urgency"):
        if getattr(args, key):
            values[key] = getattr(args, key)
    values["risks"] = args.risk or []
    values["tags"] = args.tag or []
    if args.visit:  # a visit, or one occurrence of a series (20@2026-12-16)
        values["visit"] = visit_record(store, actor.name, args.visit)
    s = backlog.suggestion_from_input(store, values)
    sid = backlog.add(store, actor, s)
    saved = backlog.get(store, sid)
    print(f"suggestion #{sid}: {saved.title} — {backlog.priority_reason(saved)}")
    jargon_warning(f"{saved.title}\n{saved.description}", saved.direction == "it-to-library")
    privacy_warning({"title": saved.title, "description": saved.description})
    return 0


def cmd_suggestion(args: argparse.Namespace) -> int:
    from ..core import backlog

    if args.action in ("wait", "resume"):
        return cli_sla.cmd_wait(args, "suggestions")
    store = open_store(args)
    if args.action == "show":
        s = backlog.get(store, args.id)
        people, depts = names(store)
        item = suggestion_json(store.get("suggestions", s.id), people, depts)
        service_levels = cli_sla.suggestion_sla(store, s.id)
        if args.json:
            print_json(item | service_levels | {"history": store.audit("suggestions", s.id)})
            return 0
        for key in ("title", "description", "priority_reason", "status", "reason", "direction", "department",
                    "author", "tags", "voters", "duplicate_of", "merged_from"):  # fmt: skip
            value = item[key]
            if value not in (None, "", []):
                print(
                    f"{key.replace('_', ' '):>15}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
                )
        cli_sla.print_suggestion_sla(service_levels)
        return 0
    if args.action == "vote":
        votes = backlog.vote(store, acting_person(store, args), args.id, withdraw=args.withdraw)
        print(f"suggestion #{args.id} has {count(votes, 'vote')}")
        return 0
    actor = acting(store, args)
    if args.action == "status":
        s = backlog.set_status(store, actor, args.id, args.status, args.reason or "")
        print(f"suggestion #{s.id} is now {s.status}")
        return 0
    if args.action == "merge":
        survivor = backlog.merge(store, actor, args.id, args.into)
        print(f"merged #{args.id} into #{survivor.id} ({count(len(survivor.votes), 'vote')})")
        return 0
    # set
    s = backlog.get(store, args.id)
    versions.require(store, args, "suggestions", s.id)
    values: dict[str, Any] = {}
    for key in ("impact", "urgency", "direction", "department", "title", "description"):
        if getattr(args, key, None):
            values[key] = getattr(args, key)
    if args.override_impact is not None:
        values["impact_override"] = "" if args.override_impact == "none" else args.override_impact
    if args.risk is not None:
        values["risks"] = [] if args.risk == ["none"] else args.risk
    if args.tag:
        values["tags"] = list(s.tags) + args.tag
    if not values:
        raise CliError(
            "nothing to change: give --impact, --urgency, --risk, --override-impact, --tag ..."
        )
    updated = backlog.suggestion_from_input(store, values, s)
    if not backlog.update(store, actor, updated, expect_version=args.if_version):
        print(f"nothing changed: suggestion #{s.id} already reads so")
        return 0
    print(f"suggestion #{s.id}: {backlog.priority_reason(updated)}")
    return 0
