"""The base of the grid and the table: a virtual list of printers on Textual's Line API.

Only what is on screen is drawn, and a poll that changes three printers repaints three cards:
the widget compares each new `PrinterView` with the one it drew and refreshes just that region.
This is what keeps 1,000-5,000 printers smooth over a slow SSH link (a stock DataTable repaints
every visible cell on any change).
"""

from __future__ import annotations

from collections import OrderedDict

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..store import PrinterView


class PrinterList(ScrollView, can_focus=True):
    """Subclasses say how big an item is and how to draw one line of it."""

    BINDINGS = [
        Binding("up,k", "move(0, -1)", "Up", show=False),
        Binding("down,j", "move(0, 1)", "Down", show=False),
        Binding("left,h", "move(-1, 0)", "Left", show=False),
        Binding("right,l", "move(1, 0)", "Right", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "open", "Open", id="open-printer", priority=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=False, repaint=False)

    class Scrolled(Message):
        """The printers on screen changed (scroll, resize, new data)."""

        def __init__(self, printer_list: PrinterList, printer_ids: set[int]) -> None:
            super().__init__()
            self.printer_list = printer_list
            self.printer_ids = printer_ids

        @property
        def control(self) -> PrinterList:
            return self.printer_list

    class Opened(Message):
        def __init__(self, printer_id: int) -> None:
            super().__init__()
            self.printer_id = printer_id

    ITEM_HEIGHT = 1
    CACHE_SIZE = 4096

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.items: list[PrinterView] = []
        self._index: dict[int, int] = {}
        self._cache: OrderedDict[tuple, list[Strip]] = OrderedDict()
        self._last_visible: set[int] | None = None
        self.stale = False  # the farm's data is old: every item carries the stale mark

    # --- geometry (subclasses may lay items out in columns) -------------------------------------

    @property
    def columns(self) -> int:
        return 1

    @property
    def content_width(self) -> int:
        """Width left of the vertical scrollbar."""
        return self.scrollable_content_region.width or self.size.width

    @property
    def item_width(self) -> int:
        return max(1, self.content_width)

    def item_region(self, index: int) -> Region:
        """Where item `index` sits, in virtual (scrolled) coordinates."""
        row, col = divmod(index, self.columns)
        return Region(col * self.item_width, row * self.ITEM_HEIGHT + self.top_lines, self.item_width, self.ITEM_HEIGHT)

    @property
    def top_lines(self) -> int:
        """Lines above the first item (a table's header)."""
        return 0

    def _update_virtual_size(self) -> None:
        rows = -(-len(self.items) // max(1, self.columns))
        self.virtual_size = Size(self.content_width, rows * self.ITEM_HEIGHT + self.top_lines)

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self._update_virtual_size()
        self.refresh()
        self._announce_visible()

    def visible_ids(self) -> set[int]:
        first_row = self.scroll_offset.y // self.ITEM_HEIGHT  # the titles cover the rows above
        rows = self.size.height // self.ITEM_HEIGHT + 2
        start = first_row * self.columns
        return {view.id for view in self.items[start : start + rows * self.columns]}

    def _announce_visible(self) -> None:
        visible = self.visible_ids()
        if visible != self._last_visible:
            self._last_visible = visible
            self.post_message(self.Scrolled(self, visible))

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._announce_visible()

    # --- data -------------------------------------------------------------------------------------

    @property
    def selected(self) -> PrinterView | None:
        if 0 <= self.cursor < len(self.items):
            return self.items[self.cursor]
        return None

    def set_items(self, items: list[PrinterView]) -> None:
        """Show these printers; repaint only the ones that changed, keep the cursor on its printer."""
        previous = self.items
        selected_id = self.selected.id if self.selected else None
        self.items = items
        self._index = {view.id: i for i, view in enumerate(items)}
        same_order = len(previous) == len(items) and all(a.id == b.id for a, b in zip(previous, items, strict=True))
        if same_order:
            for index, (old, new) in enumerate(zip(previous, items, strict=True)):
                if old != new:
                    self._refresh_item(index)
        else:
            self._update_virtual_size()
            self.refresh()
        if selected_id is not None and selected_id in self._index:
            self.set_reactive(PrinterList.cursor, self._index[selected_id])
        elif self.cursor >= len(items):
            self.set_reactive(PrinterList.cursor, max(0, len(items) - 1))
        if not same_order:
            self._announce_visible()

    def update_items(self, views: list[PrinterView]) -> None:
        """Replace the views of printers already shown (same place in the order); repaint those only."""
        for view in views:
            index = self._index.get(view.id)
            if index is not None and self.items[index] != view:
                self.items[index] = view
                self._refresh_item(index)

    def set_stale(self, stale: bool) -> None:
        """Mark every item as showing old data (or not): a repaint of what is on screen, only on a change."""
        if stale != self.stale:
            self.stale = stale
            self._cache.clear()
            self.refresh()

    def select_printer(self, printer_id: int) -> None:
        if printer_id in self._index:
            self.cursor = self._index[printer_id]

    def _refresh_item(self, index: int) -> None:
        region = self.item_region(index)
        self.refresh(region.translate((-self.scroll_offset.x, -self.scroll_offset.y)))

    def watch_cursor(self, old: int, new: int) -> None:
        self._refresh_item(old)
        self._refresh_item(new)
        if 0 <= new < len(self.items):
            region = self.item_region(new)
            if self.top_lines and new < self.columns:
                region = Region(region.x, 0, region.width, region.bottom)
            # The titles cover the top lines of the view: keep the cursor below them.
            self.scroll_to_region(region, animate=False, immediate=True, spacing=Spacing(self.top_lines, 0, 0, 0))

    # --- keys and mouse -----------------------------------------------------------------------

    def action_move(self, dx: int, dy: int) -> None:
        if not self.items:
            return
        target = self.cursor + dx + dy * self.columns
        if dx and (target // self.columns != self.cursor // self.columns):
            return
        self.cursor = min(max(0, target), len(self.items) - 1) if dy else max(0, min(target, len(self.items) - 1))

    def action_page(self, direction: int) -> None:
        rows = max(1, (self.size.height - self.top_lines) // self.ITEM_HEIGHT)
        self.action_move(0, direction * rows)

    def action_jump(self, index: int) -> None:
        if self.items:
            self.cursor = index % len(self.items)

    def action_open(self) -> None:
        if self.selected:
            self.post_message(self.Opened(self.selected.id))

    def index_at(self, x: int, y: int) -> int | None:
        if y < self.top_lines:
            return None
        y = y + self.scroll_offset.y - self.top_lines
        col = min(x // self.item_width, self.columns - 1)
        index = (y // self.ITEM_HEIGHT) * self.columns + col
        return index if index < len(self.items) else None

    def on_click(self, event: events.Click) -> None:
        index = self.index_at(event.x, event.y)
        if index is None:
            return
        if index == self.cursor and event.chain >= 2:
            self.action_open()
        self.cursor = index

    # --- drawing --------------------------------------------------------------------------------

    def render_item(self, view: PrinterView, width: int, selected: bool) -> list[Text]:
        """The item's lines as Rich Text (cloud strings go in as plain text, never markup)."""
        raise NotImplementedError

    def render_top_line(self, y: int, width: int) -> Strip:
        return Strip.blank(width)

    def _item_strips(self, view: PrinterView, width: int, selected: bool) -> list[Strip]:
        key = (view, width, selected, selected and self.has_focus)  # focus changes only the selected item
        strips = self._cache.get(key)
        if strips is None:
            console = self.app.console
            base = self.rich_style
            strips = []
            for line in self.render_item(view, width, selected):
                segments = list(line.render(console))
                strips.append(Strip(segments).adjust_cell_length(width, base).apply_style(base))
            self._cache[key] = strips
            if len(self._cache) > self.CACHE_SIZE:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return strips

    empty_text = "Waiting for the cloud…"

    def set_empty_text(self, text: str) -> None:
        """What an empty list says (no data yet, or nothing matches the filter)."""
        if text != self.empty_text:
            self.empty_text = text
            if not self.items:
                self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.content_width
        virtual_y = y + self.scroll_offset.y
        if not self.items and virtual_y == self.top_lines + 1:
            line = Text("  " + self.empty_text, style="italic")
            return (
                Strip(list(line.render(self.app.console)))
                .adjust_cell_length(width, self.rich_style)
                .apply_style(self.rich_style)
            )
        if y < self.top_lines:  # a table's titles stay on screen however far it scrolls
            return self.render_top_line(y, width)
        row, line = divmod(virtual_y - self.top_lines, self.ITEM_HEIGHT)
        columns = self.columns
        item_width = self.item_width
        segments: list[Segment] = []
        used = 0
        for col in range(columns):
            index = row * columns + col
            if index >= len(self.items):
                break
            strip = self._item_strips(self.items[index], item_width, index == self.cursor)[line]
            segments.extend(strip)
            used += item_width
        if used < width:
            segments.append(Segment(" " * (width - used), self.rich_style))
        return Strip(segments, width)

    def on_focus(self) -> None:
        self._refresh_item(self.cursor)

    def on_blur(self) -> None:
        self._refresh_item(self.cursor)


SELECTED = Style(reverse=True)
