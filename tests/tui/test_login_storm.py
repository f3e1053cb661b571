"""The login storm (issue 8) end to end: the simulated cloud accepts every login and then refuses
the session; the dashboard logs in a few times at most, then stops, says why, and asks."""

from __future__ import annotations

import pytest

import tui.sync
from tui.screens.login import LoginScreen

from .helpers import SIZE, build_app, settle


@pytest.mark.parametrize("refusal", ["unauthorized", "too_many_sessions"])
async def test_a_refused_session_is_not_a_login_storm(sim_server, lab, monkeypatch, refusal):
    # No waiting between the re-logins: what is pinned is how many there are, not when.
    monkeypatch.setattr(tui.sync, "RELOGIN_DELAYS", (0.0, 0.0, 0.0))
    sim_server.faults.update({"refuse_sessions": refusal})
    sim_server.calls.clear()
    app = build_app(sim_server, lab)
    async with app.run_test(size=SIZE) as pilot:
        # Until it gives up (bounded): a busy machine may need more turns, the count may not differ.
        for _ in range(40):
            await settle(pilot)
            if isinstance(app.screen, LoginScreen):
                break
        assert sim_server.logins == len(tui.sync.RELOGIN_DELAYS)
        assert isinstance(app.screen, LoginScreen)
        assert "refused the session" in app.screen.message
        # One plain sentence: the cloud's words once, not the earlier message nested in brackets.
        assert app.screen.message.count("Log in again") == 1
        assert "((" not in app.screen.message and ".)" not in app.screen.message
        polls = sim_server.calls.count("get_organization_printers_list")
        for _ in range(3):
            await settle(pilot)
        assert sim_server.logins == len(tui.sync.RELOGIN_DELAYS)  # stopped, and stays stopped
        assert sim_server.calls.count("get_organization_printers_list") == polls


async def test_a_refused_session_says_it_logs_in_again(sim_server, lab, monkeypatch):
    """Between a refusal and the next login the header said only "Session ended: Unauthorized"."""
    monkeypatch.setattr(tui.sync, "RELOGIN_DELAYS", (0.0, 600.0, 600.0))
    sim_server.faults.update({"refuse_sessions": "unauthorized"})
    app = build_app(sim_server, lab)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(40):
            await settle(pilot)
            if app.store.problem.startswith("Session ended"):
                break
        assert app.store.problem.endswith("; logging in again"), app.store.problem
        assert not isinstance(app.screen, LoginScreen)
