"""Memory that stays flat: what a key press builds is gone once it is no longer shown."""

from __future__ import annotations

import gc

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets._footer import FooterKey

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
