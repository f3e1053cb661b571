"""Long work gives way to a key: slices wait while it is answered, go on once it is drawn, and
never wait longer than the cap."""

from __future__ import annotations

import asyncio

from api import pace as pace_module
from api import records as records_module
from api.pace import Pace

from .test_records import farm


async def turns(count: int = 20) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


async def test_with_no_key_pressed_a_slice_only_lets_the_loop_run():
    pace = Pace()
    await asyncio.wait_for(pace.breathe(), 1)
    assert pace.gave_way == 0 and not pace.giving_way


async def test_slices_wait_while_a_key_is_answered_and_go_on_once_it_is_drawn():
    pace = Pace()
    pace.give_way(30)  # a cap far away: only `resume` can end this wait
    slice_ = asyncio.create_task(pace.breathe())
    await turns()
    assert not slice_.done() and pace.giving_way
    pace.resume()
    await asyncio.wait_for(slice_, 1)
    assert pace.gave_way == 1 and not pace.giving_way


async def test_a_key_that_draws_nothing_holds_slices_no_longer_than_the_cap():
    pace = Pace()
    loop = asyncio.get_running_loop()
    began = loop.time()
    pace.give_way(0.05)
    await asyncio.wait_for(pace.breathe(), 2)
    assert 0.04 <= loop.time() - began < 1  # it did wait, for the cap, and no longer
    assert not pace.giving_way


async def test_a_second_key_keeps_slices_waiting_until_its_own_answer_is_drawn():
    pace = Pace()
    pace.give_way(30)
    slice_ = asyncio.create_task(pace.breathe())
    await turns()
    pace.give_way(30)  # pressed before the first was drawn
    pace.resume()  # the first key's answer
    await turns()
    assert not slice_.done()
    pace.resume()  # the second's
    await asyncio.wait_for(slice_, 1)


async def test_each_wait_is_capped_on_its_own_while_keys_keep_coming(monkeypatch):
    """Auto-repeat: a key every 30 ms, each extending the give-way; the work still goes on."""
    monkeypatch.setattr(pace_module, "GIVE_WAY_SECONDS", 0.05)
    pace = Pace()
    loop = asyncio.get_running_loop()
    pace.give_way()
    slice_ = asyncio.create_task(pace.breathe())
    began = loop.time()
    while not slice_.done() and loop.time() - began < 2:
        pace.give_way()  # never answered
        await asyncio.sleep(0.03)
    assert slice_.done() and loop.time() - began < 0.5


async def test_input_never_answered_is_not_waited_for_again():
    """A key a widget kept (typed into the filter) is never resumed: once the cap passed, the
    next key's answer alone lets the slices go on."""
    now = [0.0]
    pace = Pace(clock=lambda: now[0])
    pace.give_way(0.05)
    now[0] = 1.0  # the cap passed
    pace.give_way(30)
    pace.resume()
    assert not pace.giving_way


async def test_answering_covers_the_moments_after_the_answer_is_drawn():
    """The collector waits for the frame's bytes to leave, not only for the frame."""
    now = [100.0]
    pace = Pace(clock=lambda: now[0])
    assert not pace.answering(0.01)
    pace.give_way()
    assert pace.answering(0.01)
    now[0] += 0.001
    pace.resume()
    assert pace.answering(0.01) and not pace.giving_way
    now[0] += 0.02
    assert not pace.answering(0.01)
    pace.resume()  # resumed again with no key: not a new answer
    assert not pace.answering(0.01)


def test_one_pace_serves_each_event_loop_in_turn():
    """Tests and the headless commands run one loop after another in one process."""
    pace = Pace()

    async def one_key() -> None:
        pace.give_way(30)
        slice_ = asyncio.create_task(pace.breathe())
        await turns()
        assert not slice_.done()
        pace.resume()
        await asyncio.wait_for(slice_, 1)

    asyncio.run(one_key())
    asyncio.run(one_key())
    assert pace.gave_way == 2


async def test_reading_a_big_list_waits_while_a_key_is_answered(cloud, client, monkeypatch):
    pace = Pace()
    monkeypatch.setattr(records_module, "PACE", pace)
    monkeypatch.setattr(records_module, "SLICE_SECONDS", 0)  # a yield every few records
    cloud.answer("get_organization_printers_list", farm(400))
    pace.give_way(30)
    reading = asyncio.create_task(client.get_organization_printers_list())
    await turns(200)
    assert not reading.done() and pace.gave_way == 1  # stopped at its first yield
    pace.resume()
    printers = await asyncio.wait_for(reading, 5)
    assert len(printers) == 400
