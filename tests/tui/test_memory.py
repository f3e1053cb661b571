"""Memory that stays flat: what a key press builds is gone once it is no longer shown."""

from __future__ import annotations

import gc

import pytest
from rich.segment import Segment
from textual.cache import FIFOCache
from textual.strip import Strip
from textual.widgets._footer import FooterKey

from tui import strips

from .conftest import settle


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


def _is_set(strip: Strip, name: str) -> bool:
    """Whether the slot holds a value, without the lazy hook making one."""
    try:
        getattr(Strip, name).__get__(strip, Strip)
    except AttributeError:
        return False
    return True
