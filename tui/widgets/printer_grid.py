"""Printer cards in a grid that reflows with the terminal's width."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.style import Style
from rich.text import Text

from api import PrinterState

from ..formatting import ALERT, bed_text, compact_age, finish_label, nozzle_text, progress_bar
from ..states import look
from ..store import MARK_GLYPH, MARK_STYLE, PrinterView
from .printer_list import PrinterList

CARD_MIN_WIDTH = 26

# Secondary text (type, labels): a plain grey that keeps 4.5:1 on the dark background (Textual's
# `dim` blends to ~1.5:1) and falls back to the normal colour with NO_COLOR.
MUTED = Style(color="grey62")
STALE_GLYPH = "▲"

ROUND = ("╭", "─", "╮", "│", "╰", "╯")
HEAVY = ("┏", "━", "┓", "┃", "┗", "┛")


def _fit(text: Text, width: int) -> Text:
    text = text.copy()
    text.truncate(width, overflow="ellipsis", pad=True)
    return text


class PrinterGrid(PrinterList):
    """A card per printer: name, type, state word, progress, temperatures, file and finish time."""

    DEFAULT_CSS = """
    PrinterGrid { height: 1fr; scrollbar-size-vertical: 1; overflow-x: hidden; }
    """
    ITEM_HEIGHT = 7

    def __init__(self, *args, clock=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.tray_key = "t"  # the user's key for the tray action, set by the screen from the live keymap

    @property
    def columns(self) -> int:
        return max(1, self.content_width // CARD_MIN_WIDTH)

    @property
    def item_width(self) -> int:
        return max(
            CARD_MIN_WIDTH if self.content_width >= CARD_MIN_WIDTH else self.content_width,
            self.content_width // self.columns,
        )

    def render_item(self, view: PrinterView, width: int, selected: bool) -> list[Text]:
        state_look = look(view.state)
        glyph, colour = state_look.glyph, state_look.colour
        word = view.word
        dim = view.state is PrinterState.OFFLINE
        border_colour = colour if view.needs_person else ("grey50" if not selected else "white")
        tl, h, tr, v, bl, br = HEAVY if (selected or view.needs_person) else ROUND
        border = Style(color=border_colour, bold=selected)
        stale = self.stale
        inner = max(1, width - 4)

        def boxed(content: Text) -> Text:
            line = Text(v + " ", style=border)
            line.append_text(_fit(content, inner))
            line.append(" " + v, style=border)
            return line

        title = Text(tl + h, style=border)
        if view.marked:  # a glyph as well as a colour: the mark reads on a monochrome terminal
            title.append(f" {MARK_GLYPH}", style=MARK_STYLE)
        name = Text(f" {view.name} ", style=Style(bold=True, reverse=selected and self.has_focus))
        if view.alert:  # an alert not yet acknowledged (L opens the log)
            name = Text.assemble((" ⚑", Style(color=ALERT, bold=True)), name)
        name.truncate(max(1, width - 5 - (2 if view.marked else 0) - (1 if stale else 0)), overflow="ellipsis")
        title.append_text(name)
        # A stale farm marks every card (the header says since when and why).
        corner = f"{STALE_GLYPH}{tr}" if stale else tr
        title.append(h * max(0, width - len(corner) - title.cell_len) + corner, style=border)

        kind = Text(view.type or "—", style=MUTED)
        if view.queued is not None:
            # Queued jobs waiting for the printer: `◦3 queued`; an empty queue is a quiet `◦0`.
            queue = Text(f"◦{view.queued} queued", style="bold") if view.queued else Text("◦0", style=MUTED)
            kind.truncate(max(1, inner - queue.cell_len - 1), overflow="ellipsis")
            kind.append(" " * max(1, inner - kind.cell_len - queue.cell_len))
            kind.append_text(queue)

        state = Text()
        if view.needs_person:
            state.append(f" {glyph} {word} ", style=Style(color=colour, reverse=True, bold=True))
        else:
            state.append(f"{glyph} {word}", style=Style(color=colour, bold=True))
        percent = f"{view.percent:.0f}%" if view.is_active else ""
        # Time in state after the word: in full if it fits, else short (`47m`), else left out.
        for age in (view.in_state, compact_age(view.in_state)):
            if age and state.cell_len + 1 + len(age) + (len(percent) + 1 if percent else 0) <= inner:
                state.append(" " + age, style="bold" if view.needs_person else "")
                break
        if percent:
            state.append(" " * max(1, inner - state.cell_len - len(percent)))
            state.append(percent, style="bold")

        if view.is_active:
            bar = progress_bar(view.percent, inner)
        else:
            bar = Text("·" * inner, style=MUTED)

        temps = Text(style=MUTED if dim else "")
        temps.append("N ", style=MUTED)
        temps.append(nozzle_text(view.tools))
        if view.bed[0] or view.bed[1]:
            temps.append("  B ", style=MUTED)
            temps.append(bed_text(view.bed))
        elif view.bed[0] is not None:
            temps.append("  " + bed_text(view.bed), style=MUTED)

        job = Text()
        if view.in_flight:
            job.append(f"⧗ {view.in_flight}", style=Style(bold=True, italic=True))
        elif view.reason and view.state is PrinterState.ERROR:
            job.append(view.reason, style=Style(color=colour))
        elif view.filename:
            ends = finish_label(view.eta, self.clock())
            ends_text = f" →{ends}" if ends else ""
            file_text = Text(view.filename)
            file_text.truncate(max(1, inner - len(ends_text)), overflow="ellipsis")
            job.append_text(file_text)
            if ends_text:
                job.append(" " * max(0, inner - file_text.cell_len - len(ends_text)))
                job.append(ends_text, style="bold")
        elif view.state is PrinterState.BED_NOT_CLEAR:
            job.append(f"{self.tray_key} clears the tray", style="italic")
        elif view.state is PrinterState.ERROR:
            job.append("check the printer", style="italic")
        else:
            job.append("—", style=MUTED)

        bottom = Text(bl + h * max(0, width - 2) + br, style=border)
        return [title, boxed(kind), boxed(state), boxed(bar), boxed(temps), boxed(job), bottom]
