"""The simulated cloud's plumbing shared by every area: form parameters, the handler table, the
doc's envelopes and the session and rights checks that run before any handler."""

from __future__ import annotations

import builtins
import logging
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from starlette.responses import JSONResponse, Response

from .farm import Farm, SimError
from .records import User

log = logging.getLogger("farmdash.sim")


HTML_502 = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
_BRACKET = re.compile(r"^([^\[\]]+)((?:\[[^\]]*\]?)+)$")


def cloud_time(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else None


def flag(value: bool | None) -> str | None:
    return None if value is None else ("t" if value else "f")


class Params:
    """Form fields of one request, with PHP bracket keys folded into lists and dicts."""

    def __init__(self, call: str, items: list[tuple[str, Any]]) -> None:
        self.call = call
        self.data: dict[str, Any] = {}
        for key, value in items:
            match = _BRACKET.match(key)
            if not match:
                self.data[key] = value
                continue
            name, rest = match.groups()
            parts = [p.rstrip("]") for p in rest.strip("[").split("[")]
            node: Any = self.data.setdefault(name, [] if parts[0] == "" else {})
            for index, part in enumerate(parts):
                last = index == len(parts) - 1
                if isinstance(node, list):
                    node.append(value if last else {})
                    node = node[-1]
                elif last:
                    node[part] = value
                else:
                    node = node.setdefault(part, [] if parts[index + 1] == "" else {})

    def has(self, name: str) -> bool:
        value = self.data.get(name)
        return value is not None and value != "" and value != "null"

    def text(self, name: str, default: str | None = None) -> str | None:
        return str(self.data[name]) if self.has(name) else default

    def int(self, name: str, default: int | None = None) -> int | None:
        if not self.has(name):
            return default
        try:
            return int(str(self.data[name]).strip())
        except ValueError:
            raise SimError(f"Parameter {name} must be an integer", 400) from None

    def req_int(self, name: str) -> builtins.int:
        value = self.int(name)
        if value is None:
            raise SimError(f"Parameter {name} is required", 400)
        return value

    def bool(self, name: str, default: bool = False) -> bool:
        if not self.has(name):
            return default
        text = str(self.data[name]).strip().lower()
        if text in ("1", "true", "t", "on", "yes"):
            return True
        if text in ("0", "false", "f", "off", "no"):
            return False
        raise SimError(f"Parameter {name} must be 0/1 or true/false", 400)

    def date(self, name: str, default: date) -> date:
        if not self.has(name):
            return default
        try:
            return date.fromisoformat(str(self.data[name]).strip())
        except ValueError:
            raise SimError(f"Parameter {name} must be a Y-m-d date", 400) from None


Handler = Callable[[Farm, Params, User | None], Any]
HANDLERS: dict[str, Handler] = {}


def handles(name: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        HANDLERS[name] = func
        return func

    return register


# --- the app --------------------------------------------------------------------------------------


def fail(message: str, status: int) -> JSONResponse:
    return JSONResponse({"result": False, "message": message}, status_code=status)


class DropConnection(Response):
    """Promise a long body, send a few bytes, end: the server must close the connection mid-response."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"result":', "more_body": False})


def dispatch(farm: Farm, spec: Any, params: Params) -> Any:
    """Check the session, the rights and the required parameters, then run the call's handler."""
    user = None
    if spec.needs_session:
        user = farm.user_for(params.text("session"))
        session = farm.sessions.get(params.text("session") or "")
        if session and session.gdpr_needed and spec.name != "gdpr_registration":
            raise SimError("GDPR confirmation is required first (gdpr_registration)", 403)
    if spec.admin_only and user is not None:
        farm.require_admin(user)
    for name in spec.required:
        if not params.has(name) and name != "file":
            raise SimError(f"Parameter {name} is required", 400)
    return HANDLERS[spec.name](farm, params, user)
