"""The dense view: one row a printer, fixed-width columns, for big farms."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.strip import Strip

from ..formatting import bed_text, finish_label, progress_bar, temp
from ..states import look, state_word
from ..store import MARK_GLYPH, MARK_STYLE, PrinterView
from .printer_list import PrinterList

# (sort key, title, width); the file column takes what is left
COLUMNS = [
    ("name", "Name", 18),
    ("type", "Type", 18),
    ("state", "State", 16),
    (None, "Nozzle", 10),
    (None, "Bed", 9),
    ("progress", "Progress", 14),
    ("finish", "Ends", 6),
]
FILE_MIN = 8


class PrinterTable(PrinterList):
    DEFAULT_CSS = """
    PrinterTable { height: 1fr; scrollbar-size-vertical: 1; overflow-x: hidden; }
    """
    ITEM_HEIGHT = 1

    class SortRequested(Message):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, *args, clock=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.sort_key = "name"

    @property
    def top_lines(self) -> int:
        return 1

    def _widths(self, width: int) -> list[int]:
        fixed = sum(w + 1 for _, _, w in COLUMNS)
        widths = [w for _, _, w in COLUMNS]
        spare = width - fixed
        if spare < FILE_MIN:
            # Narrow terminal: give the type column up first.
            widths[1] = max(0, widths[1] + spare - FILE_MIN)
            spare = FILE_MIN
        return [*widths, max(0, spare)]

    def render_top_line(self, y: int, width: int) -> Strip:
        header = Text(style=Style(bold=True, underline=True))
        for (key, title, _), w in zip([*COLUMNS, (None, "File", 0)], self._widths(width), strict=True):
            if w <= 0:
                continue
            mark = " ▲" if key == self.sort_key else ""
            cell = Text(title + mark)
            cell.truncate(w, pad=True)
            header.append_text(cell)
            header.append(" ")
        strip = Strip(list(header.render(self.app.console)))
        return strip.adjust_cell_length(width, self.rich_style).apply_style(self.rich_style)

    def render_item(self, view: PrinterView, width: int, selected: bool) -> list[Text]:
        state_look = look(view.state)
        # A marker as well as a background: the selection must read without colour too.
        row_style = Style(bgcolor="grey23") if selected else Style()
        name = Text("›" if selected else " ", style="bold")
        if view.alert:  # an alert not yet acknowledged
            name.append("⚑", style=Style(color="red", bold=True))
        if view.marked:  # a glyph as well as a colour: the mark reads on a monochrome terminal
            name.append(f"{MARK_GLYPH} ", style=MARK_STYLE)
        name.append(view.name, style="bold")
        cells: list[Text] = [
            name,
            Text(view.type, style="dim"),
            Text(
                f"{state_look.glyph} {state_word(view.state, view.raw_state)}",
                style=Style(color=state_look.colour, bold=view.needs_person),
            ),
            Text(temp(*(view.tools[0] if view.tools else (None, None)))),
            Text(bed_text(view.bed)),
        ]
        progress = Text()
        if view.is_active:
            progress.append_text(progress_bar(view.percent, 10))
            progress.append(f"{view.percent:3.0f}%")
        cells.append(progress)
        cells.append(Text(finish_label(view.eta, self.clock()), style="bold"))
        cells.append(Text(view.filename))
        line = Text(style=row_style)
        for cell, w in zip(cells, self._widths(width), strict=True):
            if w <= 0:
                continue
            cell.truncate(w, overflow="ellipsis", pad=True)
            line.append_text(cell)
            line.append(" ")
        line.stylize(row_style)
        return [line]

    def set_sort(self, key: str) -> None:
        self.sort_key = key
        self.refresh_lines(0, 1)

    def on_click(self, event: events.Click) -> None:
        if event.y + self.scroll_offset.y == 0:
            x = 0
            for (key, _, _), w in zip(COLUMNS, self._widths(self.content_width), strict=False):
                if x <= event.x < x + w + 1 and key:
                    self.post_message(self.SortRequested(key))
                    return
                x += w + 1
            return
        super().on_click(event)
