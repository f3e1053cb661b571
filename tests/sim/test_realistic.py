"""The realistic mode (issue 8) at the wire: raw HTTP against the running simulated cloud, so what is
pinned is what the cloud sends, whatever the client makes of it."""

from __future__ import annotations

import json
from dataclasses import replace

import httpx
import pytest

from api.sim import DEMO_PASSWORD, DEMO_USERNAME, FarmSettings, SimClock, generate_farm
from api.sim.generate import farm_from_dict
from api.sim.realistic import nameless as is_nameless

from ..conftest import LAB, printer_id


def realistic_farm(**changes):
    settings = replace(FarmSettings(seed=7), realistic=True, **changes)
    return generate_farm(24, seed=7, clock=SimClock.frozen_at(), settings=settings)


@pytest.fixture
def farm(sim_server):
    sim_server.farm = realistic_farm(unreadable_every=0)
    sim_server.faults.clear()
    return sim_server.farm


@pytest.fixture
def lab(sim_server):
    """The small test lab (member, "can queue" member, a printer reserved to no one's group) in the mode."""
    sim_server.farm = farm_from_dict(
        LAB, clock=SimClock.frozen_at(), settings=replace(FarmSettings.quiet(), realistic=True)
    )
    sim_server.faults.clear()
    return sim_server.farm


@pytest.fixture
async def raw(sim_server):
    async with httpx.AsyncClient(base_url=sim_server.base_url, timeout=10) as client:
        yield client


async def call(raw, name: str, session: str | None = None, **data):
    answer = await raw.post(f"/apiglobal/{name}", data={**({"session": session} if session else {}), **data})
    return answer.status_code, answer.json()


async def session_of(raw, email: str = DEMO_USERNAME, password: str = DEMO_PASSWORD) -> str:
    status, body = await call(raw, "login", username=email, password=password)
    assert status == 200, body
    return body["message"]["session"]


async def test_printer_list_string_ids_and_null_names(raw, farm):
    session = await session_of(raw)
    status, body = await call(raw, "get_organization_printers_list", session)
    printers = body["message"]
    assert status == 200 and len(printers) == 24
    assert all(isinstance(p["id"], str) and int(p["id"]) in farm.printers for p in printers)
    assert all(isinstance(w, str) for p in printers for w in p["workgroups"] or [])
    nameless = [p for p in printers if p["name"] is None]
    assert 1 <= len(nameless) < 12 and all(p["type"] is None for p in nameless)
    assert all(isinstance(p["name"], str) and p["type"] for p in printers if p not in nameless)
    # The same seed makes the same printers nameless.
    again = realistic_farm(unreadable_every=0)
    assert {int(p["id"]) for p in nameless} == {p.id for p in again.printers.values() if is_nameless(again, p)}


async def test_one_unreadable_record_now_and_then(raw, sim_server):
    sim_server.farm = realistic_farm(unreadable_every=3)
    session = await session_of(raw)

    async def spoiled():
        _, body = await call(raw, "get_organization_printers_list", session)
        return [p["id"] for p in body["message"] if p["percent"] == "99.9%"]

    seen = [await spoiled() for _ in range(6)]
    assert [len(s) for s in seen] == [0, 0, 1, 0, 0, 1]
    # A look-up of one printer is never spoiled, and the spoiled record is the only bad field.
    _, one = await call(raw, "get_organization_printers_list", session, printer_id=seen[2][0])
    assert isinstance(one["message"][0]["percent"], int | float)
    sim_server.farm = realistic_farm(unreadable_every=3)
    session = await session_of(raw)
    assert [await spoiled() for _ in range(6)] == seen  # deterministic from the seed


async def test_demo_shapes_are_the_docs_when_the_mode_is_off(raw, sim_server):
    sim_server.farm = generate_farm(24, seed=7, clock=SimClock.frozen_at(), settings=FarmSettings(seed=7))
    session = await session_of(raw)
    printers = (await call(raw, "get_organization_printers_list", session))[1]["message"]
    assert all(isinstance(p["id"], int) and p["name"] for p in printers)
    items = (await call(raw, "get_printers_list", session))[1]["message"]
    assert all("id" in item and "printer_id" not in item for item in items)


async def test_printers_list_keyed_by_printer_id_with_filaments_by_index(raw, farm):
    session = await session_of(raw)
    status, body = await call(raw, "get_printers_list", session)
    items = body["message"]
    assert status == 200 and len(items) == 24
    for item in items:
        assert "id" not in item and "printer_type_id" not in item
        assert int(item["printer_id"]) in farm.printers and item["type_id"].isdigit()
        filaments = json.loads(item["filaments"])
        assert isinstance(filaments, dict) and set(filaments) >= {"0"}
        assert filaments["0"]["diameter"] in (1.75, 2.85)
    assert any(item["name"] is None for item in items)


async def test_job_info_fractions_and_both_extruder_shapes(raw, farm):
    session = await session_of(raw)
    finished = [j for j in sorted(farm.jobs.values(), key=lambda j: j.id) if j.status_id == 77]
    shapes = set()
    for job in finished[:12]:
        status, body = await call(raw, "get_job_info", session, job_id=job.id)
        info = body["message"]
        assert status == 200
        assert info["print_time"].endswith(".5") and float(info["print_time"]) == job.elapsed + 0.5
        assert isinstance(info["printing_duration"], float) and info["printing_duration"] % 1 == 0.5
        assert info["file_size"].endswith(".0") and float(info["file_size"]) == farm.files[job.file_id].size
        extruders = json.loads(info["extruders"])
        count = farm.printer_types[farm.printers[job.printer_id].type_id].extruders
        if isinstance(extruders, list):  # per-extruder objects: grams, no temperature
            assert len(extruders) == count and all(set(e) == {"w"} for e in extruders) and extruders[0]["w"] > 0
        else:  # the doc's temperatures by side
            assert extruders["R"] == int(farm.files[job.file_id].nozzle_temp) and len(extruders) == count
        shapes.add(type(extruders))
    assert shapes == {list, dict}


async def test_jobs_with_null_email_and_file_name(raw, farm):
    session = await session_of(raw)
    jobs = []
    for printer in sorted(farm.printers):
        jobs += (await call(raw, "get_printer_jobs", session, printer_id=printer, limit=100))[1]["message"]
    anonymous = [j for j in jobs if j["email"] is None]
    assert 1 <= len(anonymous) < len(jobs) / 2
    assert all(j["filename"] is None for j in anonymous)
    info = (await call(raw, "get_job_info", session, job_id=anonymous[0]["id"]))[1]["message"]
    assert info["email"] is None and info["filename"] is None


async def test_custom_report_words_and_columns(raw, farm):
    session = await session_of(raw)
    _, body = await call(raw, "get_custom_report", session, type="json")
    header, types, *rows = body["message"]
    at = header.index("Print Date/Time")
    assert header[at + 1] == "Started Date/Time" and types[at + 1] == "datetime"
    statuses = {row[header.index("Status")] for row in rows}
    assert {"DONE", "CANCELLED_WEB"} <= statuses and statuses <= {"DONE", "CANCELLED_WEB", "FAILED"}
    _, every = await call(raw, "get_custom_report", session, type="json", all_fields="1")
    wide_header, wide_types, *_ = every["message"]
    assert len(wide_header) > 19 and "Started Date/Time" in wide_header
    assert set(wide_types) - {"int", "text", "float"}  # type words outside the doc's list


async def test_no_access_for_jobs_on_other_workgroups_printers(raw, lab, sim_server):
    hidden = printer_id(lab, "Hidden-3")
    admin = await session_of(raw)
    _, body = await call(raw, "print_file", admin, file_id=next(iter(lab.files)), printer_id=hidden, only_queue="1")
    job_id = body["message"]["job_id"]
    member = await session_of(raw, "member@example.com", "pw")
    for name, data in (("get_job_info", {"job_id": job_id}), ("get_printer_jobs", {"printer_id": hidden})):
        assert await call(raw, name, member, **data) == (200, {"result": False, "message": "No access"})
    # An id that does not exist is still "not found".
    status, body = await call(raw, "get_job_info", member, job_id=999999)
    assert status == 404 and body["result"] is False


async def test_can_queue_member_starting_a_print_gets_no_access(raw, lab):
    ready = printer_id(lab, "Ready-1")
    file_id = next(iter(lab.files))
    admin = await session_of(raw)
    _, body = await call(raw, "print_file", admin, file_id=file_id, printer_id=ready, only_queue="1")
    queuer = await session_of(raw, "queuer@example.com", "pw")
    refusal = (403, {"result": False, "message": "No access"})
    assert await call(raw, "job_start", queuer, job_id=body["message"]["job_id"]) == refusal
    # Queueing is what this member may do; starting is not.
    assert (await call(raw, "check_session", queuer))[0] == 200


async def test_workgroup_users_without_a_name_are_null(raw, lab):
    admin = await session_of(raw)
    group = next(w for w in lab.workgroups.values() if w.name == "Queue only")
    _, body = await call(raw, "get_workgroup_users", admin, workgroup_id=group.id)
    assert [u["name"] for u in body["message"]] == [None]
    _, groups = await call(raw, "get_workgroups_simple_list", admin)
    assert all(isinstance(g["id"], str) for g in groups["message"])


@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        ("unauthorized", (401, {"result": False, "message": "Unauthorized"})),
        ("too_many_sessions", (200, {"result": False, "message": "Too many open sessions"})),
    ],
)
async def test_login_storm_fault(raw, lab, sim_server, kind, answer):
    """Logins succeed and every call after them is refused: the sim counts the logins."""
    sim_server.calls.clear()
    (await raw.post("/sim/faults", json={"refuse_sessions": kind})).raise_for_status()
    for _ in range(3):
        session = await session_of(raw)
        assert await call(raw, "get_organization_printers_list", session) == answer
        assert await call(raw, "check_session", session) == answer
    assert sim_server.logins == 3
    assert (await raw.get("/sim/state")).json()["logins"] == 3
    (await raw.post("/sim/faults", json={"clear": True})).raise_for_status()
    session = await session_of(raw)
    assert (await call(raw, "get_organization_printers_list", session))[0] == 200
