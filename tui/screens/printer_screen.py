"""What the job queue and the job detail screens share: one printer's live header, a refresh
timer that dies with the screen, and the action keys aimed at that printer and a chosen job."""

from __future__ import annotations

from textual.binding import Binding
from textual.timer import Timer

from api import Job, JobInfo, JobStatus

from ..widgets.printer_header import PrinterHeader
from ..widgets.status_header import StatusHeader, show_farm
from .base import FarmScreen, action_bindings


class PrinterScreen(FarmScreen[None]):
    BINDINGS = [
        # q goes back here (it quits from the grid only): help says so, from this description.
        Binding("escape,q", "app.pop_screen", "Back (q too)", id="back"),
        *action_bindings(on_job=True),
        Binding("a", "print_again", "Print again", id="print-again"),
    ]

    def __init__(self, printer_id: int) -> None:
        super().__init__()
        self.printer_id = printer_id
        self._timer: Timer | None = None

    def on_mount(self) -> None:
        self.app.printers_changed.subscribe(self, self._printer_changed)
        self.app.jobs_changed.subscribe(self, self._jobs_changed)
        self._printer_changed(None)

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.stop()

    def schedule(self, callback) -> None:
        """Run `callback` again after the refresh interval, while this screen lives."""
        if self.is_mounted:
            self._timer = self.set_timer(self.app.refresh_seconds, callback)

    def _printer_changed(self, _: object) -> None:
        store = self.app.store
        now = self.app.clock()
        for header in self.query(StatusHeader):  # the farm's live/STALE line and counts stay in view
            show_farm(header, self.app)
        self.query_one(PrinterHeader).show(
            store.view_of(self.printer_id, now), now, stale=store.problem if store.stale_since else None
        )

    def _jobs_changed(self, printer_id: int) -> None:
        if printer_id == self.printer_id:
            self.reload()

    def reload(self) -> None:
        """Fetch this screen's data again (after an action on its printer)."""

    @property
    def chosen_job(self) -> Job | JobInfo | None:
        return None

    def action_print_again(self) -> None:
        job = self.chosen_job
        if job is None:
            self.notify("Choose a job whose file should be printed again.", severity="warning")
            return
        self.app.request_reprint(self.printer_id, job.id)

    def action_act(self, kind: str) -> None:
        job = self.chosen_job
        if kind == "start" and job is not None and job.status is not JobStatus.QUEUED:
            job = None  # an ended or running job chosen: start falls back to the oldest queued job
        if kind == "tray" or job is None:
            self.app.request_action(kind, self.printer_id)
            return
        self.app.request_action(kind, self.printer_id, job.id, job.status)
