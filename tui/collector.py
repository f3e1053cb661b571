"""When the garbage collector runs: once a poll, right after the poll's frame, not in the middle of it.

Python starts a collection whenever enough objects were made, so it ran inside a poll: a young
collection of 15-35 ms once a poll at 5,000 printers, and every ~20 polls a middle one of 35-65 ms,
each holding the event loop (a key pressed then waited). Full collections were so far apart that
cyclic garbage (Textual's strips and style nodes) piled up in the oldest generation, and memory grew
about a megabyte a minute.

What a collection walks is what it costs. The printers' records are kept as bytes and their
temperatures as tuples (`api.records`, `api.loose`), and what start-up built is frozen, so a whole
collection at 5,000 printers walks ~35,000 objects and takes under ~15 ms. So one whole collection
runs after each poll's frame, when the loop is otherwise idle: nothing waits long behind it, and
garbage never lives longer than a poll. The automatic thresholds stay, high, as a safety net for
a burst between two polls.
"""

from __future__ import annotations

import gc
import time
from collections import deque

# The automatic collector only as a safety net, for a burst between two polls: a 5,000-printer
# poll makes ~50,000 objects before its frame, and no automatic collection should start inside one.
SAFETY_THRESHOLDS = (100_000, 20, 100)
# A whole collection longer than this (a farm far larger than measured) is run every Nth poll
# only, with a young one on the others, so no poll holds the loop that long.
LONGEST_WHOLE_SECONDS = 0.020
WHOLE_EVERY_WHEN_SLOW = 10


class PollCollector:
    """Runs the collector between polls; off unless `start` is called (tests keep Python's own)."""

    def __init__(self) -> None:
        self.running = False
        self.polls = 0
        self.last_whole: float = 0.0  # seconds the last whole collection took
        self.pauses: deque[float] = deque(maxlen=100)  # seconds of each collection run here, newest last

    def start(self) -> None:
        """Freeze what start-up built (it lives as long as the app) and take over the timing."""
        gc.collect()
        gc.freeze()
        gc.set_threshold(*SAFETY_THRESHOLDS)
        self.running = True

    def after_poll(self) -> None:
        """One collection, after a poll's frame is on screen."""
        if not self.running:
            return
        self.polls += 1
        whole = self.last_whole <= LONGEST_WHOLE_SECONDS or self.polls % WHOLE_EVERY_WHEN_SLOW == 0
        began = time.perf_counter()
        gc.collect(2 if whole else 0)
        spent = time.perf_counter() - began
        if whole:
            self.last_whole = spent
        self.pauses.append(spent)
