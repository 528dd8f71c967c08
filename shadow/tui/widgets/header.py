"""The header: Textual's, with a title that is painted when it changes, not laid out.

Textual's header title is a ``Static`` as wide and as tall as the header whatever it
says, yet each new title (``Static.update``) asked for a layout of the whole screen: a
page sets its sub-title when its data is read, and that one line cost a second layout
pass of the page after it had painted. (Timed alternately against Textual's title, the
pages opened no faster beyond the noise: the pass changed nothing, so painted little.)
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.visual import VisualType
from textual.widgets import Header
from textual.widgets._header import HeaderTitle


class PaintedTitle(HeaderTitle):
    """The header's title; its size is the header's, so a new one is only painted."""

    def update(self, content: VisualType = "", *, layout: bool = False) -> None:
        super().update(content, layout=layout)


class ShadowHeader(Header):
    def compose(self) -> ComposeResult:
        for widget in super().compose():
            yield PaintedTitle() if type(widget) is HeaderTitle else widget
