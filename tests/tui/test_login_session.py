"""Logging in, sessions the cloud ends, and a cloud that is down."""

from __future__ import annotations

from api.sim import DEMO_PASSWORD
from tui.screens.login import LoginScreen
from tui.screens.printer_grid import PrinterGridScreen
from tui.widgets.printer_grid import PrinterGrid

from .helpers import SIZE, build_app, header_text, hold_call, settle


async def test_network_down_marks_stale_and_keeps_data(app, sim_server, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = len(app.screen.query_one(PrinterGrid).items)
        app.sync.refresh_seconds = 3.0
        # one failed poll among good ones is not a stale farm (issue 11): stale after two intervals
        sim_server.faults.update({"drop_rate": 1.0})
        app.poll_printers()
        await settle(pilot)
        assert "● live 09:30:00" in header_text(app) and "STALE" not in header_text(app)
        demo_farm.step(6)
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
        # a 401 is checked with check_session before the session is taken as gone
        assert sim_server.calls[:4] == [
            "get_organization_printers_list",
            "check_session",
            "login",
            "get_workgroups_simple_list",
        ]
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


async def test_a_login_that_succeeds_under_the_quit_question_goes_on_to_the_farm(sim_server, demo_farm):
    """Escape while "Logging in…" asks whether to quit; the login answered meanwhile. Its answer was
    dropped (only the screen on top may close), and after "n" the login stayed on screen with no farm."""
    from api.sim import DEMO_USERNAME
    from tui.screens.confirm import ConfirmScreen

    app = build_app(sim_server, demo_farm, credentials=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        answer = hold_call(app.client, "login")
        await pilot.click("#username")
        await pilot.press(*DEMO_USERNAME, "enter", *DEMO_PASSWORD, "enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        answer.set()
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, PrinterGridScreen), app.screen_stack
        assert len(app.store.printers) == len(demo_farm.printers)
