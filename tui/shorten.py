"""Long cloud text made to fit: cut in the middle, so both ends of a name stay recognisable.

Lab printers are often told apart by their ends ("Bay3-…-MK4"); measured in terminal cells,
so a double-width name is cut to the same width as a Latin one.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, get_character_cell_size

ELLIPSIS = "…"


def cut_middle(text: str, width: int, ellipsis: str = ELLIPSIS, *, tail_share: float = 0.5) -> str:
    """`text` if it fits in `width` cells, else its start and end around `ellipsis` (the end gets
    `tail_share` of the room: file names differ just before their extension)."""
    if cell_len(text) <= width:
        return text
    room = max(width - cell_len(ellipsis), 0)
    tail_room = int(room * tail_share)
    head = _take(text, room - tail_room)
    tail = _take(text[::-1], tail_room)[::-1]
    return f"{head}{ellipsis}{tail}"


def _take(text: str, width: int) -> str:
    """The longest start of `text` that fits in `width` cells."""
    used = 0
    for index, char in enumerate(text):
        used += get_character_cell_size(char)
        if used > width:
            return text[:index]
    return text


_WORD = re.compile(r"\S+")


def fit_sentence(sentence: str, *, word_width: int, total_width: int, names: tuple[str, ...] = ()) -> str:
    """A sentence that names long things, made readable: each of `names` and any overlong word cut
    in the middle to `word_width` cells, then the whole kept to `total_width` cells."""
    for name in names:
        if name and cell_len(name) > word_width:
            sentence = sentence.replace(name, cut_middle(name, word_width))
    sentence = _WORD.sub(lambda word: cut_middle(word.group(), word_width), sentence)
    return cut_middle(sentence, total_width)
