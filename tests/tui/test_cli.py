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


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.startswith("farmdash 0.1.0")
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "--demo" in out and "FARMDASH_PASSWORD" in out
    assert len(out.splitlines()) < 40  # one screen


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


def test_bad_refresh_is_a_clear_message(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FARMDASH_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("FARMDASH_STATE_DIR", str(tmp_path))
    assert main(["--refresh", "0.1"]) == 2
    assert "at least 0.5" in capsys.readouterr().err


def test_session_store_is_private(tmp_path):
    from tui.app import SessionStore

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
