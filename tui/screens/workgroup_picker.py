"""Pick one workgroup to show, or all of them."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ..formatting import MUTED
from ..safe import text
from ..states import count_noun
from ..widgets.fit_footer import FitFooter
from .base import FarmModal

ALL = "all"


class WorkgroupPicker(FarmModal[int | None | bool]):
    """Dismisses with a workgroup id, None for all, or False when nothing was picked."""

    BINDINGS = [
        # Priority: the list would take enter itself, and the footer would not name it.
        Binding("enter", "choose", "Show", id="workgroup-choose", priority=True),
        Binding("escape", "cancel", "Close", id="workgroup-close"),
    ]

    def __init__(
        self, workgroups: dict[int, str], current: int | None, *, counts: dict[int, int] | None = None,
        total: int | None = None,
    ) -> None:  # fmt: skip
        super().__init__()
        self.workgroups = workgroups
        self.current = current
        self.counts = counts or {}  # printers per workgroup, shown beside each name
        self.total = total

    def compose(self) -> ComposeResult:
        options = [Option(self._line("All workgroups", self.total), id=ALL)]
        options += [
            Option(self._line(name, self.counts.get(wg_id, 0)), id=str(wg_id))
            for wg_id, name in sorted(self.workgroups.items(), key=lambda kv: kv[1].casefold())
        ]
        with Vertical(id="workgroup-box"):
            yield Label("Show printers of workgroup:")
            yield OptionList(*options, id="workgroups")
        yield FitFooter(compact=True)  # the picker's own keys, not the grid's under it

    @staticmethod
    def _line(name: str, count: int | None) -> Text:
        line = text(name)
        if count is not None:
            line.append(f"  {count_noun(count, 'printer')}", style=MUTED)
        return line

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        wanted = ALL if self.current is None else str(self.current)
        options.highlighted = options.get_option_index(wanted) if wanted in {o.id for o in options.options} else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option.id)

    def action_choose(self) -> None:
        option = self.query_one(OptionList).highlighted_option
        if option is not None:
            self._pick(option.id)

    def _pick(self, option_id: str | None) -> None:
        self.dismiss(None if option_id in (ALL, None) else int(option_id))

    def action_cancel(self) -> None:
        self.dismiss(False)
