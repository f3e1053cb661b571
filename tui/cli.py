"""The `farmdash` command: the dashboard, `--demo` on the simulated farm, and `farmdash sim`."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import sys

from api import LIVE_ENDPOINT, TEST_ENDPOINT, __version__

from . import print_cmd
from .subcommands import SUBCOMMANDS, HelpFormatter, add_subcommands, run_subcommand

USAGE = """farmdash [options]            the dashboard
       farmdash COMMAND [options]    a command (farmdash COMMAND -h: its help)"""

DESCRIPTION = """\
A live terminal dashboard for 3D-print farms on the 3DPrinterOS cloud. It logs
in with FARMDASH_USERNAME and FARMDASH_PASSWORD, a saved session or its login
screen (never a password on the command line). ? in the dashboard lists keys."""


def build_parser() -> argparse.ArgumentParser:
    """One screen of help at 80x24: each command in one line, its details under `COMMAND --help`."""
    parser = argparse.ArgumentParser(
        prog="farmdash", usage=USAGE, description=DESCRIPTION, formatter_class=HelpFormatter, add_help=False
    )
    hidden = argparse.SUPPRESS  # in the usage line or under --demo: the screen has no row to spare
    parser.add_argument("-h", "--help", action="help", help=hidden)
    parser.add_argument("--version", action="version", version=f"farmdash {__version__}", help=hidden)
    sub = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND", prog="farmdash")
    add_subcommands(sub)
    print_cmd.add_parser(sub)
    add_sim_parser(sub)
    options = parser.add_argument_group("options")
    options.add_argument("--demo", action="store_true", help="a simulated farm (no account; --printers N, --seed N)")
    options.add_argument("--endpoint", metavar="URL", help=f"cloud URL (default {LIVE_ENDPOINT})")
    options.add_argument("--test-cloud", action="store_true", help=f"the test cloud ({TEST_ENDPOINT})")
    options.add_argument(
        "--allow-insecure-http", action="store_true", help="plain http to another host (password unencrypted)"
    )
    options.add_argument("--refresh", type=float, metavar="SECONDS", help="poll interval, 0.5 to 3600 (default 3)")
    options.add_argument("--read-only", action="store_true", help="send nothing: every action key says so")
    options.add_argument("--no-alerts", action="store_true", help="no bell, notices or outbound alerts")
    options.add_argument("--printers", type=int, default=36, metavar="N", help=hidden)
    options.add_argument("--seed", type=int, default=7, metavar="N", help=hidden)
    return parser


def add_sim_parser(sub: argparse._SubParsersAction) -> None:
    sim = sub.add_parser(
        "sim",
        help="serve the simulated cloud until Ctrl+C",
        description="Serve the simulated 3DPrinterOS cloud over HTTP (all the Global API's calls, a farm on"
        " a virtual clock, faults on demand) until Ctrl+C.",
        formatter_class=HelpFormatter,
    )
    farm = sim.add_argument_group("the farm")
    farm.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    farm.add_argument("--port", type=int, default=8800, help="port (default 8800)")
    farm.add_argument("--printers", type=int, default=40, metavar="N", help="generate N printers (default 40)")
    farm.add_argument("--seed", type=int, default=7, metavar="N", help="seed of the farm (default 7)")
    farm.add_argument("--speed", type=float, default=1.0, metavar="X", help="virtual clock speed (1 = real time)")
    farm.add_argument("--farm", metavar="FILE.toml", help="the farm described in a TOML file instead")
    farm.add_argument(
        "--session-idle", type=float, default=3600.0, metavar="SECONDS", help="idle time before a session ends"
    )
    farm.add_argument("--failure-rate", type=float, default=0.02, metavar="N", help="job failures per printing hour")
    farm.add_argument("--offline-rate", type=float, default=0.01, metavar="N", help="drops offline per printer hour")
    farm.add_argument("--no-tray-enforcement", action="store_true", help="start jobs with the build tray not clear")
    farm.add_argument(
        "--realistic",
        action="store_true",
        help="the shapes public callers of the real cloud see (string ids, nulls, 'No access') instead of the doc's",
    )
    faults = sim.add_argument_group("faults (also at run time: POST /sim/faults)")
    faults.add_argument("--latency-ms", type=float, default=0.0, metavar="MS", help="added latency per request")
    faults.add_argument("--error-rate", type=float, default=0.0, metavar="SHARE", help="requests answered with a 500")
    faults.add_argument("--drop-rate", type=float, default=0.0, metavar="SHARE", help="connections dropped")
    faults.add_argument(
        "--refuse-sessions",
        choices=["unauthorized", "too_many_sessions"],
        metavar="HOW",
        help="logins work, then every call is refused: unauthorized or too_many_sessions",
    )


def sim_flag_problem(args: argparse.Namespace) -> str | None:
    """The first `farmdash sim` flag out of its range, as one line, or None."""
    from api.sim.faults import checked_number

    if not 1 <= args.port <= 65535:
        return f"--port must be between 1 and 65535, not {args.port}"
    if not 1 <= args.printers <= 5000:
        return f"--printers must be between 1 and 5000, not {args.printers}"
    ranges = {
        "speed": (0.0, 10_000.0),
        "session_idle": (1.0, 366 * 86_400.0),
        "failure_rate": (0.0, 3600.0),
        "offline_rate": (0.0, 3600.0),
        "latency_ms": (0.0, 60_000.0),
        "error_rate": (0.0, 1.0),
        "drop_rate": (0.0, 1.0),
    }
    for name, (low, high) in ranges.items():
        try:
            checked_number(f"--{name.replace('_', '-')}", getattr(args, name), low, high)
        except ValueError as exc:
            return str(exc)
    return None


def is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def run_sim(args: argparse.Namespace) -> int:
    from api.sim import (
        DEMO_PASSWORD,
        DEMO_USERNAME,
        FarmSettings,
        Faults,
        SimClock,
        generate_farm,
        load_farm_file,
        serve_forever,
    )

    problem = sim_flag_problem(args)
    if problem:
        print(f"farmdash sim: {problem}", file=sys.stderr)
        return 2
    settings = FarmSettings(
        seed=args.seed,
        session_idle_seconds=args.session_idle,
        failure_rate_per_hour=args.failure_rate,
        offline_rate_per_hour=args.offline_rate,
        enforce_build_tray=not args.no_tray_enforcement,
        realistic=args.realistic,
    )
    clock = SimClock(speed=args.speed)
    try:
        if args.farm:
            farm = load_farm_file(args.farm, clock=clock, settings=settings)
        else:
            farm = generate_farm(args.printers, seed=args.seed, clock=clock, settings=settings)
    except (OSError, ValueError, KeyError) as exc:
        print(f"farmdash sim: cannot build the farm: {exc}", file=sys.stderr)
        return 2
    faults = Faults(
        latency_ms=args.latency_ms,
        error_500_rate=args.error_rate,
        drop_rate=args.drop_rate,
        refuse_sessions=args.refuse_sessions or "",
    )
    host = f"[{args.host}]" if ":" in args.host else args.host
    if not is_loopback(args.host):
        print(
            f"farmdash sim: warning: listening on {args.host}, beyond this machine: /sim/* has no authentication "
            f"and the demo login is public; anyone who can reach it can steer this farm and log in.",
            file=sys.stderr,
            flush=True,
        )

    def banner() -> None:
        print(f"Simulated 3DPrinterOS cloud: {len(farm.printers)} printers, seed {args.seed}, speed {args.speed}x")
        print(f"  base URL:   http://{host}:{args.port}   (API calls and a /sim/ control route)")
        if any(u.email == DEMO_USERNAME and u.password == DEMO_PASSWORD for u in farm.users.values()):
            print(f"  demo login: {DEMO_USERNAME} / {DEMO_PASSWORD}")
        else:  # a farm file's own users: never name a login that the farm would refuse
            print(f"  logins:     the users of {args.farm}")
        if args.realistic:
            print("  realistic:  the shapes public callers see, not the doc's (see --help)")
        print("  Ctrl+C stops it.", flush=True)

    try:
        with contextlib.suppress(KeyboardInterrupt):
            serve_forever(farm, host=args.host, port=args.port, faults=faults, ready=banner)
    except OSError as exc:
        print(f"farmdash sim: cannot listen on {host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "print":
        return print_cmd.run(args)
    if args.command == "sim":
        return run_sim(args)
    if args.command in SUBCOMMANDS:
        return run_subcommand(args)
    # Textual's own 60 frames a second: a key pressed just after a frame (as a poll lands) waits
    # for the frame timer's next tick, up to two periods away (100 ms at 20 a second, 33 ms at 60).
    # More frames are not more bytes: a frame carries only the spans that changed, and over a
    # slow link a frame waits while the terminal is behind (tui/link.py). Measured with
    # scripts/bench_pty.py at 8 KB/s on the demo farm: the same bytes a poll at 20 and at 60.
    os.environ.setdefault("TEXTUAL_FPS", "60")
    from .launch import launch

    return launch(args)


if __name__ == "__main__":
    sys.exit(main())
