"""Memory that stays flat: what a key press builds is gone once it is no longer shown."""

from __future__ import annotations

import gc

import pytest
from rich.segment import Segment
from textual.cache import FIFOCache
from textual.strip import Strip
from textual.widgets._footer import FooterKey

from api.sim import FarmSettings, SimClock, generate_farm
from tui import strips
from tui.widgets.printer_grid import PrinterGrid

from .helpers import build_app, settle


def removed_footer_keys() -> int:
    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, FooterKey) and not thing.is_attached)


async def test_footer_keys_of_earlier_layouts_do_not_pile_up(app):
    """Each view toggle lays the footer out again; the keys it removed must not stay alive."""
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        for _ in range(4):
            await pilot.press("v")
            await pilot.pause()
        assert removed_footer_keys() == 0


def test_a_strip_cut_whole_is_freed_when_dropped(app):
    """Textual cached `[self]` on the strip: every rendered line was a cycle only the collector frees."""
    assert app is not None  # the app installs the uncached whole-strip cut
    gc.collect()
    gc.disable()
    try:
        strip = Strip([Segment("▶ PRINTING 58%")])
        assert strip.divide([strip.cell_length]) == [strip]
        assert [part.text for part in strip.divide([2, strip.cell_length])] == ["▶ ", "PRINTING 58%"]
        del strip
        assert gc.collect() == 0  # freed by reference counting: nothing left for the collector
    finally:
        gc.enable()


def test_strip_caches_are_made_on_first_use_with_textuals_sizes(app):
    """A strip builds no cache until it needs one; the lazy ones are the ones Textual makes, at its sizes."""
    assert app is not None  # the app installs the lazy caches
    textual_made = object.__new__(Strip)
    strips._textual_init(textual_made, [Segment("x")])
    made = {name: getattr(textual_made, name) for name in Strip.__slots__ if name.endswith("_cache")}
    eager = {name: cache._maxsize for name, cache in made.items() if isinstance(cache, FIFOCache)}
    assert eager == strips.LAZY_CACHES

    strip = Strip([Segment("▶ PRINTING 58%")])
    assert [name for name in strips.LAZY_CACHES if _is_set(strip, name)] == []
    cropped = strip.crop(2, 10)
    assert cropped.text == "PRINTING"
    assert strip.crop(2, 10) is cropped  # the crop cache was made on first use and holds the crop
    assert _is_set(strip, "_crop_cache") and not _is_set(strip, "_style_cache")
    with pytest.raises(AttributeError):
        strip.no_such_thing  # noqa: B018


async def test_the_card_cache_keeps_a_few_screenfuls_however_far_the_list_is_scrolled(sim_server, monkeypatch):
    """Every entry is ~50 objects each garbage collection walks: scrolling a long farm must not keep them all,
    yet the page just left is still drawn from the cache."""
    farm = generate_farm(300, seed=7, clock=SimClock.frozen_at(), settings=FarmSettings(seed=7))
    sim_server.farm = farm
    app = build_app(sim_server, farm)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(PrinterGrid)
        on_screen = grid.columns * (grid.size.height // grid.ITEM_HEIGHT + 1)
        for _ in range(len(farm.printers)):
            await pilot.press("pagedown")
            await pilot.pause()
            if grid.cursor == len(farm.printers) - 1:
                break
        assert grid.cursor == len(farm.printers) - 1
        assert len(grid._cache) <= 6 * on_screen < len(farm.printers)  # a few screenfuls, not all 300 cards seen
        drawn: list[int] = []
        render_item = grid.render_item
        monkeypatch.setattr(grid, "render_item", lambda view, *args: drawn.append(view.id) or render_item(view, *args))
        await pilot.press("pageup")
        await pilot.pause()
        # only what the selection changed: the card now selected, and the one selected when that page was left
        assert grid.selected is not None and grid.selected.id in drawn and len(drawn) <= 2 < on_screen


def _is_set(strip: Strip, name: str) -> bool:
    """Whether the slot holds a value, without the lazy hook making one."""
    try:
        getattr(Strip, name).__get__(strip, Strip)
    except AttributeError:
        return False
    return True
