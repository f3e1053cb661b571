"""The sums over a report's rows: per day, per printer, per printer type, material per workgroup
or user. The cloud's rows are read by their column titles (farmdash knows a few names for each);
columns it does not know are kept, unread. No Textual here, no cloud: rows in, numbers out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from api import JobStatus
from api.models import clean_text

from .report_ranges import DateRange


class ReportKind(StrEnum):
    FINISHED = "finished"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return "Finished jobs" if self is ReportKind.FINISHED else "Custom report"


class Outcome(StrEnum):
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    OTHER = "other"


OUTCOMES = (Outcome.DONE, Outcome.FAILED, Outcome.CANCELLED)


# --- reading the cloud's rows ----------------------------------------------------------------------

COLUMN_ROLES = {
    "job": ("job id",),
    "printer": ("printer name",),
    "printer_type": ("printer type",),
    "user": ("account email", "email", "user email"),
    "file": ("file name", "filename"),
    "started": ("print date time", "started date time", "print date"),
    "ended": ("end date time", "endtime", "finished date time"),
    "material": ("filament", "material", "material used"),
    "cost": ("material cost", "cost"),
    "status": ("status",),
    "real_time": ("real print time",),
    "workgroups": ("workgroup names",),
}


def norm_title(title: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", title.lower()).split())


def column_roles(header: Sequence[str]) -> dict[str, int]:
    """Which column holds what the sums need; columns farmdash does not know are kept, unread."""
    normalised = [norm_title(title) for title in header]
    roles: dict[str, int] = {}
    for role, names in COLUMN_ROLES.items():
        for name in names:
            if name in normalised:
                roles[role] = normalised.index(name)
                break
    return roles


_OUTCOME_OF_STATUS = {
    JobStatus.FINISHED: Outcome.DONE,
    JobStatus.FAILED: Outcome.FAILED,
    JobStatus.ABORTED: Outcome.CANCELLED,
}


def outcome_of(status: object) -> Outcome:
    """`Finished`, `DONE`, `Failed`, `Aborted`, `CANCELLED_WEB`, ... as one of three outcomes.

    The client's reading of status words first; then a loose reading of words it does not know.
    """
    known = _OUTCOME_OF_STATUS.get(JobStatus.from_word(status)) if status not in (None, "") else None
    if known is not None:
        return known
    word = str(status or "").strip().lower()
    if "cancel" in word or "abort" in word:
        return Outcome.CANCELLED
    if "fail" in word or "error" in word:
        return Outcome.FAILED
    if any(key in word for key in ("done", "finish", "complete", "success", "printed")):
        return Outcome.DONE
    return Outcome.OTHER


def hours_of(value: object) -> float:
    """`HH:MM:SS` (hours may pass 24) or a number of seconds, as hours; anything else is 0."""
    if isinstance(value, (int, float)):
        return max(0.0, float(value)) / 3600
    text = str(value or "").strip()
    if ":" in text:
        parts = text.split(":")
        try:
            seconds = sum(float(part) * 60**power for power, part in enumerate(reversed(parts)))
        except ValueError:
            return 0.0
        return max(0.0, seconds) / 3600
    try:
        return max(0.0, float(text)) / 3600
    except ValueError:
        return 0.0


def number_of(value: object) -> float:
    try:
        return float(str(value).strip()) if value not in (None, "") else 0.0
    except ValueError:
        return 0.0


def day_of(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()[:10]
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def cell_text(value: object) -> str:
    """A cell as one line of text (cloud text is data: control characters go)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return clean_text(value)


# --- the sums -----------------------------------------------------------------------------------


class DayCount(BaseModel):
    day: date
    done: int = 0
    failed: int = 0
    cancelled: int = 0

    @property
    def total(self) -> int:
        return self.done + self.failed + self.cancelled


class PrinterHours(BaseModel):
    printer: str
    jobs: int = 0
    hours: float = 0.0


class TypeFailures(BaseModel):
    printer_type: str
    jobs: int = 0
    failed: int = 0
    cancelled: int = 0

    @property
    def failure_rate(self) -> float:
        return self.failed / self.jobs if self.jobs else 0.0


class Material(BaseModel):
    name: str
    jobs: int = 0
    grams: float = 0.0


class Summary(BaseModel):
    jobs: int = 0
    done: int = 0
    failed: int = 0
    cancelled: int = 0
    hours: float = 0.0
    grams: float = 0.0
    per_day: list[DayCount] = Field(default_factory=list)
    per_printer: list[PrinterHours] = Field(default_factory=list)
    per_type: list[TypeFailures] = Field(default_factory=list)
    material_by: str = "user"
    material: list[Material] = Field(default_factory=list)


def summarise(
    kind: ReportKind,
    span: DateRange,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    one_workgroup: bool = False,
) -> Summary:
    """Per day, per printer, per printer type, and material per workgroup (per user within one).

    Sums are kept in plain lists and the models built once at the end; the cells' words (status,
    names, dates) repeat, so each distinct one is read once. A year of a large farm is many
    thousands of rows.
    """
    roles = column_roles(columns)
    width = max(roles.values(), default=-1) + 1
    material_by = "workgroup" if "workgroups" in roles and not one_workgroup else "user"
    slot = {Outcome.DONE: 0, Outcome.FAILED: 1, Outcome.CANCELLED: 2}
    outcome_cache: dict[object, int | None] = {}
    day_cache: dict[object, date | None] = {}
    text_cache: dict[object, str] = {}

    def text_of(value: object) -> str:
        try:
            return text_cache[value]
        except KeyError:
            text = text_cache[value] = cell_text(value)
            return text
        except TypeError:  # a list or another unhashable cell
            return cell_text(value)

    totals = [0, 0, 0]
    hours_total = grams_total = 0.0
    days: dict[date, list[int]] = {day: [0, 0, 0] for day in span.each_day()}
    printers: dict[str, list[float]] = {}  # name -> [jobs, hours]
    types: dict[str, list[int]] = {}  # type -> [jobs, failed, cancelled]
    material: dict[str, list[float]] = {}  # owner -> [jobs, grams]
    get = {role: roles.get(role) for role in COLUMN_ROLES}
    day_index = get["ended"] if kind is ReportKind.FINISHED else get["started"]
    for raw in rows:
        row = raw if len(raw) >= width else [*raw, *([None] * (width - len(raw)))]
        if kind is ReportKind.FINISHED:
            which: int | None = 0
        else:
            status = row[get["status"]] if get["status"] is not None else None
            if status not in outcome_cache:
                outcome_cache[status] = slot.get(outcome_of(status))
            which = outcome_cache[status]
        hours = hours_of(row[get["real_time"]]) if get["real_time"] is not None else 0.0
        grams = number_of(row[get["material"]]) if get["material"] is not None else 0.0
        hours_total += hours
        grams_total += grams
        if which is not None:
            totals[which] += 1
            stamp = row[day_index] if day_index is not None else None
            key = stamp[:10] if isinstance(stamp, str) else stamp
            if key not in day_cache:
                day_cache[key] = day_of(stamp)
            day = day_cache[key]
            if day is not None:  # a row the cloud dated outside the range still counts, on its own day
                days.setdefault(day, [0, 0, 0])[which] += 1
        if get["printer"] is not None:
            name = text_of(row[get["printer"]]) or "(no name)"
            entry = printers.setdefault(name, [0, 0.0])
            entry[0] += 1
            entry[1] += hours
        if get["printer_type"] is not None:
            name = text_of(row[get["printer_type"]]) or "(no type)"
            counts = types.setdefault(name, [0, 0, 0])
            counts[0] += 1
            if which in (1, 2):
                counts[which] += 1
        if material_by == "workgroup" and (groups := get["workgroups"]) is not None:
            owners = [name.strip() for name in text_of(row[groups]).split(",") if name.strip()]
            owners = owners or ["(no workgroup)"]
        else:
            owners = [(text_of(row[get["user"]]) if get["user"] is not None else "") or "(unknown)"]
        for owner in owners:
            used = material.setdefault(owner, [0, 0.0])
            used[0] += 1
            used[1] += grams
    return Summary(
        jobs=len(rows),
        done=totals[0],
        failed=totals[1],
        cancelled=totals[2],
        hours=hours_total,
        grams=grams_total,
        per_day=[DayCount(day=day, done=c[0], failed=c[1], cancelled=c[2]) for day, c in sorted(days.items())],
        per_printer=sorted(
            (PrinterHours(printer=name, jobs=int(v[0]), hours=v[1]) for name, v in printers.items()),
            key=lambda p: (-p.hours, p.printer),
        ),
        per_type=sorted(
            (TypeFailures(printer_type=name, jobs=v[0], failed=v[1], cancelled=v[2]) for name, v in types.items()),
            key=lambda t: (-t.failure_rate, -t.jobs, t.printer_type),
        ),
        material_by=material_by,
        material=sorted(
            (Material(name=name, jobs=int(v[0]), grams=v[1]) for name, v in material.items()),
            key=lambda m: (-m.grams, -m.jobs, m.name),
        ),
    )
