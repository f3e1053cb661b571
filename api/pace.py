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

GIVE_WAY_SECONDS = 0.05  # longest a slice waits for keys' answers to be drawn


class Pace:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._until = 0.0  # slices wait until then, unless every answer is drawn before
        self._unanswered = 0  # inputs given way to whose answers are not drawn yet
        self._resumed = float("-inf")  # when the last answer was drawn
        self._calm: asyncio.Event | None = None  # set when every answer is drawn
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop `_calm` belongs to
        self.gave_way = 0  # slices that waited (a figure for benchmarks and tests)

    def give_way(self, seconds: float | None = None) -> None:
        """Input arrived: slices wait until its answer is drawn (`GIVE_WAY_SECONDS` at most)."""
        loop = asyncio.get_running_loop()
        if not self.giving_way:  # an answer never drawn (input a widget kept) is not waited for again
            self._unanswered = 0
        if self._calm is None or self._calm.is_set() or self._loop is not loop:
            self._calm, self._loop = asyncio.Event(), loop
        self._unanswered += 1
        wait = GIVE_WAY_SECONDS if seconds is None else seconds
        self._until = max(self._until, self._clock() + wait)

    def resume(self) -> None:
        """An answer is on screen: once every input's is, slices go on."""
        if not self._unanswered:
            return
        self._unanswered -= 1
        if self._unanswered:
            return  # a second key is still on its way
        self._until, self._resumed = 0.0, self._clock()
        if self._calm is not None:
            self._calm.set()

    @property
    def giving_way(self) -> bool:
        """Input is being answered: long work should wait."""
        return self._clock() < self._until

    def answering(self, settle: float) -> bool:
        """Giving way, or the answer drawn less than `settle` ago: its bytes may still be on the
        way out (the writer's thread needs the interpreter lock, which a long C call such as a
        garbage collection holds throughout)."""
        return self.giving_way or self._clock() - self._resumed < settle

    async def breathe(self) -> None:
        """Between two slices of long work: let the loop run, and wait while a key is answered.
        Each wait is capped on its own: keys held down (auto-repeat) never stop the work."""
        await asyncio.sleep(0)
        calm = self._calm
        if not self.giving_way or calm is None or self._loop is not asyncio.get_running_loop():
            return
        self.gave_way += 1
        cap = self._clock() + GIVE_WAY_SECONDS
        while (left := min(self._until, cap) - self._clock()) > 0 and not calm.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(left):
                    await calm.wait()


PACE = Pace()
