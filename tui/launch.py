"""From the command line to a running dashboard: the demo farm or a real cloud, a client, the app.

Everything that can be wrong with the settings, the URL or the terminal is found here, before the
screen is taken over, and said in one line per problem (exit 2). Problems that still let the
dashboard run (no state directory, a bad session file) become one notice each once it is up.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from api import PrinterOSClient

from .app import FarmDash, make_app
from .ascii_driver import ascii_driver
from .config import Settings, env_password, refresh_problem, setting_source, settings_problems, state_dir
from .connection import StartError, choose_endpoint, log_to_file, session_path
from .endpoint import insecure_notice
from .eventlog import EventLog
from .keymap import keymap_problems
from .session import Credentials, SessionStore, prepare_state_dir
from .terminal import NEEDS_TERMINAL, detect_ascii_reason, driven_elsewhere, is_terminal

# Signals that mean "the user or the system wants farmdash gone": leave the terminal as it was found.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
LOCK_HANDOVER_SECONDS = 0.001  # Python: 0.005


@dataclass
class Start:
    """What the checks at start decided: settings that hold, and what to tell the user once running."""

    settings: Settings
    refresh: float
    notices: list[str] = field(default_factory=list)
    state_ok: bool = True
    ascii_reason: str | None = None  # why the screen is drawn in ASCII (LANG=C, TERM=vt100, ...)
    read_only: bool = False


def launch(args: argparse.Namespace) -> int:
    try:
        start = check_start(args)
        endpoint = None if args.demo else choose_endpoint(args, start.settings)
        if not driven_elsewhere(os.environ) and not is_terminal(sys.stdin, sys.stdout):
            raise StartError(NEEDS_TERMINAL)
    except StartError as exc:
        for line in exc.lines:
            print(f"farmdash: {line}" if not line.startswith("farmdash") else line, file=sys.stderr)
        return 2
    start.state_ok = prepare_state(start)
    start.ascii_reason = detect_ascii_reason()
    if start.ascii_reason:
        start.notices.append(f"No Unicode terminal ({start.ascii_reason}): drawing with ASCII.")
    if endpoint is None:
        return _run_demo(args, start)
    return run_app(cloud_app(endpoint, start), start)


def check_start(args: argparse.Namespace) -> Start:
    """Settings and refresh interval, or a StartError naming each problem and where it came from."""
    try:
        settings = Settings()
    except (ValueError, OSError) as exc:
        raise StartError(*settings_problems(exc)) from None
    if args.refresh is not None:
        refresh, source = args.refresh, "--refresh"
    else:
        refresh, source = settings.refresh, setting_source("refresh")
    problem = refresh_problem(refresh, source)
    if problem:
        raise StartError(problem)
    problems = keymap_problems(settings.keymap)
    if problems:
        raise StartError(*problems)
    if getattr(args, "no_alerts", False):
        settings.alerts.enabled = False
    return Start(settings, refresh, read_only=bool(getattr(args, "read_only", False)))


def prepare_state(start: Start) -> bool:
    """The state directory holds the log and the session; without it farmdash runs and says so once."""
    problem = prepare_state_dir(state_dir(), own=not os.environ.get("FARMDASH_STATE_DIR"))
    if problem:
        start.notices.append(problem)
    log_to_file(state_dir() if problem is None else None)
    return problem is None


def cloud_app(endpoint: str, start: Start) -> FarmDash:
    """The app for a real cloud: credentials from the environment, the saved session if it can be used."""
    settings = start.settings
    username = settings.username or ""
    password = env_password()
    credentials = Credentials(username, password) if username and password else None
    store = None
    session = None
    if start.state_ok:
        store = SessionStore(session_path(endpoint, username))
        stored = store.read()
        session = stored.session
        if stored.notice:
            start.notices.append(stored.notice)
    notice = insecure_notice(endpoint)
    if notice:
        start.notices.append(notice)
    client = PrinterOSClient(endpoint, session=session, cloud_timezone=settings.cloud_timezone)
    return make_app(
        client,
        refresh_seconds=start.refresh,
        credentials=credentials,
        session_store=store,
        organization=settings.organization or urlsplit(endpoint).hostname or "",
        username=username,
        event_log=open_event_log(start),
        alerts=settings.alerts,
        **action_settings(start),
    )


def open_event_log(start: Start) -> EventLog | None:
    """The event log of earlier runs (None: in memory only, when the state directory is unusable)."""
    if not start.state_ok:
        return None
    event_log = EventLog.in_directory(state_dir()).load()
    if event_log.problem:
        start.notices.append(f"Event log: {event_log.problem}; events are kept in memory only.")
    elif event_log.skipped:
        start.notices.append(f"Event log: {event_log.skipped} unreadable line(s) in {event_log.path} skipped.")
    return event_log


def _run_demo(args: argparse.Namespace, start: Start) -> int:
    """The simulated cloud on a loopback port in a background thread; the dashboard talks HTTP to it."""
    from api.sim import DEMO_PASSWORD, DEMO_USERNAME, SimClock, SimServer, generate_farm

    clock = SimClock()
    farm = generate_farm(args.printers, seed=args.seed, clock=clock)
    server = SimServer(farm).start()
    try:
        client = PrinterOSClient(server.base_url)
        app = make_app(
            client,
            refresh_seconds=start.refresh,
            credentials=Credentials(DEMO_USERNAME, DEMO_PASSWORD),
            organization=f"{farm.org_name} (demo)",
            clock=clock.now,
            alerts=start.settings.alerts,  # the demo's events stay in memory: not mixed with a real farm's
            **action_settings(start),
        )
        return run_app(app, start)
    finally:
        server.stop()


def action_settings(start: Start) -> dict:
    """What the flags and settings say about sending: read-only, the stagger of bulk starts, the file folder."""
    settings = start.settings
    return {
        "read_only": bool(start.read_only or settings.read_only),
        "stagger_seconds": settings.stagger_seconds,
        "files_dir": settings.files_dir,
    }


def prepare_app(app: FarmDash, start: Start) -> None:
    """The user's keymap, and each notice from start queued to show once the first screen is up."""
    app.set_keymap(start.settings.keymap)
    if start.ascii_reason:
        app.driver_class = ascii_driver(app.driver_class)
    for notice in start.notices:
        app.notify(notice, severity="warning", timeout=12)


def run_app(app: FarmDash, start: Start) -> int:
    """Run the dashboard; SIGTERM and SIGHUP end it the way `q` does, so the terminal is restored."""
    prepare_app(app, start)
    app.collector.start()
    # Keys come in on the driver's thread and frames go out on its writer thread, each needing
    # the interpreter lock a few times on the way. Python hands the lock over every 5 ms by default,
    # so a key pressed while a poll's slices ran waited up to 20 ms just to reach the loop.
    sys.setswitchinterval(LOCK_HANDOVER_SECONDS)

    async def run() -> None:
        loop = asyncio.get_running_loop()
        for number in STOP_SIGNALS:
            loop.add_signal_handler(number, app.exit, None, 128 + number)
        try:
            await app.run_async()
        finally:
            for number in STOP_SIGNALS:
                loop.remove_signal_handler(number)

    asyncio.run(run())
    return app.return_code or 0
