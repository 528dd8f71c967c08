"""``shadow settings [KEY [VALUE]]``: every setting, including the mail and service-level ones."""

from __future__ import annotations

import argparse
from typing import Any

from . import outbox as cli_outbox
from . import sla as cli_sla
from ._common import CliError, acting, open_store


def register(sub: Any) -> None:
    """``shadow settings``."""
    p = sub.add_parser(
        "settings",
        help="show or change settings",
        description="With no arguments, shows every setting. dayfirst (yes/no) is yours; "
        "buffer_minutes, host_week_cap and host_month_cap are the programme's, stored in the database, "
        "as are the service-level settings: " + cli_sla.SETTINGS_HELP + ".",
    )
    p.add_argument("key", nargs="?")
    p.add_argument("value", nargs="?")
    p.set_defaults(func=cmd_settings)


def cmd_settings(args: argparse.Namespace) -> int:
    from ..core import settings

    store = open_store(args)
    if args.key is None:
        print("\n".join(settings.listing(store)))
        cli_outbox.print_settings(store)
        return 0
    if args.value is None:
        raise CliError(f"give a value: shadow settings {args.key} VALUE")
    if cli_outbox.is_mail_setting(args.key.lower()):
        return cli_outbox.set_setting(store, args, args.key.lower())
    print(settings.change(store, args.key, args.value, lambda: acting(store, args)))
    return 0
