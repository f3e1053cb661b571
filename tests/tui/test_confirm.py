"""The confirm dialog keeps its question readable whatever the cloud names a printer."""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from api import JobStatus
from tui.screens.confirm import ConfirmScreen
from tui.shorten import cut_middle, fit_sentence

from .conftest import settle

SIZE = (100, 30)


def test_cut_middle_keeps_both_ends_in_cells():
    assert cut_middle("short", 10) == "short"
    cut = cut_middle("Bay3-" + "x" * 100 + "-MK4", 20)
    assert cut.startswith("Bay3-") and cut.endswith("-MK4") and "…" in cut and cell_len(cut) == 20
    wide = cut_middle("打印机" * 50, 21)  # double-width: cut by cells, never half a character
    assert cell_len(wide) <= 21 and wide.startswith("打印机") and wide.endswith("打印机")


def test_fit_sentence_cuts_names_then_the_whole():
    name = "Printer " + "n" * 500 + " end"  # a long name with spaces: cut as one
    fitted = fit_sentence(f"Cancel job 7 on {name}? No undo.", word_width=40, total_width=240, names=(name,))
    assert fitted.startswith("Cancel job 7 on Printer ") and fitted.endswith(" end? No undo.")
    assert cell_len(fitted) < 80
    many = fit_sentence("Cancel " + "ab " * 2000 + "? No undo.", word_width=40, total_width=240)
    assert many.startswith("Cancel ab") and many.endswith("? No undo.") and cell_len(many) == 240


def first_printing(farm):
    return next(p for p in sorted(farm.printers.values(), key=lambda p: p.name) if p.state == "printing")


async def ask_to_cancel(pilot, printer) -> None:
    """Select the printer and press the cancel key: the confirm dialog is up."""
    await settle(pilot)
    pilot.app.screen.active_list.select_printer(printer.id)
    await pilot.pause()
    await pilot.press("c")
    await pilot.pause()


async def test_ten_thousand_character_name_keeps_the_question_readable(app, sim_server, demo_farm):
    printer = first_printing(demo_farm)
    job_id = printer.current_job_id
    printer.name = "Q" * 10_000
    async with app.run_test(size=SIZE) as pilot:
        await ask_to_cancel(pilot, printer)
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one("#confirm-question").render())
        assert question.startswith("Cancel ") and "QQQ…QQQ" in question
        assert question.rstrip().endswith("QQQ? The print cannot be resumed.")
        assert len(question) < 120
        screen = app.screen.region
        for part in ("#confirm-question", "#yes", "#no"):
            region = app.screen.query_one(part).region
            assert region.height > 0 and screen.contains_region(region), part
        sim_server.calls.clear()
        await pilot.press("y")
        await settle(pilot)
        assert "job_cancel" in sim_server.calls
        assert demo_farm.jobs[job_id].status_id == JobStatus.ABORTED


async def test_the_footer_names_the_keys_the_buttons_name(app, sim_server, demo_farm):
    """It said "⏎ Yes" under a "(y)" button: the focused button's enter came first."""
    printer = first_printing(demo_farm)
    async with app.run_test(size=SIZE) as pilot:
        await ask_to_cancel(pilot, printer)
        footer = [f"{key.key_display} {key.description}" for key in app.screen.query(FooterKey)]
        assert footer == ["y Yes, cancel the job", "n No, keep printing"], footer
        await pilot.press("enter")  # the highlighted button: "No"
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert "job_cancel" not in sim_server.calls
        assert demo_farm.printers[printer.id].state == "printing"


async def test_enter_presses_the_highlighted_button(app, sim_server, demo_farm):
    """Enter was bound to "Yes" while "No" was highlighted: enter on what the screen showed
    cancelled the print. Now it presses the highlighted button; tab moves to "Yes"."""
    printer = first_printing(demo_farm)
    async with app.run_test(size=SIZE) as pilot:
        await ask_to_cancel(pilot, printer)
        assert app.screen.focused is app.screen.query_one("#no")
        await pilot.press("shift+tab")
        assert app.screen.focused is app.screen.query_one("#yes")
        await pilot.press("enter")
        await settle(pilot)
        assert "job_cancel" in sim_server.calls


async def test_buttons_name_the_keys_the_user_has(app, sim_server, demo_farm):
    """A `[keymap]` that moves yes/no changes what the buttons say, and the keys work."""
    printer = first_printing(demo_farm)
    app.set_keymap({"confirm-yes": "j", "confirm-no": "k"})
    async with app.run_test(size=SIZE) as pilot:
        await ask_to_cancel(pilot, printer)
        assert isinstance(app.screen, ConfirmScreen)
        labels = [str(app.screen.query_one(part).label) for part in ("#yes", "#no")]
        assert labels == ["Yes, cancel the job (j)", "No, keep printing (k)"]
        footer = [f"{key.key_display} {key.description}" for key in app.screen.query(FooterKey)]
        assert footer == ["j Yes, cancel the job", "k No, keep printing"], (
            footer
        )  # the dialog's keys, not the grid's under it
        await pilot.press("k")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert demo_farm.printers[printer.id].state == "printing"


async def test_a_cancelled_job_reads_cancelled_in_the_queue_and_its_detail(app, sim_server, demo_farm):
    """The notice and the event log said "cancelled" while the queue and the job said "× aborted"."""
    from tui.screens.job_detail import JobDetailScreen
    from tui.screens.job_queue import JobQueueScreen

    printer = first_printing(demo_farm)
    job_id = printer.current_job_id
    async with app.run_test(size=SIZE) as pilot:
        await ask_to_cancel(pilot, printer)
        await pilot.press("y")
        await settle(pilot)
        assert demo_farm.jobs[job_id].status_id == JobStatus.ABORTED
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, JobQueueScreen)
        table = app.screen.query_one("#jobs")
        rows = {str(table.get_row_at(i)[1]): str(table.get_row_at(i)[0]) for i in range(table.row_count)}
        assert rows[str(job_id)] == "× cancelled", rows
        assert not any("abort" in word for word in rows.values())
        table.move_cursor(row=list(rows).index(str(job_id)))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, JobDetailScreen)
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#job-info", Static).content)
        shown = console.export_text()
        assert "× cancelled" in shown and "aborted" not in shown, shown


def test_the_footer_names_what_the_buttons_name_with_a_third_answer():
    """The tray-clear dialog's footer said Yes/No under "Clear only"/"Neither" and left out `s`."""
    screen = ConfirmScreen(
        "Clear the bed?", confirm_label="Clear only", no_label="Neither", third="Clear and start next"
    )
    shown = {b.id: b.description for bindings in screen._bindings.key_to_bindings.values() for b in bindings if b.show}
    assert shown == {"confirm-yes": "Clear only", "confirm-no": "Neither", "confirm-third": "Clear and start next"}
    plain_screen = ConfirmScreen("Quit?")
    shown = {
        b.id: b.description for bindings in plain_screen._bindings.key_to_bindings.values() for b in bindings if b.show
    }
    assert shown == {"confirm-yes": "Yes", "confirm-no": "No"}


async def test_cancelling_a_paused_print_offers_to_keep_it_paused(app, sim_server, demo_farm):
    """The "No" of a paused printer's cancel said "keep printing": it is not printing."""
    printer = first_printing(demo_farm)
    printer.state = "paused"
    async with app.run_test(size=SIZE) as pilot:
        await ask_to_cancel(pilot, printer)
        assert isinstance(app.screen, ConfirmScreen)
        assert str(app.screen.query_one("#no").label) == "No, keep it paused (n)"
