"""The footer of every screen and dialog: Textual's, without restyling each key twice.

Textual's ``FooterKey`` starts ``compact`` (its watcher adds the ``-compact`` class and
restyles the key) and is then bound to the footer's ``compact`` (not compact here: the
watcher removes the class and restyles it again). Each is a full stylesheet pass for
that key, twice for every key each time a footer is built (on every screen shown and
every change of bindings). Here each key starts with the footer's own value and class,
so neither watcher runs; the keys end up exactly as Textual's do (tests/tui/test_footer.py
compares them).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


class Footer(TextualFooter):
    def compose(self) -> ComposeResult:
        compact = self.compact
        for widget in super().compose():
            # (only the keys bound to the footer's compact: the command palette's is not)
            if isinstance(widget, FooterKey) and "compact" in (widget._reactive_connect or {}):
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget
