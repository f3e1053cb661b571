"""One bad record loses only itself; an unchanged record is not read again; big lists yield the loop."""

from __future__ import annotations

import asyncio
import gc
import logging

import pytest

from api import PrinterList, Records
from api import records as records_module

GOOD = {"id": 1, "name": "Bay 1", "state": "ready", "temps": [22, 22], "percent": 0}


def farm(count: int, **changes) -> list[dict]:
    printers = [{**GOOD, "id": n, "name": f"Bay {n}"} for n in range(1, count + 1)]
    for index, fields in changes.items():
        printers[int(index[1:])].update(fields)
    return printers


async def test_one_unreadable_printer_loses_only_itself_and_is_logged_once(cloud, client, caplog):
    caplog.set_level(logging.WARNING, logger="farmdash.api")
    cloud.answer("get_organization_printers_list", farm(3, p1={"percent": "99.9%"}))
    printers = await client.get_organization_printers_list()
    assert isinstance(printers, PrinterList) and isinstance(printers, list)
    assert [p.id for p in printers] == [1, 3] and printers[1].id == 3 and len(printers) == 2
    assert printers.unreadable == 1
    assert "id 2" in caplog.text and "percent" in caplog.text
    caplog.clear()
    again = await client.get_organization_printers_list()
    assert again.unreadable == 1 and caplog.text == ""  # the same bad record is not reported every poll


@pytest.mark.parametrize(
    "bad", [{"id": None}, {"id": "abc"}, {"temps": {"x": [1]}, "percent": "n/a"}, {"workgroups": "oops", "id": []}]
)
async def test_printer_records_of_any_badness_are_skipped(cloud, client, bad):
    cloud.answer("get_organization_printers_list", farm(3, p0=bad))
    printers = await client.get_organization_printers_list()
    assert len(printers) == 2 and printers.unreadable == 1


async def test_a_record_that_is_not_an_object_is_skipped(cloud, client):
    cloud.answer("get_organization_printers_list", [GOOD, "garbage", 7, None])
    printers = await client.get_organization_printers_list()
    assert len(printers) == 1 and printers.unreadable == 3


async def test_one_unreadable_job_loses_only_itself(cloud, client):
    cloud.answer(
        "get_printer_jobs",
        body={
            "result": True,
            "message": [{"id": "1", "status_id": "21"}, {"id": "2", "status_id": "maybe"}, {"status_id": "11"}],
            "time": "17#3",
        },
    )
    page = await client.get_printer_jobs(4, prev_time=0)
    assert [job.id for job in page.jobs] == [1] and page.unreadable == 2 and page.time == "17#3"


async def test_other_lists_count_unreadable_records_too(cloud, client):
    cloud.answer("get_workgroups_simple_list", [{"id": "1", "name": "A"}, {"name": "no id"}])
    groups = await client.get_workgroups_simple_list()
    assert isinstance(groups, Records) and [g.id for g in groups] == [1] and groups.unreadable == 1


async def test_printer_list_keyed_by_index_is_read(cloud, client):
    cloud.answer("get_organization_printers_list", {"0": GOOD, "1": {**GOOD, "id": 2}})
    assert [p.id for p in await client.get_organization_printers_list()] == [1, 2]


async def test_unchanged_printer_is_not_validated_again(cloud, client):
    cloud.answer("get_organization_printers_list", farm(3))
    first = await client.get_organization_printers_list()
    cloud.answer("get_organization_printers_list", farm(3, p1={"percent": 12.5}))
    second = await client.get_organization_printers_list()
    assert second[0] is first[0] and second[2] is first[2]  # the same model: not read again
    assert second[1] is not first[1] and second[1].percent == 12.5


async def test_a_change_inside_a_list_is_read_again_and_what_is_kept_costs_the_collector_nothing(cloud, client):
    cloud.answer("get_organization_printers_list", farm(2))
    first = await client.get_organization_printers_list()
    cloud.answer("get_organization_printers_list", farm(2, p0={"temps": [22, 23]}))
    second = await client.get_organization_printers_list()
    assert second[0] is not first[0] and second[0].temps == (22.0, 23.0)
    assert second[1] is first[1]
    kept = client._records._raws["get_organization_printers_list"]
    assert len(kept) == 2 and not any(gc.is_tracked(raw) for raw in kept.values())


async def test_printers_sending_the_same_fields_share_one_set_of_field_names(cloud, client):
    cloud.answer("get_organization_printers_list", farm(3, p2={"type": "Ultimaker"}))
    printers = await client.get_organization_printers_list()
    assert printers[0].model_fields_set is printers[1].model_fields_set  # one object for the collector
    assert printers[2].model_fields_set == printers[0].model_fields_set | {"type"}
    copied = printers[0].model_copy(update={"percent": 5.0, "snr": "X1"})
    assert "snr" in copied.model_fields_set and "snr" not in printers[1].model_fields_set
    assert printers[1].model_dump(exclude_unset=True) == {**GOOD, "id": 2, "name": "Bay 2", "temps": (22.0, 22.0)}


def test_a_record_marshal_cannot_write_is_never_taken_for_an_unchanged_one():
    assert records_module.fingerprint({"id": 1, "at": object()}) is None
    assert records_module.fingerprint({"id": 1, "temps": [1]}) != records_module.fingerprint({"id": 1, "temps": [1.0]})


async def test_a_filtered_list_does_not_forget_the_rest_of_the_farm(cloud, client):
    cloud.answer("get_organization_printers_list", farm(3))
    first = await client.get_organization_printers_list()
    cloud.answer("get_organization_printers_list", farm(3)[1:2])
    await client.get_organization_printers_list(printer_id=2)
    cloud.answer("get_organization_printers_list", farm(3))
    assert (await client.get_organization_printers_list())[0] is first[0]


async def test_a_new_session_reads_every_printer_afresh(cloud, client):
    cloud.answer("get_organization_printers_list", farm(2))
    first = await client.get_organization_printers_list()
    client.session = "another-session"
    assert (await client.get_organization_printers_list())[0] is not first[0]


async def test_a_big_list_yields_to_the_event_loop_while_it_is_read(cloud, client, monkeypatch):
    monkeypatch.setattr(records_module, "SLICE_SECONDS", 0.0)  # yield at every check, whatever the machine
    cloud.answer("get_organization_printers_list", farm(400))
    ticks = 0
    reading = True

    async def ticker() -> None:
        nonlocal ticks
        while reading:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    ticks = 0
    printers = await client.get_organization_printers_list()
    reading = False
    await task
    assert len(printers) == 400
    assert ticks >= 400 // 16 - 1  # the loop ran other work between slices of records
