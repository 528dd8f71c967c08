"""``shadow outbox ...``: what is waiting to be sent, sending it, retrying or dropping it.

Registered by :func:`register` from ``shadow.cli.build_parser``. Also the mail settings
behind ``shadow settings smtp.* / mail.*``.
"""

from __future__ import annotations

import argparse
import sys

from ..core import directory, mail, outbox
from ..core.store import Store
from ._common import CliError, acting, open_store, print_json, print_table

HELP = "messages waiting to go out: list, send, retry, drop, sweep, show, receive"
DESCRIPTION = (
    "Every invitation, reminder and notice is queued here first, then sent by SMTP "
    "(shadow settings smtp.host HOST) or, without a mail server, written as .eml files "
    "into outbox/ beside the database. Nothing is sent until you run 'shadow outbox send' "
    "(or pass --send); the terminal interface sends in the background."
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("outbox", help=HELP, description=DESCRIPTION)
    osub = p.subcommands(func=cmd_outbox)

    q = osub.add_parser(
        "list", help="list messages: failed first, then waiting, then sent", read_only=True
    )
    q.add_argument("--state", choices=outbox.STATES, action="append", help="only this state")
    q.add_json("print a JSON array")

    osub.add_parser("send", help="send every queued message now")

    q = osub.add_parser("retry", help="queue a failed or dropped message again")
    q.add_id()
    q.add_argument("--send", action="store_true", help="and send it now")

    osub.add_parser("drop", help="never send this message").add_id()

    q = osub.add_parser(
        "sweep",
        help="queue reminders, after-visit prompts, due and overdue actions and the weekly "
        "digest that are due now (never the same one twice)",
    )
    q.add_argument("--send", action="store_true", help="and send what is queued")

    q = osub.add_parser(
        "show", help="print one message as it goes out (headers, text, invite)", read_only=True
    )
    q.add_id()

    q = osub.add_parser(
        "receive",
        help="what a person receives: all, invitations, digest or none",
        description="all: every message; invitations: only calendar invitations and "
        "cancellations; digest: only the weekly digest; none: nothing. Without a choice, "
        "shows the current one.",
    )
    q.add_argument("person", metavar="NAME")
    q.add_argument("choice", nargs="?", choices=outbox.PREFERENCES)


def cmd_outbox(args: argparse.Namespace) -> int:
    store = open_store(args)
    if args.action == "list":
        found = outbox.items(store, args.state)
        if args.json:
            print_json([i.json() for i in found])
            return 0
        counts = outbox.counts(store)
        print(
            f"{counts['queued']} queued, {counts['failed']} failed, {counts['sent']} sent "
            f"(delivery: {mail.config(store).target})"
        )
        if found:
            print_table(
                ["id", "state", "kind", "to", "subject", "tries", "error"],
                [[i.id, i.state, i.kind, i.to, i.subject, i.attempts, i.error] for i in found],
            )
        return 0
    if args.action == "send":
        return report_send(outbox.send(store))
    if args.action == "retry":
        outbox.get(store, args.id)
        doc = outbox.retry(store, acting(store, args), args.id)
        print(f"message #{doc['id']} is queued again")
        return report_send(outbox.send(store, [doc["id"]])) if args.send else 0
    if args.action == "drop":
        outbox.get(store, args.id)
        doc = outbox.drop(store, acting(store, args), args.id)
        print(f"message #{doc['id']} dropped: it will not be sent")
        return 0
    if args.action == "sweep":
        queued = outbox.sweep(store)
        print(f"queued {queued} message{'s' if queued != 1 else ''}")
        return report_send(outbox.send(store)) if args.send else 0
    if args.action == "show":
        doc = outbox.get(store, args.id)
        sys.stdout.buffer.write(mail.build(doc, mail.config(store)).as_bytes())
        return 0
    person = directory.find_person(store, args.person)
    if args.choice is None:
        choice = outbox.preference(store, person.id)
        print(f"{person.name} receives: {choice} ({outbox.PREFERENCE_HELP[choice]})")
        return 0
    choice = outbox.set_preference(store, acting(store, args), person, args.choice)
    print(f"{person.name} receives: {choice} ({outbox.PREFERENCE_HELP[choice]})")
    return 0


def report_send(result: outbox.Result) -> int:
    """Print what a send run did; exit 1 (one line on stderr) when nothing could go out."""
    if result.busy:
        raise CliError(result.describe())
    print(result.describe())
    if result.waiting and not result.sent:
        raise CliError(f"nothing could be sent: {result.error}")
    return 0


def send_after(args: argparse.Namespace) -> None:
    """``shadow --send COMMAND``: after the command, send what is queued."""
    result = outbox.send(open_store(args))
    print(result.describe())


# ------------------------------------------------------------------ settings
def is_mail_setting(key: str) -> bool:
    return key in mail.SETTINGS_HELP


def print_settings(store: Store) -> None:
    for key, value, help_text in mail.describe_settings(store):
        print(f"{key} = {value}    ({help_text})")


def set_setting(store: Store, args: argparse.Namespace, key: str) -> int:
    mail.parse_setting(key, args.value)  # a wrong value is refused before anything else
    value = mail.set_setting(store, acting(store, args), key, args.value)
    shown = dict((k, v) for k, v, _ in mail.describe_settings(store))[key]
    print(f"{key} = {shown if value != '' else 'none'}")
    return 0
