"""`farmdash events`: the event log the dashboard keeps, then (with --follow) new events as the
farm sync sees them happen, until Ctrl+C. No Textual here.

The history is read from `events.jsonl` in the state directory. `--follow` polls the cloud
itself and prints what it detects; it keeps those events in memory and leaves the file to the
dashboard, so a dashboard running beside it never sees them twice.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from .config import state_dir
from .event_hub import FarmEvents
from .eventlog import LOG_NAME, EventLog
from .events import Event, one_line
from .headless import BAD_INPUT, Cloud, HeadlessError, connect, open_cloud, run

_RELATIVE = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str | None, now: datetime) -> datetime | None:
    """`2026-03-01`, `2026-03-01 14:00` (UTC), or an age: `30m`, `2h`, `7d`, `2w`."""
    if not text:
        return None
    if match := _RELATIVE.match(text):
        return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(text.strip()), datetime.min.time())
        except ValueError:
            raise HeadlessError(
                f"--since {one_line(text)!r} is not a time like 2026-03-01, '2026-03-01 14:00' or 2h", BAD_INPUT
            ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def event_line(event: Event, fmt: str) -> str:
    if fmt == "json":
        return event.model_dump_json()
    when = (event.updated or event.time).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    name = event.printer_name or f"#{event.printer_id}"
    file = f"  [{event.filename}]" if event.filename else ""
    return one_line(f"{when}  {name}  {event.what}{file}")


def write_events(events: Iterable[Event], fmt: str, since: datetime | None, out: TextIO) -> int:
    """The events from `since` on, oldest first; how many were written."""
    written = 0
    for event in sorted(events, key=lambda e: e.time):
        if since is None or (event.updated or event.time) >= since:
            print(event_line(event, fmt), file=out, flush=True)
            written += 1
    return written


def nothing_to_show(log: Path | None, since: datetime | None, logged: int, *, follow: bool) -> str:
    """One line for stderr when the history printed nothing (`log` None: the demo farm, which
    keeps none): why, and what comes next."""
    if log is None:
        words = "the demo farm keeps no event log" + ("" if follow else " (--follow shows its events as they happen)")
    elif logged and since is not None:
        words = f"no events since {since.astimezone(UTC):%Y-%m-%d %H:%M} UTC ({logged} older in {log})"
    else:
        words = f"no events in {log} yet"
    return f"{words}; waiting for new ones (Ctrl+C stops)" if follow else words


async def follow(
    cloud: Cloud,
    fmt: str,
    out: TextIO,
    *,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    polls: int | None = None,
) -> None:
    """Poll the farm and print each new event; a cloud that cannot be read is said once on stderr."""
    hub = FarmEvents(EventLog(None))

    def print_new(events: list[Event]) -> None:
        write_events(events, fmt, None, out)

    hub.subscribe(print_new)
    cloud.sync.printer_hooks.append(lambda printers, now: hub.on_poll(printers, now))
    cloud.sync.job_hooks.append(lambda pid, job, now: hub.on_job(pid, job.job_id, job.filename, now))
    await connect(cloud)
    told: str | None = None
    count = 0
    while polls is None or count < polls:
        count += 1
        outcome = await cloud.sync.poll()
        if outcome.session_lost is not None:  # log in again (as the dashboard does) and read at once
            cloud.sync.session_lost(outcome.session_lost)
            await connect(cloud)
            outcome = await cloud.sync.poll()
        if not outcome.ok:
            problem = cloud.sync.store.problem or "the cloud could not be read"
            if problem != told:
                print(f"farmdash events: {one_line(problem)} (trying again)", file=sys.stderr, flush=True)
                told = problem
        else:
            told = None
            while await cloud.sync.resolve_jobs():
                pass
        await sleep(cloud.sync.next_delay())


def run_events(args: argparse.Namespace, out: TextIO | None = None) -> int:
    stream = out or sys.stdout

    async def main() -> int:
        since = parse_since(args.since, datetime.now(UTC))
        log: Path | None
        if getattr(args, "demo", False):  # the demo farm's events are never logged: no history
            log, logged, shown = None, 0, 0
        else:
            history = EventLog.in_directory(state_dir()).load()
            if history.problem:
                print(f"farmdash events: {one_line(history.problem)}", file=sys.stderr)
            log, logged = state_dir() / LOG_NAME, len(history.events)
            shown = write_events(history.events.values(), args.format, since, stream)
        if not shown:  # stdout stays empty for a script; a person reads why
            why = nothing_to_show(log, since, logged, follow=args.follow)
            print(f"farmdash events: {one_line(why)}", file=sys.stderr, flush=True)
        if not args.follow:
            return 0
        async with open_cloud(args) as cloud:
            if getattr(args, "refresh", None):
                cloud.sync.refresh_seconds = args.refresh
            await follow(cloud, args.format, stream)
        return 0

    return run("events", main)
