"""A footer that shows the keys that matter most at the width there is, and never half a word.

Textual's Footer lays every key out and lets the last ones run under the palette key ("? Hel▏").
This one keeps whole keys only, chosen by how much a technician needs them (help and quit first,
then the filter and the printer actions), and shown in the screen's own order.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.events import Resize
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from ..actions import SENDING_BINDING_IDS

# Binding ids, most needed first; ids not named here come after, in the screen's order.
PRIORITY = [
    "help", "quit", "back", "filter", "tray-clear", "pause", "resume", "cancel", "start", "open-job",
    "sort", "workgroup", "toggle-view", "print-again", "slicer", "open-printer",
]  # fmt: skip


def item_width(key_display: str, description: str) -> int:
    """Cells one key takes in the compact footer: `p Pause` and the space after it."""
    return cell_len(key_display) + 1 + cell_len(description) + 1 if description else cell_len(key_display) + 1


class FitFooter(Footer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._laid_out_for = 0
        self._laid_out: tuple | None = None  # what the keys shown were laid out from

    def _layout_source(self) -> tuple:
        """Everything the keys shown are made from: the same again lays out the same keys."""
        app = self.app
        shown = tuple(
            (binding.action, app.get_key_display(binding), binding.description, enabled, tooltip, binding.group)
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == app.COMMAND_PALETTE_BINDING
        )
        width = self.size.width or app.size.width
        return (shown, width, self.show_command_palette, getattr(app, "read_only", False), self.compact)

    async def recompose(self) -> None:
        """Lay the keys out again only if they changed. A view toggle or a focus move says the
        bindings changed three to five times, with the same keys: each layout repainted the footer
        (~800 cells a toggle)."""
        if self.is_attached and self._bindings_ready and self._layout_source() == self._laid_out:
            return
        await super().recompose()

    def compose(self) -> ComposeResult:
        self._laid_out = self._layout_source() if self._bindings_ready else None
        self._forget_removed_keys()
        items = list(super().compose())
        keys = [w for w in items if isinstance(w, FooterKey) and not w.has_class("-command-palette")]
        rest = [w for w in items if w not in keys]
        ids = {binding.action: binding.id for (_, binding, _, _) in self.screen.active_bindings.values()}
        if getattr(self.app, "read_only", False):  # keys that would only say "read-only" (help lists them)
            keys = [w for w in keys if ids.get(w.action) not in SENDING_BINDING_IDS]
        width = self.size.width or self.app.size.width
        self._laid_out_for = width
        budget = width - sum(item_width(w.key_display, w.description) + 1 for w in rest if isinstance(w, FooterKey))

        def rank(index_key: tuple[int, FooterKey]) -> tuple[int, int]:
            index, key = index_key
            binding_id = ids.get(key.action)
            return (PRIORITY.index(binding_id) if binding_id in PRIORITY else len(PRIORITY), index)

        chosen: set[int] = set()
        used = 0
        for index, key in sorted(enumerate(keys), key=rank):
            need = item_width(key.key_display, key.description)
            if used + need <= budget:
                chosen.add(index)
                used += need
        shown = [key for index, key in enumerate(keys) if index in chosen]
        self.styles.grid_size_columns = len(shown) + len(rest)
        yield from shown
        yield from rest

    def _forget_removed_keys(self) -> None:
        """Drop the keys of the last layout from `compact`'s watchers (Textual 8.2.8 keeps them).

        Each key is bound to `Footer.compact` (`data_bind`), which adds it to the footer's watcher
        list; Textual prunes that list only when `compact` changes, which it never does here. A
        footer lays out again on every change of bindings (a view toggle, a screen), so the removed
        keys, with their styles and message queues, piled up: ~2 MB a minute with a key now and then.
        """
        watchers = getattr(self, "__watchers", {}).get("compact")
        if watchers:
            watchers[:] = [(node, callback) for node, callback in watchers if node.is_attached]

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._laid_out_for:
            self.call_after_refresh(self.recompose)
