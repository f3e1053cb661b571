"""`farmdash serve`: the same dashboard in a browser, through textual-serve.

Each browser tab runs its own `farmdash` process with the flags given here (so `--demo`,
`--endpoint`, ... pass through) and the server's environment (so `FARMDASH_PASSWORD` never
appears on a command line). Bound to loopback by default: whoever reaches the page gets the
dashboard with this server's credentials, so any other address is warned about.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import shlex
import sys

from textual_serve.server import Server

# The dashboard's own flags that a served session takes over, as (flag, attribute, takes a value).
PASSTHROUGH = [
    ("--demo", "demo", False),
    ("--test-cloud", "test_cloud", False),
    ("--allow-insecure-http", "allow_insecure_http", False),
    ("--read-only", "read_only", False),
    ("--no-alerts", "no_alerts", False),
    ("--endpoint", "endpoint", True),
    ("--refresh", "refresh", True),
    ("--printers", "printers", True),
    ("--seed", "seed", True),
]


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url_of(host: str, port: int) -> str:
    host = host.strip("[]")
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def dashboard_command(args: argparse.Namespace) -> str:
    """The command each browser session runs: this Python, this farmdash, the same flags."""
    words = [sys.executable, "-m", "tui.cli"]
    for flag, attribute, takes_value in PASSTHROUGH:
        value = getattr(args, attribute, None)
        if attribute in ("printers", "seed") and not getattr(args, "demo", False):
            continue  # they shape the demo farm only
        if takes_value and value is not None:
            words += [flag, str(value)]
        elif not takes_value and value:
            words.append(flag)
    return shlex.join(words)


class DashboardServer(Server):
    """textual-serve's server, saying what farmdash needs said instead of its banner."""

    def initialize_logging(self) -> None:
        logging.basicConfig(level=logging.WARNING, format="farmdash serve: %(message)s")

    async def on_startup(self, app: object) -> None:
        print(f"farmdash in a browser: {self.public_url}", flush=True)
        print("  each browser tab runs its own dashboard; Ctrl+C stops the server", flush=True)


def warning_for(host: str) -> str | None:
    if is_loopback(host):
        return None
    return (
        f"farmdash serve: warning: bound to {host}, not loopback: anyone who can reach this address gets"
        " the dashboard with this server's credentials and can pause or cancel prints"
    )


def run_serve(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        print(f"farmdash serve: --port {args.port} is not a port (1-65535)", file=sys.stderr)
        return 2
    if (warning := warning_for(args.host)) is not None:
        print(warning, file=sys.stderr, flush=True)
    server = DashboardServer(
        dashboard_command(args),
        host=args.host.strip("[]"),
        port=args.port,
        title="farmdash",
        public_url=url_of(args.host, args.port),
    )
    try:
        server.serve()
    except OSError as exc:
        print(
            f"farmdash serve: cannot listen on {url_of(args.host, args.port)}: {exc.strerror or exc}", file=sys.stderr
        )
        return 2
    return 0
