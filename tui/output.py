"""What a frame writes to the terminal: exactly the spans that changed, with the fewest colour codes.

Textual 8.2.8 refreshes only dirty regions, but when it writes a partial update it crops each
piece of a line from the widget's left edge to the end of the dirty span (`ChopsUpdate.
render_segments`: `strip.crop(0, ...)`). For a grid drawn as one widget that means a one-digit
change in the sixth card re-sends the five cards to its left, on every line that changed: the
whole screen, every poll. `SpanUpdate` writes from the start of the span instead; the app swaps
it in for Textual's update just before the frame is written.

Textual also writes every segment as `ESC[<all of its style>m text ESC[0m`: two thirds of a full
repaint are colour codes, most of them saying again what the terminal already has (the cards'
background on every segment). `SgrWriter` writes only the change from the style before, so a
full repaint (`FullUpdate`: a view toggle, a resize, ctrl+L) is about a third smaller, and takes
a third less time down a slow link.
"""

from __future__ import annotations

from functools import lru_cache

from rich.cells import cell_len
from rich.color import ColorSystem
from rich.console import Console, RenderableType
from rich.control import Control
from rich.style import Style
from textual._compositor import ChopsUpdate, LayoutUpdate
from textual.strip import SGR_STYLES, Strip

Sgr = tuple[frozenset[str], str, str]  # attributes, foreground, background, as SGR parameters
PLAIN: Sgr = (frozenset(), "", "")


@lru_cache(maxsize=4096)
def sgr_of(style: Style, color_system: ColorSystem) -> Sgr:
    """A style's SGR parameters, as Textual renders them (`Strip.render_ansi`), in three parts."""
    attributes = style._attributes & style._set_attributes
    on = frozenset(SGR_STYLES[bit] for bit in range(attributes.bit_length()) if attributes & (1 << bit))
    fg = ";".join(style._color.downgrade(color_system).get_ansi_codes()) if style._color is not None else ""
    bg = ";".join(style._bgcolor.downgrade(color_system).get_ansi_codes(False)) if style._bgcolor is not None else ""
    return on, fg, bg


# ECMA-48's codes that turn one attribute off. 22 ends bold and dim alike, 24 both underlines, 25
# both blinks, 54 frame and encircle: an attribute that stays on is written again after them.
SGR_OFF = {
    "1": "22", "2": "22", "3": "23", "4": "24", "21": "24", "5": "25", "6": "25",
    "7": "27", "8": "28", "9": "29", "51": "54", "52": "54", "53": "55",
}  # fmt: skip


@lru_cache(maxsize=4096)
def sgr_change(now: Sgr, then: Sgr) -> str:
    """The escape sequence that takes the terminal from style `now` to style `then`."""
    if now == then:
        return ""
    if then == PLAIN:
        return "\x1b[0m"
    on, fg, bg = then
    from_plain = "\x1b[" + ";".join(["0", *sorted(on), *(code for code in (fg, bg) if code)]) + "m"
    going = now[0] - on
    if any(code not in SGR_OFF for code in going):
        return from_plain  # an attribute with no off code of its own
    offs = {SGR_OFF[code] for code in going}
    ended = {code for code in now[0] if SGR_OFF.get(code) in offs}  # what the off codes also end
    codes = [*sorted(offs), *sorted(on & ended), *sorted(on - now[0])]
    if fg != now[1]:
        codes.append(fg or "39")
    if bg != now[2]:
        codes.append(bg or "49")
    # An attribute going off is one short code where starting from plain wrote the colours again
    # (a card's bold name back to its plain text: 5 bytes, not 22).
    return min("\x1b[" + ";".join(codes) + "m", from_plain, key=len)


class SgrWriter:
    """Writes strips, each style as a change from the one before; ends plain (`finish`)."""

    def __init__(self, console: Console) -> None:
        self.color_system = console._color_system or ColorSystem.TRUECOLOR
        self.parts: list[str] = []
        self.state = PLAIN

    def write(self, text: str) -> None:
        """Text with no style of its own (a cursor move): the terminal's style carries on."""
        self.parts.append(text)

    def strip(self, strip: Strip) -> None:
        append, state, color_system = self.parts.append, self.state, self.color_system
        for text, style, _ in strip:
            if not text:
                continue
            if style is not None and style._link:  # a hyperlink: Textual's own rendering, from plain
                append(sgr_change(state, PLAIN))
                append(Strip.render_style(style, text, color_system))
                state = PLAIN
                continue
            then = PLAIN if style is None else sgr_of(style, color_system)
            if then != state:
                append(sgr_change(state, then))
                state = then
            append(text)
        self.state = state

    def finish(self) -> str:
        self.parts.append(sgr_change(self.state, PLAIN))
        self.state = PLAIN
        return "".join(self.parts)


def _whole_cells(strip: Strip, start: int, stop: int) -> tuple[int, int]:
    """Widen [start, stop) so that it does not cut a double-width character in two."""
    if strip.text.isascii():
        return start, stop
    position = 0
    for text, _, _ in strip:
        for char in text:
            width = cell_len(char)
            if width == 2:
                if position < start < position + 2:
                    start = position
                if position < stop < position + 2:
                    stop = position + 2
            position += width
            if position >= stop:
                return start, stop
    return start, stop


class SpanUpdate(ChopsUpdate):
    """A partial update that writes each dirty span from where it starts, not from the chop's edge."""

    @classmethod
    def from_chops(cls, update: ChopsUpdate) -> SpanUpdate:
        return cls(update.chops, update.spans, update.chop_ends)

    def render_segments(self, console: Console) -> str:
        writer = SgrWriter(console)
        move_to = Control.move_to
        # Every piece starts with an absolute cursor move, so no newline is needed between lines.
        for y, x1, x2 in self.spans:
            line = self.chops[y]
            for end, (x, strip) in zip(self.chop_ends[y], line.items(), strict=False):
                if strip is None or x >= x2 or end <= x1:
                    continue
                start, stop = max(x, x1) - x, min(end, x2) - x
                if start or stop < strip.cell_length:
                    start, stop = _whole_cells(strip, start, stop)
                    strip = strip.crop(start, stop)
                writer.write(move_to(x + start, y).segment.text)
                writer.strip(strip)
        return writer.finish()


class FullUpdate(LayoutUpdate):
    """Textual's full update (every line from its left edge), written with `SgrWriter`."""

    @classmethod
    def from_layout(cls, update: LayoutUpdate) -> FullUpdate:
        return cls(update.strips, update.region)

    def render_segments(self, console: Console) -> str:
        writer = SgrWriter(console)
        move_to = Control.move_to
        x = self.region.x
        for y, line in enumerate(self.strips, self.region.y):
            writer.write(move_to(x, y).segment.text)  # an absolute move: no newline between lines
            for strip in line:
                writer.strip(strip)
        return writer.finish()


def by_span(renderable: RenderableType | None) -> RenderableType | None:
    """Textual's partial update as a `SpanUpdate`, its full update as a `FullUpdate`; else unchanged."""
    if type(renderable) is ChopsUpdate:
        return SpanUpdate.from_chops(renderable)
    if type(renderable) is LayoutUpdate:
        return FullUpdate.from_layout(renderable)
    return renderable
