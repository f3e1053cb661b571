"""The job queue and job detail screens: kept live, and acting on the chosen job."""

from __future__ import annotations

from api import JobStatus
from tui.screens.job_detail import JobDetailScreen
from tui.screens.job_queue import JobQueueScreen
from tui.screens.printer_grid import PrinterGridScreen

from .helpers import SIZE, act, first, hold_call, open_queue, select, settle


async def test_queue_and_detail_screens(app, sim_server, demo_farm):
    printer = first(demo_farm, "printing")
    job_id = demo_farm.printers[printer.id].current_job_id
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        await pilot.press("enter")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, JobQueueScreen) and queue.printer_id == printer.id
        assert queue.selected_job.id == job_id  # printing first
        assert set(queue.jobs) == set(demo_farm.jobs_by_printer[printer.id])
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, JobDetailScreen) and app.screen.job.id == job_id
        assert app.screen.slicer is not None and "get_slicer_settings_for_gcode" in sim_server.calls
        await pilot.press("e")
        await pilot.pause()
        assert not app.screen.query_one("Collapsible").collapsed
        assert await act(pilot, sim_server, "p") == ["job_pause"]
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PrinterGridScreen)


async def test_queue_is_kept_live_with_prev_time_deltas(app, sim_server, demo_farm):
    printer = first(demo_farm, "ready")
    admin = next(u for u in demo_farm.users.values() if u.is_admin)
    file = next(iter(demo_farm.files.values()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        await pilot.press("enter")
        await settle(pilot)
        queue = app.screen
        first_token = queue.token
        with demo_farm.lock:
            job = demo_farm.print_file(admin, file.id, printer.id, only_queue=True)
        queue.poll_jobs()
        await settle(pilot)
        assert job.id in queue.jobs and queue.token != first_token
        assert queue.selected_job.id != job.id  # the cursor stays on the job it was on
        await pilot.press("up")
        assert queue.selected_job.id == job.id  # queued jobs come before ended ones
        assert await act(pilot, sim_server, "x") == ["job_start"]
        assert queue.jobs[job.id].status is JobStatus.PRINTING


async def test_print_again_queues_the_file_then_x_starts_it(app, sim_server, demo_farm):
    printer = first(demo_farm, "ready")
    ended = max(j for j in demo_farm.jobs_by_printer[printer.id] if demo_farm.jobs[j].status_id == JobStatus.FINISHED)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        await pilot.press("enter")
        await settle(pilot)
        queue = app.screen
        while queue.selected_job.id != ended:
            await pilot.press("down")
        assert await act(pilot, sim_server, "a") == ["print_file"]
        new = max(demo_farm.jobs_by_printer[printer.id])
        assert demo_farm.jobs[new].file_id == demo_farm.jobs[ended].file_id
        assert demo_farm.jobs[new].status_id == JobStatus.QUEUED and new in queue.jobs  # the list refreshed itself
        await pilot.press("up", "up", "up", "up", "up", "up")
        assert queue.selected_job.id == new
        assert await act(pilot, sim_server, "x") == ["job_start"]
        assert demo_farm.jobs[new].status_id == JobStatus.PRINTING


async def test_the_queue_fits_its_columns_to_a_resized_terminal(app, sim_server, demo_farm):
    """Opened at 200 columns and narrowed to 80, the queue kept 200's columns: Owner and Created
    were off screen behind a scrollbar."""
    from textual.widgets import DataTable

    from tui.screens.job_queue import column_widths

    printer = first(demo_farm, "printing")
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await open_queue(pilot, printer)
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=1)
        rows = table.row_count
        for width in (80, 200):
            await pilot.resize_terminal(width, 24)
            await settle(pilot)
            assert {key.value: column.width for key, column in table.columns.items()} == column_widths(width)
            assert table.virtual_size.width <= table.size.width  # every column on screen
            assert table.row_count == rows and table.cursor_row == 1  # the same jobs, the same one chosen


async def test_a_resize_before_the_first_read_does_not_say_no_jobs(app, sim_server, demo_farm):
    """Resized while the queue's first read was on its way, it said "No jobs for this printer."."""
    from textual.widgets import Static

    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await select(pilot, first(demo_farm, "printing"))
        answer = hold_call(app.client, "get_printer_jobs")
        await pilot.press("enter")
        await pilot.pause()
        queue = app.screen
        assert isinstance(queue, JobQueueScreen)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert "No jobs" not in str(queue.query_one("#jobs-status", Static).render())
        answer.set()
        await settle(pilot)
        assert queue.query_one("DataTable").row_count == len(demo_farm.jobs_by_printer[queue.printer_id])
