"""The wire under the client: form encoding, one POST per call, envelopes, and what a failure means.

Which failure is which exception is decided here and nowhere else: a refusal (`ApiError`), a
session the cloud no longer accepts (`AuthError`, only after `check_session` says so when the
answer leaves it unclear), no answer (`TransportError`), or an answer lost after the request
went out (`OutcomeUnknown`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, tzinfo
from typing import Any, Self
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx
from pydantic import BaseModel, ValidationError
from pydantic_core import from_json

from . import models as m
from .calls import CALLS, LIVE_ENDPOINT
from .errors import ApiError, AuthError, OutcomeUnknown, PrinterOSError, TransportError, scrub
from .records import RecordReader
from .text import one_line

log = logging.getLogger("farmdash.api")

FORM = "application/x-www-form-urlencoded"
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
DEFAULT_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=60.0)
USER_AGENT = "farmdash/0.1 (+3DPrinterOS Global API v2.1 client)"
MESSAGE_MAX = 300  # characters of a cloud message kept in an exception

_LOGIN_CALLS = {"login", "google_login", "gdpr_registration"}
# A refusal with one of these statuses or words may mean the session is gone, or may be a
# refusal of this one request ("Not authorized" to see that printer): `check_session` decides.
_SESSION_STATUSES = {401, 419, 440}
_SESSION_WORDS = re.compile(r"session|log\s?in|logged|authori[sz]|authenticat|credential|token", re.IGNORECASE)
# Requests that failed before they could reach the cloud: nothing was acted on.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.LocalProtocolError)
# Failures after the request went out: the cloud may have acted.
_MAYBE_SENT = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)


def form_value(value: Any) -> str:
    """One form field as text: booleans as 1/0 unless the caller chose 'true'/'false' already."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def encode_form(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Flatten parameters into form pairs with PHP bracket notation for lists and dicts.

    `{"printer_id": [1, 2]}` gives `printer_id[]=1&printer_id[]=2`;
    `{"updates": {5: {"ptype": 50}}}` gives `updates[5][ptype]=50`. None values are left out.
    """
    pairs: list[tuple[str, str]] = []

    def add(key: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, Mapping):
            for sub_key, sub_value in value.items():
                add(f"{key}[{sub_key}]", sub_value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                add(f"{key}[]", item)
        else:
            pairs.append((key, form_value(value)))

    for key, value in params.items():
        add(key, value)
    return pairs


def _true_false(value: bool | str | None) -> str | None:
    """Parameters the doc spells as "true|false" rather than 0/1."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return "true" if value else "false"


def _first_int(message: Any, key: str) -> int:
    """Ids the doc shows as `[id: int]`: accept {key: n}, [n], [{key: n}] or n."""
    value: Any = message
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get(key, value.get("id"))
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise ApiError(f"the cloud sent no {key} in its answer", status=200) from None


def _zone(value: tzinfo | str) -> tzinfo:
    """The cloud's time zone from a tzinfo or a name ("UTC", "Europe/Berlin"); ValueError if unknown."""
    if isinstance(value, tzinfo):
        return value
    if value.strip().upper() in ("UTC", "Z", ""):
        return UTC
    try:
        return ZoneInfo(value.strip())
    except (ValueError, KeyError, OSError):
        raise ValueError(f"unknown time zone {value!r}") from None


def _retrieve(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()


class _SessionInDoubt(ApiError):
    """A refusal that may mean the session is gone: `call` asks `check_session` before saying so."""


class CloudConnection:
    """One pooled `httpx.AsyncClient` and, once logged in, the session every call sends.

    Use as `async with PrinterOSClient(base_url=...) as client:`. `transport` is for unit tests
    (an `httpx.MockTransport`); everything else talks real HTTP. `cloud_timezone` is the zone
    of the cloud's `"YYYY-MM-DD HH:MM:SS"` datetimes (the doc does not say; UTC unless told).
    """

    def __init__(
        self,
        base_url: str = LIVE_ENDPOINT,
        *,
        session: str | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        verify: bool = True,
        cloud_timezone: tzinfo | str = UTC,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session
        self._password: str | None = None
        self.cloud_timezone = _zone(cloud_timezone)
        self._records = RecordReader({"tz": self.cloud_timezone})
        self._session_check: asyncio.Future[bool] | None = None
        self._checked_session: str | None = None
        if transport is None:
            transport = httpx.AsyncHTTPTransport(retries=1, verify=verify, limits=DEFAULT_LIMITS)
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json, text/csv;q=0.9"},
            follow_redirects=False,
        )

    @classmethod
    def from_session(cls, session: str, base_url: str = LIVE_ENDPOINT, **kwargs: Any) -> Self:
        return cls(base_url, session=session, **kwargs)

    # --- plumbing ------------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def __repr__(self) -> str:
        state = "with session" if self._session else "no session"
        return f"<PrinterOSClient {self.base_url} ({state})>"

    @property
    def session(self) -> str | None:
        """The session string, for saving (never logged, never in a repr)."""
        return self._session

    @session.setter
    def session(self, value: str | None) -> None:
        if value != self._session:
            self._records.forget()
        self._session = value

    @property
    def has_session(self) -> bool:
        return bool(self._session)

    def _scrub(self, text: str) -> str:
        return scrub(text, [self._session, self._password])

    def _message(self, payload: Any, status: int) -> str:
        """The cloud's words as one line of text, secrets scrubbed, length capped."""
        if isinstance(payload, str):
            text = payload
        elif payload in (None, [], {}):
            text = ""
        else:
            text = json.dumps(payload, ensure_ascii=False, default=str)
        text = one_line(self._scrub(text)).strip()
        if not text or text in ("null", "[]", "{}"):
            return f"the cloud refused the request (HTTP {status})"
        return text if len(text) <= MESSAGE_MAX else text[: MESSAGE_MAX - 1] + "…"

    async def _post(self, call: str, *, data: list[tuple[str, str]] | None = None, files: Any = None) -> httpx.Response:
        path = f"/apiglobal/{call}"
        try:
            if files is not None:
                return await self._http.post(path, data=dict(data or []), files=files)
            body = urlencode(data or [])
            return await self._http.post(path, content=body.encode(), headers={"Content-Type": FORM})
        except httpx.ConnectError as exc:
            raise TransportError(
                f"cannot connect to {self.base_url}: {one_line(self._scrub(str(exc))) or 'refused'}", call=call
            ) from None
        except _NOT_SENT as exc:
            raise TransportError(f"the request could not be sent ({type(exc).__name__})", call=call) from None
        except (httpx.ReadTimeout, httpx.WriteTimeout) as exc:
            raise OutcomeUnknown(f"the cloud did not answer in time ({type(exc).__name__})", call=call) from None
        except _MAYBE_SENT as exc:
            # Words a technician reads; the exception's name and text go to the log only.
            log.info("%s: connection dropped: %s: %s", call, type(exc).__name__, self._scrub(str(exc)))
            raise OutcomeUnknown("the cloud dropped the connection", call=call) from None
        except httpx.TimeoutException as exc:
            raise TransportError(f"the cloud did not answer in time ({type(exc).__name__})", call=call) from None
        except httpx.HTTPError as exc:
            detail = one_line(self._scrub(str(exc))) or type(exc).__name__
            raise TransportError(f"connection to the cloud failed: {detail}", call=call) from None

    async def call(
        self,
        call: str,
        params: Mapping[str, Any] | None = None,
        *,
        files: Any = None,
        raw_text: bool = False,
    ) -> Any:
        """POST one call and return the envelope's payload; raise on any failure.

        A refusal that might mean a lost session is checked with `check_session` first: the
        caller gets `AuthError` only when the cloud no longer accepts the session.
        """
        spec = CALLS[call]
        pairs = encode_form(params or {})
        if spec.needs_session:
            if not self._session:
                raise AuthError("not logged in: no session to send", call=call)
            pairs.insert(0, ("session", self._session))
        log.debug("POST /apiglobal/%s (%d fields)", call, len(pairs))
        if call == "loginout":
            # Working public callers post to `logout`; the doc says `loginout`.
            response = await self._post("logout", data=pairs)
            if response.status_code in (404, 405):
                response = await self._post("loginout", data=pairs)
        else:
            response = await self._post(call, data=pairs, files=files)
        try:
            return self._unwrap(call, response, raw_text=raw_text)
        except _SessionInDoubt as doubt:
            alive = None if call == "loginout" else await self._session_alive()
            kind = AuthError if alive is False else ApiError
            raise kind(doubt.message, call=call, status=doubt.status) from None

    async def _session_alive(self) -> bool | None:
        """Ask `check_session` (once for refusals that arrive together); None if the cloud cannot say."""
        session = self._session
        if not session:
            return False
        check = self._session_check
        if check is None or check.done() or self._checked_session != session:
            check = asyncio.ensure_future(self.check_session())
            check.add_done_callback(_retrieve)  # its failure is handled below; never "never retrieved"
            self._session_check, self._checked_session = check, session
        try:
            return await asyncio.shield(check)
        except PrinterOSError as exc:
            log.info("cannot check the session: %s", exc)
            return None

    async def check_session(self) -> bool:
        """True while the cloud accepts the session; False for any `result: false` on a 2xx or 4xx.

        Whatever the wording ("Not authorized", "Please login" ...). No session is False. Raises
        `TransportError` only when the cloud gives no answer (or a 5xx): it cannot say.
        """
        session = self._session
        if not session:
            return False
        response = await self._post("check_session", data=[("session", session)])
        body = self._body("check_session", response)
        status = response.status_code
        if isinstance(body.get("result"), bool):
            ok = body["result"]
        else:
            ok = m._to_bool(body.get("success")) is True
        if ok and status < 400:
            return True
        if status >= 500:
            raise TransportError(f"the cloud could not check the session (HTTP {status})", call="check_session")
        return False

    def _body(self, call: str, response: httpx.Response) -> dict[str, Any]:
        status = response.status_code
        try:
            body = from_json(response.content, cache_strings="keys")
        except ValueError:
            content_type = response.headers.get("content-type", "")
            html = "html" in content_type or response.content.lstrip()[:1] == b"<"
            kind = "an HTML page" if html else "not JSON"
            if 200 <= status < 300 or status == 504:
                raise OutcomeUnknown(
                    f"the cloud's answer was {kind} (HTTP {status})", call=call, status=status
                ) from None
            raise TransportError(f"the cloud's answer was {kind} (HTTP {status})", call=call, status=status) from None
        if not isinstance(body, dict) or not (isinstance(body.get("result"), bool) or "success" in body):
            problem = "an unexpected answer" if not isinstance(body, dict) else "an answer without a result"
            error = OutcomeUnknown if 200 <= status < 300 else TransportError
            raise error(f"the cloud sent {problem} (HTTP {status})", call=call, status=status)
        return body

    def _unwrap(self, call: str, response: httpx.Response, *, raw_text: bool = False) -> Any:
        status = response.status_code
        content_type = response.headers.get("content-type", "")
        if raw_text and "json" not in content_type and status == 200:
            return response.text
        body = self._body(call, response)
        if isinstance(body.get("result"), bool):
            ok, payload = body["result"], body.get("message")
        else:
            ok = m._to_bool(body.get("success")) is True
            payload = body.get("result") if ok else body.get("message", body.get("result"))
        if ok and status < 400:
            if "time" in body and call == "get_printer_jobs":
                return {"jobs": payload, "time": body["time"]}
            return payload
        message = self._message(payload, status)
        if call in _LOGIN_CALLS:
            raise AuthError(message, call=call, status=status)
        if status in _SESSION_STATUSES or _SESSION_WORDS.search(message):
            raise _SessionInDoubt(message, call=call, status=status)
        raise ApiError(message, call=call, status=status)

    async def _fetch(self, call: str, model: Any, params: Mapping[str, Any] | None = None) -> Any:
        """Post a call and validate its payload."""
        return self._model(call, model, await self.call(call, params))

    async def _fetch_list(
        self, call: str, model: type[BaseModel], params: Mapping[str, Any] | None = None, *, keep: bool = False
    ) -> m.Records[Any]:
        """Post a call whose answer is a list; read it record by record (a bad record loses only itself)."""
        payload = await self.call(call, params)
        whole = not any(value is not None for value in (params or {}).values())
        records, unreadable = await self._records.read(call, model, payload, keep=keep, whole=whole)
        return m.Records(records, unreadable)

    def _model(self, call: str, model: Any, payload: Any) -> Any:
        try:
            return model.model_validate(payload, context={"tz": self.cloud_timezone})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "answer"
            raise ApiError(
                one_line(f"the cloud sent an answer farmdash cannot read ({where}: {first['msg']})"), call=call
            ) from None
