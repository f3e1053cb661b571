"""One printer's live line at the top of its queue and job screens."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ..formatting import ALERT, BED_LABEL, MUTED, NOZZLE_LABEL, bed_text, finish_label, nozzle_text, progress_bar
from ..states import look
from ..store import PrinterView


class PrinterHeader(Static):
    DEFAULT_CSS = """
    PrinterHeader { height: 2; background: $panel; padding: 0 1; }
    """

    def show(self, view: PrinterView | None, now, *, stale: str | None = None) -> None:
        if view is None:
            self.update(Text("This printer is no longer in the cloud's list.", style=f"bold {ALERT}"))
            return
        state_look = look(view.state)
        glyph, colour = state_look.glyph, state_look.colour
        top = Text(view.name, style="bold")
        top.append(f"  {view.type}", style=MUTED)
        top.append("  ")
        word = f" {glyph} {view.word} "
        top.append(word, style=Style(color=colour, bold=True, reverse=view.needs_person))
        if stale:
            top.append(f"  ▲ STALE: {stale}", style=f"bold {ALERT}")
        bottom = Text()
        bottom.append(f"{NOZZLE_LABEL} ", style=MUTED)  # the card's labels (`?` help says what they mean)
        bottom.append(nozzle_text(view.tools))
        bottom.append(f"  {BED_LABEL} ", style=MUTED)
        bottom.append(bed_text(view.bed))
        if view.is_active:
            bottom.append("  ")
            bottom.append_text(progress_bar(view.percent, 20))
            bottom.append(f" {view.percent:.0f}%", style="bold")
        if view.filename:
            bottom.append("  ")
            bottom.append(view.filename)
        if view.eta:
            bottom.append(f"  ends {finish_label(view.eta, now)}", style="bold")
        self.update(Text("\n").join([top, bottom]))
