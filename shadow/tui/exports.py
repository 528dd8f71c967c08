"""Exports from the app: handed to Textual's file delivery.

In a terminal, Textual saves a delivered file in the user's downloads folder; served
in a browser (``shadow serve``), the same call reaches the browser as a download.
The app-wide commands here export the calendar and the CSV tables from any area;
the meeting pack screen uses :func:`deliver` when served.
"""

from __future__ import annotations

import io
from datetime import date

from textual.app import App

from .commands import Command
from .loading import Loader

CSV_TABLES = ("suggestions", "actions", "visits", "observations")

EXPORT_COMMANDS: tuple[Command, ...] = (
    Command(
        "export_ics",
        "Export calendar (iCalendar)",
        "Every visit as an .ics file for a calendar program",
    ),
    *(
        Command(
            f"export_csv({what!r})",
            f"Export {what} (CSV)",
            f"Every {what[:-1]} as a CSV file for a spreadsheet",
        )
        for what in CSV_TABLES
    ),
)


def deliver(app: App, payload: str | bytes, filename: str, mime_type: str) -> None:
    """Hand ``payload`` to the user: a download in the browser, a file in Downloads otherwise."""
    if isinstance(payload, bytes):
        app.deliver_binary(io.BytesIO(payload), save_filename=filename, mime_type=mime_type)
    else:
        app.deliver_text(
            io.StringIO(payload), save_filename=filename, mime_type=mime_type, encoding="utf-8"
        )


class ExportActions:
    """Mixed into the app: the actions behind :data:`EXPORT_COMMANDS`."""

    def action_export_ics(self) -> None:
        from shadow.core import reports  # (not before the first paint: 10 ms of imports)

        self._export(reports.export_ics, "text/calendar", "ics", "calendar", "visits")

    def action_export_csv(self, what: str) -> None:
        if what not in CSV_TABLES:
            return
        from shadow.core import reports  # (as above)

        build = lambda store: reports.export_csv(store, what)  # noqa: E731
        self._export(build, "text/csv", "csv", what, what)

    def _export(self, build, mime_type: str, ext: str, what: str, table: str) -> None:
        """Build the file through the one Loader: in a worker thread on a large database
        (the calendar of ten years is 1-2 s of work), then hand it over."""
        app: App = self  # type: ignore[assignment]
        store = app.store  # type: ignore[attr-defined]
        filename = f"shadow-{what}-{date.today():%Y-%m-%d}.{ext}"

        def handed(payload: str | bytes) -> None:
            deliver(app, payload, filename, mime_type)
            where = "your browser's downloads" if getattr(app, "served", False) else "Downloads"
            app.notify(f"Exported {filename} to {where}", title="Exported", markup=False)

        Loader(
            app,
            lambda _request: build(store),
            handed,
            size=lambda: store.size_hint(table),
            busy=lambda: app.notify(f"Exporting {what}…", markup=False, timeout=2),
            name=f"export-{ext}",
        ).load()
