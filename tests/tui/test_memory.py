"""Memory that stays flat: what a key press builds is gone once it is no longer shown."""

from __future__ import annotations

import gc

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
