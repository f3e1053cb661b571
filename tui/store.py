"""What the dashboard knows of the farm, kept between polls, and the view rows drawn from it.

Plain Python (no widgets), so it can be tested and benchmarked alone. A `PrinterView` holds
exactly what a card or a table row shows: two equal views draw the same, which is how the
widgets know what to repaint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter

from api import Printer, PrinterState

from .formatting import eta_from
from .states import BUSY_STATES, STATES, count_word


@dataclass(frozen=True, slots=True)
class CurrentJob:
    """The job a printer is running, found once per job (two requests), not once per poll."""

    job_id: int | None
    filename: str = ""
    printing_duration: int | None = None


MARK_GLYPH = "✓"  # cards and rows of marked printers; the header counts them
MARK_STYLE = "bold magenta"


@dataclass(frozen=True, slots=True)
class PrinterView:
    id: int
    name: str
    type: str
    state: PrinterState
    raw_state: str
    bed: tuple[float | None, float | None]
    tools: tuple[tuple[float | None, float | None], ...]
    percent: float
    filename: str
    eta: datetime | None
    workgroups: tuple[int, ...]
    alert: bool = False  # an alert on this printer waits to be acknowledged
    marked: bool = False  # picked for a bulk action (space, *): part of the view, so the card repaints

    @property
    def needs_person(self) -> bool:
        return STATES[self.state].needs_person

    @property
    def is_active(self) -> bool:
        return self.state in BUSY_STATES

    @property
    def label(self) -> str:
        """The printer's name for sentences and headers: `#<id>` when the cloud sent none."""
        return self.name or f"#{self.id}"


SORTS: dict[str, Callable[[PrinterView], object]] = {
    "name": lambda v: (v.name.casefold(), v.id),
    "state": lambda v: (STATES[v.state].rank, v.name.casefold(), v.id),
    "progress": lambda v: (-v.percent if v.is_active else 1, v.name.casefold(), v.id),
    "finish": lambda v: (v.eta is None, v.eta.timestamp() if v.eta else 0.0, v.name.casefold(), v.id),
    "type": lambda v: (v.type.casefold(), v.name.casefold(), v.id),
}
SORT_ORDER = list(SORTS)


@dataclass
class FarmStore:
    printers: dict[int, Printer] = field(default_factory=dict)
    current_jobs: dict[int, CurrentJob] = field(default_factory=dict)
    last_update: datetime | None = None
    stale_since: datetime | None = None
    problem: str | None = None
    # Views and sort keys are kept until their printer changes: a poll of 5,000 printers in
    # which 300 moved rebuilds 300 views, not 5,000.
    _views: dict[int, PrinterView] = field(default_factory=dict, repr=False)
    _keys: dict[str, dict[int, object]] = field(default_factory=dict, repr=False)

    _counts: dict[PrinterState, int] | None = field(default=None, repr=False)
    # Printers with an unacknowledged alert: marked on their cards and rows.
    alerted: set[int] = field(default_factory=set)
    # Printers picked for a bulk action: kept across polls, sorts and filters; gone with the printer.
    marked: set[int] = field(default_factory=set)

    def _invalidate(self, printer_id: int) -> None:
        self._counts = None
        self._views.pop(printer_id, None)
        for keys in self._keys.values():
            keys.pop(printer_id, None)

    def _drop_job(self, printer_id: int) -> None:
        if self.current_jobs.pop(printer_id, None) is not None:
            self._invalidate(printer_id)

    def set_alerted(self, printer_ids: set[int]) -> set[int]:
        """Which printers carry an alert mark now; returns those whose mark changed."""
        changed = printer_ids ^ self.alerted
        self.alerted = set(printer_ids)
        for printer_id in changed:
            self._invalidate(printer_id)
        return changed

    def set_current_job(self, printer_id: int, job: CurrentJob) -> None:
        self.current_jobs[printer_id] = job
        self._invalidate(printer_id)

    def replace_printers(self, printers: Iterable[Printer], now: datetime) -> set[int]:
        """Take a full poll; returns the ids whose current job must be looked up again."""
        fresh = {p.id: p for p in printers}
        lookups = set()
        for pid, printer in fresh.items():
            before = self.printers.get(pid)
            if before is None or before != printer:
                self._invalidate(pid)
            now_active = printer.state_kind in BUSY_STATES
            was_active = before is not None and before.state_kind in BUSY_STATES
            if now_active and (not was_active or pid not in self.current_jobs):
                self._drop_job(pid)
                lookups.add(pid)
            elif not now_active:
                self._drop_job(pid)
        for gone in set(self.printers) - set(fresh):
            self._drop_job(gone)
            self._invalidate(gone)
            self.marked.discard(gone)
        self.printers = fresh
        self.mark_live(now)
        return lookups

    def update_printer(self, printer: Printer, now: datetime) -> bool:
        """Take one printer (after an action); True if its current job must be looked up again."""
        before = self.printers.get(printer.id)
        self.printers[printer.id] = printer
        self._invalidate(printer.id)
        active = printer.state_kind in BUSY_STATES
        if not active or (before is not None and before.state_kind not in BUSY_STATES):
            self._drop_job(printer.id)
        return active and printer.id not in self.current_jobs

    def mark_live(self, now: datetime) -> None:
        self.last_update = now
        self.stale_since = None
        self.problem = None

    def mark_stale(self, problem: str, now: datetime) -> None:
        if self.stale_since is None:
            self.stale_since = self.last_update or now
        self.problem = problem

    def toggle_mark(self, printer_id: int) -> bool:
        """Mark or unmark one printer; True if it is marked now."""
        if printer_id not in self.printers:
            return False
        self.marked ^= {printer_id}
        self._views.pop(printer_id, None)
        return printer_id in self.marked

    def set_marks(self, printer_ids: Iterable[int], marked: bool) -> set[int]:
        """Mark (or unmark) these printers; the ids whose mark changed."""
        wanted = {pid for pid in printer_ids if pid in self.printers}
        changed = wanted - self.marked if marked else wanted & self.marked
        if marked:
            self.marked |= changed
        else:
            self.marked -= changed
        for pid in changed:
            self._views.pop(pid, None)
        return changed

    def marked_ids(self) -> list[int]:
        """The marked printers, by name (the order a preview lists them in)."""
        return sorted(self.marked, key=lambda pid: (self.printers[pid].name.casefold(), pid))

    def view_of(self, printer_id: int, now: datetime) -> PrinterView | None:
        """The printer's view, built once until the printer or its job changes."""
        view = self._views.get(printer_id)
        if view is None:
            printer = self.printers.get(printer_id)
            if printer is None:
                return None
            view = self._views[printer_id] = self._build_view(printer, now)
        return view

    def _build_view(self, printer: Printer, now: datetime) -> PrinterView:
        job = self.current_jobs.get(printer.id)
        state = printer.state_kind
        percent = printer.progress if state in BUSY_STATES or state is PrinterState.BED_NOT_CLEAR else 0.0
        eta = None
        if job is not None and state is PrinterState.PRINTING:
            eta = eta_from(percent, job.printing_duration, now)
            # A minute's resolution is all the card shows: keeps views equal between polls.
            eta = eta.replace(second=0, microsecond=0) if eta else None
        tools = tuple(
            (_degrees(printer.tool_temp(i)), _degrees(printer.tool_target(i))) for i in range(printer.tool_count)
        )
        return PrinterView(
            id=printer.id,
            name=printer.name,
            type=printer.type,
            state=state,
            raw_state=printer.state,
            bed=(_degrees(printer.bed_temp), _degrees(printer.bed_target)),
            tools=tools,
            percent=round(percent, 1),
            filename=job.filename if job and state in BUSY_STATES else "",
            eta=eta,
            workgroups=tuple(printer.workgroups or ()),
            alert=printer.id in self.alerted,
            marked=printer.id in self.marked,
        )

    def views(
        self, now: datetime, *, text: str = "", workgroup: int | None = None, sort: str = "name"
    ) -> list[PrinterView]:
        """The printers to show: filtered by text (name, type or state) and workgroup, sorted."""
        needle = text.strip().casefold()
        sort = sort if sort in SORTS else "name"
        key_of = SORTS[sort]
        keys = self._keys.setdefault(sort, {})
        rows = []
        for pid, printer in self.printers.items():
            if workgroup is not None and workgroup not in (printer.workgroups or ()):
                continue
            view = self.view_of(pid, now)
            if view is None or (needle and not _matches(view, needle)):
                continue
            key = keys.get(pid)
            if key is None:
                key = keys[pid] = key_of(view)
            rows.append((key, view))
        rows.sort(key=itemgetter(0))
        return [view for _, view in rows]

    def counts(self) -> dict[PrinterState, int]:
        if self._counts is None:
            counts: dict[PrinterState, int] = {}
            for printer in self.printers.values():
                kind = printer.state_kind
                counts[kind] = counts.get(kind, 0) + 1
            self._counts = counts
        return self._counts


def _degrees(value: float | None) -> float | None:
    """Whole degrees, as shown: 209.6 and 209.8 draw the same card, so they make equal views."""
    return None if value is None else float(round(value))


def _matches(view: PrinterView, needle: str) -> bool:
    state = STATES[view.state]
    haystack = f"{view.name}\n{view.type}\n{view.raw_state}\n{state.short}\n{count_word(view.state)}\n{view.filename}"
    haystack = haystack.casefold()
    return needle in haystack
