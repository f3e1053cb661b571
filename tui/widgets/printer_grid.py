"""Printer cards in a grid that reflows with the terminal's width."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from api import PrinterState

from ..formatting import (
    ALERT,
    BED_LABEL,
    NOZZLE_LABEL,
    bed_text,
    compact_age,
    finish_label,
    progress_bar,
    temp,
)
from ..shorten import cut_file, cut_middle, cut_words
from ..states import look
from ..store import MARK_GLYPH, MARK_STYLE, PrinterView
from .printer_list import PrinterList

CARD_MIN_WIDTH = 26

# Secondary text (type, labels): a plain grey that keeps 4.5:1 on the dark background (Textual's
# `dim` blends to ~1.5:1) and falls back to the normal colour with NO_COLOR.
MUTED = Style(color="grey62")
STALE_GLYPH = "▲"

# Three border shapes, so what a card means reads without colour (NO_COLOR, 16 colours over SSH):
# round for most, heavy for a printer that needs a person, double (and `›` before the name, the
# table's selection mark) for the selected card, whatever its state.
ROUND = ("╭", "─", "╮", "│", "╰", "╯")
HEAVY = ("┏", "━", "┓", "┃", "┗", "┛")
DOUBLE = ("╔", "═", "╗", "║", "╚", "╝")
SELECTED_MARK = "›"


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
        colour = state_look.colour
        dim = view.state is PrinterState.OFFLINE
        border_colour = colour if view.needs_person else ("grey50" if not selected else "white")
        tl, h, tr, v, bl, br = DOUBLE if selected else HEAVY if view.needs_person else ROUND
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
        if selected:
            title.append(SELECTED_MARK, style=border)
        room = max(1, width - 5 - (2 if view.marked else 0) - (1 if stale else 0) - (1 if selected else 0))
        if view.alert:  # an alert not yet acknowledged (L opens the log)
            title.append(" ⚑", style=Style(color=ALERT, bold=True))
            room -= 2
        # Cut in the middle: lab printers are told apart by their ends (`Bay3-…-MK4`).
        name = Text(
            f" {cut_middle(view.name, max(1, room - 2))} ", style=Style(bold=True, reverse=selected and self.has_focus)
        )
        title.append_text(name)
        # A stale farm marks every card (the header says since when and why).
        corner = f"{STALE_GLYPH}{tr}" if stale else tr
        title.append(h * max(0, width - len(corner) - title.cell_len) + corner, style=border)

        kind = Text(cut_words(view.type or "—", inner), style=MUTED)
        if view.queued is not None:
            # Queued jobs waiting for the printer: `◦3 queued`; an empty queue is a quiet `◦0 queued`,
            # or `◦0` where the whole word would cut the printer's type.
            if view.queued:
                queue = Text(f"◦{view.queued} queued", style="bold")
            elif cell_len(view.type or "—") + len(" ◦0 queued") <= inner:
                queue = Text("◦0 queued", style=MUTED)
            else:
                queue = Text("◦0", style=MUTED)
            kind = Text(cut_words(view.type or "—", max(1, inner - queue.cell_len - 1)), style=MUTED)
            kind.append(" " * max(1, inner - kind.cell_len - queue.cell_len))
            kind.append_text(queue)

        percent = f"{view.percent:.0f}%" if view.is_active else ""
        state = state_line(view, inner - (len(percent) + 1 if percent else 0))
        if percent:
            state.append(" " * max(1, inner - state.cell_len - len(percent)))
            state.append(percent, style="bold")

        if view.is_active:
            bar = progress_bar(view.percent, inner)
        else:
            bar = Text("·" * inner, style=MUTED)

        temps = temperatures(view, inner, dim=dim)

        job = Text()
        if view.in_flight:
            job.append(f"⧗ {view.in_flight}", style=Style(bold=True, italic=True))
        elif view.reason and view.state is PrinterState.ERROR:
            job.append(cut_words(view.reason, inner), style=Style(color=colour))
        elif view.filename:
            ends = finish_label(view.eta, self.clock())
            ends_text = f" →{ends}" if ends else ""
            file_text = Text(cut_file(view.filename, max(1, inner - len(ends_text))))
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


def temperatures(view: PrinterView, width: int, *, dim: bool = False) -> Text:
    """`N 250/250°  B 100/100°` in `width` cells: a second nozzle, then the wide gap, give way
    before anything is cut (never half a number)."""
    nozzles = [temp(*tool) for tool in view.tools[:2]] or ["—"]
    if view.bed[0] or view.bed[1]:
        bed: list[tuple[str, str | Style]] = [(f"{BED_LABEL} ", MUTED), (bed_text(view.bed), "")]
    elif view.bed[0] is not None:
        bed = [(bed_text(view.bed), MUTED)]  # `no bed`
    else:
        bed = []
    for shown, gap in ((nozzles, "  "), (nozzles, " "), (nozzles[:1], "  "), (nozzles[:1], " ")):
        text = Text(style=MUTED if dim else "")
        text.append(f"{NOZZLE_LABEL} ", style=MUTED)
        text.append(" ".join(shown))
        if bed:
            text.append(gap)
            for part, style in bed:
                text.append(part, style=style)
        if text.cell_len <= width:
            break
    return text


def state_line(view: PrinterView, width: int) -> Text:
    """`▶ PRINTING ≥47 min`, or an inverted label for a printer that needs a person, followed by the
    time in state: in full where it fits (the label gives up its padding first: `since 18:34` on an
    offline card at 80 columns), else short (`47m`), else left out."""
    state_look = look(view.state)
    label = f"{state_look.glyph} {view.word}"
    if view.needs_person:
        badge = Style(color=state_look.colour, reverse=True, bold=True)
        labels = [Text(f" {label} ", style=badge), Text(label, style=badge)]
    else:
        labels = [Text(label, style=Style(color=state_look.colour, bold=True))]
    age_style = "bold" if view.needs_person else ""
    for age in dict.fromkeys((view.in_state, compact_age(view.in_state))):
        for shown in labels:
            if age and shown.cell_len + 1 + cell_len(age) <= width:
                return Text.assemble(shown, " ", (age, age_style))
    return labels[0].copy()
