"""What every farmdash screen shares: a typed `app`, and one route for its workers' failures.

`Worker.StateChanged` does not bubble: a worker started on a screen reports to that screen only.
Each screen forwards it to the App's single handler, so a failure anywhere is logged and told
(and an `AuthError` anywhere goes to the one session-lost path) instead of vanishing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events, on
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.reactive import Reactive
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.worker import Worker

from ..actions import ACTIONS
from ..widgets.alert_badge import AlertBadge

if TYPE_CHECKING:
    from ..app import FarmDash

ResultType = TypeVar("ResultType")


def action_bindings(*, on_job: bool) -> list[Binding]:
    """The printer action keys, from the action table (a [keymap] rebinds them by id)."""
    return [
        Binding(spec.default_key, f"act('{spec.kind}')", (spec.label_on_job if on_job else None) or spec.label,
                id=spec.binding_id)
        for spec in ACTIONS.values()
    ]  # fmt: skip


# Textual repaints the whole screen whenever focus moves (a view toggle, the filter box): a full
# frame, ~23 KB at 160x48, ~3 s of an 8 KB/s link. The widgets that gain and lose focus repaint
# themselves, so the screen need not; `_watch_focused` still runs (the footer's keys).
UNPAINTED_FOCUS: Reactive[Widget | None] = Reactive(None, repaint=False)


class SeenThrough(Screen[ResultType]):
    """A screen that may be seen through the one on top (a modal's dimmed backdrop), or not."""

    def open_over(self, screen: Screen[Any]) -> None:
        """Open `screen` over this one, unless another is on top already: a second enter read with
        the first (typed ahead) opened a second queue of the same printer, and so on."""
        if self.app.screen is self:
            self.app.push_screen(screen)

    def name_bindings(self, words: dict[str, str], *, show: bool | None = None) -> bool:
        """Give the bindings with these ids these descriptions (what the footer and help say of
        them); True if any changed."""
        key_to_bindings = self._bindings.key_to_bindings
        changed = False
        for key, bindings in key_to_bindings.items():
            named = [
                replace(binding, description=words[binding.id], show=binding.show if show is None else show)
                if binding.id in words
                else binding
                for binding in bindings
            ]
            if named != bindings:
                key_to_bindings[key] = named
                changed = True
        return changed

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No action on a screen not composed yet or already closed: a key typed ahead reaches
        one (escape, then j: the queue's `j` found no table and the app closed on the error)."""
        return self.is_mounted and self in self.app.screen_stack

    _answer_when_on_top: tuple[ResultType | None] | None = None

    def dismiss(self, result: ResultType | None = None) -> AwaitComplete:
        """Only the screen on top closes itself. Textual pops whatever is on top, so a second
        answer (a key typed ahead, a list's own select after the binding's) closed the screen
        under it: a job queue, then the grid (a blank app), then a crash on the empty stack. An
        answer given under another screen (a login that succeeds while the quit question is
        open) closes this one when it is on top again."""
        app = self.app
        if self not in app.screen_stack:  # answered already: a second answer closes nothing
            return AwaitComplete.nothing()
        if app.screen is not self:
            self._answer_when_on_top = (result,)
            return AwaitComplete.nothing()
        return super().dismiss(result)

    @on(events.ScreenResume)
    def _answer_now_on_top(self) -> None:
        if (pending := self._answer_when_on_top) is not None:
            self._answer_when_on_top = None
            self.call_next(self._close_with, *pending)

    def _close_with(self, result: ResultType | None) -> None:
        self.dismiss(result)  # not returned: awaiting a screen's own dismiss from its handler is an error

    def _compositor_refresh(self) -> None:
        """What changed here while another screen is on top.

        Textual 8.2.8 counts the screen just below the top one as on view even when the top one
        is opaque, and hands what changed on it to the top one to repaint: each poll's few
        changed cards on the grid under a job queue repainted the queue screen whole (17-19 KB a
        poll at 160x48), to show nothing new. Here that is dropped: the screen is drawn whole
        when it is on top again. Seen through a modal's backdrop, Textual hands the regions on,
        then marks this screen to repaint the same regions again at its next update, and that
        update drops the widgets changed meanwhile in favour of it: the regions went round again
        on every poll, the first of them the whole screen (the modal opening), 29-40 KB a poll
        while help or a confirmation was open. Handed on once, they are done with here.
        """
        app = self.app
        if self is app.screen or self not in app._background_screens or not self._compositor._dirty_regions:
            super()._compositor_refresh()
            return
        if app.screen.styles.background.a == 1:  # hidden under an opaque screen
            self._compositor._dirty_regions.clear()
            self._dirty_widgets.clear()
            return
        required, regions = self._repaint_required, set(self._repaint_regions)
        super()._compositor_refresh()
        self._repaint_required, self._repaint_regions = required, regions  # what the screen asked for itself


class FarmScreen(SeenThrough[ResultType]):
    if TYPE_CHECKING:
        app: FarmDash  # the typed App, for the type checker only

    focused = UNPAINTED_FOCUS

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.app.worker_changed(event.worker)

    @on(events.Mount)
    def _mount_alert_badge(self) -> None:
        """Every screen shows the alerts waiting for a person (a decorated handler: no super() needed)."""
        badge = AlertBadge()
        self.mount(badge)
        self.app.alerts_changed.subscribe(self, lambda _: self._show_alerts(badge))
        self._show_alerts(badge)

    def _show_alerts(self, badge: AlertBadge) -> None:
        badge.show(self.app.events.unacknowledged(), self.app.binding_key("event-log"))


class FarmModal(SeenThrough[ResultType], ModalScreen[ResultType]):
    if TYPE_CHECKING:
        app: FarmDash  # the typed App, for the type checker only

    focused = UNPAINTED_FOCUS

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.app.worker_changed(event.worker)
