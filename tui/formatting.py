"""How values look on screen: temperatures, durations, clock times, the progress bar.

Card, table and header share these, so "no bed" reads the same everywhere. States live in
`states.py`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text

from api import JobStatus

JOB_LOOK: dict[JobStatus, tuple[str, str]] = {
    JobStatus.QUEUED: ("◦ queued", "blue"),
    JobStatus.PRINTING: ("▶ printing", "cyan"),
    JobStatus.FINISHED: ("✓ finished", "green"),
    JobStatus.FAILED: ("! failed", "red"),
    JobStatus.ABORTED: ("× cancelled", "yellow"),
    JobStatus.UNKNOWN: ("? unknown", "white"),
}


def temp(actual: float | None, target: float | None) -> str:
    """`215/215°`, `22°` when not heating, `—` when unknown."""
    if actual is None:
        return "—"
    if target:
        return f"{actual:.0f}/{target:.0f}°"
    return f"{actual:.0f}°"


# The labels of the temperatures, the same on the card, the table's titles, the printer line of
# the queue and detail screens and the job detail: a full word does not fit a 26-cell card at
# 80x24 (`N 250/250°  B 100/100°` is 22 cells), so the short form is used everywhere and `?` help
# says what it means (TEMPERATURE_LEGEND).
NOZZLE_LABEL = "N"
BED_LABEL = "B"
TEMPERATURE_LEGEND = f"{NOZZLE_LABEL} nozzle · {BED_LABEL} bed (now/target °C)"


def nozzle_text(tools: tuple[tuple[float | None, float | None], ...]) -> str:
    """Every nozzle: `215/215°`, or `215/215° 40°` for two."""
    if not tools:
        return "—"
    return " ".join(temp(*tool) for tool in tools[:2])


def bed_text(bed: tuple[float | None, float | None]) -> str:
    """`60/60°`; `no bed` for a printer that reports a bed at 0° and no target; `—` when unknown."""
    actual, target = bed
    if actual or target:
        return temp(actual, target)
    return "no bed" if actual is not None else "—"


def whole_minutes(seconds: float) -> int:
    """Minutes as farmdash shows them everywhere (cards, rows, job detail, event log): truncated,
    never rounded, so `47 min` means at least 47 whole minutes (and less than 48); `0 min` is
    under a minute. One rule, so a card and the log never disagree by one."""
    return max(0, int(seconds // 60))


def duration(seconds: float | int | None) -> str:
    """`9h 15m`, `4m 05s`, `12s`: whole units, truncated like `whole_minutes`."""
    if seconds is None or seconds < 0:
        return "—"
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def clock_time(moment: datetime | None, *, seconds: bool = False) -> str:
    """Local wall-clock time of a moment (the cloud sends UTC)."""
    if moment is None:
        return "—"
    return moment.astimezone().strftime("%H:%M:%S" if seconds else "%H:%M")


def finish_label(eta: datetime | None, now: datetime) -> str:
    """`14:32`, or `Tue 14:32` when it ends on another day."""
    if eta is None:
        return ""
    local_eta, local_now = eta.astimezone(), now.astimezone()
    if local_eta.date() != local_now.date():
        return local_eta.strftime("%a %H:%M")
    return local_eta.strftime("%H:%M")


def date_time(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def short_date_time(moment: datetime | None) -> str:
    """`03-02 01:45`, for a narrow column."""
    if moment is None:
        return "—"
    return moment.astimezone().strftime("%m-%d %H:%M")


def progress_bar(percent: float, width: int) -> Text:
    """A bar in eighths of a cell, readable in any terminal with Unicode."""
    width = max(0, width)
    filled = percent / 100 * width
    whole = int(filled)
    eighths = int((filled - whole) * 8)
    partial = " ▏▎▍▌▋▊▉"[eighths] if whole < width and eighths else ""
    bar = Text("█" * whole + partial, style="cyan")
    bar.append("░" * (width - whole - len(partial)), style="bright_black")
    return bar


def grams(weight: float | None) -> str:
    return "—" if weight is None else f"{weight:.1f} g"


def size(nbytes: int | None) -> str:
    if nbytes is None:
        return "—"
    value = float(nbytes)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{nbytes} B"


def eta_from(percent: float, printing_duration: int | None, now: datetime) -> datetime | None:
    """Finish time: what is left of the estimated duration, from now."""
    if not printing_duration or percent >= 100:
        return None
    left = printing_duration * (100 - max(0.0, percent)) / 100
    return now + timedelta(seconds=left)


def age_label(since: datetime, now: datetime, *, seen: bool = True) -> str:
    """How long a printer has been in its state, in whole minutes (`whole_minutes`: `47 min` is at
    least 47): `0 min`, `47 min`, `2 h 05`, `21 h`, `3 d`, for every state (offline too: a duration
    compares at a glance where a clock time needs sums); `≥` first when farmdash did not see the
    state begin (it began before farmdash watched: `≥0 min` just after start)."""
    minutes = whole_minutes((now - since).total_seconds())
    hours, rest = divmod(minutes, 60)
    if not hours:
        text = f"{minutes} min"
    elif hours < 10:
        text = f"{hours} h {rest:02d}"
    elif hours < 48:
        text = f"{hours} h"
    else:
        text = f"{hours // 24} d"
    return text if seen else f"≥{text}"


def compact_age(label: str) -> str:
    """The same for a narrow cell: `47m`, `2h05`, `21h`, `≥3d`."""
    return label.replace(" min", "m").replace(" h ", "h").replace(" h", "h").replace(" d", "d")


# Secondary text: a grey that keeps 4.5:1 on the dark background and on the header's panel
# (Rich's `dim` is blended by Textual to about 1.5:1), and is plain text with NO_COLOR.
MUTED = "grey62"
# Trouble (stale, cannot reach): light enough for 4.5:1 where the ANSI red is 3.3:1.
ALERT = "light_coral"
