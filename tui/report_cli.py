"""`farmdash report`: the cloud's job report for a date range, summed up (as on the reports
screen) or as the rows themselves in CSV or JSON. No Textual here.

Exit: 0 written; 2 a date or range that cannot be asked for; 3 the cloud could not be read or
refused the report (it needs an organisation admin).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TextIO

from api import PrinterOSError

from .headless import BAD_INPUT, UNKNOWN, HeadlessError, connect, fail, open_cloud, run
from .report_ranges import QUICK_RANGES, ReportError, parse_range
from .report_sums import ReportKind
from .reports import Report, fetch_report
from .safe import plain
from .status import workgroup_id, write_table

Section = tuple[str, list[str], list[list[str]]]


def summary_sections(report: Report) -> tuple[list[str], list[Section]]:
    """The screen's numbers as plain text: the totals' lines, then a table per sum."""
    lines: list[str] = []
    s = report.summary
    where = f", workgroup {report.workgroup}" if report.workgroup else ""
    lines.append(f"{report.kind.label} {report.range.start} to {report.range.end}{where}: {s.jobs} jobs")
    if report.kind is ReportKind.CUSTOM:
        lines.append(
            f"done {s.done}, failed {s.failed}, cancelled {s.cancelled}, {s.hours:.1f} h printed, {s.grams:.1f} g"
        )
    sections: list[Section] = [
        (
            "Jobs per day",
            ["Day", "Done", "Failed", "Cancelled"],
            [[d.day.isoformat(), str(d.done), str(d.failed), str(d.cancelled)] for d in s.per_day if d.total],
        )
    ]
    if report.kind is ReportKind.CUSTOM:
        sections += [
            (
                "Hours per printer",
                ["Printer", "Hours", "Jobs"],
                [[p.printer, f"{p.hours:.1f}", str(p.jobs)] for p in s.per_printer],
            ),
            (
                "Failure rate per printer type",
                ["Type", "Failed %", "Failed", "Jobs"],
                [[t.printer_type, f"{100 * t.failure_rate:.1f}", str(t.failed), str(t.jobs)] for t in s.per_type],
            ),
            (
                f"Material per {s.material_by}",
                [s.material_by.capitalize(), "Grams", "Jobs"],
                [[m.name, f"{m.grams:.1f}", str(m.jobs)] for m in s.material],
            ),
        ]
    return lines, sections


def write_report(report: Report, fmt: str, out: TextIO) -> None:
    if fmt == "csv":
        out.write(report.to_csv())
    elif fmt == "json":
        out.write(report.to_json() + "\n")
    else:
        head, sections = summary_sections(report)
        print("\n".join(head), file=out)
        for title, header, rows in sections:
            print(f"\n{title}", file=out)
            if rows:
                write_table(rows, header, out)
            else:
                print("(none)", file=out)


def write_file(report: Report, fmt: str, name: str) -> None:
    path = Path(name).expanduser()
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            write_report(report, fmt, handle)
    except OSError as exc:
        raise HeadlessError(f"cannot write {path}: {exc.strerror or exc}", UNKNOWN) from None


def run_report(args: argparse.Namespace, out: TextIO | None = None) -> int:
    async def main() -> int:
        async with open_cloud(args) as cloud:
            today = cloud.clock().date()
            default = QUICK_RANGES["30d"][1](today)
            try:
                span = parse_range(args.start or default.start.isoformat(), args.end or default.end.isoformat())
            except ReportError as exc:
                raise HeadlessError(exc.message, BAD_INPUT) from None
            await connect(cloud)
            workgroup = None
            if args.workgroup:
                await cloud.sync.load_workgroups()
                group = workgroup_id(args.workgroup, cloud.sync.workgroups)
                workgroup = (group, cloud.sync.workgroups[group]) if group is not None else None
            try:
                report = await fetch_report(cloud.client, ReportKind(args.kind), span, workgroup=workgroup)
            except ReportError as exc:
                raise HeadlessError(exc.message, UNKNOWN) from None
            except PrinterOSError as exc:
                raise HeadlessError(exc.message, UNKNOWN) from None
        if args.output:
            await asyncio.to_thread(write_file, report, args.format, args.output)
        else:
            write_report(report, args.format, out or sys.stdout)
        if not report.rows:  # a header or an empty list on stdout; a person reads why
            where = f" in workgroup {plain(report.workgroup)}" if report.workgroup else ""
            fail("report", f"no jobs from {report.range.start} to {report.range.end}{where}")
        return 0

    return run("report", main)
