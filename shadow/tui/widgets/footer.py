"""The footer every screen and dialog shows: Textual's, fitted to the terminal's width.

Textual's footer cuts whatever passes the right edge, so at 80 columns a screen with many
commands lost its last ones (the visit page's No-show and Back). This one leaves out
whole entries instead, in this order until the rest fits: the commands declared
``spare`` (``tui/commands.py``; the last declared first), then the others from the end.
Help (``?``) always stays: it, like the palette, lists every command of the screen.

It also builds each key without restyling it twice. Textual's ``FooterKey`` starts
``compact`` (its watcher adds the ``-compact`` class and restyles the key) and is then
bound to the footer's ``compact`` (not compact here: the watcher removes the class and
restyles it again): a full stylesheet pass per key, twice, each time a footer is built
(every screen shown, every change of bindings). Here each key starts with the footer's
own value and class, so neither watcher runs; the keys end up exactly as Textual's do
(tests/tui/test_footer.py compares them).
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.events import Resize
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from ..commands import Command

HELP_ACTIONS = frozenset({"help", "app.help"})


def key_width(key: FooterKey, compact: bool) -> int:
    """The cells one entry takes (Textual's CSS: the key padded by one on each side and
    the description followed by one; compact: the key bare, one before the description
    and a margin of one after)."""
    described = cell_len(key.key_display) + cell_len(key.description)
    return described + (2 if compact else 3)


class ShadowFooter(Footer):
    """A footer that drops whole entries, spare ones first, rather than cut them off."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._fitted_width = 0
        self.left_out: list[str] = []  # the actions of the entries left out (tests read it)
        self._composed_for: tuple | None = None  # what the keys shown were built from

    def _signature(self) -> tuple | None:
        """Everything the keys are built from: the screen's bindings shown (with whether
        each is enabled), the width they are fitted to, compact and the palette's entry."""
        if not self._bindings_ready:
            return None
        shown = tuple(
            (key, b.key, b.key_display, b.action, b.description, b.tooltip, id(b.group))
            + (enabled, tooltip)
            for key, (_node, b, enabled, tooltip) in self.screen.active_bindings.items()
            if b.show or key == self.app.COMMAND_PALETTE_BINDING
        )
        return (shown, self.app.size.width, self.compact, self.show_command_palette)

    async def recompose(self) -> None:
        """Built again only if what it is built from changed: a screen shown, a focus
        moved or a table filled signal their bindings changed, mostly to the same keys
        (each build restyles every key: two builds of ~0.1 s each time an area opened)."""
        if self.is_attached and self._composed_for is not None:
            if self._signature() == self._composed_for:
                return
        await super().recompose()

    def compose(self) -> ComposeResult:
        if not self._bindings_ready and self.is_attached:
            # Textual's footer is built empty, then again with its keys once the screen
            # first says its bindings changed: a second layout pass and paint of every
            # screen shown. The screen's bindings are there to read now (a later change
            # builds it again if the keys differ).
            self.set_reactive(Footer._bindings_ready, True)
        self._composed_for = self._signature()
        items: list[Widget] = list(self._keys())
        palette = [w for w in items if w.has_class("-command-palette")]
        keys = [w for w in items if isinstance(w, FooterKey) and w not in palette]
        width = self.app.size.width
        self._fitted_width = width
        # the palette's entry has a border; the last entry's trailing space may go under it
        room = width - sum(key_width(p, self.compact) for p in palette)
        self.left_out = []
        for victim in self._drop_order(keys):
            if sum(key_width(k, self.compact) for k in keys) <= room:
                break
            keys.remove(victim)
            items.remove(victim)
            self.left_out.append(victim.action)
        yield from items

    def _keys(self) -> Iterable[Widget]:
        compact = self.compact
        for widget in super().compose():
            # (only the keys bound to the footer's compact: the command palette's is not)
            if isinstance(widget, FooterKey) and "compact" in (widget._reactive_connect or {}):
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    def _drop_order(self, keys: list[FooterKey]) -> Iterable[FooterKey]:
        spare = [k for k in keys if self._is_spare(k)]
        rest = [k for k in keys if k not in spare and k.action not in HELP_ACTIONS]
        return [*reversed(spare), *reversed(rest)]

    def _is_spare(self, key: FooterKey) -> bool:
        """Whether the entry's declaration (on the screen or the app) says ``spare``."""
        active = self.screen.active_bindings.get(key.key)
        if active is None:
            return False
        declared: tuple[Command, ...] = getattr(active.node, "COMMAND_LIST", ())
        return any(c.spare and c.action == key.action for c in declared)

    def on_resize(self, event: Resize) -> None:
        if self.app.size.width != self._fitted_width:
            self.call_after_refresh(self.recompose)
