"""Everything the cloud knows of one job, for a person, and the file's slicer settings on demand."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Collapsible, Static

from api import AuthError, JobInfo, JobStatus, PrinterOSError, SlicerSettings
from api.models import clean_text

from ..formatting import (
    ALERT,
    BED_LABEL,
    JOB_LOOK,
    MUTED,
    NOZZLE_LABEL,
    date_time,
    duration,
    finish_label,
    grams,
    size,
)
from ..safe import text
from ..widgets.fit_footer import FitFooter
from ..widgets.printer_header import PrinterHeader
from ..widgets.status_header import StatusHeader
from .printer_screen import PrinterScreen

log = logging.getLogger("farmdash.screens")


def yes_no(value: bool | None) -> str:
    return "—" if value is None else ("yes" if value else "no")


def money(value: float | None, currency: str = "") -> str:
    """`12.40 EUR` when the cloud names its currency, else the bare amount."""
    if value is None:
        return "—"
    return f"{value:.2f} {currency}" if currency else f"{value:.2f}"


def currency_of(job: JobInfo) -> str:
    """The cloud's currency for costs, when it sends one beyond the documented fields."""
    extra = job.model_extra or {}
    value = next((extra[key] for key in ("currency", "currency_code") if isinstance(extra.get(key), str)), "")
    return clean_text(value).strip()[:8]


def job_table(
    job: JobInfo,
    printer_name: str,
    preview: str | None,
    now: datetime | None = None,
    reason: str = "",
    times: tuple[datetime | None, int | None] = (None, None),
) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    label, colour = JOB_LOOK[job.status]
    table.add_row("Status", Text(label, style=colour))
    if reason:  # why it ended, in the cloud's words (the report's cancel reason)
        table.add_row("Reason", text(reason, ALERT if job.status is JobStatus.FAILED else ""))
    table.add_row("File", text(job.filename).append(f"  ({size(job.file_size)})", style=MUTED))
    table.add_row("Owner", text(job.email))
    table.add_row("Created", date_time(job.datetime))
    table.add_row("Printer", text(printer_name).append(f"  #{job.printer_id}", style=MUTED))
    table.add_row("Estimated time", duration(job.printing_duration))
    table.add_row("Printed for", duration(job.print_time) if job.print_time else "—")
    started, printed = times
    if started is not None and not job.status.is_active:  # from the organisation's report
        table.add_row("Started", date_time(started))
        ended = started + timedelta(seconds=printed) if printed is not None else None
        table.add_row("Ended", date_time(ended))
    if job.status is JobStatus.PRINTING and now is not None and job.print_time:
        started = now - timedelta(seconds=job.print_time)
        table.add_row("Started", f"{date_time(started)} (from the time printed)")
        if job.printing_duration and job.printing_duration > job.print_time:
            left = job.printing_duration - job.print_time
            ends = finish_label(now + timedelta(seconds=left), now)
            table.add_row("Remaining", Text(f"{duration(left)} · ends {ends}", style="bold"))
    material = job.material_type or "—"
    table.add_row("Material", text(f"{material} · {grams(job.weight)}"))
    layer = f"{job.layer_height:g} mm" if job.layer_height else "—"
    table.add_row("Layer height", layer)
    if job.extruders:
        nozzles = ", ".join(f"{e.key} {e.temperature:g}°" for e in job.extruders if e.temperature)
        table.add_row(NOZZLE_LABEL, text(nozzles or "—"))  # the card's label: one name everywhere
        weights = [f"{e.key} {grams(e.weight)}" for e in job.extruders if e.weight]
        if weights:  # per extruder, when the cloud sends it (a list of {"w": ...} objects)
            table.add_row("Filament", text(", ".join(weights)))
    if job.heated_bed is False:
        table.add_row(BED_LABEL, "not heated")
    else:
        table.add_row(BED_LABEL, f"{job.heated_bed_temperature:.0f}°" if job.heated_bed_temperature else "—")
    table.add_row("Supports / raft", f"{yes_no(job.supports)} / {yes_no(job.raft)}")
    currency = currency_of(job)
    table.add_row("Cost", f"file {money(job.file_cost, currency)} · job {money(job.cost, currency)}")
    table.add_row("Notes", text(job.notes or "—"))
    if job.color_numbers:
        table.add_row("Colours", str(job.color_numbers))
    if preview:
        # whole, folded over lines rather than cut, so it can be copied
        table.add_row("Preview", Text(clean_text(preview), style=MUTED, overflow="fold"))
    return table


def slicer_table(settings: SlicerSettings) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="cyan", no_wrap=True)
    table.add_column()
    for key, value in settings.as_pairs():
        shown = value if len(value) <= 200 else value[:200] + "…"
        table.add_row(text(key), text(shown.replace("\n", " ⏎ ")))
    return table


class JobDetailScreen(PrinterScreen):
    BINDINGS = [Binding("e", "toggle_slicer", "Slicer settings", id="slicer")]

    def __init__(self, job_id: int, printer_id: int) -> None:
        super().__init__(printer_id)
        self.job_id = job_id
        self.job: JobInfo | None = None
        self.slicer: SlicerSettings | None = None

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status")
        yield PrinterHeader(id="printer-header")
        with VerticalScroll(id="job-body"):
            yield Static(Text(f"Job {self.job_id}", style="bold"), id="job-title")
            yield Static(Text("Loading…", style=MUTED), id="job-info")
            slicer_title = f"Slicer settings ({self.app.binding_key('slicer')})"  # the user's key
            with Collapsible(title=slicer_title, collapsed=True, id="slicer-box"):
                yield Static(Text("Loading…", style=MUTED), id="slicer")
        yield FitFooter(compact=True)

    def on_mount(self) -> None:
        self.sub_title = f"Job {self.job_id}"
        super().on_mount()
        self.query_one("#job-body").focus()
        self.load_job()

    def reload(self) -> None:
        self.load_job()

    @property
    def chosen_job(self) -> JobInfo | None:
        return self.job

    @work(exclusive=True, group="job-detail", exit_on_error=False)
    async def load_job(self) -> None:
        client = self.app.client
        info = self.query_one("#job-info", Static)
        try:
            job = await client.get_job_info(self.job_id)
        except AuthError:
            raise  # the one session-lost path: the worker's failure reaches the App
        except PrinterOSError as exc:
            log.info("job %s not read: %s", self.job_id, exc)  # the call's name: for the log, not the screen
            info.update(Text(f"▲ Cannot load this job: {exc.message}", style=f"bold {ALERT}"))
            self.schedule(self.load_job)
            return
        self.job = job
        printer = self.app.store.printers.get(job.printer_id or self.printer_id)
        title = Text(f"Job {job.id} · ", style="bold")
        title.append_text(text(job.filename, "bold"))
        self.query_one("#job-title", Static).update(title)
        reason = (
            await self.app.sync.job_reason(job.id, job.datetime)
            if job.status in (JobStatus.FAILED, JobStatus.ABORTED)
            else ""
        )
        name = printer.display_name if printer else "?"
        times = self.app.sync.job_times.get(job.id, (None, None))
        info.update(job_table(job, name, client.preview_url(job), self.app.clock(), reason, times))
        if self.slicer is None and job.file_id:
            try:
                self.slicer = await client.get_slicer_settings_for_gcode(job.file_id)
                self.query_one("#slicer", Static).update(slicer_table(self.slicer))
            except AuthError:
                raise
            except PrinterOSError as exc:
                self.query_one("#slicer", Static).update(text(f"No slicer settings: {exc.message}", MUTED))
        self.schedule(self.load_job)

    def action_toggle_slicer(self) -> None:
        box = self.query_one(Collapsible)
        box.collapsed = not box.collapsed
