"""farmdash without a screen: `status`, `events` and `report` for cron jobs and monitoring.

Built on the farm sync (`tui/sync.py`) and plain asyncio: no Textual is imported on these paths
(an import contract checks it). Credentials and endpoint come as for the dashboard; `--demo`
starts the simulated farm. Output goes to stdout and nothing else does: an error is one line
on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

from api import PrinterOSClient

from .config import Settings, env_password, settings_problems, state_dir
from .connection import StartError, choose_endpoint, log_to_file, session_path
from .safe import plain
from .session import Credentials, LoginOutcome, SessionStore, prepare_state_dir
from .sync import FarmSync

# Exit codes, read like a Nagios plugin's.
OK, NEEDS_PERSON, TROUBLE, UNKNOWN = 0, 1, 2, 3
BAD_INPUT = 2  # `report` and `events`: a date or an option that cannot be used


class HeadlessError(Exception):
    """One line for stderr and the exit code to leave with."""

    def __init__(self, message: str, code: int = UNKNOWN) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class Cloud:
    """A client and a farm sync, logged in or about to be; `clock` is the farm's time."""

    client: PrinterOSClient
    sync: FarmSync
    clock: Callable[[], datetime]
    label: str


def _settings() -> Settings:
    try:
        return Settings()
    except (ValueError, OSError) as exc:
        raise HeadlessError(settings_problems(exc)[0], UNKNOWN) from None


@contextlib.asynccontextmanager
async def open_cloud(args: argparse.Namespace) -> AsyncIterator[Cloud]:
    """The demo farm or the configured cloud, the saved session reused and kept as the dashboard does."""
    if getattr(args, "demo", False):
        from api.sim import DEMO_PASSWORD, DEMO_USERNAME, SimClock, SimServer, generate_farm

        clock = SimClock()
        server = SimServer(generate_farm(args.printers, seed=args.seed, clock=clock)).start()
        client = PrinterOSClient(server.base_url)
        sync = FarmSync(client, credentials=Credentials(DEMO_USERNAME, DEMO_PASSWORD), clock=clock.now)
        try:
            yield Cloud(client, sync, clock.now, "the demo farm")
        finally:
            await client.aclose()
            server.stop()
        return
    settings = _settings()
    try:
        endpoint = choose_endpoint(args, settings)
    except StartError as exc:
        raise HeadlessError(exc.lines[0], UNKNOWN) from None
    state_ok = prepare_state_dir(state_dir(), own=not os.environ.get("FARMDASH_STATE_DIR")) is None
    log_to_file(state_dir() if state_ok else None)
    username = settings.username or ""
    password = env_password()
    store = SessionStore(session_path(endpoint, username)) if state_ok else None
    session = store.read().session if store is not None else None
    client = PrinterOSClient(endpoint, session=session)
    credentials = Credentials(username, password) if username and password else None
    sync = FarmSync(client, credentials=credentials, session_store=store)
    try:
        yield Cloud(client, sync, lambda: datetime.now(UTC), endpoint)
    finally:
        await client.aclose()


async def connect(cloud: Cloud) -> None:
    """Logged in (a saved session or FARMDASH_USERNAME/PASSWORD), or a HeadlessError saying why not."""
    outcome = await cloud.sync.connect()
    if outcome is LoginOutcome.OK:
        return
    if outcome is LoginOutcome.NO_CREDENTIALS:
        raise HeadlessError(
            "no saved session and no credentials: set FARMDASH_USERNAME and FARMDASH_PASSWORD"
            " (or log in once with the dashboard)"
        )
    if outcome is LoginOutcome.UNREACHABLE:
        raise HeadlessError(cloud.sync.store.problem or f"cannot reach {cloud.label}")
    raise HeadlessError(cloud.sync.login_reason or "the cloud refused the login")


async def read_farm(cloud: Cloud) -> None:
    """One poll of the whole farm (logging in again once if the saved session has expired)."""
    await connect(cloud)
    outcome = await cloud.sync.poll()
    if outcome.session_lost is not None:
        cloud.sync.session_lost(outcome.session_lost)
        await connect(cloud)
        outcome = await cloud.sync.poll()
    if not outcome.ok:
        raise HeadlessError(cloud.sync.store.problem or "the cloud could not be read")


def fail(command: str, message: str, stream: TextIO | None = None) -> None:
    """An error as one line on stderr (cloud text is data: no newline or control character)."""
    print(f"farmdash {command}: {plain(message)}", file=stream or sys.stderr)


def run(command: str, coroutine_factory: Callable[[], object]) -> int:
    """Run one command's coroutine; a HeadlessError or Ctrl+C becomes an exit code, never a traceback."""
    try:
        return asyncio.run(coroutine_factory())  # type: ignore[arg-type]
    except HeadlessError as exc:
        fail(command, exc.message)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`farmdash status | head`): not an error; keep Python quiet at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OK
