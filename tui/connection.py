"""Where farmdash connects and what it keeps, decided the same way for the dashboard and the
commands without a screen (`status`, `events`, `report`). No Textual here.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
from pathlib import Path

from api import LIVE_ENDPOINT, TEST_ENDPOINT

from .config import Settings, setting_source, state_dir
from .endpoint import endpoint_problem
from .session import session_file


class StartError(Exception):
    """A problem found at start: one line per problem, then exit 2."""

    def __init__(self, *lines: str) -> None:
        super().__init__(*lines)
        self.lines = lines


def choose_endpoint(args: argparse.Namespace, settings: Settings) -> str:
    """The cloud URL from the flag, the test-cloud switch, the settings, or the live cloud; checked."""
    # A subcommand may leave its connection flags unset (argparse.SUPPRESS): read them softly.
    if getattr(args, "endpoint", None) is not None:
        endpoint, source = args.endpoint, "--endpoint"
    elif getattr(args, "test_cloud", False):
        endpoint, source = TEST_ENDPOINT, "--test-cloud"
    elif settings.endpoint is not None:
        endpoint, source = settings.endpoint, setting_source("endpoint")
    else:
        endpoint, source = LIVE_ENDPOINT, "the live cloud"
    allow = bool(getattr(args, "allow_insecure_http", False) or settings.allow_insecure_http)
    problem = endpoint_problem(endpoint, source, allow_insecure_http=allow)
    if problem:
        raise StartError(problem)
    return endpoint


def log_to_file(directory: Path | None) -> None:
    """Logs go to a file: anything written to the terminal would tear the dashboard."""
    handler: logging.Handler = logging.NullHandler()
    if directory is not None:
        with contextlib.suppress(OSError):
            handler = logging.FileHandler(private_file(directory / "farmdash.log"), encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)


def private_file(path: Path) -> Path:
    """The log may name printers, users and cloud text: 0600 like the session beside it, whatever
    the umask, and tightened if an older version left it readable by others."""
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
    finally:
        os.close(descriptor)
    return path


def session_path(endpoint: str, username: str) -> Path:
    """One session file per cloud and user (`farmdash print` and the headless commands find the same file)."""
    return session_file(state_dir(), endpoint, username)
