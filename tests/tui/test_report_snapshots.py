"""Snapshots of the reports screen: the demo farm's custom report, charts and their tables
(seeded farm, frozen clock; plotext draws category labels only, so nothing reads the wall clock).

Regenerate deliberately with `--snapshot-update` and look at the SVGs before committing.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select, TabbedContent

from .conftest import build_app, settle


@pytest.fixture
def snap_app(sim_server, demo_farm):
    app = build_app(sim_server, demo_farm)
    app.animation_level = "none"
    return app


def custom_report_on(tab: str):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        screen = pilot.app.screen
        for box in screen.query(Input):
            box.cursor_blink = False
        screen.query_one("#report-kind", Select).value = "custom"
        await settle(pilot)
        screen.query_one(TabbedContent).active = tab
        await settle(pilot)

    return run_before


def test_reports_80x24(snap_compare, snap_app):
    assert snap_compare(snap_app, terminal_size=(80, 24), run_before=custom_report_on("tab-day"))


def test_reports_160x48(snap_compare, snap_app):
    assert snap_compare(snap_app, terminal_size=(160, 48), run_before=custom_report_on("tab-printers"))
