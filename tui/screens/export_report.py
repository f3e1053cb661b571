"""Ask where to write a report: the full path it will go to, shown before anything is written.

The name starts in the export folder (the configured files folder, else the user's downloads
folder, see `report_export.export_dir`); a bare or relative name stays in that folder, `~` and
absolute paths are taken as typed. `.json` writes JSON, anything else CSV.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from ..report_export import export_format, export_target
from ..safe import plain
from ..widgets.fit_footer import FitFooter
from .base import FarmModal


class ExportReportScreen(FarmModal[Path | None]):
    """Dismisses with the path to write, or None when the user backs out."""

    CSS_PATH = "../styles/reports.tcss"

    BINDINGS = [
        Binding("enter", "write", "Write the file", id="export-write", priority=True),
        Binding("escape", "cancel", "Cancel", id="export-cancel"),
    ]

    def __init__(self, folder: Path, filename: str, rows: int) -> None:
        super().__init__()
        self.folder = folder
        self.filename = filename
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Label(f"Export {self.rows:,} rows (CSV; a name ending in .json writes JSON) to:", markup=False)
            yield Input(str(self.folder / self.filename), id="export-path", select_on_focus=False)
            yield Label("", id="export-target", markup=False)
            yield Label("", id="export-hint", markup=False)
        yield FitFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        write, cancel = self.app.binding_key("export-write"), self.app.binding_key("export-cancel")
        self.query_one("#export-hint", Label).update(f"{write} writes the file, {cancel} cancels")
        self._show_target(self.query_one(Input).value)

    def target(self) -> Path | None:
        return export_target(self.query_one(Input).value, self.folder)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show_target(event.value)

    def _show_target(self, typed: str) -> None:
        """The whole path, as it will be written (the box may scroll a long one out of sight)."""
        path = export_target(typed, self.folder)
        if path is None:
            words = "No file named: nothing will be written."
        else:
            replaces = " (replaces the file there)" if path.is_file() else ""
            words = f"Writes {export_format(path)} to {path}{replaces}"
        self.query_one("#export-target", Label).update(plain(words))

    def action_write(self) -> None:
        self.dismiss(self.target())

    def action_cancel(self) -> None:
        self.dismiss(None)
