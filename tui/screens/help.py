"""Every binding of the screen below and of the app, from the same lists the footer uses."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ..commands import key_label, screen_bindings
from ..formatting import MUTED
from ..states import COUNT_ORDER, STATES, count_word
from .base import FarmModal

MOVEMENT = [
    ("↑↓←→ / h j k l", "Move the selection"),
    ("PgUp / PgDn, Home / End", "Move by a page, to either end"),
    ("Ctrl+P", "Command palette: every action by name"),
]


def legend() -> Text:
    """What the header's counts and the cards' marks mean, from the state table."""
    text = Text()
    for state in COUNT_ORDER:
        look = STATES[state]
        text.append(f"{look.glyph} ", style=Style(color=look.colour, bold=True))
        text.append(f"{count_word(state)}  ")
    text.rstrip()
    text.append("\n◦3 queued jobs waiting · ≥ began before farmdash watched · ▲ stale data · ⧗ action sent")
    return text


class HelpScreen(FarmModal[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", id="help-close")]

    def __init__(self, below: Screen) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        rows = [(key_label(self.below, binding), binding.description) for binding, _ in screen_bindings(self.below)]
        rows += MOVEMENT
        width = max(len(key) for key, _ in rows) + 3
        table = Text()
        for key, description in rows:
            table.append(key.ljust(width), style="bold cyan")
            table.append(description + "\n")
        table.rstrip()
        with VerticalScroll(id="help-box"):
            yield Static(
                Text(f"Keys: {self.below.sub_title or self.below.title or 'farmdash'}", style="bold"), id="help-title"
            )
            yield Static(table)
            yield Static(Text("Counts and marks", style="bold"), classes="help-legend-title")
            yield Static(legend())
            yield Static(Text("escape closes", style=MUTED))

    def action_close(self) -> None:
        self.dismiss(None)
