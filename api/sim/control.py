"""The simulated cloud's own control routes, `/sim/...`: faults, the virtual clock and a summary.

These are for tests and demos, not part of the Global API; they have no authentication.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .envelope import cloud_time
from .faults import Faults


def control_routes(holder: dict[str, Any], faults: Faults) -> list[Route]:
    """The `/sim/` routes over the farm in `holder["farm"]` (swappable) and the shared `faults`."""

    async def sim_faults(request: Request) -> Response:
        if request.method == "POST":
            try:
                changes = await request.json()
                if changes.get("clear"):
                    faults.clear()
                    changes.pop("clear")
                faults.update(changes)
            except (ValueError, TypeError, AttributeError) as exc:
                return JSONResponse({"ok": False, "error": str(exc)}, status_code=400)
            if changes.get("expire_sessions"):
                with holder["farm"].lock:
                    holder["farm"].expire_sessions()
        return JSONResponse(faults.as_dict())

    async def sim_clock(request: Request) -> Response:
        farm = holder["farm"]
        if request.method == "POST":
            try:
                body = await request.json()
                with farm.lock:
                    if body.get("freeze"):
                        farm.clock.freeze()
                    if body.get("thaw"):
                        farm.clock.thaw()
                    if "speed" in body:
                        farm.clock.speed = float(body["speed"])
                    if "advance" in body:
                        farm.step(float(body["advance"]))
            except (ValueError, TypeError, AttributeError) as exc:
                return JSONResponse({"ok": False, "error": str(exc)}, status_code=400)
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
                    "now": cloud_time(farm.now()),
                }
            )

    return [
        Route("/sim/faults", sim_faults, methods=["GET", "POST"]),
        Route("/sim/clock", sim_clock, methods=["GET", "POST"]),
        Route("/sim/state", sim_state, methods=["GET"]),
    ]
