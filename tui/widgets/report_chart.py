"""One chart of a report with its numbers in a table beside it (below it on a narrow terminal),
so the chart reads without colour and the figures can be copied.

The chart is plotext through textual-plotext, drawn from category labels only (no plotext date
axis, which reads the wall clock), so the same report always draws the same picture.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Literal

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container
from textual.widgets import DataTable
from textual_plotext import PlotextPlot

from ..safe import plain

SERIES_COLOURS = ("green", "red", "orange", "blue", "cyan", "magenta")
MAX_TICKS = 8
MAX_VALUE_TICKS = 5


def whole_ticks(top: float, most: int = MAX_VALUE_TICKS) -> list[int]:
    """Ticks for a count axis: whole numbers from 0 in steps of 1, 2 or 5 times a power of ten,
    reaching at least `top` (plotext's own would show 2.5 jobs)."""
    top = max(math.ceil(top), 1)
    for power in itertools.count():
        for mantissa in (1, 2, 5):
            step = mantissa * 10**power
            if math.ceil(top / step) < most:
                return list(range(0, math.ceil(top / step) * step + 1, step))
    raise AssertionError("unreachable")


def short(label: str, width: int = 12) -> str:
    label = plain(label)
    return label if len(label) <= width else label[: width - 1] + "…"


class ReportChart(Container):
    """A plot and its table; `show_bars` draws (stacked) bars, `show_message` says why there are none."""

    def compose(self) -> ComposeResult:
        yield PlotextPlot(classes="chart-plot")
        yield DataTable(classes="chart-table", cursor_type="row", zebra_stripes=True)

    @property
    def plot(self) -> PlotextPlot:
        return self.query_one(PlotextPlot)

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    def show_bars(
        self,
        title: str,
        labels: Sequence[str],
        series: Mapping[str, Sequence[float]],
        *,
        columns: Sequence[str],
        rows: Sequence[Sequence[object]],
        horizontal: bool = False,
        ylabel: str = "",
        counts: bool = False,
    ) -> None:
        """`counts`: the values are whole numbers (jobs), and the value axis says so."""
        plt = self.plot.plt
        plt.clear_figure()
        plt.title(title)
        names = list(series)
        if horizontal:
            # plotext puts the first bar at the bottom: reversed, the largest (first) is on top.
            labels = list(reversed(labels))
            series = {name: list(reversed(values)) for name, values in series.items()}
        if labels:
            positions = [float(i) for i in range(1, len(labels) + 1)]
            colours = list(SERIES_COLOURS[: len(names)])
            orientation: Literal["horizontal", "vertical"] = "horizontal" if horizontal else "vertical"
            if len(names) == 1:
                plt.bar(positions, list(series[names[0]]), color=colours[0], orientation=orientation, width=0.6)
            else:
                # textual-plotext's stubs say `label` and one colour; plotext takes `labels` and a list.
                plt.stacked_bar(  # type: ignore[call-arg]
                    positions,
                    [list(values) for values in series.values()],
                    labels=names,
                    color=colours,  # type: ignore[arg-type]
                    orientation=orientation,
                    width=0.6,
                )
            step = 1 if horizontal else max(1, -(-len(labels) // MAX_TICKS))
            ticks = positions[::step]
            tick_labels = [short(labels[int(i) - 1]) for i in ticks]
            if horizontal:
                plt.yticks(ticks, tick_labels)
            else:
                plt.xticks(ticks, tick_labels)
            if counts:
                top = max((sum(values) for values in zip(*series.values(), strict=True)), default=0)
                whole = whole_ticks(top)
                (plt.xticks if horizontal else plt.yticks)(
                    [float(tick) for tick in whole], [str(tick) for tick in whole]
                )
                (plt.xlim if horizontal else plt.ylim)(0, whole[-1])
        if ylabel:
            (plt.xlabel if horizontal else plt.ylabel)(ylabel)
        self.plot.refresh()
        self._fill_table(columns, rows)

    def show_message(self, title: str, message: str) -> None:
        plt = self.plot.plt
        plt.clear_figure()
        plt.title(f"{title}: {message}")
        self.plot.refresh()
        self._fill_table(["", ""], [])

    def _fill_table(self, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        """Columns as wide as their widest cell, set here: the table is right at its first frame
        (left to the table, widths follow a frame later, and a busy machine shows `202` for a date)."""
        cells = [
            [
                cell if isinstance(cell, Text) else Text(plain(cell), justify="right" if i else "left")
                for i, cell in enumerate(row)
            ]
            for row in rows
        ]
        table = self.table
        table.clear(columns=True)
        for index, name in enumerate(columns):
            width = max([cell_len(name), *(row[index].cell_len for row in cells if index < len(row))])
            table.add_column(name, key=str(index), width=width)
        table.add_rows(cells)
