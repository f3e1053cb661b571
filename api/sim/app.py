"""The simulated cloud as an ASGI app: `/apiglobal/{call}` for the 35 calls, `/sim/...` to steer it.

Starlette carries the HTTP (form and streamed multipart parsing); the rules live in `Farm`.
Every refusal is the doc's failure envelope with a non-200 status, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import logging
import re
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..calls import CALLS
from ..models import JobStatus
from .farm import Farm, File, Job, Project, Share, SimError, User
from .faults import Faults

log = logging.getLogger("farmdash.sim")

UPLOAD_TYPES = {".gcode", ".gco", ".g", ".stl", ".3mf", ".obj", ".zip", ".makerbot", ".x3g", ".ufp", ".form"}
GCODE_TYPES = {".gcode", ".gco", ".g", ".makerbot", ".x3g", ".ufp"}
REPORT_FIELDS = [
    ("job_id", "Job ID", "int"),
    ("printer_id", "Printer ID", "int"),
    ("printer_name", "Printer Name", "text"),
    ("printer_type", "Printer Type", "text"),
    ("file_id", "File ID", "int"),
    ("file_name", "File Name", "text"),
    ("print_date", "Print Date/Time", "text"),
    ("email", "Account Email", "text"),
    ("fname", "First Name", "text"),
    ("lname", "Last Name", "text"),
    ("filament", "Filament", "float"),
    ("cost", "Material Cost", "float"),
    ("status", "Status", "text"),
    ("print_time", "Estimated Print Time", "text"),
    ("real_print_time", "Real Print Time", "text"),
    ("cancel_reason", "Cancel Reason", "text"),
    ("cancel_details", "Cancel Details", "text"),
    ("started_by_email", "Started By", "text"),
    ("feedback", "Feedback", "text"),
]
DEFAULT_REPORT_FIELDS = [
    "job_id",
    "printer_id",
    "printer_name",
    "printer_type",
    "file_id",
    "file_name",
    "print_date",
    "email",
    "filament",
    "cost",
    "status",
    "print_time",
    "real_print_time",
]
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

    def req_int(self, name: str) -> int:
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


# --- sessions -------------------------------------------------------------------------------------


@handles("login")
def _login(farm: Farm, p: Params, user: User | None) -> Any:
    username = (p.text("username") or "").strip().lower()
    found = next((u for u in farm.users.values() if u.email.lower() == username), None)
    if found is None or found.password != p.text("password"):
        raise SimError("Wrong username or password", 401)
    return {"session": farm.new_session(found)}


@handles("loginout")
def _logout(farm: Farm, p: Params, user: User | None) -> Any:
    farm.sessions.pop(p.text("session") or "", None)
    return []


@handles("check_session")
def _check(farm: Farm, p: Params, user: User | None) -> Any:
    return "Session is valid"


@handles("google_login")
def _google(farm: Farm, p: Params, user: User | None) -> Any:
    token = p.text("token") or ""
    email = farm.google_tokens.get(token)
    if email is None:
        if not token.startswith("new-user:"):
            raise SimError("Invalid Google token", 401)
        email = token.split(":", 1)[1]
        new = User(farm.next_id("user"), email, "", access_role=0)
        farm.users[new.id] = new
        return {"session": farm.new_session(new, gdpr_needed=True), "gdpr_needed": True}
    found = next(u for u in farm.users.values() if u.email == email)
    return {"session": farm.new_session(found), "email": found.email}


@handles("gdpr_registration")
def _gdpr(farm: Farm, p: Params, user: User | None) -> Any:
    assert user is not None
    session = farm.sessions[p.text("session") or ""]
    if p.has("cancel"):
        session.gdpr_needed = False
        return {"session": session.token, "email": user.email}
    if (p.text("gdpr1") or "").lower() != "on":
        raise SimError("gdpr1 must be 'on' to register", 400)
    session.gdpr_needed = False
    return {"session": session.token, "email": user.email}


# --- files and projects -----------------------------------------------------------------------


@handles("get_projects")
def _projects(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    return [
        {"id": pr.id, "name": pr.name, "color": pr.color} for pr in farm.projects.values() if pr.owner_id == user.id
    ]


def slicer_settings(farm: Farm, file: File) -> dict[str, Any]:
    return {
        "printer_type_id": str(file.printer_type_id or 50),
        "layer_height": str(file.layer_height),
        "wall_thickness": "0.8",
        "nozzle_size": "0.4",
        "filament_diameter": "1.75",
        "filament_flow": "100",
        "print_speed": "50",
        "infill_speed": "50",
        "travel_speed": "150",
        "fan_enabled": "1",
        "fan_speed": "100",
        "support": "Everywhere" if file.supports else "None",
        "support_type": "Lines",
        "support_angle": "60",
        "retraction_enable": "1",
        "retraction_amount": "4.5",
        "fill_density": "15",
        "platform_adhesion": "Raft" if file.raft else "None",
        "print_bed_temperature": str(int(file.bed_temp)),
        "print_temperature": str(int(file.nozzle_temp)),
        "extruderOffset[1": "0",
        "f_material": file.material,
        "file_id": str(file.id),
        "state": 3,
        "slicer_app_id": 3,
    }


@handles("get_slicer_settings_for_gcode")
def _slicer(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    file = farm.file_for(user, p.req_int("file_id"))
    if not file.is_gcode:
        raise SimError("File is not a G-code file", 400)
    return slicer_settings(farm, file)


@handles("file_update")
def _file_update(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    updates = p.data.get("updates")
    if isinstance(updates, str):
        try:
            updates = json.loads(updates)
        except ValueError:
            raise SimError("Parameter updates is not valid JSON", 400) from None
    if not isinstance(updates, dict) or not updates:
        raise SimError("Parameter updates is required", 400)
    planned = []
    for key, fields in updates.items():
        try:
            file_id = int(key)
        except ValueError:
            raise SimError(f"Bad file id {key!r} in updates", 400) from None
        file = farm.file_for(user, file_id)
        if not isinstance(fields, dict) or "ptype" not in fields:
            raise SimError(f"updates[{file_id}][ptype] is required", 400)
        try:
            ptype = int(fields["ptype"])
        except (TypeError, ValueError):
            raise SimError(f"updates[{file_id}][ptype] must be an integer", 400) from None
        if ptype not in farm.printer_types:
            raise SimError(f"Unknown printer type {ptype}", 400)
        planned.append((file, ptype, fields))
    for file, ptype, fields in planned:
        file.printer_type_id = ptype
        if fields.get("gtype"):
            file.gtype = str(fields["gtype"])
        if "zip" in fields:
            file.zip = str(fields["zip"]).lower() in ("true", "1")
    return []


# --- printers -----------------------------------------------------------------------------------


def printer_json(farm: Farm, printer: Any) -> dict[str, Any]:
    ptype = farm.printer_types[printer.type_id]
    online = printer.online
    return {
        "id": printer.id,
        "name": printer.name,
        "type": ptype.description,
        "snr": printer.snr,
        "host_num": printer.host_num,
        "local_ip": printer.local_ip,
        "workgroups": printer.workgroup_ids or None,
        "state": printer.state,
        "temps": list(printer.temps) if online else None,
        "target_temps": list(printer.targets) if online else None,
        "percent": round(printer.percent, 1) if online else 0,
    }


@handles("get_organization_printers_list")
def _org_printers(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    printer_id, workgroup_id = p.int("printer_id"), p.int("workgroup_id")
    if printer_id is not None:
        return [printer_json(farm, farm.printer_for(user, printer_id))]
    printers = farm.visible_printers(user)
    if workgroup_id is not None:
        if workgroup_id not in farm.workgroups:
            raise SimError(f"Workgroup {workgroup_id} not found", 404)
        printers = [pr for pr in printers if workgroup_id in pr.workgroup_ids]
    return [printer_json(farm, pr) for pr in printers]


@handles("get_printers_list")
def _printers_list(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    ids = p.data.get("printer_id")
    wanted: set[int] | None = None
    if ids not in (None, "", []):
        try:
            wanted = {int(v) for v in (ids if isinstance(ids, list) else [ids])}
        except (TypeError, ValueError):
            raise SimError("Parameter printer_id must be an integer or a list of integers", 400) from None
    short = p.text("printer_type")
    out = []
    for printer in farm.visible_printers(user):
        ptype = farm.printer_types[printer.type_id]
        if (wanted is not None and printer.id not in wanted) or (short and ptype.short != short):
            continue
        filaments = [
            {"extruder": i, "material": "PLA", "diameter": ptype.filament_diameter} for i in range(ptype.extruders)
        ]
        out.append(
            {
                "id": str(printer.id),
                "name": printer.name,
                "type": ptype.short,
                "printer_type_id": str(ptype.id),
                "state": printer.state,
                "filaments": json.dumps(filaments),
            }
        )
    return out


@handles("get_printer_types")
def _types(farm: Farm, p: Params, user: User | None) -> Any:
    return [{"id": t.id, "description": t.description} for t in farm.printer_types.values()]


@handles("get_printer_types_detailed")
def _types_detailed(farm: Farm, p: Params, user: User | None) -> Any:
    return [
        {
            "id": t.id,
            "description": t.description,
            "printer_parameters": json.dumps(
                {
                    "x": str(t.volume[0]),
                    "y": str(t.volume[1]),
                    "z": str(t.volume[2]),
                    "filament_diameter": str(t.filament_diameter),
                    "offset_x": "0",
                    "offset_y": str(t.volume[1]),
                    "extruders": str(t.extruders),
                    "heated_bed": "t" if t.heated_bed else "f",
                }
            ),
        }
        for t in farm.printer_types.values()
    ]


@handles("get_printer_shares")
def _shares(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    printer = farm.printer_for(user, p.req_int("printer_id"))
    return [
        {
            "id": s.id,
            "email": farm.users[s.user_id].email,
            "number_of_prints": s.number_of_prints,
            "printer_ownership_id": s.ownership_id,
            "role_id": s.role_id,
        }
        for s in farm.shares.values()
        if s.printer_id == printer.id
    ]


@handles("share_printer")
def _share(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    farm.require_admin(user)
    printer = farm.printer_for(user, p.req_int("printer_id"))
    role = p.req_int("role_id")
    if role not in (2, 5):
        raise SimError("role_id must be 2 (can print) or 5 (can queue)", 400)
    email = (p.text("user_email") or "").strip().lower()
    target = next((u for u in farm.users.values() if u.email.lower() == email), None)
    if target is None:
        raise SimError(f"No user with email {email}", 404)
    share = Share(farm.next_id("share", 900), printer.id, target.id, role, p.int("number_of_prints"))
    farm.shares[share.id] = share
    return {"id": share.id}


@handles("unshare_printer")
def _unshare(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    farm.require_admin(user)
    share_id = p.req_int("share_id")
    if farm.shares.pop(share_id, None) is None:
        raise SimError(f"Share {share_id} not found", 404)
    return []


@handles("add_printer_by_registration_code")
def _add_printer(farm: Farm, p: Params, user: User | None) -> Any:
    from .generate import _printer

    code = (p.text("registration_code") or "").strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{6,12}", code):
        raise SimError("Invalid registration code", 400)
    if any(pr.registration_code == code for pr in farm.printers.values()):
        raise SimError("Registration code already used", 409)
    ptype = farm.printer_types[81] if 81 in farm.printer_types else next(iter(farm.printer_types.values()))
    printer = _printer(farm, f"New-Printer-{code[:4]}", ptype, [])
    printer.registration_code = code
    return {"printer_id": printer.id}


@handles("get_camera_list_token")
def _camera(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    printer_id = p.int("printer_id")
    if printer_id is not None:
        farm.printer_for(user, printer_id)
    return {"token": f"cam-{farm.rng.getrandbits(64):016x}", "webcam_id": 0, "rotate": False}


@handles("printer_clear_build_tray")
def _clear_tray(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    farm.clear_build_tray(user, p.req_int("printer_id"), p.bool("is_clear", True))
    return "Ok"


# --- jobs ---------------------------------------------------------------------------------------


def job_json(farm: Farm, job: Job) -> dict[str, Any]:
    return {
        "id": str(job.id),
        "status_id": str(job.status_id),
        "filename": farm.files[job.file_id].name,
        "datetime": cloud_time(job.created),
        "email": farm.users[job.user_id].email,
    }


def parse_prev_time(value: str | None) -> datetime | int | None:
    """0 or nothing: all jobs. Our own token `time#change`: the change number. Else a Unix time or a datetime."""
    if value is None or value.strip() in ("", "0"):
        return None
    text = value.strip()
    if "#" in text:
        try:
            return int(text.rsplit("#", 1)[1])
        except ValueError:
            raise SimError("Parameter prev_time is not a token this cloud gave", 400) from None
    try:
        return datetime.fromtimestamp(float(text), tz=UTC)
    except (ValueError, OverflowError, OSError):
        pass
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise SimError("Parameter prev_time must be 0, a time token or a datetime", 400) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@handles("get_printer_jobs")
def _printer_jobs(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    printer = farm.printer_for(user, p.req_int("printer_id"))
    limit = p.int("limit", 20)
    offset = p.int("offset", 0)
    if limit is None or limit < 0 or offset is None or offset < 0:
        raise SimError("limit and offset must not be negative", 400)
    since = parse_prev_time(p.text("prev_time"))
    now = farm.now()
    jobs = [farm.jobs[j] for j in farm.jobs_by_printer.get(printer.id, [])]
    if p.bool("is_actual", False):
        window = timedelta(hours=farm.settings.ended_window_hours)
        jobs = [j for j in jobs if JobStatus.from_id(j.status_id).is_active or (j.ended and now - j.ended <= window)]
    if isinstance(since, int):
        jobs = [j for j in jobs if j.seq > since]
    elif since is not None:
        jobs = [j for j in jobs if j.updated >= since]
    jobs.sort(key=lambda j: j.id, reverse=True)
    return [job_json(farm, j) for j in jobs[offset : offset + limit]]


@handles("get_job_info")
def _job_info(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    job = farm.job_for(user, p.req_int("job_id"))
    file = farm.files[job.file_id]
    printer = farm.printers[job.printer_id]
    ptype = farm.printer_types[printer.type_id]
    extruders = {"R": int(file.nozzle_temp), "L": 0} if ptype.extruders == 2 else {"R": int(file.nozzle_temp)}
    ended = job.status_id in (JobStatus.FINISHED, JobStatus.FAILED, JobStatus.ABORTED)
    return {
        "id": str(job.id),
        "status_id": str(job.status_id),
        "datetime": cloud_time(job.created),
        "printer_id": str(job.printer_id),
        "print_time": str(int(job.elapsed)) if ended or job.elapsed else "0",
        "gif_image": f"{file.picture[:-4]}.gif" if job.status_id == JobStatus.FINISHED else None,
        "picture": file.picture,
        "notes": job.notes,
        "file_id": str(file.id),
        "filename": file.name,
        "file_size": str(file.size),
        "printing_duration": str(file.duration),
        "material_type": file.material,
        "layer_height": str(file.layer_height),
        "color_numbers": str(ptype.extruders),
        "extruders": json.dumps(extruders),
        "weight": str(file.weight),
        "heated_bed": flag(ptype.heated_bed),
        "heated_bed_temperature": str(int(file.bed_temp)) if ptype.heated_bed else "0",
        "raft": flag(file.raft),
        "supports": flag(file.supports),
        "file_cost": str(file.cost) if file.cost is not None else None,
        "cost": str(round(file.cost * (job.elapsed / max(1, file.duration)), 2)) if file.cost and ended else None,
        "email": farm.users[job.user_id].email,
    }


@handles("print_file")
def _print_file(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    job = farm.print_file(user, p.req_int("file_id"), p.req_int("printer_id"), p.bool("only_queue", False))
    return {"job_id": str(job.id)}


@handles("slice")
def _slice(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    file = farm.file_for(user, p.req_int("file_id"))
    slicer_id = p.int("slicer_id", 61)
    if slicer_id not in (3, 48, 60, 51, 61, 62):
        raise SimError(f"Unknown slicer_id {slicer_id}", 400)
    try:
        profile = json.loads(p.text("profile") or "")
    except ValueError:
        raise SimError("Parameter profile must be a JSON object", 400) from None
    if not isinstance(profile, dict):
        raise SimError("Parameter profile must be a JSON object", 400)
    from .generate import add_file

    layer = float(profile.get("layer_height", 0.2) or 0.2)
    sliced = add_file(
        farm,
        user,
        Path(file.name).stem + ".gcode",
        file.duration or 3600,
        file.weight or 10,
        str(profile.get("material", "PLA")),
        layer,
        float(profile.get("print_temperature", 210)),
        float(profile.get("print_bed_temperature", 60)),
    )
    printer_id = p.int("add_print_job_to_printer_id")
    if printer_id is not None:
        farm.print_file(user, sliced.id, printer_id, only_queue=not p.bool("start_print_job", False))
    return {
        "job_id": f"appeng-{farm.rng.getrandbits(64):016x}",
        "job_waiting": False,
        "running_jobs_limit": 3,
        "output_file_id": sliced.id,
    }


def _job_action(action: str) -> Handler:
    def handler(farm: Farm, p: Params, user: User | None) -> Any:
        assert user
        getattr(farm, action)(user, p.req_int("job_id"))
        return "Ok"

    return handler


for _name in ("job_start", "job_pause", "job_unpause", "job_cancel"):
    handles(_name)(_job_action(_name))


# --- workgroups, users, reports -----------------------------------------------------------------


@handles("get_workgroups_simple_list")
def _workgroups(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    return [
        {"id": w.id, "name": w.name, "rights": w.rights}
        for w in farm.workgroups.values()
        if user.is_admin or user.id in w.user_ids
    ]


def _workgroup(farm: Farm, p: Params) -> Any:
    wg = farm.workgroups.get(p.req_int("workgroup_id"))
    if wg is None:
        raise SimError("Workgroup not found", 404)
    return wg


@handles("get_workgroup_users")
def _wg_users(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    wg = _workgroup(farm, p)
    if not user.is_admin and user.id not in wg.user_ids:
        raise SimError("Permission denied", 403)
    return [
        {"id": str(u.id), "email": u.email, "name": u.name, "monthly_quota": u.monthly_quota, "balance": u.balance}
        for u in (farm.users[i] for i in sorted(wg.user_ids))
    ]


@handles("add_user_to_workgroup")
def _wg_add(farm: Farm, p: Params, user: User | None) -> Any:
    wg = _workgroup(farm, p)
    email = (p.text("email") or "").strip().lower()
    target = next((u for u in farm.users.values() if u.email.lower() == email), None)
    if target is None:
        raise SimError(f"No user with email {email}", 404)
    wg.user_ids.add(target.id)
    return {"user_id": target.id}


@handles("delete_user_from_workgroup")
def _wg_delete(farm: Farm, p: Params, user: User | None) -> Any:
    wg = _workgroup(farm, p)
    user_id = p.req_int("user_id")
    if user_id not in wg.user_ids:
        raise SimError("User is not in this workgroup", 404)
    wg.user_ids.discard(user_id)
    return []


@handles("create_organization_user")
def _create_user(farm: Farm, p: Params, user: User | None) -> Any:
    email = (p.text("email") or "").strip()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise SimError("Parameter email is not a valid email address", 400)
    if any(u.email.lower() == email.lower() for u in farm.users.values()):
        raise SimError("User with this email already exists", 409)
    gdpr = p.req_int("gdpr")
    if gdpr not in (1, 3):
        raise SimError("Parameter gdpr must be 1 or 3", 400)
    role = p.int("access_role", 0)
    if role not in (0, 1, 2):
        raise SimError("access_role must be 0, 1 or 2", 400)
    new = User(
        farm.next_id("user"),
        email,
        "",
        p.text("firstname", "") or "",
        p.text("lastname", "") or "",
        access_role=role or 0,
        company=p.text("company", "") or "",
    )
    farm.users[new.id] = new
    project_id = farm.next_id("project")
    farm.projects[project_id] = Project(project_id, new.id, "Default", "#2e86de")
    return {}


@handles("update_user_settings")
def _user_settings(farm: Farm, p: Params, user: User | None) -> Any:
    target = farm.users.get(p.req_int("user_id"))
    if target is None:
        raise SimError("User not found", 404)
    if p.has("balance"):
        target.balance = float(p.req_int("balance"))
    if p.has("quota"):
        target.monthly_quota = p.req_int("quota")
    return "Ok"


def _report_range(farm: Farm, p: Params) -> tuple[date, date]:
    today = farm.now().date()
    start = p.date("from", today - timedelta(days=31))
    end = p.date("to", today)
    if end < start:
        raise SimError("Parameter 'to' is before 'from'", 400)
    if (end - start).days > 365:
        raise SimError("Max range for from-to is 365 days", 400)
    return start, end


def _ended_jobs(farm: Farm, start: date, end: date, statuses: set[int]) -> list[Job]:
    jobs = [j for j in farm.jobs.values() if j.status_id in statuses and j.ended and start <= j.ended.date() <= end]
    return sorted(jobs, key=lambda j: (j.ended, j.id))


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


@handles("get_finished_jobs_report")
def _finished_report(farm: Farm, p: Params, user: User | None) -> Any:
    start, end = _report_range(farm, p)
    return [
        {
            "email": farm.users[j.user_id].email,
            "firstname": farm.users[j.user_id].firstname,
            "lastname": farm.users[j.user_id].lastname,
            "filename": farm.files[j.file_id].name,
            "endtime": cloud_time(j.ended),
        }
        for j in _ended_jobs(farm, start, end, {JobStatus.FINISHED})
    ]


@handles("get_custom_report")
def _custom_report(farm: Farm, p: Params, user: User | None) -> Any:
    start, end = _report_range(farm, p)
    kind = (p.text("type") or "csv").lower()
    if kind not in ("csv", "json"):
        raise SimError("Parameter type must be json or CSV", 400)
    known = {key: (title, typ) for key, title, typ in REPORT_FIELDS}
    if p.bool("all_fields", False):
        keys = [key for key, _, _ in REPORT_FIELDS]
    elif p.has("fields"):
        keys = [k.strip() for k in (p.text("fields") or "").split(",") if k.strip()]
        unknown = [k for k in keys if k not in known]
        if unknown:
            raise SimError(f"Unknown report fields: {', '.join(unknown)}", 400)
    else:
        keys = DEFAULT_REPORT_FIELDS
    with_wg = p.bool("workgroups", False)
    header = [known[k][0] for k in keys] + (["Workgroup IDs", "Workgroup Names"] if with_wg else [])
    types = [known[k][1] for k in keys] + (["int,int,...", "text,text,..."] if with_wg else [])
    rows = []
    status_names = {43: "Failed", 45: "Aborted", 77: "Finished"}
    for job in _ended_jobs(farm, start, end, {43, 45, 77}):
        file, printer, owner = farm.files[job.file_id], farm.printers[job.printer_id], farm.users[job.user_id]
        starter = farm.users.get(job.started_by or job.user_id, owner)
        values = {
            "job_id": job.id,
            "printer_id": printer.id,
            "printer_name": printer.name,
            "printer_type": farm.printer_types[printer.type_id].description,
            "file_id": file.id,
            "file_name": file.name,
            "print_date": cloud_time(job.started or job.created),
            "email": owner.email,
            "fname": owner.firstname,
            "lname": owner.lastname,
            "filament": round(file.weight * min(1.0, job.elapsed / max(1, file.duration)), 2),
            "cost": file.cost,
            "status": status_names[job.status_id],
            "print_time": _duration(file.duration),
            "real_print_time": _duration(job.elapsed),
            "cancel_reason": job.cancel_reason,
            "cancel_details": "",
            "started_by_email": starter.email,
            "feedback": "",
        }
        row = [values[k] for k in keys]
        if with_wg:
            names = [farm.workgroups[w].name for w in printer.workgroup_ids if w in farm.workgroups]
            row += [",".join(str(w) for w in printer.workgroup_ids), ",".join(names)]
        rows.append(row)
    if kind == "json":
        return [header, types, *rows]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return Response(
        buffer.getvalue(), media_type="text/csv", headers={"Content-Disposition": "attachment; filename=report.csv"}
    )


# --- upload (multipart) -------------------------------------------------------------------------


async def _upload(farm: Farm, request: Request, form: Any, user: User, storage: Path) -> dict[str, Any]:
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise SimError("Parameter file is required", 400)
    name = Path(upload.filename).name
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_TYPES:
        raise SimError(f"File type {suffix or '(none)'} is not supported", 415)
    limit = farm.settings.max_upload_bytes
    target = storage / f"{len(farm.files) + 1:06d}-{re.sub(r'[^A-Za-z0-9._-]', '_', name)}"
    size = 0
    head = b""
    with target.open("wb") as out:
        while chunk := await upload.read(256 * 1024):
            if not head:
                head = chunk[:4096]
            size += len(chunk)
            if size > limit:
                out.close()
                target.unlink(missing_ok=True)
                raise SimError(f"File is larger than {limit // (1024 * 1024)} MiB", 413)
            out.write(chunk)
    if size == 0:
        target.unlink(missing_ok=True)
        raise SimError("File is empty", 400)
    is_gcode = suffix in GCODE_TYPES
    if suffix in (".gcode", ".gco", ".g") and b"\x00" in head:
        target.unlink(missing_ok=True)
        raise SimError("File does not look like G-code", 415)
    project_id = form.get("project_id")
    project = None
    with farm.lock:
        if project_id not in (None, "", "null"):
            try:
                project = farm.projects.get(int(str(project_id)))
            except ValueError:
                raise SimError("Parameter project_id must be an integer", 400) from None
            if project is None or project.owner_id != user.id:
                raise SimError(f"Project {project_id} not found", 404)
        elif form.get("project_name"):
            pname = str(form.get("project_name"))
            project = next((pr for pr in farm.projects.values() if pr.owner_id == user.id and pr.name == pname), None)
            if project is None:
                project = Project(farm.next_id("project"), user.id, pname, str(form.get("project_color") or "#2e86de"))
                farm.projects[project.id] = project
        else:
            project = next((pr for pr in farm.projects.values() if pr.owner_id == user.id), None)
        from .generate import add_file

        text = head.decode("utf-8", "replace")
        layer = float(m.group(1)) if (m := re.search(r"layer_height\s*[=:]\s*([0-9.]+)", text)) else 0.2
        file = add_file(farm, user, name, 3600, max(1.0, size / 9000), "PLA", layer, 210, 60)
        file.size, file.project_id, file.is_gcode = size, project.id if project else None, is_gcode
    return {
        "file_id": file.id,
        "show_select_printers": is_gcode,
        "project_id": file.project_id,
        "slicer": "" if is_gcode else "Slicer 5",
    }


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
        farm = holder["farm"]
        try:
            if call == "upload":
                length = int(request.headers.get("content-length") or 0)
                if length > farm.settings.max_upload_bytes + 64 * 1024:
                    raise SimError(f"File is larger than {farm.settings.max_upload_bytes // (1024 * 1024)} MiB", 413)
                async with request.form(max_files=1, max_fields=20) as form:
                    with farm.lock:
                        farm.advance()
                        user = farm.user_for(str(form.get("session") or ""))
                    payload = await _upload(farm, request, form, user, storage)
            else:
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
        except Exception:  # a bug in the simulator must still answer in the doc's shape
            log.exception("simulated cloud failed on %s", call)
            return fail("Internal error in the simulated cloud", 500)
        if isinstance(payload, Response):
            return payload
        if fault == "malformed_json":
            body = json.dumps({"result": True, "message": payload})
            return Response(body[: max(1, len(body) // 2)], media_type="application/json")
        if call == "get_slicer_settings_for_gcode":
            return JSONResponse({"success": True, "result": payload})
        body: dict[str, Any] = {"result": True, "message": payload}
        if call == "get_printer_jobs":
            body["time"] = farm.change_token()
        return JSONResponse(body)

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

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        yield
        shutil.rmtree(storage, ignore_errors=True)

    app = Starlette(
        lifespan=lifespan,
        routes=[
            Route("/apiglobal/{call:path}", api_call, methods=["POST", "GET"]),
            Route("/sim/faults", sim_faults, methods=["GET", "POST"]),
            Route("/sim/clock", sim_clock, methods=["GET", "POST"]),
            Route("/sim/state", sim_state, methods=["GET"]),
        ],
    )
    app.state.holder = holder
    app.state.calls = calls
    app.state.faults = faults
    app.state.storage = storage
    return app


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
