"""One printer's live line at the top of its queue and job screens."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ..formatting import ALERT, BED_LABEL, MUTED, NOZZLE_LABEL, bed_text, finish_label, nozzle_text, progress_bar
from ..shorten import cut_file, cut_middle, cut_words
from ..states import look
from ..store import PrinterView


class PrinterHeader(Static):
    DEFAULT_CSS = """
    PrinterHeader { height: 2; background: $panel; padding: 0 1; }
    """

    _shown: tuple[PrinterView | None, object, str | None] | None = None

    def show(self, view: PrinterView | None, now, *, stale: str | None = None) -> None:
        """Two lines, each kept to the width (a wrapped first line pushed the temperatures out of
        the 2-line box): names cut in the middle, the type by whole words, the file without its
        extension first. The reason for stale data is on the farm's line above; here `▲ STALE`."""
        self._shown = (view, now, stale)
        if view is None:
            self.update(Text("This printer is no longer in the cloud's list.", style=f"bold {ALERT}"))
            return
        width = max(20, (self.size.width or self.app.size.width) - 2)
        state_look = look(view.state)
        badge = Text(f" {state_look.glyph} {view.word} ", style=Style(color=state_look.colour, bold=True,
                                                                      reverse=view.needs_person))  # fmt: skip
        tail = Text()
        if view.in_state:
            tail.append(f" {view.in_state}", style="bold" if view.needs_person else "")
        if stale:
            tail.append("  ▲ STALE", style=f"bold {ALERT}")
        top = Text(cut_middle(view.name, max(8, width // 3)), style="bold")
        room = width - top.cell_len - 2 - badge.cell_len - tail.cell_len - 2
        if view.type and room >= 6:
            top.append(f"  {cut_words(view.type, room)}", style=MUTED)
        top.append("  ")
        top.append_text(badge)
        top.append_text(tail)

        bottom = Text()
        bottom.append(f"{NOZZLE_LABEL} ", style=MUTED)  # the card's labels (`?` help says what they mean)
        bottom.append(nozzle_text(view.tools))
        bottom.append(f"  {BED_LABEL} ", style=MUTED)
        bottom.append(bed_text(view.bed))
        if view.is_active:
            bottom.append("  ")
            bottom.append_text(progress_bar(view.percent, 20))
            bottom.append(f" {view.percent:.0f}%", style="bold")
        ends = Text(f"  ends {finish_label(view.eta, now)}", style="bold") if view.eta else Text()
        room = width - bottom.cell_len - ends.cell_len - 2
        if view.filename and room >= 6:
            bottom.append("  ")
            bottom.append(cut_file(view.filename, room))
        bottom.append_text(ends)
        self.update(Text("\n", no_wrap=True, overflow="ellipsis").join([top, bottom]))

    def on_resize(self) -> None:
        if self._shown is not None:
            view, now, stale = self._shown
            self.show(view, now, stale=stale)
