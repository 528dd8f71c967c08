"""Opening the terminal interface: the only path of the CLI that imports Textual."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core import directory
from ..core.store import Store
from ._common import open_store


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
    from ..tui.app import create_app

    create_app(store, actor).run()
    store.close(fold=True, fold_limit=None)  # on exit the snapshot alone is the database
    return 0
