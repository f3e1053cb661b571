"""The garbage collector runs between polls, after the poll's frame, and never lets garbage outlive a poll."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import weakref
from collections.abc import Iterator

import pytest

from api.pace import PACE
from tui import collector as collector_module
from tui.collector import SAFETY_THRESHOLDS, SETTLED_POLLS, PollCollector

from .helpers import settle


class Node:
    """Something a cycle can be made of, and a weak reference can watch."""

    other: Node | None = None


def old_cyclic_garbage() -> weakref.ref[Node]:
    """A cycle that outlived a young collection before it was dropped: only a whole one frees it."""
    first, second = Node(), Node()
    first.other, second.other = second, first
    gc.collect(1)
    return weakref.ref(first)


@contextlib.contextmanager
def generations_collected() -> Iterator[list[int]]:
    """The generation of each collection that starts meanwhile, in order."""
    generations: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            generations.append(info["generation"])

    gc.callbacks.append(seen)
    try:
        yield generations
    finally:
        gc.callbacks.remove(seen)


@pytest.fixture
def python_gc_restored():
    """`PollCollector.start` freezes and retunes the process's collector: put it back for the other tests."""
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


async def test_a_poll_frees_the_cyclic_garbage_made_before_it(app, python_gc_restored):
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.collector.start()
        assert gc.get_threshold() == SAFETY_THRESHOLDS
        garbage = old_cyclic_garbage()
        await pilot.pause()
        assert garbage() is not None  # the automatic collector waits for 100,000 new objects
        app.poll_printers()
        await settle(pilot)
        assert garbage() is None
        assert app.collector.polls == 1 and len(app.collector.pauses) == 2  # a young one, then a whole one


async def test_the_collection_has_a_turn_of_the_loop_to_itself(app, monkeypatch):
    """Run in the frame's turn, a key pressed then waited for the render and the collection together."""
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        turns: list[str] = []
        monkeypatch.setattr(app.collector, "after_poll", lambda later: turns.append("collected"))
        app._collect_when_drawn()  # what the poll asks for once its frame is drawn
        turns.append("frame's turn ends")
        await asyncio.sleep(0)
        assert turns == ["frame's turn ends", "collected"]


async def test_a_key_pressed_as_the_collection_starts_is_answered_before_the_whole_one(app, python_gc_restored):
    """A key takes a few turns of the loop to reach its widget: a whole collection queued right
    behind the young one ran first, and the key waited for both (~8 + ~11 ms at 5,000 printers)."""
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.collector.start()
        cards = app.screen.active_list
        before = cards.selected.id
        selected_at_whole: list[int] = []

        def seen(phase: str, info: dict) -> None:
            if phase == "start" and info["generation"] == 2:
                selected_at_whole.append(cards.selected.id)

        gc.callbacks.append(seen)
        try:
            with generations_collected() as generations:
                app._collect_when_drawn()  # what the poll asks for once its frame is drawn
                await pilot.press("down")
                await settle(pilot)
        finally:
            gc.callbacks.remove(seen)
        assert generations == [0, 2]
        assert cards.selected.id != before
        assert selected_at_whole == [cards.selected.id]


async def test_no_collection_starts_while_a_key_is_answered(app, python_gc_restored):
    """A collection holds the loop and the lock the writer's thread needs: a key's frame rendered
    just before one went out only after it (a key answered in 59 ms instead of 11)."""
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.collector.start()
        with generations_collected() as generations:
            PACE.give_way(30)  # a key came in; its answer is not drawn yet
            try:
                app._collect_when_drawn()  # what the poll asks for once its frame is drawn
                await pilot.pause(0.1)
                assert generations == []
            finally:
                PACE.resume()
            await pilot.pause(0.1)
            await settle(pilot)
        assert generations == [0, 2]


def walked(objects: list) -> bool:
    """Whether the collector's generations hold these objects (not frozen)."""
    ids = {id(o) for generation in range(3) for o in gc.get_objects(generation)}
    return all(id(o) in ids for o in objects)


def test_what_the_first_polls_built_is_frozen_once(python_gc_restored, monkeypatch):
    """Each printer's tracks and seen states live as long as the farm: a whole collection walked
    them after every poll (19-27 ms at 5,000 printers), frozen once it does not (4-13 ms)."""
    monkeypatch.setattr(collector_module, "LONGEST_WHOLE_SECONDS", 60.0)  # a whole one every poll, however big the heap
    collector = PollCollector()
    collector.start()
    kept = [[n] for n in range(1000)]  # what a first poll builds and keeps
    for _ in range(SETTLED_POLLS - 1):
        collector.after_poll()
    assert not collector.settled and walked(kept)
    collector.after_poll()
    assert collector.settled and not walked(kept)
    later = [[n] for n in range(100)]
    for _ in range(3):
        collector.after_poll()
    assert walked(later)  # once only: what later polls make is collected as before
    garbage = old_cyclic_garbage()
    collector.after_poll()
    assert garbage() is None


def test_the_whole_collection_is_handed_to_the_turn_the_caller_chooses(python_gc_restored):
    collector = PollCollector()
    collector.start()
    handed: list = []
    with generations_collected() as generations:
        collector.after_poll(handed.append)
        assert generations == [0] and len(handed) == 1
        handed[0]()
    assert generations == [0, 2]
    assert len(collector.pauses) == 2


async def test_without_start_the_app_leaves_the_collector_alone(app):
    """Tests and embedders keep Python's own timing; only `farmdash` itself takes it over."""
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.poll_printers()
        await settle(pilot)
        assert app.collector.polls == 0 and not app.collector.pauses


def test_a_slow_whole_collection_runs_every_tenth_poll_only(python_gc_restored):
    """A farm far larger than measured: young collections between polls, a whole one now and then."""
    collector = PollCollector()
    collector.start()
    with generations_collected() as generations:
        collector.after_poll()
        collector.last_whole = 1.0  # as if that whole collection had taken a second
        for _ in range(10):
            collector.after_poll()
    # a young collection every poll; the tenth poll's whole one was quick again, so the next poll
    # goes back to whole ones
    assert generations == [0, 2] + [0] * 8 + [0, 2, 0, 2]
