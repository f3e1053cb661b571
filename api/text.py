"""Cloud text is data: made safe for one line of a terminal, or for a multi-line note.

A printer name reaches a technician's screen. An ESC in it would reach the terminal, a newline
or tab would move the cursor and overwrite other rows, a bidi override (U+202E) would make one
name display as another, and zero-width characters would make two names look the same. So every
string from the cloud passes through `one_line` (names, file names, states, messages) or
`multi_line` (notes) before anything shows it.
"""

from __future__ import annotations

import re

# Removed everywhere: C0/C1 controls and DEL (line breaks and tabs are handled first), bidi
# embeddings, overrides, isolates and marks, and zero-width characters.
_INVISIBLE = "\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_DROP = re.compile(f"[{_CONTROL}{_INVISIBLE}]")
# Line breaks of any kind (CR LF as one) and tabs: a space on one line.
_ONE_LINE_BREAKS = re.compile("\r\n|[\t\n\r\x0b\x0c\x85\u2028\u2029]")
# In multi-line text: breaks become "\n", tabs a space.
_MULTI_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")
_TABS = re.compile("[\t\x0b\x0c]")

# Patterns (Rust and Python regex alike) that match text needing no change at all: the
# models let pydantic check them natively and only call the Python cleaners when they fail.
ONE_LINE_PATTERN = "^[^\\x00-\\x1f\\x7f-\\x9f\\u0085\\u061c\\u200b-\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2060\\u2066-\\u2069\\ufeff]*$"
MULTI_LINE_PATTERN = "^[^\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f\\u061c\\u200b-\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2060\\u2066-\\u2069\\ufeff]*$"


def one_line(value: object) -> str:
    """Text for one line: breaks and tabs become spaces; controls, bidi and zero-width characters go."""
    return _DROP.sub("", _ONE_LINE_BREAKS.sub(" ", str(value)))


def multi_line(value: object) -> str:
    """Text that may span lines (notes): newlines kept as "\\n", tabs become spaces, the rest as `one_line`."""
    text = _TABS.sub(" ", _MULTI_BREAKS.sub("\n", str(value)))
    return _DROP.sub("", text)


def clean_text(value: object) -> str:
    """Multi-line safe text (kept for callers that may show notes); one-line fields use `one_line`."""
    return multi_line(value)
