"""What a bulk action will do before anything is sent (the preview), and what it did (the summary).

Plain Python, no Textual: the preview screen shows these lines, the tests read them. Printers the
action does not apply to are skipped with the reason `rules.why_not` gives for one printer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from api import PrinterState

from .actions import ACTIONS, KeyNames, Outcome, Result, default_keys
from .rules import why_not
from .states import STATES
from .store import FarmStore

# What the preview says will happen to a printer the action applies to.
PLANNED = {
    "pause": "pause the running job",
    "resume": "resume the paused job",
    "cancel": "cancel the running job",
    "tray": "mark tray clear",
    "start": "start the oldest queued job",
}
# How the summary counts printers the cloud took the action for.
DONE_WORDS = {
    "pause": "paused",
    "resume": "resumed",
    "cancel": "cancelled",
    "tray": "cleared",
    "start": "started",
    "queue": "queued",
    "print": "sent to print",
}


@dataclass(frozen=True)
class PlanLine:
    printer_id: int
    name: str
    send: bool
    text: str  # "mark tray clear", or why it is skipped


@dataclass(frozen=True)
class BulkPlan:
    kind: str
    lines: tuple[PlanLine, ...]
    stagger_seconds: float = 0.0

    @property
    def to_send(self) -> list[int]:
        return [line.printer_id for line in self.lines if line.send]

    @property
    def skipped(self) -> list[PlanLine]:
        return [line for line in self.lines if not line.send]

    def totals(self) -> str:
        """`26 to mark tray clear, 2 skipped`, and the stagger when starts are spread out."""
        sending = len(self.to_send)
        words = f"{sending} to {ACTIONS[self.kind].verb}"
        if self.skipped:
            words += f", {len(self.skipped)} skipped"
        if self.stagger_seconds and sending > 1:
            total = self.stagger_seconds * (sending - 1)
            words += f"; starts {self.stagger_seconds:g} s apart (about {duration(total)} in all)"
        return words


def plan(
    kind: str, printer_ids: list[int], store: FarmStore, *, keys: KeyNames = default_keys, stagger_seconds: float = 0.0
) -> BulkPlan:
    """Each printer and what will happen to it, decided from what the farm looks like now."""
    lines = []
    for printer_id in printer_ids:
        printer = store.printers.get(printer_id)
        if printer is None:
            continue
        name = printer.display_name
        reason = why_not(kind, name, printer.state_kind, keys=keys)
        if not reason and kind == "start" and _queued(store, printer_id) == 0:
            reason = "nothing queued"  # known empty; None (not looked up yet) stays in
        if reason:
            lines.append(PlanLine(printer_id, name, False, skip_text(printer.state_kind, reason)))
        else:
            lines.append(PlanLine(printer_id, name, True, PLANNED[kind]))
    lines.sort(key=lambda line: not line.send)  # what will be sent first, then what will not
    return BulkPlan(kind, tuple(lines), stagger_seconds if kind == "start" else 0.0)


def _queued(store: FarmStore, printer_id: int) -> int | None:
    """Queued jobs waiting as last looked up (the view's `queued`), None until looked up."""
    seen = store.queues.get(printer_id)
    return seen.queued if seen is not None else None


def skip_text(state: PrinterState, reason: str) -> str:
    """`skipped, printing: the build tray cannot be cleared during a print.` (the name is on the line)."""
    detail = reason.split(": ", 1)[1] if ": " in reason else reason
    return f"skipped, {STATES[state].short}: {detail}"


def summary(kind: str, outcomes: list[Outcome]) -> str:
    """`26 cleared, 2 refused: MK4-03: <the cloud's words>; ...` in one line."""
    counts = Counter(outcome.result for outcome in outcomes)
    parts = []
    if counts[Result.DONE]:
        parts.append(f"{counts[Result.DONE]} {DONE_WORDS[kind]}")
    for result in (Result.REFUSED, Result.UNKNOWN, Result.NOT_SENT, Result.SESSION_ENDED, Result.SKIPPED):
        if counts[result]:
            parts.append(f"{counts[result]} {result.value}")
    text = ", ".join(parts) or "nothing sent"
    refused = [f"{outcome.printer_name}: {outcome.message}" for outcome in outcomes if outcome.result is Result.REFUSED]
    if refused:
        text += ": " + "; ".join(refused)
    return text


def outcome_text(outcome: Outcome) -> str:
    """What happened to one printer, for its line in the run."""
    if outcome.result is Result.DONE:
        job = f" (job {outcome.job_id})" if outcome.job_id else ""
        return f"{outcome.past}{job}"
    if outcome.result is Result.REFUSED:
        return f"refused: {outcome.message}"
    if outcome.message.startswith(outcome.result.value):
        return outcome.message
    return f"{outcome.result.value}: {outcome.message}"


def duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"
