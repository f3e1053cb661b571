"""The client against the simulated cloud's realistic mode over loopback HTTP: every shape public
callers of the real cloud see is read, and a refusal never ends the session."""

from __future__ import annotations

from dataclasses import replace

import pytest

from api import ApiError, AuthError, JobStatus, PrinterOSClient
from api.sim import DEMO_PASSWORD, DEMO_USERNAME, FarmSettings, SimClock, generate_farm
from api.sim.generate import farm_from_dict

from ..conftest import LAB, printer_id


@pytest.fixture
def farm(sim_server):
    settings = replace(FarmSettings(seed=7), realistic=True, unreadable_every=3)
    sim_server.farm = generate_farm(24, seed=7, clock=SimClock.frozen_at(), settings=settings)
    sim_server.faults.clear()
    return sim_server.farm


@pytest.fixture
def lab(sim_server):
    settings = replace(FarmSettings.quiet(), realistic=True)
    sim_server.farm = farm_from_dict(LAB, clock=SimClock.frozen_at(), settings=settings)
    sim_server.faults.clear()
    return sim_server.farm


async def client_for(sim_server, email=DEMO_USERNAME, password=DEMO_PASSWORD) -> PrinterOSClient:
    client = PrinterOSClient(sim_server.base_url)
    await client.login(email, password)
    return client


async def test_printers_with_string_ids_nulls_and_one_unreadable_record(sim_server, farm):
    async with await client_for(sim_server) as client:
        polls = [await client.get_organization_printers_list() for _ in range(3)]
    assert [len(p) for p in polls] == [24, 24, 23] and [p.unreadable for p in polls] == [0, 0, 1]
    printers = polls[0]
    assert {p.id for p in printers} == set(farm.printers)
    nameless = [p for p in printers if not p.name]
    assert nameless and all(p.display_name == f"#{p.id}" and p.type == "" for p in nameless)
    assert all(isinstance(w, int) for p in printers for w in p.workgroups or [])


async def test_printers_list_jobs_and_job_info(sim_server, farm):
    async with await client_for(sim_server) as client:
        items = await client.get_printers_list()
        assert {item.id for item in items} == set(farm.printers) and all(item.type_id for item in items)
        assert all(item.filaments and item.filaments[0].key == "0" for item in items)
        jobs = []
        for pid in sorted(farm.printers):
            page = await client.get_printer_jobs(pid, limit=100)
            assert page.unreadable == 0
            jobs += page.jobs
        anonymous = [job for job in jobs if not job.email]
        assert anonymous and all(job.filename == "" for job in anonymous)
        finished = next(job for job in jobs if job.status is JobStatus.FINISHED)
        info = await client.get_job_info(finished.id)
    record = farm.jobs[finished.id]
    assert info.print_time == record.elapsed + 1  # "….5" rounds half up
    assert info.file_size == farm.files[record.file_id].size
    assert info.extruders and all(e.weight and e.weight > 0 for e in info.extruders)


async def test_custom_report_words_and_all_fields(sim_server, farm):
    async with await client_for(sim_server) as client:
        report = await client.get_custom_report(type="json")
        wide = await client.get_custom_report(type="json", all_fields=True)
    assert report.types is not None and "Started Date/Time" in report.header
    assert set(report.statuses()) <= {JobStatus.FINISHED, JobStatus.ABORTED, JobStatus.FAILED}
    assert JobStatus.FINISHED in report.statuses() and JobStatus.UNKNOWN not in report.statuses()
    assert wide.types is not None and len(wide.header) > len(report.header)
    assert all(len(row) == len(wide.header) for row in wide.rows)


async def test_no_access_is_a_refusal_and_the_session_lives_on(sim_server, lab):
    hidden, ready = printer_id(lab, "Hidden-3"), printer_id(lab, "Ready-1")
    file_id = next(iter(lab.files))
    async with await client_for(sim_server) as admin:
        reserved = await admin.print_file(file_id, hidden, only_queue=True)
        queued = await admin.print_file(file_id, ready, only_queue=True)
    async with await client_for(sim_server, "member@example.com", "pw") as member:
        with pytest.raises(ApiError, match="No access") as info:
            await member.get_job_info(reserved.job_id)
        assert not isinstance(info.value, AuthError)
        assert await member.check_session() is True
    async with await client_for(sim_server, "queuer@example.com", "pw") as queuer:
        with pytest.raises(ApiError, match="No access") as info:
            await queuer.job_start(queued.job_id)
        assert not isinstance(info.value, AuthError) and queuer.session
        group = next(w for w in lab.workgroups.values() if w.name == "Queue only")
        async with await client_for(sim_server) as admin:
            assert [u.name for u in await admin.get_workgroup_users(group.id)] == [""]
