"""`q` quits from the printer grid only: on every other screen it goes back (help says so)."""

from __future__ import annotations

import pytest

from tui.screens.event_log import EventLogScreen
from tui.screens.printer_grid import PrinterGridScreen
from tui.screens.reports import ReportsScreen

from .helpers import SIZE, settle


@pytest.mark.parametrize(("key", "screen"), [("L", EventLogScreen), ("R", ReportsScreen)])
async def test_q_on_a_screen_above_the_grid_goes_back(app, key, screen):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, screen)
        app.screen.set_focus(None)  # q typed into a text box is text; here nothing has focus
        await pilot.press("q")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, PrinterGridScreen)
