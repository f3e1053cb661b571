"""Help and the command palette list the screen's keys, and run what they list."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from tui.screens.help import HelpScreen

from .helpers import SIZE, actions, build_app, first, select, settle


async def test_help_and_palette_list_the_actions(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(s.render()) for s in app.screen.query("Static"))
        for word in (
            "Pause",
            "Resume",
            "Cancel",
            "Tray clear",
            "Start queued",
            "Table/cards",
            "Filter",
            "Faster refresh",
        ):
            assert word in text
        await pilot.press("escape")
        from tui.commands import screen_bindings

        descriptions = {b.description for b, _ in screen_bindings(app.screen)}
        assert {"Pause", "Resume", "Cancel", "Tray clear", "Start queued"} <= descriptions


async def test_help_names_its_own_close_key_and_the_palette_key_as_the_footer_does(app):
    app.set_keymap({"help-close": "x"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = "\n".join(str(s.render()) for s in app.screen.query("Static"))
        assert "x closes" in text and "escape closes" not in text
        assert "^p" in text and "Ctrl+P" not in text  # the footer's "^p Commands"
        footer = " ".join(f"{key.key_display} {key.description}" for key in app.screen.query(FooterKey))
        assert "x Close" in footer and "Pause" not in footer  # not the grid's keys under it
        await pilot.press("x")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_runs_an_action(app, sim_server, demo_farm):
    printer = first(demo_farm, "printing")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        sim_server.calls.clear()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Pause")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert actions(sim_server.calls) == ["job_pause"]
        assert demo_farm.printers[printer.id].state == "paused"


async def test_help_on_the_job_queue_lists_its_keys(app, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = " ".join(str(s.render()) for s in app.screen.query("Static"))
        for word in ("Back", "Pause", "Resume", "Cancel", "Tray clear", "Start job", "Job details"):
            assert word in text, word
        assert "Quit" not in text  # q goes back here: the app's `q Quit` does not apply


async def test_help_on_the_job_detail_lists_only_what_applies_there(app, demo_farm):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await select(pilot, first(demo_farm, "printing"))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(s.render()) for s in app.screen.query("Static"))
        assert "Back (q too)" in text and "Slicer settings" in text and "Scroll" in text
        assert "Quit" not in text and "Move the selection" not in text
        await pilot.press("escape", "escape", "escape")  # help, detail, queue: back on the grid
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        text = " ".join(str(s.render()) for s in app.screen.query("Static"))
        assert "Quit" in text and "Move the selection" in text and "Scroll" not in text


@pytest.mark.parametrize(("keys", "moves"), [((), "↑↓←→ / h j k l"), (("enter",), "↑↓←→ / j k"), (("L",), "↑↓←→")])
async def test_help_names_the_letters_that_move_on_each_screen(app, demo_farm, keys, moves):
    """Help said `h j k l` moves the selection on every screen; on the event log `k` picks the kind."""
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = [str(s.render()) for s in app.screen.query("Static")]
        text = " ".join(rows)
        assert f"{moves} " in text or any(row.startswith(moves) for row in rows), text[:400]
        assert not (moves == "↑↓←→" and "h j k l" in text)


async def test_help_leaves_out_a_letter_a_keymap_gave_to_another_key(sim_server, demo_farm):
    """A keymap that puts the filter on `j` (a priority key): j opens the filter, so help must not
    say it moves the selection."""
    from tui.screens.help import move_letters

    app = build_app(sim_server, demo_farm)
    app.set_keymap({"filter": "j"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert move_letters(app.screen) == ["h", "k", "l"]
