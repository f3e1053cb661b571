"""The command palette offers the current screen's bindings: one list feeds footer, help and palette."""

from __future__ import annotations

from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

# Cursor movement is listed once, in words, by the help screen.
MOVEMENT_ACTIONS = ("move(", "page(", "jump(", "scroll_", "cursor_")


def screen_bindings(screen) -> list[tuple[Binding, object]]:
    """(binding, node that owns it) for the screen's focused chain and the app, with descriptions, once each."""
    seen: set[str] = set()
    found: list[tuple[Binding, object]] = []
    nodes = [screen]
    focused = screen.focused
    while focused is not None and focused is not screen:
        nodes.append(focused)
        focused = focused.parent
    nodes.append(screen.app)
    for node in nodes:
        # farmdash's own bindings (with those of its base screens), not Textual's built-in ones
        inherited = [
            b
            for cls in reversed(type(node).__mro__)
            if cls.__module__.startswith("tui.")
            for b in cls.__dict__.get("BINDINGS", [])
        ]
        for binding in inherited:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            if (
                binding.action in seen
                or binding.action == "command_palette"
                or binding.action.startswith(MOVEMENT_ACTIONS)
            ):
                continue
            seen.add(binding.action)
            found.append((binding, node))
    return found


class BindingCommands(Provider):
    async def discover(self) -> Hits:
        for binding, node in screen_bindings(self.screen):
            yield DiscoveryHit(
                binding.description,
                partial(node.run_action, binding.action),
                help=f"key: {binding.key_display or binding.key}",
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for binding, node in screen_bindings(self.screen):
            score = matcher.match(binding.description)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(binding.description),
                    partial(node.run_action, binding.action),
                    help=f"key: {binding.key_display or binding.key}",
                )
