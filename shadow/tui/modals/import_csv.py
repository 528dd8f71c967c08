"""Import people or departments from a CSV file: all or nothing, with a progress bar."""

from __future__ import annotations

import os

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, ProgressBar, Select

from shadow.core import directory
from shadow.core.directory import DirectoryError
from shadow.core.store import StoreError

from ..commands import Command, bindings
from ..loading import Loader
from ..widgets.field import choice_field, text_field
from .base import HELP_COMMAND, ShadowModal

KINDS = {"people": "People", "departments": "Departments"}
COLUMNS = {
    "people": ", ".join(directory.PERSON_FIELDS),
    "departments": ", ".join(directory.DEPARTMENT_FIELDS),
}


class ImportModal(ShadowModal[tuple[str, int] | None]):
    """Dismisses with (kind, count imported), or None when closed without importing."""

    DIALOG_TITLE = "Import from CSV"
    HELP = (
        "Read people or departments from a CSV file with a header row. Every row is "
        "checked first: one bad row rejects the whole file (its line and field are "
        "named) and nothing is imported, so you can fix the file and try again."
    )
    COMMAND_LIST = (
        Command("start", "Import", "Check the file and import it", key="ctrl+s"),
        Command("cancel", "Close", "Close without importing", key="escape"),
        HELP_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)

    class Progress(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done, self.total = done, total

    def __init__(self, kind: str = "people") -> None:
        super().__init__()
        self.kind = kind if kind in KINDS else "people"
        self.running = False
        self.loader: Loader[int] = Loader(
            self,
            lambda job: self._import(*job),
            self._imported,
            failed=self._not_imported,
            errors=(DirectoryError, StoreError, ValueError),
            name="import",
        )

    def compose_dialog(self) -> ComposeResult:
        with Vertical(classes="dialog import"):
            yield Label("Import from CSV", classes="dialog-title")
            yield choice_field(
                "kind", "File holds", [(label, k) for k, label in KINDS.items()], self.kind
            )
            yield text_field(
                "path",
                "CSV file",
                hint=f"Columns: {COLUMNS[self.kind]}",
                placeholder="path/to/file.csv",
            )
            yield ProgressBar(total=None, show_eta=False, id="import-progress")
            yield Label("", id="import-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Import (ctrl+s)", variant="primary", id="start")
                yield Button("Close (esc)", id="close")

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one("#path", Input).focus()

    @on(Select.Changed, "#kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        self.kind = str(event.value)
        hint = self.query_one("#field-path .field-hint", Label)
        hint.update(f"Columns: {COLUMNS[self.kind]}")

    @on(Button.Pressed, "#start")
    @on(Input.Submitted, "#path")
    def action_start(self) -> None:
        if self.running:
            return
        error = self.query_one("#import-error", Label)
        path = os.path.expanduser(self.query_one("#path", Input).value.strip())
        if not path:
            error.update("Type the path of a CSV file.")
            self.query_one("#path", Input).focus()
            return
        actor = self.app.acting_name()
        if actor is None:
            return
        error.update("")
        self._set_running(True)
        self.app.pause_polling()
        self.loader.load((actor, self.kind, path))

    def _set_running(self, running: bool) -> None:
        self.running = running
        for widget in self.query("#start, #path, #kind"):
            widget.disabled = running
        bar = self.query_one(ProgressBar)
        if running:
            bar.update(total=None, progress=0)
        bar.display = running

    def _import(self, actor: str, kind: str, path: str) -> int:
        # This runs in the loader's thread. The progress callback runs while the import
        # holds the store's lock, so it must not wait for the app: post_message never waits.
        def progress(done: int, total: int) -> None:
            self.post_message(self.Progress(done, total))

        return directory.import_csv(self.app.store, actor, kind, path, progress=progress)

    def on_import_modal_progress(self, message: Progress) -> None:
        self.query_one(ProgressBar).update(total=max(message.total, 1), progress=message.done)

    def _not_imported(self, error: str) -> None:
        self.app.resume_polling()
        self._set_running(False)
        self.query_one("#import-error", Label).update(f"Nothing was imported. {error}")
        self.query_one("#path", Input).focus()

    def _imported(self, count: int) -> None:
        self.app.resume_polling()
        self.running = False
        self.dismiss((self.kind, count or 0))

    @on(Button.Pressed, "#close")
    def action_cancel(self) -> None:
        if self.running:
            self.app.say("The import is still running; it finishes in a moment.")
            return
        self.dismiss(None)
