"""A bulk action: the preview of what each marked printer will get, then the run with its outcomes.

Nothing is sent before the yes key; the run goes through the action runner (one outcome per
printer); escape during the run stops sending the rest, and the screen stays to show the summary.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from ..actions import ACTIONS, Outcome, Result
from ..bulk import BulkPlan, outcome_text, summary
from ..safe import plain
from ..widgets.fit_footer import FitFooter
from .base import FarmModal

LOOK = {
    Result.DONE: ("✓", "green"),
    Result.REFUSED: ("✗", "red"),
    Result.UNKNOWN: ("?", "yellow"),
    Result.NOT_SENT: ("✗", "red"),
    Result.SESSION_ENDED: ("✗", "red"),
    Result.SKIPPED: ("·", "bright_black"),
}


class BulkScreen(FarmModal[list[Outcome] | None]):
    """Dismisses with the outcomes of the run, or None when nothing was sent."""

    CSS_PATH = "../styles/bulk.tcss"
    BINDINGS = [
        Binding("y,enter", "send", "Send", id="bulk-send", priority=True),
        Binding("n,escape", "stop", "Send nothing / stop", id="bulk-stop", priority=True),
    ]

    def __init__(self, plan: BulkPlan) -> None:
        super().__init__()
        self.plan = plan
        self.outcomes: dict[int, Outcome] = {}
        self.phase = "preview"  # then "running", then "done"
        self.stop_event = asyncio.Event()

    def compose(self) -> ComposeResult:
        spec = ACTIONS[self.plan.kind]
        with Vertical(id="bulk-box"):
            count = len(self.plan.lines)
            title = f"{spec.label}: {count} marked printer{'s' if count != 1 else ''}"
            yield Static(Text(title, style="bold"), id="bulk-title")
            with VerticalScroll(id="bulk-scroll"):
                yield Static(id="bulk-lines")
            yield Static(id="bulk-totals")
            yield Static(id="bulk-keys")
        yield FitFooter(compact=True)  # the dialog's own keys, not the grid's under it

    def on_mount(self) -> None:
        self.show()

    def _footer_words(self) -> None:
        """Once the run is done either key closes: the footer says Close, not Send / Send nothing."""
        done = self.phase == "done"
        for key, bindings in self._bindings.key_to_bindings.items():
            self._bindings.key_to_bindings[key] = [
                replace(binding, show=False)
                if done and binding.id == "bulk-send"
                else replace(binding, description="Close")
                if done and binding.id == "bulk-stop"
                else binding
                for binding in bindings
            ]

    def show(self) -> None:
        self._footer_words()
        self.refresh_bindings()
        lines = Text()
        for index, line in enumerate(self.plan.lines):
            if index:
                lines.append("\n")
            outcome = self.outcomes.get(line.printer_id)
            if outcome is not None:
                glyph, colour = LOOK[outcome.result]
                words = outcome_text(outcome)
            elif line.send:
                glyph, colour, words = ("…" if self.phase == "running" else "→"), "", line.text
            else:
                glyph, colour, words = "·", "bright_black", line.text
            lines.append(f"{glyph} ", style=colour)
            lines.append(plain(line.name), style="bold")
            lines.append(f": {plain(words)}", style=colour if outcome is None or colour != "green" else "")
        self.query_one("#bulk-lines", Static).update(lines)
        send, stop = self.app.binding_key("bulk-send"), self.app.binding_key("bulk-stop")
        if self.phase == "preview":
            totals = self.plan.totals()
            keys = f"{send} sends  ·  {stop} sends nothing" if self.plan.to_send else f"{stop} closes: nothing to send"
        elif self.phase == "running":
            done = sum(1 for pid in self.plan.to_send if pid in self.outcomes)
            stopping = "; stopping: the rest will not be sent" if self.stop_event.is_set() else ""
            totals = f"Sending… {done} of {len(self.plan.to_send)} answered{stopping}"
            keys = f"{stop} stops sending the rest"
        else:
            totals = summary(self.plan.kind, list(self.outcomes.values()))
            keys = f"{send} or {stop} closes"
        self.query_one("#bulk-totals", Static).update(Text(plain(totals)))
        self.query_one("#bulk-keys", Static).update(Text(keys, style="dim"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While sending, only stop applies (the footer says so); with nothing to send, no Send."""
        if not super().check_action(action, parameters):
            return False
        if action == "send":
            return self.phase == "done" or (self.phase == "preview" and bool(self.plan.to_send))
        return True

    def action_send(self) -> None:
        if self.phase == "preview" and self.plan.to_send:
            self.phase = "running"
            self.show()
            self.run_plan()
        elif self.phase != "running":
            self.dismiss(self.finished())

    def action_stop(self) -> None:
        if self.phase == "running":
            self.stop_event.set()
            self.show()
        else:
            self.dismiss(self.finished())

    def finished(self) -> list[Outcome] | None:
        return [self.outcomes[line.printer_id] for line in self.plan.lines if line.printer_id in self.outcomes] or None

    def took(self, outcome: Outcome) -> None:
        self.outcomes[outcome.printer_id] = outcome
        self.show()

    @work(exclusive=True, group="bulk-run", exit_on_error=False)
    async def run_plan(self) -> None:
        app = self.app
        for line in self.plan.skipped:
            self.outcomes[line.printer_id] = Outcome(
                self.plan.kind, line.printer_id, line.name, Result.SKIPPED, line.text
            )
        outcomes = await app.run_bulk(self.plan, on_outcome=self.took, stop=self.stop_event)
        for outcome in outcomes:
            self.outcomes[outcome.printer_id] = outcome
        self.phase = "done"
        self.show()
