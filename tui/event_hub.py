"""Farm events in one place: the detector, the log and the alert rules, fed by the farm sync.

Plain Python (no Textual). The sync calls `on_poll` after every good poll and `on_job` when a
running job is looked up; the action runner calls `on_action` with each outcome. Listeners (the
app's header and event-log screen, the alerter, a `farmdash events --follow` printer) get each
batch of new or updated events; an empty batch means only acknowledgements changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from api import JobStatus, Printer
from api.pace import PACE

from .alerts import AlertSettings, is_alert
from .eventlog import EventLog
from .events import ENDINGS, Event, EventDetector, action_event, ended_as

log = logging.getLogger("farmdash.events")

Listener = Callable[[list[Event]], None]


class FarmEvents:
    def __init__(self, event_log: EventLog, settings: AlertSettings | None = None, *, who: str = "") -> None:
        self.settings = settings or AlertSettings()
        self.log = event_log
        self.log.is_alert = self.is_alert
        self.who = who
        self.detector = EventDetector(self.settings.detector_settings())
        self.detector.seed(event_log.seen)
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def is_alert(self, event: Event) -> bool:
        return is_alert(event, self.settings)

    # --- fed by the sync and the action runner ----------------------------------------------------

    def on_poll(self, printers: Iterable[Printer], now: datetime) -> list[Event]:
        return self._polled(self.detector.observe(printers, now), now)

    async def take_poll(self, printers: Iterable[Printer], now: datetime) -> list[Event]:
        """`on_poll` in slices that yield to the event loop: a key pressed as a big poll lands
        is answered between two slices."""
        events: list[Event] = []
        for _ in self.detector.observe_steps(printers, now, events):
            await PACE.breathe()
        return self._polled(events, now)

    def _polled(self, events: list[Event], now: datetime) -> list[Event]:
        self.log.note_seen(self.detector.pop_seen_changes(), now)
        if events:  # a quiet poll wakes no listener: the screens repaint nothing
            self._publish(events)
        return events

    def on_job(self, printer_id: int, job_id: int | None, filename: str, now: datetime) -> None:
        completed = self.detector.note_job(printer_id, job_id, filename)
        self.log.note_seen(self.detector.pop_seen_changes(), now)
        if completed is not None:
            self._publish([completed])

    def on_job_outcome(
        self, event_id: str, job_id: int, status: JobStatus, now: datetime, *, reason: str = "", filename: str = ""
    ) -> Event | None:
        """The ended job's own record, once read: corrects the end event it explains (same id)."""
        event = self.log.events.get(event_id)
        if event is None or event.kind not in ENDINGS or event.job_id not in (None, job_id):
            return None
        corrected = ended_as(event, job_id, status, now, reason=reason, filename=filename)
        self.detector.adopt(corrected)
        self._publish([corrected])
        return corrected

    def on_action(
        self,
        now: datetime,
        printer_id: int,
        printer_name: str,
        action: str,
        outcome: str,
        *,
        sent: bool,
        job_id: int | None = None,
        label: str | None = None,
        filename: str = "",
    ) -> Event:
        """The audit record of an action (`action` is its kind, `label` its name in words); if the
        cloud may have taken it, the change it causes is put down to us."""
        if sent:
            self.detector.note_action(printer_id, action, self.who or "farmdash", now)
        text = f"{label}: {outcome}" if label else outcome
        event = action_event(now, printer_id, printer_name, text, who=self.who, job_id=job_id, filename=filename)
        self._publish([event])
        return event

    # --- acknowledgement -----------------------------------------------------------------------------

    def unacknowledged(self) -> list[Event]:
        return self.log.unacknowledged()

    def alert_printers(self) -> dict[int, Event]:
        """Printers with an alert not yet acknowledged, each with its newest such alert."""
        marked: dict[int, Event] = {}
        for event in self.log.unacknowledged():
            marked[event.printer_id] = event
        return marked

    def acknowledge(self, ids: Iterable[str], now: datetime) -> int:
        fresh = self.log.acknowledge(ids, now, self.who)
        if fresh:
            self._publish([])
        return len(fresh)

    def acknowledge_all(self, now: datetime) -> int:
        return self.acknowledge([event.id for event in self.log.unacknowledged()], now)

    def _publish(self, events: list[Event]) -> None:
        if events:
            self.log.record(events)
        for listener in list(self._listeners):
            try:
                listener(events)
            except Exception:  # one broken listener must not stop the others or the poll
                log.exception("event listener failed")
