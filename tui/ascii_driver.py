"""Textual's terminal driver with every frame turned into ASCII on its way out (see `glyphs`)."""

from __future__ import annotations

from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver

from .glyphs import AsciiTranslator, state_overrides
from .link import MeteredLinuxDriver


class AsciiLinuxDriver(MeteredLinuxDriver):
    """For LANG=C, PYTHONIOENCODING=ascii, TERM=linux/vt100/dumb: the same screen, drawn in ASCII."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._to_ascii = AsciiTranslator(state_overrides())

    def write(self, data: str) -> None:
        super().write(self._to_ascii(data))


def ascii_driver(driver_class: type[Driver]) -> type[Driver]:
    """The ASCII driver where the platform's driver is the Linux one; else the platform's as it is."""
    return AsciiLinuxDriver if issubclass(driver_class, LinuxDriver) else driver_class
