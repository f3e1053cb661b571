"""An async client for every call of the 3DPrinterOS Global API v2.1.

One method per call, named after the call's URL segment; keyword arguments carry the documented
parameter names (`from` is spelled `from_`, a Python keyword). Optional parameters are left out
of the request when not given. Every response is validated into a model from `api.models`.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlencode

import httpx
from pydantic import TypeAdapter, ValidationError

from . import models as m
from .calls import CALLS, LIVE_ENDPOINT
from .errors import ApiError, AuthError, PrinterOSError, TransportError, scrub

log = logging.getLogger("farmdash.api")

FORM = "application/x-www-form-urlencoded"
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
DEFAULT_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=60.0)
USER_AGENT = "farmdash/0.1 (+3DPrinterOS Global API v2.1 client)"

_AUTH_STATUSES = {401, 403, 419, 440}
_LOGIN_CALLS = {"login", "google_login", "gdpr_registration"}

FormValue = str | int | float | bool | None


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


class PrinterOSClient:
    """One pooled `httpx.AsyncClient` and, once logged in, the session every call sends.

    Use as `async with PrinterOSClient(base_url=...) as client:`. `transport` is for unit tests
    (an `httpx.MockTransport`); everything else talks real HTTP.
    """

    def __init__(
        self,
        base_url: str = LIVE_ENDPOINT,
        *,
        session: str | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        verify: bool = True,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session
        self._password: str | None = None
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
    def from_session(cls, session: str, base_url: str = LIVE_ENDPOINT, **kwargs: Any) -> PrinterOSClient:
        return cls(base_url, session=session, **kwargs)

    # --- plumbing ------------------------------------------------------------------------------

    async def __aenter__(self) -> PrinterOSClient:
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
        self._session = value

    @property
    def has_session(self) -> bool:
        return bool(self._session)

    def _scrub(self, text: str) -> str:
        return scrub(text, [self._session, self._password])

    async def _post(self, call: str, *, data: list[tuple[str, str]] | None = None, files: Any = None) -> httpx.Response:
        path = f"/apiglobal/{call}"
        try:
            if files is not None:
                return await self._http.post(path, data=dict(data or []), files=files)
            body = urlencode(data or [])
            return await self._http.post(path, content=body.encode(), headers={"Content-Type": FORM})
        except httpx.TimeoutException as exc:
            raise TransportError(f"the cloud did not answer in time ({type(exc).__name__})", call=call) from None
        except httpx.ConnectError as exc:
            raise TransportError(
                f"cannot connect to {self.base_url}: {self._scrub(str(exc)) or 'refused'}", call=call
            ) from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            # Words a technician reads; the exception's name and text go to the log only.
            log.info("%s: connection dropped: %s: %s", call, type(exc).__name__, self._scrub(str(exc)))
            raise TransportError("the cloud dropped the connection", call=call) from None
        except httpx.HTTPError as exc:
            detail = self._scrub(str(exc)) or type(exc).__name__
            raise TransportError(f"connection to the cloud failed: {detail}", call=call) from None

    async def call(
        self,
        call: str,
        params: Mapping[str, Any] | None = None,
        *,
        files: Any = None,
        raw_text: bool = False,
    ) -> Any:
        """POST one call and return the envelope's payload; raise on any failure."""
        spec = CALLS[call]
        pairs = encode_form(params or {})
        if spec.needs_session:
            if not self._session:
                raise AuthError("not logged in: no session to send", call=call)
            pairs.insert(0, ("session", self._session))
        log.debug("POST /apiglobal/%s (%d fields)", call, len(pairs))
        response = await self._post(call, data=pairs, files=files)
        if call == "loginout" and response.status_code == 404:
            # Working public callers post to `logout`; the doc says `loginout`.
            response = await self._post("logout", data=pairs)
        return self._unwrap(call, response, raw_text=raw_text)

    def _unwrap(self, call: str, response: httpx.Response, *, raw_text: bool = False) -> Any:
        status = response.status_code
        content_type = response.headers.get("content-type", "")
        if raw_text and "json" not in content_type and status == 200:
            return response.text
        try:
            body = response.json()
        except (ValueError, UnicodeDecodeError):
            kind = (
                "an HTML page"
                if "html" in content_type or response.text.lstrip().startswith("<")
                else "a body that is not JSON"
            )
            raise TransportError(f"the cloud sent {kind} (HTTP {status})", call=call, status=status) from None
        if not isinstance(body, dict):
            raise TransportError(f"the cloud sent an unexpected answer (HTTP {status})", call=call, status=status)
        if "result" in body and isinstance(body.get("result"), bool):
            ok, payload = body["result"], body.get("message")
        elif "success" in body:
            ok = m._to_bool(body.get("success")) is True
            payload = body.get("result") if ok else body.get("message", body.get("result"))
        else:
            raise TransportError(f"the cloud sent an answer without a result (HTTP {status})", call=call, status=status)
        if ok and status < 400:
            if "time" in body and call == "get_printer_jobs":
                return {"jobs": payload, "time": body["time"]}
            return payload
        message = self._scrub(m.clean_text(payload if isinstance(payload, str) else json.dumps(payload)))
        if not message or message in ("null", "[]", "{}"):
            message = f"the cloud refused the request (HTTP {status})"
        if status in _AUTH_STATUSES or call in _LOGIN_CALLS or "session" in message.lower():
            raise AuthError(message, call=call, status=status)
        raise ApiError(message, call=call, status=status)

    async def _fetch(self, call: str, model: Any, params: Mapping[str, Any] | None = None) -> Any:
        """Post a call and validate its payload; a list model takes `null` as an empty list."""
        payload = await self.call(call, params)
        if payload is None and getattr(model, "__origin__", None) is list:
            payload = []
        return self._model(call, model, payload)

    def _model(self, call: str, model: Any, payload: Any) -> Any:
        try:
            return TypeAdapter(model).validate_python(payload)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "answer"
            raise ApiError(
                f"the cloud sent an answer farmdash cannot read ({where}: {first['msg']})", call=call
            ) from None

    # --- images on blob storage (the doc gives the URLs; nothing is fetched here) ------------------

    def _blob_base(self) -> str:
        from .calls import TEST_ENDPOINT

        if self.base_url.rstrip("/") == TEST_ENDPOINT:
            return "https://acornstorage.blob.core.windows.net"
        return "https://live3dprinteros.blob.core.windows.net"

    def preview_url(self, job: m.JobInfo) -> str | None:
        """The job's preview image (render), or None when the cloud named none."""
        return f"{self._blob_base()}/render/{job.picture}" if job.picture else None

    def gif_url(self, job: m.JobInfo) -> str | None:
        return f"{self._blob_base()}/gif/{job.gif_image}" if job.gif_image else None

    # --- 1-3: sessions --------------------------------------------------------------------------

    async def login(self, username: str, password: str) -> m.LoginResult:
        self._password = password
        try:
            payload = await self.call("login", {"username": username, "password": password})
            result = self._model("login", m.LoginResult, payload)
        finally:
            self._password = None
        self._session = result.session.get_secret_value()
        return result

    async def loginout(self) -> None:
        await self.call("loginout")
        self._session = None

    logout = loginout

    async def check_session(self) -> bool:
        """True while the cloud accepts the session; False once it does not."""
        try:
            await self.call("check_session")
        except AuthError:
            return False
        return True

    # --- 4-5, 10-11: files and projects ---------------------------------------------------------

    async def upload(
        self,
        file: str | os.PathLike[str] | BinaryIO,
        *,
        project_id: int | None = None,
        project_name: str | None = None,
        project_color: str | None = None,
        upload_type_id: int | None = None,
        upload_soft_name: str | None = None,
        filename: str | None = None,
    ) -> m.UploadResult:
        """Upload a file, streamed from disk (multipart)."""
        fields = {
            "project_id": project_id,
            "project_name": project_name,
            "project_color": project_color,
            "upload_type_id": upload_type_id,
            "upload_soft_name": upload_soft_name,
        }
        if isinstance(file, (str, os.PathLike)):
            path = Path(file)
            with path.open("rb") as handle:  # noqa: ASYNC230 (httpx streams it in chunks)
                payload = await self.call(
                    "upload", fields, files={"file": (filename or path.name, handle, "application/octet-stream")}
                )
        else:
            name = filename or Path(getattr(file, "name", "upload.gcode")).name
            payload = await self.call("upload", fields, files={"file": (name, file, "application/octet-stream")})
        return self._model("upload", m.UploadResult, payload)

    async def get_projects(self) -> list[m.Project]:
        return await self._fetch("get_projects", list[m.Project])

    async def get_slicer_settings_for_gcode(self, file_id: int) -> m.SlicerSettings:
        payload = await self.call("get_slicer_settings_for_gcode", {"file_id": file_id})
        return self._model("get_slicer_settings_for_gcode", m.SlicerSettings, payload or {})

    async def file_update(self, updates: Mapping[int, Mapping[str, Any]]) -> None:
        """`updates` maps file id to {ptype, gtype?, zip?}; sent as `updates[id][ptype]=...`."""
        encoded = {}
        for file_id, fields in updates.items():
            encoded[str(file_id)] = {
                key: (_true_false(value) if key == "zip" else value) for key, value in fields.items()
            }
        await self.call("file_update", {"updates": encoded})

    # --- 6, 18-20: workgroups -------------------------------------------------------------------

    async def get_workgroups_simple_list(self) -> list[m.Workgroup]:
        return await self._fetch("get_workgroups_simple_list", list[m.Workgroup])

    async def get_workgroup_users(self, workgroup_id: int) -> list[m.WorkgroupUser]:
        return await self._fetch("get_workgroup_users", list[m.WorkgroupUser], {"workgroup_id": workgroup_id})

    async def add_user_to_workgroup(self, workgroup_id: int, email: str) -> int:
        """Returns the user's id."""
        payload = await self.call("add_user_to_workgroup", {"workgroup_id": workgroup_id, "email": email})
        return _first_int(payload, "user_id")

    async def delete_user_from_workgroup(self, workgroup_id: int, user_id: int) -> None:
        await self.call("delete_user_from_workgroup", {"workgroup_id": workgroup_id, "user_id": user_id})

    # --- 7, 12-17, 21, 23: printers -------------------------------------------------------------

    async def get_organization_printers_list(
        self, *, printer_id: int | None = None, workgroup_id: int | None = None
    ) -> list[m.Printer]:
        params = {"printer_id": printer_id, "workgroup_id": workgroup_id}
        return await self._fetch("get_organization_printers_list", list[m.Printer], params)

    async def get_printer_types(self) -> list[m.PrinterType]:
        return await self._fetch("get_printer_types", list[m.PrinterType])

    async def get_printer_types_detailed(self) -> list[m.PrinterTypeDetailed]:
        return await self._fetch("get_printer_types_detailed", list[m.PrinterTypeDetailed])

    async def get_printer_shares(self, printer_id: int) -> list[m.PrinterShare]:
        return await self._fetch("get_printer_shares", list[m.PrinterShare], {"printer_id": printer_id})

    async def share_printer(
        self, printer_id: int, role_id: int, user_email: str, *, number_of_prints: int | None = None
    ) -> int:
        """Returns the share id (for `unshare_printer`)."""
        payload = await self.call(
            "share_printer",
            {
                "printer_id": printer_id,
                "role_id": int(role_id),
                "user_email": user_email,
                "number_of_prints": number_of_prints,
            },
        )
        return _first_int(payload, "id")

    async def unshare_printer(self, share_id: int) -> None:
        await self.call("unshare_printer", {"share_id": share_id})

    async def add_printer_by_registration_code(self, registration_code: str) -> int:
        """Returns the new printer's id."""
        payload = await self.call("add_printer_by_registration_code", {"registration_code": registration_code})
        return _first_int(payload, "printer_id")

    async def get_printers_list(
        self, *, printer_type: str | None = None, printer_id: int | Iterable[int] | None = None
    ) -> list[m.PrinterListItem]:
        ids: Any = printer_id
        if printer_id is not None and not isinstance(printer_id, int):
            ids = list(printer_id)
        return await self._fetch(
            "get_printers_list", list[m.PrinterListItem], {"printer_type": printer_type, "printer_id": ids}
        )

    async def get_camera_list_token(self, *, printer_id: int | None = None) -> m.CameraToken:
        return await self._fetch("get_camera_list_token", m.CameraToken, {"printer_id": printer_id})

    async def printer_clear_build_tray(self, printer_id: int, *, is_clear: bool | str | None = None) -> str:
        payload = await self.call(
            "printer_clear_build_tray", {"printer_id": printer_id, "is_clear": _true_false(is_clear)}
        )
        return m.clean_text(payload if payload is not None else "Ok")

    # --- 8-9, 28-33: jobs -----------------------------------------------------------------------

    async def get_printer_jobs(
        self,
        printer_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        prev_time: Any = None,
        is_actual: bool | int | None = None,
    ) -> m.PrinterJobs:
        """Jobs of a printer; the result's `.time` goes back as `prev_time` for the next delta."""
        payload = await self.call(
            "get_printer_jobs",
            {
                "printer_id": printer_id,
                "limit": limit,
                "offset": offset,
                "prev_time": prev_time,
                "is_actual": None if is_actual is None else int(bool(is_actual)),
            },
        )
        if not isinstance(payload, dict):
            payload = {"jobs": payload or [], "time": None}
        return self._model("get_printer_jobs", m.PrinterJobs, payload)

    async def get_job_info(self, job_id: int) -> m.JobInfo:
        return await self._fetch("get_job_info", m.JobInfo, {"job_id": job_id})

    async def slice(
        self,
        file_id: int,
        profile: Mapping[str, Any] | str,
        *,
        slicer_id: int | None = None,
        add_print_job_to_printer_id: int | None = None,
        start_print_job: bool | None = None,
    ) -> m.SliceResult:
        """`profile` goes as one JSON string field."""
        text = profile if isinstance(profile, str) else json.dumps(profile, separators=(",", ":"))
        payload = await self.call(
            "slice",
            {
                "file_id": file_id,
                "slicer_id": slicer_id,
                "profile": text,
                "add_print_job_to_printer_id": add_print_job_to_printer_id,
                "start_print_job": start_print_job,
            },
        )
        return self._model("slice", m.SliceResult, payload)

    async def print_file(self, file_id: int, printer_id: int, *, only_queue: bool | None = None) -> m.PrintFileResult:
        params = {"file_id": file_id, "printer_id": printer_id, "only_queue": only_queue}
        return await self._fetch("print_file", m.PrintFileResult, params)

    async def _job_action(self, call: str, job_id: int) -> str:
        payload = await self.call(call, {"job_id": job_id})
        return m.clean_text(payload if payload is not None else "Ok")

    async def job_start(self, job_id: int) -> str:
        return await self._job_action("job_start", job_id)

    async def job_pause(self, job_id: int) -> str:
        return await self._job_action("job_pause", job_id)

    async def job_unpause(self, job_id: int) -> str:
        return await self._job_action("job_unpause", job_id)

    async def job_cancel(self, job_id: int) -> str:
        return await self._job_action("job_cancel", job_id)

    # --- 22, 26-27, 34: organisation admin ------------------------------------------------------

    async def get_custom_report(
        self,
        *,
        from_: date | str | None = None,
        to: date | str | None = None,
        type: str | None = None,
        workgroups: bool | None = None,
        fields: Iterable[str] | str | None = None,
        all_fields: bool | None = None,
    ) -> m.CustomReport | str:
        """JSON (`type="json"`) gives a `CustomReport`; CSV (the default) gives the CSV text."""
        if fields is not None and not isinstance(fields, str):
            fields = ",".join(fields)
        payload = await self.call(
            "get_custom_report",
            {
                "from": from_,
                "to": to,
                "type": type,
                "workgroups": workgroups,
                "fields": fields,
                "all_fields": all_fields,
            },
            raw_text=True,
        )
        if isinstance(payload, str):
            return payload
        return m.parse_custom_report(payload)

    async def get_finished_jobs_report(
        self, *, from_: date | str | None = None, to: date | str | None = None
    ) -> list[m.FinishedJob]:
        return await self._fetch("get_finished_jobs_report", list[m.FinishedJob], {"from": from_, "to": to})

    async def create_organization_user(
        self,
        email: str,
        gdpr: int,
        *,
        firstname: str | None = None,
        lastname: str | None = None,
        company: str | None = None,
        access_role: int | None = None,
    ) -> dict[str, Any]:
        payload = await self.call(
            "create_organization_user",
            {
                "email": email,
                "gdpr": gdpr,
                "firstname": firstname,
                "lastname": lastname,
                "company": company,
                "access_role": access_role,
            },
        )
        return payload if isinstance(payload, dict) else {}

    async def update_user_settings(self, user_id: int, *, balance: int | None = None, quota: int | None = None) -> str:
        payload = await self.call("update_user_settings", {"user_id": user_id, "balance": balance, "quota": quota})
        return m.clean_text(payload if payload is not None else "Ok")

    # --- 24-25: Google sign-in ------------------------------------------------------------------

    async def google_login(self, token: str) -> m.GoogleLoginResult:
        self._password = token
        try:
            result = self._model("google_login", m.GoogleLoginResult, await self.call("google_login", {"token": token}))
        finally:
            self._password = None
        self._session = result.session.get_secret_value()
        return result

    async def gdpr_registration(
        self, *, gdpr1: str = "on", gdpr2: str | None = None, cancel: str | None = None
    ) -> m.GdprRegistrationResult:
        payload = await self.call("gdpr_registration", {"gdpr1": gdpr1, "gdpr2": gdpr2, "cancel": cancel})
        result = self._model("gdpr_registration", m.GdprRegistrationResult, payload)
        self._session = result.session.get_secret_value()
        return result


__all__ = ["PrinterOSClient", "PrinterOSError", "encode_form"]
