"""The dashboard and its terminal: no terminal, a closed one, signals. Real processes, real ptys."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.terminal import NEEDS_TERMINAL

ROOT = Path(__file__).resolve().parents[2]

ENTER_ALT_SCREEN = b"\x1b[?1049h"
LEAVE_ALT_SCREEN = b"\x1b[?1049l"
MOUSE_OFF = b"\x1b[?1000l"
SHOW_CURSOR = b"\x1b[?25h"


def farmdash_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FARMDASH_")}
    env.update(
        PYTHONPATH=str(ROOT),
        FARMDASH_CONFIG=str(tmp_path / "none.toml"),
        FARMDASH_STATE_DIR=str(tmp_path / "state"),
        TERM="xterm-256color",
        LANG="C.UTF-8",
        **extra,
    )
    env.pop("LC_ALL", None)
    return env


@pytest.mark.parametrize("args", [[], ["--demo"]])
def test_without_a_terminal_it_says_so_and_exits(tmp_path, args):
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=farmdash_env(tmp_path),
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.decode().strip() == NEEDS_TERMINAL
    assert result.stdout == b""  # not one escape code into the pipe


def read_until(fd: int, wanted: bytes, deadline: float) -> bytes:
    """Bytes from the pty until `wanted` shows up, EOF, or the deadline."""
    seen = b""
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed its side
            break
        if not chunk:
            break
        seen += chunk
    return seen


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_stop_signal_restores_the_terminal(tmp_path, number):
    """`kill -TERM`/`-HUP` on a running dashboard: alternate screen left, mouse off, cursor shown, exit."""
    main_fd, child_fd = pty.openpty()
    os.set_blocking(main_fd, False)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "--demo", "--printers", "6"],
        stdin=child_fd,
        stdout=child_fd,
        stderr=child_fd,
        env=farmdash_env(tmp_path, COLUMNS="100", LINES="30"),
        start_new_session=True,
        close_fds=True,
    )
    os.close(child_fd)
    try:
        started = read_until(main_fd, b"printers", time.monotonic() + 20)
        assert ENTER_ALT_SCREEN in started, started[-400:]
        sent = time.monotonic()
        proc.send_signal(number)
        after = read_until(main_fd, LEAVE_ALT_SCREEN, sent + 10)
        after += read_until(main_fd, b"\0never", time.monotonic() + 0.3)  # the rest of the restore
        code = proc.wait(timeout=10)
        assert time.monotonic() - sent < 5
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(main_fd)
    assert LEAVE_ALT_SCREEN in after and MOUSE_OFF in after and SHOW_CURSOR in after, after[-300:]
    assert code == 128 + number
