"""Where long work gives way: to the event loop between slices, and to a person's key.

A 5,000-printer poll is read, stored, checked for events and drawn in slices of a few
milliseconds (`breathe()` between two). Yielding alone is not enough for a key: it crosses the
loop in several hops (the driver's thread, the App, the screen, the frame), and each hop queued
behind one more slice, so a key answered in 5 ms between polls took 30-60 ms as a poll landed.
A program with a person at the keys says when input arrives (`give_way()`) and when its answer
is on screen (`resume()`): meanwhile `breathe()` waits, and the key has the loop to itself. The
wait is capped (`GIVE_WAY_SECONDS`), so input that draws nothing never stalls the poll for long.

One pace for the process, as the event loop is one: the client's record reading and the
program's own slices all give way to the same key.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

GIVE_WAY_SECONDS = 0.05  # longest a slice waits for a key's answer to be drawn


class Pace:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._until = 0.0  # slices wait until then, unless resumed before
        self._resumed = float("-inf")  # when the last answer was drawn
        self._calm: asyncio.Event | None = None  # set when the answer is drawn
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop `_calm` belongs to
        self.gave_way = 0  # slices that waited (a figure for benchmarks and tests)

    def give_way(self, seconds: float = GIVE_WAY_SECONDS) -> None:
        """Input arrived: slices wait until its answer is drawn, `seconds` at most."""
        loop = asyncio.get_running_loop()
        if self._calm is None or self._calm.is_set() or self._loop is not loop:
            self._calm, self._loop = asyncio.Event(), loop
        self._until = max(self._until, self._clock() + seconds)

    def resume(self) -> None:
        """The answer is on screen: slices go on."""
        if self._until:
            self._until, self._resumed = 0.0, self._clock()
        if self._calm is not None:
            self._calm.set()

    @property
    def giving_way(self) -> bool:
        return self._clock() < self._until

    def answering(self, settle: float) -> bool:
        """Giving way, or the answer drawn less than `settle` ago: its bytes may still be on the
        way out (the writer's thread needs the interpreter lock, which a long C call such as a
        garbage collection holds throughout)."""
        return self.giving_way or self._clock() - self._resumed < settle

    async def breathe(self) -> None:
        """Between two slices of long work: let the loop run, and wait while a key is answered."""
        await asyncio.sleep(0)
        calm = self._calm
        if not self.giving_way or calm is None or self._loop is not asyncio.get_running_loop():
            return
        self.gave_way += 1
        while (left := self._until - self._clock()) > 0 and not calm.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(left):
                    await calm.wait()


PACE = Pace()
