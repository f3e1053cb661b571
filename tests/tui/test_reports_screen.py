"""The reports screen as a technician drives it at 80x24: focus that shows without colour, dates
typed where the focus is, whole-number job counts, no stale chart after a refused range, and an
export that says where it writes before it writes (frozen clock: today is 2026-03-02)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Select, Static

from tui import report_export
from tui.report_export import export_dir, export_target
from tui.reports import Report
from tui.screens.export_report import ExportReportScreen
from tui.screens.reports import ColumnsInput, ReportsScreen
from tui.widgets.report_chart import ReportChart, whole_ticks

from .helpers import build_app, settle

SMALL = (80, 24)


async def open_reports(pilot) -> ReportsScreen:
    await settle(pilot)
    await pilot.press("R")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReportsScreen)
    for box in screen.query(Input):
        box.cursor_blink = False  # the cursor stays drawn: what is compared is the focus style
    return screen


def reports_asked(sim_server) -> list[str]:
    return [call for call in sim_server.calls if "report" in call]


def summary_text(app) -> str:
    return str(app.screen.query_one("#report-summary", Static).render())


def without_colour(app, widget) -> list[tuple[str, bool, bool, bool]]:
    """The widget's cells as a monochrome terminal shows them: text, bold, underline, reverse."""
    strips = app.screen._compositor.render_strips()
    region = widget.region
    cells = []
    for y in range(region.y, region.bottom):
        for segment in strips[y].crop(region.x, region.right):
            style = segment.style
            flags = (bool(style and style.bold), bool(style and style.underline), bool(style and style.reverse))
            cells.extend((char, *flags) for char in segment.text)
    return cells


async def test_the_focused_control_shows_it_without_colour(sim_server, demo_farm):
    app = build_app(sim_server, demo_farm)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_reports(pilot)
        controls = ["#report-range", "#report-from", "#report-to", "#report-kind", "#report-workgroup"]
        controls += ["#report-fields", "#report-tabs Tabs", "#chart-day DataTable"]
        parking = screen.query_one("#report-rows", DataTable)  # on a hidden tab: focusing it changes nothing shown
        for selector in controls:
            widget = screen.query_one(selector)
            parking.focus()
            await pilot.pause()
            unfocused = without_colour(app, widget)
            widget.focus()
            await pilot.pause()
            assert app.focused is widget
            assert without_colour(app, widget) != unfocused, f"{selector}: focus shows by colour only"


async def test_typing_a_date_goes_to_the_date_not_to_the_screens_keys(sim_server, demo_farm):
    """On the range picker (focused at start) a date starts a typed range; in a box every key is
    the box's: `-` does not slow the refresh, `e` `r` `q` neither export, reload nor leave."""
    app = build_app(sim_server, demo_farm, refresh_seconds=3)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_reports(pilot)
        assert app.focused is screen.query_one("#report-range")
        sim_server.calls.clear()
        await pilot.press(*"2026-02-01")
        await pilot.pause()
        start = screen.query_one("#report-from", Input)
        assert (start.value, app.focused) == ("2026-02-01", start)
        assert screen.query_one("#report-range", Select).value == "custom"
        assert app.refresh_seconds == 3 and reports_asked(sim_server) == []
        await pilot.press("enter")
        await settle(pilot)
        assert screen.report is not None and str(screen.report.range.start) == "2026-02-01"
        fields = screen.query_one("#report-fields", Input)
        fields.focus()
        sim_server.calls.clear()
        await pilot.press(*"printer,q-er")
        await pilot.pause()
        assert fields.value == "printer,q-er" and app.screen is screen
        assert app.refresh_seconds == 3 and reports_asked(sim_server) == []


@pytest.mark.parametrize("size", [SMALL, (160, 48)])
async def test_the_columns_hint_is_never_cut_in_a_word(sim_server, demo_farm, size):
    app = build_app(sim_server, demo_farm)
    async with app.run_test(size=size) as pilot:
        screen = await open_reports(pilot)
        box = screen.query_one("#report-fields", Input)
        shown = box.render_line(0).text.rstrip()
        assert shown == box.placeholder and shown in ColumnsInput.HINTS  # a whole hint, not "printer,statu"
        assert len(shown) < box.size.width
        assert (shown == ColumnsInput.HINTS[0]) is (size != SMALL)  # the long one where it fits


async def test_jobs_per_day_has_whole_number_ticks(sim_server, demo_farm):
    app = build_app(sim_server, demo_farm)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_reports(pilot)
        screen.query_one("#report-kind", Select).value = "custom"
        await settle(pilot)
        plot = screen.query_one("#chart-day .chart-plot")
        strips = app.screen._compositor.render_strips()
        axis = [strips[y].crop(plot.region.x, plot.region.right).text for y in range(plot.region.y, plot.region.bottom)]
        ticks = [match.group(1) for line in axis if (match := re.match(r"\s*([\d.]+)┤", line))]
        assert len(ticks) >= 2 and all(tick.isdigit() for tick in ticks), axis


def test_whole_ticks_reach_the_top_in_few_round_steps():
    assert whole_ticks(0) == [0, 1]
    assert whole_ticks(3) == [0, 1, 2, 3]
    assert whole_ticks(13) == [0, 5, 10, 15]
    assert whole_ticks(1234) == [0, 500, 1000, 1500]
    for top in range(200):
        ticks = whole_ticks(top)
        assert ticks[-1] >= top and len(ticks) <= 5 and all(isinstance(t, int) for t in ticks)


async def test_a_refused_range_leaves_no_old_chart_behind(sim_server, demo_farm):
    app = build_app(sim_server, demo_farm)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_reports(pilot)
        days = screen.query_one("#chart-day DataTable", DataTable)
        assert days.row_count > 0
        sim_server.calls.clear()
        screen.query_one("#report-from", Input).value = "2024-01-01"
        screen.query_one("#report-from", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert sim_server.calls == [] and "at most 365 days" in summary_text(app)
        assert days.row_count == 0 and screen.report is None
        for chart in screen.query(ReportChart):
            assert chart.table.row_count == 0
        screen.query_one("#report-tabs").focus()
        await pilot.press("e")
        await pilot.pause()
        assert not isinstance(app.screen, ExportReportScreen)  # nothing to export: the notice says so
        screen.query_one("#report-range", Select).value = "7d"  # a quick pick loads again
        await settle(pilot)
        assert sim_server.calls == ["get_finished_jobs_report"] and days.row_count > 0


async def test_export_starts_in_the_files_folder_and_shows_the_whole_path(sim_server, demo_farm, tmp_path):
    app = build_app(sim_server, demo_farm, files_dir=str(tmp_path))
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_reports(pilot)
        screen.query_one("#report-tabs").focus()
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportReportScreen)
        name = "farmdash-finished-2026-01-31_2026-03-02.csv"
        box = dialog.query_one(Input)
        target = lambda: str(dialog.query_one("#export-target").render())  # noqa: E731
        assert box.value == str(tmp_path / name)
        assert target() == f"Writes CSV to {tmp_path / name}"
        box.value = "term.json"  # a bare name stays in the export folder
        await pilot.pause()
        assert target() == f"Writes JSON to {tmp_path / 'term.json'}"
        (tmp_path / "term.json").write_text("old")
        box.value = "term.json "
        await pilot.pause()
        assert target().endswith("(replaces the file there)")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert Report.model_validate_json((tmp_path / "term.json").read_text()).summary.jobs > 0


def test_the_export_folder_is_never_just_the_current_directory(tmp_path, monkeypatch):
    downloads, data = tmp_path / "Downloads", tmp_path / "data" / "farmdash"
    monkeypatch.setattr(report_export, "user_downloads_dir", lambda: str(downloads))
    monkeypatch.setattr(report_export, "user_data_dir", lambda *args, **kwargs: str(data))
    assert export_dir(None) == data  # no downloads folder: farmdash's own (made when written to)
    downloads.mkdir()
    assert export_dir(None) == downloads
    assert export_dir(str(tmp_path / "missing")) == downloads
    assert export_dir(str(tmp_path)) == tmp_path
    assert export_target("  ", tmp_path) is None
    assert export_target("sub/x.csv", tmp_path) == tmp_path / "sub" / "x.csv"
    assert export_target("/elsewhere/x.csv", tmp_path) == Path("/elsewhere/x.csv")
    assert export_target("~/x.csv", tmp_path) == Path.home() / "x.csv"


@pytest.fixture(autouse=True)
def no_real_downloads(tmp_path, monkeypatch):
    """No test writes into the real home folder's Downloads."""
    monkeypatch.setattr(report_export, "user_downloads_dir", lambda: str(tmp_path / "no-downloads"))
    monkeypatch.setattr(report_export, "user_data_dir", lambda *args, **kwargs: str(tmp_path / "data"))
