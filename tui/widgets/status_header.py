"""The top lines: organisation and user, printers per state, and the connection's health.

Drawn on the Line API and refreshed span by span: a poll that moves only the clock repaints the
clock's cells, and a poll that changes nothing here sends nothing.
"""

from __future__ import annotations

from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget

from api import PrinterState

from ..formatting import ALERT, MUTED, clock_time
from ..shorten import cut_middle, cut_words
from ..states import COUNT_ORDER, count_noun, count_word, look
from .line_diff import changed_span


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


def stale_reason(problem: str, width: int) -> str:
    """Why the data is stale in `width` cells, in whole words: where `Cannot reach the cloud: the
    cloud dropped the connection` does not fit, its cause does (`▲ STALE` beside it says the rest)."""
    if len(problem) > width and ": " in problem:
        cause = problem.split(": ", 1)[1]
        problem = cause[:1].upper() + cause[1:]
    if len(problem) > width and problem.endswith(")") and " (" in problem:  # the detail (ReadTimeout, HTTP 200)
        problem = problem[: problem.rindex(" (")]
    return cut_words(problem, width)


class StatusHeader(Widget):
    DEFAULT_CSS = """
    StatusHeader { height: 2; background: $panel; padding: 0 1; }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._lines: list[Text] = [Text(), Text()]
        self._strips: list[Strip] = []
        self.last_shown: dict | None = None

    def render(self) -> Text:
        """The two lines as text (what tests read)."""
        return Text("\n").join(self._lines)

    def _render_strips(self, lines: list[Text]) -> list[Strip]:
        """The lines drawn exactly as a Static would draw them (same visual, same strips)."""
        width, height = self.size
        visual = visualize(self, Text("\n").join(lines), markup=False)
        return Visual.to_strips(self, visual, width, height, self.visual_style)

    def render_line(self, y: int) -> Strip:
        if not self._strips or self._strips[0].cell_length != self.size.width:
            self._strips = self._render_strips(self._lines)
        return self._strips[y] if y < len(self._strips) else Strip.blank(self.size.width, self.rich_style)

    def on_resize(self, event: events.Resize) -> None:
        if self.last_shown is not None:
            self.show(**self.last_shown)
        self._strips = []
        self.refresh()

    def _set_lines(self, lines: list[Text]) -> None:
        """Keep the new lines; refresh only the cells that differ from what is drawn."""
        if lines == self._lines:
            return
        self._lines = lines
        if not self.is_mounted or not self.size or not self._strips:
            self._strips = []
            self.refresh()
            return
        strips = self._render_strips(lines)
        for y, (old, new) in enumerate(zip(self._strips, strips, strict=False)):
            span = changed_span(old, new)
            if span is not None:
                self.refresh(Region(span[0], y, span[1] - span[0], 1))
        self._strips = strips

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
        retry_in: float | None = None,
    ) -> None:
        self.last_shown = {
            "organization": organization,
            "user": user,
            "counts": counts,
            "total": total,
            "shown": shown,
            "last_update": last_update,
            "stale_since": stale_since,
            "problem": problem,
            "refresh_seconds": refresh_seconds,
            "view_note": view_note,
            "read_only": read_only,
            "retry_in": retry_in,
        }
        width = max(20, self.size.width - 2 if self.size.width else 100)
        stale = stale_since is not None and bool(problem)
        health = health_text(last_update, stale_since, problem)
        if retry_in is not None:  # backing off: when the next try really is (r tries now)
            # Its time has come: the try is on its way (a slow cloud can take its whole timeout).
            when = f"retry in {round(retry_in)} s" if retry_in >= 0.5 else "trying now"
            health.append(f" · {when}", style=Style(color=ALERT if stale else None))
        health.append(f" ⟳{refresh_seconds:g}s", style=MUTED)
        if read_only:  # words, not a colour: a wall display must say it sends nothing
            health = Text(" READ-ONLY ", style=Style(color="yellow", reverse=True, bold=True)) + Text(" ") + health
        room = max(1, width - health.cell_len - 1)
        top = Text()
        if stale and problem:  # the reason in place of who is logged in; the counts stay below
            top.append(stale_reason(problem, room), style=Style(color=ALERT))  # all of it: the tooltip
        else:
            top.append(cut_words(organization or "3DPrinterOS", room), style="bold")
            if user and top.cell_len + 3 < room:
                top.append(" · ")
                top.append(cut_middle(user, room - top.cell_len), style=MUTED)  # an email: both ends
        top.append(" " * max(1, width - top.cell_len - health.cell_len))
        top.append_text(health)

        summary = f"{shown} of {total}" if shown != total else count_noun(total, "printer")
        if view_note:
            summary = f"{view_note} · {summary}"
        bottom = count_text(counts, words=True)
        if bottom.cell_len + len(summary) + 2 > width:
            bottom = count_text(counts, words=False)
        if bottom.cell_len + len(summary) + 2 > width:
            summary = summary.rsplit(" · ", 1)[-1]  # the count of printers outlasts the notes
        bottom.append(" " * max(2, width - bottom.cell_len - len(summary)))
        bottom.append(summary, style=MUTED)
        bottom.truncate(width, overflow="ellipsis")
        tooltip = problem if stale else None
        if self.tooltip != tooltip:
            self.tooltip = tooltip
        self._set_lines([top, bottom])


def show_farm(header: StatusHeader, app, *, counts=None, shown: int | None = None, view_note: str = "") -> None:
    """The farm's header from the app's store and sync: the same line on every printer screen."""
    store = app.store
    header.show(
        organization=app.organization,
        user=app.username,
        counts=store.counts() if counts is None else counts,
        total=len(store.printers),
        shown=len(store.printers) if shown is None else shown,
        last_update=store.last_update,
        stale_since=store.stale_since,
        problem=store.problem,
        refresh_seconds=app.refresh_seconds,
        view_note=view_note,
        read_only=app.read_only,
        retry_in=app.retry_in(),
    )
