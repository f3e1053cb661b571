"""The `farmdash` command: the dashboard, `--demo` on the simulated farm, and `farmdash sim`."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import sys

from api import LIVE_ENDPOINT, TEST_ENDPOINT, __version__

from . import print_cmd
from .subcommands import SUBCOMMANDS, add_subcommands, run_subcommand

DESCRIPTION = """\
farmdash: a live terminal dashboard for 3D-print farms on the 3DPrinterOS cloud.
  farmdash --demo   try it on a simulated farm (no account, no network)
  farmdash          the live cloud: FARMDASH_USERNAME and FARMDASH_PASSWORD,
                    a saved session, or the login screen
"""

EPILOG = """\
default keys (? in the dashboard lists yours, after the [keymap]):
  arrows/hjkl move  enter open  p u c t x pause resume cancel tray-clear start
  space * mark  o send a file  v table  / filter  w workgroup  s sort  q quit
  ! next printer needing a person  L event log  R reports  +/- refresh  ? help
A password is never read from the command line."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="farmdash", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"farmdash {__version__}")
    parser.add_argument("--demo", action="store_true", help="run on a simulated farm started in the background")
    parser.add_argument("--endpoint", metavar="URL", help=f"cloud URL (default {LIVE_ENDPOINT})")
    parser.add_argument("--test-cloud", action="store_true", help=f"use the test cloud ({TEST_ENDPOINT})")
    parser.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="plain http to another host (the password goes unencrypted)",
    )
    parser.add_argument("--refresh", type=float, metavar="SECONDS", help="poll interval, 0.5 to 3600 (default 3)")
    parser.add_argument("--printers", type=int, default=36, metavar="N", help="printers on the demo farm (default 36)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the demo farm (default 7)")
    parser.add_argument("--no-alerts", action="store_true", help="no bell, notices or outbound alerts")
    parser.add_argument(
        "--read-only", action="store_true", help="send nothing: every action key says so (wall display)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    print_cmd.add_parser(sub)
    sim = sub.add_parser(
        "sim", help="serve the simulated cloud until Ctrl+C", description="Serve the simulated 3DPrinterOS cloud."
    )
    sim.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    sim.add_argument("--port", type=int, default=8800)
    sim.add_argument("--printers", type=int, default=40, help="generate a farm of N printers (default 40)")
    sim.add_argument("--seed", type=int, default=7)
    sim.add_argument("--speed", type=float, default=1.0, help="virtual clock speed (default 1 = real time)")
    sim.add_argument("--farm", metavar="FILE.toml", help="describe the farm in a TOML file instead of generating it")
    sim.add_argument(
        "--session-idle", type=float, default=3600.0, metavar="SECONDS", help="idle time before a session expires"
    )
    sim.add_argument("--failure-rate", type=float, default=0.02, help="job failures per printing hour")
    sim.add_argument("--offline-rate", type=float, default=0.01, help="drops offline per printer hour")
    sim.add_argument(
        "--no-tray-enforcement", action="store_true", help="let printers start with the build tray not clear"
    )
    sim.add_argument("--latency-ms", type=float, default=0.0, help="fault: added latency per request")
    sim.add_argument("--error-rate", type=float, default=0.0, help="fault: share of requests answered with a 500")
    sim.add_argument("--drop-rate", type=float, default=0.0, help="fault: share of connections dropped")
    sim.add_argument(
        "--realistic",
        action="store_true",
        help="send the shapes public callers of the real cloud see (string ids, nulls, fractions, 'No access', "
        "now and then an unreadable printer record) instead of the doc's",
    )
    sim.add_argument(
        "--refuse-sessions",
        choices=["unauthorized", "too_many_sessions"],
        help="fault: logins succeed, then every call is refused (a login storm test)",
    )
    add_subcommands(sub)
    return parser


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
        print(f"  demo login: {DEMO_USERNAME} / {DEMO_PASSWORD}")
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
    # Fewer frames a second: over a slow SSH link every frame re-sends its dirty regions.
    os.environ.setdefault("TEXTUAL_FPS", "20")
    from .launch import launch

    return launch(args)


if __name__ == "__main__":
    sys.exit(main())
