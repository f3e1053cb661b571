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


def cut_file(name: str, width: int) -> str:
    """A file name in `width` cells: whole if it fits, else without its extension (`.gcode` tells
    little once room is short), cut in the middle if still too long (`sample…_rack`), so
    `_v17_final` and `_v18_final` still differ."""
    if cell_len(name) <= width:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and stem.strip() and 0 < len(extension) <= 6:
        name = stem
    return cut_middle(name, width, tail_share=0.6)


def cut_email(email: str, width: int) -> str:
    """An owner in `width` cells: the whole address if it fits, else who (the part before `@`;
    a farm's owners mostly share the domain), cut in the middle if still too long."""
    if cell_len(email) <= width:
        return email
    local, at, _ = email.partition("@")
    return cut_middle(local if at and local else email, width)


def cut_words(text: str, width: int, ellipsis: str = ELLIPSIS) -> str:
    """`text` if it fits in `width` cells, else as many whole words as fit followed by `ellipsis`
    (`the cloud dropped…`), never half a word; a first word too long for the room is cut in the
    middle instead (a name or a file, recognisable by its ends)."""
    if cell_len(text) <= width:
        return text
    room = max(width - cell_len(ellipsis), 0)
    head = _take(text, room + 1)  # one more: a space just after the room ends a whole word too
    cut = head.rstrip() if head.endswith(" ") else head[: max(head.rfind(" "), 0)].rstrip()
    cut = cut.rstrip(" ,;:·-–—")
    if not cut:
        return cut_middle(text.split(" ", 1)[0] if " " in text else text, width, ellipsis)
    return f"{cut}{ellipsis}"


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
