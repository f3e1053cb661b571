"""One printer's jobs: queued and printing first, then recently ended; kept live with `prev_time` deltas."""

from __future__ import annotations

import logging

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from api import AuthError, Job, JobStatus, PrinterOSError
from api.models import clean_text

from ..formatting import ALERT, JOB_LOOK, MUTED, date_time, short_date_time
from ..safe import text
from ..shorten import cut_email, cut_file
from ..widgets.fit_footer import FitFooter
from ..widgets.printer_header import PrinterHeader
from ..widgets.status_header import StatusHeader
from .job_detail import JobDetailScreen
from .printer_screen import PrinterScreen

PAGE = 50

log = logging.getLogger("farmdash.screens")


def job_order(job: Job) -> tuple[int, int]:
    """Printing, then queued (oldest first, as they will run), then ended (newest first)."""
    if job.status is JobStatus.PRINTING:
        return (0, job.id)
    if job.status is JobStatus.QUEUED:
        return (1, job.id)
    return (2, -job.id)


def column_widths(width: int) -> dict[str, int]:
    """The queue's columns for a terminal `width`: the file takes what is left (each cell has 2 of padding)."""
    widths = {"status": 11, "id": 6, "owner": 20 if width >= 100 else 14, "created": 16 if width >= 120 else 11}
    widths["file"] = max(12, width - 2 - sum(w + 2 for w in widths.values()) - 2)
    return widths


def job_cells(job: Job, widths: dict[str, int]) -> tuple[Text, ...]:
    """Long names cut in the middle, so `part_v17_final` and `part_v18_final` stay apart."""
    label, colour = JOB_LOOK[job.status]
    created = date_time(job.datetime) if widths["created"] >= 16 else short_date_time(job.datetime)
    return (
        Text(label, style=colour),
        Text(str(job.id)),
        text(cut_file(clean_text(job.filename), widths["file"])),
        text(cut_email(clean_text(job.email), widths["owner"]), MUTED),
        Text(created),
    )


class JobQueueScreen(PrinterScreen):
    BINDINGS = [
        Binding("enter", "open_job", "Job details", id="open-job", show=False),
        Binding("r", "reload", "Reload", id="reload", show=False),
        Binding("m", "move_job", "Move to printer", id="move-job", show=False),
        Binding("j", "move(1)", "Down", show=False),
        Binding("k", "move(-1)", "Up", show=False),
    ]

    def __init__(self, printer_id: int) -> None:
        super().__init__(printer_id)
        self.jobs: dict[int, Job] = {}
        self.token: object = None
        self.problem: str | None = None
        self.widths: dict[str, int] = {}
        self.answered = False  # the first read of the jobs came back (until then the table is empty, not "No jobs")

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status")
        yield PrinterHeader(id="printer-header")
        yield DataTable(id="jobs", cursor_type="row", zebra_stripes=True)
        yield Static(id="jobs-status")
        yield FitFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        self._add_columns(table, column_widths(self.app.size.width))
        printer = self.app.store.printers.get(self.printer_id)
        self.sub_title = printer.name if printer else str(self.printer_id)
        super().on_mount()
        self.app.show_printers((self.app.sync.visible_printers or set()) | {self.printer_id})
        table.focus()
        self.poll_jobs()

    def _add_columns(self, table: DataTable, widths: dict[str, int]) -> None:
        self.widths = widths
        for key, title in (("status", "Status"), ("id", "Job"), ("file", "File"), ("owner", "Owner"),
                           ("created", "Created")):  # fmt: skip
            table.add_column(title, width=widths[key], key=key)

    def on_resize(self, event: events.Resize) -> None:
        """The columns follow the terminal: opened at 200 columns and narrowed to 80, Owner and
        Created were off screen; widened, the file names stayed cut to 80's."""
        widths = column_widths(self.app.size.width)
        if not self.widths or widths == self.widths:
            return
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        self._add_columns(table, widths)
        if self.answered:  # before the first read: "No jobs for this printer" would be a guess
            self.show_jobs()
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)

    def reload(self) -> None:
        self.poll_jobs()

    # --- polling ------------------------------------------------------------------------------------

    @work(exclusive=True, group="jobs-poll", exit_on_error=False)
    async def poll_jobs(self) -> None:
        client = self.app.client
        try:
            if self.token is None:
                page = await client.get_printer_jobs(self.printer_id, prev_time=0, limit=PAGE)
                self.jobs = {job.id: job for job in page.jobs}
            else:
                page = await client.get_printer_jobs(self.printer_id, prev_time=self.token, limit=PAGE)
                for job in page.jobs:
                    self.jobs[job.id] = job
            self.token = page.time if page.time is not None else None
            self.problem = None
        except AuthError:
            raise  # the one session-lost path: the worker's failure reaches the App
        except PrinterOSError as exc:
            log.info("jobs of printer %s not read: %s", self.printer_id, exc)  # the call's name: the log only
            self.problem = exc.message
        finally:
            self.schedule(self.poll_jobs)
        self.answered = True
        self.show_jobs()

    def show_jobs(self) -> None:
        table = self.query_one(DataTable)
        ordered = sorted(self.jobs.values(), key=job_order)
        current_keys = [row.key.value for row in table.ordered_rows]
        wanted_keys = [str(job.id) for job in ordered]
        with self.app.batch_update():
            if current_keys == wanted_keys:
                for job in ordered:
                    key = str(job.id)
                    for column, value in zip(
                        ("status", "id", "file", "owner", "created"), job_cells(job, self.widths), strict=True
                    ):
                        if table.get_cell(key, column) != value:
                            table.update_cell(key, column, value)
            else:
                selected = (
                    current_keys[table.cursor_row]
                    if current_keys and 0 <= table.cursor_row < len(current_keys)
                    else None
                )
                table.clear()
                for job in ordered:
                    table.add_row(*job_cells(job, self.widths), key=str(job.id))
                if selected in wanted_keys:
                    table.move_cursor(row=wanted_keys.index(selected), animate=False)
        requeued = self.app.requeued.get(self.printer_id)
        if requeued is not None and str(requeued) in wanted_keys:  # after print again: the new job
            del self.app.requeued[self.printer_id]
            table.move_cursor(row=wanted_keys.index(str(requeued)), animate=False)
        status = self.query_one("#jobs-status", Static)
        active = sum(1 for job in ordered if job.status.is_active)
        line = Text(f"{active} active, {len(ordered) - active} ended", style=MUTED)
        if self.problem:
            line = Text(f"▲ Job list not updated: {self.problem}", style=f"bold {ALERT}")
        elif not ordered:
            line = Text("No jobs for this printer.", style=MUTED)
        status.update(line)

    def action_move(self, rows: int) -> None:
        """j and k move like the arrows (help has always said hjkl)."""
        table = self.query_one(DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + rows)), animate=False)

    def action_reload(self) -> None:
        self.token = None
        self.poll_jobs()

    # --- selection and actions --------------------------------------------------------------------

    @property
    def chosen_job(self) -> Job | None:
        return self.selected_job

    @property
    def selected_job(self) -> Job | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return self.jobs.get(int(key)) if key else None

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_job()

    def action_move_job(self) -> None:
        """Move the chosen queued job to another printer of the same type."""
        if self.app.refuse_read_only():
            return
        job = self.selected_job
        if job is None or job.status is not JobStatus.QUEUED:
            self.notify("Choose a queued job to move: only a job still in the queue can move.", severity="warning")
            return
        self.app.request_move(self.printer_id, job.id)

    def action_open_job(self) -> None:
        job = self.selected_job
        if job is not None:
            self.open_over(JobDetailScreen(job.id, self.printer_id))
