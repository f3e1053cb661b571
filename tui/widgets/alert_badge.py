"""`⚑ N`: the alerts nobody has acknowledged yet, on top of every screen while there are any.

Hidden when there are none, so a quiet farm loses no line. Names the newest alert and the key
that opens the event log (the user's key, from the live bindings).
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ..events import Event
from ..formatting import ALERT, MUTED
from ..shorten import cut_words


class AlertBadge(Static):
    DEFAULT_CSS = """
    AlertBadge { dock: top; height: 1; padding: 0 1; background: $panel; display: none; }
    """

    def show(self, waiting: list[Event], log_key: str) -> None:
        self.display = bool(waiting)
        if not waiting:
            return
        newest = waiting[-1]
        line = Text(f" ⚑ {len(waiting)} ", style=Style(color=ALERT, reverse=True, bold=True))
        line.append(" ")
        hint = f"  {log_key} event log"
        width = max(10, (self.size.width or 80) - 2)
        room = max(1, width - len(hint) - line.cell_len)
        # Text: cloud names are data, never markup; cut after a whole word (the log has all of it)
        line.append(cut_words(newest.summary, room), style="bold")
        line.append(hint, style=MUTED)
        self.update(line)
