"""One record per printer state: everything the screens, sorts, counts and rules know of it.

Adding a state touches this table only. Every state has a glyph and a word as well as a colour:
over SSH in `TERM=screen` there may be 16 colours or none, and a state must read the same
without them. Plain Python (no Textual), shared by the dashboard and the headless commands.
"""

from __future__ import annotations

from dataclasses import dataclass

from api import PrinterState


@dataclass(frozen=True, slots=True)
class StateLook:
    glyph: str
    ascii_glyph: str  # for terminals without Unicode (LANG=C, TERM=linux)
    word: str  # the card's label
    short: str  # in sentences and counts: "UMS5-01 is paused"
    # Light enough for 4.5:1 on the dark background, the header and the selected row (Textual's
    # default theme maps the 16 ANSI reds to #f4005f, 4.47:1); Rich brings these down to the
    # nearest of 16 colours on a 16-colour terminal.
    colour: str
    rank: int  # the state sort and the header counts: what needs a person first
    needs_person: bool  # heavy border, inverted label, `!` jumps to it
    busy: bool  # a job is on the printer: progress shown, tray cannot be cleared, job looked up


STATES: dict[PrinterState, StateLook] = {
    PrinterState.ERROR: StateLook("!", "!", "ERROR", "in error", "light_coral", 0, True, False),
    PrinterState.BED_NOT_CLEAR: StateLook("■", "#", "BED NOT CLEAR", "bed not clear", "orchid1", 1, True, False),
    PrinterState.PAUSED: StateLook("‖", "=", "PAUSED", "paused", "yellow", 2, True, True),
    PrinterState.OFFLINE: StateLook("×", "x", "OFFLINE", "offline", "grey66", 3, True, False),
    PrinterState.PRINTING: StateLook("▶", ">", "PRINTING", "printing", "cyan", 4, False, True),
    PrinterState.DOWNLOADING: StateLook("↓", "v", "DOWNLOADING", "downloading", "cyan", 5, False, True),
    PrinterState.CONNECTING: StateLook("…", "~", "CONNECTING", "connecting", "medium_purple1", 6, False, False),
    PrinterState.READY: StateLook("○", "o", "READY", "ready", "green", 7, False, False),
    PrinterState.LOCAL_MODE: StateLook("L", "L", "LOCAL MODE", "in local mode", "medium_purple1", 8, False, False),
    PrinterState.VIRTUAL: StateLook("V", "V", "VIRTUAL", "virtual", "medium_purple1", 9, False, False),
    PrinterState.UNKNOWN: StateLook("?", "?", "UNKNOWN", "in another state", "white", 10, False, False),
}

# The header counts, in the order a technician scans them: busy first, then trouble, then idle.
COUNT_ORDER: list[PrinterState] = [
    PrinterState.PRINTING,
    PrinterState.PAUSED,
    PrinterState.BED_NOT_CLEAR,
    PrinterState.ERROR,
    PrinterState.OFFLINE,
    PrinterState.READY,
    PrinterState.DOWNLOADING,
    PrinterState.CONNECTING,
    PrinterState.LOCAL_MODE,
    PrinterState.VIRTUAL,
    PrinterState.UNKNOWN,
]

BUSY_STATES = frozenset(state for state, look in STATES.items() if look.busy)


def look(state: PrinterState) -> StateLook:
    return STATES[state]


def state_word(state: PrinterState, raw: str) -> str:
    """The state's word; an unknown state shows what the cloud sent."""
    if state is PrinterState.UNKNOWN and raw:
        return raw.upper()[:20]
    return STATES[state].word


def count_word(state: PrinterState) -> str:
    """The word after a count in the header: `3 paused`, `1 error`."""
    return {PrinterState.ERROR: "error", PrinterState.LOCAL_MODE: "local", PrinterState.UNKNOWN: "other"}.get(
        state, STATES[state].short
    )


def count_noun(count: int, noun: str) -> str:
    """`1 printer`, `12 printers`."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
