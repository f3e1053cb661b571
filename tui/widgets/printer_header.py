"""One printer's live line at the top of its queue and job screens."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ..formatting import STATE_LOOK, finish_label, progress_bar, state_word, temp
from ..store import PrinterView


class PrinterHeader(Static):
    DEFAULT_CSS = """
    PrinterHeader { height: 2; background: $panel; padding: 0 1; }
    """

    def show(self, view: PrinterView | None, now, *, stale: str | None = None) -> None:
        if view is None:
            self.update(Text("This printer is no longer in the cloud's list.", style="bold red"))
            return
        glyph, _, colour = STATE_LOOK[view.state]
        top = Text(view.name, style="bold")
        top.append(f"  {view.type}", style="dim")
        top.append("  ")
        word = f" {glyph} {state_word(view.state, view.raw_state)} "
        top.append(word, style=Style(color=colour, bold=True, reverse=view.needs_person))
        if stale:
            top.append(f"  ▲ STALE: {stale}", style="bold red")
        bottom = Text()
        nozzle = view.tools[0] if view.tools else (None, None)
        bottom.append("nozzle ", style="dim")
        bottom.append(temp(*nozzle))
        if len(view.tools) > 1:
            bottom.append("  tool 2 ", style="dim")
            bottom.append(temp(*view.tools[1]))
        bottom.append("  bed ", style="dim")
        bottom.append(temp(*view.bed) if (view.bed[0] or view.bed[1]) else ("none" if view.bed[0] is not None else "—"))
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
