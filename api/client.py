"""An async client for every call of the 3DPrinterOS Global API v2.1.

One method per call, named after the call's URL segment; keyword arguments carry the documented
parameter names (`from` is spelled `from_`, a Python keyword). Optional parameters are left out
of the request when not given. Every response is validated into a model from `api.models`; list
answers are read one record at a time (`api.records`). The wire and the failure rules are in
`api.wire`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from . import models as m
from .calls import TEST_ENDPOINT
from .errors import ApiError, PrinterOSError
from .report import CustomReport, parse_custom_report
from .text import one_line
from .wire import CloudConnection, _first_int, _true_false, encode_form, log


class PrinterOSClient(CloudConnection):
    """The 35 calls. `async with PrinterOSClient(base_url=...) as client:`; see `CloudConnection`."""

    # --- images on blob storage (the doc gives the URLs; nothing is fetched here) ------------------

    def _blob_base(self) -> str:
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
        """End the session: `logout` (what public callers post), `loginout` (the doc) if that is not found.

        The session is dropped here whatever the cloud answers; a refusal (the session had
        already ended) is not an error. A transport failure is raised after dropping it.
        """
        try:
            await self.call("loginout")
        except ApiError as exc:
            log.info("logout refused (the session is dropped anyway): %s", exc)
        finally:
            self.session = None

    logout = loginout

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
        return await self._fetch_list("get_projects", m.Project)

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
        return await self._fetch_list("get_workgroups_simple_list", m.Workgroup)

    async def get_workgroup_users(self, workgroup_id: int) -> list[m.WorkgroupUser]:
        return await self._fetch_list("get_workgroup_users", m.WorkgroupUser, {"workgroup_id": workgroup_id})

    async def add_user_to_workgroup(self, workgroup_id: int, email: str) -> int:
        """Returns the user's id."""
        payload = await self.call("add_user_to_workgroup", {"workgroup_id": workgroup_id, "email": email})
        return _first_int(payload, "user_id")

    async def delete_user_from_workgroup(self, workgroup_id: int, user_id: int) -> None:
        await self.call("delete_user_from_workgroup", {"workgroup_id": workgroup_id, "user_id": user_id})

    # --- 7, 12-17, 21, 23: printers -------------------------------------------------------------

    async def get_organization_printers_list(
        self, *, printer_id: int | None = None, workgroup_id: int | None = None
    ) -> m.PrinterList:
        """The farm, one request whatever its size. A printer record that cannot be read is left
        out and counted in `.unreadable`; a record unchanged since the last call is not read again."""
        params = {"printer_id": printer_id, "workgroup_id": workgroup_id}
        records = await self._fetch_list("get_organization_printers_list", m.Printer, params, keep=True)
        return m.PrinterList(records, records.unreadable)

    async def get_printer_types(self) -> list[m.PrinterType]:
        return await self._fetch_list("get_printer_types", m.PrinterType)

    async def get_printer_types_detailed(self) -> list[m.PrinterTypeDetailed]:
        return await self._fetch_list("get_printer_types_detailed", m.PrinterTypeDetailed)

    async def get_printer_shares(self, printer_id: int) -> list[m.PrinterShare]:
        return await self._fetch_list("get_printer_shares", m.PrinterShare, {"printer_id": printer_id})

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
        return await self._fetch_list(
            "get_printers_list", m.PrinterListItem, {"printer_type": printer_type, "printer_id": ids}
        )

    async def get_camera_list_token(self, *, printer_id: int | None = None) -> m.CameraToken:
        return await self._fetch("get_camera_list_token", m.CameraToken, {"printer_id": printer_id})

    async def printer_clear_build_tray(self, printer_id: int, *, is_clear: bool | str | None = None) -> str:
        payload = await self.call(
            "printer_clear_build_tray", {"printer_id": printer_id, "is_clear": _true_false(is_clear)}
        )
        return one_line(payload if payload is not None else "Ok")

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
        """Jobs of a printer (`.jobs`); `.time` goes back as `prev_time` for the next delta; a job
        record that cannot be read is left out and counted in `.unreadable`."""
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
        if isinstance(payload, dict) and set(payload) == {"jobs", "time"}:
            items, token = payload["jobs"], payload["time"]
        else:
            items, token = payload, None
        jobs, unreadable = await self._records.read("get_printer_jobs", m.Job, items)
        return m.PrinterJobs(jobs=jobs, time=token, unreadable=unreadable)

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
        return one_line(payload if payload is not None else "Ok")

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
    ) -> CustomReport | str:
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
        return parse_custom_report(payload)

    async def get_finished_jobs_report(
        self, *, from_: date | str | None = None, to: date | str | None = None
    ) -> list[m.FinishedJob]:
        return await self._fetch_list("get_finished_jobs_report", m.FinishedJob, {"from": from_, "to": to})

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
        return one_line(payload if payload is not None else "Ok")

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
