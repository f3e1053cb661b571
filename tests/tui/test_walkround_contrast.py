"""Every text on the printer screens meets 4.5:1 against its background in the default theme.

Read from the pinned snapshots (the colours Textual really drew), so a style that blends text
into the background (Rich's `dim`, the ANSI reds of the default theme) fails here.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

SNAPSHOTS = Path(__file__).parent / "__snapshots__"
SCREENS = [
    "test_walkround_snapshots/test_grid_80x24_after_47_minutes.svg",
    "test_walkround_snapshots/test_table_160x48_state_sort_with_owners.svg",
    "test_walkround_snapshots/test_table_80x24_scrolled_to_the_end.svg",
    "test_walkround_snapshots/test_grid_80x24_marked_cards_and_the_selection.svg",
    "test_snapshots/test_grid_80x24.svg",
    "test_snapshots/test_grid_160x48.svg",
    "test_snapshots/test_table_view_sorted_by_state.svg",
    "test_snapshots/test_stale_connection_header.svg",
]
LINE_HEIGHT = 24.4
DRAWING = set("─│╭╮╰╯━┃┏┓┗┛·░▁▂▃▄▅▆▇█▏▎▍▌▋▊▉▔ ")


def luminance(colour: str) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def low_contrast_texts(svg: str) -> list[tuple[float, str, str, str]]:
    fills = dict(re.findall(r"\.(terminal-r\d+) \{ fill: (#[0-9a-f]{6})", svg))
    rects = [
        (float(y), float(x), float(w), colour)
        for colour, x, y, w in re.findall(
            r'<rect fill="(#[0-9a-f]{6})" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"', svg
        )
    ]
    texts = re.findall(
        r'<text class="(terminal-r\d+)" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
        r'clip-path="url\(#terminal-line-(\d+)\)">([^<]*)</text>',
        svg,
    )
    bad = []
    for cls, x, line, raw in texts:
        shown = html.unescape(raw).replace("\xa0", " ")
        if set(shown) <= DRAWING:  # borders and bars carry no words
            continue
        top, left = 1.5 + int(line) * LINE_HEIGHT, float(x)
        background = next((c for y, rx, w, c in rects if abs(y - top) < 1 and rx <= left + 0.1 < rx + w), "#121212")
        ratio = contrast(fills.get(cls, "#e0e0e0"), background)
        if ratio < 4.5:
            bad.append((round(ratio, 2), fills.get(cls, "?"), background, shown.strip()))
    return bad


def test_the_checker_sees_low_contrast():
    assert round(contrast("#f4005f", "#242f38"), 2) == 3.26  # the old ANSI red on the header
    svg = (
        '.terminal-r1 { fill: #3e3e3e }<rect fill="#121212" x="0" y="1.5" width="100" height="24"/>'
        '<text class="terminal-r1" x="0" y="20" textLength="9" clip-path="url(#terminal-line-0)">Prusa</text>'
    )
    assert low_contrast_texts(svg) == [(1.75, "#3e3e3e", "#121212", "Prusa")]


@pytest.mark.parametrize("name", SCREENS)
def test_printer_screens_meet_4_5_to_1(name):
    assert low_contrast_texts((SNAPSHOTS / name).read_text(encoding="utf-8")) == []
