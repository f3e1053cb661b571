"""One route for failures: a worker that fails on any screen reaches the App, the log and the user."""

from __future__ import annotations

import tui.app as app_module
from tui.screens.job_queue import JobQueueScreen

from .helpers import SIZE, first, select, settle


async def test_a_failing_screen_worker_is_told_and_recorded(app, demo_farm, monkeypatch):
    def broken(self) -> None:
        raise RuntimeError("show_jobs broke")

    monkeypatch.setattr(JobQueueScreen, "show_jobs", broken)
    logged = []
    monkeypatch.setattr(app_module.log, "error", lambda *args, **kwargs: logged.append(kwargs.get("exc_info")))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, first(demo_farm, "printing"))
        await pilot.press("enter")
        await settle(pilot, allow_errors=True)
        assert isinstance(app.screen, JobQueueScreen)
        assert [type(error) for error in app.worker_errors] == [RuntimeError]
        notices = [n for n in app._notifications if n.severity == "error"]
        # in words a technician reads; the exception only in the log
        assert notices and "reading the job queue" in notices[-1].message
        assert "RuntimeError" not in notices[-1].message and "show_jobs broke" not in notices[-1].message
        assert any("show_jobs broke" in str(error) for error in logged)


async def test_a_session_ended_under_a_screen_goes_to_the_one_relogin_path(app, sim_server, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, first(demo_farm, "printing"))
        with demo_farm.lock:
            demo_farm.expire_sessions()
        sim_server.calls.clear()
        await pilot.press("enter")  # the queue's own worker meets the expired session first
        await settle(pilot)
        assert isinstance(app.screen, JobQueueScreen)
        assert sim_server.calls[0] == "get_printer_jobs"
        assert "login" in sim_server.calls and app.worker_errors == []
        assert app.client.has_session
