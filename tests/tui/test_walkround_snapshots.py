"""Issue 11 snapshots: the walk-round after 47 minutes of watching (time in state, queues, owners)."""

from __future__ import annotations

import pytest

from api.sim import FarmSettings, SimClock, generate_farm

from .conftest import build_app, settle


@pytest.fixture
def demo_farm(sim_server):
    """As in test_snapshots: realistic shapes, every printer named, no unreadable record."""
    settings = FarmSettings(seed=7, realistic=True, nameless_one_in=0, unreadable_every=0)
    farm = generate_farm(24, seed=7, clock=SimClock.frozen_at(), settings=settings)
    sim_server.farm = farm
    sim_server.faults.clear()
    return farm


@pytest.fixture
def walk_app(sim_server, demo_farm):
    app = build_app(sim_server, demo_farm)
    app.animation_level = "none"
    return app


def after_47_minutes(*keys):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.test_farm.step(47 * 60)
        pilot.app.poll_printers()
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)

    return run_before


def test_grid_80x24_after_47_minutes(snap_compare, walk_app, demo_farm):
    walk_app.test_farm = demo_farm
    assert snap_compare(walk_app, terminal_size=(80, 24), run_before=after_47_minutes())


def test_table_160x48_state_sort_with_owners(snap_compare, walk_app, demo_farm):
    walk_app.test_farm = demo_farm
    assert snap_compare(walk_app, terminal_size=(160, 48), run_before=after_47_minutes("v", "s"))


def test_table_80x24_scrolled_to_the_end(snap_compare, walk_app, demo_farm):
    walk_app.test_farm = demo_farm
    assert snap_compare(walk_app, terminal_size=(80, 24), run_before=after_47_minutes("v", "end"))


def test_grid_80x24_marked_cards_and_the_selection(snap_compare, walk_app, demo_farm):
    """Two marked cards (the ✓ and its colour, checked for contrast), the selection on a third."""
    walk_app.test_farm = demo_farm

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("space", "right", "space", "right")
        await settle(pilot)

    assert snap_compare(walk_app, terminal_size=(80, 24), run_before=run_before)
