"""The App's side of printer actions: check that a key applies, confirm where it must, run the
action runner, tell each outcome, audit it, and read the printers again. Bulk actions (a preview,
then the run) and "print again" go the same way. A mixin of `FarmDash`, so app.py stays wiring;
the work itself lives in actions, rules and bulk, which know no widgets.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from textual import work
from textual.app import App

from api import AuthError, JobStatus, PrinterOSError, PrinterState

from .actions import ACTIONS, READ_ONLY, ActionRunner, Outcome, Result
from .rules import confirm_words, why_not
from .screens.confirm import THIRD, ConfirmScreen
from .states import STATES

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from textual.signal import Signal

    from .event_hub import FarmEvents
    from .store import FarmStore
    from .sync import FarmSync

log = logging.getLogger("farmdash.tui")  # the same log as the App: actions sent and their outcomes


class ActionsWiring(App[None]):
    if TYPE_CHECKING:  # what FarmDash provides
        store: FarmStore
        sync: FarmSync
        runner: ActionRunner
        read_only: bool
        stagger_seconds: float
        clock: Callable[[], datetime]
        events: FarmEvents
        printers_changed: Signal[set[int] | None]
        jobs_changed: Signal[int]
        requeued: dict[int, int]

        def binding_key(self, binding_id: str) -> str: ...
        def session_lost(self, message: str) -> None: ...
        def resolve_current_jobs(self) -> object: ...

    def request_action(
        self, kind: str, printer_id: int | None, job_id: int | None = None, job_status: JobStatus | None = None
    ) -> None:
        """Check that the action applies, confirm if it must, then run it once."""
        if self.refuse_read_only():
            return
        printer = self.store.printers.get(printer_id) if printer_id is not None else None
        if printer_id is None or printer is None:
            self.notify("No printer selected.", severity="warning")
            return
        spec = ACTIONS[kind]
        name = printer.display_name
        doing = self.store.in_flight.get(printer_id)
        if doing:  # sent and not yet confirmed by a read: a second press sends nothing
            self.notify(f"{name}: {doing} already sent; waiting for the cloud to confirm.", timeout=3)
            return
        reason = why_not(kind, name, printer.state_kind, job_status, self.binding_key)
        if reason:
            self.notify(reason, title=f"Cannot {spec.verb}", severity="warning")
            return
        claimed, busy = self.runner.claim(kind, [printer_id])
        if busy:
            self.notify(f"Already sent to {name}; waiting for the cloud.", timeout=2)
            return
        if spec.confirm is None:
            self.perform_action(kind, claimed, job_id)
            return

        queue = self.store.queues.get(printer_id)
        # A bed-not-clear printer with a job waiting: clear only, or clear and start the next one.
        start_next = (
            kind == "tray" and printer.state_kind is PrinterState.BED_NOT_CLEAR and bool(queue and queue.queued)
        )

        def answered(answer: bool | str | None) -> None:
            if answer == THIRD:
                self.perform_action(kind, claimed, job_id, then_start=True)
            elif answer:
                self.perform_action(kind, claimed, job_id)
            else:
                self.runner.release(kind, claimed)

        question, labels = confirm_words(
            kind, name, job_id, job_status, start_next=start_next,
            paused=printer.state_kind is PrinterState.PAUSED,
            queued=queue.queued if queue else None,
            next_job=queue.next_job if queue else None, next_file=queue.next_file if queue else "",
        )  # fmt: skip
        self.push_screen(ConfirmScreen(question, names=(name,), **labels), answered)

    def refuse_read_only(self) -> bool:
        """In read-only mode, say so and send nothing: True if the caller must stop here."""
        if self.read_only:
            self.notify(f"{READ_ONLY}.", title="Read-only", severity="warning", timeout=4)
        return self.read_only

    @work(exclusive=False, group="actions", exit_on_error=False)
    async def perform_action(
        self, kind: str, printer_ids: list[int], job_id: int | None, *, then_start: bool = False
    ) -> None:
        doing = ACTIONS[kind].doing
        for printer_id in printer_ids:  # `⧗ clearing…` on the card until a read confirms
            self.store.set_in_flight(printer_id, doing)
        self.printers_changed.publish(set(printer_ids))
        try:
            outcomes = await self.runner.run(kind, printer_ids, job_id=job_id)
            for outcome in outcomes:
                self._audit(outcome)
                self._tell(outcome)
            await self.after_actions(outcomes)
            if then_start and any(o.result is Result.DONE for o in outcomes):
                await self._start_next(printer_ids[0])
        finally:
            for printer_id in printer_ids:
                self.store.set_in_flight(printer_id, None)
            self.printers_changed.publish(None)

    async def _start_next(self, printer_id: int) -> None:
        """After "clear and start next": start the oldest queued job, unless the cloud already did."""
        printer = self.store.printers.get(printer_id)
        if printer is None or printer.state_kind is not PrinterState.READY:
            state = STATES[printer.state_kind].short if printer else "gone"
            self.notify(f"{printer.display_name if printer else printer_id} is {state}: the next job was not started "
                        "by farmdash.", timeout=5)  # fmt: skip
            return
        claimed, _ = self.runner.claim("start", [printer_id])
        if not claimed:
            return
        self.store.set_in_flight(printer_id, ACTIONS["start"].doing)
        self.printers_changed.publish({printer_id})
        outcomes = await self.runner.run("start", claimed)
        for outcome in outcomes:
            self._audit(outcome)
            self._tell(outcome)
        await self.after_actions(outcomes)

    async def after_actions(self, outcomes: list[Outcome]) -> None:
        """After a run: log in again if the session ended, else read the printers that were sent to."""
        if any(outcome.result is Result.SESSION_ENDED for outcome in outcomes):
            self.session_lost(next(o.message for o in outcomes if o.result is Result.SESSION_ENDED))
            return
        sent = [o.printer_id for o in outcomes if o.result in (Result.DONE, Result.REFUSED, Result.UNKNOWN)]
        for printer_id in sent:  # show what the printer is really doing now
            await self.sync.refresh_printer(printer_id)
            self.jobs_changed.publish(printer_id)
        self.printers_changed.publish(None)
        if self.sync.wanted_lookups():
            self.resolve_current_jobs()

    def _audit(self, outcome: Outcome) -> None:
        """Every action sent goes in the event log with its outcome, and who sent it."""
        words = f"{outcome.result.value}: {outcome.message}" if outcome.message else outcome.result.value
        sent = outcome.result in (Result.DONE, Result.UNKNOWN)
        self.events.on_action(
            self.clock(), outcome.printer_id, outcome.printer_name, outcome.kind, words,
            sent=sent, job_id=outcome.job_id, label=ACTIONS[outcome.kind].label.lower() if outcome.kind in ACTIONS else outcome.verb,
        )  # fmt: skip

    def _tell(self, outcome: Outcome) -> None:
        spec = ACTIONS[outcome.kind]
        if outcome.result is Result.DONE:
            self.notify(outcome.sentence, title="Done", timeout=4)
        elif outcome.result in (Result.SESSION_ENDED, Result.NOT_SENT):
            key = self.binding_key(spec.binding_id)
            again = (
                f"Nothing was sent; press {key} again once logged in."
                if outcome.result is Result.SESSION_ENDED
                else f"Press {key} again when the cloud answers."
            )
            self.notify(
                f"Could not {spec.verb} on {outcome.printer_name}: {outcome.message} {again}",
                title="Not sent", severity="error", timeout=10,
            )  # fmt: skip
        elif outcome.result is Result.UNKNOWN:
            self.notify(outcome.sentence, title="Outcome unknown", severity="warning", timeout=8)
        elif outcome.result is Result.SKIPPED:
            self.notify(outcome.sentence, severity="warning")
        else:
            self.notify(outcome.message, title=f"Could not {spec.verb} on {outcome.printer_name}", severity="error")

    def request_reprint(self, printer_id: int, job_id: int) -> None:
        """Queue the file of an earlier job on this printer again (the API lists no files, jobs name them)."""
        if self.refuse_read_only():
            return
        claimed, _ = self.runner.claim("reprint", [job_id])
        if not claimed:
            self.notify("Already queueing that file; waiting for the cloud.", timeout=2)
            return
        self.reprint(printer_id, job_id)

    @work(exclusive=False, group="actions", exit_on_error=False)
    async def reprint(self, printer_id: int, job_id: int) -> None:
        name = self.runner.name_of(printer_id)
        try:
            filename, new_job = await self.runner.requeue(printer_id, job_id)
        except AuthError:
            raise
        except PrinterOSError as exc:
            log.info("print again on printer %s (job %s): %s", printer_id, job_id, exc.message)
            self.events.on_action(self.clock(), printer_id, name, "reprint", f"print again: refused: {exc.message}",
                                  sent=False, job_id=job_id)  # fmt: skip
            self.notify(exc.message, title=f"Could not queue on {name}", severity="error", timeout=8)
            return
        finally:
            self.runner.release("reprint", [job_id])
        log.info("print again on printer %s: job %s queued as job %s", printer_id, job_id, new_job)
        self.events.on_action(self.clock(), printer_id, name, "reprint", f"print again: queued as job {new_job}",
                              sent=True, job_id=job_id, filename=filename)  # fmt: skip
        start = self.binding_key(ACTIONS["start"].binding_id)
        self.requeued[printer_id] = new_job  # the queue screen selects it: the next key acts on it
        self.notify(f"{filename} queued on {name} as job {new_job} ({start} starts it).", title="Queued", timeout=5)
        self.jobs_changed.publish(printer_id)
