"""The signed-in person's private calendar feed: make, replace or revoke its address.

The address is shown once, when it is made (only a digest is kept), as text that can be
selected and copied (and a Copy button); after that the dialog says a feed exists.
"""

from __future__ import annotations

import os

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, TextArea

from shadow.core import feeds, links
from shadow.core.models import Person, UserError
from shadow.core.store import StoreError

from ..commands import Command, bindings
from .base import HELP_COMMAND, ShadowModal


def base_url(store) -> str:
    """Where the feed is reached: the server that started this app (served), else the
    setting serve.public_url, else 127.0.0.1:8000."""
    served = os.environ.get("SHADOW_PUBLIC_URL", "")
    try:
        return links.public_url(store, served or None)
    except UserError:
        return links.public_url(store)


class CalendarFeedModal(ShadowModal[None]):
    """Make, replace or revoke ``person``'s calendar feed."""

    DEFAULT_CSS = """
    CalendarFeedModal #feed-url {
        height: 4;
        margin-top: 1;
    }
    CalendarFeedModal #feed-url.hidden {
        display: none;
    }
    """
    HELP = (
        "Your private calendar feed: an address your calendar app (Outlook, Google, Apple, "
        "Thunderbird) subscribes to, so your visits appear there and stay current. Keep it "
        "private: anyone with it sees your visits. The address is shown only when it is made; "
        "'New address' replaces it (the old one stops working), 'Revoke' stops it."
    )
    DIALOG_TITLE = "Calendar feed"
    COMMAND_LIST = (
        Command("cancel", "Close", "Close this dialog", key="escape"),
        HELP_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)

    def __init__(self, person: Person) -> None:
        super().__init__()
        self.person = person
        self.url = ""

    def compose_dialog(self) -> ComposeResult:
        with Vertical(classes="dialog feed"):
            yield Label(
                f"Calendar feed for {self.person.name}", classes="dialog-title", markup=False
            )
            yield Label("", id="feed-status", markup=False)
            yield TextArea("", id="feed-url", read_only=True, soft_wrap=True, classes="hidden")
            with Horizontal(classes="buttons"):
                yield Button("Copy", id="feed-copy", disabled=True)
                yield Button("New address", id="feed-new", variant="primary")
                yield Button("Revoke", id="feed-revoke", variant="warning")
                yield Button("Close", id="feed-close")

    def on_mount(self) -> None:
        self._show()
        self.query_one("#feed-new", Button).focus()

    def _show(self, note: str = "") -> None:
        feed = feeds.current(self.app.store, self.person.id)  # type: ignore[attr-defined]
        box = self.query_one("#feed-url", TextArea)
        if self.url:
            status = (
                "Subscribe to this address in your calendar app. It is shown only now: "
                "copy it before closing."
            )
        elif feed is not None:
            status = (
                f"You have a calendar feed (made {feed.issued[:10]}). Its address was shown "
                "once and is not kept: 'New address' makes a new one (the old one stops "
                "working)."
            )
        else:
            status = "You have no calendar feed. 'New address' makes one."
        self.query_one("#feed-status", Label).update(f"{note}{status}")
        box.load_text(self.url)
        box.set_class(not self.url, "hidden")
        self.query_one("#feed-copy", Button).disabled = not self.url
        self.query_one("#feed-revoke", Button).disabled = feed is None
        if self.url:
            box.select_all()

    @on(Button.Pressed, "#feed-new")
    def _new(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        try:
            token = feeds.issue(store, self.person, self.person)
        except (UserError, StoreError) as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        self.url = feeds.url(base_url(store), token)
        self._show()

    @on(Button.Pressed, "#feed-revoke")
    def _revoke(self) -> None:
        try:
            feeds.revoke(self.app.store, self.person, self.person)  # type: ignore[attr-defined]
        except (UserError, StoreError) as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        self.url = ""
        self._show("Revoked: the old address answers 404 from now on. ")

    @on(Button.Pressed, "#feed-copy")
    def _copy(self) -> None:
        if self.url:
            self.app.copy_to_clipboard(self.url)
            self.app.notify("Copied the feed address", markup=False)

    @on(Button.Pressed, "#feed-close")
    def _close(self) -> None:
        self.dismiss(None)
