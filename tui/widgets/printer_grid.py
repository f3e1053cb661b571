"""Printer cards in a grid that reflows with the terminal's width."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.style import Style
from rich.text import Text

from api import PrinterState

from ..formatting import bed_text, finish_label, nozzle_text, progress_bar
from ..states import look, state_word
from ..store import MARK_GLYPH, MARK_STYLE, PrinterView
from .printer_list import PrinterList

CARD_MIN_WIDTH = 26

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
        word = state_word(view.state, view.raw_state)
        dim = view.state is PrinterState.OFFLINE
        border_colour = colour if view.needs_person else ("bright_black" if not selected else "white")
        tl, h, tr, v, bl, br = HEAVY if (selected or view.needs_person) else ROUND
        border = Style(color=border_colour, bold=selected)
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
            name = Text.assemble((" ⚑", Style(color="red", bold=True)), name)
        name.truncate(max(1, width - 5 - (2 if view.marked else 0)), overflow="ellipsis")
        title.append_text(name)
        title.append(h * max(0, width - 1 - title.cell_len) + tr, style=border)

        kind = Text(view.type or "—", style="dim")

        state = Text()
        if view.needs_person:
            state.append(f" {glyph} {word} ", style=Style(color=colour, reverse=True, bold=True))
        else:
            state.append(f"{glyph} {word}", style=Style(color=colour, bold=True, dim=dim))
        if view.is_active or view.state is PrinterState.BED_NOT_CLEAR:
            percent = f"{view.percent:.0f}%"
            state.append(" " * max(1, inner - state.cell_len - len(percent)))
            state.append(percent, style="bold")

        if view.is_active:
            bar = progress_bar(view.percent, inner)
        else:
            bar = Text("·" * inner, style="bright_black")

        temps = Text(style="dim" if dim else "")
        temps.append("N ", style="bright_black")
        temps.append(nozzle_text(view.tools))
        if view.bed[0] or view.bed[1]:
            temps.append("  B ", style="bright_black")
            temps.append(bed_text(view.bed))
        elif view.bed[0] is not None:
            temps.append("  " + bed_text(view.bed), style="bright_black")

        job = Text()
        if view.filename:
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
            job.append("—", style="bright_black")

        bottom = Text(bl + h * max(0, width - 2) + br, style=border)
        return [title, boxed(kind), boxed(state), boxed(bar), boxed(temps), boxed(job), bottom]
