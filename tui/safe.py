"""Cloud text is data, never markup: helpers that keep it so on screen."""

from __future__ import annotations

from rich.text import Text

from api.models import clean_text


def plain(value: object) -> str:
    """Text with terminal control characters removed (for notifications, which farmdash sends with markup off)."""
    return clean_text(value)


def text(value: object, style: str = "") -> Text:
    """A Rich Text that shows `value` literally: `[bold]x[/]` stays `[bold]x[/]`."""
    return Text(clean_text(value), style=style)
