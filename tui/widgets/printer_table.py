"""The dense view: one row a printer, fixed-width columns, for big farms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.strip import Strip

from ..formatting import ALERT, BED_LABEL, NOZZLE_LABEL, bed_text, finish_label, progress_bar, temp
from ..shorten import cut_email, cut_file, cut_middle, cut_words
from ..states import look
from ..store import MARK_GLYPH, MARK_STYLE, PrinterView
from .printer_grid import MUTED
from .printer_list import PrinterList


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    width: int
    keep: int  # which columns stay as the terminal narrows: 0 always, higher ones go first
    sort: str | None = None
    grow: int = 0  # extra cells taken when the terminal is wide


# In the order shown; the file column takes what is left (at least FILE_MIN).
COLUMNS = [
    Column("name", "Name", 14, 0, "name", grow=8),
    Column("type", "Type", 16, 9, "type", grow=6),
    Column("state", "State", 15, 0, "state"),
    Column("since", "In state", 8, 1),
    Column("queue", "Queue", 5, 2),
    Column("nozzle", NOZZLE_LABEL, 10, 7),  # the card's labels: one name everywhere, `?` says what
    Column("bed", BED_LABEL, 9, 8),
    Column("progress", "Progress", 10, 3, "progress"),
    Column("ends", "Ends", 9, 1, "finish"),  # `Thu 05:30`
    Column("owner", "Owner", 18, 6, grow=8),
]
FILE_MIN = 12
# Text columns made to fit without cutting a word: a type by whole words, an owner by who it is.
WORDS: dict[str, Callable[[str, int], str]] = {"type": cut_words, "owner": cut_email}
# The arrow says which way the list runs: progress sorts the most advanced first.
SORT_ARROWS = {"progress": " ▼"}


def layout(width: int) -> list[tuple[Column | None, int]]:
    """The columns that fit in `width` (each with its width), then the file column (None)."""
    kept = list(COLUMNS)
    while kept and sum(c.width + 1 for c in kept) + FILE_MIN > width:
        dropped = max(kept, key=lambda c: (c.keep, COLUMNS.index(c)))
        if dropped.keep == 0:
            break
        kept.remove(dropped)
    spare = width - sum(c.width + 1 for c in kept) - FILE_MIN
    widths = []
    for column in kept:
        extra = min(column.grow, max(0, spare // 3))
        spare -= extra
        widths.append((column, column.width + extra))
    used = sum(w + 1 for _, w in widths)
    return [*widths, (None, max(0, width - used))]


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

    def render_top_line(self, y: int, width: int) -> Strip:
        header = Text(style=Style(bold=True, underline=True))
        for column, w in layout(width):
            if w <= 0:
                continue
            title = column.title if column else "File"
            if column and column.sort == self.sort_key:
                title += SORT_ARROWS.get(column.sort, " ▲")
            cell = Text(title)
            cell.truncate(w, pad=True)
            header.append_text(cell)
            header.append(" ")
        strip = Strip(list(header.render(self.app.console)))
        return strip.adjust_cell_length(width, self.rich_style).apply_style(self.rich_style)

    def _cells(self, view: PrinterView, selected: bool, name_width: int = 0) -> dict[str, Text]:
        state_look = look(view.state)
        marker = "›" if selected else ("▲" if self.stale else " ")  # the selection reads without colour too
        name = Text(marker, style="bold")
        if view.alert:  # an alert not yet acknowledged
            name.append("⚑", style=Style(color=ALERT, bold=True))
        if view.marked:  # a glyph as well as a colour: the mark reads on a monochrome terminal
            name.append(f"{MARK_GLYPH} ", style=MARK_STYLE)
        # Cut in the middle: lab printers are told apart by their ends (`Bay3-…-MK4`).
        name.append(
            cut_middle(view.name, max(1, name_width - name.cell_len)) if name_width else view.name, style="bold"
        )
        state = Text(
            f"{state_look.glyph} {view.word}",
            style=Style(color=state_look.colour, bold=view.needs_person),
        )
        if view.in_flight:
            state = Text(f"⧗ {view.in_flight}", style=Style(bold=True, italic=True))
        progress = Text()
        if view.is_active:
            progress.append_text(progress_bar(view.percent, 5))
            progress.append(f" {view.percent:3.0f}%")
        queue = Text("" if view.queued is None else str(view.queued), style="bold" if view.queued else MUTED)
        return {
            "name": name,
            "type": Text(view.type, style=MUTED),
            "state": state,
            "since": Text(view.in_state, style="bold" if view.needs_person else ""),
            "queue": queue,
            "nozzle": Text(temp(*(view.tools[0] if view.tools else (None, None)))),
            "bed": Text(bed_text(view.bed)),
            "progress": progress,
            "ends": Text(finish_label(view.eta, self.clock()), style="bold"),
            "owner": Text(view.owner),
        }

    def render_item(self, view: PrinterView, width: int, selected: bool) -> list[Text]:
        columns = layout(width)
        cells = self._cells(view, selected, next((w for c, w in columns if c and c.name == "name"), 0))
        row_style = Style(bgcolor="grey19") if selected else Style()
        line = Text(style=row_style)
        for column, w in columns:
            if w <= 0:
                continue
            if column is None:  # the file: cut in the middle, so `_v17_final` and `_v18_final` differ
                if view.reason and not view.filename:
                    cell = Text(cut_words(view.reason, w))
                else:
                    cell = Text(cut_file(view.filename, w))
            elif column.name in WORDS:  # whole words, or both ends of a name: never half a word
                cell = cells[column.name]
                cell = Text(WORDS[column.name](cell.plain, w), style=cell.style)
            else:
                cell = cells[column.name]
            cell.truncate(w, overflow="ellipsis", pad=True)
            line.append_text(cell)
            line.append(" ")
        line.stylize(row_style)
        return [line]

    def set_sort(self, key: str) -> None:
        self.sort_key = key
        self.refresh_lines(0, 1)

    def on_click(self, event: events.Click) -> None:
        if event.y < self.top_lines:  # the titles stay on screen (see PrinterList.render_line)
            x = 0
            for column, w in layout(self.content_width):
                if x <= event.x < x + w + 1 and column and column.sort:
                    self.post_message(self.SortRequested(column.sort))
                    return
                x += w + 1
            return
        super().on_click(event)
