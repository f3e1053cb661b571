"""The dashboard against the simulated cloud over loopback HTTP, with a frozen, seeded farm."""

from __future__ import annotations

import pytest

from .helpers import build_app, settle

__all__ = ["build_app", "settle"]  # older tests import them from here


@pytest.fixture
def app(sim_server, demo_farm):
    sim_server.calls.clear()
    return build_app(sim_server, demo_farm)
