"""The dashboard and its terminal: no terminal, a closed one, signals. Real processes, real ptys."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.terminal import NEEDS_TERMINAL

ROOT = Path(__file__).resolve().parents[2]

ENTER_ALT_SCREEN = b"\x1b[?1049h"
LEAVE_ALT_SCREEN = b"\x1b[?1049l"
MOUSE_OFF = b"\x1b[?1000l"
SHOW_CURSOR = b"\x1b[?25h"


def farmdash_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A UTF-8 xterm with no settings of the machine running the tests, then `extra`."""
    unwanted = ("FARMDASH_", "LC_", "PYTHONIOENCODING", "PYTHONUTF8")
    env = {key: value for key, value in os.environ.items() if not key.startswith(unwanted)}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "FARMDASH_CONFIG": str(tmp_path / "none.toml"),
            "FARMDASH_STATE_DIR": str(tmp_path / "state"),
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            **extra,
        }
    )
    return env


@pytest.mark.parametrize("args", [[], ["--demo"]])
def test_without_a_terminal_it_says_so_and_exits(tmp_path, args):
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=farmdash_env(tmp_path),
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.decode().strip() == NEEDS_TERMINAL
    assert result.stdout == b""  # not one escape code into the pipe


def test_served_to_a_browser_needs_no_terminal(tmp_path):
    """`farmdash serve` runs each dashboard on pipes under Textual's web driver: not refused."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "--demo", "--printers", "2"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=farmdash_env(tmp_path, TEXTUAL_DRIVER="textual.drivers.web_driver:WebDriver", LANG="C"),
    )
    try:
        assert proc.stdout.read(12) == b"__GANGLION__"  # the web driver's greeting: the dashboard runs
    finally:
        proc.kill()
        proc.wait()
        proc.stdin.close()
        proc.stdout.close()
        proc.stderr.close()


def read_until(fd: int, wanted: bytes, deadline: float) -> bytes:
    """Bytes from the pty until `wanted` shows up, EOF, or the deadline."""
    seen = b""
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed its side
            break
        if not chunk:
            break
        seen += chunk
    return seen


class Dashboard:
    """`farmdash --demo` on a real pseudo-terminal (100x30), as a user would start it."""

    def __init__(self, tmp_path: Path, **env: str) -> None:
        self.main_fd, child_fd = pty.openpty()
        os.set_blocking(self.main_fd, False)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tui.cli", "--demo", "--printers", "6"],
            stdin=child_fd,
            stdout=child_fd,
            stderr=child_fd,
            env=farmdash_env(tmp_path, COLUMNS="100", LINES="30", **env),
            start_new_session=True,
            close_fds=True,
        )
        os.close(child_fd)

    def read_until(self, wanted: bytes, seconds: float) -> bytes:
        return read_until(self.main_fd, wanted, time.monotonic() + seconds)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.main_fd)


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_stop_signal_restores_the_terminal(tmp_path, number):
    """`kill -TERM`/`-HUP` on a running dashboard: alternate screen left, mouse off, cursor shown, exit."""
    dashboard = Dashboard(tmp_path)
    try:
        started = dashboard.read_until(b"printers", 20)
        assert ENTER_ALT_SCREEN in started, started[-400:]
        sent = time.monotonic()
        dashboard.proc.send_signal(number)
        after = dashboard.read_until(LEAVE_ALT_SCREEN, 10)
        after += dashboard.read_until(b"\0never", 0.3)  # the rest of the restore
        code = dashboard.proc.wait(timeout=10)
        assert time.monotonic() - sent < 5
    finally:
        dashboard.close()
    assert LEAVE_ALT_SCREEN in after and MOUSE_OFF in after and SHOW_CURSOR in after, after[-300:]
    assert code == 128 + number


@pytest.mark.parametrize(
    ("env", "reason"),
    [({"PYTHONIOENCODING": "ascii"}, b"output encoding ascii"), ({"TERM": "linux"}, b"TERM=linux")],
)
def test_no_unicode_terminal_gets_ascii_and_is_told_once(tmp_path, env, reason):
    """PYTHONIOENCODING=ascii used to fill the screen with `\\u250f`; TERM=linux cannot draw box lines."""
    dashboard = Dashboard(tmp_path, **env)
    try:
        shown = dashboard.read_until(b"No Unicode terminal (", 20)
        shown += dashboard.read_until(b"PRINTING", 5)
        shown += dashboard.read_until(b"\0never", 0.3)
        dashboard.proc.send_signal(signal.SIGTERM)
        shown += dashboard.read_until(LEAVE_ALT_SCREEN, 10)
        dashboard.proc.wait(timeout=10)
    finally:
        dashboard.close()
    assert shown.isascii() and b"\\u" not in shown, [c for c in shown.decode("utf-8", "replace") if ord(c) > 127][:5]
    assert b"PRINTING" in shown and b"+-" in shown  # states keep their words; borders are ASCII
    assert b"No Unicode terminal (%s)" % reason in shown  # a toast (repainted with the screen under it)


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"LANG": "C"}, "LANG=C"),
        ({"LC_ALL": "C"}, "LC_ALL=C"),
        ({"LANG": "POSIX"}, "LANG=POSIX"),
        ({"LANG": "C.UTF-8"}, "None"),
        ({"LANG": "en_US.UTF-8"}, "None"),  # asks for UTF-8 even where that locale is not installed
        ({"LANG": "C.UTF-8", "TERM": "vt100"}, "TERM=vt100"),
        ({"LANG": "C", "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver"}, "None"),  # a browser draws it
    ],
)
def test_locale_seen_by_a_fresh_interpreter(tmp_path, env, reason):
    """Python itself switches a C locale to UTF-8 at start (PEP 538/540): the detection must see past that."""
    base = farmdash_env(tmp_path)
    for name in ("LC_ALL", "LC_CTYPE", "LANG", "PYTHONUTF8", "PYTHONIOENCODING"):
        base.pop(name, None)
    code = "from tui.terminal import detect_ascii_reason; print(detect_ascii_reason())"
    result = subprocess.run(
        [sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True, timeout=30, check=True
    )
    assert result.stdout.strip() == reason


def test_ascii_reason_decision():
    from tui.terminal import ascii_reason

    utf8 = ["utf-8", "UTF-8"]
    assert (
        ascii_reason({"TERM": "xterm-256color", "LANG": "en_GB.UTF-8"}, encodings=utf8, c_locale_at_start=False) is None
    )
    assert ascii_reason({"TERM": "screen", "LC_ALL": "C.utf8"}, encodings=utf8, c_locale_at_start=False) is None
    for term in ["dumb", "vt100", "vt220", "linux"]:
        assert (
            ascii_reason({"TERM": term, "LANG": "C.UTF-8"}, encodings=utf8, c_locale_at_start=False) == f"TERM={term}"
        )
    assert ascii_reason({"LANG": "C.UTF-8"}, encodings=["ascii"], c_locale_at_start=False) == "output encoding ascii"
    assert (
        ascii_reason({"LANG": "C.UTF-8"}, encodings=["latin-1"], c_locale_at_start=False) == "output encoding latin-1"
    )
    assert ascii_reason({"LC_ALL": "C", "LANG": "en_US.UTF-8"}, encodings=utf8, c_locale_at_start=True) == "LC_ALL=C"
    # Python's own coercion of LANG=C leaves LC_CTYPE=C.UTF-8 behind: not the user's word.
    assert ascii_reason({"LC_CTYPE": "C.UTF-8", "LANG": "C"}, encodings=utf8, c_locale_at_start=True) == "LANG=C"
    assert ascii_reason({"LC_CTYPE": "C.UTF-8"}, encodings=utf8, c_locale_at_start=True) == "no locale set"
    assert ascii_reason({"LC_CTYPE": "C.UTF-8", "LANG": "C"}, encodings=utf8, c_locale_at_start=False) is None
    assert (
        ascii_reason({"LANG": "de_DE.ISO-8859-1"}, encodings=utf8, c_locale_at_start=False) == "LANG=de_DE.ISO-8859-1"
    )


def test_ascii_keeps_every_width_and_the_meaning_of_glyphs():
    from rich.cells import cell_len

    from tui.glyphs import AsciiTranslator

    to_ascii = AsciiTranslator({"■": "#"})
    everything = "".join(chr(c) for c in range(0x2500, 0x25A0)) + "打印机 ✓ 😀 é Café ﬁ ⟳ °…\u200b\u202e"
    for char in everything:
        out = to_ascii(char)
        assert out.isascii() and cell_len(out) == cell_len(char), (char, out)
    card = "╭─ MK4-01 ─╮┏━ Pro2 ━┓│ ▶ PRINTING ┃ ██▋░░ 210/210° ┗━━┛"
    assert to_ascii(card) == "+- MK4-01 -++= Pro2 =+| > PRINTING | ###.. 210/210' +==+"
    assert to_ascii("Café 打印") == "Cafe ????"
    assert to_ascii("\x1b[1mplain\x1b[0m") == "\x1b[1mplain\x1b[0m"  # escape sequences pass as they are


def test_state_glyphs_come_from_the_state_table():
    from tui.glyphs import AsciiTranslator, state_overrides
    from tui.states import STATES

    to_ascii = AsciiTranslator(state_overrides())
    for state, look in STATES.items():
        if look.glyph != "…":
            assert to_ascii(look.glyph) == look.ascii_glyph, state


def test_every_glyph_farmdash_draws_has_an_ascii_stand_in():
    """A new glyph in tui/ needs its ASCII stand-in in tui/glyphs.py (NAMED), or it shows as `?`."""
    from tui.glyphs import AsciiTranslator, state_overrides

    to_ascii = AsciiTranslator(state_overrides())
    sources = [p for p in (ROOT / "tui").rglob("*.py") if p.name != "glyphs.py"]
    glyphs = {char for path in sources for char in path.read_text(encoding="utf-8") if not char.isascii()}
    assert glyphs, "no glyphs found: is ROOT right?"
    missing = sorted(char for char in glyphs if "?" in to_ascii(char))
    assert missing == [], f"add ASCII stand-ins for {missing} to tui/glyphs.py NAMED"
