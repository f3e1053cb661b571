"""Which action applies to what, decided before any request: a key that does not apply says why."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from api import JobStatus, PrinterState


@dataclass(frozen=True)
class Action:
    key: str
    verb: str
    past: str
    confirm: str | None = None


ACTIONS = {
    "pause": Action("p", "pause", "paused"),
    "resume": Action("u", "resume", "resumed"),
    "cancel": Action("c", "cancel", "cancelled", confirm="Cancel {target}? The print cannot be resumed."),
    "tray": Action(
        "t",
        "mark the build tray clear",
        "marked clear",
        confirm="Mark the build tray of {target} clear? Only if the tray is empty: the next queued job may start at once.",
    ),
    "start": Action("x", "start", "started"),
}


def action_bindings(start: str) -> list[Binding]:
    """The action keys, the same on every screen that acts on a printer (`start` names what x starts)."""
    return [
        Binding("p", "act('pause')", "Pause", id="pause"),
        Binding("u", "act('resume')", "Resume", id="resume"),
        Binding("c", "act('cancel')", "Cancel", id="cancel"),
        Binding("t", "act('tray')", "Tray clear", id="tray-clear"),
        Binding("x", "act('start')", start, id="start"),
    ]


_BUSY = {PrinterState.PRINTING, PrinterState.PAUSED, PrinterState.DOWNLOADING}


def why_not(kind: str, name: str, state: PrinterState, job_status: JobStatus | None = None) -> str | None:
    """None if `kind` applies to this printer (and job, if one is chosen); else why not, in words."""
    if state is PrinterState.OFFLINE and kind != "cancel":
        return f"{name} is offline: the cloud cannot reach it."
    if kind == "tray":
        if state in _BUSY:
            return f"{name} is {state.value}: the build tray cannot be cleared during a print."
        if state not in (PrinterState.BED_NOT_CLEAR, PrinterState.ERROR):
            return f"{name}'s build tray is already marked clear."
        return None
    if job_status is not None and job_status not in (JobStatus.QUEUED, JobStatus.PRINTING):
        return f"That job has already ended ({job_status.label}): nothing to {ACTIONS[kind].verb}."
    if kind == "pause":
        if job_status is JobStatus.QUEUED:
            return "That job is still queued: only a printing job can be paused."
        if state is PrinterState.PAUSED:
            return f"{name} is already paused (u resumes)."
        if state is PrinterState.DOWNLOADING:
            return f"{name} is still downloading the file: pause once it prints."
        if state is not PrinterState.PRINTING:
            return f"{name} is {_word(state)}: nothing to pause."
    elif kind == "resume":
        if job_status is JobStatus.QUEUED:
            return "That job is still queued: x starts it."
        if state is not PrinterState.PAUSED:
            return f"{name} is {_word(state)}, not paused: nothing to resume."
    elif kind == "cancel":
        if job_status is None and state not in _BUSY:
            return f"{name} is {_word(state)}: no print to cancel."
        if state is PrinterState.OFFLINE:
            return f"{name} is offline: the cloud cannot reach it."
    elif kind == "start":
        if job_status is not None and job_status is not JobStatus.QUEUED:
            return "That job is not queued: only a queued job can be started."
        if state in _BUSY:
            return f"{name} is {_word(state)}: it cannot start another job."
        if state is PrinterState.BED_NOT_CLEAR:
            return f"{name}'s build tray is not clear: t marks it clear first."
        if state is PrinterState.ERROR:
            return f"{name} reports an error: check it, then t marks the tray clear."
        if state is not PrinterState.READY:
            return f"{name} is {_word(state)}: it cannot start a job now."
    return None


def _word(state: PrinterState) -> str:
    from .formatting import SHORT_STATE

    return SHORT_STATE[state]
