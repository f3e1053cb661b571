"""The subcommands that run without the full-screen dashboard: `serve`, `status`, `events`, `report`.

Each takes the dashboard's connection flags after its name too (`farmdash status --demo`), with
suppressed defaults so they never overwrite the same flags given before the name. Nothing here
imports Textual: `farmdash status` on a monitoring host loads no UI.
"""

from __future__ import annotations

import argparse

from api import LIVE_ENDPOINT

SUBCOMMANDS = {"serve", "status", "events", "report"}


def add_connection_flags(parser: argparse.ArgumentParser) -> None:
    quiet = argparse.SUPPRESS
    parser.add_argument("--demo", action="store_true", default=quiet, help="use a simulated farm")
    parser.add_argument("--endpoint", metavar="URL", default=quiet, help=f"cloud URL (default {LIVE_ENDPOINT})")
    parser.add_argument("--test-cloud", action="store_true", default=quiet, help="use the test cloud")
    parser.add_argument(
        "--allow-insecure-http", action="store_true", default=quiet, help="allow plain http to another machine"
    )
    parser.add_argument("--refresh", type=float, metavar="SECONDS", default=quiet, help="poll interval")
    parser.add_argument("--printers", type=int, metavar="N", default=quiet, help="printers on the demo farm")
    parser.add_argument("--seed", type=int, default=quiet, help="seed of the demo farm")


def _formats(parser: argparse.ArgumentParser, *names: str) -> None:
    group = parser.add_mutually_exclusive_group()
    for name in names:
        group.add_argument(f"--{name}", dest="format", action="store_const", const=name, help=f"print {name.upper()}")


def add_subcommands(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser(
        "serve",
        help="the dashboard in a web browser",
        description="Serve the dashboard to a web browser (textual-serve). Bound to loopback by default:"
        " anyone who can reach the address gets the dashboard with this server's credentials.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    add_connection_flags(serve)
    serve.add_argument("--read-only", action="store_true", default=argparse.SUPPRESS, help="send nothing")

    status = sub.add_parser(
        "status",
        help="one snapshot of the farm (Nagios exit codes)",
        description="One snapshot of the farm as a plain table (or JSON lines, or CSV). Exit code as a Nagios"
        " plugin's: 0 all fine, 1 some printer needs a person (paused, bed not clear), 2 some printer in error"
        " or offline, 3 the cloud could not be read.",
    )
    _formats(status, "json", "csv")
    status.set_defaults(format="table")
    status.add_argument("--workgroup", metavar="NAME", help="only the printers of this workgroup")
    status.add_argument("--filter", metavar="TEXT", help="only printers whose name, type or state has TEXT")
    add_connection_flags(status)

    events = sub.add_parser(
        "events",
        help="the event log; --follow for new events",
        description="The event log the dashboard keeps (events.jsonl in the state directory), oldest first."
        " --follow then polls the cloud and prints each new event as it happens, until Ctrl+C.",
    )
    events.add_argument("--follow", "-f", action="store_true", help="then print new events as they happen")
    events.add_argument("--json", dest="format", action="store_const", const="json", help="one JSON object a line")
    events.set_defaults(format="text")
    events.add_argument(
        "--since", metavar="TIME", help="only events from TIME on: 2026-03-01, '2026-03-01 14:00', 2h, 30m, 7d"
    )
    add_connection_flags(events)

    report = sub.add_parser(
        "report",
        help="job reports for a date range (admins)",
        description="The finished-jobs or custom report for a date range (at most 365 days; default the last"
        " 30), summed per day, printer, type and workgroup; --csv or --json give the rows themselves.",
    )
    report.add_argument("--from", dest="start", metavar="DATE", help="first day, YYYY-MM-DD (default 30 days ago)")
    report.add_argument("--to", dest="end", metavar="DATE", help="last day, YYYY-MM-DD (default today)")
    report.add_argument("--kind", choices=["finished", "custom"], default="finished", help="default finished")
    report.add_argument("--workgroup", metavar="NAME", help="only this workgroup")
    _formats(report, "csv", "json")
    report.set_defaults(format="summary")
    report.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    add_connection_flags(report)


def run_subcommand(args: argparse.Namespace) -> int:
    if args.command == "serve":
        from .serve import run_serve

        return run_serve(args)
    if args.command == "status":
        from .status import run_status

        return run_status(args)
    if args.command == "events":
        from .events_cli import run_events

        return run_events(args)
    from .report_cli import run_report

    return run_report(args)
