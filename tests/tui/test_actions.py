"""Printer actions from the grid: each key sends the call it names, once, after asking where it must."""

from __future__ import annotations

from api import JobStatus
from tui.screens.confirm import ConfirmScreen

from .helpers import SIZE, act, actions, first, select, settle


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
        await pilot.press("enter")  # the highlighted button: "No" (a tray said clear may start a print on it)
        await settle(pilot)
        assert actions(sim_server.calls) == [] and not isinstance(app.screen, ConfirmScreen)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("y")
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
