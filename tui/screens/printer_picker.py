"""Pick one printer (where to move a queued job): name and state, by name."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ..safe import plain
from ..states import STATES
from ..store import PrinterView
from .base import FarmModal


class PrinterPicker(FarmModal[int | None]):
    """Dismisses with a printer id, or None."""

    CSS_PATH = "../styles/bulk.tcss"
    BINDINGS = [Binding("escape", "close", "Close", id="printer-picker-close")]

    def __init__(self, question: str, printers: list[PrinterView]) -> None:
        super().__init__()
        self.question = question
        self.printers = printers

    def compose(self) -> ComposeResult:
        options = []
        for view in self.printers:
            label = Text(plain(view.label), style="bold")
            label.append(f"  {STATES[view.state].short}", style="dim")
            options.append(Option(label, id=str(view.id)))
        with Vertical(id="picker-box"):
            yield Label(Text(plain(self.question), style="bold"))
            yield OptionList(*options, id="printer-options")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 0))

    def action_close(self) -> None:
        self.dismiss(None)
