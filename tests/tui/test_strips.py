"""tui/strips.py: Textual's Strip makes its caches when first used, and behaves the same."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

import shadow.tui.app  # noqa: F401  (applies it, as running the TUI does)
from shadow.tui import strips


def test_the_tui_makes_strips_without_their_caches():
    assert strips.lazy_strip_caches()  # (already applied: the TUI's import did)
    strip = Strip([Segment("hello "), Segment("world", Style(bold=True))])
    slot_of = {name: type(Strip.__dict__[name]) for name in strips.CACHES}
    assert all(kind is property for kind in slot_of.values())
    # Nothing made yet; the crop's cache made by the first crop, and used by the next.
    made = [name for name in strips.CACHES if _held(strip, name)]
    assert made == []
    first = strip.crop(0, 5)
    assert [name for name in strips.CACHES if _held(strip, name)] == ["_crop_cache"]
    assert strip.crop(0, 5) is first
    assert first.text == "hello" and strip.cell_length == 11


def test_what_strips_do_is_unchanged():
    strip = Strip([Segment("ab"), Segment("cd", Style(italic=True)), Segment("ef")])
    assert [s.text for s in strip.divide([2, 4, 6])] == ["ab", "cd", "ef"]
    assert strip.crop_extend(1, 8, None).text == "bcdef  "
    assert strip.apply_style(Style(bold=True)).text == "abcdef"
    assert strip.extend_cell_length(8).cell_length == 8
    assert strip.simplify().text == "abcdef"
    assert Strip.join([strip, strip]).text == "abcdefabcdef"


def _held(strip: Strip, name: str) -> bool:
    slot = strips.Strip.__dict__[name].fget.__closure__  # the slot the property keeps
    descriptor = next(c.cell_contents for c in slot if hasattr(c.cell_contents, "__set__"))
    try:
        descriptor.__get__(strip, Strip)
    except AttributeError:
        return False
    return True
