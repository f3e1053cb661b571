"""Rendered strips freed when they are dropped, not when the collector next walks the oldest objects.

Textual 8.2.8's `Strip.divide` caches its result on the strip, and when the cut is the whole
strip that result is `[self]`: the strip holds itself. The compositor divides every line of every
widget on each frame, so nearly every strip became a cycle that only the garbage collector can
free. Strips that live a while (the cards' strip cache, Textual's line caches) reach the oldest
generation, which farmdash collects only every ~100 million allocations (`tui/launch.py`), and
RSS grew with every strip dropped there. `keep_strips_acyclic` makes the whole-strip cut return
`[self]` without caching it (the same result; a list is cheaper than the cache lookup).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.strip import Strip

_textual_divide = Strip.divide


def _divide(self: Strip, cuts: Iterable[int]) -> Sequence[Strip]:
    cell_length = self.cell_length
    cuts = [cut for cut in cuts if cut <= cell_length]  # as Textual filters them
    if cuts == [cell_length]:  # the whole strip: itself, uncached
        return [self]
    return _textual_divide(self, cuts)


def keep_strips_acyclic() -> None:
    """Install the uncached whole-strip cut (idempotent)."""
    Strip.divide = _divide  # type: ignore[method-assign]
