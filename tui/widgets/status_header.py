"""The top lines: organisation and user, printers per state, and the connection's health."""

from __future__ import annotations

from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from api import PrinterState

from ..formatting import ALERT, MUTED, clock_time
from ..states import COUNT_ORDER, count_noun, count_word, look


def health_text(last_update: datetime | None, stale_since: datetime | None, problem: str | None) -> Text:
    if last_update is None and problem:
        return Text(" ▲ NO CONNECTION ", style=Style(color=ALERT, reverse=True, bold=True))
    if stale_since is not None or (problem and last_update is None):
        since = f" since {clock_time(stale_since, seconds=True)}" if stale_since else " no data yet"
        text = Text(" ▲ STALE", style=Style(color=ALERT, reverse=True, bold=True))
        text.append(since, style=Style(color=ALERT, bold=True))
        return text
    if last_update is None:
        return Text("… connecting", style="yellow")
    text = Text("● live", style=Style(color="green", bold=True))
    text.append(f" {clock_time(last_update, seconds=True)}", style=MUTED)
    return text


def count_text(counts: dict[PrinterState, int], *, words: bool) -> Text:
    """`▶ 17 printing  ‖ 4 paused …`, or `▶17 ‖4 …` where the terminal is narrow."""
    text = Text()
    for state in COUNT_ORDER:
        count = counts.get(state, 0)
        if not count:
            continue
        state_look = look(state)
        style = Style(color=state_look.colour, bold=state_look.needs_person)
        glyph = state_look.glyph
        text.append(f"{glyph} {count} {count_word(state)}  " if words else f"{glyph}{count} ", style=style)
    text.rstrip()
    return text


class StatusHeader(Static):
    DEFAULT_CSS = """
    StatusHeader { height: 2; background: $panel; padding: 0 1; }
    """

    def show(
        self,
        *,
        organization: str,
        user: str,
        counts: dict[PrinterState, int],
        total: int,
        shown: int,
        last_update: datetime | None,
        stale_since: datetime | None,
        problem: str | None,
        refresh_seconds: float,
        view_note: str = "",
        read_only: bool = False,
    ) -> None:
        width = max(20, self.size.width - 2 if self.size.width else 100)
        top = Text()
        top.append(organization or "3DPrinterOS", style="bold")
        if user:
            top.append(" · ")
            top.append(user, style=MUTED)
        health = health_text(last_update, stale_since, problem)
        health.append(f" ⟳{refresh_seconds:g}s", style=MUTED)
        if read_only:  # words, not a colour: a wall display must say it sends nothing
            health = Text(" READ-ONLY ", style=Style(color="yellow", reverse=True, bold=True)) + Text(" ") + health
        top.truncate(max(1, width - health.cell_len - 1), overflow="ellipsis")
        top.append(" " * max(1, width - top.cell_len - health.cell_len))
        top.append_text(health)

        bottom = Text()
        if stale_since is not None and problem:
            bottom.append(problem, style=Style(color=ALERT))
            bottom.append("  (showing the last data)", style=MUTED)
        else:
            summary = f"{shown} of {total}" if shown != total else count_noun(total, "printer")
            if view_note:
                summary = f"{view_note} · {summary}"
            bottom = count_text(counts, words=True)
            if bottom.cell_len + len(summary) + 2 > width:
                bottom = count_text(counts, words=False)
            bottom.append(" " * max(2, width - bottom.cell_len - len(summary)))
            bottom.append(summary, style=MUTED)
        bottom.truncate(width, overflow="ellipsis")
        self.update(Text("\n").join([top, bottom]))
