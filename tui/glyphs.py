"""ASCII for terminals without Unicode: every character farmdash or Textual draws, one for one.

Applied to the whole frame as it leaves for the terminal, so borders, scrollbars, buttons and
toasts that Textual draws itself are covered as well as farmdash's cards. Each character becomes
ASCII of the same width in cells, so the layout Textual measured still holds. No Textual here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from rich.cells import get_character_cell_size

# Glyphs with a meaning get a chosen stand-in; the state glyphs come from the state table.
NAMED: dict[str, str] = {
    "…": ".",
    "—": "-",
    "–": "-",
    "·": ".",
    "•": "*",
    "●": "*",
    "○": "o",
    "◦": "o",
    "▶": ">",
    "▸": ">",
    "◀": "<",
    "▲": "^",
    "▼": "v",
    "△": "^",
    "▽": "v",
    "›": ">",
    "‹": "<",
    "»": ">",
    "«": "<",
    "≈": "~",
    "≥": ">",  # time in state that began before farmdash watched
    "⧗": "~",
    "⚑": "*",  # an alert not yet acknowledged (the error state has `!`)
    "‖": "=",
    "■": "#",
    "□": "o",
    "×": "x",
    "↓": "v",
    "↑": "^",
    "→": ">",
    "←": "<",
    "↵": "<",
    "⟳": "~",
    "↻": "~",
    "⏎": "<",
    "✓": "+",
    "✔": "+",
    "✗": "x",
    "✕": "x",
    "°": "'",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    # Shades and blocks: progress bars and Textual's thick borders.
    "░": ".",
    "▒": ":",
    "▓": "#",
    "█": "#",
    "▉": "#",
    "▊": "#",
    "▋": "#",
    "▀": "#",
    "▄": "#",
    "▌": "|",
    "▐": "|",
    "▍": "|",
    "▎": "|",
    "▏": "|",
    "▕": "|",
}

# Thin partial blocks are edges and scrollbar ends: a blank reads better than a mark.
for _char in "▁▂▃▅▆▇▔":
    NAMED[_char] = " "


def _box_drawing(name: str) -> str:
    """U+2500..U+257F by their Unicode names: heavy and double horizontals become `=`."""
    horizontal, vertical = "HORIZONTAL" in name, "VERTICAL" in name
    if horizontal and not vertical:
        return "=" if ("HEAVY" in name or "DOUBLE" in name) else "-"
    if vertical and not horizontal:
        return "|"
    if "DIAGONAL" in name:
        return "X" if "CROSS" in name else ("/" if "UPPER RIGHT TO LOWER LEFT" in name else "\\")
    if " AND " not in name and name.endswith((" LEFT", " RIGHT")):  # half lines: ╴ ╶
        return "-"
    if " AND " not in name and name.endswith((" UP", " DOWN")):  # ╵ ╷
        return "|"
    return "+"  # corners, arcs and junctions


def ascii_for(char: str) -> str:
    """The ASCII stand-in for one character, exactly as many cells wide."""
    if char.isascii():
        return char
    width = get_character_cell_size(char)
    if width == 0:
        return ""
    if char in NAMED and width == 1:
        return NAMED[char]
    name = unicodedata.name(char, "")
    if name.startswith("BOX DRAWINGS") and width == 1:
        return _box_drawing(name)
    # Accented letters keep their letter: "Café" reads "Cafe".
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    if len(base) == width and base.isascii() and base.isprintable():
        return base
    return "?" * width


class _AsciiTable(dict[int, str]):
    """A `str.translate` table filled on first sight of each character."""

    def __missing__(self, codepoint: int) -> str:
        value = self[codepoint] = ascii_for(chr(codepoint))
        return value


class AsciiTranslator:
    """Turns frames into ASCII; `overrides` (glyph -> stand-in) win, e.g. the state table's ASCII column."""

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        self._table = _AsciiTable()
        for glyph, stand_in in (overrides or {}).items():
            if len(glyph) == 1 and stand_in.isascii() and len(stand_in) == get_character_cell_size(glyph):
                self._table[ord(glyph)] = stand_in

    def __call__(self, text: str) -> str:
        return text if text.isascii() else text.translate(self._table)


def state_overrides() -> dict[str, str]:
    """Each printer state's own glyph and its ASCII stand-in, from the one table of states.

    The ellipsis stays a `.`: it also ends every name cut short, where CONNECTING's `~` would mislead.
    """
    from .states import STATES

    return {look.glyph: look.ascii_glyph for look in STATES.values() if look.glyph != "…"}
