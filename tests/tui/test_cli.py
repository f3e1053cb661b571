"""The command line: help, version, settings, secrets, and `farmdash sim` serving for real."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tui.cli import build_parser, main
from tui.terminal import NEEDS_TERMINAL


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.startswith("farmdash 0.1.0")
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "--demo" in out and "FARMDASH_PASSWORD" in out


COMMANDS = ["status", "events", "report", "serve", "print", "sim"]


def help_of(capsys, *argv: str) -> list[str]:
    with pytest.raises(SystemExit) as info:
        main([*argv, "--help"])
    assert info.value.code == 0
    return capsys.readouterr().out.splitlines()


def test_top_level_help_fits_an_80x24_terminal(capsys, monkeypatch):
    """With the shell's prompt under it: 23 lines of 80 columns, each command on one line of its own."""
    monkeypatch.setenv("COLUMNS", "80")
    lines = help_of(capsys)
    assert len(lines) <= 23 and max(len(line) for line in lines) <= 80
    for command in COMMANDS:
        (line,) = [line for line in lines if line.split()[:1] == [command]]
        assert len(line.split()) > 2  # and what it does
    assert any("COMMAND -h" in line for line in lines[:2])  # where the details are


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_help_reads_at_80_columns(capsys, monkeypatch, command):
    """Every option says what it does, on the option's own line where it fits."""
    monkeypatch.setenv("COLUMNS", "80")
    lines = help_of(capsys, command)
    assert lines[0].startswith(f"usage: farmdash {command} ") and max(len(line) for line in lines) <= 80
    options = [line.split("  ") for line in lines if line.startswith("  -")]
    assert options and all(len([part for part in parts if part.strip()]) >= 2 for parts in options), options


def test_no_password_flag():
    options = {opt for action in build_parser()._actions for opt in action.option_strings}
    assert not any("pass" in opt for opt in options)


def test_settings_from_config_file_and_env(tmp_path, monkeypatch):
    from tui.config import Settings

    config = tmp_path / "config.toml"
    config.write_text(
        'endpoint = "https://acorn.3dprinteros.com"\nusername = "tech@lab.org"\nrefresh = 5\npassword = "no"\n'
    )
    monkeypatch.setenv("FARMDASH_CONFIG", str(config))
    settings = Settings()
    assert (settings.endpoint, settings.username, settings.refresh) == (
        "https://acorn.3dprinteros.com",
        "tech@lab.org",
        5,
    )
    assert not hasattr(settings, "password")
    monkeypatch.setenv("FARMDASH_REFRESH", "10")
    assert Settings().refresh == 10


@pytest.fixture
def clean_env(tmp_path, monkeypatch):
    """No settings from the machine running the tests: an absent config file, a private state dir."""
    for key in list(os.environ):
        if key.upper().startswith("FARMDASH_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("FARMDASH_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("FARMDASH_STATE_DIR", str(tmp_path / "state"))
    return tmp_path


def start_errors(capsys, *argv: str) -> list[str]:
    """Run `farmdash argv` up to the checks at start (under pytest stdin is not a terminal)."""
    assert main(list(argv)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err.splitlines()


@pytest.mark.parametrize("value", ["nan", "inf", "1e308", "-inf", "0.1", "3601"])
def test_refresh_obeys_the_settings_bounds(clean_env, capsys, value):
    assert start_errors(capsys, f"--refresh={value}") == [
        f"farmdash: --refresh must be between 0.5 and 3600 seconds (got {float(value):g})"
    ]


def test_refresh_in_bounds_passes_the_checks(clean_env, capsys):
    assert start_errors(capsys, "--refresh", "0.5", "--demo") == [NEEDS_TERMINAL]


def test_configuration_errors_one_line_each_naming_setting_and_source(clean_env, capsys, monkeypatch):
    config = clean_env / "config.toml"
    config.write_text("refresh = nan\nendpoint = 5\n[keymap]\npause = 3\n")
    monkeypatch.setenv("FARMDASH_CONFIG", str(config))
    lines = start_errors(capsys)
    assert len(lines) == 3, lines
    assert any(line.startswith(f"farmdash: refresh in {config}:") and "finite" in line for line in lines)
    assert any(line.startswith(f"farmdash: endpoint in {config}:") for line in lines)
    assert any(line.startswith(f"farmdash: keymap.pause in {config}:") for line in lines)
    assert not any("pydantic" in line or "http" in line for line in lines)
    monkeypatch.setenv("FARMDASH_REFRESH", "inf")
    config.write_text("")
    assert start_errors(capsys) == ["farmdash: FARMDASH_REFRESH: Input should be a finite number (got inf)"]
    monkeypatch.delenv("FARMDASH_REFRESH")
    monkeypatch.setenv("FARMDASH_KEYMAP", "pause=P")
    assert start_errors(capsys)[0].startswith("farmdash: FARMDASH_KEYMAP: cannot be read")
    monkeypatch.delenv("FARMDASH_KEYMAP")
    config.write_text("refresh = \n")
    [line] = start_errors(capsys)
    assert line.startswith(f"farmdash: {config} is not valid TOML: ") and "line 1" in line


@pytest.mark.parametrize(
    ("endpoint", "says"),
    [
        ("http://[::1", "is not a valid URL"),
        ("", "is empty"),
        ("   ", "is empty"),
        ("http://", "names no host"),
        ("ftp://files.example.org", "is not an http(s) URL"),
        ("file:///etc/passwd", "is not an http(s) URL"),
        ("cloud.3dprinteros.com", "is not an http(s) URL"),
        ("https://cloud.example.org:99999", "is not a valid URL"),
        ("https://exa mple.org", "space or control character"),
    ],
)
def test_bad_endpoint_is_one_line_and_exit_2(clean_env, capsys, endpoint, says):
    [line] = start_errors(capsys, "--endpoint", endpoint)
    assert line.startswith("farmdash: --endpoint ") and says in line


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://tech:S3cretPass@cloud.example.org/",
        "https://tech:S3cretPass@cloud.example.org",
        "http://tech:S3cretPass@[::1",
    ],
)
def test_credentials_in_the_url_are_refused_and_never_shown(clean_env, capsys, monkeypatch, endpoint):
    [line] = start_errors(capsys, "--endpoint", endpoint)
    assert "S3cretPass" not in line and "tech" not in line
    monkeypatch.setenv("FARMDASH_ENDPOINT", endpoint)
    [line] = start_errors(capsys)
    assert line.startswith("farmdash: FARMDASH_ENDPOINT ") and "S3cretPass" not in line


def test_plain_http_to_another_machine_needs_an_explicit_opt_in(clean_env, capsys, monkeypatch):
    [line] = start_errors(capsys, "--endpoint", "http://cloud.example.org:8000")
    assert "plain http" in line and "--allow-insecure-http" in line
    # With the opt-in (flag or setting) the URL passes; the next check (a terminal) stops it here.
    assert start_errors(capsys, "--endpoint", "http://cloud.example.org:8000", "--allow-insecure-http") == [
        NEEDS_TERMINAL
    ]
    monkeypatch.setenv("FARMDASH_ALLOW_INSECURE_HTTP", "true")
    assert start_errors(capsys, "--endpoint", "http://cloud.example.org:8000") == [NEEDS_TERMINAL]


def test_endpoint_decision():
    """Which URLs may carry a password, decided without a packet to any of them."""
    from tui.endpoint import endpoint_problem, insecure_notice, is_loopback, shown_url

    for host in ["127.0.0.1", "127.8.9.10", "::1", "localhost", "LOCALHOST.", "::ffff:127.0.0.1"]:
        assert is_loopback(host), host
    for host in ["10.0.0.1", "192.168.1.5", "0.0.0.0", "cloud.example.org", "localhost.evil.org", "::2"]:
        assert not is_loopback(host), host
    ok = ["https://cloud.3dprinteros.com", "http://127.0.0.1:8800", "http://[::1]:8800/", "http://localhost:8800"]
    for url in ok:
        assert endpoint_problem(url, "--endpoint") is None, url
    refused = ["http://10.0.0.1:8800", "http://192.168.1.5", "http://cloud.3dprinteros.com", "http://[fe80::1]/"]
    for url in refused:
        assert "plain http" in endpoint_problem(url, "--endpoint"), url
        assert endpoint_problem(url, "--endpoint", allow_insecure_http=True) is None
        assert insecure_notice(url) is not None
    assert insecure_notice("https://cloud.3dprinteros.com") is None
    assert insecure_notice("http://127.0.0.1:8800") is None
    assert shown_url("http://a:b@c@host/x") == "http://***@host/x"


def test_session_store_is_private(tmp_path):
    from tui.session import SessionStore

    store = SessionStore(tmp_path / "state" / "session")
    store.save("abc123")
    assert store.load() == "abc123" and (store.path.stat().st_mode & 0o777) == 0o600
    store.save(None)
    assert store.load() is None


def test_sim_command_serves_the_api():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "sim", "--port", str(port), "--printers", "12", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        banner = [proc.stdout.readline() for _ in range(3)]
        assert f"http://127.0.0.1:{port}" in banner[1] and "admin@example.com / demo" in banner[2]
        deadline = time.monotonic() + 20
        while True:
            try:
                login = httpx.post(
                    f"http://127.0.0.1:{port}/apiglobal/login",
                    data={"username": "admin@example.com", "password": "demo"},
                )
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        session = login.json()["message"]["session"]
        printers = httpx.post(
            f"http://127.0.0.1:{port}/apiglobal/get_organization_printers_list", data={"session": session}
        ).json()
        assert len(printers["message"]) == 12
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_farm_file(tmp_path):
    from pathlib import Path

    from api.sim import load_farm_file

    farm = load_farm_file(Path(__file__).resolve().parents[2] / "api" / "sim" / "example-farm.toml")
    assert farm.org_name == "Materials Lab"
    assert sorted(p.name for p in farm.printers.values()) == ["Bay1-MK4", "Bay2-S5", "Bay3-Rep2"]
    states = {p.name: p.state for p in farm.printers.values()}
    assert states == {"Bay1-MK4": "ready", "Bay2-S5": "printing", "Bay3-Rep2": "bed_not_clear"}
    student = next(u for u in farm.users.values() if u.email == "student@example.com")
    assert [p.name for p in farm.visible_printers(student)] == ["Bay1-MK4"]
