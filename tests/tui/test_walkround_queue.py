"""Issue 11 on the job queue, the job detail, the confirmations, the login and the workgroup picker."""

from __future__ import annotations

from textual.widgets import DataTable

from api import JobStatus
from api.sim import DEMO_PASSWORD, DEMO_USERNAME
from tui.screens.confirm import ConfirmScreen
from tui.screens.job_detail import JobDetailScreen
from tui.screens.login import LoginScreen
from tui.screens.printer_grid import PrinterGridScreen
from tui.screens.workgroup_picker import WorkgroupPicker

from ..conftest import login
from .helpers import SIZE, act, build_app, first, header_text, open_queue, select, settle


def queued_ids(farm, printer_id):
    return sorted(j.id for j in farm.jobs.values() if j.printer_id == printer_id and j.status_id == JobStatus.QUEUED)


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def row_key(app) -> int:
    table = app.screen.query_one(DataTable)
    return int(table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value)


def ready_with_queue(farm):
    return next(
        p for p in sorted(farm.printers.values(), key=lambda p: p.name) if p.state == "ready" and queued_ids(farm, p.id)
    )


async def test_queue_keeps_the_farm_header_and_moves_with_j_and_k(app, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_queue(pilot, first(demo_farm, "printing"))
        assert "● live 09:30:00" in header_text(app) and "▶ 11 printing" in header_text(app)
        table = app.screen.query_one(DataTable)
        assert table.cursor_row == 0
        await pilot.press("j", "j")
        assert table.cursor_row == 2
        await pilot.press("k")
        assert table.cursor_row == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, JobDetailScreen) and "● live" in header_text(app)
        await pilot.press("q")  # q goes back here, twice to the grid; the app keeps running
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, PrinterGridScreen) and app.is_running


async def test_print_again_selects_the_new_job_and_x_on_an_ended_job_starts_the_oldest_queued(
    app, sim_server, demo_farm
):
    printer = ready_with_queue(demo_farm)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_queue(pilot, printer)
        ended = next(j for j in app.screen.jobs.values() if not j.status.is_active)
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=[r.key.value for r in table.ordered_rows].index(str(ended.id)))
        assert await act(pilot, sim_server, "a") == ["print_file"]
        new_job = max(queued_ids(demo_farm, printer.id))
        assert row_key(app) == new_job  # the selection moved to the job just queued
        oldest = queued_ids(demo_farm, printer.id)[0]
        table.move_cursor(row=[r.key.value for r in table.ordered_rows].index(str(ended.id)))
        assert await act(pilot, sim_server, "x") == ["job_start"]
        assert demo_farm.jobs[oldest].status_id == JobStatus.PRINTING  # not "that job has already ended"


async def test_queue_columns_at_80_cut_names_in_the_middle(app, demo_farm):
    printer = first(demo_farm, "printing")
    job = demo_farm.jobs[printer.current_job_id]
    demo_farm.files[job.file_id].name = "bracket_assembly_left_side_v17_final.gcode"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_queue(pilot, printer)
        table = app.screen.query_one(DataTable)
        widths = {key.value: column.width for key, column in table.columns.items()}
        assert widths["created"] >= len("Created") and widths["file"] >= 20
        shown = str(table.get_cell(str(job.id), "file"))
        # the extension gives way first (`.gcode` tells little), then the middle
        assert "…" in shown and shown.startswith("bracket") and shown.endswith("_v17_final")


async def test_job_detail_says_why_it_failed_and_when_a_running_job_ends(app, demo_farm):
    printer = first(demo_farm, "printing")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await open_queue(pilot, printer)
        await pilot.press("enter")
        await settle(pilot)
        shown = screen_text(app)
        assert "Remaining" in shown and "· ends " in shown and "Started" in shown
        await pilot.press("escape")
        failed = next((j for j in app.screen.jobs.values() if j.status is JobStatus.FAILED), None)
        if failed is None:
            return
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=[r.key.value for r in table.ordered_rows].index(str(failed.id)))
        await pilot.press("enter")
        await settle(pilot)
        shown = screen_text(app)
        assert "Reason" in shown and demo_farm.jobs[failed.id].cancel_reason in shown
        sim_job = demo_farm.jobs[failed.id]
        assert f"Started          {sim_job.started:%Y-%m-%d %H:%M}" in shown
        assert f"Ended            {sim_job.ended:%Y-%m-%d %H:%M}" in shown


async def test_clear_and_start_next_in_one_confirmation(app, sim_server, demo_farm):
    printer = first(demo_farm, "bed_not_clear")
    file_id = next(iter(demo_farm.files))
    demo_farm.files[file_id].name = "bracket_assembly_left_v17_final.gcode"
    other = await login(sim_server, DEMO_USERNAME, DEMO_PASSWORD)
    try:
        queued = await other.print_file(file_id, printer.id, only_queue=True)
    finally:
        await other.aclose()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and app.screen.third
        labels = [str(b.label) for b in app.screen.query("Button")]
        # the button names the job it starts, cut in the middle; the question says it whole(ish)
        assert labels == ["Clear only (y)", "Clear, start bracke…v17_final (s)", "Neither (n)"]
        assert f"Next in its queue: job {queued.job_id} bracket_assembly" in app.screen.question
        assert await act(pilot, sim_server, "s") == ["printer_clear_build_tray", "job_start"]
        assert demo_farm.printers[printer.id].state in ("downloading", "printing")


async def test_clearing_a_tray_with_nothing_queued_names_no_next_job(app, demo_farm):
    printer = first(demo_farm, "bed_not_clear")
    assert not queued_ids(demo_farm, printer.id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.store.queues[printer.id].queued == 0  # looked up: the queue is known to be empty
        await select(pilot, printer)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and not app.screen.third
        assert app.screen.question == f"Mark the build tray of {printer.name} clear? Only if the tray is empty."


async def test_cancel_words_for_a_printing_and_a_queued_job(app, demo_farm):
    printer = next(
        p for p in sorted(demo_farm.printers.values(), key=lambda p: p.name)
        if p.state == "printing" and queued_ids(demo_farm, p.id)
    )  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        await pilot.press("c")
        await pilot.pause()
        labels = [str(b.label) for b in app.screen.query("Button")]
        assert labels == ["Yes, cancel the job (y)", "No, keep printing (n)"]
        assert "cannot be resumed" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        await open_queue(pilot, printer)
        table = app.screen.query_one(DataTable)
        queued = queued_ids(demo_farm, printer.id)[0]
        table.move_cursor(row=[r.key.value for r in table.ordered_rows].index(str(queued)))
        await pilot.press("c")
        await pilot.pause()
        assert "leaves the queue" in app.screen.question and "resumed" not in app.screen.question
        assert [str(b.label) for b in app.screen.query("Button")][-1] == "No, keep it queued (n)"


async def test_refusals_say_in_error_and_one_printer(app, demo_farm):
    printer = first(demo_farm, "error")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        await pilot.press("p")
        await settle(pilot)
        assert any(f"{printer.name} is in error" in n.message for n in app._notifications)
        await pilot.press("slash", *printer.name, "enter")
        await settle(pilot)
        assert "1 of 24" in header_text(app) and "1 printers" not in header_text(app)


async def test_workgroup_picker_counts_and_escape_clears_the_workgroup(sim_server, lab):
    app = build_app(sim_server, lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WorkgroupPicker)
        lines = [str(option.prompt) for option in app.screen.query_one("OptionList").options]
        assert lines[0] == "All workgroups  3 printers"
        assert "Printers  2 printers" in lines and "Queue only  1 printer" in lines
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen.workgroup is not None and len(app.screen.active_list.items) < 3
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.workgroup is None and len(app.screen.active_list.items) == 3


async def test_escape_on_the_login_screen_asks_before_quitting(sim_server, demo_farm):
    app = build_app(sim_server, demo_farm, credentials=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "Quit farmdash" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and app.is_running


async def test_help_explains_the_glyphs_of_the_counts(app, demo_farm):
    from tui.screens.help import HelpScreen

    async with app.run_test(size=(100, 44)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        assert "Counts and marks" in shown and "■ bed not clear" in shown and "× offline" in shown
        assert "≥ began before farmdash watched" in shown and "◦3 queued" in shown
