"""Which action applies to what, decided before any request: a key that does not apply says why.

The texts name keys through `keys` (binding id -> the user's key), never a literal.
"""

from __future__ import annotations

from api import JobStatus, PrinterState

from .actions import ACTIONS, KeyNames, default_keys
from .shorten import cut_file
from .states import BUSY_STATES, STATES

# The "clear and start next" button names the job's file in this many cells (cut in the middle):
# three buttons share the 76-cell dialog at 80x24.
NEXT_JOB_CELLS = 16


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
    kind: str,
    name: str,
    job_id: int | None,
    job_status: JobStatus | None,
    *,
    start_next: bool = False,
    paused: bool = False,
    queued: int | None = None,
    next_job: int | None = None,
    next_file: str = "",
) -> tuple[str, dict[str, str]]:
    """The question of an action that asks first, and its buttons' words (yes, no, a third answer).

    Clearing a tray says what may start next only when a job is queued (`queued`: None when not
    looked up yet), and "clear and start next" names the job it starts (`next_job`, `next_file`)."""
    target = f"job {job_id} on {name}" if job_id else name
    question = (ACTIONS[kind].confirm or "{target}?").format(target=target)
    labels = {"confirm_label": ACTIONS[kind].verb.capitalize(), "no_label": "No"}
    if kind == "cancel":
        labels = {
            "confirm_label": "Yes, cancel the job",
            "no_label": "No, keep it paused" if paused else "No, keep printing",
        }
        if job_status is JobStatus.QUEUED:  # nothing is printing: nothing to resume either
            question = f"Cancel {target}? It leaves the queue and will not print."
            labels["no_label"] = "No, keep it queued"
    elif kind == "tray":
        labels = {"confirm_label": "Yes, mark it clear", "no_label": "No"}
        waiting = f"job {next_job} {next_file}".strip() if next_job else "the next queued job"
        if start_next:
            question = f"{question} Next in its queue: {waiting}."
            shown = cut_file(next_file, NEXT_JOB_CELLS) if next_file else (f"job {next_job}" if next_job else "")
            third = f"Clear, start {shown}" if shown else "Clear, start next job"
            labels = {"confirm_label": "Clear only", "no_label": "Neither", "third": third}
        elif queued is None:  # the queue is not known yet: a queued job may start by itself
            question = f"{question} A queued job may start at once."
        elif queued:
            question = f"{question} {waiting[:1].upper()}{waiting[1:]} may start at once."
    return question, labels
