"""The command palette offers the current screen's bindings: one list feeds footer, help and palette.

Keys come from the live binding chain (after the user's keymap), never from class-level BINDINGS.
"""

from __future__ import annotations

from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen

# Cursor movement is listed once, in words, by the help screen.
MOVEMENT_ACTIONS = ("move(", "page(", "jump(", "scroll_", "cursor_")


def _farmdash_actions(node: DOMNode) -> set[tuple[str, str | None]]:
    """(action, id) of what farmdash itself binds on this node (with its base classes), not Textual's built-ins."""
    return {
        (binding.action, binding.id)
        for cls in type(node).__mro__
        if cls.__module__.startswith("tui.")
        for binding in cls.__dict__.get("BINDINGS", [])
        if isinstance(binding, Binding)
    }


def screen_bindings(screen: Screen) -> list[tuple[Binding, DOMNode]]:
    """(binding, node that owns it) for the screen's focused chain and the app, with the user's keys."""
    seen: set[str] = set()
    found: list[tuple[Binding, DOMNode]] = []
    # The screen's own keys first, then the focused widget's, then the app's (as the help reads best).
    chain = sorted(
        screen._binding_chain, key=lambda pair: 0 if pair[0] is screen else 2 if pair[0] is screen.app else 1
    )
    for node, bindings_map in chain:
        ours = _farmdash_actions(node)
        for bindings in bindings_map.key_to_bindings.values():
            for binding in bindings:
                action = binding.action
                if (action, binding.id) not in ours or binding.system or not binding.description or action in seen:
                    continue
                if action == "command_palette" or action.startswith(MOVEMENT_ACTIONS):
                    continue
                seen.add(action)
                found.append((binding, node))
    return found


def key_label(screen: Screen, binding: Binding) -> str:
    """All keys of one binding as the user has them, e.g. `+` or `P`."""
    return screen.app.get_key_display(binding)


class BindingCommands(Provider):
    async def discover(self) -> Hits:
        for binding, node in screen_bindings(self.screen):
            yield DiscoveryHit(
                binding.description,
                partial(node.app.run_action, binding.action, node),
                help=f"key: {key_label(self.screen, binding)}",
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for binding, node in screen_bindings(self.screen):
            score = matcher.match(binding.description)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(binding.description),
                    partial(node.app.run_action, binding.action, node),
                    help=f"key: {key_label(self.screen, binding)}",
                )
