"""Shapes public callers of the real cloud show: nulls, fractions, other keys, other spellings."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from api import JobStatus, PrinterOSClient, PrinterState, state_words
from api import models as m

from .conftest import SESSION


async def test_null_printer_texts_become_empty_and_nameless_printer_shows_its_id(cloud, client):
    cloud.answer(
        "get_organization_printers_list",
        [{"id": "7", "name": None, "type": None, "state": None}, {"id": 8, "name": "Bay 8", "state": "ready"}],
    )
    nameless, named = await client.get_organization_printers_list()
    assert (nameless.name, nameless.type, nameless.state) == ("", "", "")
    assert nameless.display_name == "#7" and named.display_name == "Bay 8"
    assert nameless.state_kind is PrinterState.UNKNOWN


async def test_null_job_and_user_texts_become_empty(cloud, client):
    cloud.answer("get_printer_jobs", [{"id": "1", "status_id": "77", "filename": None, "email": None}])
    (job,) = (await client.get_printer_jobs(3)).jobs
    assert job.filename == "" and job.email == ""
    cloud.answer("get_job_info", {"id": "1", "status_id": "77", "filename": None, "email": None})
    info = await client.get_job_info(1)
    assert info.filename == "" and info.email == ""
    cloud.answer("get_workgroup_users", [{"id": "5", "email": "u@x.y", "name": None}])
    (user,) = await client.get_workgroup_users(4)
    assert user.name == ""


async def test_fractional_seconds_and_sizes(cloud, client):
    cloud.answer(
        "get_job_info",
        {"id": "9", "status_id": "21", "print_time": "3600.5", "printing_duration": 1234.7, "file_size": "32842.0"},
    )
    info = await client.get_job_info(9)
    assert (info.print_time, info.printing_duration, info.file_size) == (3601, 1235, 32842)


async def test_printers_list_keyed_by_printer_id_and_type_id(cloud, client):
    cloud.answer(
        "get_printers_list",
        [{"printer_id": "41", "type_id": "50", "name": "Rep", "filaments": '{"0": {"material": "PLA"}}'}],
    )
    (item,) = await client.get_printers_list()
    assert item.id == 41 and item.type_id == 50 and item.display_name == "Rep"
    assert [(f.key, f.material) for f in item.filaments] == [("0", "PLA")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"R": 230, "L": 0}', [("R", 230.0, None), ("L", 0.0, None)]),
        ({"R": "215"}, [("R", 215.0, None)]),
        ('[{"w": 12.3}, {"w": "4", "temperature": 210}]', [("0", None, 12.3), ("1", 210.0, 4.0)]),
        ([{"weight": 1.5, "temp": 200}], [("0", 200.0, 1.5)]),
        ({"1": {"w": 2}, "0": {"w": 1}, "10": {"w": 3}}, [("0", None, 1.0), ("1", None, 2.0), ("10", None, 3.0)]),
        ("{not json", []),
        (None, []),
    ],
)
def test_extruders_in_every_shape_become_one_list(raw, expected):
    info = m.JobInfo.model_validate({"id": 1, "status_id": 21, "extruders": raw})
    assert [(e.key, e.temperature, e.weight) for e in info.extruders] == expected


def test_filaments_keyed_by_index_keep_their_order_and_details():
    item = m.PrinterListItem.model_validate(
        {"id": 1, "filaments": {"1": {"material": "PETG", "diameter": 1.75}, "0": {"material": "PLA", "w": 9}}}
    )
    assert [(f.key, f.material, f.weight) for f in item.filaments] == [("0", "PLA", 9.0), ("1", "PETG", None)]
    assert item.filaments[1].details == {"material": "PETG", "diameter": 1.75}


async def test_custom_report_with_status_words_started_column_extra_columns_and_unknown_types(cloud, client):
    cloud.answer(
        "get_custom_report",
        [
            ["Job ID", "Status", "Print Date/Time", "Started Date/Time", "Spool", "Cost"],
            ["int", "text", "datetime", "datetime", "spool_ref", "money"],
            [101, "DONE", "2024-01-02 10:00:00", "2024-01-02 10:05:00", "S-1", 1.5],
            [102, "CANCELLED_WEB", "2024-01-03 11:00:00", None, "S-2", 0],
            [103, "FAILED", "2024-01-04 12:00:00", "2024-01-04 12:01:00", "S-3", 0.2],
        ],
    )
    report = await client.get_custom_report(type="json", all_fields=True)
    assert report.types == ["int", "text", "datetime", "datetime", "spool_ref", "money"]
    assert len(report.rows) == 3
    assert report.statuses() == [JobStatus.FINISHED, JobStatus.ABORTED, JobStatus.FAILED]
    assert report.column("Started Date/Time") == ["2024-01-02 10:05:00", None, "2024-01-04 12:01:00"]
    assert report.as_dicts()[0]["Spool"] == "S-1"  # a column the doc does not list is kept


def test_custom_report_data_row_is_never_taken_for_types():
    report = m.parse_custom_report([["File", "Status"], ["cube", "done"], ["gear", "DONE"]])
    assert report.types is None and len(report.rows) == 2


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("DONE", JobStatus.FINISHED),
        ("CANCELLED_WEB", JobStatus.ABORTED),
        ("canceled by user", JobStatus.ABORTED),
        ("IN_QUEUE", JobStatus.QUEUED),
        ("PRINTING", JobStatus.PRINTING),
        ("77", JobStatus.FINISHED),
        ("MELTED", JobStatus.UNKNOWN),
    ],
)
def test_report_status_words(word, status):
    assert JobStatus.from_word(word) is status


def test_states_in_words_printing_locally_and_states_the_doc_does_not_list():
    assert state_words("printing", has_printing_job=False) == "printing locally"
    assert state_words("printing", has_printing_job=True) == "printing"
    assert state_words("printing") == "printing"  # not looked up yet
    assert state_words("notconnected") == "offline" and state_words("bed_not_clear") == "bed not clear"
    assert state_words("cooling_down") == "cooling down"
    assert state_words("up\u202edating\n") == "updating"
    assert state_words(None) == "unknown"


async def test_printing_job_of_a_page(cloud, client):
    cloud.answer("get_printer_jobs", [{"id": "1", "status_id": "11"}])
    page = await client.get_printer_jobs(3, is_actual=True)
    assert page.printing_job is None
    cloud.answer("get_printer_jobs", [{"id": "1", "status_id": "11"}, {"id": "2", "status_id": "21"}])
    assert (await client.get_printer_jobs(3)).printing_job.id == 2


async def test_cloud_time_zone_is_a_client_setting(cloud):
    cloud.answer("get_printer_jobs", [{"id": "1", "status_id": "11", "datetime": "2016-08-18 20:39:52"}])
    transport = httpx.MockTransport(cloud.handler)
    async with PrinterOSClient("https://x.example", session=SESSION, transport=transport) as default:
        (job,) = (await default.get_printer_jobs(1)).jobs
        assert job.datetime == datetime(2016, 8, 18, 20, 39, 52, tzinfo=UTC)
    async with PrinterOSClient(
        "https://x.example", session=SESSION, transport=transport, cloud_timezone="Europe/Berlin"
    ) as berlin:
        (job,) = (await berlin.get_printer_jobs(1)).jobs
        assert job.datetime.astimezone(UTC) == datetime(2016, 8, 18, 18, 39, 52, tzinfo=UTC)
    with pytest.raises(ValueError, match="time zone"):
        PrinterOSClient("https://x.example", cloud_timezone="Mars/Olympus")
