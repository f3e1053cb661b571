"""What the dashboard knows of the farm, kept between polls, and the view rows drawn from it.

Plain Python (no widgets), so it can be tested and benchmarked alone. A `PrinterView` holds
exactly what a card or a table row shows: two equal views draw the same, which is how the
widgets know what to repaint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from api import Printer, PrinterState

from .formatting import STATE_RANK, eta_from

ACTIVE_STATES = {PrinterState.PRINTING, PrinterState.PAUSED, PrinterState.DOWNLOADING}


@dataclass(frozen=True, slots=True)
class CurrentJob:
    """The job a printer is running, found once per job (two requests), not once per poll."""

    job_id: int | None
    filename: str = ""
    printing_duration: int | None = None


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

    @property
    def needs_person(self) -> bool:
        return self.state.needs_person

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES


SORTS: dict[str, Callable[[PrinterView], object]] = {
    "name": lambda v: (v.name.casefold(), v.id),
    "state": lambda v: (STATE_RANK[v.state], v.name.casefold(), v.id),
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
    workgroup_names: dict[int, str] = field(default_factory=dict)

    def replace_printers(self, printers: Iterable[Printer], now: datetime) -> set[int]:
        """Take a full poll; returns the ids whose current job must be looked up again."""
        fresh = {p.id: p for p in printers}
        lookups = set()
        for pid, printer in fresh.items():
            before = self.printers.get(pid)
            now_active = printer.state_kind in ACTIVE_STATES
            was_active = before is not None and before.state_kind in ACTIVE_STATES
            if now_active and (not was_active or pid not in self.current_jobs):
                self.current_jobs.pop(pid, None)
                lookups.add(pid)
            elif not now_active:
                self.current_jobs.pop(pid, None)
        for gone in set(self.printers) - set(fresh):
            self.current_jobs.pop(gone, None)
        self.printers = fresh
        self.mark_live(now)
        return lookups

    def update_printer(self, printer: Printer, now: datetime) -> bool:
        """Take one printer (after an action); True if its current job must be looked up again."""
        before = self.printers.get(printer.id)
        self.printers[printer.id] = printer
        active = printer.state_kind in ACTIVE_STATES
        if not active or (before is not None and before.state_kind not in ACTIVE_STATES):
            self.current_jobs.pop(printer.id, None)
        return active and printer.id not in self.current_jobs

    def mark_live(self, now: datetime) -> None:
        self.last_update = now
        self.stale_since = None
        self.problem = None

    def mark_stale(self, problem: str, now: datetime) -> None:
        if self.stale_since is None:
            self.stale_since = self.last_update or now
        self.problem = problem

    def view(self, printer: Printer, now: datetime) -> PrinterView:
        job = self.current_jobs.get(printer.id)
        state = printer.state_kind
        percent = printer.progress if state in ACTIVE_STATES or state is PrinterState.BED_NOT_CLEAR else 0.0
        eta = None
        if job is not None and state is PrinterState.PRINTING:
            eta = eta_from(percent, job.printing_duration, now)
            # A minute's resolution is all the card shows: keeps views equal between polls.
            eta = eta.replace(second=0, microsecond=0) if eta else None
        tools = tuple((printer.tool_temp(i), printer.tool_target(i)) for i in range(printer.tool_count))
        return PrinterView(
            id=printer.id, name=printer.name, type=printer.type, state=state, raw_state=printer.state,
            bed=(printer.bed_temp, printer.bed_target), tools=tools, percent=round(percent, 1),
            filename=job.filename if job and state in ACTIVE_STATES else "", eta=eta,
            workgroups=tuple(printer.workgroups or ()),
        )

    def views(self, now: datetime, *, text: str = "", workgroup: int | None = None, sort: str = "name") -> list[PrinterView]:
        """The printers to show: filtered by text (name, type or state) and workgroup, sorted."""
        needle = text.strip().casefold()
        rows = []
        for printer in self.printers.values():
            if workgroup is not None and workgroup not in (printer.workgroups or ()):
                continue
            view = self.view(printer, now)
            if needle and not _matches(view, needle):
                continue
            rows.append(view)
        rows.sort(key=SORTS.get(sort, SORTS["name"]))
        return rows

    def counts(self) -> dict[PrinterState, int]:
        counts: dict[PrinterState, int] = {}
        for printer in self.printers.values():
            counts[printer.state_kind] = counts.get(printer.state_kind, 0) + 1
        return counts


def _matches(view: PrinterView, needle: str) -> bool:
    from .formatting import SHORT_STATE

    haystack = f"{view.name}\n{view.type}\n{view.raw_state}\n{SHORT_STATE[view.state]}\n{view.filename}".casefold()
    return needle in haystack

