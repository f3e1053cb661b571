"""What the terminal farmdash runs in can do, decided before Textual starts (no Textual import here)."""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

NEEDS_TERMINAL = "farmdash needs a terminal (try ssh -t, or farmdash status)"


def driven_elsewhere(env: Mapping[str, str]) -> bool:
    """Textual told to use another driver (textual-serve's web driver for `farmdash serve`): no
    terminal is involved, and what it can draw is the browser's business."""
    return bool(env.get("TEXTUAL_DRIVER"))


def is_terminal(stdin: TextIO, stdout: TextIO) -> bool:
    """The dashboard reads keys from stdin and draws on stdout: both must be a terminal.

    Without one, Textual would spin on a closed input or write escape codes into a pipe.
    """
    try:
        return stdin.isatty() and stdout.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


# Terminals that draw no Unicode (or none worth trusting): the console, serial lines, `dumb`.
ASCII_TERMS = frozenset({"dumb", "unknown", "linux", "ansi", "cons25", "vt52", "vt100", "vt102", "vt220", "vt320"})


def _utf8(value: str) -> bool:
    return "utf8" in value.lower().replace("-", "").replace("_", "")


def ascii_reason(env: Mapping[str, str], *, encodings: Sequence[str | None], c_locale_at_start: bool) -> str | None:
    """Why the dashboard should draw with ASCII only, in a few words, or None when Unicode is safe.

    `encodings` are the output streams' encodings (PYTHONIOENCODING=ascii shows there);
    `c_locale_at_start` is True when Python found the C locale and switched to UTF-8 itself
    (PEP 538/540): then the LC_CTYPE it sets says nothing of what the user's terminal draws.
    """
    term = env.get("TERM", "")
    if term in ASCII_TERMS:
        return f"TERM={term}"
    for encoding in encodings:
        if encoding and codecs.lookup(encoding).name != "utf-8":
            return f"output encoding {encoding}"
    # The first of these that is set decides, as for any C program. When Python found the C
    # locale at start it set LC_CTYPE=C.UTF-8 itself, so then LC_CTYPE is skipped; a LANG that
    # asks for UTF-8 is trusted even if that locale is not installed (its terminal is UTF-8).
    names = ("LC_ALL", "LANG") if c_locale_at_start else ("LC_ALL", "LC_CTYPE", "LANG")
    for name in names:
        value = env.get(name)
        if value:
            return None if _utf8(value) else f"{name}={value}"
    return "no locale set" if c_locale_at_start else None


def detect_ascii_reason() -> str | None:
    """`ascii_reason` for this process (None when it draws for a browser, not a terminal)."""
    if driven_elsewhere(os.environ):
        return None
    c_locale = bool(sys.flags.utf8_mode) and "PYTHONUTF8" not in os.environ and "utf8" not in sys._xoptions
    encodings = [getattr(stream, "encoding", None) for stream in (sys.__stdout__, sys.__stderr__)]
    return ascii_reason(os.environ, encodings=encodings, c_locale_at_start=c_locale)
