"""From the command line to a running dashboard: the demo farm or a real cloud, a client, the app."""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
from urllib.parse import urlparse

from pydantic import ValidationError

from api import LIVE_ENDPOINT, TEST_ENDPOINT, PrinterOSClient

from .app import Credentials, SessionStore, make_app
from .config import Settings, config_path, env_password, state_dir


def _log_to_file() -> None:
    """Logs go to a file: anything written to the terminal would tear the dashboard."""
    directory = state_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(directory / "farmdash.log", encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)


def launch(args: argparse.Namespace) -> int:
    try:
        settings = Settings()
    except (ValidationError, ValueError) as exc:
        print(f"farmdash: the settings in {config_path()} or FARMDASH_* are not valid:\n{exc}", file=sys.stderr)
        return 2
    refresh = args.refresh if args.refresh is not None else settings.refresh
    if refresh < 0.5:
        print("farmdash: --refresh must be at least 0.5 seconds", file=sys.stderr)
        return 2
    _log_to_file()
    if args.demo:
        return _run_demo(args, refresh, settings)
    endpoint = args.endpoint or (TEST_ENDPOINT if args.test_cloud else None) or settings.endpoint or LIVE_ENDPOINT
    if urlparse(endpoint).scheme not in ("http", "https"):
        print(f"farmdash: {endpoint!r} is not an http(s) URL", file=sys.stderr)
        return 2
    username = settings.username or ""
    password = env_password()
    credentials = Credentials(username, password) if username and password else None
    key = hashlib.sha256(f"{endpoint}\n{username}".encode()).hexdigest()[:16]
    store = SessionStore(state_dir() / f"session-{key}")
    client = PrinterOSClient(endpoint, session=store.load())
    app = make_app(
        client,
        refresh_seconds=refresh,
        credentials=credentials,
        session_store=store,
        organization=settings.organization or urlparse(endpoint).hostname or "",
        username=username,
    )
    app.set_keymap(settings.keymap)
    app.run()
    return 0


def _run_demo(args: argparse.Namespace, refresh: float, settings: Settings) -> int:
    """The simulated cloud on a loopback port in a background thread; the dashboard talks HTTP to it."""
    from api.sim import DEMO_PASSWORD, DEMO_USERNAME, SimClock, SimServer, generate_farm

    clock = SimClock()
    farm = generate_farm(args.printers, seed=args.seed, clock=clock)
    server = SimServer(farm).start()
    try:
        client = PrinterOSClient(server.base_url)
        app = make_app(
            client,
            refresh_seconds=refresh,
            credentials=Credentials(DEMO_USERNAME, DEMO_PASSWORD),
            organization=f"{farm.org_name} (demo)",
            clock=clock.now,
        )
        app.set_keymap(settings.keymap)
        app.run()
    finally:
        server.stop()
    return 0
