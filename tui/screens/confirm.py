"""A yes/no question before anything that cannot be undone."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from ..safe import text


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [
        # Priority: a focused button must not turn enter into "No".
        Binding("y,enter", "answer(True)", "Yes", id="confirm-yes", priority=True),
        Binding("n,escape", "answer(False)", "No", id="confirm-no", priority=True),
    ]

    def __init__(self, question: str, *, confirm_label: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Label(text(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(text(f"{self.confirm_label} (y)"), variant="error", id="yes")
                yield Button(text("Keep it (n)"), variant="default", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
