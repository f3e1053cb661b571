"""Which action applies to what, decided before any request: a key that does not apply says why.

The texts name keys through `keys` (binding id -> the user's key), never a literal.
"""

from __future__ import annotations

from api import JobStatus, PrinterState

from .actions import ACTIONS, KeyNames, default_keys
from .states import BUSY_STATES, STATES


def why_not(
    kind: str,
    name: str,
    state: PrinterState,
    job_status: JobStatus | None = None,
    keys: KeyNames = default_keys,
) -> str | None:
    """None if `kind` applies to this printer (and job, if one is chosen); else why not, in words."""
    word = STATES[state].short
    verb = ACTIONS[kind].verb
    if state is PrinterState.OFFLINE:
        return f"{name} is offline: the cloud cannot reach it."
    if kind == "tray":
        if state in BUSY_STATES:
            return f"{name} is {word}: the build tray cannot be cleared during a print."
        if state not in (PrinterState.BED_NOT_CLEAR, PrinterState.ERROR):
            return f"{name}'s build tray is already marked clear."
        return None
    if job_status is not None and job_status not in (JobStatus.QUEUED, JobStatus.PRINTING):
        return f"That job has already ended ({job_status.label}): nothing to {verb}."
    if kind == "pause":
        if job_status is JobStatus.QUEUED:
            return "That job is still queued: only a printing job can be paused."
        if state is PrinterState.PAUSED:
            return f"{name} is already paused ({keys('resume')} resumes)."
        if state is PrinterState.DOWNLOADING:
            return f"{name} is still downloading the file: pause once it prints."
        if state is not PrinterState.PRINTING:
            return f"{name} is {word}: nothing to pause."
    elif kind == "resume":
        if job_status is JobStatus.QUEUED:
            return f"That job is still queued: {keys('start')} starts it."
        if state is not PrinterState.PAUSED:
            return f"{name} is {word}, not paused: nothing to resume."
    elif kind == "cancel":
        if job_status is None and state not in BUSY_STATES:
            return f"{name} is {word}: no print to cancel."
    elif kind == "start":
        if job_status is not None and job_status is not JobStatus.QUEUED:
            return "That job is not queued: only a queued job can be started."
        if state in BUSY_STATES:
            return f"{name} is {word}: it cannot start another job."
        if state is PrinterState.BED_NOT_CLEAR:
            return f"{name}'s build tray is not clear: {keys('tray-clear')} marks it clear first."
        if state is PrinterState.ERROR:
            return f"{name} reports an error: check it, then {keys('tray-clear')} marks the tray clear."
        if state is not PrinterState.READY:
            return f"{name} is {word}: it cannot start a job now."
    return None


def confirm_words(
    kind: str, name: str, job_id: int | None, job_status: JobStatus | None, *, start_next: bool = False
) -> tuple[str, dict[str, str]]:
    """The question of an action that asks first, and its buttons' words (yes, no, a third answer)."""
    target = f"job {job_id} on {name}" if job_id else name
    question = (ACTIONS[kind].confirm or "{target}?").format(target=target)
    labels = {"confirm_label": ACTIONS[kind].verb.capitalize(), "no_label": "No"}
    if kind == "cancel":
        labels = {"confirm_label": "Yes, cancel the job", "no_label": "No, keep printing"}
        if job_status is JobStatus.QUEUED:  # nothing is printing: nothing to resume either
            question = f"Cancel {target}? It leaves the queue and will not print."
            labels["no_label"] = "No, keep it queued"
    elif kind == "tray":
        labels = {"confirm_label": "Yes, mark it clear", "no_label": "No"}
        if start_next:
            question = f"Mark the build tray of {name} clear? Only if the tray is empty."
            labels = {"confirm_label": "Clear only", "no_label": "Neither", "third": "Clear, start next job"}
    return question, labels
