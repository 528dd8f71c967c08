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

from shadow.core import reports
from shadow.core.store import StoreError

from .commands import Command

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
        self._export(lambda store: reports.export_ics(store), "text/calendar", "ics", "calendar")

    def action_export_csv(self, what: str) -> None:
        if what not in CSV_TABLES:
            return
        self._export(lambda store: reports.export_csv(store, what), "text/csv", "csv", what)

    def _export(self, build, mime_type: str, ext: str, what: str) -> None:
        app: App = self  # type: ignore[assignment]
        try:
            payload = build(app.store)  # type: ignore[attr-defined]
        except StoreError as exc:
            app.notify(f"Cannot read the database: {exc}", severity="error", markup=False)
            return
        filename = f"shadow-{what}-{date.today():%Y-%m-%d}.{ext}"
        deliver(app, payload, filename, mime_type)
        where = "your browser's downloads" if getattr(app, "served", False) else "Downloads"
        app.notify(f"Exported {filename} to {where}", title="Exported", markup=False)
