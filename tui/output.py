"""What a frame writes to the terminal: exactly the spans that changed.

Textual 8.2.8 refreshes only dirty regions, but when it writes a partial update it crops each
piece of a line from the widget's left edge to the end of the dirty span (`ChopsUpdate.
render_segments`: `strip.crop(0, ...)`). For a grid drawn as one widget that means a one-digit
change in the sixth card re-sends the five cards to its left, on every line that changed: the
whole screen, every poll. `SpanUpdate` writes from the start of the span instead; the app swaps
it in for Textual's update just before the frame is written.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.control import Control
from textual._compositor import ChopsUpdate
from textual.strip import Strip


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
        sequences: list[str] = []
        append = sequences.append
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
                append(move_to(x + start, y).segment.text)
                append(strip.render(console))
        return "".join(sequences)


def by_span(renderable: RenderableType | None) -> RenderableType | None:
    """Textual's partial update as a `SpanUpdate`; anything else unchanged."""
    if type(renderable) is ChopsUpdate:
        return SpanUpdate.from_chops(renderable)
    return renderable
