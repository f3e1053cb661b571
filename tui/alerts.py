"""Alerts: which events call for a person, and how they are told: terminal bell, a desktop
notification through the terminal (OSC 9 / OSC 777, passed through tmux), and outbound through
Apprise to whatever service a lab uses. Plain Python (no Textual).

Outbound sending runs on one daemon thread with a bounded queue and a timeout per service: a slow
or failing service never holds up the dashboard, and a failure is reported once per service
until it works again.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .events import DetectorSettings, Event, EventKind

log = logging.getLogger("farmdash.alerts")

DEFAULT_KINDS = [
    EventKind.FAILED,
    EventKind.FINISHED,
    EventKind.PAUSED,
    EventKind.OFFLINE,
    EventKind.STALLED,
    EventKind.TEMPERATURE,
]


class AlertSettings(BaseModel):
    """The `[alerts]` table of the config."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True  # false (or --no-alerts): a wall display; events are still logged
    kinds: list[EventKind] = Field(default_factory=lambda: list(DEFAULT_KINDS))
    bell: bool = True
    desktop: bool = True  # OSC 9 and OSC 777 notifications through the terminal
    urls: list[str] = Field(default_factory=list)  # Apprise URLs: ntfy://, slack://, mailto://, json://...
    timeout: float = Field(default=10.0, gt=0, le=120)  # seconds per outbound service
    stall_minutes: float = Field(default=10.0, gt=0)
    temperature_tolerance: float = Field(default=15.0, gt=0)
    temperature_seconds: float = Field(default=60.0, ge=0)

    def detector_settings(self) -> DetectorSettings:
        return DetectorSettings(
            stall_seconds=self.stall_minutes * 60,
            temperature_tolerance=self.temperature_tolerance,
            temperature_seconds=self.temperature_seconds,
        )


def is_alert(event: Event, settings: AlertSettings) -> bool:
    """Does this event call for a person? Not what farmdash itself was told to do, not a repeat."""
    if event.kind not in settings.kinds:
        return False
    # A pause, cancel or tray clear sent from this dashboard is no news to the person who sent it.
    return not (event.who and event.kind is not EventKind.ACTION)


def should_ring(event: Event, settings: AlertSettings) -> bool:
    """Alert now: an alert kind, alerts on, and news: not a flap already told (count > 1), not an
    event completed later (its file found, its job's outcome read: `updated`) unless the
    correction is news itself (`retold`: the job's record says it failed)."""
    news = event.updated is None or event.retold
    return settings.enabled and event.count == 1 and news and is_alert(event, settings)


# --- in the terminal ---------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def _osc_text(text: str) -> str:
    """Text inside an OSC string: no control byte can end it early or start another sequence."""
    return _UNSAFE.sub(" ", text).replace(";", ",").strip()


def terminal_alert(title: str, body: str, *, bell: bool, desktop: bool, tmux: bool) -> str:
    """The bytes that ring and notify: BEL, OSC 9 (iTerm2, WezTerm, kitty, foot, Windows Terminal),
    OSC 777 (rxvt-unicode, Ghostty, VTE terminals). Inside tmux the OSCs are wrapped in a DCS
    passthrough, which tmux forwards only with `set -g allow-passthrough on`."""
    out = ""
    if desktop:
        title, body = _osc_text(title), _osc_text(body)
        # "farmdash:" first: OSC 9 text starting "4;" would be read as a progress report.
        sequences = [f"\x1b]9;farmdash: {title}: {body}\x07", f"\x1b]777;notify;farmdash: {title};{body}\x07"]
        for sequence in sequences:
            out += tmux_passthrough(sequence) if tmux else sequence
    if bell:
        out += "\a"  # tmux passes a plain bell on by itself (its bell-action decides)
    return out


def tmux_passthrough(sequence: str) -> str:
    """Wrap an escape sequence for tmux: DCS tmux; <sequence with each ESC doubled> ST."""
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"


# --- outbound through Apprise ---------------------------------------------------------------------


@dataclass(frozen=True)
class OutboundProblem:
    service: str  # the URL with its secrets hidden (Apprise's privacy form)
    message: str
    working: bool = False  # True: the service works again after a failure


class Outbound:
    """Sends alerts to the configured Apprise URLs from one background thread."""

    def __init__(
        self,
        urls: list[str],
        *,
        timeout: float = 10.0,
        on_problem: Callable[[OutboundProblem], None] | None = None,
        max_waiting: int = 100,
    ) -> None:
        self.urls = list(urls)
        self.timeout = timeout
        self.on_problem = on_problem or (lambda problem: None)
        self._queue: queue.Queue[tuple[str, str] | threading.Event | None] = queue.Queue(maxsize=max_waiting)
        self._thread: threading.Thread | None = None
        self._failing: set[str] = set()
        self.sent = 0
        self.dropped = 0

    def send(self, title: str, body: str) -> None:
        """Never blocks: a full queue (a service down for long) drops the alert and counts it."""
        if not self.urls:
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="farmdash-alerts", daemon=True)
            self._thread.start()
        try:
            self._queue.put_nowait((title, body))
        except queue.Full:
            self.dropped += 1

    def close(self, wait: float = 0.0) -> None:
        if self._thread is None:
            return
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(None)
        if wait:
            self._thread.join(wait)

    def drain(self, wait: float) -> bool:
        """Wait until everything queued so far was tried (tests, shutdown); False on timeout."""
        if self._thread is None:
            return True
        done = threading.Event()
        try:
            self._queue.put(done, timeout=wait)
        except queue.Full:
            return False
        return done.wait(wait)

    def _run(self) -> None:
        services = self._services()
        while True:
            item = self._queue.get()
            if item is None:
                return
            if isinstance(item, threading.Event):
                item.set()
                continue
            title, body = item
            for name, service in services:
                self._deliver(name, service, title, body)

    def _services(self) -> list[tuple[str, Any]]:
        """One Apprise object per URL, so a failure names its service; bad URLs are told once."""
        import apprise

        services = []
        for index, url in enumerate(self.urls):
            try:
                plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
            except Exception:  # a plugin's own parser may raise anything
                plugin = None
            if not plugin:
                self.on_problem(OutboundProblem(f"alerts.urls[{index}]", "not a notification URL Apprise knows"))
                continue
            plugin.socket_connect_timeout = min(self.timeout, plugin.socket_connect_timeout or self.timeout)
            plugin.socket_read_timeout = self.timeout
            with contextlib.suppress(AttributeError):
                plugin.retry = 0  # one try: the next alert is the retry
            sender = apprise.Apprise()
            sender.add(plugin)
            services.append((plugin.url(privacy=True), sender))
        return services

    def _deliver(self, name: str, sender, title: str, body: str) -> None:
        import apprise

        try:
            with apprise.LogCapture(level=logging.WARNING) as captured:
                ok = sender.notify(body=body, title=title)
            detail = captured.getvalue().strip().splitlines()
        except Exception as exc:  # a service plugin failing in any way must not end the thread
            ok, detail = False, [f"{type(exc).__name__}: {exc}"]
        if ok:
            self.sent += 1
            if name in self._failing:
                self._failing.discard(name)
                self.on_problem(OutboundProblem(name, "works again", working=True))
            return
        if name not in self._failing:
            self._failing.add(name)
            reason = detail[-1].split(" - ", 2)[-1] if detail else "the service refused the notification"
            log.warning("alert to %s failed: %s", name, reason)
            self.on_problem(OutboundProblem(name, reason))


# --- the listener that tells ----------------------------------------------------------------------


def alert_text(event: Event) -> tuple[str, str]:
    """Title and body of an alert: the printer, what happened, and the job's file when known."""
    body = event.what
    if event.filename:
        body = f"{body} ({event.filename})"
    return event.printer_name or f"#{event.printer_id}", body


class Alerter:
    """Listens to the farm's events and tells each new alert once: terminal and outbound."""

    MOST_DESKTOP = 3  # desktop notifications per batch; the rest are summed up in one

    def __init__(
        self,
        settings: AlertSettings,
        *,
        write: Callable[[str], None] | None = None,
        outbound: Outbound | None = None,
        tmux: bool = False,
    ) -> None:
        self.settings = settings
        self.write = write
        self.outbound = outbound
        self.tmux = tmux

    def __call__(self, events: list[Event]) -> None:
        fresh = [event for event in events if should_ring(event, self.settings)]
        if not fresh:
            return
        s = self.settings
        if self.write is not None and (s.bell or s.desktop):
            out = ""
            for event in fresh[: self.MOST_DESKTOP]:
                title, body = alert_text(event)
                out += terminal_alert(title, body, bell=False, desktop=s.desktop, tmux=self.tmux)
            if len(fresh) > self.MOST_DESKTOP:
                more = len(fresh) - self.MOST_DESKTOP
                out += terminal_alert(
                    f"{more} more alerts", "see the event log", bell=False, desktop=s.desktop, tmux=self.tmux
                )
            if s.bell:
                out += "\a"
            self.write(out)
        if self.outbound is not None:
            for event in fresh:
                title, body = alert_text(event)
                self.outbound.send(f"farmdash: {title}", body)
