"""Opening the terminal interface: the only path of the CLI that imports Textual."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..core import directory
from ..core.models import Person
from ..core.store import Store
from ._common import open_store

if TYPE_CHECKING:
    from ..tui.app import ShadowApp


def run_tui(args: argparse.Namespace) -> int:
    """Open the TUI (the only path that imports Textual)."""
    if args.demo:
        import tempfile

        from ..core.sample import DEMO_ACTOR, load_sample

        with tempfile.TemporaryDirectory(prefix="shadow-demo-") as tmp:
            store = Store(Path(tmp) / "demo.json")
            load_sample(store, "shadow demo")
            actor = directory.find_person(store, DEMO_ACTOR)
            from ..tui.app import create_app

            create_app(store, actor, demo=True).run()
            store.close()
        return 0
    store = open_store(args)
    actor = directory.resolve_actor(store, args.as_name)
    app = app_for(store, actor)
    try:
        app.run()
    finally:
        if app.dashboard_ahead is not None:  # (not taken: e.g. an error before the first read)
            app.dashboard_ahead.cancel()
    store.close(fold=True, fold_limit=None)  # on exit the snapshot alone is the database
    return 0


def app_for(store: Store, actor: Person | None) -> ShadowApp:
    """The TUI for ``store`` as ``actor``, its Dashboard begun first in two child processes
    (``core.dashboard.read_ahead``, a half each) while this one imports Textual and builds
    the screen (at 150,000 records, 1.2 s of reading beside 0.6 s of starting,
    where one core did one after the other). The benchmark's probe starts it so too."""
    from ..core.dashboard import read_ahead
    from ..core.dates import now

    ahead = read_ahead(store, now, actor)
    from ..tui.app import create_app

    return create_app(store, actor, ahead=ahead)
