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
from ..widgets.fit_footer import FitFooter
from .base import FarmModal


class PrinterPicker(FarmModal[int | None]):
    """Dismisses with a printer id, or None."""

    CSS_PATH = "../styles/bulk.tcss"
    BINDINGS = [
        # Priority: the list would take enter itself, and the footer would not name it.
        Binding("enter", "choose", "Move here", id="printer-picker-choose", priority=True),
        Binding("escape", "close", "Cancel", id="printer-picker-close"),
    ]

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
        with Vertical(id="printer-picker-box"):
            yield Label(Text(plain(self.question), style="bold"))
            yield OptionList(*options, id="printer-options")
        yield FitFooter(compact=True)  # the picker's own keys, not the queue's under it

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 0))

    def action_choose(self) -> None:
        option = self.query_one(OptionList).highlighted_option
        if option is not None:
            self.dismiss(int(option.id or 0))

    def action_close(self) -> None:
        self.dismiss(None)
