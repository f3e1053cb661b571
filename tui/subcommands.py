"""The subcommands that run without the full-screen dashboard: `serve`, `status`, `events`, `report`.

Each takes the dashboard's connection flags after its name too (`farmdash status --demo`), with
suppressed defaults so they never overwrite the same flags given before the name. Nothing here
imports Textual: `farmdash status` on a monitoring host loads no UI.
"""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Generator

from api import LIVE_ENDPOINT

SUBCOMMANDS = {"serve", "status", "events", "report"}


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help that reads at 80 columns: an option and its words on one line, and the list of
    commands without argparse's extra `COMMAND` line above it."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 27, width: int | None = None):
        super().__init__(prog, indent_increment, max_help_position, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        """Each line of a description wrapped on its own: a newline or an indent is kept."""
        lines = []
        for line in text.splitlines():
            inner = line[: len(line) - len(line.lstrip())]
            lines.append(
                textwrap.fill(
                    line.strip(),
                    width,
                    initial_indent=indent + inner,
                    subsequent_indent=indent + inner + "  " if inner else indent,
                )
            )
        return "\n".join(lines)

    def _format_action(self, action: argparse.Action) -> str:
        text = super()._format_action(action)
        if isinstance(action, argparse._SubParsersAction):
            text = text.split("\n", 1)[1]  # the metavar's own line
        return text

    def _iter_indented_subactions(self, action: argparse.Action) -> Generator[argparse.Action, None, None]:
        if isinstance(action, argparse._SubParsersAction):
            yield from action._get_subactions()  # the commands at the options' indent, not deeper


def add_connection_flags(parser: argparse.ArgumentParser, *, demo: bool = True) -> None:
    """The dashboard's own flags, accepted after the command's name too."""
    quiet = argparse.SUPPRESS
    group = parser.add_argument_group("connection (as for the dashboard)")
    if demo:
        group.add_argument("--demo", action="store_true", default=quiet, help="a simulated farm (no account)")
    group.add_argument("--endpoint", metavar="URL", default=quiet, help=f"cloud URL (default {LIVE_ENDPOINT})")
    group.add_argument("--test-cloud", action="store_true", default=quiet, help="the test cloud")
    group.add_argument(
        "--allow-insecure-http", action="store_true", default=quiet, help="plain http to another machine"
    )
    if demo:
        group.add_argument("--refresh", type=float, metavar="SECONDS", default=quiet, help="poll interval")
        group.add_argument("--printers", type=int, metavar="N", default=quiet, help="printers on the demo farm")
        group.add_argument("--seed", type=int, metavar="N", default=quiet, help="seed of the demo farm")


def _formats(parser: argparse.ArgumentParser, *names: str) -> None:
    group = parser.add_mutually_exclusive_group()
    for name in names:
        words = "one JSON object a line" if name == "json" and parser.prog.endswith("status") else name.upper()
        group.add_argument(f"--{name}", dest="format", action="store_const", const=name, help=f"print {words}")


def add_subcommands(sub: argparse._SubParsersAction) -> None:
    status = sub.add_parser(
        "status",
        help="one snapshot of the farm (Nagios exit codes)",
        description="One snapshot of the farm as a plain table (or JSON lines, or CSV). Exit code as a Nagios"
        " plugin's, over the printers shown:\n  0 all fine\n  1 some printer needs a person (paused, bed not"
        " clear)\n  2 some printer is in error or offline\n  3 unknown: the cloud could not be read, or no"
        " printer matched\n    (a filter that matches none is more often a typo than news; see --ok-if-none)",
        formatter_class=HelpFormatter,
    )
    _formats(status, "json", "csv")
    status.set_defaults(format="table")
    status.add_argument("--workgroup", metavar="NAME", help="only the printers of this workgroup")
    status.add_argument("--filter", metavar="TEXT", help="only printers whose name, type or state has TEXT")
    status.add_argument("--ok-if-none", action="store_true", help="exit 0, not 3, when no printer matches")
    add_connection_flags(status)

    events = sub.add_parser(
        "events",
        help="the event log; --follow for new events",
        description="The event log the dashboard keeps (events.jsonl in the state directory), oldest first."
        " --follow then polls the cloud and prints each new event as it happens, until Ctrl+C.",
        formatter_class=HelpFormatter,
    )
    events.add_argument("--follow", "-f", action="store_true", help="then print new events as they happen")
    events.add_argument("--json", dest="format", action="store_const", const="json", help="one JSON object a line")
    events.set_defaults(format="text")
    events.add_argument("--since", metavar="TIME", help="from TIME on: 2026-03-01, '2026-03-01 14:00', 2h, 7d")
    add_connection_flags(events)

    report = sub.add_parser(
        "report",
        help="job reports for a date range (admins)",
        description="The finished-jobs or custom report for a date range (at most 365 days; default the last"
        " 30), summed per day, printer, type and workgroup; --csv or --json give the rows themselves.",
        formatter_class=HelpFormatter,
    )
    report.add_argument("--from", dest="start", metavar="DATE", help="first day, YYYY-MM-DD (default 30 days ago)")
    report.add_argument("--to", dest="end", metavar="DATE", help="last day, YYYY-MM-DD (default today)")
    report.add_argument(
        "--kind",
        choices=["finished", "custom"],
        default="finished",
        metavar="KIND",
        help="finished (default) or custom",
    )
    report.add_argument("--workgroup", metavar="NAME", help="only this workgroup")
    _formats(report, "csv", "json")
    report.set_defaults(format="summary")
    report.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    add_connection_flags(report)

    serve = sub.add_parser(
        "serve",
        help="the dashboard in a web browser",
        description="Serve the dashboard to a web browser (textual-serve). Bound to loopback by default:"
        " anyone who can reach the address gets the dashboard with this server's credentials.",
        formatter_class=HelpFormatter,
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--read-only", action="store_true", default=argparse.SUPPRESS, help="send nothing")
    add_connection_flags(serve)


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
