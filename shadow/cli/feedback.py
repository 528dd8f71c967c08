"""``shadow feedback``: rate a visit you were on, and read the ratings.

    shadow feedback VISIT --rating N [--again yes|no] [--learned TEXT] [--as NAME]
    shadow feedback --list [VISIT] [--department NAME] [--direction D] [--since PHRASE] [--json]
    shadow feedback --summary [--department NAME] [--direction D] [--since PHRASE] [--json]

One parser: a positional VISIT plus ``--list``/``--summary`` flags (a subcommand word
``list`` could not live beside a positional visit id). Registered by :func:`register`
from ``build_parser`` (shadow/cli/__init__.py); the privacy warning it prints after a
save is :func:`shadow.cli.notes.privacy_warning`, shared by every command that saves a note.
"""

from __future__ import annotations

import argparse

from ..core import directory, feedback
from ..core.feedback import DIRECTIONS
from ..core.plain import count
from ._common import (
    CliError,
    open_as_person,
    open_store,
    past_moment,
    print_json,
    print_table,
    visit_key,
    whole_number,
)
from .notes import privacy_warning

HELP = (
    "rate a visit you were on (usefulness 1-5, would do again, one thing learned), or list ratings"
)
DESCRIPTION = (
    "Each person on a visit, visitor or host, rates it once: usefulness 1-5 (--rating), "
    "whether they would do it again (--again yes|no) and one thing they learned "
    "(--learned TEXT). Running it again changes your own rating; nobody else can, not even "
    "a coordinator. Only a visit that took place can be rated: completed, or confirmed and "
    "already begun. One occurrence of a repeating visit is rated as 20@2026-12-16. "
    "--list shows ratings and --summary their figures (mean, % would do again, IT and "
    "library raters apart, recent things learned); both take --department, --direction, "
    "--since and --json. A card number, email address or phone number in --learned is "
    "pointed out on standard error (patron details do not belong in notes)."
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("feedback", help=HELP, description=DESCRIPTION)
    p.add_argument("visit", metavar="VISIT", nargs="?", type=visit_key,
                   help="the visit: 12, or 20@2026-12-16 for one occurrence")  # fmt: skip
    p.add_argument("--rating", metavar="N", type=whole_number(1, 5), help="usefulness, 1-5")
    p.add_argument("--again", choices=("yes", "no"), help="would you do it again")
    p.add_argument("--learned", metavar="TEXT", help='one thing you learned ("" clears it)')
    p.add_argument(
        "--as", dest="as_name", metavar="NAME", default=argparse.SUPPRESS,
        help="rate as this person (as shadow --as NAME)",
    )  # fmt: skip
    p.add_argument("--list", action="store_true", help="list ratings (newest first)")
    p.add_argument("--summary", action="store_true", help="the figures of the ratings")
    p.add_argument("--department", metavar="NAME", help="--list/--summary: visits to this one")
    p.add_argument("--direction", choices=DIRECTIONS, help="--list/--summary: one direction")
    p.add_since("--list/--summary: ratings given since")
    p.add_json("--list/--summary: print JSON")
    p.set_defaults(func=cmd_feedback)


def cmd_feedback(args: argparse.Namespace) -> int:
    reading = args.list or args.summary
    if args.list and args.summary:
        raise CliError("choose --list or --summary, not both")
    if reading:
        given = [f"--{n}" for n in ("rating", "again", "learned") if getattr(args, n) is not None]
        if given:
            raise CliError(f"{given[0]} rates a visit; it does not go with --list or --summary")
        if args.summary and args.visit:
            raise CliError("--summary covers many visits: filter with --department, not VISIT")
        return _read(args)
    others = [
        f"--{n}" for n in ("department", "direction", "since") if getattr(args, n) is not None
    ]
    if others or args.json:
        raise CliError(f"{(others or ['--json'])[0]} goes with --list or --summary")
    if args.visit is None:
        raise CliError(
            "name the visit: shadow feedback VISIT --rating N (or --list to read ratings)"
        )
    return _rate(args)


def _rate(args: argparse.Namespace) -> int:
    store, actor = open_as_person(args)
    if args.rating is None and feedback.mine(store, actor, args.visit) is None:
        raise CliError("give your rating: --rating N (1 = not useful ... 5 = very useful)")
    fb, new = feedback.rate(
        store, actor, args.visit, args.rating, again=args.again, learned=args.learned
    )
    key = feedback.target(store, args.visit).key
    verb = "rated" if new else "changed your rating of"
    print(f"{verb} visit #{key}: {feedback.rating_line(fb)} ({actor.name})")
    privacy_warning({"learned": fb.learned})  # (after saving: a refusal stays one line)
    return 0


def _filters(store, args: argparse.Namespace) -> dict:
    out: dict = {"direction": args.direction}
    if args.department:
        out["department_id"] = directory.find_department(store, args.department).id
    if args.since:
        out["since"] = past_moment(args.since)
    return out


def _read(args: argparse.Namespace) -> int:
    store = open_store(args)
    filters = _filters(store, args)
    found = feedback.ratings(store, visit=args.visit, **filters)
    if args.summary:
        summary = feedback.summarise(found)
        per_dept = [] if args.department else feedback.by_department(found)
        if args.json:
            extra = {"by_department": [{"department": n, **x.as_json()} for n, x in per_dept]}
            print_json(summary.as_json() | (extra if per_dept else {}))
            return 0
        print(_summary_text(summary, count))
        if len(per_dept) > 1:
            print("by department:")
            print_table(
                ["department", "ratings", "mean", "again %", "IT mean", "library mean"],
                [
                    [name, x.count, x.mean, _blank(x.again_pct), _blank(x.by_side["it"].mean),
                     _blank(x.by_side["library"].mean)]
                    for name, x in per_dept
                ],
            )  # fmt: skip
        return 0
    if args.json:
        print_json([_rating_json(r) for r in found])
        return 0
    if not found:
        print("no ratings yet")
        return 0
    print_table(
        ["id", "visit", "department", "by", "side", "rating", "again", "learned"],
        [
            [r.feedback.id, r.visit_key, r.department, r.author, r.feedback.side,
             r.feedback.rating, _again(r.feedback.again), r.feedback.learned]
            for r in found
        ],
    )  # fmt: skip
    return 0


def visit_ratings(store, record_id: int | None) -> tuple[list[dict], str]:
    """One visit's ratings for ``visit show``: the JSON list and a line of figures
    (``2 ratings, mean 4.5/5, 50% would do it again``; "" for none or a whole series)."""
    if record_id is None:
        return [], ""
    found = feedback.ratings(store, visit=record_id)
    if not found:
        return [], ""
    s = feedback.summarise(found)
    return [_rating_json(r) for r in found], f"{count(s.count, 'rating')}, mean {s.mean}/5" + _pct(
        s.again_pct
    )


def _blank(value: object) -> object:
    return "" if value is None else value


def _again(value: bool | None) -> str:
    return {True: "yes", False: "no", None: ""}[value]


def _rating_json(r: feedback.Rating) -> dict:
    fb = r.feedback
    return {
        "id": fb.id, "visit": r.visit_key, "visit_id": fb.visit_id, "department": r.department,
        "direction": r.direction, "author": r.author, "author_id": fb.author_id, "side": fb.side,
        "rating": fb.rating, "again": fb.again, "learned": fb.learned, "at": fb.at,
    }  # fmt: skip


def _summary_text(s: feedback.FeedbackSummary, count) -> str:
    if not s.count:
        return "no ratings yet"
    lines = [f"{count(s.count, 'rating')}, mean usefulness {s.mean}/5" + _pct(s.again_pct)]
    for side, label in (("it", "IT raters"), ("library", "library raters")):
        f = s.by_side[side]
        if f.count:
            lines.append(
                f"  {label}: {count(f.count, 'rating')}, mean {f.mean}/5{_pct(f.again_pct)}"
            )
    if s.learned:
        lines.append("recently learned:")
        lines += [f'  "{x.text}" ({x.author}, visit #{x.visit_key})' for x in s.learned]
    return "\n".join(lines)


def _pct(pct: int | None) -> str:
    return "" if pct is None else f", {pct}% would do it again"
