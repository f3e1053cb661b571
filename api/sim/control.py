"""The simulated cloud's own control routes, `/sim/...`: faults, the virtual clock and a summary.

These are for tests and demos, not part of the Global API, and have no authentication; so a
body is capped and every value checked before any is applied: a bad request is a 400 (or 413)
with the reason, and the farm stays usable.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .envelope import cloud_time
from .faults import Faults, checked_flag, checked_number

CONTROL_BODY_LIMIT = 64 * 1024
MAX_SPEED = 10_000.0
MAX_ADVANCE_SECONDS = 366 * 86_400.0
LATEST_TIME = datetime(9000, 1, 1, tzinfo=UTC)  # far from datetime's year 9999, which would break every call


class ControlError(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def refuse(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)


async def read_json_object(request: Request) -> dict[str, Any]:
    """The request's JSON object (an empty body is `{}`), read at most `CONTROL_BODY_LIMIT` bytes."""
    too_big = ControlError(f"the body is larger than {CONTROL_BODY_LIMIT // 1024} KB", 413)
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > CONTROL_BODY_LIMIT:
        raise too_big
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > CONTROL_BODY_LIMIT:
            raise too_big
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise ControlError("the body is not JSON") from None
    if not isinstance(data, dict):
        raise ControlError("the body must be a JSON object")
    return data


def clock_changes(body: dict[str, Any]) -> dict[str, Any]:
    """The checked changes of a `/sim/clock` body, or ControlError naming the first bad one."""
    checked: dict[str, Any] = {}
    try:
        for key, value in body.items():
            if key in ("freeze", "thaw"):
                checked[key] = checked_flag(key, value)
            elif key == "speed":
                checked[key] = checked_number(key, value, 0.0, MAX_SPEED)
            elif key == "advance":
                checked[key] = checked_number(key, value, 0.0, MAX_ADVANCE_SECONDS)
            else:
                raise ValueError(f"unknown clock setting {str(key)[:40]!r}")
    except ValueError as exc:
        raise ControlError(str(exc)) from None
    return checked


def control_routes(holder: dict[str, Any], faults: Faults, calls: list[str]) -> list[Route]:
    """The `/sim/` routes over the farm in `holder["farm"]` (swappable), the shared `faults`, and
    the list of API calls answered."""

    async def sim_faults(request: Request) -> Response:
        if request.method == "POST":
            try:
                changes = await read_json_object(request)
                faults.update(changes)
            except ControlError as exc:
                return refuse(str(exc), exc.status)
            except ValueError as exc:
                return refuse(str(exc))
            if changes.get("expire_sessions"):
                with holder["farm"].lock:
                    holder["farm"].expire_sessions()
        return JSONResponse(faults.as_dict())

    async def sim_clock(request: Request) -> Response:
        farm = holder["farm"]
        if request.method == "POST":
            try:
                changes = clock_changes(await read_json_object(request))
                if farm.now() + timedelta(seconds=changes.get("advance", 0.0)) > LATEST_TIME:
                    raise ControlError(f"the clock cannot pass {LATEST_TIME.year}")
            except ControlError as exc:
                return refuse(str(exc), exc.status)
            with farm.lock:
                if changes.get("freeze"):
                    farm.clock.freeze()
                if changes.get("thaw"):
                    farm.clock.thaw()
                if "speed" in changes:
                    farm.clock.speed = changes["speed"]
                if "advance" in changes:
                    farm.step(changes["advance"])
        with farm.lock:
            farm.advance()
            return JSONResponse({"now": cloud_time(farm.now()), "frozen": farm.clock.frozen, "speed": farm.clock.speed})

    async def sim_state(request: Request) -> Response:
        farm = holder["farm"]
        with farm.lock:
            farm.advance()
            counts: dict[str, int] = {}
            for printer in farm.printers.values():
                counts[printer.state] = counts.get(printer.state, 0) + 1
            return JSONResponse(
                {
                    "organization": farm.org_name,
                    "printers": len(farm.printers),
                    "jobs": len(farm.jobs),
                    "states": counts,
                    "sessions": len(farm.sessions),
                    "logins": calls.count("login"),
                    "now": cloud_time(farm.now()),
                }
            )

    return [
        Route("/sim/faults", sim_faults, methods=["GET", "POST"]),
        Route("/sim/clock", sim_clock, methods=["GET", "POST"]),
        Route("/sim/state", sim_state, methods=["GET"]),
    ]
