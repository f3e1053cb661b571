"""The printers a screen lists, in order, with each view built only when it is first read.

A poll of 5,000 printers changes nearly every record (temperatures move by a tenth of a degree),
but only the few dozen cards on screen are drawn. `FarmStore.rows` keeps the order of the sorts a
printer's record decides between polls and hands the screen a `ViewRows`: the views on screen are
built as they are drawn, the rest only if something reads them. Once read, a row keeps its view
(like a list would), so comparing it with a newer view shows what to repaint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, overload

if TYPE_CHECKING:
    from api import Printer, PrinterState

    from .store import PrinterView


class ViewRows(Sequence["PrinterView"]):
    """A list of views whose items are built on first read.

    `view_of(pid, now)` gives the store's view of a printer it still has; `build(printer, now)` a
    view of a record it no longer has (a printer removed by a poll, read before the screen
    catches up): `records` are the printers as they were when the rows were made.
    """

    def __init__(
        self,
        ids: list[int],
        now: datetime,
        view_of: Callable[[int, datetime], PrinterView | None],
        build: Callable[[Printer, datetime], PrinterView],
        records: Mapping[int, Printer],
    ) -> None:
        self.ids = ids
        self._now = now
        self._view_of = view_of
        self._build = build
        self._records = records
        self._read: dict[int, PrinterView] = {}

    def _view(self, printer_id: int) -> PrinterView:
        view = self._read.get(printer_id)
        if view is None:
            view = self._view_of(printer_id, self._now) or self._build(self._records[printer_id], self._now)
            self._read[printer_id] = view
        return view

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> PrinterView: ...

    @overload
    def __getitem__(self, index: slice) -> list[PrinterView]: ...

    def __getitem__(self, index: int | slice) -> PrinterView | list[PrinterView]:
        if isinstance(index, slice):
            return [self._view(pid) for pid in self.ids[index]]
        return self._view(self.ids[index])

    def __setitem__(self, index: int, view: PrinterView) -> None:
        """A newer view of the printer in that place (its job became known)."""
        printer_id = self.ids[index]
        if view.id != printer_id:
            raise ValueError(f"row {index} is printer {printer_id}, not {view.id}")
        self._read[printer_id] = view

    def __iter__(self) -> Iterator[PrinterView]:
        return (self._view(pid) for pid in self.ids)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ViewRows | list):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<ViewRows of {len(self.ids)} printers>"

    def counts(self) -> dict[PrinterState, int]:
        """Printers per state among the rows, from their records: no view is built."""
        counts: dict[PrinterState, int] = {}
        records = self._records
        for pid in self.ids:
            kind = records[pid].state_kind
            counts[kind] = counts.get(kind, 0) + 1
        return counts


def ids_of(views: Sequence[PrinterView]) -> list[int]:
    """The printer ids of a list of views, in order (for `ViewRows`, without building a view)."""
    return views.ids if isinstance(views, ViewRows) else [view.id for view in views]
