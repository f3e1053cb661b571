"""The home screen: every printer at a glance, as cards or as a dense table."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.widgets import Input

from ..safe import plain
from ..store import SORT_ORDER, PrinterView
from ..view_rows import ViewRows
from ..widgets.fit_footer import FitFooter
from ..widgets.printer_grid import PrinterGrid
from ..widgets.printer_list import PrinterList
from ..widgets.printer_table import PrinterTable
from ..widgets.status_header import StatusHeader, show_farm
from .base import FarmScreen, action_bindings
from .job_queue import JobQueueScreen
from .reports import ReportsScreen
from .workgroup_picker import WorkgroupPicker

DRAWING_GROUP = "grid-views"  # the worker drawing a poll's cards (the collector waits for it)


class PrinterGridScreen(FarmScreen[None]):
    TITLE = "Printers"

    BINDINGS = [
        *action_bindings(on_job=False),
        Binding("v", "toggle_view", "Table/cards", id="toggle-view"),
        # Priority: runs as the key is read, so keys typed right after / (one burst over SSH)
        # reach the filter box instead of triggering the grid's own keys (p would pause a printer).
        Binding("slash", "filter", "Filter", id="filter", key_display="/", priority=True),
        Binding("w", "pick_workgroup", "Workgroup", id="workgroup"),
        Binding("s", "cycle_sort", "Sort", id="sort"),
        Binding(
            "exclamation_mark",
            "next_attention",
            "Next needing a person",
            id="next-attention",
            key_display="!",
            show=False,
        ),
        Binding("space", "toggle_mark", "Mark", id="mark", show=False),
        Binding("o", "send_file", "Send a file", id="send-file", show=False),
        Binding("asterisk", "mark_shown", "Mark all shown", id="mark-all", key_display="*", show=False),
        Binding("R", "open_reports", "Reports", id="reports", show=False),
        Binding("escape", "clear_filter", "Clear filter and workgroup", id="clear-filter", show=False),
        Binding("r", "retry_now", "Read the farm now", id="retry", show=False),
    ]

    # Not repainting the screen: a change repaints what it changes (a whole-screen repaint is
    # ~23 KB, ~3 s of an 8 KB/s link).
    table_view: reactive[bool] = reactive(False, repaint=False)
    filter_text: reactive[str] = reactive("", repaint=False)
    workgroup: reactive[int | None] = reactive(None, repaint=False)
    sort_key: reactive[str] = reactive("name", repaint=False)

    def compose(self) -> ComposeResult:
        clock = self.app.clock
        yield StatusHeader(id="status")
        yield Input(
            placeholder="filter: words that must all match (name, type, state, file, owner); need; !word",
            id="filter",
        )
        yield PrinterGrid(id="grid", clock=clock)
        yield PrinterTable(id="table", clock=clock)
        yield FitFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one(PrinterGrid).tray_key = self.app.binding_key("tray-clear")
        self.query_one("#filter").display = False
        self.query_one(PrinterTable).display = False
        self.app.printers_changed.subscribe(self, self._printers_changed)
        self.query_one(PrinterGrid).focus()
        self.refresh_views()
        self.set_interval(1.0, self._tick)

    @property
    def active_list(self) -> PrinterList:
        return self.query_one(PrinterTable) if self.table_view else self.query_one(PrinterGrid)

    def _printers_changed(self, changed: set[int] | None) -> None:
        # A few printers' jobs became known: redraw those cards only, unless the sort or the
        # filter could move them (finish-time sort, or a filter that may match a file name).
        if changed is not None and self.sort_key != "finish" and not self.filter_text:
            now = self.app.clock()
            store = self.app.store
            self.active_list.update_items([view for pid in changed if (view := store.view_of(pid, now)) is not None])
            return
        self.refresh_views_in_slices()

    @work(exclusive=True, group=DRAWING_GROUP, exit_on_error=False)
    async def refresh_views_in_slices(self) -> None:
        """A poll's views, with the changed cards drawn a few at a time first (a newer poll
        cancels this one and starts again). The rows are asked for again once drawn: a filter
        typed or a job found meanwhile is shown, and the store hands back the same views, so
        the drawn cards are found in the cache."""
        await self.active_list.draw_ahead(self.rows())
        self.refresh_views()

    def rows(self) -> list[PrinterView] | ViewRows:
        app = self.app
        return app.store.rows(app.clock(), text=self.filter_text, workgroup=self.workgroup, sort=self.sort_key)

    def refresh_views(self) -> None:
        app = self.app
        store = app.store
        views = self.rows()
        self.active_list.set_items(views)
        self.active_list.set_stale(store.stale_since is not None)
        if not views:
            if store.printers:
                self.active_list.set_empty_text(self.no_match_text())
            elif store.last_update is not None:
                self.active_list.set_empty_text("This account sees no printers.")
            elif store.problem:
                self.active_list.set_empty_text(f"No data yet: {store.problem}")
            else:
                self.active_list.set_empty_text("Waiting for the cloud…")
        notes = [f"sort: {self.sort_key}"] if self.sort_key != "name" else []
        if store.unreadable:
            notes.insert(0, f"{store.unreadable} {'printer' if store.unreadable == 1 else 'printers'} unreadable")
        if store.marked:
            notes.insert(0, f"{len(store.marked)} marked")
        if self.workgroup is not None:
            notes.insert(0, f"workgroup: {app.workgroups.get(self.workgroup, self.workgroup)}")
        if self.filter_text.strip():  # spaces alone filter nothing: no "filter: '   '"
            notes.insert(0, f"filter: “{plain(self.filter_text.strip())}”")  # as typed, not a Python repr
        narrowed = bool(self.filter_text.strip()) or self.workgroup is not None
        show_farm(
            self.query_one(StatusHeader), app,
            counts=store.counts_of(views) if narrowed else None, shown=len(views), view_note=" · ".join(notes),
        )  # fmt: skip

    def no_match_text(self) -> str:
        """The empty grid's hint, naming the user's keys (after the keymap)."""
        clear, pick = self.app.binding_key("clear-filter"), self.app.binding_key("workgroup")
        return f"No printer matches the filter or workgroup: {clear} clears both, {pick} picks another workgroup."

    def _tick(self) -> None:
        """While the cloud fails, the header counts down to the next try (the header only)."""
        if self.app.sync.failures:
            header = self.query_one(StatusHeader)
            if header.last_shown is not None:
                header.show(**(header.last_shown | {"retry_in": self.app.retry_in()}))

    def action_retry_now(self) -> None:
        self.app.retry_now()

    # --- view ---------------------------------------------------------------------------------------

    def watch_table_view(self, table: bool) -> None:
        grid, rows = self.query_one(PrinterGrid), self.query_one(PrinterTable)
        grid.display, rows.display = not table, table
        self.refresh_views()
        (rows if table else grid).show_in_place_of(grid if table else rows)
        self.app.show_printers(self.active_list.visible_ids())
        # Focus moves now, not after the next frame: its repaint (the :focus styles) joins the
        # frame that shows the list instead of sending the list a second time.
        self.set_focus(self.active_list)  # the selection is carried over by action_toggle_view

    def action_toggle_view(self) -> None:
        before = self.active_list.selected
        self.table_view = not self.table_view
        if before is not None:
            self.active_list.select_printer(before.id)

    def action_cycle_sort(self) -> None:
        self.sort_key = SORT_ORDER[(SORT_ORDER.index(self.sort_key) + 1) % len(SORT_ORDER)]

    def watch_sort_key(self, key: str) -> None:
        if self.is_mounted:
            self.query_one(PrinterTable).set_sort(key)
            self.refresh_views()
            self.active_list.reveal_cursor()  # the selected printer moved: show where to

    @on(PrinterTable.SortRequested)
    def _sort_from_header(self, event: PrinterTable.SortRequested) -> None:
        self.sort_key = event.key

    # --- filter and workgroup -------------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if self.focused is box:  # the priority binding sees / typed inside the box too
            # After the keys before it, still queued in the box (typed in one burst): in order.
            box.call_later(box.insert_text_at_cursor, "/")
            return
        box.display = True
        box.value = self.filter_text
        # Focus now, not after the queued keys (Widget.focus is deferred): over a slow link the
        # characters typed after / arrive in the same burst and must land in the box.
        self.set_focus(box)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        box = self.query_one("#filter", Input)
        box.display = bool(self.filter_text)
        self.active_list.focus()

    def watch_filter_text(self, _: str) -> None:
        if self.is_mounted:
            self.refresh_views()
            self.active_list.reveal_cursor()

    def watch_workgroup(self, _: int | None) -> None:
        if self.is_mounted:
            self.refresh_views()
            self.active_list.reveal_cursor()

    def action_clear_filter(self) -> None:
        """Escape shows the whole farm again: the filter and the workgroup both go."""
        box = self.query_one("#filter", Input)
        self.workgroup = None
        self.filter_text = ""
        box.value = ""
        box.display = False
        self.active_list.focus()

    def action_pick_workgroup(self) -> None:
        if not self.app.workgroups:
            self.notify("No workgroups: the cloud listed none for this account.", severity="warning")
            return

        def picked(choice: int | bool | None) -> None:
            if choice is not False:
                self.workgroup = choice

        counts: dict[int, int] = {}
        for printer in self.app.store.printers.values():
            for group in printer.workgroups or ():
                counts[group] = counts.get(group, 0) + 1
        self.app.push_screen(
            WorkgroupPicker(self.app.workgroups, self.workgroup, counts=counts, total=len(self.app.store.printers)),
            picked,
        )

    # --- opening and acting ---------------------------------------------------------------------

    @on(PrinterList.Scrolled)
    def _scrolled(self, event: PrinterList.Scrolled) -> None:
        if event.control is self.active_list:
            self.app.show_printers(event.printer_ids)

    @on(PrinterList.Opened)
    def _open(self, event: PrinterList.Opened) -> None:
        self.open_over(JobQueueScreen(event.printer_id))

    def action_next_attention(self) -> None:
        """To the next printer that needs a person (or has an alert), longest waiting first,
        cycling; filter and sort stay as they are."""
        shown = self.active_list.items
        now = self.app.clock()
        since = self.app.events.detector.since
        waiting = [view for view in shown if view.needs_person or view.alert]
        if not waiting:
            self.notify("No printer on screen needs a person.", timeout=3)
            return
        waiting.sort(key=lambda view: (since(view.id) or now, view.name.casefold(), view.id))
        order = [view.id for view in waiting]
        selected = self.active_list.selected
        index = order.index(selected.id) + 1 if selected is not None and selected.id in order else 0
        self.active_list.select_printer(order[index % len(order)])

    def action_act(self, kind: str) -> None:
        """With printers marked, the action goes to all of them (through a preview); else the selected one."""
        marked = self.app.store.marked_ids()
        if marked:
            self.app.request_bulk(kind, marked)
            return
        selected = self.active_list.selected
        self.active_list.hold_place()
        self.app.request_action(kind, selected.id if selected else None)

    def action_send_file(self) -> None:
        """A file from this machine's disk to the marked printers, or to the selected one."""
        selected = self.active_list.selected
        self.app.request_send_file(self.app.store.marked_ids() or ([selected.id] if selected else []))

    # --- marks ------------------------------------------------------------------------------------

    def action_toggle_mark(self) -> None:
        selected = self.active_list.selected
        if selected is None:
            return
        self.app.store.toggle_mark(selected.id)
        self.refresh_views()

    def action_mark_shown(self) -> None:
        """Mark every printer shown (after filter and workgroup); if all are marked already, unmark them."""
        shown = [view.id for view in self.active_list.items]
        store = self.app.store
        if not store.set_marks(shown, True):
            store.set_marks(shown, False)
        self.refresh_views()

    def action_open_reports(self) -> None:
        self.app.push_screen(ReportsScreen())
