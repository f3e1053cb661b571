"""Every binding of the screen below and of the app, from the same lists the footer uses."""

from __future__ import annotations

from rich.columns import Columns
from rich.console import Group
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Static

from ..actions import SENDING_BINDING_IDS
from ..commands import _farmdash_actions, key_label, screen_bindings
from ..formatting import MUTED, TEMPERATURE_LEGEND
from ..states import COUNT_ORDER, STATES, count_word
from ..store import MARK_GLYPH
from ..widgets.fit_footer import FitFooter
from ..widgets.printer_grid import SELECTED_MARK
from .base import FarmModal

SELECTION_MOVES = [
    ("↑↓←→", "Move the selection"),  # and the letters this screen binds (`move_letters`)
    ("PgUp / PgDn, Home / End", "Move by a page, to either end"),
]
SCROLL_MOVES = [("↑↓ PgUp / PgDn, Home / End", "Scroll")]
PALETTE_WORDS = "Command palette: every action by name"
SELECTION_ACTIONS = ("move(", "cursor_")


def movement(screen: Screen) -> list[tuple[str, str]]:
    """How to move on this screen, in words: a selection to move (grid, table, queue, log), else a
    page to scroll (job detail), else nothing."""
    actions = [
        binding.action
        for _, bindings_map in screen._binding_chain
        for bindings in bindings_map.key_to_bindings.values()
        for binding in bindings
    ]
    if any(action.startswith(SELECTION_ACTIONS) for action in actions):
        letters = move_letters(screen)
        arrows = f"↑↓←→ / {' '.join(letters)}" if letters else "↑↓←→"
        return [(arrows, SELECTION_MOVES[0][1]), *SELECTION_MOVES[1:]]
    if any(action.startswith("scroll_") for action in actions):
        return SCROLL_MOVES
    return []


def move_letters(screen: Screen) -> list[str]:
    """The letter keys that move the selection on this screen, from its live bindings: the grid
    has h j k l, the queue j k, and the event log none (its `k` picks the kind; help said hjkl)."""
    taken: dict[str, str] = {}
    chain = screen._binding_chain  # the focused widget first: the first binding of a key wins...
    for priority in (True, False):  # ...after the priority bindings (a keymap's `j` for the filter)
        for _, bindings_map in chain:
            for key, bindings in bindings_map.key_to_bindings.items():
                first = next((binding for binding in bindings if binding.priority is priority), None)
                if len(key) == 1 and key.isalpha() and key not in taken and first is not None:
                    taken[key] = first.action
    letters = [key for key, action in taken.items() if action.startswith(SELECTION_ACTIONS)]
    return sorted(letters, key=lambda key: ("hjkl".find(key) % 5, key))


def applies(screen: Screen, binding: Binding, node: DOMNode) -> bool:
    """Whether a key of `binding` reaches it on `screen`: the app's `q Quit` is listed on the grid,
    not where the screen's own `q` goes back. (A widget's stock key, like a table's enter, hands
    on to the screen's action, so only farmdash's own keys count as taking a key.)"""
    chain = screen._binding_chain
    keys = [
        key
        for owner, bindings_map in chain
        if owner is node
        for key, bindings in bindings_map.key_to_bindings.items()
        if any(b.action == binding.action and b.id == binding.id for b in bindings)  # not Textual's own ctrl+q
    ]
    for key in keys:
        for owner, bindings_map in chain:
            if key not in bindings_map.key_to_bindings:
                continue
            ours = {action for action, _ in _farmdash_actions(owner)}
            taken = [b for b in bindings_map.key_to_bindings[key] if b.action in ours]
            if owner is node or not taken:
                if owner is node:
                    return True
                continue
            break  # another farmdash key has it first
    return False


def legend() -> Group:
    """What the header's counts and the cards' marks mean, from the state table: each item whole
    on one line (laid out in as many columns as fit), never a glyph on one line and its word on
    the next."""
    states, marks = legend_items()
    return Group(Columns(states, padding=(0, 2)), Columns(marks, padding=(0, 2)))


def legend_items() -> tuple[list[Text], list[Text]]:
    items = []
    for state in COUNT_ORDER:
        look = STATES[state]
        item = Text(f"{look.glyph} ", style=Style(color=look.colour, bold=True))
        item.append(count_word(state))
        items.append(item)
    marks = [
        "◦3 queued jobs waiting",
        "≥ began before farmdash watched",
        "▲ stale data",
        "⧗ action sent",
        f"{MARK_GLYPH} marked",
        "⚑ alert to acknowledge",
        f"{SELECTED_MARK} selected (double border)",
        "heavy border: needs a person",
        TEMPERATURE_LEGEND,
        "47 min: at least 47 whole minutes",
    ]
    return items, [Text(mark) for mark in marks]


def help_description(binding: Binding, read_only: bool) -> str:
    if read_only and binding.id in SENDING_BINDING_IDS:
        return f"{binding.description} (read-only)"  # the header says READ-ONLY; the key says so too
    return binding.description


class HelpScreen(FarmModal[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", id="help-close")]

    def __init__(self, below: Screen) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        read_only = self.app.read_only
        rows = [
            (key_label(self.below, binding), help_description(binding, read_only))
            for binding, node in screen_bindings(self.below)
            if applies(self.below, binding, node)
        ]
        palette = self.app.get_key_display(Binding(self.app.COMMAND_PALETTE_BINDING, "command_palette"))
        rows += [*movement(self.below), (palette, PALETTE_WORDS)]  # as the footer names it
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
            yield Static(Text(f"{self.app.binding_key('help-close')} closes", style=MUTED))
        yield FitFooter(compact=True)  # its own keys: the screen's below do nothing while it is open

    def action_close(self) -> None:
        self.dismiss(None)
