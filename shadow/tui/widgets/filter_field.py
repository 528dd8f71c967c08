"""An area's filter box: a keystroke's letter and the rows it filters painted at once.

A plain Input tells what it holds with a ``Changed`` message that bubbles up through each
container, one message queue at a time, to the screen that filters; meanwhile the
Input's own repaint reaches the screen directly, and the screen lays out and paints the
letter alone. The rows, labels and scrollbar the filter changed are each told to the
screen when that widget next goes idle (DataTable even works out its new height then),
which came after the screen's next frame had begun: a keystroke took two or three
layout passes, the rows painted 0.061-0.090 s after the key at 10,000 records.

Here ``Changed`` goes straight to the screen, where the areas handle it (handlers on the
containers between, of which there are none, would not see it), and then what the
filter changed is told to the screen at once (``painting.refreshes_now``): one layout
pass paints the letter and the rows together (0.036-0.040 s from key to rows at 10,000
records, benchmarks/tui_probe.py), unless the filtering took more than a frame
(``ONE_PASS_SECONDS``).
"""

from __future__ import annotations

import time

from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input

from ..painting import refreshes_now

# A filtering that took longer than this (a frame) is not painted in the same pass as the
# letter: the two in one go left the event loop without a turn for the filtering and the
# layout together (0.06-0.08 s at 150,000 records, where the filtering alone is 0.03-0.05
# s); each told to the screen as it goes idle, other input gets a turn between them.
ONE_PASS_SECONDS = 1 / 60


class FilterField(Input):
    """An Input whose ``Changed`` is posted to its screen directly, followed by
    ``refreshes_now`` once the screen has handled it, when that took under a frame."""

    def post_message(self, message: Message) -> bool:
        if isinstance(message, Input.Changed) and message.input is self and self.is_attached:
            screen = self.screen
            if screen is not self and screen.post_message(message):
                # (queued after the message: called once the screen has filtered)
                screen.call_later(_painted_at_once, screen, time.perf_counter())
                return True
        return super().post_message(message)


def _painted_at_once(screen: Screen, posted: float) -> None:
    if time.perf_counter() - posted <= ONE_PASS_SECONDS:
        refreshes_now(screen)
