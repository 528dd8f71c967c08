"""``shadow serve``: the full TUI in web browsers, one app process per signed-in session.

Registering the command imports nothing heavy: aiohttp and textual-serve load only
when the server starts.
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``serve`` command to the top-level parser's subcommands."""
    p = sub.add_parser(
        "serve",
        help="serve shadow to web browsers, with sign-in",
        description="Serve the full TUI to web browsers (one app process per browser tab, all "
        "on the same database). Binds 127.0.0.1 unless --host says otherwise; on any other "
        "address sign-in is required and at least one coordinator account must exist "
        "(shadow user add NAME --role coordinator). On 127.0.0.1 sign-in is used as soon as "
        "any account exists; with none, the app opens as on the desktop.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--certfile", metavar="FILE", help="TLS certificate (PEM); with --keyfile")
    p.add_argument("--keyfile", metavar="FILE", help="TLS private key (PEM); with --certfile")
    p.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use, when a reverse proxy stands in front "
        "(e.g. https://shadow.library.example)",
    )
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from .server import run

    return run(args)
