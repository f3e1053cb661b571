"""Sending a file from this machine's disk: which files are printable, the upload with its
progress and cancel, and the project it goes into.

Plain Python, no Textual: the dashboard's upload screen and `farmdash print` both use it. The
progress is counted by wrapping the file httpx reads (it reads in 64 KiB chunks as it sends), so
the API client needs no callback; cancelling makes the next read fail, which ends the request.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from api import PrinterOSClient, Project, UploadResult

# What a printer can print without slicing first (the picker shows these; the cloud has the last word).
PRINTABLE = (".gcode", ".gco", ".g", ".bgcode", ".makerbot", ".x3g", ".ufp")


def is_printable(path: Path) -> bool:
    return path.suffix.lower() in PRINTABLE


class UploadCancelled(Exception):
    """The person stopped the upload; the request was cut off mid-body and nothing was printed."""


@dataclass
class UploadProgress:
    """Bytes sent so far, the speed and the time left; `clock` is injectable for steady screenshots."""

    total: int
    clock: Callable[[], float] = time.monotonic
    sent: int = 0
    started: float | None = None
    cancelled: bool = False
    listeners: list[Callable[[UploadProgress], object]] = field(default_factory=list)

    def advance(self, sent: int) -> None:
        if self.started is None:
            self.started = self.clock()
        self.sent = sent
        for listener in self.listeners:
            listener(self)

    @property
    def fraction(self) -> float:
        return min(1.0, self.sent / self.total) if self.total else 1.0

    @property
    def speed(self) -> float | None:
        """Bytes a second since the first chunk, or None before there is anything to measure."""
        if self.started is None:
            return None
        elapsed = self.clock() - self.started
        return self.sent / elapsed if elapsed > 0 and self.sent else None

    @property
    def seconds_left(self) -> float | None:
        speed = self.speed
        return (self.total - self.sent) / speed if speed else None

    def line(self) -> str:
        """`1.2 MB of 4.0 MB · 3.1 MB/s · 1 s left`."""
        words = f"{size_text(self.sent)} of {size_text(self.total)}"
        speed = self.speed
        if speed:
            words += f" · {size_text(speed)}/s"
        left = self.seconds_left
        if left is not None and self.sent < self.total:
            words += f" · {time_left(left)} left"
        return words


class ProgressFile:
    """A file opened for reading that tells `progress` how much httpx has read, and stops on cancel."""

    def __init__(self, handle: BinaryIO, progress: UploadProgress) -> None:
        self._handle = handle
        self.progress = progress
        self.name = handle.name

    def read(self, size: int = -1) -> bytes:
        if self.progress.cancelled:
            raise UploadCancelled("upload cancelled")
        chunk = self._handle.read(size)
        self.progress.advance(self._handle.tell())
        return chunk

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._handle.seek(offset, whence)

    def tell(self) -> int:
        return self._handle.tell()

    def fileno(self) -> int:
        return self._handle.fileno()


def file_problem(path: Path) -> str | None:
    """Why this path cannot be sent, in one line; None if it can."""
    try:
        if not path.is_file():
            return f"{path}: no such file" if not path.exists() else f"{path}: not a file"
        with path.open("rb"):
            pass
    except OSError as exc:
        return f"{path}: cannot be read ({exc.strerror or exc})"
    return None


async def upload(
    client: PrinterOSClient,
    path: Path,
    progress: UploadProgress,
    *,
    project_id: int | None = None,
    project_name: str | None = None,
) -> UploadResult:
    """Stream `path` to the cloud; raises UploadCancelled if `progress.cancelled` is set meanwhile."""
    with path.open("rb") as handle:
        body = ProgressFile(handle, progress)
        return await client.upload(body, project_id=project_id, project_name=project_name, filename=path.name)  # type: ignore[arg-type]


def project_choice(projects: list[Project], name: str | None) -> tuple[int | None, str | None]:
    """(project id, None) for a project the account has by that name, else (None, the new project's name)."""
    if not name:
        return None, None
    for project in projects:
        if project.name == name:
            return project.id, None
    for project in projects:
        if project.name.casefold() == name.casefold():
            return project.id, None
    return None, name


def size_text(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"


def time_left(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {rest:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
