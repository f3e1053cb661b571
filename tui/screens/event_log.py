"""The event log: what happened on the farm, newest first, for a glance or a shift handover.

Time, printer, what happened, job and file, who. `/` filters by text, `k` by kind; enter opens
the printer's job queue; `a` acknowledges the selected alert, `A` all of them. New events appear
as they happen, and the cursor stays on the event it was on.
"""

from __future__ import annotations

from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.reactive import reactive
from textual.widgets import DataTable, Input, Static

from api.models import clean_text

from ..events import KIND_LOOK, Event, EventKind
from ..formatting import ALERT, MUTED
from ..safe import text
from ..shorten import cut_email, cut_file, cut_middle, cut_words
from ..widgets.fit_footer import FitFooter
from .base import FarmScreen
from .job_queue import JobQueueScreen

MOST_ROWS = 500  # newest first; the filter reaches every event kept in memory
ALERTS = "alerts"
KIND_FILTERS: list[str | None] = [None, ALERTS, *(kind.value for kind in EventKind)]


def when(moment: datetime, now: datetime) -> str:
    """Today: the time; another day: the date too (a log spans shifts)."""
    if moment.date() == now.date():
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%m-%d %H:%M")


def widths(total: int) -> tuple[int, int, int, int, int]:
    """Time, printer, what, job/file, who: fixed widths from the screen's (a cell pads 1 each side)."""
    room = max(40, total - 2 - 2 - 6 * 2)  # the scrollbar, the mark column, six cells' padding
    time_w = 11
    printer_w = max(8, min(20, room // 6))
    who_w = max(6, min(24, room // 8))
    job_w = max(8, min(32, room // 4 if room >= 100 else room // 5))  # file names matter once there is room
    what_w = max(10, room - time_w - printer_w - who_w - job_w)
    return time_w, printer_w, what_w, job_w, who_w


class EventLogScreen(FarmScreen[None]):
    TITLE = "Event log"

    BINDINGS = [
        Binding("escape,q", "back", "Back (q too)", id="back"),
        Binding("slash", "filter", "Filter", id="filter", key_display="/", priority=True),
        Binding("k", "cycle_kind", "Kind", id="event-kind"),
        Binding("a", "acknowledge", "Acknowledge", id="acknowledge"),
        Binding("A", "acknowledge_all", "Acknowledge all", id="acknowledge-all"),
        Binding("enter", "open_printer", "Open printer", id="open-printer", show=False),
    ]

    filter_text: reactive[str] = reactive("", repaint=False)  # the watchers repaint what changes
    kind_filter: reactive[str | None] = reactive(None, repaint=False)

    def compose(self) -> ComposeResult:
        yield Static(id="log-title")
        yield Input(placeholder="filter by printer, what happened, file or who (enter keeps it)", id="log-filter")
        yield DataTable(id="events", cursor_type="row", zebra_stripes=True)
        yield FitFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#log-filter").display = False
        self.app.alerts_changed.subscribe(self, lambda _: self.show_events())
        self.query_one(DataTable).focus()
        self.show_events()

    def on_resize(self) -> None:
        self.show_events()

    # --- the rows -----------------------------------------------------------------------------------

    def wanted(self) -> list[Event]:
        log = self.app.events.log
        needle = self.filter_text.strip().casefold()
        kind = self.kind_filter
        rows = []
        for event in log.newest_first():
            if kind == ALERTS and not (log.is_alert(event) and event.id not in log.acked):
                continue
            if kind not in (None, ALERTS) and event.kind.value != kind:
                continue
            if needle and needle not in self._haystack(event):
                continue
            rows.append(event)
            if len(rows) >= MOST_ROWS:
                break
        return rows

    @staticmethod
    def _haystack(event: Event) -> str:
        return f"{event.printer_name}\n{event.what}\n{event.filename}\n{event.who}\n{event.job_id or ''}".casefold()

    def _cells(self, event: Event, now: datetime, widths: tuple[int, int, int, int, int]) -> tuple[Text, ...]:
        """One row, each text made to fit its column: what happened cut after a whole word, names
        and files cut in the middle, an owner by who it is (never half a word at the column's end)."""
        _, printer_w, what_w, job_w, who_w = widths
        log = self.app.events.log
        waiting = log.is_alert(event) and event.id not in log.acked
        mark = Text("⚑", style=Style(color=ALERT, bold=True)) if waiting else Text(" ")
        look = KIND_LOOK[event.kind]
        style = {"error": "bold red", "warning": "bold yellow"}.get(look.severity, "") if waiting else ""
        what = Text(f"{look.glyph} ", style=style)
        what.append_text(text(cut_words(clean_text(event.what), max(1, what_w - 2)), style))
        job_id = str(event.job_id) if event.job_id else ""
        filename = clean_text(event.filename)
        if job_id and filename and job_w - len(job_id) - 1 >= 10:
            job = f"{job_id} {cut_file(filename, job_w - len(job_id) - 1)}"
        else:  # narrow: the file says more than its job's number (the filter still finds the number)
            job = cut_file(filename, job_w) if filename else job_id
        printer = clean_text(event.printer_name) or f"#{event.printer_id}"
        return (
            mark,
            Text(when(event.time, now)),
            text(cut_middle(printer, printer_w), "bold"),
            what,
            text(job or "—", "" if job else "dim"),
            text(cut_email(clean_text(event.who), who_w) or "—", "dim"),
        )

    def show_events(self) -> None:
        if not self.is_mounted:
            return
        table = self.query_one(DataTable)
        events = self.wanted()
        selected = self.selected_event
        now = self.app.clock()
        with self.app.batch_update():
            # A few hundred rows at most, rebuilt only when events change: the cursor is put back
            # on the event it was on, so a new event never moves what the person is reading.
            table.clear(columns=True)
            sizes = widths(self.size.width or 80)
            time_w, printer_w, what_w, job_w, who_w = sizes
            table.add_column(" ", width=1, key="mark")
            table.add_column("Time", width=time_w, key="time")
            table.add_column("Printer", width=printer_w, key="printer")
            table.add_column("What happened", width=what_w, key="what")
            table.add_column("Job / file", width=job_w, key="job")
            table.add_column("Who", width=who_w, key="who")
            for event in events:
                table.add_row(*self._cells(event, now, sizes), key=event.id)
            ids = [event.id for event in events]
            if selected is not None and selected.id in ids:
                table.move_cursor(row=ids.index(selected.id), animate=False)
        self._show_title(len(events))

    def _show_title(self, shown: int) -> None:
        log = self.app.events.log
        title = Text("Event log", style="bold")
        title.append(f"  {shown} shown of {len(log.events)}", style=MUTED)
        if self.kind_filter:
            title.append(f"  kind: {self.kind_filter.replace('_', ' ')}", style="bold")
        if self.filter_text:
            title.append("  filter: ", style=MUTED)
            title.append(repr(self.filter_text))
        waiting = len(log.unacknowledged())
        if waiting:
            keys = f"{self.app.binding_key('acknowledge')}/{self.app.binding_key('acknowledge-all')}"
            title.append(f"  ⚑ {waiting} to acknowledge ({keys})", style=ALERT)
        if log.problem:
            title.append(f"  ▲ {log.problem}", style="bold red")
        self.query_one("#log-title", Static).update(title)

    @property
    def selected_event(self) -> Event | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return self.app.events.log.events.get(key) if key else None

    # --- keys ---------------------------------------------------------------------------------------

    def action_back(self) -> None:
        if self.filter_text or self.query_one("#log-filter").display:
            self._clear_filter()
        else:
            self.app.pop_screen()

    def action_filter(self) -> None:
        box = self.query_one("#log-filter", Input)
        if self.focused is box:  # after the keys still queued in the box (one burst): in order
            box.call_later(box.insert_text_at_cursor, "/")
            return
        box.display = True
        box.value = self.filter_text
        self.set_focus(box)

    @on(Input.Changed, "#log-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value

    @on(Input.Submitted, "#log-filter")
    def _filter_done(self, _: Input.Submitted) -> None:
        self.query_one("#log-filter").display = bool(self.filter_text)
        self.query_one(DataTable).focus()

    def _clear_filter(self) -> None:
        box = self.query_one("#log-filter", Input)
        box.value = ""
        box.display = False
        self.filter_text = ""
        self.query_one(DataTable).focus()

    def watch_filter_text(self) -> None:
        self.show_events()

    def watch_kind_filter(self) -> None:
        self.show_events()

    def action_cycle_kind(self) -> None:
        self.kind_filter = KIND_FILTERS[(KIND_FILTERS.index(self.kind_filter) + 1) % len(KIND_FILTERS)]

    def action_acknowledge(self) -> None:
        event = self.selected_event
        if event is None:  # an empty log, or a filter that shows nothing: say so, never nothing
            shown_all = not self.filter_text and not self.kind_filter
            self.notify("Nothing to acknowledge: " + ("no event yet." if shown_all else "no event shown."), timeout=2)
            return
        if not self.app.acknowledge([event.id]):
            self.notify("Nothing to acknowledge on that line.", timeout=2)

    def action_acknowledge_all(self) -> None:
        count = self.app.acknowledge(None)
        self.notify(f"{count} alert{'s' if count != 1 else ''} acknowledged." if count else "No alert waiting.")

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_printer()

    def action_open_printer(self) -> None:
        event = self.selected_event
        if event is None:
            return
        if event.printer_id not in self.app.store.printers:
            self.notify(f"{event.printer_name or event.printer_id} is not in the cloud's list now.", severity="warning")
            return
        self.open_over(JobQueueScreen(event.printer_id))
