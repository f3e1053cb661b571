"""The farm's life through the API: jobs start, print, finish, wait for a clear tray; the rules of actions."""

from __future__ import annotations

import itertools

import pytest

from api import ApiError, JobStatus, PrinterState

from ..conftest import printer_id


async def state_of(client, pid):
    (printer,) = await client.get_organization_printers_list(printer_id=pid)
    return printer


async def test_queue_print_finish_tray_next_job(admin, lab):
    pid = printer_id(lab, "Ready-1")
    file_id = next(iter(lab.files))
    first = await admin.print_file(file_id, pid)  # only_queue unset: starts at once
    second = await admin.print_file(file_id, pid)  # printer busy: waits in queue, starts when ready
    assert (await state_of(admin, pid)).state_kind is PrinterState.DOWNLOADING
    lab.step(10)
    printer = await state_of(admin, pid)
    assert printer.state_kind is PrinterState.PRINTING and printer.tool_target() == 210
    lab.step(300)
    assert 40 < (await state_of(admin, pid)).progress < 60
    lab.step(320)
    printer = await state_of(admin, pid)
    assert printer.state_kind is PrinterState.BED_NOT_CLEAR
    jobs = {j.id: j.status for j in (await admin.get_printer_jobs(pid)).jobs}
    assert jobs[first.job_id] is JobStatus.FINISHED and jobs[second.job_id] is JobStatus.QUEUED
    lab.step(600)  # nobody clears the tray: nothing starts
    assert (await state_of(admin, pid)).state_kind is PrinterState.BED_NOT_CLEAR
    assert await admin.printer_clear_build_tray(pid) == "Ok"
    assert (await state_of(admin, pid)).state_kind is PrinterState.DOWNLOADING
    jobs = {j.id: j.status for j in (await admin.get_printer_jobs(pid)).jobs}
    assert jobs[second.job_id] is JobStatus.PRINTING


async def test_only_queue_job_waits_for_job_start(admin, lab):
    pid = printer_id(lab, "Ready-2")
    job = await admin.print_file(next(iter(lab.files)), pid, only_queue=True)
    lab.step(30)
    assert (await state_of(admin, pid)).state_kind is PrinterState.READY
    assert await admin.job_start(job.job_id) == "Ok"
    assert (await state_of(admin, pid)).state_kind is PrinterState.DOWNLOADING
    with pytest.raises(ApiError, match="not in queue"):
        await admin.job_start(job.job_id)


async def test_pause_unpause_cancel_rules(admin, lab):
    pid = printer_id(lab, "Ready-1")
    file_id = next(iter(lab.files))
    running = (await admin.print_file(file_id, pid)).job_id
    queued = (await admin.print_file(file_id, pid, only_queue=True)).job_id
    with pytest.raises(ApiError, match="still in queue") as info:
        await admin.job_pause(queued)
    assert info.value.status == 409
    with pytest.raises(ApiError, match="downloading"):
        await admin.job_pause(running)
    lab.step(10)
    with pytest.raises(ApiError, match="not paused"):
        await admin.job_unpause(running)
    await admin.job_pause(running)
    progress = (await state_of(admin, pid)).progress
    lab.step(120)
    printer = await state_of(admin, pid)
    assert printer.state_kind is PrinterState.PAUSED and printer.progress == progress
    with pytest.raises(ApiError, match="already paused"):
        await admin.job_pause(running)
    await admin.job_unpause(running)
    lab.step(60)
    assert (await state_of(admin, pid)).progress > progress
    with pytest.raises(ApiError, match="busy"):
        await admin.job_start(queued)
    await admin.job_cancel(queued)
    await admin.job_cancel(running)
    assert (await state_of(admin, pid)).state_kind is PrinterState.BED_NOT_CLEAR
    with pytest.raises(ApiError, match="already ended"):
        await admin.job_cancel(running)
    statuses = {j.id: j.status for j in (await admin.get_printer_jobs(pid)).jobs}
    assert statuses == {running: JobStatus.ABORTED, queued: JobStatus.ABORTED}


async def test_start_on_offline_printer_is_refused(admin, lab):
    pid = printer_id(lab, "Ready-2")
    lab._go_offline(lab.printers[pid], lab.now())
    printer = await state_of(admin, pid)
    assert printer.state_kind is PrinterState.OFFLINE and printer.temps is None
    job = await admin.print_file(next(iter(lab.files)), pid, only_queue=True)
    with pytest.raises(ApiError, match="offline"):
        await admin.job_start(job.job_id)
    with pytest.raises(ApiError, match="offline"):
        await admin.printer_clear_build_tray(pid)


async def test_temperatures_follow_a_heating_curve(admin, lab):
    pid = printer_id(lab, "Ready-1")
    await admin.print_file(next(iter(lab.files)), pid)
    seen = []
    for _ in range(6):
        lab.step(10)
        seen.append((await state_of(admin, pid)).tool_temp())
    assert all(b > a for a, b in itertools.pairwise(seen)), seen
    assert seen[-1] > 150


async def test_no_heated_bed_reports_zero(admin, lab):
    pid = printer_id(lab, "Hidden-3")
    await admin.print_file(next(iter(lab.files)), pid)
    lab.step(60)
    printer = await state_of(admin, pid)
    assert printer.bed_temp == 0 and printer.bed_target == 0 and printer.tool_temp() > 100


async def test_prev_time_returns_only_changed_jobs(admin, lab):
    pid = printer_id(lab, "Ready-1")
    file_id = next(iter(lab.files))
    a = (await admin.print_file(file_id, pid, only_queue=True)).job_id
    b = (await admin.print_file(file_id, pid, only_queue=True)).job_id
    first = await admin.get_printer_jobs(pid, prev_time=0)
    assert {j.id for j in first.jobs} == {a, b}
    lab.step(5)
    quiet = await admin.get_printer_jobs(pid, prev_time=first.time)
    assert len(quiet.jobs) == 0 and quiet.time != first.time
    await admin.job_start(b)
    delta = await admin.get_printer_jobs(pid, prev_time=quiet.time)
    assert [(j.id, j.status) for j in delta.jobs] == [(b, JobStatus.PRINTING)]


async def test_limit_offset_is_actual(admin, lab):
    pid = printer_id(lab, "Ready-2")
    file_id = next(iter(lab.files))
    ids = [(await admin.print_file(file_id, pid, only_queue=True)).job_id for _ in range(5)]
    await admin.job_cancel(ids[0])
    lab.settings.session_idle_seconds = 10**9
    page = await admin.get_printer_jobs(pid, limit=2, offset=1)
    assert [j.id for j in page.jobs] == [ids[3], ids[2]]
    lab.step(25 * 3600)
    actual = await admin.get_printer_jobs(pid, is_actual=True)
    assert ids[0] not in {j.id for j in actual.jobs} and len(actual.jobs) == 4


async def test_seeded_farms_are_reproducible(sim_server):
    from api.sim import FarmSettings, SimClock, generate_farm

    def run(seed):
        farm = generate_farm(
            30,
            seed=seed,
            clock=SimClock.frozen_at(),
            settings=FarmSettings(seed=seed, failure_rate_per_hour=5, offline_rate_per_hour=5),
        )
        for _ in range(20):
            farm.step(30)
        return [(p.name, p.state, tuple(p.temps), round(p.percent, 3)) for p in farm.printers.values()]

    assert run(7) == run(7)
    assert run(7) != run(8)


async def test_frozen_clock_stands_still_until_stepped(admin, lab):
    pid = printer_id(lab, "Ready-1")
    await admin.print_file(next(iter(lab.files)), pid)
    lab.step(10)
    before = await state_of(admin, pid)
    again = await state_of(admin, pid)
    assert before == again
    lab.step(30)
    assert (await state_of(admin, pid)).progress > before.progress


async def test_failures_and_offline_happen_at_their_rates(sim_server):
    from api.sim import FarmSettings, SimClock, generate_farm

    farm = generate_farm(
        40,
        seed=3,
        clock=SimClock.frozen_at(),
        settings=FarmSettings(
            seed=3, failure_rate_per_hour=2, offline_rate_per_hour=1, tray_clear_mean_seconds=0, new_job_rate_per_hour=0
        ),
    )
    farm.step(3600)
    failed = sum(
        1
        for j in farm.jobs.values()
        if j.status_id == JobStatus.FAILED and j.ended and j.ended > farm.now().replace(hour=0)
    )
    offline_now = sum(1 for p in farm.printers.values() if not p.online)
    assert failed >= 3
    assert offline_now >= 1
