"""A yes/no question before anything that cannot be undone."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from ..safe import plain, text
from ..shorten import fit_sentence
from .base import FarmModal

# The box is 60 cells wide: a name cut to one line, the question to a few, so the buttons stay in view.
NAME_CELLS = 40
QUESTION_CELLS = 240


class ConfirmScreen(FarmModal[bool]):
    """Asks `question`; long names in it (given as `names`, or any overlong word) are cut in the middle."""

    BINDINGS = [
        # Priority: a focused button must not turn enter into "No".
        Binding("y,enter", "answer(True)", "Yes", id="confirm-yes", priority=True),
        Binding("n,escape", "answer(False)", "No", id="confirm-no", priority=True),
    ]

    def __init__(self, question: str, *, confirm_label: str = "Yes", names: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.question = fit_sentence(
            plain(question), word_width=NAME_CELLS, total_width=QUESTION_CELLS, names=tuple(map(plain, names))
        )
        self.confirm_label = fit_sentence(plain(confirm_label), word_width=NAME_CELLS, total_width=NAME_CELLS)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Label(text(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(text(f"{self.confirm_label} ({self._key('confirm-yes')})"), variant="error", id="yes")
                yield Button(text(f"Keep it ({self._key('confirm-no')})"), variant="default", id="no")

    def _key(self, binding_id: str) -> str:
        """The first key of a binding as the user has it (after their keymap), as the footer shows keys."""
        default = next(
            binding.key for binding in self.BINDINGS if isinstance(binding, Binding) and binding.id == binding_id
        )
        keys = getattr(self.app, "_keymap", {}).get(binding_id, default)
        return self.app.get_key_display(Binding(keys.split(",")[0].strip(), ""))

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
