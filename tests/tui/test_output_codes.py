"""Colour codes: each style written as a change from the one before, the same cells on screen."""

from __future__ import annotations

import pyte
from rich.color import ColorSystem
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate
from textual.strip import Strip

from tui.output import PLAIN, FullUpdate, Shadow, SpanUpdate, sgr_change, sgr_of
from tui.widgets.line_diff import cells_of

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


def test_an_attribute_that_goes_off_is_turned_off_on_its_own():
    bold = Style(bold=True, color="color(80)", bgcolor="color(233)")
    plain = Style(color="color(80)", bgcolor="color(233)")
    assert change(bold, plain) == "\x1b[22m"  # was "\x1b[0;38;5;80;48;5;233m": the colours written again
    assert change(bold + Style(reverse=True), bold) == "\x1b[27m"
    assert change(bold, Style(dim=True, color="color(80)", bgcolor="color(233)")) == "\x1b[22;2m"  # 22 ends dim too
    both = bold + Style(dim=True)
    assert change(both, Style(dim=True, color="color(80)", bgcolor="color(233)")) == "\x1b[22;2m"
    assert change(bold + Style(italic=True), Style(color="color(81)", bgcolor="color(233)")) == "\x1b[22;23;38;5;81m"
    # when turning attributes off one by one is longer than starting again from plain, plain it is
    many = Style(bold=True, italic=True, underline=True, reverse=True, strike=True, color="color(100)")
    assert change(many, Style(color="color(100)")) == "\x1b[0;38;5;100m"


def test_every_change_of_attributes_shows_the_same_cells_as_textuals_own_codes():
    """Each pair of styles from a set of attributes: the change written after the first style must
    leave the terminal (pyte) showing what Textual's full codes for the second show."""
    colours = [Style(color="color(80)", bgcolor="color(233)"), Style(color="color(81)"), Style()]
    attributes = [Style(bold=True), Style(italic=True), Style(underline=True), Style(reverse=True), Style(strike=True)]
    styles = [colour + extra for colour in colours for extra in [Style(), *attributes, attributes[0] + attributes[3]]]
    for first in styles:
        for second in styles:
            ours = change(None, first) + "a" + change(first, second) + "b"
            theirs = Strip.render_style(first, "a", SYSTEM) + Strip.render_style(second, "b", SYSTEM)
            assert screen_of(ours, (2, 1)) == screen_of(theirs, (2, 1)), (first, second)


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


def cells(text: str, style: Style | None = None) -> tuple[list[str], list[Style | None]]:
    return cells_of([Segment(text, style)])


def test_the_shadow_writes_only_runs_the_terminal_does_not_show():
    shadow = Shadow()
    shadow.fit((20, 2))
    assert shadow.runs(0, 0, *cells("a" * 20)) == [(0, 20)]  # nothing known yet: every cell
    assert shadow.runs(0, 0, *cells("a" * 20)) == []  # shown already: nothing
    assert shadow.runs(0, 0, *cells("a" * 5 + "b" + "a" * 14)) == [(5, 6)]
    assert shadow.runs(0, 4, *cells("a" * 6)) == [(1, 2)]  # a piece from column 4: its own columns
    bold = Style(bold=True)
    assert shadow.runs(0, 0, *cells("a" * 20, bold)) == [(0, 20)]  # the same letters in another style
    # two changes far apart are two runs; close together, one (a jump costs more than a few cells)
    assert shadow.runs(0, 0, *cells("b" + "a" * 18 + "b", bold)) == [(0, 1), (19, 20)]
    assert shadow.runs(0, 0, *cells("a" * 3 + "c" + "a" * 15 + "b", bold)) == [(0, 4)]
    assert shadow.runs(1, 0, *cells("x" * 20)) == [(0, 20)]  # the other line is its own


def test_the_shadow_never_writes_half_a_wide_character():
    shadow = Shadow()
    shadow.fit((6, 1))
    shadow.runs(0, 0, *cells("ab漢cd"))
    assert shadow.runs(0, 0, *cells("ab字cd")) == [(2, 4)]
    assert shadow.runs(0, 0, *cells("abxycd")) == [(2, 4)]  # both halves of the old one written over
    shadow.runs(0, 0, *cells("ab漢cd"))
    assert shadow.runs(0, 0, *cells("ab漢xd")) == [(4, 5)]
    assert shadow.runs(0, 0, *cells("abc漢d")) == [(2, 5)]  # the old one's second half and the new one
    assert shadow.runs(0, 0, *cells("abce\u0301fd")) == [(3, 5)]  # an accent joins its letter's cell


def test_cells_are_measured_as_textual_measures_them():
    """By grapheme, as Rich 15 does: a heart with a variation selector is one wide character, a
    family joined by zero-width joiners is one, a skin tone and an accent belong to theirs."""
    for text in ["a❤️b", "a⚠️b", "a👨‍👩‍👧b", "a👍🏽b", "ae\u0301b", "ab漢字", "N 210°"]:
        chars, styles = cells(text)
        assert len(chars) == len(styles) == Strip([Segment(text)]).cell_length, text
    assert cells("a❤️b")[0] == ["a", "❤️", "", "b"]
    assert cells("a👍🏽b")[0] == ["a", "👍🏽", "", "b"]


def test_a_piece_whose_cells_cannot_be_told_apart_is_written_whole_and_forgotten():
    """A piece cut between a letter and its accent starts with a cell of no width: its cells are
    written as they are, and the shadow knows nothing of them, or of the letter's cell, after."""
    shadow = Shadow()
    shadow.fit((6, 1))
    shadow.runs(0, 0, *cells("abcdef"))
    piece = Strip([Segment("\u0301xy")])  # one entry more than cells
    update = SpanUpdate.from_chops(ChopsUpdate([{2: piece}], [(0, 2, 4)], [[4]]), shadow)
    written = update.render_segments(Console(color_system=None, force_terminal=True))
    assert "\u0301xy" in written
    # rewritten where the piece went, and the cell before it, which a terminal gives the accent to
    assert shadow.runs(0, 0, *cells("abcdef")) == [(1, 4)]


def test_a_span_is_widened_to_whole_characters_as_textual_measures_them():
    """A variation selector before a wide character: counted a code point at a time, the span over
    the wide character was widened a column left, and the character written a column off."""
    strip = Strip([Segment("\u26a0\ufe0f\u56db\u53f7")])  # warning sign + VS16, then two wide characters
    assert strip.cell_length == 6
    update = SpanUpdate.from_chops(ChopsUpdate([{0: strip}], [(0, 2, 4)], [[6]]), None)
    written = update.render_segments(Console(color_system=None, force_terminal=True))
    assert written.startswith("\x1b[1;3H\u56db"), repr(written)  # column 3 (1-based), the first wide one
    update = SpanUpdate.from_chops(ChopsUpdate([{0: strip}], [(0, 3, 4)], [[6]]), None)  # half of it
    assert update.render_segments(Console(color_system=None, force_terminal=True)).startswith("\x1b[1;3H\u56db")


def test_the_shadow_forgets_on_a_new_size_or_when_told():
    shadow = Shadow()
    shadow.fit((4, 1))
    shadow.runs(0, 0, *cells("abcd"))
    shadow.fit((4, 1))
    assert shadow.runs(0, 0, *cells("abcd")) == []
    shadow.forget()  # ctrl+L, or back from a suspend
    assert shadow.runs(0, 0, *cells("abcd")) == [(0, 4)]
    shadow.fit((5, 1))  # a resize: the terminal redrew or dropped what it showed
    assert shadow.runs(0, 0, *cells("abcd")) == [(0, 4)]
    shadow.runs(0, 0, *cells("abcd"))
    # Off the known screen the terminal writes over its last column or row: written whole, and
    # nothing is known after it.
    assert shadow.runs(0, 3, *cells("abcd")) == [(0, 4)]
    assert shadow.runs(0, 0, *cells("abcd")) == [(0, 4)]
    assert shadow.runs(1, 0, *cells("abcd")) == [(0, 4)]
    assert shadow.runs(0, 0, *cells("abcd")) == [(0, 4)]
