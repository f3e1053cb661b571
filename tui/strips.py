"""Rendered strips freed when they are dropped, not when the collector next walks the oldest objects.

Textual 8.2.8's `Strip.divide` caches its result on the strip, and when the cut is the whole
strip that result is `[self]`: the strip holds itself. The compositor divides every line of every
widget on each frame, so nearly every strip became a cycle that only the garbage collector can
free. Strips that live a while (the cards' strip cache, Textual's line caches) reach the oldest
generation, which farmdash then collected only every ~100 million allocations, and
RSS grew with every strip dropped there. `keep_strips_acyclic` makes the whole-strip cut return
`[self]` without caching it (the same result; a list is cheaper than the cache lookup).

Each strip also made seven empty caches (crop, style, filter ...) as it was built, though most
strips are drawn once and never cropped or styled again: eight objects for the collector to walk
where one does. A strip now makes a cache the first time it uses it (`Strip.__getattr__` runs only
for an attribute not set yet, as Textual's own `Content` does for its divide cache). At 5,000
printers, this took ~10,000 of the ~44,000 objects each collection walked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.segment import Segment
from textual.cache import FIFOCache
from textual.strip import Strip

_textual_divide = Strip.divide
_textual_init = Strip.__init__

# Textual 8.2.8's caches of a strip and their sizes (a test checks them against Textual's own).
LAZY_CACHES = {
    "_divide_cache": 4,
    "_crop_cache": 16,
    "_style_cache": 16,
    "_filter_cache": 4,
    "_line_length_cache": 4,
    "_crop_extend_cache": 4,
    "_offsets_cache": 4,
}


def _init(self: Strip, segments: Iterable[Segment], cell_length: int | None = None) -> None:
    self._segments = list(segments)
    self._cell_length = cell_length
    self._render_cache = None
    self._link_ids = None
    self._cell_count = None


def _first_use(self: Strip, name: str) -> FIFOCache:
    size = LAZY_CACHES.get(name)
    if size is None:
        raise AttributeError(f"'Strip' object has no attribute {name!r}")
    cache: FIFOCache = FIFOCache(size)
    setattr(self, name, cache)
    return cache


def _divide(self: Strip, cuts: Iterable[int]) -> Sequence[Strip]:
    cell_length = self.cell_length
    cuts = [cut for cut in cuts if cut <= cell_length]  # as Textual filters them
    if cuts == [cell_length]:  # the whole strip: itself, uncached
        return [self]
    return _textual_divide(self, cuts)


def keep_strips_acyclic() -> None:
    """Install the uncached whole-strip cut and the caches made on first use (idempotent)."""
    Strip.divide = _divide  # type: ignore[method-assign]
    Strip.__init__ = _init  # type: ignore[method-assign]
    Strip.__getattr__ = _first_use  # type: ignore[attr-defined]
