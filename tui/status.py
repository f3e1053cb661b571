"""`farmdash status`: one snapshot of the farm, as a table, JSON lines or CSV, with an exit code a
monitoring system reads like a Nagios plugin's. No Textual here.

Exit: 0 all fine; 1 some printer needs a person (paused, bed not clear); 2 some printer is in
error or offline; 3 the cloud could not be read, or no printer matched (`--ok-if-none`: 0). A
filter that matches nothing is more often a typo or a renamed printer than news, and a check
that silently watches nothing is worse than one that says "unknown" (check_disk does the same).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import TextIO

from pydantic import BaseModel

from api import PrinterState

from .formatting import bed_text, finish_label, nozzle_text
from .headless import NEEDS_PERSON, OK, TROUBLE, UNKNOWN, Cloud, HeadlessError, fail, open_cloud, read_farm, run
from .safe import plain
from .states import state_word
from .store import PrinterView

TROUBLE_STATES = frozenset({PrinterState.ERROR, PrinterState.OFFLINE})


class PrinterStatus(BaseModel):
    """One printer as `status --json` and `--csv` give it: the table view's fields, stable keys."""

    id: int
    name: str
    type: str
    state: str  # the state's word in lower case with underscores: printing, bed_not_clear, offline ...
    cloud_state: str  # what the cloud sent, as it sent it
    needs_person: bool
    nozzle_temp: float | None
    nozzle_target: float | None
    bed_temp: float | None
    bed_target: float | None
    progress: float | None  # percent, while a job is on the printer
    ends: datetime | None  # the running job's estimated end (UTC)
    file: str
    workgroups: list[str]


FIELDS = list(PrinterStatus.model_fields)
TABLE = ["Name", "Type", "State", "Nozzle", "Bed", "Progress", "Ends", "File"]


def status_of(view: PrinterView, workgroups: dict[int, str]) -> PrinterStatus:
    nozzle = view.tools[0] if view.tools else (None, None)
    return PrinterStatus(
        id=view.id,
        name=view.label,
        type=view.type,
        state=state_word(view.state, view.raw_state).lower().replace(" ", "_"),
        cloud_state=view.raw_state,
        needs_person=view.needs_person,
        nozzle_temp=nozzle[0],
        nozzle_target=nozzle[1],
        bed_temp=view.bed[0],
        bed_target=view.bed[1],
        progress=view.percent if view.is_active or view.state is PrinterState.BED_NOT_CLEAR else None,
        ends=view.eta,
        file=view.filename,
        workgroups=[workgroups.get(group, str(group)) for group in view.workgroups],
    )


def exit_code(views: Sequence[PrinterView]) -> int:
    if any(view.state in TROUBLE_STATES for view in views):
        return TROUBLE
    if any(view.needs_person for view in views):
        return NEEDS_PERSON
    return OK


def table_rows(views: Sequence[PrinterView], now: datetime) -> list[list[str]]:
    rows = []
    for view in views:
        progress = f"{view.percent:.0f}%" if view.is_active or view.state is PrinterState.BED_NOT_CLEAR else ""
        rows.append(
            [
                plain(view.label),
                plain(view.type),
                state_word(view.state, view.raw_state),
                nozzle_text(view.tools),
                bed_text(view.bed),
                progress,
                finish_label(view.eta, now),
                plain(view.filename),
            ]
        )
    return rows


def write_table(rows: list[list[str]], header: list[str], out: TextIO) -> None:
    """Plain columns, two spaces apart; the last column is not padded."""
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=False)]
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False)] + [row[-1]]
        print("  ".join(cells).rstrip(), file=out)


def write_status(statuses: list[PrinterStatus], views: list[PrinterView], fmt: str, now: datetime, out: TextIO) -> None:
    if fmt == "json":
        for status in statuses:
            print(status.model_dump_json(), file=out)
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(FIELDS)
        for status in statuses:
            row = status.model_dump(mode="json")
            writer.writerow([_csv_cell(row[key]) for key in FIELDS])
    elif views:  # a table of no printers is not printed: stderr says why
        write_table(table_rows(views, now), TABLE, out)


def _csv_cell(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    return "" if value is None else value


def workgroup_id(name: str | None, workgroups: dict[int, str]) -> int | None:
    if not name:
        return None
    wanted = name.strip().casefold()
    for group_id, group_name in workgroups.items():
        if group_name.casefold() == wanted or str(group_id) == wanted:
            return group_id
    known = ", ".join(sorted(workgroups.values(), key=str.casefold)) or "none"
    raise HeadlessError(f"no workgroup {name!r} (known: {known})", UNKNOWN)


async def snapshot(cloud: Cloud, args: argparse.Namespace, out: TextIO) -> int:
    await read_farm(cloud)
    sync = cloud.sync
    await sync.load_workgroups()
    group = workgroup_id(args.workgroup, sync.workgroups)
    now = cloud.clock()
    views = sync.store.views(now, text=args.filter or "", workgroup=group, sort="name")
    # The running jobs' files and finish times: two requests per busy printer shown.
    sync.show_printers({view.id for view in views if view.is_active})
    while await sync.resolve_jobs():
        pass
    views = [v for view in views if (v := sync.store.view_of(view.id, now)) is not None]
    statuses = [status_of(view, sync.workgroups) for view in views]
    write_status(statuses, views, args.format, now, out)
    if not views:
        fail("status", nothing_matched(args, len(sync.store.printers)))
        return OK if getattr(args, "ok_if_none", False) else UNKNOWN
    return exit_code(views)


def nothing_matched(args: argparse.Namespace, farm_size: int) -> str:
    """Why no printer is shown, in one line: nothing to check is "unknown" to a monitor, not "fine"."""
    asked = []
    if args.filter:
        asked.append(f"--filter {plain(args.filter)!r}")
    if args.workgroup:
        asked.append(f"--workgroup {plain(args.workgroup)!r}")
    if not asked:
        return "the account sees no printers"
    return f"no printer matches {' and '.join(asked)} (of {farm_size} printers)"


def run_status(args: argparse.Namespace, out: TextIO | None = None) -> int:
    async def main() -> int:
        async with open_cloud(args) as cloud:
            return await snapshot(cloud, args, out or sys.stdout)

    return run("status", main)
