"""Serve the simulated cloud on a real loopback socket, in the foreground or in a thread."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn

from .app import create_app
from .farm import Farm
from .faults import Faults


class _QuietDrops(logging.Filter):
    """The injected "drop" fault ends responses early on purpose: not an error worth a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (exc is not None and "Content-Length" in str(exc))


def quiet_uvicorn(*, silent: bool = False) -> dict[str, Any]:
    """uvicorn's log config with dropped-on-purpose responses filtered; `silent` for an embedded server."""
    logging.getLogger("uvicorn.error").addFilter(_QuietDrops())
    level = "CRITICAL" if silent else "WARNING"
    return {"log_level": level.lower(), "log_config": None if silent else uvicorn.config.LOGGING_CONFIG}


class SimServer:
    """uvicorn in a background thread: `with SimServer(farm) as sim: sim.base_url`.

    The socket is bound before the thread starts, so the URL is usable the moment `start` returns.
    """

    def __init__(
        self, farm: Farm, *, host: str = "127.0.0.1", port: int = 0, faults: Faults | None = None, silent: bool = True
    ) -> None:
        self.faults = faults or Faults()
        self.app = create_app(farm, self.faults)
        self._socket = listening_socket(host, port)
        self.host, self.port = self._socket.getsockname()[:2]
        config = uvicorn.Config(
            self.app,
            http="h11",
            lifespan="on",
            access_log=False,
            **quiet_uvicorn(silent=silent),
            timeout_keep_alive=75,
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def farm(self) -> Farm:
        return self.app.state.holder["farm"]

    @farm.setter
    def farm(self, farm: Farm) -> None:
        """Swap in a fresh farm (tests share one server, never one farm)."""
        self.app.state.holder["farm"] = farm

    @property
    def calls(self) -> list[str]:
        """The API calls answered so far, in order (tests clear it with `calls.clear()`)."""
        return self.app.state.calls

    @property
    def logins(self) -> int:
        """How many `login` calls were answered since `calls` was last cleared (a login storm shows here)."""
        return self.calls.count("login")

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> SimServer:
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name="farmdash-sim", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the simulated cloud did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread:
            self._thread.join(timeout=5)
        self._socket.close()

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port (OSError if it cannot be). IPPROTO_TCP, not 0: asyncio sets
    TCP_NODELAY only on sockets that say so, and without it every answer waits ~40 ms for a
    delayed ACK (headers and body are two writes)."""
    info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)[0]
    sock = socket.socket(info[0], socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(info[4])
    except OSError:
        sock.close()
        raise
    return sock


def serve_forever(
    farm: Farm,
    *,
    host: str = "127.0.0.1",
    port: int = 8800,
    faults: Faults | None = None,
    ready: Callable[[], None] | None = None,
) -> None:
    """Foreground server for `farmdash sim`: binds (OSError if it cannot), calls `ready`, then runs
    until Ctrl+C."""
    sock = listening_socket(host, port)
    app = create_app(farm, faults or Faults())
    config = uvicorn.Config(app, http="h11", access_log=False, timeout_graceful_shutdown=1, **quiet_uvicorn())
    if ready:
        ready()
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
