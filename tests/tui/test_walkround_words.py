"""Issue 11, second pass: one name for the nozzle, no word cut in half at 80x24, a selected card
that reads without colour, and help that lists only what applies."""

from __future__ import annotations

import re
from datetime import timedelta

from rich.console import Console

from api import PrinterState
from tui.events import Event, EventKind
from tui.formatting import NOZZLE_LABEL, TEMPERATURE_LEGEND
from tui.glyphs import AsciiTranslator
from tui.screens.event_log import EventLogScreen
from tui.screens.help import HelpScreen, legend
from tui.shorten import cut_email, cut_file, cut_words
from tui.widgets.fit_footer import FitFooter
from tui.widgets.printer_grid import PrinterGrid
from tui.widgets.printer_table import PrinterTable
from tui.widgets.status_header import StatusHeader, stale_reason

from .helpers import build_app, first, select, settle

SMALL = (80, 24)


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def card_lines(app, view, selected=False, width=26) -> list[str]:
    return [line.plain for line in app.screen.query_one(PrinterGrid).render_item(view, width, selected)]


def whole_words(shown: str, full: str) -> bool:
    """`shown` is `full`, or whole words of it then `…` (never half a word)."""
    if shown == full:
        return True
    kept = shown.removesuffix("…").rstrip()
    return shown.endswith("…") and full.startswith(kept) and full[len(kept)] in " ,:;"


# --- the cutting helpers --------------------------------------------------------------------------


def test_cut_words_keeps_whole_words_within_the_width():
    sentence = "Cannot reach the cloud: the cloud dropped the connection"
    for width in range(len("Cannot…"), len(sentence) + 2):
        cut = cut_words(sentence, width)
        assert len(cut) <= width and whole_words(cut, sentence), (width, cut)
    assert cut_words(sentence, 30) == "Cannot reach the cloud: the…"
    assert cut_words("calibration_cube_20mm", 10) == "calib…20mm"  # one long word: both its ends


def test_cut_file_gives_up_the_extension_before_the_name():
    assert cut_file("enclosure_lid.gcode", 30) == "enclosure_lid.gcode"
    assert cut_file("enclosure_lid.gcode", 15) == "enclosure_lid"
    v17, v18 = cut_file("bracket_left_v17_final.gcode", 14), cut_file("bracket_left_v18_final.gcode", 14)
    assert v17 != v18 and len(v17) == 14 and v17.endswith("_final") and "…" in v17


def test_cut_email_keeps_the_person():
    assert cut_email("admin@example.com", 20) == "admin@example.com"
    assert cut_email("admin@example.com", 8) == "admin"
    assert len(cut_email("carla.mendes@example.com", 8)) == 8


# --- one name for the nozzle ----------------------------------------------------------------------


async def test_one_label_for_the_nozzle_on_card_table_queue_detail_and_help(app, demo_farm):
    printing = first(demo_farm, "printing")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        card = card_lines(app, app.store.view_of(printing.id, app.clock()))
        assert re.search(rf"{NOZZLE_LABEL} \d+/\d+°", card[4]), card
        await pilot.press("v")
        await settle(pilot)
        table = app.screen.query_one(PrinterTable)
        wide_titles = table.render_top_line(0, 160).text.split()
        assert NOZZLE_LABEL in wide_titles and "Nozzle" not in wide_titles
        await pilot.press("v")
        await select(pilot, printing)
        await pilot.press("enter")
        await settle(pilot)
        assert re.search(rf"^ {NOZZLE_LABEL} \d+/\d+°", screen_text(app).splitlines()[3]), screen_text(app)
        await pilot.press("enter")  # the running job's detail
        await settle(pilot)
        detail = screen_text(app)
        assert "nozzle" not in detail.casefold()
        assert re.search(rf"^ {NOZZLE_LABEL} {{2,}}\S+ \d+°", detail, re.MULTILINE), detail
    console = Console(width=66, record=True, color_system=None)
    console.print(legend())  # `?` says what the label means
    assert TEMPERATURE_LEGEND in console.export_text() and TEMPERATURE_LEGEND.startswith(f"{NOZZLE_LABEL} nozzle")


# --- no word cut in half at 80x24 -----------------------------------------------------------------


def test_help_legend_keeps_each_glyph_with_its_word():
    for width in (30, 45, 66):
        console = Console(width=width, record=True, color_system=None)
        console.print(legend())
        lines = console.export_text().splitlines()
        items = ["○ ready", "■ bed not clear", "! error", "× offline"]
        if width > 40:
            items += ["≥ began before farmdash watched", TEMPERATURE_LEGEND]
        for item in items:
            assert any(item in line for line in lines), (width, item, lines)


async def test_empty_filter_hint_names_the_users_keys_in_whole_words(sim_server, demo_farm):
    app = build_app(sim_server, demo_farm)
    app.set_keymap({"workgroup": "W"})
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zzzq", "enter")
        await settle(pilot)
        grid = app.screen.query_one(PrinterGrid)
        lines = [grid.render_line(y).text.strip() for y in range(grid.size.height)]
        shown = [line for line in lines if line]
        hint = app.screen.no_match_text()
        assert len(shown) >= 2 and " ".join(shown) == hint  # folded over lines, every word whole
        assert "esc clears both, W picks another workgroup" in hint


async def test_the_stale_reason_is_cut_after_a_whole_word(app, demo_farm):
    reason = "Cannot reach the cloud: the cloud dropped the connection while reading the answer"
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        header = app.screen.query_one(StatusHeader)
        now = app.clock()
        shown = {**header.last_shown, "stale_since": now, "problem": reason, "retry_in": 24}
        header.show(**shown)
        top = str(header.render()).splitlines()[0]
        words = top.split("▲ STALE")[0].strip()
        # the cause, as the room allows (`▲ STALE` says the cloud cannot be reached), in whole words
        assert words == "The cloud dropped the…", top
        assert "retry in 24 s" in top and header.tooltip == reason  # the whole reason is one hover away


def test_the_stale_reason_gives_its_cause_when_short_of_room():
    problem = "Cannot reach the cloud: the cloud dropped the connection"
    assert stale_reason(problem, 80) == problem
    assert stale_reason(problem, 34) == "The cloud dropped the connection"
    assert stale_reason(problem, 20) == "The cloud dropped…"
    assert stale_reason("No data", 5) == "No…"
    # without its detail in brackets before a cut ("The cloud sent a body that is…" at 80x24)
    timeout = "Cannot reach the cloud: the cloud did not answer in time (ReadTimeout)"
    assert stale_reason(timeout, 34) == "The cloud did not answer in time"
    malformed = "Cannot reach the cloud: the cloud's answer was not JSON (HTTP 200)"
    assert stale_reason(malformed, 34) == "The cloud's answer was not JSON"
    assert stale_reason(malformed, 50) == "The cloud's answer was not JSON (HTTP 200)"


async def test_event_log_columns_at_80_cut_whole_words_and_names_in_the_middle(app, demo_farm):
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        now = demo_farm.now()
        long_name = "Bay3-Workshop-Prusa-MK4-left"
        events = [
            Event(
                time=now - timedelta(minutes=3), printer_id=1, printer_name=long_name, kind=EventKind.FAILED,
                job_id=26592, filename="bracket_left_v17_final.gcode", detail="Thermal runaway on the hotend",
                who="carla.mendes@example.com",
            ),
        ]  # fmt: skip
        app.events.log.record(events)
        await pilot.press("L")
        await settle(pilot)
        assert isinstance(app.screen, EventLogScreen)
        table = app.screen.query_one("#events")
        row = [str(cell) for cell in table.get_row(events[0].id)]
        _, _, printer, what, job, who = row
        assert printer.startswith("Bay3") and printer.endswith("left") and "…" in printer
        assert whole_words(what.removeprefix("! "), events[0].what) and what.endswith("…")
        assert job == "brack…_final"  # narrow: the file (the filter still finds job 26592)
        assert who.startswith("carl") and who.endswith("des") and "@" not in who  # the person, not the domain


# --- the selected card reads without colour ---------------------------------------------------------


async def test_the_selected_card_has_its_own_shape_apart_from_needs_a_person(app, demo_farm):
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        now = app.clock()
        calm = app.store.view_of(first(demo_farm, "printing").id, now)
        trouble = app.store.view_of(first(demo_farm, "bed_not_clear").id, now)
        plain, selected = card_lines(app, calm), card_lines(app, calm, selected=True)
        needs, needs_selected = card_lines(app, trouble), card_lines(app, trouble, selected=True)
        corners = {name: (lines[0][0], lines[1][0], lines[-1][0]) for name, lines in (
            ("plain", plain), ("selected", selected), ("needs", needs), ("needs selected", needs_selected))}  # fmt: skip
        assert corners == {
            "plain": ("╭", "│", "╰"),
            "selected": ("╔", "║", "╚"),
            "needs": ("┏", "┃", "┗"),
            "needs selected": ("╔", "║", "╚"),  # selection wins the border; the inverted label stays
        }
        # In ASCII (LANG=C, TERM=linux) heavy and double both become `=`: the `›` mark tells them apart.
        ascii_text = AsciiTranslator()
        assert ascii_text(selected[0]).startswith("+=> ") and not ascii_text(needs[0]).startswith("+=>")


# --- help and footer list only what applies -------------------------------------------------------


async def test_read_only_hides_the_action_keys_from_the_footer_and_marks_them_in_help(sim_server, demo_farm):
    app = build_app(sim_server, demo_farm, read_only=True)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        footer = " ".join(f"{key.key_display} {key.description}" for key in app.screen.query_one(FitFooter).children)
        assert "Filter" in footer and "Help" in footer
        for word in ("Pause", "Resume", "Cancel", "Tray clear", "Start queued"):
            assert word not in footer, footer
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = " ".join(str(s.render()) for s in app.screen.query("Static"))
        assert "Pause (read-only)" in rows and "Filter (read-only" not in rows


def test_the_ascii_alert_mark_is_not_the_error_glyph():
    from tui.glyphs import state_overrides
    from tui.states import STATES

    translate = AsciiTranslator(state_overrides())
    error = STATES[PrinterState.ERROR]
    assert translate(error.glyph) == "!" and translate("⚑") not in {look.ascii_glyph for look in STATES.values()}
    assert translate("⚑ MINI-01 ! ERROR") == "* MINI-01 ! ERROR"


async def test_acknowledge_on_an_empty_event_log_says_so(app, demo_farm):
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        assert isinstance(app.screen, EventLogScreen) and not app.events.log.events
        await pilot.press("a")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["Nothing to acknowledge: no event yet."]


async def test_time_in_state_is_never_blank_and_offline_says_a_duration(app, demo_farm):
    ready = first(demo_farm, "ready")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        now = app.clock()
        # the first minute: farmdash did not see these states begin, and says so
        assert app.store.view_of(ready.id, now).in_state == "≥0 min"
        assert "○ READY ≥0 min" in card_lines(app, app.store.view_of(ready.id, now))[2]
        offline_at_start = {v.id for v in app.store.views(now) if v.state is PrinterState.OFFLINE}
        demo_farm.step(5 * 60 + 59)  # 5 min 59 s: truncated, never rounded up
        app.poll_printers()
        await settle(pilot)
        still = [
            v for v in app.store.views(app.clock()) if v.state is PrinterState.OFFLINE and v.id in offline_at_start
        ]
        assert still, "an offline printer of the seeded farm stays offline for 6 minutes"
        for view in still:
            assert view.in_state == "≥5 min"
            state_line = card_lines(app, view)[2]
            assert re.search(r"× OFFLINE +≥5 min", state_line) and "since" not in state_line


async def test_the_printer_line_keeps_its_two_lines_at_80_when_stale_and_the_file_is_long(app, demo_farm):
    from tui.widgets.printer_header import PrinterHeader

    printing = first(demo_farm, "printing")
    job = demo_farm.jobs[printing.current_job_id]
    demo_farm.files[job.file_id].name = "bracket_assembly_left_side_v17_final.gcode"
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await select(pilot, printing)
        await pilot.press("enter")
        await settle(pilot)
        header = app.screen.query_one(PrinterHeader)
        header.show(app.store.view_of(printing.id, app.clock()), app.clock(), stale="Cannot reach the cloud: it")
        await pilot.pause()
        top, bottom = screen_text(app).splitlines()[2:4]
        assert top.rstrip().endswith("▲ STALE") and printing.name in top
        # temperatures, progress, the file cut in the middle and the finish time, all on one line
        assert bottom.startswith(f" {NOZZLE_LABEL} ") and " ends " in bottom and "…" in bottom, bottom
        assert "_final" in bottom and ".gcode" not in bottom


async def test_the_queue_says_why_in_words_without_the_calls_name(app, sim_server, demo_farm):
    from textual.widgets import Static

    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await select(pilot, first(demo_farm, "printing"))
        await pilot.press("enter")
        await settle(pilot)
        sim_server.faults.update({"drop_rate": 1.0})
        app.screen.reload()
        await settle(pilot, allow_errors=True)
        sim_server.faults.clear()
        line = str(app.screen.query_one("#jobs-status", Static).render())
        assert line.startswith("▲ Job list not updated: ") and "get_printer_jobs" not in line, line


async def test_the_alert_line_cuts_the_newest_alert_after_a_whole_word(app, demo_farm):
    from tui.widgets.alert_badge import AlertBadge

    event = Event(
        time=demo_farm.now(), printer_id=1, printer_name="UMS5-01", kind=EventKind.FAILED,
        detail="Thermal runaway detected on the left hotend during the first layer",
    )  # fmt: skip
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        badge = app.screen.query_one(AlertBadge)
        badge.show([event], "L")
        await pilot.pause()
        line = str(badge.render())
        shown = line.split("  L event log")[0].split("⚑ 1  ")[1]
        assert line.endswith("  L event log") and whole_words(shown, event.summary), line
