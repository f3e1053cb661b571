"""farmdash without a screen: `status`, `events` and `report` against the simulated cloud over
loopback HTTP, in-process through `main(argv)` (one subprocess test checks the real command and
that no Textual is loaded). Output on stdout, errors one line on stderr, exit codes as documented."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from api.sim import DEMO_PASSWORD, DEMO_USERNAME
from tui.cli import main
from tui.eventlog import EventLog
from tui.events import Event, EventKind
from tui.events_cli import follow
from tui.headless import open_cloud
from tui.status import FIELDS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(monkeypatch, tmp_path):
    """The dashboard's settings from the environment: a demo admin, a private state directory."""
    monkeypatch.setenv("FARMDASH_USERNAME", DEMO_USERNAME)
    monkeypatch.setenv("FARMDASH_PASSWORD", DEMO_PASSWORD)
    monkeypatch.setenv("FARMDASH_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("FARMDASH_CONFIG", str(tmp_path / "none.toml"))
    return tmp_path / "state"


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- status ---------------------------------------------------------------------------------------


def test_status_table_lists_every_printer_and_exits_2_for_error_or_offline(sim_server, demo_farm, env, capsys):
    code, out, err = run(capsys, "status", "--endpoint", sim_server.base_url)
    lines = out.splitlines()
    assert err == "" and code == 2
    assert lines[0].split() == ["Name", "Type", "State", "Nozzle", "Bed", "Progress", "Ends", "File"]
    assert len(lines) == 1 + len(demo_farm.printers)
    assert any("  ERROR  " in line for line in lines) and any("  OFFLINE  " in line for line in lines)
    # A printing printer's file name is looked up, as on the dashboard's table.
    printing = next(p for p in demo_farm.printers.values() if p.state == "printing")
    job = demo_farm.jobs[printing.job_id] if getattr(printing, "job_id", None) else None
    row = next(line for line in lines if line.startswith(printing.name + " "))
    assert "PRINTING" in row and (job is None or demo_farm.files[job.file_id].name in row)


def test_status_exit_codes_follow_the_printers_shown(sim_server, demo_farm, env, capsys):
    assert run(capsys, "status", "--endpoint", sim_server.base_url, "--filter", "ready")[0] == 0
    assert run(capsys, "status", "--endpoint", sim_server.base_url, "--filter", "paused")[0] == 1
    assert run(capsys, "status", "--endpoint", sim_server.base_url, "--filter", "bed")[0] == 1
    assert run(capsys, "status", "--endpoint", sim_server.base_url, "--filter", "offline")[0] == 2
    assert run(capsys, "status", "--endpoint", sim_server.base_url, "--filter", "error")[0] == 2


def test_status_json_one_object_per_printer_with_stable_keys(sim_server, demo_farm, env, capsys):
    code, out, err = run(capsys, "status", "--json", "--endpoint", sim_server.base_url)
    printers = [json.loads(line) for line in out.splitlines()]
    assert err == "" and code == 2 and len(printers) == len(demo_farm.printers)
    assert all(list(p) == FIELDS for p in printers)
    assert FIELDS == [
        "id", "name", "type", "state", "cloud_state", "needs_person", "nozzle_temp", "nozzle_target",
        "bed_temp", "bed_target", "progress", "ends", "file", "workgroups",
    ]  # fmt: skip
    by_state = {p["state"] for p in printers}
    assert {"printing", "paused", "bed_not_clear", "error", "offline", "ready"} <= by_state
    paused = next(p for p in printers if p["state"] == "paused")
    assert paused["needs_person"] is True and 0 < paused["progress"] < 100 and paused["workgroups"]
    ready = next(p for p in printers if p["state"] == "ready")
    assert ready["needs_person"] is False and ready["progress"] is None


def test_status_csv_and_workgroup(sim_server, lab, env, capsys):
    code, out, _ = run(capsys, "status", "--csv", "--workgroup", "printers", "--endpoint", sim_server.base_url)
    rows = out.splitlines()
    assert code == 0 and rows[0] == ",".join(FIELDS)
    assert sorted(row.split(",")[1] for row in rows[1:]) == ["Ready-1", "Ready-2"]
    assert ",false," in rows[1]
    code, out, err = run(capsys, "status", "--workgroup", "Nope", "--endpoint", sim_server.base_url)
    assert code == 3 and out == "" and err.count("\n") == 1 and "no workgroup 'Nope'" in err


def test_status_nothing_matched_is_unknown_and_said_on_stderr(sim_server, demo_farm, env, capsys):
    """A filter that matches no printer is Nagios "unknown" (3), said in one line on stderr; stdout
    keeps only what a script reads (a CSV header, no JSON line, no table)."""
    base = ["status", "--filter", "zzz", "--endpoint", sim_server.base_url]
    code, out, err = run(capsys, *base)
    assert (code, out) == (3, "")
    assert err == f"farmdash status: no printer matches --filter 'zzz' (of {len(demo_farm.printers)} printers)\n"
    code, out, err = run(capsys, *base, "--csv")
    assert (code, out.splitlines()) == (3, [",".join(FIELDS)]) and err.count("\n") == 1
    code, out, err = run(capsys, *base, "--json")
    assert (code, out) == (3, "") and err.count("\n") == 1
    code, out, err = run(capsys, *base, "--json", "--ok-if-none")  # "nothing there" as fine, when asked
    assert (code, out) == (0, "") and "no printer matches" in err


def test_status_reuses_the_saved_session(sim_server, demo_farm, env, capsys, monkeypatch):
    assert run(capsys, "status", "--endpoint", sim_server.base_url)[0] == 2
    monkeypatch.delenv("FARMDASH_PASSWORD")
    sim_server.calls.clear()
    code, _, err = run(capsys, "status", "--endpoint", sim_server.base_url)
    assert code == 2 and err == "" and "login" not in sim_server.calls


def test_unreachable_cloud_is_exit_3_with_one_line(env, capsys):
    code, out, err = run(capsys, "status", "--endpoint", f"http://127.0.0.1:{closed_port()}")
    assert code == 3 and out == "" and err.count("\n") == 1
    assert err.startswith("farmdash status: ") and "cannot connect" in err


def test_no_credentials_is_exit_3(sim_server, demo_farm, env, capsys, monkeypatch):
    monkeypatch.delenv("FARMDASH_PASSWORD")
    code, out, err = run(capsys, "status", "--endpoint", sim_server.base_url)
    assert code == 3 and out == "" and "FARMDASH_PASSWORD" in err and err.count("\n") == 1


def test_real_command_loads_no_textual(sim_server, demo_farm, env):
    code = (
        "import sys; from tui.cli import main; rc = main(sys.argv[1:]); "
        "assert 'textual' not in sys.modules, 'textual imported'; sys.exit(rc)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "status", "--json", "--filter", "ready", "--endpoint", sim_server.base_url],
        capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and all(json.loads(line)["state"] == "ready" for line in result.stdout.splitlines())


# --- report ---------------------------------------------------------------------------------------

RANGE = ["--from", "2026-01-31", "--to", "2026-03-02"]


def test_report_summary_csv_json_and_file(sim_server, demo_farm, env, capsys, tmp_path):
    code, out, err = run(capsys, "report", "--kind", "custom", *RANGE, "--endpoint", sim_server.base_url)
    assert code == 0 and err == ""
    assert out.startswith("Custom report 2026-01-31 to 2026-03-02: ")
    for title in ("Jobs per day", "Hours per printer", "Failure rate per printer type", "Material per workgroup"):
        assert f"\n{title}\n" in out
    code, out, _ = run(capsys, "report", "--csv", *RANGE, "--endpoint", sim_server.base_url)
    rows = out.splitlines()
    assert code == 0 and rows[0].startswith("Account Email,") and len(rows) > 10
    code, out, _ = run(capsys, "report", "--json", "--kind", "custom", *RANGE, "--endpoint", sim_server.base_url)
    body = json.loads(out)
    assert code == 0 and body["summary"]["jobs"] == len(body["rows"]) and body["range"]["start"] == "2026-01-31"
    target = tmp_path / "term.csv"
    code, out, err = run(capsys, "report", "--csv", *RANGE, "-o", str(target), "--endpoint", sim_server.base_url)
    assert code == 0 and out == "" and err == "" and target.read_text().splitlines() == rows


def test_report_with_no_jobs_says_so_on_stderr(sim_server, demo_farm, env, capsys):
    empty = ["--from", "2020-01-01", "--to", "2020-02-01", "--endpoint", sim_server.base_url]
    code, out, err = run(capsys, "report", "--csv", *empty)
    assert (code, out) == (0, "Account Email,First Name,Last Name,File Name,End Date/Time\n")
    assert err == "farmdash report: no jobs from 2020-01-01 to 2020-02-01\n"
    code, out, err = run(capsys, "report", "--json", *empty)
    assert code == 0 and json.loads(out)["rows"] == [] and err.count("\n") == 1


def test_report_bad_range_and_member_refusal(sim_server, lab, env, capsys, monkeypatch):
    code, out, err = run(
        capsys, "report", "--from", "2024-01-01", "--to", "2026-03-02", "--endpoint", sim_server.base_url
    )
    assert code == 2 and out == "" and "at most 365 days" in err and err.count("\n") == 1
    sim_server.calls.clear()
    monkeypatch.setenv("FARMDASH_USERNAME", "member@example.com")
    monkeypatch.setenv("FARMDASH_PASSWORD", "pw")
    code, out, err = run(capsys, "report", *RANGE, "--endpoint", sim_server.base_url)
    assert code == 3 and out == "" and err.count("\n") == 1
    assert "refused the report" in err and "need an organisation admin" in err


# --- events ---------------------------------------------------------------------------------------


def write_log(state: Path) -> None:
    state.mkdir(parents=True, exist_ok=True)
    log = EventLog.in_directory(state)
    log.record(
        [
            Event(time=datetime(2026, 3, 1, 8, 0, tzinfo=UTC), printer_id=1, printer_name="MK4-01", kind=EventKind.PAUSED),
            Event(
                time=datetime(2026, 3, 2, 9, 0, tzinfo=UTC), printer_id=2, printer_name="S5\n[bold]x", kind=EventKind.FAILED,
                detail="nozzle clog", filename="cube.gcode",
            ),
        ]
    )  # fmt: skip


def test_events_history_since_and_json(env, capsys):
    write_log(env)
    code, out, err = run(capsys, "events")
    assert code == 0 and err == ""
    assert out.splitlines() == [
        "2026-03-01 08:00:00  MK4-01  paused",
        "2026-03-02 09:00:00  S5 [bold]x  failed: nozzle clog  [cube.gcode]",
    ]
    code, out, _ = run(capsys, "events", "--json", "--since", "2026-03-02")
    events = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [e["kind"] for e in events] == ["failed"] and events[0]["filename"] == "cube.gcode"
    assert run(capsys, "events", "--demo")[1] == ""  # the demo farm's events are not this log's
    code, out, err = run(capsys, "events", "--since", "last week")
    assert code == 2 and out == "" and "--since 'last week'" in err


def test_events_say_on_stderr_when_there_is_nothing(env, capsys):
    code, out, err = run(capsys, "events")
    assert (code, out) == (0, "") and err == f"farmdash events: no events in {env / 'events.jsonl'} yet\n"
    write_log(env)
    code, out, err = run(capsys, "events", "--json", "--since", "2026-04-01")
    assert (code, out) == (0, "")
    assert err == f"farmdash events: no events since 2026-04-01 00:00 UTC (2 older in {env / 'events.jsonl'})\n"
    code, out, err = run(capsys, "events", "--demo")
    assert (code, out) == (0, "") and "demo farm keeps no event log" in err and err.count("\n") == 1


def test_events_follow_prints_what_happens(sim_server, demo_farm, env):
    """Polls while the farm runs on (half an hour between them, then four hours: the session expires
    and is renewed): the jobs that end in between are printed as they happen."""
    out = io.StringIO()
    args = argparse.Namespace(demo=False, endpoint=sim_server.base_url, test_cloud=False, allow_insecure_http=False)

    steps = iter([1800] * 4 + [4 * 3600])

    async def advance(seconds: float) -> None:
        demo_farm.step(next(steps, 1800))

    async def go() -> None:
        async with open_cloud(args) as cloud:
            await follow(cloud, "json", out, sleep=advance, polls=7)

    asyncio.run(go())
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    assert events, "hours on a farm of 24 printers and nothing happened"
    assert {"finished"} <= {e["kind"] for e in events}
    assert all(e["printer_id"] in demo_farm.printers for e in events)
    assert any(e["while_away"] is False and e["kind"] == "job_started" for e in events)
