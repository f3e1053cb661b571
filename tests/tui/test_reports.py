"""The reports: date ranges, the sums over the cloud's rows, exports, and the reports screen
against the simulated cloud's report data (frozen clock: today is 2026-03-02)."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Select, Static

from api import PrinterOSClient
from tui.app import Credentials, make_app
from tui.report_ranges import DateRange, ReportError, last_days, last_month, parse_range, this_month
from tui.report_sums import Outcome, ReportKind, hours_of, outcome_of, summarise
from tui.reports import Report, fetch_report
from tui.screens.export_report import ExportReportScreen
from tui.screens.reports import ReportsScreen

from ..conftest import login
from .conftest import settle

TODAY = date(2026, 3, 2)
HEADER = ["Job ID", "Printer Name", "Printer Type", "Print Date/Time", "Started Date/Time", "Account Email"]
HEADER += ["Filament", "Status", "Real Print Time", "Workgroup Names", "Extra Column"]


def row(job, printer, ptype, day, status, real, grams, groups="Lab"):
    return [job, printer, ptype, f"{day} 10:00:00", f"{day} 10:01:00", "a@x.org", grams, status, real, groups, "x"]


# --- ranges -------------------------------------------------------------------------------------


def test_quick_ranges_from_a_fixed_today():
    assert last_days(TODAY, 30) == DateRange(start=date(2026, 1, 31), end=TODAY)
    assert this_month(TODAY) == DateRange(start=date(2026, 3, 1), end=TODAY)
    assert last_month(TODAY) == DateRange(start=date(2026, 2, 1), end=date(2026, 2, 28))
    assert last_month(date(2026, 1, 15)) == DateRange(start=date(2025, 12, 1), end=date(2025, 12, 31))


def test_range_over_365_days_is_explained_before_asking_the_cloud():
    with pytest.raises(ReportError, match="at most 365 days"):
        parse_range("2025-01-01", "2026-03-02")
    with pytest.raises(ReportError, match="before it starts"):
        parse_range("2026-03-02", "2026-03-01")
    with pytest.raises(ReportError, match="not a date like"):
        parse_range("last tuesday", "2026-03-01")
    assert parse_range("2025-03-02", "2026-03-02").days == 365


# --- reading rows -------------------------------------------------------------------------------


def test_status_words_of_the_doc_and_of_public_callers():
    assert outcome_of("Finished") is outcome_of("DONE") is Outcome.DONE
    assert outcome_of("Failed") is outcome_of("FAILED") is Outcome.FAILED
    assert outcome_of("Aborted") is outcome_of("CANCELLED_WEB") is Outcome.CANCELLED
    assert outcome_of(None) is Outcome.OTHER


def test_durations_as_clock_text_or_seconds():
    assert hours_of("01:30:00") == 1.5
    assert hours_of("25:00:00") == 25
    assert hours_of("5400.0") == 1.5
    assert hours_of(1800) == 0.5
    assert hours_of("n/a") == 0


def test_summary_per_day_printer_type_and_workgroup():
    span = DateRange(start=date(2026, 3, 1), end=TODAY)
    rows = [
        row(1, "MK4-01", "MK4", "2026-03-01", "DONE", "02:00:00", "10.5", "Lab,Research"),
        row(2, "MK4-01", "MK4", "2026-03-01", "FAILED", "00:30:00", "2"),
        row(3, "S5-01", "S5", "2026-03-02", "CANCELLED_WEB", "01:00:00", 3),
        row(4, "S5-01", "S5", "2026-03-02", "Finished", "04:00:00", 20),
    ]
    summary = summarise(ReportKind.CUSTOM, span, HEADER, rows)
    assert (summary.jobs, summary.done, summary.failed, summary.cancelled) == (4, 2, 1, 1)
    assert [(d.day.day, d.done, d.failed, d.cancelled) for d in summary.per_day] == [(1, 1, 1, 0), (2, 1, 0, 1)]
    assert [(p.printer, p.hours, p.jobs) for p in summary.per_printer] == [("S5-01", 5.0, 2), ("MK4-01", 2.5, 2)]
    assert [(t.printer_type, t.failed, t.jobs) for t in summary.per_type] == [("MK4", 1, 2), ("S5", 0, 2)]
    assert summary.material_by == "workgroup"
    # A job on a printer of two workgroups counts in both.
    assert [(m.name, m.grams) for m in summary.material] == [("Lab", 35.5), ("Research", 10.5)]
    one_group = summarise(ReportKind.CUSTOM, span, HEADER, rows, one_workgroup=True)
    assert one_group.material_by == "user" and one_group.material[0].name == "a@x.org"


def test_days_add_up_to_the_total_even_for_a_row_dated_outside_the_range():
    span = DateRange(start=date(2026, 3, 1), end=TODAY)
    rows = [
        row(1, "MK4-01", "MK4", "2026-02-28", "DONE", "02:00:00", "10.5"),  # the cloud's day edge
        row(2, "MK4-01", "MK4", "2026-03-01", "DONE", "00:30:00", "2"),
    ]
    summary = summarise(ReportKind.CUSTOM, span, HEADER, rows)
    assert sum(d.done + d.failed + d.cancelled for d in summary.per_day) == summary.jobs == 2
    assert summary.per_day[0].day == date(2026, 2, 28)


def report(rows, columns=HEADER):
    span = DateRange(start=date(2026, 3, 1), end=TODAY)
    return Report(
        kind=ReportKind.CUSTOM,
        range=span,
        columns=columns,
        rows=rows,
        summary=summarise(ReportKind.CUSTOM, span, columns, rows),
    )


def test_export_csv_keeps_unknown_columns_and_defuses_formulas(tmp_path):
    rep = report([row(1, "=HYPERLINK(1)", "MK4", "2026-03-01", "DONE", "01:00:00", 1.5)])
    path = tmp_path / rep.default_filename()
    assert path.name == "farmdash-custom-2026-03-01_2026-03-02.csv"
    assert rep.export(path) == "CSV"
    lines = path.read_text().splitlines()
    assert lines[0].endswith("Extra Column")
    assert "'=HYPERLINK(1)" in lines[1] and lines[1].endswith(",x")


def test_export_json_round_trips_through_the_model(tmp_path):
    rep = report([row(1, "MK4-01", "MK4", "2026-03-01", "DONE", "01:00:00", 1.5)])
    path = tmp_path / "r.json"
    assert rep.export(path) == "JSON"
    back = Report.model_validate_json(path.read_text())
    assert back.rows == rep.rows and back.summary.done == 1 and back.range == rep.range


def test_columns_chosen_by_title_or_field_name():
    rep = report([row(1, "MK4-01", "MK4", "2026-03-01", "DONE", "01:00:00", 1.5)])
    chosen = rep.with_columns("printer_name, status")
    assert chosen.columns == ["Printer Name", "Status"] and chosen.rows == [["MK4-01", "DONE"]]
    with pytest.raises(ReportError, match="No column like nonsense"):
        rep.with_columns("nonsense")


# --- against the simulated cloud ----------------------------------------------------------------


async def test_reports_from_the_simulated_cloud(admin, lab):
    span = last_days(lab.now().date(), 30)
    finished = await fetch_report(admin, ReportKind.FINISHED, span)
    custom = await fetch_report(admin, ReportKind.CUSTOM, span)
    assert finished.columns[0] == "Account Email" and custom.missing == []
    assert custom.summary.done == finished.summary.jobs == len(finished.rows)


async def test_demo_farm_custom_report_sums_its_rows(sim_server, demo_farm):
    async with PrinterOSClient(sim_server.base_url) as client:
        await client.login("admin@example.com", "demo")
        groups = await client.get_workgroups_simple_list()
        span = last_days(TODAY, 30)
        everything = await fetch_report(client, ReportKind.CUSTOM, span)
        one = await fetch_report(client, ReportKind.CUSTOM, span, workgroup=(groups[0].id, groups[0].name))
    assert everything.summary.jobs == len(everything.rows) > 50
    assert everything.summary.failed > 0 and everything.summary.cancelled > 0
    assert 0 < one.summary.jobs < everything.summary.jobs and one.workgroup == groups[0].name


async def test_member_gets_the_refusal_in_plain_words(sim_server, lab):
    member = await login(sim_server, "member@example.com")
    try:
        with pytest.raises(ReportError) as caught:
            await fetch_report(member, ReportKind.CUSTOM, last_days(TODAY, 30))
    finally:
        await member.aclose()
    assert caught.value.refused
    assert "admin rights required" in caught.value.message and "need an organisation admin" in caught.value.message


# --- the screen ---------------------------------------------------------------------------------


def summary_text(app) -> str:
    return str(app.screen.query_one("#report-summary", Static).render())


async def open_reports(pilot, sim_server):
    await settle(pilot)
    sim_server.calls.clear()
    await pilot.press("R")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReportsScreen)


async def test_R_opens_the_last_30_days_of_finished_jobs(app, sim_server):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_reports(pilot, sim_server)
        assert sim_server.calls == ["get_finished_jobs_report"]
        screen = app.screen
        assert screen.report.range == DateRange(start=date(2026, 1, 31), end=TODAY)
        assert "Finished jobs 2026-01-31 – 2026-03-02:" in summary_text(app)
        # The chart's numbers are in the table beside it: one row per day with jobs.
        table = screen.query_one("#chart-day DataTable", DataTable)
        assert table.row_count == sum(1 for d in screen.report.summary.per_day if d.total) > 0
        assert len(table.columns) == 2  # the finished-jobs report has finished jobs only: no failed, cancelled


async def test_custom_report_quick_pick_and_workgroup(app, sim_server, demo_farm):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_reports(pilot, sim_server)
        screen = app.screen
        screen.query_one("#report-kind", Select).value = "custom"
        await settle(pilot)
        assert sim_server.calls[-1] == "get_custom_report"
        assert " failed · " in summary_text(app) and screen.report.kind is ReportKind.CUSTOM
        screen.query_one("#report-range", Select).value = "7d"
        await settle(pilot)
        assert screen.report.range == DateRange(start=date(2026, 2, 23), end=TODAY)
        assert screen.query_one("#report-from", Input).value == "2026-02-23"
        group_id, group_name = next(iter(app.workgroups.items()))
        screen.query_one("#report-workgroup", Select).value = group_id
        await settle(pilot)
        assert screen.report.workgroup == group_name and f"· {group_name}:" in summary_text(app)
        printers = screen.query_one("#chart-printers DataTable", DataTable)
        assert printers.row_count == len(screen.report.summary.per_printer)


async def test_too_long_range_is_explained_and_nothing_is_sent(app, sim_server):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_reports(pilot, sim_server)
        sim_server.calls.clear()
        screen = app.screen
        screen.query_one("#report-from", Input).value = "2024-01-01"
        screen.query_one("#report-from", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert sim_server.calls == []
        assert "at most 365 days" in summary_text(app)
        assert screen.query_one("#report-range", Select).value == "custom"


async def test_e_exports_to_the_path_given(app, sim_server, tmp_path):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_reports(pilot, sim_server)
        app.screen.query_one("#report-tabs").focus()
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportReportScreen)
        box = dialog.query_one(Input)
        assert box.value.endswith("farmdash-finished-2026-01-31_2026-03-02.csv")
        box.value = str(tmp_path / "term.json")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        written = Report.model_validate_json((tmp_path / "term.json").read_text())
        assert written.kind is ReportKind.FINISHED and len(written.rows) == written.summary.jobs


async def test_member_sees_which_reports_need_an_admin(sim_server, lab):
    client = PrinterOSClient(sim_server.base_url)
    app = make_app(
        client, refresh_seconds=3600, credentials=Credentials("member@example.com", "pw"), clock=lab.clock.now
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await open_reports(pilot, sim_server)
        text = summary_text(app)
        assert "The cloud refused the report: " in text and "need an organisation admin" in text
        assert app.screen.report is None
        assert app.client.has_session  # a refusal is not a lost session


async def test_report_keys_stay_live_while_loading(app, sim_server, monkeypatch):
    # The report call is held until the test lets it go (then it goes over HTTP as usual).
    gate = asyncio.Event()
    real = app.client.get_finished_jobs_report

    async def held(**kwargs):
        await gate.wait()
        return await real(**kwargs)

    monkeypatch.setattr(app.client, "get_finished_jobs_report", held)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await pilot.pause()
        assert app.screen.query_one("#report-tabs").loading, summary_text(app)
        assert "Loading finished jobs" in summary_text(app)
        await pilot.press("escape")  # not blocked by the load
        await pilot.pause()
        assert not isinstance(app.screen, ReportsScreen)
        gate.set()
        await settle(pilot)


def test_default_export_name_names_the_workgroup(tmp_path):
    rep = report([]).model_copy(update={"workgroup": "Student Lab/3"})
    assert rep.default_filename("json") == "farmdash-custom-Student-Lab-3-2026-03-01_2026-03-02.json"
    assert Path(tmp_path / rep.default_filename()).suffix == ".csv"
