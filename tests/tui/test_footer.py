"""The shared footer (ShadowFooter) ends with its keys exactly as Textual's Footer leaves them."""

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

from shadow.tui.widgets.footer import ShadowFooter


def keys_of(app: App) -> list[tuple[str, bool, frozenset[str]]]:
    return [(k.key, k.compact, frozenset(k.classes)) for k in app.query(FooterKey)]


def footer_app(footer_class, compact: bool) -> App:
    class FooterApp(App):
        BINDINGS = [Binding("a", "add", "Add"), Binding("e", "edit", "Edit"),
                    Binding("x", "clear", "Clear", show=False)]  # fmt: skip

        def compose(self) -> ComposeResult:
            yield footer_class(compact=compact)

    return FooterApp()


@pytest.mark.parametrize("compact", [False, True])
async def test_keys_end_as_textuals_do(compact):
    seen = []
    for footer_class in (TextualFooter, ShadowFooter):
        app = footer_app(footer_class, compact)
        async with app.run_test(size=(80, 10)) as pilot:
            await pilot.pause()
            seen.append(keys_of(app))
            if footer_class is ShadowFooter:  # and they follow the footer when it changes
                app.query_one(ShadowFooter).compact = not compact
                await pilot.pause()
                bound = [k for k in app.query(FooterKey) if k.key in "ae"]
                assert len(bound) == 2 and all(k.compact is not compact for k in bound)
                assert all(k.has_class("-compact") is not compact for k in bound)
    assert [key for key, _, _ in seen[1]] == ["a", "e", "ctrl+p"]
    assert seen[0] == seen[1]
    assert all(c == compact and ("-compact" in cls) == compact for _, c, cls in seen[1][:2])


async def test_keys_are_not_restyled_as_they_mount(monkeypatch):
    """Textual's keys add and then drop a class as they mount, a stylesheet pass each
    (twice per key per footer built); ours are built with their class already right."""
    passes = []
    original = FooterKey.update_node_styles

    def counted(key, *args, **kwargs):
        passes.append(key.key)
        return original(key, *args, **kwargs)

    monkeypatch.setattr(FooterKey, "update_node_styles", counted)
    counts = []
    for footer_class in (TextualFooter, ShadowFooter):
        passes.clear()
        app = footer_app(footer_class, False)
        async with app.run_test(size=(80, 10)) as pilot:
            await pilot.pause()
        counts.append(sorted(k for k in passes if k in "ae"))
    assert counts == [["a", "a", "e", "e"], []]


async def test_keys_are_built_again_only_when_the_bindings_change():
    """A signal that the bindings changed, when they did not, keeps the keys built; an
    entry disabled, or another width, builds them again."""
    enabled: dict[str, bool | None] = {"edit": True}

    class GatedApp(App):
        BINDINGS = [Binding("a", "add", "Add"), Binding("e", "edit", "Edit")]

        def compose(self) -> ComposeResult:
            yield ShadowFooter()

        def check_action(self, action: str, parameters: tuple) -> bool | None:
            return enabled.get(action, True)

    app = GatedApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        built = list(app.query(FooterKey))
        assert [k.key for k in built][:2] == ["a", "e"]
        app.refresh_bindings()
        await pilot.pause()
        assert list(app.query(FooterKey)) == built  # the same widgets: not built again
        enabled["edit"] = None  # (shown, disabled)
        app.refresh_bindings()
        await pilot.pause()
        keys = list(app.query(FooterKey))
        assert keys != built and [k.has_class("-disabled") for k in keys][:2] == [False, True]
        await pilot.resize_terminal(60, 10)
        await pilot.pause()
        assert list(app.query(FooterKey)) != keys


async def test_a_footer_is_built_with_its_keys_at_once(monkeypatch):
    """Textual's footer is built empty and then again once the screen first says its
    bindings changed (one more layout pass and paint of every screen shown); ours is built
    with its keys when it is composed, and not again while they stay the same."""
    builds: list[int] = []
    original = ShadowFooter.compose

    def counted(footer):
        items = list(original(footer))
        builds.append(len(items))
        return iter(items)

    monkeypatch.setattr(ShadowFooter, "compose", counted)
    app = footer_app(ShadowFooter, False)
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        app.refresh_bindings()
        await pilot.pause()
        assert [k.key for k in app.query(FooterKey)] == ["a", "e", "ctrl+p"]
    assert builds == [3]
