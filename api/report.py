"""`get_custom_report` as JSON: every row and column the cloud sends, the row of types detected."""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field

from .loose import CloudModel, index_order
from .models import JobStatus
from .text import one_line


class CustomReport(CloudModel):
    """`get_custom_report` as JSON: header names, the row of type names when the cloud sends one, the rows.

    Every column the cloud sends is kept, known or not (`all_fields` adds columns the doc does
    not list). Cells are one line of text or the number the cloud sent.
    """

    header: list[str]
    types: list[str] | None = None
    rows: list[list[Any]] = Field(default_factory=list)

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.header, row, strict=False)) for row in self.rows]

    def column(self, *names: str) -> list[Any]:
        """The cells of the first of `names` the report has (e.g. "Print Date/Time", "Started Date/Time")."""
        for name in names:
            if name in self.header:
                index = self.header.index(name)
                return [row[index] if index < len(row) else None for row in self.rows]
        return [None] * len(self.rows)

    def statuses(self, name: str = "Status") -> list[JobStatus]:
        """The status column read as `JobStatus` (`DONE` is finished, `CANCELLED_WEB` cancelled, i.e. `ABORTED` ...)."""
        return [JobStatus.from_word(cell) if cell is not None else JobStatus.UNKNOWN for cell in self.column(name)]


# A row of type names: the doc's words, and anything spelled like one (lower-case words, lists of them).
_KNOWN_TYPE_NAMES = {"int", "text", "float", "int,int,...", "text,text,...", "datetime", "bool", "date"}
_TYPE_WORD = re.compile(r"^[a-z][a-z0-9_]*(\s*,\s*([a-z][a-z0-9_]*|\.\.\.))*$")


def _is_types_row(row: list[Any]) -> bool:
    cells = [cell.strip().lower() if isinstance(cell, str) else None for cell in row]
    if not cells or any(cell is None or not _TYPE_WORD.match(cell) for cell in cells):
        return False
    known = sum(1 for cell in cells if cell in _KNOWN_TYPE_NAMES)
    return known * 2 >= len(cells) and all(isinstance(cell, str) and cell == cell.lower() for cell in row)


def parse_custom_report(message: Any) -> CustomReport:
    """Row 0 is the header; a row of type names may follow: detected, not assumed.

    A types row is all lower-case type words, at least half of them ones the doc uses, so a row
    that adds words the doc does not list ("money", "json") is still recognised, and a data row
    (numbers, dates, `DONE`) never is.
    """
    if isinstance(message, dict):
        message = [message[key] for key in sorted(message, key=index_order)]
    rows = [
        list(row.values()) if isinstance(row, dict) else list(row)
        for row in (message or [])
        if isinstance(row, (list, tuple, dict))
    ]
    if not rows:
        return CustomReport(header=[], rows=[])
    header = [one_line(cell) for cell in rows[0]]
    types = None
    body = rows[1:]
    if body and _is_types_row(body[0]):
        types = [one_line(cell) for cell in body[0]]
        body = body[1:]
    cleaned = [[one_line(cell) if isinstance(cell, str) else cell for cell in row] for row in body]
    return CustomReport(header=header, types=types, rows=cleaned)
