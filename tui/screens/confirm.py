"""A yes/no question before anything that cannot be undone."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from ..safe import plain, text
from ..shorten import fit_sentence
from ..widgets.fit_footer import FitFooter
from .base import FarmModal

# The box is 60 cells wide: a name cut to one line, the question to a few, so the buttons stay in view.
NAME_CELLS = 40
QUESTION_CELLS = 240


THIRD = "third"  # what the dialog dismisses with when the third answer is chosen


class ConfirmScreen(FarmModal[bool | str]):
    """Asks `question`; long names in it (given as `names`, or any overlong word) are cut in the middle.

    Dismisses with True (yes), False (no) or `THIRD` when a third answer is offered (`third`: its
    label), as "clear and start next" is beside "clear only".
    """

    BINDINGS = [
        # Enter presses the highlighted button, "No" when the dialog opens: it was bound to "Yes"
        # while "No" was highlighted, so enter on what the screen showed cancelled the print.
        # Priority: y and n answer whichever button has focus.
        Binding("y", "answer(True)", "Yes", id="confirm-yes", priority=True),
        Binding("n,escape", "answer(False)", "No", id="confirm-no", priority=True, key_display="n"),
        Binding("s", "answer_third", "Third answer", id="confirm-third", priority=True, show=False),
    ]

    def __init__(
        self,
        question: str,
        *,
        confirm_label: str = "Yes",
        names: tuple[str, ...] = (),
        no_label: str = "No",
        third: str | None = None,
    ) -> None:
        super().__init__()
        self.question = fit_sentence(
            plain(question), word_width=NAME_CELLS, total_width=QUESTION_CELLS, names=tuple(map(plain, names))
        )
        self.confirm_label = fit_sentence(plain(confirm_label), word_width=NAME_CELLS, total_width=NAME_CELLS)
        self.no_label = no_label
        self.third = third
        # The footer names what the buttons name ("Clear only", "Neither", the third answer), not Yes/No.
        words = {"confirm-yes": self.confirm_label, "confirm-no": no_label}
        self.name_bindings(words | ({"confirm-third": third} if third else {}), show=True)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="-wide" if self.third else ""):
            yield Label(text(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(text(f"{self.confirm_label} ({self._key('confirm-yes')})"), variant="error", id="yes")
                if self.third:
                    yield Button(text(f"{self.third} ({self._key('confirm-third')})"), variant="warning", id=THIRD)
                yield Button(text(f"{self.no_label} ({self._key('confirm-no')})"), variant="default", id="no")
        yield FitFooter(compact=True)  # the dialog's own keys, not the screen's under it

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not super().check_action(action, parameters):
            return False
        return bool(self.third) if action == "answer_third" else True

    def action_answer_third(self) -> None:
        self.dismiss(THIRD)

    def _key(self, binding_id: str) -> str:
        return self.app.binding_key(binding_id)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(THIRD if event.button.id == THIRD else event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
