"""`farmdash sim` refuses flags out of range in one line, and warns when it listens beyond loopback
(issue 9). The server start is replaced here: what is tested is the decision, not packets."""

from __future__ import annotations

import socket

import pytest

import api.sim
from tui.cli import main


@pytest.fixture
def served(monkeypatch):
    """Record the server that would start instead of starting it."""
    started: list[dict] = []
    monkeypatch.setattr(api.sim, "serve_forever", lambda farm, **kwargs: started.append({"farm": farm, **kwargs}))
    return started


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--port", "99999"], "--port must be between 1 and 65535, not 99999"),
        (["--port", "0"], "--port must be between 1 and 65535, not 0"),
        (["--port", "-1"], "--port must be between 1 and 65535, not -1"),
        (["--speed", "nan"], "--speed must be a finite number"),
        (["--speed", "inf"], "--speed must be a finite number"),
        (["--error-rate", "2"], "--error-rate must be between 0 and 1"),
        (["--printers", "0"], "--printers must be between 1 and 5000"),
    ],
)
def test_flags_out_of_range_are_one_line_and_exit_2(served, capsys, flags, words):
    assert main(["sim", *flags]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("farmdash sim: ") and words in captured.err
    assert len(captured.err.splitlines()) == 1 and "Traceback" not in captured.err
    assert served == []


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "lab-server.example"])
def test_listening_beyond_loopback_warns(served, capsys, host):
    assert main(["sim", "--host", host, "--port", "8800", "--printers", "2"]) == 0
    err = capsys.readouterr().err
    assert "/sim/* has no authentication" in err and "demo login is public" in err
    assert served[0]["host"] == host and served[0]["port"] == 8800


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "127.0.0.2"])
def test_loopback_does_not_warn(served, capsys, host):
    assert main(["sim", "--host", host, "--printers", "2"]) == 0
    assert capsys.readouterr().err == ""


def test_realistic_and_session_refusal_flags(served, capsys):
    assert main(["sim", "--printers", "2", "--realistic", "--refuse-sessions", "too_many_sessions"]) == 0
    assert served[0]["farm"].settings.realistic is True
    assert served[0]["faults"].refuse_sessions == "too_many_sessions"
    assert main(["sim", "--printers", "2"]) == 0
    assert served[1]["farm"].settings.realistic is False and served[1]["faults"].refuse_sessions == ""


def test_a_port_in_use_is_one_line_and_exit_2(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["sim", "--port", str(port), "--printers", "2"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"farmdash sim: cannot listen on 127.0.0.1:{port}: Address already in use\n"
    assert "Simulated 3DPrinterOS cloud" not in captured.out  # no banner for a server that never started


def test_the_banner_names_the_demo_login_only_when_the_farm_accepts_it(served, capsys, tmp_path):
    farm_file = tmp_path / "farm.toml"
    farm_file.write_text('[[users]]\nemail = "tech@lab.org"\npassword = "other"\nadmin = true\n')
    assert main(["sim", "--farm", str(farm_file)]) == 0
    served[0]["ready"]()
    out = capsys.readouterr().out
    assert "demo login" not in out and f"logins:     the users of {farm_file}" in out
    assert main(["sim", "--printers", "2"]) == 0
    served[1]["ready"]()
    assert "demo login: admin@example.com / demo" in capsys.readouterr().out


def test_a_farm_file_state_the_sim_does_not_know_is_one_line_and_exit_2(served, capsys, tmp_path):
    """state = "offline" made a ready printer without a word (the sim's word is notconnected)."""
    farm_file = tmp_path / "farm.toml"
    farm_file.write_text('[[printers]]\nname = "Bay7"\nstate = "offline"\n')
    assert main(["sim", "--farm", str(farm_file)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("farmdash sim: cannot build the farm: printer 'Bay7': state 'offline' is not one of ready")
    assert "notconnected" in err and len(err.splitlines()) == 1 and served == []
