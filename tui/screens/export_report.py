"""Ask where to write a report: a path with a sensible default; `.json` writes JSON, else CSV."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from .base import FarmModal
from .bound_keys import key_for


class ExportReportScreen(FarmModal[Path | None]):
    """Dismisses with the path to write, or None when the user backs out."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export-cancel")]

    def __init__(self, default: Path, rows: int) -> None:
        super().__init__()
        self.default = default
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Label(f"Export {self.rows:,} rows to (CSV; a name ending in .json writes JSON):", markup=False)
            yield Input(str(self.default), id="export-path", select_on_focus=False)
            yield Label("", id="export-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.query_one("#export-hint", Label).update(
            f"{key_for(self, 'submit')} writes the file, {key_for(self, 'cancel')} cancels"
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        self.dismiss(Path(value).expanduser() if value else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
