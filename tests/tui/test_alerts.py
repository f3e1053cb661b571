"""Alerts: which events alert, the terminal bytes, and Apprise delivery to a real local listener."""

import logging
import os
import time
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from tests.tui.listener import Listener
from tui.alerts import (
    DEFAULT_KINDS,
    Alerter,
    AlertSettings,
    Outbound,
    is_alert,
    should_ring,
    terminal_alert,
    tmux_passthrough,
)
from tui.cli import build_parser
from tui.config import Settings, settings_problems
from tui.events import Event, EventKind

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def event(kind=EventKind.FAILED, **fields) -> Event:
    fields.setdefault("printer_name", "MK4-07")
    return Event(time=T0, printer_id=7, kind=kind, **fields)


def test_default_alert_kinds_and_the_users_own_actions():
    assert set(DEFAULT_KINDS) == {
        EventKind.FAILED,
        EventKind.FINISHED,
        EventKind.PAUSED,
        EventKind.OFFLINE,
        EventKind.STALLED,
        EventKind.TEMPERATURE,
    }
    settings = AlertSettings()
    assert is_alert(event(EventKind.PAUSED), settings)
    assert not is_alert(event(EventKind.PAUSED, who="tech@lab.org"), settings)  # paused from here
    assert not is_alert(event(EventKind.RESUMED), settings)
    assert not is_alert(event(EventKind.JOB_STARTED), settings)
    assert should_ring(event(), settings)
    assert not should_ring(event(count=2), settings)  # a flap already told
    assert not should_ring(event(), AlertSettings(enabled=False))
    assert is_alert(event(EventKind.JOB_STARTED), AlertSettings(kinds=[EventKind.JOB_STARTED]))


def test_terminal_bytes_bell_osc9_osc777():
    out = terminal_alert("MK4-07", "failed: Thermal runaway", bell=True, desktop=True, tmux=False)
    assert out == (
        "\x1b]9;farmdash: MK4-07: failed: Thermal runaway\x07"
        "\x1b]777;notify;farmdash: MK4-07;failed: Thermal runaway\x07"
        "\a"
    )
    assert terminal_alert("a", "b", bell=True, desktop=False, tmux=False) == "\a"
    assert terminal_alert("a", "b", bell=False, desktop=False, tmux=False) == ""


def test_cloud_text_cannot_break_out_of_the_osc():
    out = terminal_alert("evil\x07\x1b]0;title\x1b\\", "a;b\nc\u202e", bell=False, desktop=True, tmux=False)
    osc9, osc777, rest = out.split("\x07")
    assert rest == ""
    assert "\x1b" not in osc9[2:] and "\x1b" not in osc777[2:]
    assert osc777.count(";") == 3  # 777;notify;title;body: the body's own ";" cannot add a field


def test_tmux_passthrough_wraps_and_doubles_escapes():
    assert tmux_passthrough("\x1b]9;hi\x07") == "\x1bPtmux;\x1b\x1b]9;hi\x07\x1b\\"
    out = terminal_alert("a", "b", bell=True, desktop=True, tmux=True)
    assert out.startswith("\x1bPtmux;\x1b\x1b]9;farmdash: a: b\x07\x1b\\\x1bPtmux;\x1b\x1b]777;")
    assert out.endswith("\x1b\\\a")


def test_the_alerter_rings_once_per_batch_and_caps_desktop_notices():
    written = []
    alerter = Alerter(AlertSettings(), write=written.append)
    alerter([event(EventKind.JOB_STARTED)])
    assert written == []
    alerter([event(printer_name=f"P-{n}") for n in range(5)])
    (out,) = written
    # three notices, one "2 more", each as OSC 9 and OSC 777 (each ends in BEL), then one bell
    assert out.count("\x1b]9;") == 4 and out.count("\x1b]777;") == 4 and "2 more alerts" in out
    assert out.count("\a") == 8 + 1 and out.endswith("\x07\a")


def test_config_reads_the_alerts_table(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text(
        '[alerts]\nkinds = ["failed", "offline"]\nbell = false\nurls = ["json://127.0.0.1:9/x"]\nstall_minutes = 5\n'
    )
    monkeypatch.setenv("FARMDASH_CONFIG", str(config))
    settings = Settings()
    assert settings.alerts.kinds == [EventKind.FAILED, EventKind.OFFLINE]
    assert settings.alerts.bell is False and settings.alerts.desktop is True
    assert settings.alerts.detector_settings().stall_seconds == 300
    config.write_text('[alerts]\nkinds = ["exploded"]\n')
    with pytest.raises(ValidationError) as error:
        Settings()
    (line,) = settings_problems(error.value)  # one line, naming the setting and the file
    assert line.startswith(f"alerts.kinds.0 in {config}: Input should be 'job_started'") and "(got exploded)" in line


def test_no_alerts_flag():
    assert build_parser().parse_args(["--no-alerts"]).no_alerts is True
    assert build_parser().parse_args([]).no_alerts is False


def test_apprise_delivers_to_a_local_listener():
    with Listener() as listener:
        problems = []
        outbound = Outbound([listener.url], timeout=5, on_problem=problems.append)
        outbound.send("farmdash: MK4-07", "failed: Thermal runaway")
        assert outbound.drain(10)
        (got,) = listener.received
        assert got["path"] == "/hook"
        assert got["body"]["title"] == "farmdash: MK4-07" and got["body"]["message"] == "failed: Thermal runaway"
        assert problems == [] and outbound.sent == 1
        outbound.close(wait=2)


def test_a_failing_service_is_reported_once_and_again_when_it_works():
    with Listener(status=500) as listener:
        problems = []
        outbound = Outbound([listener.url], timeout=5, on_problem=problems.append)
        for n in range(3):
            outbound.send("t", f"alert {n}")
        assert outbound.drain(10)
        assert len(listener.received) == 3  # each alert tried
        (problem,) = problems  # told once
        assert not problem.working and "127.0.0.1" in problem.service
        listener.status = 200
        outbound.send("t", "alert 4")
        assert outbound.drain(10)
        assert problems[-1].working and len(problems) == 2
        outbound.close(wait=2)


def test_a_slow_service_never_holds_up_the_caller():
    with Listener(delay=1.5) as listener:
        problems = []
        outbound = Outbound([listener.url], timeout=0.3, on_problem=problems.append)
        started = time.perf_counter()
        for n in range(2):
            outbound.send("t", f"alert {n}")
        queued = time.perf_counter() - started
        assert queued < 0.5  # send() only queues
        assert outbound.drain(15)
        assert problems and not problems[0].working  # the timeout is a failure, told once
        assert len(problems) == 1
        outbound.close()


def test_a_bad_url_is_reported_and_the_rest_still_sent():
    with Listener() as listener:
        problems = []
        outbound = Outbound(["nonsense-scheme://x", listener.url], timeout=5, on_problem=problems.append)
        outbound.send("t", "b")
        assert outbound.drain(10)
        assert [p.service for p in problems] == ["alerts.urls[0]"]
        assert len(listener.received) == 1
        outbound.close()


def test_a_full_queue_drops_and_counts():
    outbound = Outbound(["json://127.0.0.1:9/x"], max_waiting=1)
    outbound._thread = object()  # never started: nothing takes from the queue
    outbound.send("t", "1")
    outbound.send("t", "2")
    assert outbound.dropped == 1


def test_launch_passes_no_alerts_and_the_event_log_through(tmp_path, monkeypatch):
    from tui.eventlog import LOG_NAME
    from tui.launch import check_start, cloud_app, prepare_state

    for key in [k for k in os.environ if k.upper().startswith("FARMDASH_")]:
        monkeypatch.delenv(key)
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))  # prepare_state points logs at a file
    monkeypatch.setattr(root, "level", root.level)
    monkeypatch.setenv("FARMDASH_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("FARMDASH_STATE_DIR", str(tmp_path / "state"))
    start = check_start(build_parser().parse_args(["--no-alerts"]))
    assert start.settings.alerts.enabled is False
    assert prepare_state(start)
    (tmp_path / "state" / LOG_NAME).write_text("not a record\n")
    app = cloud_app("http://127.0.0.1:9", start)
    assert app.alert_settings.enabled is False
    assert app.events.log.path == tmp_path / "state" / LOG_NAME
    assert start.notices == [f"Event log: 1 unreadable line(s) in {tmp_path / 'state' / LOG_NAME} skipped."]
    assert check_start(build_parser().parse_args([])).settings.alerts.enabled is True
