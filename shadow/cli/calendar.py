"""``shadow calendar feed``: a person's private, revocable calendar feed URL.

Registered by :func:`register` from ``shadow.cli.build_parser``. The feed itself is served by
``shadow serve`` at ``/calendar/<token>.ics`` (see ``core/feeds.py``).
"""

from __future__ import annotations

import argparse

from ..core import access, directory, feeds, links
from ._common import acting, acting_person, open_store, print_json

HELP = "your private calendar feed: an address calendar apps subscribe to (shadow serve)"
DESCRIPTION = (
    "A private, secret address of your visits as a calendar (the same calendar as "
    "'shadow export ics --person NAME'), served by 'shadow serve' without a sign-in so "
    "calendar apps can subscribe to it. Only a digest of it is kept: the address is "
    "printed once, when it is made; --new makes a new one (the old one stops working), "
    "--revoke stops it. A person manages their own feed, a coordinator anyone's."
)
PUBLIC_URL_HELP = (
    "the address people reach shadow serve at (default: the setting serve.public_url, "
    f"else {links.DEFAULT_PUBLIC_URL})"
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("calendar", help=HELP, description=DESCRIPTION)
    csub = p.subcommands(func=cmd_calendar)
    q = csub.add_parser(
        "feed",
        help="show, make, replace or revoke a calendar feed address",
        description=DESCRIPTION,
    )
    q.add_argument("--person", metavar="NAME", help="whose feed (default: you)")
    secret_link_options(
        q,
        new="make a new address (the old one stops working)",
        revoke="stop the feed at once",
    )


def secret_link_options(q: argparse.ArgumentParser, *, new: str, revoke: str) -> None:
    """The options of a command that hands out a secret link (a calendar feed, a pulse
    link): ``--new`` or ``--revoke`` (their help: ``new``, ``revoke``), ``--public-url``
    and ``--json``."""
    change = q.add_mutually_exclusive_group()
    change.add_argument("--new", action="store_true", help=new)
    change.add_argument("--revoke", action="store_true", help=revoke)
    q.add_argument("--public-url", metavar="URL", help=PUBLIC_URL_HELP)
    q.add_json("print a JSON object")


def cmd_calendar(args: argparse.Namespace) -> int:
    store = open_store(args)
    base = links.public_url(store, args.public_url)  # a wrong URL is refused before any change
    if args.person:
        person = directory.find_person(store, args.person)
        actor = acting(store, args)
    else:
        person = acting_person(store, args)
        actor = person.name
    url = None
    if args.revoke:
        state = "revoked" if feeds.revoke(store, actor, person) else "none"
    elif args.new or feeds.current(store, person.id) is None:
        url = feeds.url(base, feeds.issue(store, actor, person))
        state = "issued"
    else:
        access.check(store, actor, "feeds", person)
        state = "exists"
    feed = feeds.current(store, person.id)
    if args.json:
        print_json(
            {
                "person": person.name,
                "state": state,
                "url": url,
                "issued": feed.issued if feed else None,
                "issued_by": feed.issued_by if feed else None,
            }
        )
        return 0
    if state == "issued":
        print(
            f"Calendar feed for {person.name} (subscribe to it in a calendar app; keep it private):"
        )
        print(f"  {url}")
        print(
            "This address is shown only now. Lost it? shadow calendar feed --new "
            "(the old address stops working)."
        )
    elif state == "exists":
        assert feed is not None
        print(
            f"{person.name} has a calendar feed (made {feed.issued[:10]} by {feed.issued_by}). "
            "Its address was shown once and is not kept: --new makes a new one "
            "(the old one stops working), --revoke stops it."
        )
    elif state == "revoked":
        print(f"{person.name}'s calendar feed is revoked: its address answers 404 from now on.")
    else:
        print(f"{person.name} has no calendar feed (nothing to revoke).")
    return 0
