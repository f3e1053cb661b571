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

Textual also repaints more than changed, and more than once: opening help draws the screen
three times over, going back from a job queue or closing the filter twice, each time whole. So
what the terminal shows is kept, cell by cell (`Shadow`): every frame writes only the runs of
cells that differ from it, and a repaint of what is already on screen writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rich.color import ColorSystem
from rich.console import Console, RenderableType
from rich.control import Control
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate, LayoutUpdate
from textual.strip import SGR_STYLES, Strip

from .widgets.line_diff import cells_of, whole_characters

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

    def cells(self, chars: list[str], styles: list[Style | None]) -> None:
        """Cells as `cells_of` gives them (a wide character's second cell adds nothing)."""
        segments: list[Segment] = []
        text: list[str] = []
        style = styles[0] if styles else None
        for char, cell_style in zip(chars, styles, strict=True):
            if cell_style is not style:
                segments.append(Segment("".join(text), style))
                text, style = [], cell_style
            text.append(char)
        segments.append(Segment("".join(text), style))
        self.strip(segments)

    def strip(self, strip: Strip | Iterable[Segment]) -> None:
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


UNKNOWN = object()  # the style of a cell that may show anything: equal to no style, None included
UNKNOWN_TEXT = "\x00"  # and its text: never drawn, and not "" (the second half of a wide character)
GAP = 8  # unchanged cells between two changed runs that are cheaper to write than to jump over


class Shadow:
    """What the terminal shows, cell by cell, as farmdash last wrote it.

    A frame compares each line it would write with this and writes only the runs that differ.
    It is true only while nothing else writes to the terminal: `forget` it when the terminal
    may show something else (started, resized, ctrl+L, back from a suspend).
    """

    def __init__(self) -> None:
        self.size = (0, 0)
        self.chars: list[list[str]] = []
        self.styles: list[list[object]] = []

    def forget(self, size: tuple[int, int] | None = None) -> None:
        """Know nothing of what the terminal shows: the next frame writes every cell it covers."""
        width, height = self.size = size or self.size
        self.chars = [[UNKNOWN_TEXT] * width for _ in range(height)]
        self.styles = [[UNKNOWN] * width for _ in range(height)]

    def fit(self, size: tuple[int, int]) -> None:
        """A terminal of another size has redrawn or dropped what it showed."""
        if size != self.size:
            self.forget(size)

    def runs(self, y: int, x: int, chars: list[str], styles: list[Style | None]) -> list[tuple[int, int]]:
        """The runs [a, b) of these cells, drawn from column x of line y, that the terminal does not
        show already; from now on it does."""
        end = x + len(chars)
        if not 0 <= y < len(self.chars) or x < 0 or end > len(self.chars[y]):
            # Off the screen (a frame laid out for a larger terminal): the terminal clamps the
            # cursor and writes over its last row or column. Write it, and know nothing after.
            self.forget()
            return [(0, len(chars))] if chars else []
        line_chars, line_styles = self.chars[y], self.styles[y]
        old_chars, old_styles = line_chars[x:end], line_styles[x:end]
        if old_chars == chars and old_styles == styles:
            return []
        line_chars[x:end], line_styles[x:end] = chars, styles
        runs: list[tuple[int, int]] = []
        start = last = -1
        for i, (old_char, char, old_style, style) in enumerate(zip(old_chars, chars, old_styles, styles, strict=True)):
            if old_char == char and old_style == style:
                continue
            if start < 0:
                start = i
            elif i - last > GAP:
                runs.append((start, last + 1))
                start = i
            last = i
        runs.append((start, last + 1))
        # Never write half a wide character: widen a run to the whole of one it cuts, old or new.
        return [whole_characters(a, b, old_chars, chars) for a, b in runs]

    def unknown(self, y: int, x: int, width: int) -> None:
        """These cells were written without being told apart: they may show anything now."""
        if not 0 <= y < len(self.chars) or x + width > len(self.chars[y]):
            self.forget()  # off the screen, over its last row or column: anything, anywhere
            return
        start, end = max(0, x), x + width
        self.chars[y][start:end] = [UNKNOWN_TEXT] * max(0, end - start)
        self.styles[y][start:end] = [UNKNOWN] * max(0, end - start)


def _whole_cells(strip: Strip, start: int, stop: int) -> tuple[int, int]:
    """Widen [start, stop) so that it does not cut a wide character in two (cells as Textual
    measures them: an emoji with a variation selector is one wide character)."""
    if strip.text.isascii():
        return start, stop
    chars, _ = cells_of(strip)
    if len(chars) != strip.cell_length:
        return 0, strip.cell_length  # cells not told apart: the whole piece
    return whole_characters(start, stop, chars)


def _write_untold(writer: SgrWriter, shadow: Shadow, x: int, y: int, segments: Iterable[Segment], width: int) -> None:
    """Cells that cannot be told apart one by one (a piece that starts with an accent): all of them,
    and the shadow knows nothing of them after, nor of the cell before (the accent joins it)."""
    writer.write(Control.move_to(x, y).segment.text)
    writer.strip(segments)
    shadow.unknown(y, x - 1, width + 1)


def _write_cells(
    writer: SgrWriter, shadow: Shadow, x: int, y: int, chars: list[str], styles: list[Style | None]
) -> None:
    """Cells drawn from (x, y): only the runs the terminal does not show already."""
    move_to = Control.move_to
    for start, end in shadow.runs(y, x, chars, styles):
        writer.write(move_to(x + start, y).segment.text)  # an absolute move: no newline between lines
        writer.cells(chars[start:end], styles[start:end])


class SpanUpdate(ChopsUpdate):
    """A partial update that writes each dirty span from where it starts, not from the chop's edge."""

    shadow: Shadow | None = None

    @classmethod
    def from_chops(cls, update: ChopsUpdate, shadow: Shadow | None = None) -> SpanUpdate:
        span_update = cls(update.chops, update.spans, update.chop_ends)
        span_update.shadow = shadow
        return span_update

    def render_segments(self, console: Console) -> str:
        writer = SgrWriter(console)
        shadow = self.shadow
        measured: dict[tuple[int, int], tuple[list[str], list[Style | None]]] = {}  # a chop's cells, once
        for y, x1, x2 in self.spans:
            line = self.chops[y]
            for end, (x, strip) in zip(self.chop_ends[y], line.items(), strict=False):
                if strip is None or x >= x2 or end <= x1:
                    continue
                start, stop = max(x, x1) - x, min(end, x2) - x
                if shadow is None:
                    if start or stop < strip.cell_length:
                        start, stop = _whole_cells(strip, start, stop)
                        strip = strip.crop(start, stop)
                    writer.write(Control.move_to(x + start, y).segment.text)
                    writer.strip(strip)
                    continue
                if (y, x) not in measured:
                    measured[y, x] = cells_of(strip)
                chars, styles = measured[y, x]
                if len(chars) != strip.cell_length:
                    _write_untold(writer, shadow, x, y, strip, strip.cell_length)
                    continue
                start, stop = whole_characters(start, stop, chars)
                _write_cells(writer, shadow, x + start, y, chars[start:stop], styles[start:stop])
        return writer.finish()


class FullUpdate(LayoutUpdate):
    """Textual's full update (every line from its left edge), written with `SgrWriter`."""

    shadow: Shadow | None = None

    @classmethod
    def from_layout(cls, update: LayoutUpdate, shadow: Shadow | None = None) -> FullUpdate:
        full_update = cls(update.strips, update.region)
        full_update.shadow = shadow
        return full_update

    def render_segments(self, console: Console) -> str:
        writer = SgrWriter(console)
        x = self.region.x
        shadow = self.shadow
        for y, line in enumerate(self.strips, self.region.y):
            strips = list(line)
            if shadow is None:
                writer.write(Control.move_to(x, y).segment.text)  # an absolute move: no newline between lines
                for strip in strips:
                    writer.strip(strip)
                continue
            segments = [segment for strip in strips for segment in strip]
            chars, styles = cells_of(segments)
            width = sum(strip.cell_length for strip in strips)
            if len(chars) != width:
                _write_untold(writer, shadow, x, y, segments, width)
            else:
                _write_cells(writer, shadow, x, y, chars, styles)
        return writer.finish()


def by_span(renderable: RenderableType | None, shadow: Shadow | None = None) -> RenderableType | None:
    """Textual's partial update as a `SpanUpdate`, its full update as a `FullUpdate`, each writing
    only what differs from `shadow` (what the terminal shows); else unchanged."""
    if type(renderable) is ChopsUpdate:
        return SpanUpdate.from_chops(renderable, shadow)
    if type(renderable) is LayoutUpdate:
        return FullUpdate.from_layout(renderable, shadow)
    return renderable
