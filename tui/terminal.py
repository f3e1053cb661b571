"""What the terminal farmdash runs in can do, decided before Textual starts (no Textual import here)."""

from __future__ import annotations

from typing import TextIO

NEEDS_TERMINAL = "farmdash needs a terminal (try ssh -t, or farmdash status)"


def is_terminal(stdin: TextIO, stdout: TextIO) -> bool:
    """The dashboard reads keys from stdin and draws on stdout: both must be a terminal.

    Without one, Textual would spin on a closed input or write escape codes into a pipe.
    """
    try:
        return stdin.isatty() and stdout.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False
