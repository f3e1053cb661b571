"""The event detector takes a big poll in slices that let the event loop run, and finds exactly
what it finds in one piece."""

from __future__ import annotations

import asyncio

from textual import events

from api import Printer
from api import pace as pace_module
from api import records as records_module
from api.pace import PACE
from api.sim import FarmSettings, SimClock, generate_farm
from api.sim.printers import printer_json
from tui.alerts import AlertSettings
from tui.event_hub import FarmEvents
from tui.eventlog import EventLog
from tui.events import OBSERVE_SLICE
from tui.widgets import printer_list

from .helpers import settle
from .test_screen_output import Terminal


def what(events):
    """Events without their random ids."""
    return [event.model_dump(exclude={"id"}) for event in events]


class LoopTurns:
    """Counts the event loop's turns while it is entered: another task, as a key pressed meanwhile."""

    def __init__(self) -> None:
        self.turns = 0
        self._task: asyncio.Task | None = None

    async def _spin(self) -> None:
        while True:
            self.turns += 1
            await asyncio.sleep(0)

    async def __aenter__(self) -> LoopTurns:
        self._task = asyncio.create_task(self._spin())
        await asyncio.sleep(0)
        self.turns = 0
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


async def test_a_poll_taken_in_slices_finds_what_one_piece_finds_and_lets_the_loop_run():
    # Coarse ticks and busy people: a lot happens in a few polls.
    settings = FarmSettings(seed=5, tick_seconds=30, failure_rate_per_hour=2, new_job_rate_per_hour=4)
    farm = generate_farm(2 * OBSERVE_SLICE + 100, seed=5, clock=SimClock.frozen_at(), settings=settings)
    whole, sliced = FarmEvents(EventLog(None), AlertSettings()), FarmEvents(EventLog(None), AlertSettings())
    found = 0
    for _ in range(6):
        farm.step(90)
        printers = [Printer.model_validate(printer_json(farm, p)) for p in farm.printers.values()]
        expected = whole.on_poll(printers, farm.now())
        async with LoopTurns() as loop:
            events = await sliced.take_poll(printers, farm.now())
        assert loop.turns >= 2  # the loop ran between the slices
        assert what(events) == what(expected)
        found += len(events)
    assert found > 20  # jobs ended, failed and started meanwhile
    assert what(sliced.log.events.values()) == what(whole.log.events.values())


def count_drawn_cards(grid) -> list[int]:
    """The ids of the cards the grid draws from now on, one entry a drawing."""
    drawn: list[int] = []
    draw_card = grid.render_item

    def counting(view, width, selected):
        drawn.append(view.id)
        return draw_card(view, width, selected)

    grid.render_item = counting
    return drawn


async def test_a_polls_cards_are_drawn_in_slices_before_the_grid_shows_them(app, demo_farm):
    """The cards a poll changed are drawn a few at a time with the loop free between, and the grid
    then shows them without drawing any card in one piece."""
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        grid = app.screen.active_list
        drawn = count_drawn_cards(grid)
        demo_farm.step(60)  # temperatures and progress move on most cards
        await app.sync.poll()
        screen = app.screen
        views = app.store.rows(app.clock(), sort=screen.sort_key)
        async with LoopTurns() as loop:
            await grid.draw_ahead(views, slice_seconds=0)
        on_screen = len(drawn)
        assert on_screen >= 12 and loop.turns >= on_screen - 1  # a yield after each card
        screen.refresh_views()
        await pilot.pause()
        assert len(drawn) == on_screen  # nothing left to draw: every changed card was ready
        assert set(drawn) <= set(views.ids[: grid.columns * (grid.size.height // grid.ITEM_HEIGHT + 1)])


async def test_a_filter_typed_while_a_polls_cards_are_drawn_is_kept(app, demo_farm, monkeypatch):
    monkeypatch.setattr(printer_list, "DRAW_SLICE_SECONDS", 0)  # a yield after every card
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        wanted = sorted(demo_farm.printers.values(), key=lambda p: p.name)[0].name
        demo_farm.step(60)
        await app.sync.poll()
        drawn = count_drawn_cards(screen.active_list)
        # The worker's own body, so that no newer worker can replace it meanwhile.
        drawing = asyncio.create_task(type(screen).refresh_views_in_slices.__wrapped__(screen))
        for _ in range(100):
            if drawn:
                break  # the drawing has begun, with the rows as they were
            await asyncio.sleep(0)
        assert drawn and not drawing.done()
        screen.filter_text = wanted  # shows the one printer at once
        await drawing
        assert [view.name for view in screen.active_list.items] == [wanted]


async def test_a_key_pressed_as_a_poll_is_taken_is_drawn_before_the_poll_goes_on(app, demo_farm, monkeypatch):
    """Each of the key's hops through the loop (the App, the screen, the frame) used to queue behind
    one more slice of the poll: the slices now wait until the key's answer is on screen, and go
    on as soon as it is (the cap is far away here: only the answer can end the wait)."""
    monkeypatch.setattr(records_module, "SLICE_SECONDS", 0)  # the demo farm's poll in many slices
    monkeypatch.setattr(pace_module, "GIVE_WAY_SECONDS", 30.0)
    async with app.run_test(size=(160, 48)) as pilot:
        terminal = Terminal(app, (160, 48))
        await settle(pilot)
        grid = app.screen.active_list
        start = grid.cursor
        went_on: list[tuple[int, int]] = []  # the cursor and the bytes written, each time a slice goes on
        breathe = PACE.breathe

        async def slice_goes_on() -> None:
            await breathe()
            went_on.append((grid.cursor, terminal.written))

        monkeypatch.setattr(PACE, "breathe", slice_goes_on)
        demo_farm.step(60)
        poll = asyncio.create_task(app.sync.poll())
        while not went_on:
            await asyncio.sleep(0)
        pressed_at, written = len(went_on), terminal.written
        pressed = asyncio.get_running_loop().time()
        app.post_message(events.Key("l", "l"))  # as the driver hands a key over
        await asyncio.wait_for(poll, 10)
        assert asyncio.get_running_loop().time() - pressed < 5  # the answer, not the cap, ended the wait
        assert len(went_on) > pressed_at  # the poll had slices left when the key came
        cursor, out = went_on[pressed_at]
        assert cursor == start + 1 and out > written  # the next slice found the key answered and drawn
        assert not PACE.giving_way
