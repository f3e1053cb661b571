"""Each of the 35 calls: the request it sends and the model it returns (doc examples where it has them)."""

from __future__ import annotations

import inspect
from datetime import UTC, date, datetime

import pytest

from api import CALLS, JobStatus, PrinterOSClient
from api import models as m

from .conftest import SESSION

DOC_JOBS = [
    {
        "id": "26590",
        "status_id": "11",
        "filename": "micro_sim_adapter.gcode",
        "datetime": "2016-08-18 20:39:52",
        "email": "user@org_mail_domain.com",
    },
    {
        "id": "26503",
        "status_id": "45",
        "filename": "micro_sim_adapter.gcode",
        "datetime": "2016-04-01 23:34:42",
        "email": "user@org_mail_domain.com",
    },
]
DOC_JOB_INFO = {
    "id": "26582",
    "status_id": "11",
    "datetime": "2016-08-03 01:33:34",
    "printer_id": "24052",
    "print_time": "0",
    "gif_image": None,
    "picture": "9cd9f04146cb6ce84c926a40a7b4d01b68b1723e74f97c0fda07ccdbfba6132f.png",
    "notes": None,
    "file_id": "58652",
    "filename": "micro_sim_adapter_V.gcode",
    "file_size": "32842",
    "printing_duration": "100",
    "material_type": "ABS",
    "layer_height": "0",
    "color_numbers": "1",
    "extruders": '{"R":230,"L":0}',
    "weight": "0.11",
    "heated_bed": "t",
    "heated_bed_temperature": "110",
    "raft": "f",
    "supports": "f",
    "file_cost": None,
    "cost": None,
    "email": "user@org_mail_domain.com",
}
DOC_SLICER = {
    "printer_type_id": "50",
    "layer_height": "0.15",
    "nozzle_size": "0.4",
    "extruderOffset[1": "0",
    "f_material": "ABS",
    "file_id": "58627",
    "state": 3,
    "slicer_app_id": 3,
}
DOC_REPORT = [
    ["Job ID", "Printer ID", "Printer Name", "Status"],
    ["int", "int", "text", "text"],
    ["101", "24052", "MK4-01", "Finished"],
]

# (call, invoke, message the cloud answers with, form fields expected besides session, check on the result)
CASES = [
    (
        "login",
        lambda c: c.login("admin@example.com", "pw"),
        {"session": "new-session"},
        [("username", "admin@example.com"), ("password", "pw")],
        lambda r, c: c.session == "new-session",
    ),
    ("loginout", lambda c: c.loginout(), [], [], lambda r, c: c.session is None),
    ("check_session", lambda c: c.check_session(), "Session is valid", [], lambda r, c: r is True),
    (
        "get_projects",
        lambda c: c.get_projects(),
        [{"id": "3", "name": "Parts", "color": "#fff"}],
        [],
        lambda r, c: r == [m.Project(id=3, name="Parts", color="#fff")],
    ),
    (
        "get_workgroups_simple_list",
        lambda c: c.get_workgroups_simple_list(),
        [{"id": 1, "name": "Lab", "rights": "3"}],
        [],
        lambda r, c: r[0].rights == m.WorkgroupRights.CAN_QUEUE,
    ),
    (
        "get_organization_printers_list",
        lambda c: c.get_organization_printers_list(workgroup_id=4),
        [
            {
                "id": 1,
                "name": "MK4",
                "type": "Prusa",
                "snr": "x",
                "host_num": "h",
                "local_ip": "1.2.3.4",
                "workgroups": [4],
                "state": "printing",
                "temps": [60, 215.5],
                "target_temps": [60, 215],
                "percent": 42,
            }
        ],
        [("workgroup_id", "4")],
        lambda r, c: r[0].tool_temp() == 215.5 and r[0].bed_target == 60 and r[0].progress == 42,
    ),
    (
        "get_printer_jobs",
        lambda c: c.get_printer_jobs(24052, limit=5, offset=10, prev_time=0, is_actual=True),
        DOC_JOBS,
        [("printer_id", "24052"), ("limit", "5"), ("offset", "10"), ("prev_time", "0"), ("is_actual", "1")],
        lambda r, c: [j.id for j in r.jobs] == [26590, 26503] and r.jobs[1].status is JobStatus.ABORTED,
    ),
    (
        "get_job_info",
        lambda c: c.get_job_info(26582),
        DOC_JOB_INFO,
        [("job_id", "26582")],
        lambda r, c: (
            [(e.key, e.temperature) for e in r.extruders] == [("R", 230), ("L", 0)]
            and r.heated_bed is True
            and r.raft is False
            and r.weight == 0.11
            and r.printing_duration == 100
            and r.datetime == datetime(2016, 8, 3, 1, 33, 34, tzinfo=UTC)
            and r.cost is None
        ),
    ),
    (
        "get_slicer_settings_for_gcode",
        lambda c: c.get_slicer_settings_for_gcode(58627),
        None,
        [("file_id", "58627")],
        lambda r, c: r.layer_height == 0.15 and r.printer_type_id == 50 and ("extruderOffset[1", "0") in r.as_pairs(),
    ),
    (
        "file_update",
        lambda c: c.file_update({58652: {"ptype": 50, "gtype": "Cura", "zip": False}}),
        [],
        [("updates[58652][ptype]", "50"), ("updates[58652][gtype]", "Cura"), ("updates[58652][zip]", "false")],
        lambda r, c: r is None,
    ),
    (
        "get_printer_types",
        lambda c: c.get_printer_types(),
        [{"id": "50", "description": "Ultimaker 2"}],
        [],
        lambda r, c: r[0].id == 50,
    ),
    (
        "get_printer_shares",
        lambda c: c.get_printer_shares(7),
        [{"id": "9", "email": "a@b.c", "number_of_prints": None, "printer_ownership_id": "2"}],
        [("printer_id", "7")],
        lambda r, c: r[0].id == 9 and r[0].number_of_prints is None,
    ),
    (
        "share_printer",
        lambda c: c.share_printer(7, m.ShareRole.CAN_QUEUE, "a@b.c", number_of_prints=3),
        {"id": 901},
        [("printer_id", "7"), ("role_id", "5"), ("user_email", "a@b.c"), ("number_of_prints", "3")],
        lambda r, c: r == 901,
    ),
    ("unshare_printer", lambda c: c.unshare_printer(901), [], [("share_id", "901")], lambda r, c: r is None),
    (
        "add_printer_by_registration_code",
        lambda c: c.add_printer_by_registration_code("ABC123"),
        {"printer_id": "77"},
        [("registration_code", "ABC123")],
        lambda r, c: r == 77,
    ),
    (
        "get_printers_list",
        lambda c: c.get_printers_list(printer_type="K_PORTRAIT", printer_id=[1, 2]),
        [{"id": "1", "name": "Rep", "filaments": '[{"material": "PLA"}]'}],
        [("printer_type", "K_PORTRAIT"), ("printer_id[]", "1"), ("printer_id[]", "2")],
        lambda r, c: [f.material for f in r[0].filaments] == ["PLA"],
    ),
    (
        "get_workgroup_users",
        lambda c: c.get_workgroup_users(4),
        [{"id": "5", "email": "u@x.y", "name": "U Ser", "monthly_quota": None, "balance": "2.5"}],
        [("workgroup_id", "4")],
        lambda r, c: r[0].id == 5 and r[0].balance == 2.5,
    ),
    (
        "add_user_to_workgroup",
        lambda c: c.add_user_to_workgroup(4, "u@x.y"),
        ["55"],
        [("workgroup_id", "4"), ("email", "u@x.y")],
        lambda r, c: r == 55,
    ),
    (
        "delete_user_from_workgroup",
        lambda c: c.delete_user_from_workgroup(4, 55),
        [],
        [("workgroup_id", "4"), ("user_id", "55")],
        lambda r, c: r is None,
    ),
    (
        "get_printer_types_detailed",
        lambda c: c.get_printer_types_detailed(),
        [{"id": 1, "description": "X", "printer_parameters": '{"x":"340","y":"340"}'}],
        [],
        lambda r, c: r[0].printer_parameters == {"x": "340", "y": "340"},
    ),
    (
        "get_custom_report",
        lambda c: c.get_custom_report(
            from_=date(2019, 6, 1),
            to="2019-07-01",
            type="json",
            workgroups=True,
            fields=["job_id", "status"],
            all_fields=False,
        ),
        DOC_REPORT,
        [
            ("from", "2019-06-01"),
            ("to", "2019-07-01"),
            ("type", "json"),
            ("workgroups", "1"),
            ("fields", "job_id,status"),
            ("all_fields", "0"),
        ],
        lambda r, c: (
            r.types == ["int", "int", "text", "text"]
            and r.as_dicts()
            == [{"Job ID": "101", "Printer ID": "24052", "Printer Name": "MK4-01", "Status": "Finished"}]
        ),
    ),
    (
        "get_camera_list_token",
        lambda c: c.get_camera_list_token(printer_id=3),
        {"token": "cam-secret-xyz", "webcam_id": "1", "rotate": "true"},
        [("printer_id", "3")],
        lambda r, c: r.webcam_id == 1 and r.rotate is True and "cam-secret-xyz" not in repr(r),
    ),
    (
        "google_login",
        lambda c: c.google_login("gtoken"),
        {"session": "g-session", "gdpr_needed": True},
        [("token", "gtoken")],
        lambda r, c: r.gdpr_needed and c.session == "g-session",
    ),
    (
        "gdpr_registration",
        lambda c: c.gdpr_registration(gdpr1="on", gdpr2="off"),
        {"session": "s2", "email": "e@x.y"},
        [("gdpr1", "on"), ("gdpr2", "off")],
        lambda r, c: r.email == "e@x.y" and c.session == "s2",
    ),
    (
        "create_organization_user",
        lambda c: c.create_organization_user("n@x.y", 3, firstname="N", access_role=0),
        {},
        [("email", "n@x.y"), ("gdpr", "3"), ("firstname", "N"), ("access_role", "0")],
        lambda r, c: r == {},
    ),
    (
        "get_finished_jobs_report",
        lambda c: c.get_finished_jobs_report(from_="2021-07-01"),
        [
            {
                "email": "user@org.com",
                "firstname": "First name",
                "lastname": "Last name",
                "filename": "model_name.stl",
                "endtime": "2021-07-18 14:31:05",
            }
        ],
        [("from", "2021-07-01")],
        lambda r, c: r[0].endtime == datetime(2021, 7, 18, 14, 31, 5, tzinfo=UTC),
    ),
    (
        "slice",
        lambda c: c.slice(10, {"layer_height": 0.2}, slicer_id=61, add_print_job_to_printer_id=3, start_print_job=True),
        {"job_id": "appeng-job-id-uuid", "job_waiting": False, "running_jobs_limit": 3, "output_file_id": 11},
        [
            ("file_id", "10"),
            ("slicer_id", "61"),
            ("profile", '{"layer_height":0.2}'),
            ("add_print_job_to_printer_id", "3"),
            ("start_print_job", "1"),
        ],
        lambda r, c: r.output_file_id == 11 and r.job_id == "appeng-job-id-uuid",
    ),
    (
        "print_file",
        lambda c: c.print_file(10, 3, only_queue=True),
        {"job_id": "26700"},
        [("file_id", "10"), ("printer_id", "3"), ("only_queue", "1")],
        lambda r, c: r.job_id == 26700,
    ),
    ("job_start", lambda c: c.job_start(26700), "Ok", [("job_id", "26700")], lambda r, c: r == "Ok"),
    ("job_pause", lambda c: c.job_pause(26700), "Ok", [("job_id", "26700")], lambda r, c: r == "Ok"),
    ("job_unpause", lambda c: c.job_unpause(26700), "Ok", [("job_id", "26700")], lambda r, c: r == "Ok"),
    ("job_cancel", lambda c: c.job_cancel(26700), "Ok", [("job_id", "26700")], lambda r, c: r == "Ok"),
    (
        "update_user_settings",
        lambda c: c.update_user_settings(5, balance=10, quota=20),
        "Ok",
        [("user_id", "5"), ("balance", "10"), ("quota", "20")],
        lambda r, c: r == "Ok",
    ),
    (
        "printer_clear_build_tray",
        lambda c: c.printer_clear_build_tray(3, is_clear=False),
        "Ok",
        [("printer_id", "3"), ("is_clear", "false")],
        lambda r, c: r == "Ok",
    ),
]


def test_every_call_has_a_case_and_a_method():
    covered = {case[0] for case in CASES} | {"upload"}
    assert covered == set(CALLS), set(CALLS) ^ covered
    assert len(CALLS) == 35
    for name in CALLS:
        assert inspect.iscoroutinefunction(getattr(PrinterOSClient, name)), name


@pytest.mark.parametrize(("call", "invoke", "message", "fields", "check"), CASES, ids=[c[0] for c in CASES])
async def test_call_request_and_model(cloud, client, call, invoke, message, fields, check):
    if call == "get_slicer_settings_for_gcode":
        cloud.answer(call, body={"success": True, "result": DOC_SLICER})
    else:
        cloud.answer(call, message)
    result = await invoke(client)
    request = cloud.last
    assert request.method == "POST"
    assert request.url.path == f"/apiglobal/{call}"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    form = cloud.form()
    needs_session = CALLS[call].needs_session
    assert (("session", SESSION) in form) == needs_session
    assert [pair for pair in form if pair[0] != "session"] == fields
    assert check(result, client)


async def test_optional_parameters_are_left_out(cloud, client):
    cloud.answer("get_printer_jobs", [])
    await client.get_printer_jobs(5)
    assert cloud.form() == [("session", SESSION), ("printer_id", "5")]
    cloud.answer("get_custom_report", [["A"]])
    await client.get_custom_report(type="json")
    assert cloud.form() == [("session", SESSION), ("type", "json")]


async def test_printer_jobs_time_token_round_trips(cloud, client):
    cloud.answer("get_printer_jobs", body={"result": True, "message": DOC_JOBS[:1], "time": "1700000000.5"})
    page = await client.get_printer_jobs(1, prev_time=0)
    assert page.time == "1700000000.5" and len(page.jobs) == 1
    cloud.answer("get_printer_jobs", body={"result": True, "message": [], "time": "1700000003.0"})
    await client.get_printer_jobs(1, prev_time=page.time)
    assert ("prev_time", "1700000000.5") in cloud.form()


async def test_custom_report_csv_comes_back_as_text(cloud, client):
    import httpx

    cloud.responses["get_custom_report"] = httpx.Response(
        200, text="Job ID,Status\n1,Finished\n", headers={"content-type": "text/csv"}
    )
    assert await client.get_custom_report() == "Job ID,Status\n1,Finished\n"


async def test_report_without_type_row_is_detected(cloud, client):
    cloud.answer("get_custom_report", [["Job ID", "Status"], ["101", "Finished"]])
    report = await client.get_custom_report(type="json")
    assert report.types is None and report.rows == [["101", "Finished"]]


async def test_upload_is_multipart_streamed_from_disk(cloud, client, tmp_path):
    gcode = tmp_path / "part.gcode"
    gcode.write_bytes(b"G28\n" * 5000)
    cloud.answer("upload", {"file_id": "58700", "show_select_printers": True, "project_id": 4, "slicer": ""})
    result = await client.upload(gcode, project_name="Lab", project_color="#123456", upload_type_id=7)
    request = cloud.last
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    body = request.content
    assert b'name="session"\r\n\r\n' + SESSION.encode() in body
    assert b'name="project_name"\r\n\r\nLab' in body
    assert b'name="upload_type_id"\r\n\r\n7' in body
    assert b'filename="part.gcode"' in body and body.count(b"G28\n") == 5000
    assert b"project_id" not in body
    assert result.file_id == 58700 and result.project_id == 4


async def test_logout_posts_logout_first(cloud, client):
    cloud.answer("logout", [])
    await client.loginout()
    assert [r.url.path for r in cloud.requests] == ["/apiglobal/logout"]
    assert client.session is None


async def test_logout_falls_back_to_loginout_path(cloud, client):
    cloud.answer("loginout", [])
    await client.loginout()
    assert [r.url.path for r in cloud.requests] == ["/apiglobal/logout", "/apiglobal/loginout"]
    assert client.session is None


async def test_client_from_saved_session_sends_it(cloud):
    import httpx

    cloud.answer("check_session", "Session is valid")
    async with PrinterOSClient.from_session(
        "saved-1", "https://x.example", transport=httpx.MockTransport(cloud.handler)
    ) as c:
        assert await c.check_session() is True
    assert ("session", "saved-1") in cloud.form()
