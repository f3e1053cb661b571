"""Cloud text is data and one line: names and file names with line breaks, tabs and bidi overrides."""

from __future__ import annotations

from tui.widgets.printer_grid import PrinterGrid
from tui.widgets.printer_table import PrinterTable

from .helpers import build_app, settle

SIZE = (160, 48)
FORBIDDEN = ("\n", "\r", "\t", "\u202e", "\u2066", "\u200b", "\x1b")


def printing(farm) -> list:
    return sorted((p for p in farm.printers.values() if p.state == "printing"), key=lambda p: p.id)


async def test_names_and_files_with_breaks_tabs_and_bidi_render_on_one_line(sim_server, demo_farm):
    broken, tabbed, reversed_ = printing(demo_farm)[:3]
    broken.name = "line1\nline2"
    reversed_.name = "Bay\u202e7\u200b9"  # U+202E would show "Bay97" as "Bay79"
    job = demo_farm.jobs[tabbed.current_job_id]
    demo_farm.files[job.file_id].name = "a\tb"
    app = build_app(sim_server, demo_farm)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(PrinterGrid)
        views = {view.id: view for view in grid.items}
        assert views[broken.id].name == "line1 line2"
        assert views[reversed_.id].name == "Bay79"
        assert views[tabbed.id].filename == "a b"
        grid_lines = [grid.render_line(y) for y in range(grid.size.height)]
        assert all(line.cell_length == grid.content_width for line in grid_lines)
        await pilot.press("v")
        await settle(pilot)
        table = app.screen.query_one(PrinterTable)
        rows = [table.render_line(y) for y in range(table.size.height)]
        text = "\n".join(row.text for row in rows)
        assert "line1 line2" in text and "Bay79" in text and "a b" in text
        assert all(row.cell_length == table.content_width for row in rows)
        shown = [line.text for line in grid_lines + rows]
        assert not [line for line in shown if any(char in line for char in FORBIDDEN)]
