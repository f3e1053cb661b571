"""The key a screen's action is bound to right now (after the user's keymap), for texts that name it."""

from __future__ import annotations

from textual.screen import Screen


def key_for(screen: Screen, action: str) -> str:
    """`action` as bound on `screen` (e.g. "export" or "app.pop_screen"), shown as the footer shows it."""
    for active in screen.active_bindings.values():
        if active.binding.action == action:
            return screen.app.get_key_display(active.binding)
    return "?"
