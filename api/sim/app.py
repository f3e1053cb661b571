"""The simulated cloud as an ASGI app: `/apiglobal/{call}` for the 35 calls, `/sim/...` to steer it.

Starlette carries the HTTP (form and streamed multipart parsing); the rules live in `Farm`, the
calls' handlers in one module per area (sessions, printers, files, admin), their shared plumbing
in `envelope`, and the `/sim/` routes in `control`. Every refusal is the doc's failure envelope
with a non-200 status, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..calls import CALLS
from . import admin, printers, sessions  # noqa: F401  (importing an area registers its handlers)
from .control import control_routes
from .envelope import HTML_502, DropConnection, Params, dispatch, fail, log
from .farm import Farm, SimError
from .faults import Faults
from .files import upload

FORM_BODY_LIMIT = 1024 * 1024  # a form of any call but `upload`: the longest real one is a few KB


def refused_session(kind: str) -> Response:
    """The "login storm" fault: the login went through, and now the cloud refuses the session."""
    if kind == "unauthorized":
        return fail("Unauthorized", 401)
    return JSONResponse({"result": False, "message": "Too many open sessions"})


def check_body_shape(request: Request) -> None:
    """Refuse a multipart body the parser could not split: it needs a boundary."""
    content_type = request.headers.get("content-type", "")
    if content_type.lower().startswith("multipart/") and "boundary=" not in content_type.lower():
        raise SimError("Malformed request body: multipart without a boundary", 400)


def capped(request: Request, limit: int, message: str) -> Request:
    """The request, refused with SimError 413 as soon as its body passes `limit` bytes: by its
    Content-Length at once, or while it is read (a chunked body is never held or spooled whole)."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise SimError(message, 413)
    seen = 0

    async def receive() -> Any:
        nonlocal seen
        event = await request.receive()
        seen += len(event.get("body", b""))
        if seen > limit:
            raise SimError(message, 413)
        return event

    return Request(request.scope, receive)


def create_app(farm: Farm, faults: Faults | None = None, *, storage: Path | None = None) -> Starlette:
    faults = faults or Faults()
    storage = storage or Path(tempfile.mkdtemp(prefix="farmdash-sim-"))
    holder = {"farm": farm}
    calls: list[str] = []  # every API call answered, in order: tests assert on what a key press sent

    async def api_call(request: Request) -> Response:
        call = request.path_params["call"].strip("/")
        if call == "logout":
            call = "loginout"
        spec = CALLS.get(call)
        if spec is None:
            return fail(f"Unknown call {call}", 404)
        if request.method != "POST":
            return fail("Use POST", 405)
        calls.append(call)
        fault = faults.pick()
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        if fault == "drop":
            return DropConnection()
        if fault == "timeout":
            await asyncio.sleep(faults.timeout_seconds)
        if fault == "error_500":
            return fail("Internal server error", 500)
        if fault == "html_error":
            return Response(HTML_502, status_code=502, media_type="text/html")
        if faults.refuse_sessions and spec.needs_session and call != "loginout":
            return refused_session(faults.refuse_sessions)
        farm = holder["farm"]
        try:
            check_body_shape(request)
            if call == "upload":
                limit = farm.settings.max_upload_bytes
                request = capped(request, limit + 64 * 1024, f"File is larger than {limit // (1024 * 1024)} MiB")
                async with request.form(max_files=1, max_fields=20) as form:
                    with farm.lock:
                        farm.advance()
                        user = farm.user_for(str(form.get("session") or ""))
                    payload = await upload(farm, request, form, user, storage)
            else:
                request = capped(request, FORM_BODY_LIMIT, "The request is larger than 1 MiB")
                content_type = request.headers.get("content-type", "")
                if "multipart/" in content_type or "x-www-form-urlencoded" in content_type:
                    form = await request.form()
                    items = list(form.multi_items())
                else:
                    items = []
                params = Params(call, items)
                with farm.lock:
                    farm.advance()
                    payload = dispatch(farm, spec, params)
        except SimError as exc:
            return fail(exc.message, exc.status)
        except HTTPException as exc:  # Starlette's form parser refusing a malformed or oversized body
            return fail(f"Malformed request body: {exc.detail}", 413 if exc.status_code == 413 else 400)
        except Exception:  # a bug in the simulator must still answer in the doc's shape
            log.exception("simulated cloud failed on %s", call)
            return fail("Internal error in the simulated cloud", 500)
        if isinstance(payload, Response):
            return payload
        if fault == "malformed_json":
            text = json.dumps({"result": True, "message": payload})
            return Response(text[: max(1, len(text) // 2)], media_type="application/json")
        if call == "get_slicer_settings_for_gcode":
            return JSONResponse({"success": True, "result": payload})
        body: dict[str, Any] = {"result": True, "message": payload}
        if call == "get_printer_jobs":
            body["time"] = farm.change_token()
        return JSONResponse(body)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        yield
        shutil.rmtree(storage, ignore_errors=True)

    app = Starlette(
        lifespan=lifespan,
        routes=[
            Route("/apiglobal/{call:path}", api_call, methods=["POST", "GET"]),
            *control_routes(holder, faults, calls),
        ],
    )
    app.state.holder = holder
    app.state.calls = calls
    app.state.faults = faults
    app.state.storage = storage
    return app
