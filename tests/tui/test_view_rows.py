"""The screen's rows (order kept between polls, views built when read) against views computed
from scratch: the same printers, in the same order, with the same content, poll after poll."""

from dataclasses import replace
from datetime import timedelta

import pytest

from api import Printer
from api.sim import FarmSettings, SimClock, generate_farm
from api.sim.printers import printer_json
from tui.store import RECORD_SORTS, SORTS, CurrentJob, FarmStore, QueueSeen
from tui.view_rows import ViewRows, ids_of

# (sort, filter text, workgroup) the user moves through, one a poll: record sorts read lazily,
# the rest (and any filter words) the old way.
QUERIES = [
    ("name", "", None),
    ("type", "", None),
    ("state", "", None),
    ("finish", "need", None),
    ("progress", "print", "first"),
    ("name", "", None),
    ("type", "", None),
    ("name", "", "first"),
    ("type", "", None),
    ("name", "", None),  # after a rename
    ("type", "", None),  # after a change of type
    ("name", "", "first"),
    ("name", "", "first"),  # after a printer left the workgroup
]


def from_scratch(store: FarmStore) -> FarmStore:
    """A new store that knows what `store` knows, with no view, key or order computed yet."""
    return FarmStore(
        printers=dict(store.printers),
        current_jobs=dict(store.current_jobs),
        queues=dict(store.queues),
        states_seen=dict(store.states_seen),
        in_flight=dict(store.in_flight),
        alerted=set(store.alerted),
        marked=set(store.marked),
    )


def polls(count: int):
    """The farm's records, 37 s apart: jobs start and end, a printer goes and comes back, one is
    renamed, one changes type, one leaves its workgroup (each in a poll of its own)."""
    farm = generate_farm(240, seed=11, clock=SimClock.frozen_at(), settings=FarmSettings(seed=11))
    for index in range(count):
        farm.step(37)
        raws = [printer_json(farm, p) for p in farm.printers.values()]
        if index in (3, 4):
            del raws[17]  # gone for two polls, then back
        if index >= 7:
            raws[5]["name"] = "aaa renamed"  # to the top of the name sort
        if index >= 10:
            raws[40]["type"] = "Zortrax M200"
        if index >= 12:
            raws[0]["workgroups"] = None
        yield [Printer.model_validate(raw) for raw in raws], farm.now()


def test_rows_match_views_from_scratch_over_polls_with_sorts_filters_and_marks_changing():
    store = FarmStore()
    lazy_seen = 0
    group = None
    for index, (printers, now) in enumerate(polls(len(QUERIES))):
        store.replace_printers(printers, now)
        ids = sorted(store.printers)
        group = group or (printers[0].workgroups or [0])[0]
        # What happens between polls: marks, a job looked up, an alert, a queue read, an action sent.
        store.toggle_mark(ids[index * 7 % len(ids)])
        store.set_marks(ids[index : index + 5], index % 2 == 0)
        busy = [pid for pid in ids if store.printers[pid].state_kind.value == "printing"]
        if busy:
            store.set_current_job(busy[index % len(busy)], CurrentJob(100 + index, f"part-{index}.gcode", 3600))
        store.set_alerted({ids[index], ids[-1 - index]})
        store.set_queue(ids[index * 3], QueueSeen(index, now, reason="nozzle clogged"))
        store.set_in_flight(ids[index * 11 % len(ids)], "clearing…" if index % 3 else None)
        sort, text, workgroup = QUERIES[index]
        workgroup = group if workgroup == "first" else None
        rows = store.rows(now, text=text, workgroup=workgroup, sort=sort)
        if isinstance(rows, ViewRows):
            lazy_seen += 1
            rows[: 2 + index]  # the screen reads what it draws, and nothing more, before the next poll
        expected = from_scratch(store).views(now, text=text, workgroup=workgroup, sort=sort)
        assert ids_of(rows) == [view.id for view in expected], (index, sort, text, workgroup)
        assert list(rows) == expected
        assert rows == expected
        assert FarmStore.counts_of(rows) == FarmStore.counts_of(expected)
        assert store.views(now, text=text, workgroup=workgroup, sort=sort) == expected  # the old way agrees
    assert lazy_seen == 10  # the record sorts without filter words were read lazily


def test_a_record_sort_gives_what_the_sort_of_views_gives():
    store = FarmStore()
    for printers, now in polls(6):
        store.replace_printers(printers, now)
    now = now + timedelta(minutes=1)
    nameless = replace(store.view_of(next(iter(store.printers)), now), name="#1")  # a printer the cloud sent unnamed
    assert SORTS["name"](nameless) == ("#1", nameless.id)
    for pid, printer in store.printers.items():
        view = store.view_of(pid, now)
        for sort, key_of in RECORD_SORTS.items():
            assert key_of(printer) == SORTS[sort](view), (sort, printer)
    unnamed = Printer.model_validate({"id": 77, "name": "", "type": "Prusa", "state": "ready"})
    store.replace_printers([unnamed], now)
    assert RECORD_SORTS["name"](unnamed) == SORTS["name"](store.view_of(77, now)) == ("#77", 77)


def test_rows_build_only_the_views_read_and_keep_them_as_read():
    store = FarmStore()
    for printers, now in polls(2):
        store.replace_printers(printers, now)
        rows = store.rows(now)
    assert isinstance(rows, ViewRows) and len(rows) == len(store.printers)
    built = set(store._views)  # the printers whose record did not change (offline ones)
    assert len(built) < len(store.printers) // 4  # the others' views wait to be read
    first, last = rows[0], rows[-1]
    assert rows[0] is first and rows[len(rows) - 1] is last  # a row keeps the view it gave
    assert set(store._views) - built <= {rows.ids[0], rows.ids[-1]}
    assert rows[1:3] == [rows[1], rows[2]] and rows.index(rows[2]) == 2
    newer = replace(first, in_flight="clearing…")
    rows[0] = newer
    assert rows[0] is newer
    with pytest.raises(ValueError):
        rows[1] = newer  # another printer's place
    # A printer the next poll removed is still drawn from the record the rows were made with.
    gone = rows.ids[5]
    store.replace_printers([p for p in printers if p.id != gone], now + timedelta(seconds=3))
    assert rows[5].id == gone and gone not in store.printers
    assert store.rows(now)[5].id != gone


def test_one_printer_read_after_an_action_can_move_it_in_the_order():
    store = FarmStore()
    for printers, now in polls(2):
        store.replace_printers(printers, now)
    assert isinstance(store.rows(now, sort="type"), ViewRows)  # the order is kept from here
    last = store.rows(now, sort="type").ids[-1]
    store.update_printer(store.printers[last].model_copy(update={"type": "Anycubic Kobra"}), now)
    rows = store.rows(now, sort="type")
    assert rows.ids[0] == last
    assert list(rows) == from_scratch(store).views(now, sort="type")
