"""`farmdash serve`: a real server on a free loopback port, its page fetched over HTTP, and the
dashboard it runs for a browser session seen over the websocket."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import aiohttp
import httpx
import pytest

from tui.cli import build_parser
from tui.serve import dashboard_command, is_loopback, url_of, warning_for

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def read_lines(stream, lines: list[str]) -> None:
    for line in stream:
        lines.append(line)


@pytest.fixture
def served():
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FARMDASH_CONFIG": "/nonexistent/farmdash.toml"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "serve", "--port", str(port), "--demo", "--printers", "6"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    out: list[str] = []
    threading.Thread(target=read_lines, args=(process.stdout, out), daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while not any(url in line for line in out) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    try:
        yield url, out, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


async def test_serve_prints_the_url_and_serves_the_page_and_the_dashboard(served):
    url, out, process = served
    assert out and out[0].strip() == f"farmdash in a browser: {url}", out
    page = httpx.get(url + "/", timeout=5)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert f"ws://127.0.0.1:{url.rsplit(':', 1)[1]}/ws" in page.text
    # A browser session: the websocket starts `farmdash --demo` and streams its screen.
    screen = b""

    async def watch() -> None:
        nonlocal screen
        async with aiohttp.ClientSession() as session, session.ws_connect(url + "/ws?width=100&height=30") as ws:
            while b"printers" not in screen:
                message = await ws.receive()
                if message.type != aiohttp.WSMsgType.BINARY:
                    return
                screen += message.data

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(watch(), timeout=20)
    assert b"printers" in screen  # the header's printer count: the demo farm is live
    assert process.poll() is None


def test_passthrough_flags_and_no_password_on_the_command_line():
    args = build_parser().parse_args(["serve", "--demo", "--printers", "6", "--refresh", "2"])
    command = dashboard_command(args)
    assert command.endswith("-m tui.cli --demo --refresh 2.0 --printers 6 --seed 7")
    assert (args.host, args.port) == ("127.0.0.1", 8000)
    wall = build_parser().parse_args(["--read-only", "serve", "--demo"])
    assert dashboard_command(wall).endswith("-m tui.cli --demo --read-only --printers 36 --seed 7")
    before = build_parser().parse_args(["--endpoint", "https://x.example", "serve"])
    assert "--endpoint https://x.example" in dashboard_command(before)
    assert "--demo" not in dashboard_command(before) and "--seed" not in dashboard_command(before)


def test_loopback_is_quiet_any_other_address_is_warned_about():
    for host in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"):
        assert is_loopback(host) and warning_for(host) is None
    for host in ("0.0.0.0", "192.0.2.10", "::", "farm-server.example"):
        warning = warning_for(host)
        assert warning is not None and "anyone who can reach this address" in warning and "\n" not in warning
    assert url_of("::1", 8000) == "http://[::1]:8000"


def test_bad_port_is_one_line_on_stderr(capsys):
    from tui.cli import main

    assert main(["serve", "--port", "70000"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "not a port" in captured.err


def test_port_in_use_is_one_line_on_stderr(capsys):
    from tui.serve import run_serve

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = run_serve(argparse.Namespace(host="127.0.0.1", port=port, demo=True))
    captured = capsys.readouterr()
    assert code == 2 and "cannot listen on" in captured.err and captured.err.count("\n") == 1
