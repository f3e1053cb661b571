"""The farm's virtual clock: real time scaled by `speed`, or frozen and stepped by a test."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

DEFAULT_FROZEN_START = datetime(2026, 3, 2, 9, 30, 0, tzinfo=UTC)


class SimClock:
    def __init__(self, start: datetime | None = None, *, speed: float = 1.0, frozen: bool = False) -> None:
        self._lock = threading.Lock()
        self._origin = start or datetime.now(UTC).replace(microsecond=0)
        self._real_origin = time.monotonic()
        self.speed = speed
        self.frozen = frozen
        self._offset = 0.0

    @classmethod
    def frozen_at(cls, start: datetime = DEFAULT_FROZEN_START) -> SimClock:
        return cls(start, frozen=True)

    def now(self) -> datetime:
        with self._lock:
            elapsed = 0.0 if self.frozen else (time.monotonic() - self._real_origin) * self.speed
            return self._origin + timedelta(seconds=elapsed + self._offset)

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward (frozen or not); the farm catches up on its next look."""
        with self._lock:
            self._offset += seconds
        return self.now()

    def freeze(self) -> None:
        now = self.now()
        with self._lock:
            self._origin, self._offset, self.frozen = now, 0.0, True

    def thaw(self) -> None:
        now = self.now()
        with self._lock:
            self._origin, self._offset, self.frozen = now, 0.0, False
            self._real_origin = time.monotonic()
