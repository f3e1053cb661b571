"""The App's side of farm events: the detector fed by the sync, alerts told in the terminal and
outbound, the badge and card marks kept current, `L` and acknowledgement. A mixin of `FarmDash`,
so app.py stays wiring; the work itself lives in events, eventlog, alerts and event_hub.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.signal import Signal

from api import AuthError, JobStatus, PrinterOSError

from .alerts import Alerter, AlertSettings, Outbound, OutboundProblem, should_ring
from .event_hub import FarmEvents
from .eventlog import EventLog
from .events import ENDINGS, KIND_LOOK, Event
from .screens.event_log import EventLogScreen

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from api import PrinterOSClient

    from .store import FarmStore
    from .sync import FarmSync

_ENDED_JOBS = {JobStatus.FINISHED, JobStatus.FAILED, JobStatus.ABORTED}
_REASON_KEYS = ("cancel_reason", "cancel_details", "fail_reason", "error_message", "reason")


class EventsWiring(App[None]):
    if TYPE_CHECKING:  # what FarmDash provides
        client: PrinterOSClient
        store: FarmStore
        sync: FarmSync
        username: str
        clock: Callable[[], datetime]
        printers_changed: Signal[set[int] | None]

        def binding_key(self, binding_id: str) -> str: ...

    def _wire_events(self, event_log: EventLog, settings: AlertSettings) -> None:
        """The detector runs on every read of the farm; alerts ring, notify and go out from here."""
        self.alert_settings = settings
        self.events = FarmEvents(event_log, settings, who=self.username)
        self.sync.printer_hooks.append(self.events.take_poll)
        self.sync.job_hooks.append(lambda pid, job, now: self.events.on_job(pid, job.job_id, job.filename, now))
        # New or updated events (an empty list: only acknowledgements changed).
        self.alerts_changed: Signal[list[Event]] = Signal(self, "alerts-changed")
        self.outbound: Outbound | None = None
        if settings.enabled and settings.urls:
            self.outbound = Outbound(settings.urls, timeout=settings.timeout, on_problem=self._outbound_problem)
        self.events.subscribe(self._events_happened)
        tmux = bool(os.environ.get("TMUX"))
        self.events.subscribe(Alerter(settings, write=self.write_terminal, outbound=self.outbound, tmux=tmux))
        self.store.set_alerted(set(self.events.alert_printers()))

    def _events_happened(self, events: list[Event]) -> None:
        changed = self.store.set_alerted(set(self.events.alert_printers()))
        if changed:
            self.printers_changed.publish(changed)
        fresh = [event for event in events if should_ring(event, self.alert_settings)]
        for event in fresh[:3]:
            self.notify(event.summary, title="Alert", severity=KIND_LOOK[event.kind].severity, timeout=10)
        if len(fresh) > 3:
            self.notify(f"{len(fresh) - 3} more alerts: {self.binding_key('event-log')} opens the event log.")
        self.alerts_changed.publish(events)
        for event in events:
            if event.kind in ENDINGS and event.updated is None:
                self.read_job_outcome(event.id, event.printer_id, event.job_id)

    @work(group="job-outcomes", exit_on_error=False)
    async def read_job_outcome(self, event_id: str, printer_id: int, job_id: int | None) -> None:
        """How the job really ended, its file and the cloud's reason: the printer list alone cannot
        tell a cancel from a finish short of 100%, and a job that started off screen was never
        looked up. One or two requests per ended job."""
        try:
            filename = ""
            if job_id is None:
                page = await self.client.get_printer_jobs(printer_id, limit=10)
                ended = [job for job in page.jobs if job.status in _ENDED_JOBS]
                if not ended:
                    return
                newest = max(ended, key=lambda job: job.id)
                job_id, filename = newest.id, newest.filename
            info = await self.client.get_job_info(job_id)
        except AuthError:
            raise  # the one session-lost path
        except PrinterOSError:
            return  # the event stands as first told
        extra = info.model_extra or {}
        reason = next((str(extra[key]) for key in _REASON_KEYS if isinstance(extra.get(key), str) and extra[key]), "")
        filename = info.filename or filename
        self.events.on_job_outcome(event_id, job_id, info.status, self.clock(), reason=reason, filename=filename)

    def write_terminal(self, text: str) -> None:
        """Bell and desktop-notification bytes, through the driver (between frames, never inside one)."""
        if self._driver is not None and text:
            self._driver.write(text)

    def _outbound_problem(self, problem: OutboundProblem) -> None:
        """From the sending thread: told once per service, on the app's loop."""
        words = f"{problem.service}: {problem.message}"
        try:
            if problem.working:
                self.call_from_thread(self.notify, f"Alerts reach {words}", timeout=5)
            else:
                self.call_from_thread(
                    self.notify, f"Alerts cannot be sent to {words}", title="Outbound alerts", severity="warning"
                )
        except RuntimeError:  # the app has stopped
            pass

    def acknowledge(self, event_ids: list[str] | None = None) -> int:
        """Acknowledge these alerts (None: all of them); the badge and the card marks follow."""
        now = self.clock()
        if event_ids is None:
            return self.events.acknowledge_all(now)
        return self.events.acknowledge(event_ids, now)

    def action_event_log(self) -> None:
        if not isinstance(self.screen, EventLogScreen):
            self.push_screen(EventLogScreen())

    def close_alerts(self) -> None:
        if self.outbound is not None:
            self.outbound.close()
