"""The subcommands that run without the full-screen dashboard: `serve` (and the headless ones).

Each takes the dashboard's connection flags after its name too (`farmdash serve --demo`), with
suppressed defaults so they never overwrite the same flags given before the name.
"""

from __future__ import annotations

import argparse

from api import LIVE_ENDPOINT

SUBCOMMANDS = {"serve"}


def add_connection_flags(parser: argparse.ArgumentParser) -> None:
    quiet = argparse.SUPPRESS
    parser.add_argument("--demo", action="store_true", default=quiet, help="use a simulated farm")
    parser.add_argument("--endpoint", metavar="URL", default=quiet, help=f"cloud URL (default {LIVE_ENDPOINT})")
    parser.add_argument("--test-cloud", action="store_true", default=quiet, help="use the test cloud")
    parser.add_argument("--refresh", type=float, metavar="SECONDS", default=quiet, help="poll interval")
    parser.add_argument("--printers", type=int, metavar="N", default=quiet, help="printers on the demo farm")
    parser.add_argument("--seed", type=int, default=quiet, help="seed of the demo farm")


def add_subcommands(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser(
        "serve",
        help="serve the dashboard to a browser until Ctrl+C",
        description="Serve the dashboard to a web browser (textual-serve). Bound to loopback by default:"
        " anyone who can reach the address gets the dashboard with this server's credentials.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    add_connection_flags(serve)


def run_subcommand(args: argparse.Namespace) -> int:
    if args.command == "serve":
        from .serve import run_serve

        return run_serve(args)
    raise AssertionError(args.command)
