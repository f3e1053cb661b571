"""Events in the dashboard: the simulated cloud changed by its clock, its farm rules and another
user's API session; the app's badge, notices, bell/OSC bytes, Apprise delivery, the JSONL file,
`L`, `!`, acknowledgement and a restart that keeps the log."""

from __future__ import annotations

import json

from textual.binding import Binding

from api import JobStatus
from api.sim import DEMO_PASSWORD, DEMO_USERNAME
from tests.conftest import login, printer_id
from tests.tui.listener import Listener
from tui.alerts import AlertSettings
from tui.eventlog import LOG_NAME, EventLog
from tui.events import EventKind
from tui.screens.event_log import EventLogScreen
from tui.screens.job_queue import JobQueueScreen
from tui.widgets.alert_badge import AlertBadge
from tui.widgets.printer_grid import PrinterGrid

from .conftest import build_app, settle

SIZE = (100, 30)


def lab_app(sim_server, lab, tmp_path, **settings):
    sim_server.calls.clear()
    return build_app(
        sim_server, lab, event_log=EventLog.in_directory(tmp_path).load(), alerts=AlertSettings(**settings)
    )


def logged(tmp_path, record="event"):
    lines = [json.loads(line) for line in (tmp_path / LOG_NAME).read_text().splitlines()]
    return [line for line in lines if line["record"] == record]


def badge(app) -> str:
    widget = app.screen.query_one(AlertBadge)
    return str(widget.render()) if widget.display else ""


def capture_terminal(app) -> list[str]:
    """What the app writes to the terminal outside frames (the headless driver drops it otherwise)."""
    written: list[str] = []
    app._driver.write = written.append  # type: ignore[method-assign]
    return written


async def poll(pilot):
    pilot.app.poll_printers()
    await settle(pilot)


async def start_job(client, farm, name):
    pid = printer_id(farm, name)
    result = await client.print_file(next(iter(farm.files)), pid)
    return pid, result.job_id


async def test_another_users_pause_rings_notifies_badges_logs_and_goes_out(sim_server, lab, tmp_path):
    with Listener() as listener:
        app = lab_app(sim_server, lab, tmp_path, urls=[listener.url], timeout=5)
        other = await login(sim_server, DEMO_USERNAME, DEMO_PASSWORD)  # a second session: another person
        try:
            async with app.run_test(size=SIZE, notifications=True) as pilot:
                await settle(pilot)
                written = capture_terminal(app)
                pid, job_id = await start_job(other, lab, "Ready-1")
                lab.step(30)
                await poll(pilot)
                assert badge(app) == "" and written == []  # a job starting is no alert
                await other.job_pause(job_id)
                await poll(pilot)
                assert app.outbound is not None and app.outbound.drain(10)
                shown = badge(app)
        finally:
            await other.aclose()
        (sent,) = listener.received
    assert sent["body"]["title"] == "farmdash: Ready-1" and sent["body"]["message"] == "paused (cube.gcode)"
    (out,) = written
    assert "\x1b]9;farmdash: Ready-1: paused (cube.gcode)\x07" in out
    assert "\x1b]777;notify;farmdash: Ready-1;paused (cube.gcode)\x07" in out and out.endswith("\a")
    assert "⚑ 1" in shown and "Ready-1 paused" in shown and "L event log" in shown
    assert any(n.title == "Alert" and n.message == "Ready-1 paused" for n in app._notifications)
    kinds = [line["event"]["kind"] for line in logged(tmp_path)]
    assert kinds[-1] == "paused" and "job_started" in kinds
    view = app.store.view_of(pid, lab.now())
    assert view is not None and view.alert  # marked on its card until acknowledged


async def test_tmux_wraps_the_notification(sim_server, lab, tmp_path, monkeypatch):
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    app = lab_app(sim_server, lab, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        written = capture_terminal(app)
        lab._go_offline(lab.printers[printer_id(lab, "Ready-2")], lab.now())
        await poll(pilot)
    (out,) = written
    assert out.startswith("\x1bPtmux;\x1b\x1b]9;farmdash: Ready-2: went offline\x07\x1b\\") and out.endswith("\a")


async def test_no_alerts_for_a_wall_display_still_logs_and_marks(sim_server, lab, tmp_path):
    app = lab_app(sim_server, lab, tmp_path, enabled=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        written = capture_terminal(app)
        lab._go_offline(lab.printers[printer_id(lab, "Ready-2")], lab.now())
        await poll(pilot)
        assert written == [] and not any(n.title == "Alert" for n in app._notifications)
        assert "⚑ 1" in badge(app)
    assert [line["event"]["kind"] for line in logged(tmp_path)] == ["offline"]


async def test_each_kind_of_event_from_the_farm(sim_server, lab, tmp_path):
    """Start, stall, temperature, finish, tray clear, fail, offline and back: each seen by a poll."""
    app = lab_app(sim_server, lab, tmp_path)
    other = await login(sim_server, DEMO_USERNAME, DEMO_PASSWORD)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            file = next(iter(lab.files.values()))
            minutes = file.duration
            file.duration = 10**9  # a print that never moves: 0.0% for ever
            pid, job_id = await start_job(other, lab, "Ready-1")
            lab.step(120)
            await poll(pilot)
            lab.step(601)
            await poll(pilot)
            # a nozzle heater that gives up while printing
            lab._heat = lambda printer, dt: None  # type: ignore[method-assign]
            lab.printers[pid].temps[1] = 150.0
            await poll(pilot)
            lab.step(61)
            await poll(pilot)
            # the print ends after all; somebody clears the tray; the next job fails; a host drops
            file.duration = minutes
            lab.jobs[job_id].elapsed = minutes
            lab.step(2)
            await poll(pilot)
            await other.printer_clear_build_tray(pid)
            await poll(pilot)
            pid2, job2 = await start_job(other, lab, "Ready-2")
            lab.step(30)
            await poll(pilot)
            sim = lab.printers[pid2]
            lab._end_job(sim, lab.jobs[job2], JobStatus.FAILED, lab.now(), printer_state="error")
            await poll(pilot)
            lab._go_offline(lab.printers[pid], lab.now())
            await poll(pilot)
            lab.printers[pid].back_online_at = lab.now()
            lab.step(90)
            await poll(pilot)
    finally:
        await other.aclose()
    kinds = [(line["event"]["printer_name"], line["event"]["kind"]) for line in logged(tmp_path)]
    firsts = list(dict.fromkeys(kinds))  # an event written again (its file found) keeps its place
    assert firsts == [
        ("Ready-1", "job_started"),
        ("Ready-1", "stalled"),
        ("Ready-1", "temperature"),
        ("Ready-1", "finished"),
        ("Ready-1", "tray_cleared"),
        ("Ready-2", "job_started"),
        ("Ready-2", "failed"),
        ("Ready-1", "offline"),
        ("Ready-1", "online"),
    ]
    events = app.events.log.events.values()
    temperature = next(e for e in events if e.kind is EventKind.TEMPERATURE)
    assert temperature.detail == "nozzle 150° (target 210°)" and temperature.filename == "cube.gcode"
    assert next(e for e in events if e.kind is EventKind.STALLED).detail.startswith("progress 0% unchanged")


async def test_actions_sent_from_here_are_audited_and_not_alerted(sim_server, lab, tmp_path):
    app = lab_app(sim_server, lab, tmp_path)
    other = await login(sim_server, DEMO_USERNAME, DEMO_PASSWORD)
    try:
        pid, job_id = await start_job(other, lab, "Ready-1")
    finally:
        await other.aclose()
    lab.step(30)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        written = capture_terminal(app)
        app.screen.active_list.select_printer(pid)
        await pilot.press("p")
        await settle(pilot)
        assert written == [] and badge(app) == ""
    audit, paused = (line["event"] for line in logged(tmp_path)[-2:])
    assert audit["kind"] == "action" and audit["detail"] == "pause: done" and audit["who"] == DEMO_USERNAME
    assert audit["job_id"] == job_id
    assert paused["kind"] == "paused" and paused["who"] == DEMO_USERNAME


async def test_event_log_screen_filters_opens_and_acknowledges(sim_server, lab, tmp_path):
    app = lab_app(sim_server, lab, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lab._go_offline(lab.printers[printer_id(lab, "Ready-2")], lab.now())
        lab.step(5)
        await poll(pilot)
        lab._go_offline(lab.printers[printer_id(lab, "Ready-1")], lab.now())
        lab.step(5)
        await poll(pilot)
        assert "⚑ 2" in badge(app)
        await pilot.press("L")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EventLogScreen)
        assert [e.printer_name for e in screen.wanted()] == ["Ready-1", "Ready-2"]  # newest first
        assert "⚑ 2" in badge(app)  # the badge is on this screen too
        # live: a new event appears at the top while the cursor stays on its event
        await pilot.press("down")
        assert screen.selected_event.printer_name == "Ready-2"
        lab.printers[printer_id(lab, "Ready-2")].back_online_at = lab.now()
        lab.step(120)
        await poll(pilot)
        assert [e.kind for e in screen.wanted()][:1] == [EventKind.ONLINE]
        assert screen.selected_event.printer_name == "Ready-2"
        assert screen.selected_event.kind is EventKind.OFFLINE
        # filter by text, then by kind
        await pilot.press("slash", *"y-1", "enter")
        await settle(pilot)
        assert {e.printer_name for e in screen.wanted()} == {"Ready-1"}
        await pilot.press("escape")
        assert screen.filter_text == ""
        from textual import events

        for key, char in [("slash", "/"), ("a", "a"), ("slash", "/"), ("b", "b")]:  # one burst over SSH
            app.post_message(events.Key(key, char))
        await settle(pilot)
        assert screen.filter_text == "a/b"  # the / stays in its place (it went to the front: "/ab")
        await pilot.press("escape")
        assert screen.filter_text == ""
        await pilot.press("k")
        assert screen.kind_filter == "alerts"
        assert [e.printer_name for e in screen.wanted()] == ["Ready-1", "Ready-2"]
        await pilot.press("k", "k")
        assert screen.kind_filter == "finished" and screen.wanted() == []
        screen.kind_filter = None
        await settle(pilot)
        # enter opens that printer's queue; escape comes back
        await pilot.press("home", "enter")
        await settle(pilot)
        assert isinstance(app.screen, JobQueueScreen) and app.screen.printer_id == printer_id(lab, "Ready-2")
        await pilot.press("escape")
        await settle(pilot)
        # a: the selected alert; A: all of them
        await pilot.press("home", "down", "down", "a")
        await settle(pilot)
        assert "⚑ 1" in badge(app)
        await pilot.press("A")
        await settle(pilot)
        assert badge(app) == ""
        assert app.store.alerted == set()
        await pilot.press("escape")
        await settle(pilot)
        assert not any(view.alert for view in app.screen.query_one(PrinterGrid).items)
    acks = logged(tmp_path, "ack")
    assert sum(len(line["ids"]) for line in acks) == 2 and all(line["who"] == DEMO_USERNAME for line in acks)


async def test_bang_jumps_to_who_waited_longest_without_changing_filter_or_sort(sim_server, demo_farm, tmp_path):
    app = build_app(sim_server, demo_farm, event_log=EventLog.in_directory(tmp_path).load())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")  # state sort
        grid = app.screen.query_one(PrinterGrid)
        order = [view.id for view in grid.items]
        needs = sorted((v for v in grid.items if v.needs_person), key=lambda v: (v.name.casefold(), v.id))
        # one of them has waited longer than the rest: it comes first
        longest = needs[-1]
        app.events.detector._tracks[longest.id].seen = app.events.detector._tracks[longest.id].seen.model_copy(
            update={"since": demo_farm.now().replace(hour=6)}
        )
        expected = [longest.id] + [v.id for v in needs[:-1]]
        seen = []
        for _ in range(len(expected) + 1):
            await pilot.press("exclamation_mark")
            seen.append(grid.selected.id)
        assert seen == [*expected, expected[0]]  # and round again
        assert [view.id for view in grid.items] == order and app.screen.sort_key == "state"


async def test_a_restart_keeps_the_log_and_says_what_changed_meanwhile(sim_server, lab, tmp_path):
    other = await login(sim_server, DEMO_USERNAME, DEMO_PASSWORD)
    try:
        app = lab_app(sim_server, lab, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await start_job(other, lab, "Ready-1")
            lab.step(30)
            await poll(pilot)
        lab.step(900)  # farmdash is not running: the job finishes
        again = lab_app(sim_server, lab, tmp_path)
        async with again.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("L")
            await settle(pilot)
            shown = [(e.kind, e.while_away) for e in again.screen.wanted()]
            assert shown == [(EventKind.FINISHED, True), (EventKind.JOB_STARTED, False)]
            assert "while farmdash was not running" in again.screen.wanted()[0].what
            assert "⚑ 1" in badge(again)
    finally:
        await other.aclose()


async def test_the_jobs_own_outcome_corrects_what_the_printer_list_suggested(sim_server, lab, tmp_path):
    app = lab_app(sim_server, lab, tmp_path)
    other = await login(sim_server, DEMO_USERNAME, DEMO_PASSWORD)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            pid, job_id = await start_job(other, lab, "Ready-1")
            lab.step(6 + 598)  # 99.7%: from the list alone, a stop now looks like a finish
            await poll(pilot)
            await other.job_cancel(job_id)
            sim_server.calls.clear()
            await poll(pilot)
            assert "get_job_info" in sim_server.calls
    finally:
        await other.aclose()
    (ended,) = [e for e in app.events.log.events.values() if e.printer_id == pid and e.job_id == job_id][-1:]
    assert ended.kind is EventKind.CANCELLED and ended.updated is not None
    assert [line["event"]["kind"] for line in logged(tmp_path)][-2:] == ["finished", "cancelled"]


async def test_a_job_that_ended_off_screen_still_gets_its_file(sim_server, lab, tmp_path):
    app = lab_app(sim_server, lab, tmp_path)
    other = await login(sim_server, DEMO_USERNAME, DEMO_PASSWORD)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.sync.show_printers(set())  # nothing on screen: running jobs are not looked up
            pid, job_id = await start_job(other, lab, "Ready-2")
            lab.step(30)
            await poll(pilot)
            lab.step(700)
            await poll(pilot)
    finally:
        await other.aclose()
    started, finished = (e for e in app.events.log.newest_first()[::-1] if e.printer_id == pid)
    assert started.job_id is None  # never looked up while it ran
    assert (finished.kind, finished.job_id, finished.filename) == (EventKind.FINISHED, job_id, "cube.gcode")


async def test_the_users_keymap_names_and_opens_the_event_log(sim_server, lab, tmp_path):
    app = lab_app(sim_server, lab, tmp_path)
    app.set_keymap({"event-log": "f2", "acknowledge-all": "ctrl+a"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lab._go_offline(lab.printers[printer_id(lab, "Ready-2")], lab.now())
        await poll(pilot)
        shown = app.get_key_display(Binding("f2", ""))  # as the footer shows it
        assert f"{shown} event log" in badge(app) and " L event log" not in badge(app)
        await pilot.press("L")
        await settle(pilot)
        assert not isinstance(app.screen, EventLogScreen)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, EventLogScreen)
        ack_all = app.get_key_display(Binding("ctrl+a", ""))
        assert f"(a/{ack_all})" in str(app.screen.query_one("#log-title").render())
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert badge(app) == ""
