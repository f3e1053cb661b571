"""The base of the grid and the table: a virtual list of printers on Textual's Line API.

Only what is on screen is drawn, and a poll repaints only the cells that changed: the widget
remembers what it drew on each line (one strip per card) and, when the data changes, compares
what each line would draw now with what it drew, span by span, and refreshes just those spans
(Textual sends only refreshed regions). A nozzle going from 210° to 211° costs a few cells, not a
card, and not the whole grid. This is what keeps 1,000-5,000 printers usable over a slow SSH
link (a stock DataTable repaints every visible cell on any change).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Sequence

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
from textual.widget import Widget

from api.pace import PACE

from ..store import PrinterView
from ..view_rows import ViewRows, ids_of
from .line_diff import changed_span

DRAW_SLICE_SECONDS = 0.003  # longest stretch of card drawing between two yields to the event loop


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
    # Strips of the items drawn lately: a few screenfuls, so a poll's unchanged items, a selection
    # moved and a page scrolled back are found without drawing. A changed item is a new entry and
    # its old one is dead weight until pushed out. An entry is ~50 objects (a card's strips and
    # their segments) that every garbage collection walks: a fixed 512 entries at 5,000 printers
    # grew RSS for an hour and was ~25,000 of the ~45,000 objects a whole collection walked.
    CACHE_SCREENS = 4
    CACHE_MIN_ITEMS = 64

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.items: list[PrinterView] | ViewRows = []  # ViewRows: each view built as it is drawn
        self._index: dict[int, int] = {}
        self._cache: OrderedDict[tuple, list[Strip]] = OrderedDict()
        self._last_visible: set[int] | None = None
        self.stale = False  # the farm's data is old: every item carries the stale mark
        # What each line on screen shows, by virtual line: one strip per column (None: blank).
        self._drawn: dict[int, tuple[Strip | None, ...]] = {}
        self._held: tuple[int, int, float] | None = None  # (printer, place, until): see hold_place
        self._sized_for: Size | None = None  # the size the caches and the drawn lines are for

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

    def _wanted_virtual_size(self) -> Size:
        rows = -(-len(self.items) // max(1, self.columns))
        return Size(self.content_width, rows * self.ITEM_HEIGHT + self.top_lines)

    def _update_virtual_size(self) -> None:
        self.virtual_size = self._wanted_virtual_size()

    def _settle_virtual_size(self) -> None:
        """The virtual size at the size the list is shown at, with no repaint when only its width
        moved. Both lists scroll only up and down, and the width taken while hidden (0) or before
        the scrollbar appeared (one column more) is not what is drawn: Textual would repaint the
        whole list for it, right after drawing it whole for being shown."""
        settled = self._wanted_virtual_size()
        if settled.height == self.virtual_size.height:
            self.set_reactive(PrinterList.virtual_size, settled)
        else:
            self.virtual_size = settled

    def show_in_place_of(self, other: PrinterList) -> None:
        """About to be shown where `other` is, for the first time, its items set: settle now whether
        it needs a scrollbar. Textual finds out only once the list is laid out and shown, then lays
        it out and draws it whole a second time for the scrollbar's column (a long table's first
        showing was two full frames, seconds each on a slow link)."""
        if self._sized_for is not None or not other.container_size:
            return  # shown before: Textual knows its scrollbar, and keeps it up to date
        if self.styles.overflow_y == "auto" and self.virtual_size.height > other.container_size.height:
            self.set_reactive(Widget.show_vertical_scrollbar, True)

    def on_resize(self, event: events.Resize) -> None:
        if self._sized_for is None or event.size == self._sized_for:
            # Shown for the first time, or again at the size it had (a view toggle): Textual has
            # just drawn it whole for being shown, and a second whole repaint would send the
            # same ~14-23 KB frame again (seconds on a slow link).
            self._sized_for = event.size
            self._settle_virtual_size()
            if not self._cursor_in_view(event.size.height):
                self.reveal_cursor()  # a selection made while hidden is scrolled to now
            self._announce_visible()
            return
        self._sized_for = event.size
        self._cache.clear()
        self._drawn.clear()
        self._update_virtual_size()
        self.reveal_cursor()  # a smaller window (200 to 80 columns) keeps the selection in sight
        self.refresh()
        self._announce_visible()

    def _cursor_in_view(self, height: int) -> bool:
        """Whether the selected item is on screen at this height, below the titles. Asked on first
        showing, when Textual would scroll a row already in view to the top (the table opened on
        Ender3-02 with Ender3-01 hidden above it)."""
        region = self._cursor_region()
        if region is None:
            return True
        top = self.scroll_offset.y
        return top <= max(0, region.y - self.top_lines) and region.bottom <= top + height

    def _cursor_region(self) -> Region | None:
        """Where the selected item is, for keeping it in view: the first row's from the top, so
        the titles above it show too."""
        if not 0 <= self.cursor < len(self.items):
            return None
        region = self.item_region(self.cursor)
        if self.top_lines and self.cursor < self.columns:
            region = Region(region.x, 0, region.width, region.bottom)
        return region

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

    def set_items(self, items: list[PrinterView] | ViewRows) -> None:
        """Show these printers; repaint only the cells that changed, keep the cursor on its printer."""
        selected_id = self.selected.id if self.selected else None
        same_count = len(items) == len(self.items)
        self.items = items
        self._index = {pid: i for i, pid in enumerate(ids_of(items))}
        held = self._held if self._held and time.monotonic() < self._held[2] else None
        if held and selected_id == held[0] and self._index.get(selected_id, held[1]) != held[1] and items:
            # The printer just acted on moved away (tray cleared in the state sort): the cursor
            # stays where the user was, on the printer that took its place.
            self._held = None
            self.set_reactive(PrinterList.cursor, min(held[1], len(items) - 1))
        elif selected_id is not None and selected_id in self._index:
            self.set_reactive(PrinterList.cursor, self._index[selected_id])
        elif self.cursor >= len(items):
            self.set_reactive(PrinterList.cursor, max(0, len(items) - 1))
        if same_count and items:
            self.refresh_changed()
        else:
            self._drawn.clear()
            self._update_virtual_size()
            self.refresh()
        self._announce_visible()

    async def draw_ahead(self, items: Sequence[PrinterView], slice_seconds: float | None = None) -> None:
        """Draw the items `set_items(items)` will show on screen into the strip cache, a few at a
        time with a yield to the event loop between: a poll changes ~20 cards at 5,000 printers,
        ~15 ms of drawing in one piece that a key pressed then waited behind. `set_items` then
        only compares (the strips are cached)."""
        if not self.is_mounted or not self.size or not items:
            return
        columns, item_width = self.columns, self.item_width
        scroll_y = self.scroll_offset.y
        first_row = max(0, scroll_y // self.ITEM_HEIGHT)
        last_row = (scroll_y + self.size.height) // self.ITEM_HEIGHT
        selected_id = self.selected.id if self.selected else None
        if slice_seconds is None:
            slice_seconds = DRAW_SLICE_SECONDS
        clock = time.perf_counter
        deadline = clock() + slice_seconds
        for index in range(first_row * columns, min(len(items), (last_row + 1) * columns)):
            view = items[index]
            self._item_strips(view, item_width, view.id == selected_id)
            if clock() > deadline:
                await PACE.breathe()
                deadline = clock() + slice_seconds

    def hold_place(self, seconds: float = 60.0) -> None:
        """An action is sent to the selected printer: if the answer moves it elsewhere in the
        order within `seconds`, the cursor keeps its place instead of following it."""
        if self.selected is not None:
            self._held = (self.selected.id, self.cursor, time.monotonic() + seconds)

    def update_items(self, views: list[PrinterView]) -> None:
        """Replace the views of printers already shown (same place in the order); repaint what changed."""
        changed = False
        for view in views:
            index = self._index.get(view.id)
            if index is not None and self.items[index] != view:
                self.items[index] = view
                changed = True
        if changed:
            self.refresh_changed()

    def refresh_changed(self) -> None:
        """Compare each line on screen with what it drew; refresh only the spans that differ."""
        if not self.is_mounted or not self.size:
            self.refresh()
            return
        scroll_x, scroll_y = self.scroll_offset
        first, last = scroll_y, scroll_y + self.size.height
        drawn = self._drawn
        if len(drawn) > 4 * self.size.height:
            for stale in [y for y in drawn if not first <= y < last]:
                del drawn[stale]
        columns, item_width = self.columns, self.item_width
        for y in range(self.top_lines, self.size.height):  # the titles above stay as they are
            virtual_y = y + scroll_y
            parts = self._line_parts(virtual_y, columns, item_width)
            before = drawn.get(virtual_y)
            if before is None or len(before) != len(parts):
                self.refresh(Region(0, y, self.size.width, 1))
                continue
            for column, (old, new) in enumerate(zip(before, parts, strict=True)):
                if old is new:
                    continue
                if new is None or old is None:
                    x, width = column * item_width, item_width
                else:
                    span = changed_span(old, new)
                    if span is None:
                        continue
                    x, width = column * item_width + span[0], span[1] - span[0]
                self.refresh(Region(x - scroll_x, y, width, 1))

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
        self.reveal_cursor()

    def reveal_cursor(self) -> None:
        """Scroll the selected printer into view (a poll moving it does not; a sort or filter the user asks for does)."""
        if not self.size.height:  # never laid out (the table before its first showing): its first resize reveals
            return
        if (region := self._cursor_region()) is not None:
            # The titles cover the top lines of the view: keep the cursor below them.
            self.scroll_to_region(region, animate=False, immediate=True, spacing=Spacing(self.top_lines, 0, 0, 0))

    # --- keys and mouse -----------------------------------------------------------------------

    def action_move(self, dx: int, dy: int) -> None:
        self._held = None
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

    def _cache_limit(self) -> int:
        """CACHE_SCREENS screenfuls of items at the list's size (a larger terminal keeps more)."""
        rows_on_screen = -(-self.size.height // self.ITEM_HEIGHT) + 1
        return max(self.CACHE_MIN_ITEMS, self.CACHE_SCREENS * rows_on_screen * self.columns)

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
            limit = self._cache_limit()
            while len(self._cache) > limit:
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

    def _empty_lines(self, width: int) -> list[Text]:
        """What an empty list says, folded at word boundaries to the width (never half a word)."""
        lines = Text(self.empty_text, style="italic").wrap(self.app.console, max(1, width - 4))
        for line in lines:
            line.pad_left(2)
        return list(lines)

    def _line_parts(self, virtual_y: int, columns: int, item_width: int) -> tuple[Strip | None, ...]:
        """The strips one virtual line of items is made of, one a column (None where no item is)."""
        row, line = divmod(virtual_y - self.top_lines, self.ITEM_HEIGHT)
        items = self.items
        cursor = self.cursor
        parts: list[Strip | None] = []
        for col in range(columns):
            index = row * columns + col
            if index >= len(items):
                parts.append(None)
                continue
            parts.append(self._item_strips(items[index], item_width, index == cursor)[line])
        return tuple(parts)

    def render_line(self, y: int) -> Strip:
        width = self.content_width
        virtual_y = y + self.scroll_offset.y
        if not self.items and 0 <= virtual_y - self.top_lines - 1 < len(lines := self._empty_lines(width)):
            line = lines[virtual_y - self.top_lines - 1]
            return (
                Strip(list(line.render(self.app.console)))
                .adjust_cell_length(width, self.rich_style)
                .apply_style(self.rich_style)
            )
        if y < self.top_lines:  # a table's titles stay on screen however far it scrolls
            return self.render_top_line(y, width)
        item_width = self.item_width
        parts = self._line_parts(virtual_y, self.columns, item_width)
        self._drawn[virtual_y] = parts
        segments: list[Segment] = []
        used = 0
        for strip in parts:
            if strip is None:
                break
            segments.extend(strip)
            used += item_width
        if used < width:
            segments.append(Segment(" " * (width - used), self.rich_style))
        return Strip(segments, width)

    # Textual's own focus handlers repaint the whole widget; here focus changes only how the
    # selected item looks (no :focus style applies to the list), so only that item is repainted.
    # A view toggle otherwise sent the list twice (once shown, once focused).

    def _on_focus(self, event: events.Focus) -> None:
        event.prevent_default()  # Textual's handler is not called after this one
        self.has_focus = True
        self._refresh_item(self.cursor)
        if self.parent is not None:
            self.parent.post_message(events.DescendantFocus(self))

    def _on_blur(self, event: events.Blur) -> None:
        event.prevent_default()
        self.has_focus = False
        self._refresh_item(self.cursor)
        if self.parent is not None:
            self.parent.post_message(events.DescendantBlur(self))


SELECTED = Style(reverse=True)
