"""Every call of the simulated cloud, through real HTTP: its success answer and its failure envelope."""

from __future__ import annotations

import httpx
import pytest

from api import CALLS, ApiError, AuthError, PrinterOSClient, TransportError
from api import models as m
from api.sim import DEMO_PASSWORD, DEMO_USERNAME

from ..conftest import login, printer_id


def ready(lab):
    return printer_id(lab, "Ready-1")


def a_file(lab):
    return next(iter(lab.files))


def member_id(lab):
    return next(u.id for u in lab.users.values() if u.email == "member@example.com")


# call -> (succeeds, fails): coroutines of (client, lab); the failing one must raise ApiError
CASES = {
    "login": (lambda c, lab: c.login(DEMO_USERNAME, DEMO_PASSWORD), lambda c, lab: c.login(DEMO_USERNAME, "wrong")),
    "check_session": (lambda c, lab: c.check_session(), None),
    "get_projects": (lambda c, lab: c.get_projects(), None),
    "get_workgroups_simple_list": (lambda c, lab: c.get_workgroups_simple_list(), None),
    "get_organization_printers_list": (
        lambda c, lab: c.get_organization_printers_list(),
        lambda c, lab: c.get_organization_printers_list(printer_id=999999),
    ),
    "get_printer_jobs": (
        lambda c, lab: c.get_printer_jobs(ready(lab)),
        lambda c, lab: c.get_printer_jobs(ready(lab), limit=-1),
    ),
    "get_job_info": (lambda c, lab: _queued_then(c, lab, "get_job_info"), lambda c, lab: c.get_job_info(1)),
    "get_slicer_settings_for_gcode": (
        lambda c, lab: c.get_slicer_settings_for_gcode(a_file(lab)),
        lambda c, lab: c.get_slicer_settings_for_gcode(1),
    ),
    "file_update": (
        lambda c, lab: c.file_update({a_file(lab): {"ptype": 81, "gtype": "Cura", "zip": False}}),
        lambda c, lab: c.file_update({a_file(lab): {"ptype": 123456}}),
    ),
    "get_printer_types": (lambda c, lab: c.get_printer_types(), None),
    "get_printer_shares": (
        lambda c, lab: c.get_printer_shares(ready(lab)),
        lambda c, lab: c.get_printer_shares(424242),
    ),
    "share_printer": (
        lambda c, lab: c.share_printer(ready(lab), 2, "member@example.com"),
        lambda c, lab: c.share_printer(ready(lab), 9, "member@example.com"),
    ),
    "unshare_printer": (lambda c, lab: _share_then_unshare(c, lab), lambda c, lab: c.unshare_printer(777)),
    "add_printer_by_registration_code": (
        lambda c, lab: c.add_printer_by_registration_code("ABCD1234"),
        lambda c, lab: c.add_printer_by_registration_code("no!"),
    ),
    "get_printers_list": (lambda c, lab: c.get_printers_list(printer_id=[ready(lab)]), None),
    "get_workgroup_users": (
        lambda c, lab: c.get_workgroup_users(min(lab.workgroups)),
        lambda c, lab: c.get_workgroup_users(5),
    ),
    "add_user_to_workgroup": (
        lambda c, lab: c.add_user_to_workgroup(min(lab.workgroups), "queuer@example.com"),
        lambda c, lab: c.add_user_to_workgroup(min(lab.workgroups), "nobody@example.com"),
    ),
    "delete_user_from_workgroup": (
        lambda c, lab: c.delete_user_from_workgroup(min(lab.workgroups), member_id(lab)),
        lambda c, lab: c.delete_user_from_workgroup(min(lab.workgroups), 1),
    ),
    "get_printer_types_detailed": (lambda c, lab: c.get_printer_types_detailed(), None),
    "get_custom_report": (
        lambda c, lab: c.get_custom_report(),
        lambda c, lab: c.get_custom_report(from_="2024-01-01", to="2025-06-01"),
    ),
    "get_camera_list_token": (
        lambda c, lab: c.get_camera_list_token(printer_id=ready(lab)),
        lambda c, lab: c.get_camera_list_token(printer_id=5),
    ),
    "google_login": (lambda c, lab: _google(c, lab), lambda c, lab: c.google_login("forged")),
    "gdpr_registration": (lambda c, lab: _gdpr(c, lab), lambda c, lab: _gdpr_refused(c, lab)),
    "create_organization_user": (
        lambda c, lab: c.create_organization_user("new@example.com", 3, firstname="New"),
        lambda c, lab: c.create_organization_user("not-an-email", 3),
    ),
    "get_finished_jobs_report": (
        lambda c, lab: c.get_finished_jobs_report(),
        lambda c, lab: c.get_finished_jobs_report(from_="bad"),
    ),
    "slice": (
        lambda c, lab: c.slice(a_file(lab), {"layer_height": 0.2}),
        lambda c, lab: c.slice(a_file(lab), "not json"),
    ),
    "print_file": (lambda c, lab: c.print_file(a_file(lab), ready(lab)), lambda c, lab: c.print_file(999, ready(lab))),
    "job_start": (lambda c, lab: _queued_then(c, lab, "job_start"), lambda c, lab: c.job_start(424242)),
    "job_pause": (lambda c, lab: _printing_then(c, lab, "job_pause"), lambda c, lab: _queued_then(c, lab, "job_pause")),
    "job_unpause": (lambda c, lab: _paused_then_unpause(c, lab), lambda c, lab: _printing_then(c, lab, "job_unpause")),
    "job_cancel": (lambda c, lab: _queued_then(c, lab, "job_cancel"), lambda c, lab: c.job_cancel(424242)),
    "update_user_settings": (
        lambda c, lab: c.update_user_settings(member_id(lab), balance=5, quota=9),
        lambda c, lab: c.update_user_settings(1),
    ),
    "printer_clear_build_tray": (
        lambda c, lab: c.printer_clear_build_tray(ready(lab)),
        lambda c, lab: _printing_then(c, lab, "printer_clear_build_tray", by_printer=True),
    ),
    "loginout": (lambda c, lab: c.loginout(), None),
    "upload": (None, None),  # tests of their own below
}


async def _share_then_unshare(c, lab):
    share = await c.share_printer(ready(lab), 5, "member@example.com")
    return await c.unshare_printer(share)


async def _google(c, lab):
    lab.google_tokens["good-token"] = DEMO_USERNAME
    return await c.google_login("good-token")


async def _gdpr(c, lab):
    result = await c.google_login("new-user:fresh@example.com")
    assert result.gdpr_needed
    with pytest.raises(ApiError, match="GDPR"):
        await c.get_projects()
    return await c.gdpr_registration(gdpr1="on")


async def _gdpr_refused(c, lab):
    await c.google_login("new-user:other@example.com")
    return await c.gdpr_registration(gdpr1="off")


async def _queued_then(c, lab, action):
    job = await c.print_file(a_file(lab), ready(lab), only_queue=True)
    return await getattr(c, action)(job.job_id)


async def _printing_then(c, lab, action, by_printer=False):
    job = await c.print_file(a_file(lab), ready(lab))
    lab.step(10)
    return await getattr(c, action)(ready(lab) if by_printer else job.job_id)


async def _paused_then_unpause(c, lab):
    job = await c.print_file(a_file(lab), ready(lab))
    lab.step(10)
    await c.job_pause(job.job_id)
    return await c.job_unpause(job.job_id)


def test_every_call_is_covered_here():
    assert set(CASES) == set(CALLS)


@pytest.mark.parametrize("call", [c for c, (ok, _) in CASES.items() if ok], ids=str)
async def test_call_succeeds(admin, lab, call):
    ok, _ = CASES[call]
    await ok(admin, lab)


@pytest.mark.parametrize("call", [c for c, (_, bad) in CASES.items() if bad], ids=str)
async def test_call_fails_with_envelope(admin, lab, call):
    _, bad = CASES[call]
    with pytest.raises(ApiError) as info:
        await bad(admin, lab)
    assert info.value.status not in (None, 200, 500), info.value
    assert info.value.message


@pytest.mark.parametrize("call", sorted(c for c, spec in CALLS.items() if spec.needs_session and c != "upload"))
async def test_every_session_call_refuses_a_missing_session(sim_server, lab, call):
    async with httpx.AsyncClient(base_url=sim_server.base_url) as raw:
        response = await raw.post(f"/apiglobal/{call}", data={})
    assert response.status_code == 401
    assert response.json() == {"result": False, "message": "Session is required"}


async def test_missing_and_malformed_parameters(sim_server, admin, lab):
    async with httpx.AsyncClient(base_url=sim_server.base_url) as raw:
        missing = await raw.post("/apiglobal/get_printer_jobs", data={"session": admin.session})
        malformed = await raw.post("/apiglobal/get_printer_jobs", data={"session": admin.session, "printer_id": "abc"})
        unknown = await raw.post("/apiglobal/no_such_call", data={})
        slash = await raw.post("/apiglobal/check_session/", data={"session": admin.session})
        logout = await raw.post("/apiglobal/logout", data={"session": admin.session})
    assert (missing.status_code, missing.json()["message"]) == (400, "Parameter printer_id is required")
    assert (malformed.status_code, malformed.json()["message"]) == (400, "Parameter printer_id must be an integer")
    assert unknown.status_code == 404 and unknown.json()["result"] is False
    assert slash.json() == {"result": True, "message": "Session is valid"}
    assert logout.json() == {"result": True, "message": []}


async def test_wire_format_is_loose_like_the_cloud(sim_server, admin, lab):
    await admin.print_file(a_file(lab), ready(lab))
    async with httpx.AsyncClient(base_url=sim_server.base_url) as raw:
        jobs = (
            await raw.post("/apiglobal/get_printer_jobs", data={"session": admin.session, "printer_id": ready(lab)})
        ).json()
        info = (
            await raw.post(
                "/apiglobal/get_job_info", data={"session": admin.session, "job_id": jobs["message"][0]["id"]}
            )
        ).json()
        slicer = (
            await raw.post(
                "/apiglobal/get_slicer_settings_for_gcode", data={"session": admin.session, "file_id": a_file(lab)}
            )
        ).json()
    assert isinstance(jobs["message"][0]["id"], str) and isinstance(jobs["message"][0]["status_id"], str)
    assert info["message"]["heated_bed"] in ("t", "f") and isinstance(info["message"]["extruders"], str)
    assert slicer["success"] is True and "result" in slicer


async def test_upload_streams_checks_type_and_size(admin, lab, tmp_path):
    gcode = tmp_path / "holder.gcode"
    gcode.write_bytes(b"; layer_height = 0.16\n" + b"G1 X1 Y1\n" * 20000)
    result = await admin.upload(gcode, project_name="Fixtures", project_color="#abcdef")
    assert result.show_select_printers is True
    projects = {p.id: p.name for p in await admin.get_projects()}
    assert projects[result.project_id] == "Fixtures"
    settings = await admin.get_slicer_settings_for_gcode(result.file_id)
    assert settings.layer_height == 0.16
    job = await admin.print_file(result.file_id, ready(lab), only_queue=True)
    assert job.job_id > 0
    bad_type = tmp_path / "notes.txt"
    bad_type.write_text("hello")
    with pytest.raises(ApiError, match="not supported") as info:
        await admin.upload(bad_type)
    assert info.value.status == 415
    lab.settings.max_upload_bytes = 1024
    with pytest.raises(ApiError, match="larger than") as info:
        await admin.upload(gcode)
    assert info.value.status == 413


@pytest.fixture(params=["doc", "realistic"])
def mode(request, lab):
    """Run a test against the doc's shapes and against the realistic mode's (read at answer time)."""
    lab.settings.realistic = request.param == "realistic"
    return request.param


async def test_reports_csv_json_and_range(admin, lab, mode):
    job = await admin.print_file(a_file(lab), ready(lab))
    lab.step(3600)
    csv_text = await admin.get_custom_report()
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("Job ID,Printer ID,Printer Name") and str(job.job_id) in lines[1]
    report = await admin.get_custom_report(type="json", fields="job_id,status,real_print_time", workgroups=True)
    assert report.header == ["Job ID", "Status", "Real Print Time", "Workgroup IDs", "Workgroup Names"]
    assert report.types is not None and report.as_dicts()[0]["Status"] == (
        "DONE" if mode == "realistic" else "Finished"
    )
    finished = await admin.get_finished_jobs_report()
    assert [f.filename for f in finished] == ["cube.gcode"] and finished[0].endtime is not None
    with pytest.raises(ApiError, match="365 days"):
        await admin.get_finished_jobs_report(from_="2024-01-01", to="2025-06-01")


async def test_member_sees_only_their_printers(sim_server, lab, mode):
    member = await login(sim_server, "member@example.com")
    async with member:
        names = sorted(p.name for p in await member.get_organization_printers_list())
        assert names == ["Ready-1", "Ready-2"]
        refusal = "No access" if mode == "realistic" else "not found or not accessible"
        with pytest.raises(ApiError, match=refusal) as info:
            await member.get_printer_jobs(printer_id(lab, "Hidden-3"))
        assert not isinstance(info.value, AuthError) and info.value.status == (200 if mode == "realistic" else 404)
        with pytest.raises(ApiError, match="admin") as info:
            await member.get_custom_report()
        assert not isinstance(info.value, AuthError) and info.value.status == 403
        assert await member.check_session() is True  # a refusal left the session alone
        assert len(await member.get_workgroups_simple_list()) == 1


async def test_can_queue_cannot_start(sim_server, lab, mode):
    queuer = await login(sim_server, "queuer@example.com")
    file_id = a_file(lab)
    lab.files[file_id].owner_id = next(u.id for u in lab.users.values() if u.email == "queuer@example.com")
    async with queuer:
        job = await queuer.print_file(file_id, ready(lab), only_queue=True)
        refusal = "No access" if mode == "realistic" else "only queue"
        with pytest.raises(ApiError, match=refusal) as info:
            await queuer.job_start(job.job_id)
        assert not isinstance(info.value, AuthError) and info.value.status == 403
        with pytest.raises(ApiError, match=refusal) as info:
            await queuer.print_file(file_id, ready(lab))
        assert not isinstance(info.value, AuthError)
        assert await queuer.check_session() is True


async def test_session_expires_after_idle_time(admin, lab):
    assert await admin.check_session() is True
    lab.step(lab.settings.session_idle_seconds + 1)
    assert await admin.check_session() is False
    with pytest.raises(AuthError, match=r"expired|Invalid"):
        await admin.get_projects()


async def test_logout_ends_the_session(sim_server, lab):
    client = await login(sim_server, DEMO_USERNAME, DEMO_PASSWORD)
    async with client:
        old = client.session
        await client.loginout()
        client.session = old
        with pytest.raises(AuthError):
            await client.get_projects()


def test_models_read_every_sim_answer_exactly():
    """The sim shares the models: a printer item it sends validates with no key the model leaves untyped."""
    from api.sim import FarmSettings, SimClock, generate_farm
    from api.sim.printers import printer_json

    farm = generate_farm(10, seed=2, clock=SimClock.frozen_at(), settings=FarmSettings.quiet())
    for printer in farm.printers.values():
        model = m.Printer.model_validate(printer_json(farm, printer))
        assert model.model_extra == {}
        assert model.name == printer.name


async def test_client_refused_when_server_gone():
    from api.sim import FarmSettings, SimClock, SimServer, generate_farm

    server = SimServer(generate_farm(2, clock=SimClock.frozen_at(), settings=FarmSettings.quiet())).start()
    client = PrinterOSClient(server.base_url)
    await client.login(DEMO_USERNAME, DEMO_PASSWORD)
    server.stop()
    with pytest.raises(TransportError):
        await client.get_projects()
    await client.aclose()
