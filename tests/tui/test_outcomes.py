"""What an action came to is told as it is: refused, not sent, or unknown; never dropped, never guessed."""

from __future__ import annotations

from api import AuthError, OutcomeUnknown, TransportError
from tui.actions import ActionRunner, Result
from tui.events import EventKind
from tui.screens.confirm import ConfirmScreen

from .helpers import SIZE, act, actions, first, select, settle


def notices(app) -> list[tuple[str, str]]:
    return [(n.title, n.message) for n in app._notifications]


async def test_an_unreadable_answer_is_outcome_unknown_and_the_printer_is_read_again(app, sim_server, demo_farm):
    printer = first(demo_farm, "printing")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        sim_server.faults.update({"malformed_json_rate": 1.0})
        assert await act(pilot, sim_server, "p") == ["job_pause"]
        assert demo_farm.printers[printer.id].state == "paused"  # the cloud did act
        titles = [title for title, _ in notices(app)]
        assert "Outcome unknown" in titles and not any(t.startswith("Could not") for t in titles), notices(app)
        message = next(m for t, m in notices(app) if t == "Outcome unknown")
        assert "reading the printer again" in message
        sim_server.faults.clear()
        app.poll_printers()
        await settle(pilot)
        assert app.store.printers[printer.id].state == "paused"


async def test_a_session_that_ends_under_a_confirm_dialog_says_not_sent_and_sends_once(app, sim_server, demo_farm):
    printer = first(demo_farm, "printing")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        with demo_farm.lock:
            demo_farm.expire_sessions()
        sim_server.calls.clear()
        await pilot.press("y")
        await settle(pilot)
        assert actions(sim_server.calls) == ["job_cancel"]  # tried once, never resent by itself
        assert "login" in sim_server.calls and app.client.has_session
        assert demo_farm.printers[printer.id].state == "printing"
        message = next(m for t, m in notices(app) if t == "Not sent")
        assert "press c again once logged in" in message
        assert "not sent" not in message.lower()  # the title says it; it said "not sent" twice more
        logged = next(e.detail for e in app.events.log.newest_first() if e.kind == EventKind.ACTION)
        assert logged.count("not sent") == 1, logged  # "not sent, session ended: not sent: the cloud…"


def test_failures_become_outcomes_by_what_the_cloud_may_have_done():
    failed = ActionRunner._failed
    assert failed("pause", 1, "MK4", AuthError("Session expired"), 7).result is Result.SESSION_ENDED
    assert failed("pause", 1, "MK4", OutcomeUnknown("the cloud dropped the connection"), 7).result is Result.UNKNOWN
    refused = failed("pause", 1, "MK4", TransportError("cannot connect to http://127.0.0.1:9"), 7)
    assert refused.result is Result.NOT_SENT and "could not be reached" in refused.message
