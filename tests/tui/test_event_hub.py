"""Farm events end to end without a screen: the simulated cloud over loopback HTTP, polled by a
real client, events detected, logged to events.jsonl, alerted through Apprise to a local listener,
and read back after a restart."""

import json

from api import JobStatus
from api.models import JobStatus as ModelJobStatus
from tests.conftest import login, printer_id
from tests.tui.listener import Listener
from tui.alerts import Alerter, AlertSettings, Outbound
from tui.event_hub import FarmEvents
from tui.eventlog import LOG_NAME, EventLog
from tui.events import EventKind


def hub_in(path, **settings) -> FarmEvents:
    return FarmEvents(EventLog.in_directory(path).load(), AlertSettings(**settings), who="admin@example.com")


async def poll(hub, client, farm):
    return hub.on_poll(await client.get_organization_printers_list(), farm.now())


async def running_job(client, pid):
    page = await client.get_printer_jobs(pid, is_actual=True)
    return next(job for job in page.jobs if job.status is JobStatus.PRINTING)


def logged(path):
    return [json.loads(line) for line in (path / LOG_NAME).read_text().splitlines()]


async def test_a_job_from_start_to_finish_by_another_user(sim_server, lab, admin, tmp_path):
    hub = hub_in(tmp_path)
    assert await poll(hub, admin, lab) == []  # what is already there is no news
    pid = printer_id(lab, "Ready-1")
    member = await login(sim_server, "member@example.com")
    try:
        await admin.print_file(next(iter(lab.files)), pid)
        (started,) = await poll(hub, admin, lab)
        assert started.kind is EventKind.JOB_STARTED and started.printer_name == "Ready-1"
        job = await running_job(admin, pid)
        hub.on_job(pid, job.id, job.filename, lab.now())
        lab.step(60)
        await member.job_pause(job.id)
        (paused,) = await poll(hub, admin, lab)
        assert paused.kind is EventKind.PAUSED and paused.who == "" and hub.is_alert(paused)
        await member.job_unpause(job.id)
        lab.step(61)  # more than a minute later: not a flap
        (resumed,) = await poll(hub, admin, lab)
        assert resumed.kind is EventKind.RESUMED
        lab.step(600)
        (finished,) = await poll(hub, admin, lab)
    finally:
        await member.aclose()
    assert finished.kind is EventKind.FINISHED
    assert (finished.job_id, finished.filename) == (job.id, "cube.gcode")
    assert [e.kind for e in hub.unacknowledged()] == [EventKind.PAUSED, EventKind.FINISHED]
    records = [line["event"]["kind"] for line in logged(tmp_path) if line["record"] == "event"]
    assert records == ["job_started", "job_started", "paused", "resumed", "finished"]  # the start got its file


async def test_actions_from_farmdash_are_audited_and_do_not_alert(lab, admin, tmp_path):
    hub = hub_in(tmp_path)
    pid = printer_id(lab, "Ready-2")
    await poll(hub, admin, lab)
    queued = await admin.print_file(next(iter(lab.files)), pid)
    lab.step(30)
    await poll(hub, admin, lab)
    await admin.job_pause(queued.job_id)
    audit = hub.on_action(lab.now(), pid, "Ready-2", "pause", "done", sent=True, job_id=queued.job_id, label="pause")
    assert audit.kind is EventKind.ACTION and audit.who == "admin@example.com"
    (paused,) = await poll(hub, admin, lab)
    assert paused.kind is EventKind.PAUSED and paused.who == "admin@example.com"
    assert not hub.is_alert(paused)
    await admin.job_cancel(queued.job_id)
    hub.on_action(lab.now(), pid, "Ready-2", "cancel", "done", sent=True, job_id=queued.job_id)
    (cancelled,) = await poll(hub, admin, lab)
    assert cancelled.kind is EventKind.CANCELLED and cancelled.who == "admin@example.com"
    hub.on_job_outcome(cancelled.id, queued.job_id, ModelJobStatus.ABORTED, lab.now(), reason="Cancelled by user")
    assert hub.log.events[cancelled.id].detail == "Cancelled by user"
    assert (
        hub.on_job_outcome(cancelled.id, queued.job_id + 1, ModelJobStatus.FINISHED, lab.now()) is None
    )  # another job
    await admin.printer_clear_build_tray(pid)
    (cleared,) = await poll(hub, admin, lab)
    assert cleared.kind is EventKind.TRAY_CLEARED and cleared.who == ""  # no action was noted for it
    assert hub.unacknowledged() == []


async def test_failure_offline_and_back_alert_through_apprise(sim_server, lab, admin, tmp_path):
    with Listener() as listener:
        settings = AlertSettings(urls=[listener.url], timeout=5)
        hub = hub_in(tmp_path, urls=[listener.url], timeout=5)
        written = []
        outbound = Outbound(settings.urls, timeout=settings.timeout)
        hub.subscribe(Alerter(settings, write=written.append, outbound=outbound))
        await poll(hub, admin, lab)
        pid = printer_id(lab, "Ready-1")
        other = printer_id(lab, "Ready-2")
        await admin.print_file(next(iter(lab.files)), pid)
        lab.step(60)
        await poll(hub, admin, lab)
        job = await running_job(admin, pid)
        hub.on_job(pid, job.id, job.filename, lab.now())
        # the farm's own rules: a job fails, a host drops off the network
        sim_printer = lab.printers[pid]
        lab._end_job(
            sim_printer, lab.jobs[sim_printer.current_job_id], JobStatus.FAILED, lab.now(), printer_state="error"
        )
        lab._go_offline(lab.printers[other], lab.now())
        events = await poll(hub, admin, lab)
        assert sorted(e.kind for e in events) == [EventKind.FAILED, EventKind.OFFLINE]
        assert outbound.drain(10)
        bodies = sorted(item["body"]["title"] + " | " + item["body"]["message"] for item in listener.received)
        assert bodies == ["farmdash: Ready-1 | failed (cube.gcode)", "farmdash: Ready-2 | went offline"]
        (out,) = written
        assert "\x1b]9;farmdash: Ready-1: failed" in out and "\x1b]777;notify;farmdash: Ready-2;went offline" in out
        assert out.endswith("\a")
        lab.printers[other].back_online_at = lab.now()
        lab.step(2)
        (back,) = await poll(hub, admin, lab)
        # back within a minute: the same event, counted, and no second alert
        offline = next(e for e in events if e.kind is EventKind.OFFLINE)
        assert (back.id, back.count, back.state) == (offline.id, 2, "ready") and len(written) == 1
        outbound.close()


async def test_a_restart_keeps_the_log_and_tells_what_changed_meanwhile(lab, admin, tmp_path):
    hub = hub_in(tmp_path)
    pid = printer_id(lab, "Ready-1")
    await poll(hub, admin, lab)
    await admin.print_file(next(iter(lab.files)), pid)
    lab.step(30)
    (started,) = await poll(hub, admin, lab)
    job = await running_job(admin, pid)
    hub.on_job(pid, job.id, job.filename, lab.now())
    hub.acknowledge([started.id], lab.now())
    # farmdash stops; the job finishes meanwhile
    lab.step(900)
    again = hub_in(tmp_path)
    assert started.id in again.log.events and started.id in again.log.acked
    (finished,) = await poll(again, admin, lab)
    assert finished.kind is EventKind.FINISHED and finished.while_away
    assert finished.job_id == job.id and finished.filename == "cube.gcode"
    assert await poll(again, admin, lab) == []
    # and once more: a third start knows it was already told
    third = hub_in(tmp_path)
    assert await poll(third, admin, lab) == []
    assert [e.kind for e in third.unacknowledged()] == [EventKind.FINISHED]
    assert third.acknowledge_all(lab.now()) == 1 and hub_in(tmp_path).unacknowledged() == []


async def test_a_quiet_poll_wakes_no_listener(lab, admin, tmp_path):
    hub = hub_in(tmp_path)
    batches = []
    hub.subscribe(batches.append)
    await poll(hub, admin, lab)
    await poll(hub, admin, lab)
    assert batches == []
    hub.acknowledge_all(lab.now())  # nothing to acknowledge: nothing to tell either
    assert batches == []
    lab._go_offline(lab.printers[printer_id(lab, "Ready-2")], lab.now())
    (offline,) = await poll(hub, admin, lab)
    assert batches == [[offline]]
    hub.acknowledge([offline.id], lab.now())
    assert batches == [[offline], []]  # acknowledgements: an empty batch


async def test_a_cancel_that_was_a_failure_rings_once_when_the_job_record_says_so(lab, admin, tmp_path):
    hub = hub_in(tmp_path)
    written = []
    hub.subscribe(Alerter(hub.settings, write=written.append))
    pid = printer_id(lab, "Ready-1")
    await poll(hub, admin, lab)
    await admin.print_file(next(iter(lab.files)), pid)
    lab.step(60)
    await poll(hub, admin, lab)
    job = await running_job(admin, pid)
    hub.on_job(pid, job.id, job.filename, lab.now())
    # the job fails short of 100% and the printer shows bed not clear: from the list, a cancel
    sim_printer = lab.printers[pid]
    lab._end_job(sim_printer, lab.jobs[sim_printer.current_job_id], JobStatus.FAILED, lab.now())
    (ended,) = await poll(hub, admin, lab)
    assert ended.kind is EventKind.CANCELLED and written == []  # a cancel is not an alert kind
    info = await admin.get_job_info(job.id)
    assert info.status is ModelJobStatus.FAILED
    corrected = hub.on_job_outcome(ended.id, job.id, info.status, lab.now(), reason="Nozzle clogged")
    assert corrected is not None and corrected.kind is EventKind.FAILED
    (out,) = written
    assert "\x1b]9;farmdash: Ready-1: failed" in out and out.endswith("\a")
    assert [e.kind for e in hub.unacknowledged()] == [EventKind.FAILED]
    # the same record read again is no news; nor is the log read back after a restart
    hub.on_job_outcome(ended.id, job.id, info.status, lab.now(), reason="Nozzle clogged")
    assert len(written) == 1
    again = hub_in(tmp_path)
    assert again.log.events[ended.id].kind is EventKind.FAILED and not again.log.events[ended.id].retold
