"""The App's side of work on many printers and files from disk: the bulk preview and run, the file
picker and upload, moving a queued job. A mixin of `FarmDash`, so app.py stays wiring; the work
itself lives in actions (the runner), bulk (preview and summary) and upload.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App

from .actions import ACTIONS, ActionRunner, MoveOutcome, Outcome, Result
from .bulk import BulkPlan, plan, summary
from .screens.bulk import BulkScreen
from .screens.file_picker import FilePickerScreen
from .screens.printer_picker import PrinterPicker
from .screens.send_file import SendFileScreen
from .upload import file_problem

if TYPE_CHECKING:
    import asyncio
    from datetime import datetime

    from textual.signal import Signal

    from .store import FarmStore


class BulkWiring(App[None]):
    if TYPE_CHECKING:  # what FarmDash provides
        clock: Callable[[], datetime]
        jobs_changed: Signal[int]
        store: FarmStore
        runner: ActionRunner
        stagger_seconds: float
        files_dir: str | None

        def refuse_read_only(self) -> bool: ...
        def binding_key(self, binding_id: str) -> str: ...
        def _audit(self, outcome: Outcome) -> None: ...
        async def after_actions(self, outcomes: list[Outcome]) -> None: ...

    # --- bulk actions on the marked printers --------------------------------------------------------

    def request_bulk(self, kind: str, printer_ids: list[int]) -> None:
        """The preview of `kind` on these printers; nothing is sent until the user says yes."""
        if self.refuse_read_only():
            return
        bulk = plan(kind, printer_ids, self.store, keys=self.binding_key, stagger_seconds=self.stagger_seconds)
        self.push_screen(BulkScreen(bulk))

    async def run_bulk(
        self, bulk: BulkPlan, *, on_outcome: Callable[[Outcome], None], stop: asyncio.Event
    ) -> list[Outcome]:
        """Send a previewed bulk action: one outcome per printer, then one summary notice."""
        on_outcome = self._audited(on_outcome)
        claimed, busy = self.runner.claim(bulk.kind, bulk.to_send)
        for outcome in busy:
            on_outcome(outcome)
        outcomes = busy + await self.runner.run(
            bulk.kind, claimed, stagger_seconds=bulk.stagger_seconds, on_outcome=on_outcome, stop=stop
        )
        refused = any(
            o.result in (Result.REFUSED, Result.UNKNOWN, Result.NOT_SENT, Result.SESSION_ENDED) for o in outcomes
        )
        self.notify(
            summary(bulk.kind, [*outcomes, *(o for o in self._planned_skips(bulk))]),
            title=f"{ACTIONS[bulk.kind].label}: {len(bulk.lines)} printer{'s' if len(bulk.lines) != 1 else ''}",
            severity="warning" if refused else "information", timeout=8,
        )  # fmt: skip
        await self.after_actions(outcomes)
        return outcomes

    # --- files from this machine's disk -----------------------------------------------------------------

    def request_send_file(self, printer_ids: list[int]) -> None:
        """Pick a file, then the project and queue or print, then upload it and send it to these printers."""
        if self.refuse_read_only():
            return
        if not printer_ids:
            self.notify("No printer selected.", severity="warning")
            return
        start = Path(self.files_dir).expanduser() if self.files_dir else Path.cwd()
        if not start.is_dir():
            self.notify(f"{start} is not a folder (files_dir in the settings): showing the current folder.")
            start = Path.cwd()

        def picked(path: Path | None) -> None:
            if path is None:
                return
            problem = file_problem(path)
            if problem:
                self.notify(problem, title="Cannot send", severity="warning")
                return
            names = {pid: self.runner.name_of(pid) for pid in printer_ids}
            self.push_screen(SendFileScreen(path, printer_ids, names))

        self.push_screen(FilePickerScreen(start), picked)

    async def send_to_printers(
        self, file_id: int, printer_ids: list[int], only_queue: bool, on_outcome
    ) -> list[Outcome]:
        """`print_file` on each printer through the runner: one outcome each, audited, then one notice."""
        kind = "queue" if only_queue else "print"
        on_outcome = self._audited(on_outcome)
        claimed, busy = self.runner.claim(kind, printer_ids)
        for outcome in busy:
            on_outcome(outcome)
        outcomes = busy + await self.runner.run_print(file_id, claimed, only_queue=only_queue, on_outcome=on_outcome)
        failed = any(o.result is not Result.DONE for o in outcomes)
        self.notify(
            summary(kind, outcomes), title=f"File {file_id}", severity="warning" if failed else "information", timeout=8
        )
        await self.after_actions(outcomes)
        return outcomes

    # --- moving a queued job --------------------------------------------------------------------------

    def request_move(self, printer_id: int, job_id: int) -> None:
        """Pick a printer of the same type, then queue the file there and cancel the job here."""
        if self.refuse_read_only():
            return
        printer = self.store.printers.get(printer_id)
        if printer is None:
            return
        now = self.clock()
        others = [
            view
            for pid, other in self.store.printers.items()
            if pid != printer_id and other.type == printer.type and (view := self.store.view_of(pid, now))
        ]
        if not others:
            self.notify(f"No other printer of type {printer.type or '(none)'} to move the job to.", severity="warning")
            return

        def picked(target: int | None) -> None:
            if target is not None:
                claimed, _ = self.runner.claim("move", [job_id])
                if not claimed:
                    self.notify("Already moving that job; waiting for the cloud.", timeout=2)
                    return
                self.move_job(job_id, printer_id, target)

        others.sort(key=lambda view: (view.name.casefold(), view.id))
        question = f"Move job {job_id} to which {printer.type or 'printer'}?"
        self.push_screen(PrinterPicker(question, others), picked)

    @work(exclusive=False, group="actions", exit_on_error=False)
    async def move_job(self, job_id: int, source_id: int, target_id: int) -> None:
        try:
            moved = await self.runner.move(job_id, source_id, target_id)
        finally:
            self.runner.release("move", [job_id])
        self._audit_move(moved, job_id, source_id, target_id)
        if moved.moved:
            self.notify(moved.sentence, title=f"Job {job_id} moved", timeout=8)
        else:
            self.notify(moved.sentence, title=f"Job {job_id} not moved", severity="error", timeout=15)
        for printer_id in (source_id, target_id):
            self.jobs_changed.publish(printer_id)

    def _audit_move(self, moved: MoveOutcome, job_id: int, source_id: int, target_id: int) -> None:
        """A move in the event log as its two steps: queued there, then cancelled here."""
        queued = Result.DONE if moved.new_job_id is not None else Result.REFUSED
        self._audit(Outcome("queue", target_id, moved.target, queued, moved.queue_error or "", moved.new_job_id))
        if moved.new_job_id is None:
            return  # nothing was cancelled: the job stays where it was
        cancelled = Result.REFUSED if moved.cancel_error else Result.DONE
        self._audit(Outcome("cancel", source_id, moved.source, cancelled, moved.cancel_error or "", job_id))

    def _audited(self, on_outcome: Callable[[Outcome], None]) -> Callable[[Outcome], None]:
        """Each outcome goes in the event log as it arrives, with its own time (not the run's end)."""

        def audit_then_show(outcome: Outcome) -> None:
            self._audit(outcome)
            on_outcome(outcome)

        return audit_then_show

    def _planned_skips(self, bulk: BulkPlan) -> list[Outcome]:
        return [Outcome(bulk.kind, line.printer_id, line.name, Result.SKIPPED, line.text) for line in bulk.skipped]
