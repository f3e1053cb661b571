"""The quick picks of a report's date range, where typing a date starts a typed range.

A Select takes no printable keys of its own: a technician who types `2026-01-05` while the range
picker has focus would send `-` to the screen's keys (slower refresh) and the digits nowhere.
Here a digit starts a date instead (`on_typed(character, first)`), and the `-` of a date being
typed goes with it, in order, however fast the keys come.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.widgets import Select


class RangeSelect(Select[str]):
    def __init__(self, *args, on_typed: Callable[[str, bool], None] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.on_typed = on_typed
        self._typing = False  # a date is being typed: its separators are the date's too

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return self._takes(character) or super().check_consume_key(key, character)

    def _takes(self, character: str | None) -> bool:
        if self.on_typed is None or self.expanded or character is None:
            return False
        return character.isdigit() or (self._typing and character in "-/")

    async def _on_key(self, event: events.Key) -> None:
        if self.on_typed is not None and self._takes(event.character):
            event.stop()
            event.prevent_default()
            self.on_typed(event.character or "", not self._typing)
            self._typing = True

    def _on_blur(self, event: events.Blur) -> None:
        self._typing = False
