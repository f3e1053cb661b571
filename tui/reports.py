"""A report: what was asked (kind, range, workgroup), the cloud's columns and rows as it sent
them, and their sums; fetched here from the cloud's report calls.

No Textual here: the reports screen and `farmdash report` both use it. The days a report covers
are in `report_ranges`, the sums in `report_sums`, writing a report out in `report_export`. The
cloud's report calls need an organisation admin (or moderator); a member gets the cloud's
refusal, told in plain words.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from api import ApiError, AuthError, PrinterOSClient, PrinterOSError
from api.models import clean_text

from .report_export import report_csv, write_report
from .report_ranges import DateRange, ReportError
from .report_sums import ReportKind, Summary, column_roles, norm_title, summarise

ADMIN_NOTE = "Both reports (finished jobs and the custom report) need an organisation admin or moderator."


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
        names = [norm_title(name.replace("_", " ")) for name in wanted.split(",") if name.strip()]
        if not names:
            return self
        titles = [norm_title(title) for title in self.columns]
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
        return report_csv(self)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    def export(self, path: Path) -> str:
        """Write CSV, or JSON when the name ends in `.json`; returns the format's name."""
        return write_report(self, path)


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
    normalised = [norm_title(title) for title in columns]
    if "workgroup ids" in normalised:
        index = normalised.index("workgroup ids")
        wanted = str(workgroup[0])
        return [row for row in rows if wanted in [part.strip() for part in str(row[index] or "").split(",")]]
    if "workgroup names" in normalised:
        index = normalised.index("workgroup names")
        return [row for row in rows if workgroup[1] in [part.strip() for part in str(row[index] or "").split(",")]]
    return rows
