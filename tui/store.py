"""What the dashboard knows of the farm, kept between polls, and the view rows drawn from it.

Plain Python (no widgets), so it can be tested and benchmarked alone. A `PrinterView` holds
exactly what a card or a table row shows: two equal views draw the same, which is how the
widgets know what to repaint.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from operator import itemgetter

from api import PRINTING_LOCALLY, Printer, PrinterState
from api.pace import PACE

from .formatting import age_label, eta_from
from .states import BUSY_STATES, STATES, count_word, state_word
from .view_rows import ViewRows

# Printers taken per slice of a poll: ~5 ms of the event loop at most, so a key pressed as a
# 5,000-printer poll lands is answered between two slices.
POLL_SLICE = 200


@dataclass(frozen=True, slots=True)
class CurrentJob:
    """The job a printer is running, found once per job (two requests), not once per poll."""

    job_id: int | None
    filename: str = ""
    printing_duration: int | None = None
    owner: str = ""  # the email of whoever queued the running job
    refused: bool = False  # the cloud refused the look-up ("No access"): not known, and not asked again


@dataclass(frozen=True, slots=True)
class QueueSeen:
    """What one look-up of a printer's jobs told: queued jobs waiting, and why its last job ended."""

    queued: int
    checked: datetime
    reason: str = ""  # "job 41 failed: nozzle clogged", for a printer in error or with its bed not clear
    next_job: int | None = None  # the oldest queued job (the one "clear and start next" starts)
    next_file: str = ""


@dataclass(frozen=True, slots=True)
class StateSeen:
    """Since when a printer has been in its state: exact when farmdash saw it change, else a lower bound."""

    state: PrinterState
    since: datetime
    seen_change: bool


MARK_GLYPH = "✓"  # cards and rows of marked printers; the header counts them
MARK_STYLE = "bold hot_pink"  # 7:1 on the cards, 4.9:1 on the selected row (ANSI magenta was 4.47:1)


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
    # Since when the printer is in this state (to the minute) and whether farmdash saw it begin
    # (False: it began before farmdash was watching, and `in_state` says "≥").
    state_since: datetime | None = None
    state_since_seen: bool = False
    in_state: str = ""  # "47 min", "≥2 h 05", "since 09:12": changes at most once a minute
    queued: int | None = None  # queued jobs waiting for the printer; None until looked up
    owner: str = ""  # who queued the running job
    reason: str = ""  # why the last job ended, in the cloud's words (error and bed-not-clear printers)
    in_flight: str = ""  # an action sent and not yet confirmed by a read: "clearing…"
    locally: bool = False  # "printing" with no printing job in the cloud: started at the printer

    @property
    def word(self) -> str:
        """The state's word on cards, rows and headers."""
        return PRINTING_LOCALLY.upper() if self.locally else state_word(self.state, self.raw_state)

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
    # What needs a person first, the one waiting longest on top; then the rest by state.
    "state": lambda v: (
        (0, v.state_since.timestamp() if v.state_since else 0.0, STATES[v.state].rank)
        if v.needs_person
        else (1, 0.0, STATES[v.state].rank),
        v.name.casefold(),
        v.id,
    ),
    "progress": lambda v: (-v.percent if v.is_active else 1, v.name.casefold(), v.id),
    "finish": lambda v: (v.eta is None, v.eta.timestamp() if v.eta else 0.0, v.name.casefold(), v.id),
    "type": lambda v: (v.type.casefold(), v.name.casefold(), v.id),
}
SORT_ORDER = list(SORTS)
# Sorts a printer's own record decides (not its job, its queue or the clock): the screen's order
# for them is kept between polls and found without building a view. Each gives exactly what SORTS
# gives for the printer's view (a test holds them to it).
RECORD_SORTS: dict[str, Callable[[Printer], object]] = {
    "name": lambda p: (p.display_name.casefold(), p.id),
    "type": lambda p: (p.type.casefold(), p.display_name.casefold(), p.id),
}


def _next_minute(moment: datetime) -> datetime:
    """`moment` if on a whole minute, else the next whole minute."""
    floor = moment.replace(second=0, microsecond=0)
    return floor if floor == moment else floor + timedelta(minutes=1)


@dataclass
class FarmStore:
    printers: dict[int, Printer] = field(default_factory=dict)
    current_jobs: dict[int, CurrentJob] = field(default_factory=dict)
    queues: dict[int, QueueSeen] = field(default_factory=dict)
    states_seen: dict[int, StateSeen] = field(default_factory=dict)
    in_flight: dict[int, str] = field(default_factory=dict)
    last_update: datetime | None = None
    stale_since: datetime | None = None
    problem: str | None = None
    unreadable: int = 0  # printer records the last poll could not read (skipped; the rest stay live)
    # Views and sort keys are kept until their printer changes: a poll of 5,000 printers in
    # which 300 moved rebuilds 300 views, not 5,000.
    _views: dict[int, PrinterView] = field(default_factory=dict, repr=False)
    _keys: dict[str, dict[int, object]] = field(default_factory=dict, repr=False)
    # The screen's order for a record sort (and a workgroup), until a printer comes, goes or is renamed.
    _orders: dict[tuple[str, int | None], list[int]] = field(default_factory=dict, repr=False)
    # Build changed printers' views as a poll is taken (the screen lists every view: a filter, or
    # a sort by state, progress or finish); False while it reads only the views it draws.
    _build_ahead: bool = field(default=True, repr=False)

    _counts: dict[PrinterState, int] | None = field(default=None, repr=False)
    _labels_at: datetime | None = field(default=None, repr=False)
    # Printers with an unacknowledged alert: marked on their cards and rows.
    alerted: set[int] = field(default_factory=set)
    # Printers picked for a bulk action: kept across polls, sorts and filters; gone with the printer.
    marked: set[int] = field(default_factory=set)

    def _invalidate(self, printer_id: int) -> None:
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

    def set_queue(self, printer_id: int, seen: QueueSeen) -> None:
        before = self.queues.get(printer_id)
        self.queues[printer_id] = seen
        if before is None or (before.queued, before.reason) != (seen.queued, seen.reason):
            self._invalidate(printer_id)

    def set_in_flight(self, printer_id: int, doing: str | None) -> None:
        """Mark a printer's card with an action sent and not yet confirmed ("clearing…"), or unmark it."""
        if doing:
            self.in_flight[printer_id] = doing
        elif self.in_flight.pop(printer_id, None) is None:
            return
        self._invalidate(printer_id)

    def _note_state(self, printer: Printer, now: datetime, first_poll: bool, kind: PrinterState | None = None) -> bool:
        """Keep since-when of the printer's state; True if it changed since the last poll."""
        seen = self.states_seen.get(printer.id)
        kind = kind or printer.state_kind
        if seen is not None and seen.state is kind:
            return False
        # A printer seen for the first time began its state before farmdash watched: "≥".
        self.states_seen[printer.id] = StateSeen(kind, now, seen_change=seen is not None and not first_poll)
        return True

    def replace_printers(self, printers: Iterable[Printer], now: datetime) -> set[int]:
        """Take a full poll; returns the ids whose current job must be looked up again."""
        steps = self._replace_steps(printers, now)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                return done.value

    async def take_poll(self, printers: Iterable[Printer], now: datetime) -> set[int]:
        """`replace_printers` in slices, yielding to the event loop between them: no key waits
        behind a big poll. What is on screen stays consistent meanwhile (each printer's view is
        rebuilt with its new record), and the screen is told once, after the last slice."""
        steps = self._replace_steps(printers, now)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                return done.value
            await PACE.breathe()

    def _replace_steps(self, printers: Iterable[Printer], now: datetime) -> Generator[None, None, set[int]]:
        fresh = {p.id: p for p in printers}
        lookups: set[int] = set()
        first_poll = self.last_update is None
        before_all = self.printers
        # A new dict filled as the slices go: a view built between two slices reads the record
        # that belongs with it (the new one where the slice has passed, the old one elsewhere).
        self.printers = current = dict(before_all)
        self._counts = None
        tally: dict[PrinterState, int] = {}
        for count, (pid, printer) in enumerate(fresh.items(), 1):
            before = before_all.get(pid)
            # The reader hands back last poll's model for a record that did not change; fields
            # compared before the model's own == (the same answer, a few times faster).
            changed = before is not printer and (
                before is None or before.__dict__ != printer.__dict__ or before != printer
            )
            current[pid] = printer
            if changed:
                self._invalidate(pid)
                if before is None or _reorders(before, printer):
                    self._orders.clear()
            kind = printer.state_kind
            if self._note_state(printer, now, first_poll, kind):
                lookups.add(pid)  # a new state: its queue (and its last job's outcome) is read again
            tally[kind] = tally.get(kind, 0) + 1
            now_active = kind in BUSY_STATES
            if before is None:
                was_active = False
            elif before.state == printer.state:
                was_active = now_active
            else:
                was_active = before.state_kind in BUSY_STATES
            if now_active and (not was_active or pid not in self.current_jobs):
                self._drop_job(pid)
                lookups.add(pid)
            elif not now_active:
                self._drop_job(pid)
            if changed and self._build_ahead:
                self._prepare_view(pid, now)
            if count % POLL_SLICE == 0:
                yield
        for gone in set(current) - set(fresh):
            self._orders.clear()
            del current[gone]
            self._drop_job(gone)
            self._invalidate(gone)
            self.marked.discard(gone)
            self.queues.pop(gone, None)
            self.states_seen.pop(gone, None)
        self._counts = tally
        self.mark_live(now)
        return lookups

    def _prepare_view(self, printer_id: int, now: datetime) -> None:
        """Build a changed printer's view and sort keys now, in its slice, not all at once later."""
        view = self.view_of(printer_id, now)
        if view is None:
            return
        for sort, keys in self._keys.items():
            keys[printer_id] = SORTS[sort](view)

    def update_printer(self, printer: Printer, now: datetime) -> bool:
        """Take one printer (after an action); True if its current job must be looked up again."""
        before = self.printers.get(printer.id)
        self.printers[printer.id] = printer
        self._invalidate(printer.id)
        if before is None or _reorders(before, printer):
            self._orders.clear()
        self._counts = None
        changed = self._note_state(printer, now, first_poll=False)
        active = printer.state_kind in BUSY_STATES
        if not active or (before is not None and before.state_kind not in BUSY_STATES):
            self._drop_job(printer.id)
        return changed or (active and printer.id not in self.current_jobs)

    def mark_live(self, now: datetime) -> None:
        self.last_update = now
        self.stale_since = None
        self.problem = None

    def mark_stale(self, problem: str, now: datetime, *, grace: float = 0.0) -> None:
        """A read failed: `problem` says why at once, but the data is called stale only once it is
        older than `grace` seconds (one failed poll among good ones is not a stale farm)."""
        self.problem = problem
        old = self.last_update is None or (now - self.last_update).total_seconds() >= grace
        if self.stale_since is None and old:
            self.stale_since = self.last_update or now

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

    def view_of(self, printer_id: int, now: datetime, *, labels: bool = True) -> PrinterView | None:
        """The printer's view, built once until the printer or its job changes (`labels=False`:
        the time-in-state words were checked this minute already)."""
        view = self._views.get(printer_id)
        if view is None:
            printer = self.printers.get(printer_id)
            if printer is None:
                return None
            view = self._views[printer_id] = self._build_view(printer, now)
        elif labels and view.state_since is not None:
            # Time in state is shown to the minute: the view changes (and its card repaints)
            # only when the words do, not at every poll.
            label = age_label(view.state_since, now, seen=view.state_since_seen)
            if label != view.in_state:
                view = self._views[printer_id] = replace(view, in_state=label)
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
        seen = self.states_seen.get(printer.id)
        # To the minute (the words change on the clock's minute, so `views` checks them once a
        # minute), rounded up: `47 min` must mean at least 47 whole minutes (formatting.whole_minutes);
        # a start floored to its minute read up to 59 s long.
        since = _next_minute(seen.since) if seen else None
        queue = self.queues.get(printer.id)
        return PrinterView(
            id=printer.id,
            name=printer.display_name,
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
            state_since=since,
            state_since_seen=bool(seen and seen.seen_change),
            in_state=age_label(since, now, seen=bool(seen and seen.seen_change)) if since else "",
            queued=queue.queued if queue else None,
            owner=job.owner if job and state in BUSY_STATES else "",
            reason=queue.reason if queue and state in (PrinterState.ERROR, PrinterState.BED_NOT_CLEAR) else "",
            locally=state is PrinterState.PRINTING and job is not None and job.job_id is None and not job.refused,
            in_flight=self.in_flight.get(printer.id, ""),
        )

    def views(
        self, now: datetime, *, text: str = "", workgroup: int | None = None, sort: str = "name"
    ) -> list[PrinterView]:
        """The printers to show: filtered by text (see `parse_filter`) and workgroup, sorted."""
        words = parse_filter(text)
        sort = sort if sort in SORTS else "name"
        key_of = SORTS[sort]
        keys = self._keys.setdefault(sort, {})
        # Time in state reads to the minute: its words are checked once a minute, not each call.
        minute = now.replace(second=0, microsecond=0)
        labels = minute != self._labels_at
        self._labels_at = minute
        rows = []
        for pid, printer in self.printers.items():
            if workgroup is not None and workgroup not in (printer.workgroups or ()):
                continue
            view = self.view_of(pid, now, labels=labels)
            if view is None or (words and not _matches(view, words)):
                continue
            key = keys.get(pid)
            if key is None:
                key = keys[pid] = key_of(view)
            rows.append((key, view))
        rows.sort(key=itemgetter(0))
        return [view for _, view in rows]

    def rows(
        self, now: datetime, *, text: str = "", workgroup: int | None = None, sort: str = "name"
    ) -> list[PrinterView] | ViewRows:
        """`views`, for a screen that draws only some of them. With no filter words and a sort
        the records decide (name, type), the order is kept between polls and each view is built
        when it is read: a poll of 5,000 printers builds the few dozen on screen, not 5,000."""
        sort = sort if sort in SORTS else "name"
        key_of = RECORD_SORTS.get(sort)
        self._build_ahead = key_of is None or bool(parse_filter(text))
        if key_of is None or self._build_ahead:  # a filter or sort that reads every view
            return self.views(now, text=text, workgroup=workgroup, sort=sort)
        order = self._orders.get((sort, workgroup))
        if order is None:
            keyed = [
                (key_of(printer), pid)
                for pid, printer in self.printers.items()
                if workgroup is None or workgroup in (printer.workgroups or ())
            ]
            keyed.sort(key=itemgetter(0))
            order = self._orders[(sort, workgroup)] = [pid for _, pid in keyed]
        return ViewRows(order, now, self.view_of, self._build_view, dict(self.printers))

    @staticmethod
    def counts_of(views: Iterable[PrinterView]) -> dict[PrinterState, int]:
        """Printers per state among these views (the header's counts under a filter)."""
        if isinstance(views, ViewRows):
            return views.counts()
        counts: dict[PrinterState, int] = {}
        for view in views:
            counts[view.state] = counts.get(view.state, 0) + 1
        return counts

    def counts(self) -> dict[PrinterState, int]:
        if self._counts is None:
            counts: dict[PrinterState, int] = {}
            for printer in self.printers.values():
                kind = printer.state_kind
                counts[kind] = counts.get(kind, 0) + 1
            self._counts = counts
        return self._counts


def _reorders(before: Printer, after: Printer) -> bool:
    """Whether a printer's new record may move it in a record sort or a workgroup."""
    return before.name != after.name or before.type != after.type or before.workgroups != after.workgroups


def _degrees(value: float | None) -> float | None:
    """Whole degrees, as shown: 209.6 and 209.8 draw the same card, so they make equal views."""
    return None if value is None else float(round(value))


NEEDS_PERSON_WORD = "need"


def parse_filter(text: str) -> list[tuple[bool, str]]:
    """The filter's words, each (negated, word): all must match; `!word` must not; `need` is every
    printer that needs a person."""
    words = []
    for word in text.casefold().split():
        negated = word.startswith("!")
        word = word.lstrip("!")
        if word:
            words.append((negated, word))
    return words


def _matches(view: PrinterView, words: list[tuple[bool, str]]) -> bool:
    state = STATES[view.state]
    haystack = "\n".join(
        (view.name, view.type, view.raw_state, state.short, count_word(view.state), view.filename, view.owner)
    ).casefold()
    for negated, word in words:
        found = view.needs_person if word == NEEDS_PERSON_WORD else word in haystack
        if found == negated:
            return False
    return True
