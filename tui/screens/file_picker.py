"""Pick a printable file on this machine's disk: folders and printable files, with size and date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DirectoryTree, Label, Static
from textual.widgets._tree import TreeNode

from ..safe import plain
from ..upload import PRINTABLE, is_printable, size_text
from ..widgets.fit_footer import FitFooter
from .base import FarmModal


class PrintableTree(DirectoryTree):
    """Folders and printable files only (no hidden ones); each file with its size and date."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [path for path in paths if not path.name.startswith(".") and (_is_dir(path) or is_printable(path))]

    def render_label(self, node: TreeNode, base_style: Style, style: Style) -> Text:
        label = super().render_label(node, base_style, style)
        path = node.data.path if node.data is not None else None
        if path is not None and not node.allow_expand:
            try:
                info = path.stat()
            except OSError:
                return label
            when = datetime.fromtimestamp(info.st_mtime).strftime("%Y-%m-%d %H:%M")
            label.append(f"  {size_text(info.st_size)} · {when}", style="dim")
        return label


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


class FilePickerScreen(FarmModal[Path | None]):
    """Dismisses with the chosen file, or None."""

    CSS_PATH = "../styles/bulk.tcss"
    BINDINGS = [
        Binding("escape", "close", "Close", id="file-picker-close"),
        Binding("backspace", "up", "Up a folder", id="file-picker-up"),
    ]

    def __init__(self, start: Path) -> None:
        super().__init__()
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Label(Text(f"Send a file: {plain(str(self.start))}", style="bold"), id="picker-title")
            yield PrintableTree(self.start, id="picker-tree")
            yield Static(id="picker-note")
        yield FitFooter(compact=True)  # the picker's own keys, not the grid's under it

    def on_mount(self) -> None:
        up = self.app.binding_key("file-picker-up")
        note = f"Printable: {' '.join(PRINTABLE)}   {up}: up a folder"
        self.query_one("#picker-note", Static).update(Text(note, style="dim"))
        self.query_one(PrintableTree).focus()

    def action_up(self) -> None:
        """Show the parent folder: the picker is not stuck in the folder it opened in."""
        tree = self.query_one(PrintableTree)
        parent = Path(tree.path).resolve().parent
        tree.path = parent
        self.query_one("#picker-title", Label).update(Text(f"Send a file: {plain(str(parent))}", style="bold"))

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(event.path)

    def action_close(self) -> None:
        self.dismiss(None)
