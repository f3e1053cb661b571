"""When the garbage collector runs: once a poll, right after the poll's frame, not in the middle of it.

Python starts a collection whenever enough objects were made, so it ran inside a poll: a young
collection of 15-35 ms once a poll at 5,000 printers, and every ~20 polls a middle one of 35-65 ms,
each holding the event loop (a key pressed then waited). Full collections were so far apart that
cyclic garbage (Textual's strips and style nodes) piled up in the oldest generation, and memory grew
about a megabyte a minute.

What a collection walks is what it costs. The printers' records are kept as bytes and their
temperatures as tuples (`api.records`, `api.loose`), and what start-up and the first polls built (each
printer's tracks and seen states, ~19,000 objects at 5,000 printers) is frozen. Right after a
5,000-printer poll, though, ~27,000 of the objects are new (each changed printer's model, its dict
and its three tuples), and one whole collection over them and the older ones held the loop 17-24
ms once the event log had filled. So the collection after a poll is two: a young one (~8 ms),
which frees the poll's garbage and drops its tuples of numbers out of the collector's view, then,
in a turn of the loop of its own that the app chooses (after any key pressed meanwhile is
answered), a whole one over what is left (~11 ms). Garbage lives at most until the next poll
(ten polls in the fallback below). The automatic thresholds stay, high, as a safety net for a
burst between two polls.
"""

from __future__ import annotations

import gc
import time
from collections import deque
from collections.abc import Callable

# The automatic collector only as a safety net, for a burst between two polls: a 5,000-printer
# poll makes ~50,000 objects before its frame, and no automatic collection should start inside one.
SAFETY_THRESHOLDS = (100_000, 20, 100)
# A whole collection longer than this (a farm far larger than measured) is run every Nth poll
# only (the young one runs on every poll), so the loop is held that long only now and then.
LONGEST_WHOLE_SECONDS = 0.020
WHOLE_EVERY_WHEN_SLOW = 10
# Polls after which what the farm's first polls built is frozen with start-up's objects.
SETTLED_POLLS = 5


class PollCollector:
    """Runs the collector between polls; off unless `start` is called (tests keep Python's own)."""

    def __init__(self) -> None:
        self.running = False
        self.polls = 0
        self.settled = False  # what the first polls built is frozen
        self.last_whole: float = 0.0  # seconds the last whole collection took
        self.pauses: deque[float] = deque(maxlen=100)  # seconds of each collection run here, newest last

    def start(self) -> None:
        """Freeze what start-up built (it lives as long as the app) and take over the timing."""
        gc.collect()
        gc.freeze()
        gc.set_threshold(*SAFETY_THRESHOLDS)
        self.running = True

    def after_poll(self, later: Callable[[Callable[[], None]], object] | None = None) -> None:
        """After a poll's frame is on screen: a young collection now, and a whole one handed to
        `later` (which runs it in a turn of the loop of its own) or, without `later`, at once."""
        if not self.running:
            return
        self.polls += 1
        self._collect(0)
        if self.last_whole <= LONGEST_WHOLE_SECONDS or self.polls % WHOLE_EVERY_WHEN_SLOW == 0:
            if later is None:
                self._collect_whole()
            else:
                later(self._collect_whole)

    def _collect_whole(self) -> None:
        if self.running:
            self.last_whole = self._collect(2)
            if self.polls >= SETTLED_POLLS and not self.settled:
                # What the first polls built (each printer's tracks, seen states and heaters) lives
                # as long as the farm, as start-up's objects do: frozen too, once, it is not walked
                # again by every whole collection (~19,000 of ~40,000 objects at 5,000 printers).
                gc.freeze()
                self.settled = True

    def _collect(self, generation: int) -> float:
        began = time.perf_counter()
        gc.collect(generation)
        spent = time.perf_counter() - began
        self.pauses.append(spent)
        return spent
