"""Which cells of a line changed: the smallest span to repaint, so a poll sends only what moved.

Textual sends exactly the regions a widget refreshes, and a refreshed region re-sends every cell
in it. A card whose nozzle went from 210° to 211° needs three cells, not the card's 7 x 26.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import split_graphemes
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip


def cells_of(segments: Iterable[Segment]) -> tuple[list[str], list[Style | None]]:
    """What each cell shows: its text and its style, in two lists, one entry a cell.

    Cells are measured as Rich (and so Textual) measures them, by grapheme: U+2764 U+FE0F (a heart and a
    variation selector) is one wide character, a family joined by zero-width joiners is one, an
    accent belongs to its letter. A wide character's second cell has the text "". A piece that
    starts with a zero-width character (cut between a letter and its accent) gives one entry
    more than it has cells: callers compare the length with the piece's width.
    """
    chars: list[str] = []
    styles: list[Style | None] = []
    for text, style, _ in segments:
        if text.isascii():
            chars.extend(text)
            styles.extend([style] * len(text))
            continue
        spans, _ = split_graphemes(text)
        for start, end, width in spans:
            if width == 0 and chars:
                chars[-1] += text[start:end]
                continue
            chars.append(text[start:end])
            styles.append(style)
            if width == 2:
                chars.append("")
                styles.append(style)
    return chars, styles


def whole_characters(start: int, end: int, *lines: list[str]) -> tuple[int, int]:
    """Widen [start, end) so that it cuts no wide character in two in any of these lines (texts
    of cells as `cells_of` gives them: a wide character's second cell is "")."""
    widened = True
    while widened:
        widened = False
        for chars in lines:
            if 0 < start < len(chars) and chars[start] == "":
                start, widened = start - 1, True
            if end < len(chars) and chars[end] == "":
                end, widened = end + 1, True
    return start, end


def changed_span(old: Strip | None, new: Strip) -> tuple[int, int] | None:
    """The cells [start, end) where `new` draws something other than `old`; None if nothing."""
    if old is new:
        return None
    old_segments = old._segments if old is not None else None
    new_segments = new._segments
    if old_segments == new_segments:
        return None
    if old is None or old_segments is None:
        return (0, new.cell_length)
    (before, before_styles), (after, after_styles) = cells_of(old_segments), cells_of(new_segments)
    if len(before) != old.cell_length or len(after) != new.cell_length:  # cells not told apart: all of it
        return (0, new.cell_length)
    shortest = min(len(before), len(after))
    start = 0
    while start < shortest and before[start] == after[start] and before_styles[start] == after_styles[start]:
        start += 1
    end_before, end_after = len(before), len(after)
    while (
        end_before > start
        and end_after > start
        and before[end_before - 1] == after[end_after - 1]
        and before_styles[end_before - 1] == after_styles[end_after - 1]
    ):
        end_before -= 1
        end_after -= 1
    end = max(end_before, end_after)
    if start >= end:
        return None
    return whole_characters(start, end, before, after)
