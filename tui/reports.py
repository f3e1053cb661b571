"""Reports without a screen: fetch the cloud's job reports for a date range and sum them up.

No Textual here: the reports screen and `farmdash report` both use it. The cloud's report
calls need an organisation admin (or moderator); a member gets the cloud's refusal, told
in plain words. Rows are kept as the cloud sent them (unknown columns too), and the sums
are read from the columns farmdash recognises by their titles.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from api import ApiError, AuthError, JobStatus, PrinterOSClient, PrinterOSError
from api.models import clean_text

MAX_RANGE_DAYS = 365
ADMIN_NOTE = "Both reports (finished jobs and the custom report) need an organisation admin or moderator."


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


class ReportError(Exception):
    """A report that cannot be had, in one line a person can act on."""

    def __init__(self, message: str, *, refused: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.refused = refused


# --- date ranges ------------------------------------------------------------------------------


class DateRange(BaseModel, frozen=True):
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    @property
    def slug(self) -> str:
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    def check(self) -> DateRange:
        """The cloud takes at most 365 days between `from` and `to`: say so before asking it."""
        if self.end < self.start:
            raise ReportError(f"The range ends ({self.end}) before it starts ({self.start}).")
        if self.days > MAX_RANGE_DAYS:
            raise ReportError(
                f"{self.days} days is too long: the cloud's reports cover at most {MAX_RANGE_DAYS} days"
                " from start to end. Pick a shorter range, or export one year at a time."
            )
        return self

    def each_day(self) -> Iterable[date]:
        day = self.start
        while day <= self.end:
            yield day
            day += timedelta(days=1)


def last_days(today: date, days: int) -> DateRange:
    return DateRange(start=today - timedelta(days=days), end=today)


def this_month(today: date) -> DateRange:
    return DateRange(start=today.replace(day=1), end=today)


def last_month(today: date) -> DateRange:
    end = today.replace(day=1) - timedelta(days=1)
    return DateRange(start=end.replace(day=1), end=end)


QUICK_RANGES = {
    "30d": ("Last 30 days", lambda today: last_days(today, 30)),
    "7d": ("Last 7 days", lambda today: last_days(today, 7)),
    "month": ("This month", this_month),
    "last-month": ("Last month", last_month),
}


def parse_day(text: str, what: str = "date") -> date:
    value = text.strip()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ReportError(f"{what} {clean_text(value)!r} is not a date like 2026-01-31.") from None


def parse_range(start: str, end: str) -> DateRange:
    return DateRange(start=parse_day(start, "The start"), end=parse_day(end, "The end")).check()


# --- reading the cloud's rows ----------------------------------------------------------------------

# Column titles as the doc and public callers show them; matched without case or punctuation.
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


def _norm(title: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", title.lower()).split())


def column_roles(header: Sequence[str]) -> dict[str, int]:
    """Which column holds what the sums need; columns farmdash does not know are kept, unread."""
    normalised = [_norm(title) for title in header]
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


# --- the report and its sums -------------------------------------------------------------------


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


class Report(BaseModel):
    """One report as fetched: what was asked, the cloud's columns and rows, and the sums."""

    kind: ReportKind
    range: DateRange
    workgroup: str | None = None
    columns: list[str]
    rows: list[list[Any]]
    summary: Summary
    missing: list[str] = Field(default_factory=list)

    def default_filename(self, extension: str = "csv") -> str:
        group = f"-{re.sub(r'[^A-Za-z0-9]+', '-', self.workgroup).strip('-')}" if self.workgroup else ""
        return f"farmdash-{self.kind.value}{group}-{self.range.slug}.{extension}"

    def with_columns(self, wanted: str) -> Report:
        """Only the columns named in `wanted` (comma-separated titles or the doc's field names)."""
        names = [_norm(name.replace("_", " ")) for name in wanted.split(",") if name.strip()]
        if not names:
            return self
        titles = [_norm(title) for title in self.columns]
        unknown = [name for name in names if not any(name in title for title in titles)]
        if unknown:
            raise ReportError(f"No column like {', '.join(unknown)} in this report.")
        keep = [i for i, title in enumerate(titles) if any(name in title for name in names)]
        return self.model_copy(
            update={
                "columns": [self.columns[i] for i in keep],
                "rows": [[row[i] if i < len(row) else None for i in keep] for row in self.rows],
            }
        )

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([_csv_safe(cell_text(title)) for title in self.columns])
        writer.writerows([[_csv_safe(cell_text(cell)) for cell in row] for row in self.rows])
        return buffer.getvalue()

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    def export(self, path: Path) -> str:
        """Write CSV, or JSON when the name ends in `.json`; returns the format's name."""
        as_json = path.suffix.lower() == ".json"
        path.write_text(self.to_json() if as_json else self.to_csv(), encoding="utf-8")
        return "JSON" if as_json else "CSV"


def _csv_safe(text: str) -> str:
    """A spreadsheet runs a cell that starts with = + @ as a formula: cloud text must not."""
    return f"'{text}" if text[:1] in ("=", "+", "@", "\t", "\r") else text


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


FINISHED_COLUMNS = ["Account Email", "First Name", "Last Name", "File Name", "End Date/Time"]


def refusal(exc: PrinterOSError) -> str | None:
    """The cloud's "not for you" in plain words, or None when the error is something else."""
    words = exc.message.lower()
    if exc.status == 403 or any(key in words for key in ("permission", "admin", "no access", "not allowed")):
        return f"The cloud refused the report: {clean_text(exc.message)}. {ADMIN_NOTE}"
    return None


async def fetch_report(
    client: PrinterOSClient,
    kind: ReportKind,
    span: DateRange,
    *,
    workgroup: tuple[int, str] | None = None,
) -> Report:
    """Ask the cloud for one report; a refusal or a bad range becomes a `ReportError`.

    A workgroup narrows the custom report to jobs on that workgroup's printers, and the finished
    jobs report (which names no printer) to jobs of that workgroup's members.
    """
    span.check()
    try:
        if kind is ReportKind.FINISHED:
            jobs = await client.get_finished_jobs_report(from_=span.start, to=span.end)
            columns = list(FINISHED_COLUMNS)
            rows: list[list[Any]] = [
                [job.email, job.firstname or "", job.lastname or "", job.filename, job.endtime] for job in jobs
            ]
            if workgroup is not None:
                members = {user.email.lower() for user in await client.get_workgroup_users(workgroup[0])}
                rows = [row for row in rows if str(row[0]).lower() in members]
        else:
            answer = await client.get_custom_report(
                from_=span.start, to=span.end, type="json", workgroups=True, all_fields=True
            )
            if isinstance(answer, str):
                raise ReportError("The cloud sent the custom report as CSV where JSON was asked for.")
            columns, rows = list(answer.header), [list(row) for row in answer.rows]
            if workgroup is not None:
                rows = _in_workgroup(columns, rows, workgroup)
    except AuthError as exc:
        if (text := refusal(exc)) is not None:
            raise ReportError(text, refused=True) from None
        raise
    except ApiError as exc:
        text = refusal(exc)
        raise ReportError(
            text or f"The cloud could not make the report: {clean_text(exc.message)}", refused=bool(text)
        ) from None
    # Off the event loop: a year of a large farm takes a moment to sum, and keys must not wait.
    summary = await asyncio.to_thread(summarise, kind, span, columns, rows, one_workgroup=workgroup is not None)
    roles = column_roles(columns)
    needed = ("status", "printer", "printer_type", "real_time", "material") if kind is ReportKind.CUSTOM else ()
    missing = [role for role in needed if role not in roles]
    return Report(
        kind=kind,
        range=span,
        workgroup=workgroup[1] if workgroup else None,
        columns=columns,
        rows=rows,
        summary=summary,
        missing=missing,
    )


def _in_workgroup(columns: Sequence[str], rows: list[list[Any]], workgroup: tuple[int, str]) -> list[list[Any]]:
    normalised = [_norm(title) for title in columns]
    if "workgroup ids" in normalised:
        index = normalised.index("workgroup ids")
        wanted = str(workgroup[0])
        return [row for row in rows if wanted in [part.strip() for part in str(row[index] or "").split(",")]]
    if "workgroup names" in normalised:
        index = normalised.index("workgroup names")
        return [row for row in rows if workgroup[1] in [part.strip() for part in str(row[index] or "").split(",")]]
    return rows
