"""`farmdash print`: in-process `main(argv)` against the simulated cloud; stdout, stderr, exit codes, the wire."""

from __future__ import annotations

import pytest

from api import JobStatus
from api.sim import DEMO_PASSWORD, DEMO_USERNAME
from tui.cli import main

from ..conftest import printer_id

GCODE = b";FLAVOR:Marlin\n;layer_height = 0.2\nG28\nG1 X10 Y10\n" * 2000


@pytest.fixture
def cloud(sim_server, lab, tmp_path, monkeypatch):
    """The lab on the sim; settings, state and credentials from a clean environment."""
    for key in list(__import__("os").environ):
        if key.startswith("FARMDASH_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("FARMDASH_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("FARMDASH_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("FARMDASH_USERNAME", DEMO_USERNAME)
    monkeypatch.setenv("FARMDASH_PASSWORD", DEMO_PASSWORD)
    sim_server.calls.clear()
    return sim_server


@pytest.fixture
def part(tmp_path):
    path = tmp_path / "bracket.gcode"
    path.write_bytes(GCODE)
    return path


def run(cloud, *argv):
    return main(["print", *map(str, argv), "--endpoint", cloud.base_url])


def test_queues_the_file_on_each_printer_by_name_or_id(cloud, lab, part, capsys):
    ready2 = printer_id(lab, "Ready-2")
    code = run(cloud, part, "--printer", "Ready-1", "--printer", ready2, "--queue", "--project", "Brackets")
    out, err = capsys.readouterr()
    assert code == 0, (out, err)
    lines = out.splitlines()
    assert [line.split("\t")[:3] for line in lines] == [
        ["Ready-1", str(printer_id(lab, "Ready-1")), "queued"],
        ["Ready-2", str(ready2), "queued"],
    ]
    job_ids = [int(line.split("\tjob ")[1]) for line in lines]
    assert all(lab.jobs[j].status_id == JobStatus.QUEUED for j in job_ids)
    assert lab.files[lab.jobs[job_ids[0]].file_id].size == len(GCODE)
    assert any(p.name == "Brackets" for p in lab.projects.values())
    assert cloud.calls.count("upload") == 1 and cloud.calls.count("print_file") == 2
    assert "uploading bracket.gcode (" in err and "uploaded bracket.gcode as file" in err
    assert DEMO_PASSWORD not in out + err


def test_print_now_refused_where_the_member_may_only_queue(cloud, lab, part, capsys, monkeypatch):
    monkeypatch.setenv("FARMDASH_USERNAME", "queuer@example.com")
    monkeypatch.setenv("FARMDASH_PASSWORD", "pw")
    code = run(cloud, part, "--printer", "Ready-1")
    out, _ = capsys.readouterr()
    assert code == 1
    name, _, result, words = out.strip().split("\t")
    assert (name, result) == ("Ready-1", "refused") and words  # the cloud's words, whatever they are
    assert not lab.jobs or all(j.printer_id != printer_id(lab, "Ready-1") for j in lab.jobs.values())


def test_unknown_printer_sends_nothing(cloud, part, capsys):
    code = run(cloud, part, "--printer", "Ready-1", "--printer", "Nope-9")
    _, err = capsys.readouterr()
    assert code == 2 and "no printer 'Nope-9'" in err and "nothing was sent" in err
    assert "upload" not in cloud.calls and "print_file" not in cloud.calls


def test_refused_file_type_in_the_clouds_words(cloud, tmp_path, capsys):
    odd = tmp_path / "model.blend"
    odd.write_bytes(b"BLENDER" * 100)
    code = run(cloud, odd, "--printer", "Ready-1")
    _, err = capsys.readouterr()
    assert code == 1 and "upload of model.blend failed: File type .blend is not supported" in err
    assert "print_file" not in cloud.calls


def test_missing_file_and_missing_credentials(cloud, tmp_path, part, capsys, monkeypatch):
    assert run(cloud, tmp_path / "gone.gcode", "--printer", "Ready-1") == 2
    assert "gone.gcode: no such file" in capsys.readouterr().err
    monkeypatch.delenv("FARMDASH_PASSWORD")
    assert run(cloud, part, "--printer", "Ready-1") == 2
    assert "no credentials" in capsys.readouterr().err
    assert cloud.calls == []


def test_read_only_sends_nothing(cloud, part, capsys, monkeypatch):
    assert run(cloud, part, "--printer", "Ready-1", "--read-only") == 2
    assert "read-only: nothing is sent" in capsys.readouterr().err
    monkeypatch.setenv("FARMDASH_READ_ONLY", "true")
    assert run(cloud, part, "--printer", "Ready-1") == 2
    assert cloud.calls == []  # not even a login


def test_progress_bar_on_a_terminal(cloud, part, capsys, monkeypatch):
    import sys

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert run(cloud, part, "--printer", "Ready-1", "--queue") == 0
    err = capsys.readouterr().err
    assert "\r[##############################] 100%" in err


def test_a_name_shared_by_two_printers_sends_nothing(cloud, lab, part, capsys):
    with lab.lock:
        lab.printers[printer_id(lab, "Ready-2")].name = "Ready-1"
    assert run(cloud, part, "--printer", "ready-1") == 2
    assert "'ready-1' names 2 printers: give its id" in capsys.readouterr().err
    assert "upload" not in cloud.calls


def test_demo_prints_on_the_demo_farm_never_the_configured_cloud(cloud, part, capsys, monkeypatch, tmp_path):
    """`--demo` starts the simulated farm as `status` does; the configured endpoint sees no call."""
    config = tmp_path / "farmdash.toml"
    config.write_text(f'endpoint = "{cloud.base_url}"\nallow_insecure_http = true\n')
    monkeypatch.setenv("FARMDASH_CONFIG", str(config))
    code = main(["--demo", "--printers", "6", "print", str(part), "--printer", "MK4-01", "--queue"])
    out, err = capsys.readouterr()
    assert cloud.calls == []
    assert code in (0, 1), (out, err)
    assert out.startswith("MK4-01\t") and out.count("\n") == 1
