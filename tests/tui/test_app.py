"""Pilot tests: drive every binding against a simulated farm, assert the calls sent and what changed."""

from __future__ import annotations

from api import JobStatus
from api.sim import DEMO_PASSWORD
from tui.screens.confirm import ConfirmScreen
from tui.screens.help import HelpScreen
from tui.screens.job_detail import JobDetailScreen
from tui.screens.job_queue import JobQueueScreen
from tui.screens.login import LoginScreen
from tui.screens.printer_grid import PrinterGridScreen
from tui.screens.workgroup_picker import WorkgroupPicker
from tui.widgets.printer_grid import PrinterGrid
from tui.widgets.printer_table import PrinterTable
from tui.widgets.status_header import StatusHeader

from .conftest import build_app, settle

SIZE = (100, 30)


def first(farm, state):
    return next(p for p in sorted(farm.printers.values(), key=lambda p: p.name) if p.state == state)


async def select(pilot, printer):
    pilot.app.screen.active_list.select_printer(printer.id)
    await pilot.pause()


def actions(calls):
    ignore = {
        "get_organization_printers_list",
        "get_printer_jobs",
        "get_job_info",
        "get_workgroups_simple_list",
        "login",
        "get_slicer_settings_for_gcode",
    }
    return [c for c in calls if c not in ignore]


async def act(pilot, sim_server, *keys) -> list[str]:
    """Press keys and return the action calls they sent to the cloud (reads and logins left out)."""
    sim_server.calls.clear()
    await pilot.press(*keys)
    await settle(pilot)
    return actions(sim_server.calls)


def header_text(app) -> str:
    return str(app.screen.query_one(StatusHeader).render())


async def test_grid_shows_every_printer_with_one_request_per_poll(app, sim_server, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(PrinterGrid)
        assert {v.id for v in grid.items} == set(demo_farm.printers)
        assert sim_server.calls.count("get_organization_printers_list") == 1
        printing = sum(1 for p in demo_farm.printers.values() if p.state == "printing")
        assert f"▶ {printing} printing" in header_text(app) and "● live 09:30:00" in header_text(app)
        # the running jobs of the printers on screen were looked up once each: file and finish time
        visible = grid.visible_ids()
        running = [v for v in grid.items if v.state.value == "printing"]
        on_screen = [v for v in running if v.id in visible]
        assert on_screen and all(v.filename and v.eta for v in on_screen)
        assert len(visible) < len(grid.items)
        active = {p.id for p in demo_farm.printers.values() if p.state in ("printing", "paused", "downloading")}
        assert sim_server.calls.count("get_job_info") == len(active & visible)
        app.poll_printers()
        await settle(pilot)
        assert sim_server.calls.count("get_organization_printers_list") == 2
        assert sim_server.calls.count("get_job_info") == len(active & visible)  # known jobs are not asked again
        await pilot.press("end")  # scrolling brings the rest on screen: their jobs are looked up then
        await settle(pilot)
        assert all(v.filename and v.eta for v in grid.items if v.state.value == "printing")


async def test_pause_then_resume_selected_printer(app, sim_server, demo_farm):
    printer = first(demo_farm, "printing")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        assert await act(pilot, sim_server, "p") == ["job_pause"]
        assert demo_farm.printers[printer.id].state == "paused"
        assert app.store.printers[printer.id].state == "paused"  # refreshed at once, not at the next poll
        assert await act(pilot, sim_server, "u") == ["job_unpause"]
        assert demo_farm.printers[printer.id].state == "printing"


async def test_key_that_does_not_apply_says_why_and_sends_nothing(app, sim_server, demo_farm):
    printer = first(demo_farm, "ready")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        sim_server.calls.clear()
        for key in ("p", "u", "c", "t"):
            await pilot.press(key)
        await settle(pilot)
        assert actions(sim_server.calls) == []
        messages = [n.message for n in app._notifications]
        assert any("nothing to pause" in m for m in messages)
        assert any("nothing to resume" in m for m in messages)
        assert any("no print to cancel" in m for m in messages)
        assert any("already marked clear" in m for m in messages)


async def test_cancel_asks_and_only_yes_cancels(app, sim_server, demo_farm):
    printer = first(demo_farm, "printing")
    job_id = demo_farm.printers[printer.id].current_job_id
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        sim_server.calls.clear()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert actions(sim_server.calls) == [] and demo_farm.jobs[job_id].status_id == JobStatus.PRINTING
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert actions(sim_server.calls) == ["job_cancel"]
        assert demo_farm.jobs[job_id].status_id == JobStatus.ABORTED
        assert app.store.printers[printer.id].state == "bed_not_clear"


async def test_tray_clear_with_confirmation(app, sim_server, demo_farm):
    printer = first(demo_farm, "bed_not_clear")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        sim_server.calls.clear()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert actions(sim_server.calls) == ["printer_clear_build_tray"]
        assert demo_farm.printers[printer.id].state in ("ready", "downloading")


async def test_start_queued_job_on_ready_printer(app, sim_server, demo_farm):
    printer = first(demo_farm, "ready")
    file = next(iter(demo_farm.files.values()))
    admin = next(u for u in demo_farm.users.values() if u.is_admin)
    with demo_farm.lock:
        job = demo_farm.print_file(admin, file.id, printer.id, only_queue=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        assert await act(pilot, sim_server, "x") == ["job_start"]
        assert demo_farm.jobs[job.id].status_id == JobStatus.PRINTING


async def test_one_key_press_one_call(app, sim_server, demo_farm):
    printer = first(demo_farm, "printing")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        sim_server.faults.update({"latency_ms": 200})
        sim_server.calls.clear()
        await pilot.press("p", "p", "p")
        await settle(pilot)
        sim_server.faults.clear()
        assert actions(sim_server.calls) == ["job_pause"]


async def test_cloud_refusal_shows_the_clouds_message(app, sim_server, demo_farm):
    printer = first(demo_farm, "printing")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        with demo_farm.lock:  # the printer pauses behind the dashboard's back
            demo_farm.printers[printer.id].state = "paused"
        await pilot.press("p")
        await settle(pilot)
        assert any("already paused" in n.message for n in app._notifications)
        assert app.store.printers[printer.id].state == "paused"


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


async def test_table_view_sort_filter_workgroup(app, sim_server, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        selected = screen.active_list.selected.id
        await pilot.press("v")
        await pilot.pause()
        table = screen.query_one(PrinterTable)
        assert table.display and screen.active_list is table and table.selected.id == selected
        await pilot.press("s")
        await pilot.pause()
        assert screen.sort_key == "state"
        ranks = [v.state for v in table.items]
        assert ranks[0].value == "error"
        await pilot.press("slash", "M", "K", "4", "enter")
        await pilot.pause()
        assert table.items and all("MK4" in v.name for v in table.items)
        await pilot.press("escape")
        await pilot.pause()
        assert len(table.items) == len(demo_farm.printers)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WorkgroupPicker)
        await pilot.press("down", "enter")
        await pilot.pause()
        wg = screen.workgroup
        assert wg is not None and all(wg in v.workgroups for v in table.items)
        assert len(table.items) < len(demo_farm.printers)


async def test_movement_keys(app, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(PrinterGrid)
        columns = grid.columns
        assert columns == 3
        await pilot.press("l", "l", "j")
        assert grid.cursor == 2 + columns
        await pilot.press("left", "k")
        assert grid.cursor == 1
        await pilot.press("end")
        assert grid.cursor == len(grid.items) - 1
        await pilot.press("home")
        assert grid.cursor == 0


async def test_refresh_interval_keys(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.refresh_seconds = 3
        await pilot.press("plus")
        assert app.refresh_seconds == 2
        await pilot.press("minus", "minus")
        assert app.refresh_seconds == 5


async def test_help_and_palette_list_the_actions(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(s.render()) for s in app.screen.query("Static"))
        for word in (
            "Pause",
            "Resume",
            "Cancel",
            "Tray clear",
            "Start queued",
            "Table/cards",
            "Filter",
            "Faster refresh",
        ):
            assert word in text
        await pilot.press("escape")
        from tui.commands import screen_bindings

        descriptions = {b.description for b, _ in screen_bindings(app.screen)}
        assert {"Pause", "Resume", "Cancel", "Tray clear", "Start queued"} <= descriptions


async def test_network_down_marks_stale_and_keeps_data(app, sim_server, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = len(app.screen.query_one(PrinterGrid).items)
        for fault in ("drop_rate", "error_500_rate", "malformed_json_rate", "html_error_rate"):
            sim_server.faults.clear()
            sim_server.faults.update({fault: 1.0})
            app.poll_printers()
            await settle(pilot)
            assert "STALE since 09:30:00" in header_text(app), fault
            assert len(app.screen.query_one(PrinterGrid).items) == shown
        assert app._timer is not None
        sim_server.faults.clear()
        app.poll_printers()
        await settle(pilot)
        assert "● live" in header_text(app)


async def test_expired_session_logs_in_again(app, sim_server, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with demo_farm.lock:
            demo_farm.expire_sessions()
        sim_server.calls.clear()
        app.poll_printers()
        await settle(pilot)
        assert sim_server.calls[:3] == ["get_organization_printers_list", "login", "get_workgroups_simple_list"]
        assert "● live" in header_text(app)


async def test_login_screen_wrong_then_right_password(sim_server, demo_farm):
    app = build_app(sim_server, demo_farm, credentials=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await pilot.click("#username")
        await pilot.press(*"admin@example.com", "enter", *"wrong", "enter")
        await settle(pilot)
        message = str(app.screen.query_one("#login-message").render())
        assert "Login refused: Wrong username or password" in message
        assert app.screen.query_one("#password").value == ""
        await pilot.press(*DEMO_PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, PrinterGridScreen)
        assert len(app.store.printers) == len(demo_farm.printers)


async def test_saved_session_is_reused_and_cleared_when_rejected(sim_server, demo_farm, tmp_path):
    from tui.app import SessionStore

    store = SessionStore(tmp_path / "session")
    app = build_app(sim_server, demo_farm, credentials=True, session_store=store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        saved = store.load()
        assert saved == app.client.session and (store.path.stat().st_mode & 0o777) == 0o600
    sim_server.calls.clear()
    again = build_app(sim_server, demo_farm, credentials=False, session=store.load(), session_store=store)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "login" not in sim_server.calls and again.store.printers
        with demo_farm.lock:
            demo_farm.expire_sessions()
        again.poll_printers()
        await settle(pilot)
        assert isinstance(again.screen, LoginScreen) and store.load() is None


async def test_markup_and_control_characters_in_names(sim_server, demo_farm):
    nasty = [
        "[bold]x[/]",
        "[/]",
        "[@click=app.quit]boom[/]",
        "\x1b]0;owned\x07evil",
        "[b",
        "打印机-01 三号打印机很长的名字",
    ]
    for printer, name in zip(sorted(demo_farm.printers.values(), key=lambda p: p.id), nasty, strict=False):
        printer.name = name
    demo_farm.files[next(iter(demo_farm.files))].name = "[red]part[/].gcode"
    app = build_app(sim_server, demo_farm)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(PrinterGrid)
        names = {v.name for v in grid.items}
        assert {"[bold]x[/]", "[/]", "[@click=app.quit]boom[/]", "]0;ownedevil", "[b"} <= names
        # every line is exactly the grid's width, double-width names included
        assert all(grid.render_line(y).cell_length == grid.content_width for y in range(28))
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("s")
        await settle(pilot)
        lines = "\n".join(app.screen.query_one(PrinterTable).render_line(y).text for y in range(20))
        assert "[bold]x[/]" in lines and "\x1b" not in lines
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running


async def test_quit_key(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_command_palette_runs_an_action(app, sim_server, demo_farm):
    printer = first(demo_farm, "printing")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        sim_server.calls.clear()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Pause")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert actions(sim_server.calls) == ["job_pause"]
        assert demo_farm.printers[printer.id].state == "paused"


async def test_wrong_password_from_environment_brings_the_login_screen(sim_server, demo_farm):
    from tui.app import Credentials

    app = build_app(sim_server, demo_farm, credentials=False)
    app.credentials = Credentials("admin@example.com", "not-the-password")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        message = str(app.screen.query_one("#login-message").render())
        assert "Login as admin@example.com refused: Wrong username or password" in message
        assert "not-the-password" not in message


async def test_odd_values_from_the_cloud(sim_server, demo_farm):
    odd = sorted(demo_farm.printers.values(), key=lambda p: p.name)
    odd[0].state = "melting"  # a state nobody documented
    odd[1].percent = 250.0  # out of range
    odd[1].state = "printing"
    odd[2].temps, odd[2].targets = [], []  # no temperatures at all
    app = build_app(sim_server, demo_farm)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(PrinterGrid)
        views = {v.id: v for v in grid.items}
        assert views[odd[0].id].raw_state == "melting"
        assert views[odd[1].id].percent == 100.0
        assert views[odd[2].id].tools == ()
        lines = "\n".join(grid.render_line(y).text for y in range(21))
        assert "MELTING" in lines and "100%" in lines


async def test_help_on_the_job_queue_lists_its_keys(app, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = " ".join(str(s.render()) for s in app.screen.query("Static"))
        for word in ("Back", "Pause", "Resume", "Cancel", "Tray clear", "Start job", "Job details", "Quit"):
            assert word in text, word


async def test_empty_grid_says_why(app, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"no-such-printer", "enter")
        await pilot.pause()
        grid = app.screen.query_one(PrinterGrid)
        assert grid.items == []
        assert "No printer matches the filter" in grid.render_line(1).text
        assert "0/24 shown" in header_text(app)


async def test_cloud_down_at_start_then_up(demo_farm):
    import socket

    from api import PrinterOSClient
    from api.sim import SimServer
    from tui.app import Credentials, make_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = make_app(
        PrinterOSClient(f"http://127.0.0.1:{port}"),
        refresh_seconds=3600,
        organization="Lab",
        credentials=Credentials("admin@example.com", DEMO_PASSWORD),
        clock=demo_farm.clock.now,
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "NO CONNECTION" in header_text(app)
        assert "No data yet: Cannot reach the cloud" in app.screen.query_one(PrinterGrid).render_line(1).text
        assert app._timer is not None  # a retry is scheduled
        with SimServer(demo_farm, port=port):
            app.connect()  # what the retry timer does
            await settle(pilot)
            assert "● live" in header_text(app) and len(app.store.printers) == len(demo_farm.printers)


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


async def test_filter_keys_arriving_in_one_burst_all_reach_the_filter(app, demo_farm):
    """Over a slow link keys arrive together: none typed after / may go to the grid."""
    from textual import events

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, char in [("slash", "/"), ("M", "M"), ("K", "K"), ("4", "4"), ("enter", "\r")]:
            app.post_message(events.Key(key, char))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PrinterGridScreen)
        assert screen.filter_text == "MK4"
        assert all("MK4" in v.name for v in screen.active_list.items)


async def test_letters_after_slash_in_one_burst_trigger_no_action(app, sim_server, demo_farm):
    from textual import events

    printer = first(demo_farm, "printing")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        sim_server.calls.clear()
        for key, char in [("slash", "/"), ("p", "p"), ("u", "u"), ("c", "c")]:
            app.post_message(events.Key(key, char))
        await settle(pilot)
        assert actions(sim_server.calls) == [] and demo_farm.printers[printer.id].state == "printing"
        assert not isinstance(app.screen, ConfirmScreen)
        assert app.screen.filter_text == "puc"
        await pilot.press("slash", "x")  # typed at a person's pace, / inside the box is text
        await pilot.pause()
        assert app.screen.filter_text == "puc/x"
