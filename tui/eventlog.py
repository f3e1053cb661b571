"""The event log: `events.jsonl` in farmdash's state directory, so a restart loses nothing.

One JSON object a line, appended and flushed as things happen: events (a folded or completed
event is written again with the same id; the last line wins), acknowledgements, and what was
last seen of each printer (so the first poll after a restart can say what changed meanwhile).
The file is rotated at a size; the new file starts with the last seen states and every alert not
yet acknowledged, so the current file and the one before it are all a start needs to read.
Lines that cannot be read are skipped and counted, never fatal. The records are pydantic models:
no JSON is parsed by hand here.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from .events import Event, EventKind, PrinterSeen

log = logging.getLogger("farmdash.events")

LOG_NAME = "events.jsonl"
MAX_BYTES = 5 * 1024 * 1024
KEEP_FILES = 3
IN_MEMORY = 5000


class EventLine(BaseModel):
    model_config = ConfigDict(frozen=True)
    record: Literal["event"] = "event"
    event: Event


class AckLine(BaseModel):
    model_config = ConfigDict(frozen=True)
    record: Literal["ack"] = "ack"
    time: datetime
    ids: list[str]
    who: str = ""


class SeenLine(BaseModel):
    model_config = ConfigDict(frozen=True)
    record: Literal["seen"] = "seen"
    time: datetime
    printers: dict[int, PrinterSeen]


LogLine = Annotated[EventLine | AckLine | SeenLine, Field(discriminator="record")]
_LINE: TypeAdapter[EventLine | AckLine | SeenLine] = TypeAdapter(LogLine)


def _is_alert_default(event: Event) -> bool:
    return event.kind is not EventKind.ACTION


class EventLog:
    """The events so far (newest kept in memory), their acknowledgements, and the file behind them."""

    def __init__(
        self,
        path: Path | None,
        *,
        max_bytes: int = MAX_BYTES,
        keep: int = KEEP_FILES,
        in_memory: int = IN_MEMORY,
        is_alert: Callable[[Event], bool] = _is_alert_default,
    ) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.keep = max(1, keep)
        self.in_memory = in_memory
        self.is_alert = is_alert
        self.events: dict[str, Event] = {}
        self.acked: set[str] = set()
        self.seen: dict[int, PrinterSeen] = {}
        self.skipped = 0
        self.problem: str | None = None
        self._needs_newline = False
        self._last_time: datetime | None = None

    @classmethod
    def in_directory(cls, directory: Path, **kwargs) -> EventLog:
        return cls(directory / LOG_NAME, **kwargs)

    # --- reading back -----------------------------------------------------------------------------

    def load(self) -> EventLog:
        """Read the previous file, then the current one; a bad line is skipped and counted."""
        if self.path is None:
            return self
        for path in (self._rotated(1), self.path):
            try:
                with path.open("rb") as handle:
                    for raw in handle:
                        self._take(raw)
                    if path == self.path:
                        handle.seek(0, os.SEEK_END)
                        size = handle.tell()
                        if size:
                            handle.seek(size - 1)
                            self._needs_newline = handle.read(1) != b"\n"
            except FileNotFoundError:
                continue
            except OSError as exc:
                self._trouble(f"cannot read {path.name}: {exc.strerror or exc}")
        self._trim()
        if self.skipped:
            log.warning("%s: skipped %d unreadable line(s)", self.path, self.skipped)
        return self

    def _take(self, raw: bytes) -> None:
        if not raw.strip():
            return
        try:
            line = _LINE.validate_json(raw)
        except ValidationError:
            self.skipped += 1
            return
        if isinstance(line, EventLine):
            self.events[line.event.id] = line.event
        elif isinstance(line, AckLine):
            self.acked.update(line.ids)
        else:
            self.seen.update(line.printers)

    def _trim(self) -> None:
        if len(self.events) <= self.in_memory:
            return
        newest = sorted(self.events.values(), key=lambda e: e.time)[-self.in_memory :]
        self.events = {event.id: event for event in newest}
        self.acked &= self.events.keys()  # what was acknowledged of events no longer kept: nothing to ask

    # --- writing ------------------------------------------------------------------------------------

    def record(self, events: Iterable[Event]) -> None:
        """Keep and append events (an event with a known id replaces the earlier version)."""
        for event in events:
            self.events[event.id] = event
            self._last_time = event.updated or event.time
            self._write(EventLine(event=event).model_dump_json())
        self._trim()

    def acknowledge(self, ids: Iterable[str], now: datetime, who: str = "") -> list[str]:
        """Mark events acknowledged; returns the ids that were not already."""
        fresh = [event_id for event_id in ids if event_id in self.events and event_id not in self.acked]
        if fresh:
            self._last_time = now
            self.acked.update(fresh)
            self._write(AckLine(time=now, ids=fresh, who=who).model_dump_json())
        return fresh

    def note_seen(self, changes: dict[int, PrinterSeen], now: datetime) -> None:
        if not changes:
            return
        self.seen.update(changes)
        self._last_time = now
        self._write(SeenLine(time=now, printers=changes).model_dump_json())

    # --- what the screens ask --------------------------------------------------------------------

    def newest_first(self) -> list[Event]:
        return sorted(self.events.values(), key=lambda event: event.time, reverse=True)

    def unacknowledged(self) -> list[Event]:
        """Alerts not yet acknowledged, oldest first."""
        waiting = [e for e in self.events.values() if e.id not in self.acked and self.is_alert(e)]
        return sorted(waiting, key=lambda event: event.time)

    # --- the file -------------------------------------------------------------------------------------

    def _rotated(self, number: int) -> Path:
        assert self.path is not None
        return self.path.with_name(f"{self.path.name}.{number}")

    def _write(self, line: str) -> None:
        if self.path is None:
            return
        data = (line + "\n").encode("utf-8")
        try:
            if self._size() + len(data) > self.max_bytes:
                self._rotate()
            self._append(data)
        except OSError as exc:
            self._trouble(f"cannot write {self.path}: {exc.strerror or exc}")

    def _size(self) -> int:
        assert self.path is not None
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0

    def _append(self, data: bytes) -> None:
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._needs_newline:
            data = b"\n" + data
        # Written at once with one call and closed: flushed as it happens, and only the user reads it.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        self._needs_newline = False
        self.problem = None

    def _rotate(self) -> None:
        """events.jsonl -> .1 -> .2 ...; the new file starts with what a start needs."""
        assert self.path is not None
        for number in range(self.keep, 0, -1):
            older = self._rotated(number)
            if number == self.keep:
                older.unlink(missing_ok=True)
            newer = self.path if number == 1 else self._rotated(number - 1)
            if newer.exists():
                newer.replace(older)
        self._needs_newline = False
        lines = []
        if self.seen and self._last_time is not None:
            lines.append(SeenLine(time=self._last_time, printers=self.seen).model_dump_json())
        # The newest unacknowledged alerts, as many as fit in half the file: a farm that nobody
        # acknowledges must not make every new file start full.
        budget = self.max_bytes // 2 - sum(len(line) + 1 for line in lines)
        carried: list[str] = []
        for event in reversed(self.unacknowledged()):
            line = EventLine(event=event).model_dump_json()
            budget -= len(line) + 1
            if budget < 0:
                break
            carried.append(line)
        lines.extend(reversed(carried))
        if lines:
            self._append(("\n".join(lines) + "\n").encode("utf-8"))

    def _trouble(self, message: str) -> None:
        """Told once (the log, and `problem` for the screen); the dashboard goes on in memory."""
        if self.problem != message:
            log.warning("event log: %s", message)
        self.problem = message
