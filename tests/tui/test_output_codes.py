"""Colour codes: each style written as a change from the one before, the same cells on screen."""

from __future__ import annotations

import pyte
from rich.color import ColorSystem
from rich.style import Style

from tui.output import PLAIN, FullUpdate, sgr_change, sgr_of

from .conftest import settle

SYSTEM = ColorSystem.EIGHT_BIT


def change(now: Style | None, then: Style | None) -> str:
    return sgr_change(sgr_of(now, SYSTEM) if now else PLAIN, sgr_of(then, SYSTEM) if then else PLAIN)


def test_only_what_differs_is_written():
    card = Style(color="color(244)", bgcolor="color(233)")
    assert change(None, card) == "\x1b[38;5;244;48;5;233m"
    assert change(card, card) == ""
    assert change(card, Style(color="color(246)", bgcolor="color(233)")) == "\x1b[38;5;246m"  # the background stays
    assert change(card, card + Style(bold=True)) == "\x1b[1m"
    assert change(card, Style(bgcolor="color(233)")) == "\x1b[39m"  # back to the default foreground
    assert change(card, None) == "\x1b[0m"


def test_an_attribute_that_goes_off_starts_from_plain():
    bold = Style(bold=True, color="color(80)", bgcolor="color(233)")
    dim = Style(dim=True, color="color(80)", bgcolor="color(233)")
    assert change(bold, dim) == "\x1b[0;2;38;5;80;48;5;233m"  # 22 would turn dim off as well
    assert change(bold + Style(reverse=True), bold) == "\x1b[0;1;38;5;80;48;5;233m"


def screen_of(data: str, size: tuple[int, int]) -> list[list[tuple]]:
    screen = pyte.Screen(*size)
    pyte.Stream(screen).feed(data)
    return [[tuple(screen.buffer[y][x]) for x in range(size[0])] for y in range(size[1])]


async def test_a_full_repaint_shows_the_same_cells_in_fewer_bytes(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
        textual = update.render_segments(app.console)
        ours = FullUpdate.from_layout(update).render_segments(app.console)
        assert screen_of(ours, (160, 48)) == screen_of(textual, (160, 48))
        assert len(ours.encode()) <= 0.75 * len(textual.encode()), (len(ours.encode()), len(textual.encode()))
