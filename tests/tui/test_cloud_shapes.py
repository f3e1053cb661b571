"""The dashboard on the cloud as public callers see it: nameless printers, an unreadable record,
a printer printing locally. Against the simulated cloud's realistic mode (the fixtures' default)."""

from __future__ import annotations

from datetime import UTC, datetime

from api import Printer
from tui.store import CurrentJob, FarmStore
from tui.widgets.printer_grid import PrinterGrid

from .helpers import SIZE, header_text, settle


async def test_a_nameless_printer_shows_its_id(app, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        nameless = [p for p in app.store.printers.values() if not p.name]
        assert nameless, "the realistic farm has printers the cloud sends without a name"
        grid = app.screen.query_one(PrinterGrid)
        view = next(v for v in grid.items if v.id == nameless[0].id)
        card = " ".join(line.plain for line in grid.render_item(view, 30, False))
        assert f"#{nameless[0].id}" in card


async def test_one_unreadable_record_loses_only_itself_and_is_counted(app, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        total = len(demo_farm.printers)
        for _ in range(12):  # the realistic cloud sends one unreadable record every tenth list
            app.poll_printers()
            await settle(pilot)
            if app.store.unreadable:
                break
        assert app.store.unreadable == 1
        assert len(app.store.printers) == total - 1  # the rest of the farm stays live
        assert "1 printer unreadable" in header_text(app) and "STALE" not in header_text(app)
        app.poll_printers()
        await settle(pilot)
        assert app.store.unreadable == 0 and len(app.store.printers) == total
        assert "unreadable" not in header_text(app)


def test_printing_with_no_cloud_job_reads_printing_locally():
    store = FarmStore()
    now = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    printer = Printer.model_validate({"id": 5, "name": "MK4-05", "type": "MK4", "state": "printing", "percent": 40})
    store.replace_printers([printer], now)
    assert store.view_of(5, now).word == "PRINTING"  # not looked up yet
    store.set_current_job(5, CurrentJob(None))
    assert store.view_of(5, now).word == "PRINTING LOCALLY"
    store.set_current_job(5, CurrentJob(None, refused=True))  # not known is not "locally"
    assert store.view_of(5, now).word == "PRINTING"


def test_the_clouds_time_zone_is_a_setting_checked_at_start(tmp_path, monkeypatch, capsys):
    from tui.cli import main
    from tui.config import Settings

    for key in ("FARMDASH_USERNAME", "FARMDASH_PASSWORD", "FARMDASH_ENDPOINT", "FARMDASH_REFRESH"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("FARMDASH_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("FARMDASH_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("FARMDASH_CLOUD_TIMEZONE", "Europe/Berlin")
    assert Settings().cloud_timezone == "Europe/Berlin"
    monkeypatch.setenv("FARMDASH_CLOUD_TIMEZONE", "Mars/Olympus")
    assert main(["--demo"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        "farmdash: FARMDASH_CLOUD_TIMEZONE: not a time zone name (e.g. UTC, Europe/Berlin) (got Mars/Olympus)"
    ]


def test_job_detail_shows_each_extruders_temperature_and_weight():
    from api import JobInfo
    from tui.screens.job_detail import job_table

    job = JobInfo.model_validate(
        {
            "id": 9,
            "printer_id": 5,
            "filename": "a.gcode",
            "status_id": 77,
            "extruders": '[{"w": 12.3, "t": 215}, {"w": 4}]',
        }
    )
    from rich.console import Console

    console = Console(width=100, record=True)
    console.print(job_table(job, "MK4-05", None))
    shown = console.export_text()
    assert "0 215°" in shown and "0 12.3 g, 1 4.0 g" in shown
