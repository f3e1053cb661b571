"""The simulated cloud's file calls: projects, slicer settings, file updates, the multipart upload,
and the two admin reports (finished jobs, custom report)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from ..models import JobStatus
from . import realistic
from .envelope import Params, cloud_time, handles
from .farm import Farm, SimError
from .generate import add_file
from .realistic import ident
from .records import File, Job, Project, User

UPLOAD_TYPES = {".gcode", ".gco", ".g", ".stl", ".3mf", ".obj", ".zip", ".makerbot", ".x3g", ".ufp", ".form"}
MAX_FILE_NAME = 255
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
# Realistic mode: columns public callers see beyond the doc's, with type words outside its list.
REALISTIC_REPORT_FIELDS = [
    ("started_date", "Started Date/Time", "datetime"),
    ("layer_height", "Layer Height", "decimal"),
    ("nozzle_temp", "Nozzle Temperature", "number"),
    ("material", "Material", "string"),
]
REALISTIC_STATUS_WORDS = {43: "FAILED", 45: "CANCELLED_WEB", 77: "DONE"}
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

# --- files and projects -----------------------------------------------------------------------


@handles("get_projects")
def _projects(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    return [
        {"id": ident(farm, pr.id), "name": pr.name, "color": pr.color}
        for pr in farm.projects.values()
        if pr.owner_id == user.id
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
    fields = REPORT_FIELDS + (REALISTIC_REPORT_FIELDS if realistic.on(farm) else [])
    known = {key: (title, typ) for key, title, typ in fields}
    if p.bool("all_fields", False):
        keys = [key for key, _, _ in fields]
    elif p.has("fields"):
        keys = [k.strip() for k in (p.text("fields") or "").split(",") if k.strip()]
        unknown = [k for k in keys if k not in known]
        if unknown:
            raise SimError(f"Unknown report fields: {', '.join(unknown)}", 400)
    else:
        keys = DEFAULT_REPORT_FIELDS
        if realistic.on(farm):  # public callers see `Started Date/Time` next to the doc's `Print Date/Time`
            at = keys.index("print_date") + 1
            keys = [*keys[:at], "started_date", *keys[at:]]
    with_wg = p.bool("workgroups", False)
    header = [known[k][0] for k in keys] + (["Workgroup IDs", "Workgroup Names"] if with_wg else [])
    types = [known[k][1] for k in keys] + (["int,int,...", "text,text,..."] if with_wg else [])
    rows = []
    status_names = REALISTIC_STATUS_WORDS if realistic.on(farm) else {43: "Failed", 45: "Aborted", 77: "Finished"}
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
            "started_date": cloud_time(job.started),
            "layer_height": file.layer_height,
            "nozzle_temp": int(file.nozzle_temp),
            "material": file.material,
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


async def upload(farm: Farm, request: Request, form: Any, user: User, storage: Path) -> dict[str, Any]:
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise SimError("Parameter file is required", 400)
    name = Path(upload.filename).name
    if len(name) > MAX_FILE_NAME:
        raise SimError(f"File name is longer than {MAX_FILE_NAME} characters", 400)
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_TYPES:
        raise SimError(f"File type {suffix or '(none)'} is not supported", 415)
    limit = farm.settings.max_upload_bytes
    target = storage / f"{len(farm.files) + 1:06d}-{re.sub(r'[^A-Za-z0-9._-]', '_', name)[-100:]}"
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

        text = head.decode("utf-8", "replace")
        layer = float(m.group(1)) if (m := re.search(r"layer_height\s*[=:]\s*([0-9.]+)", text)) else 0.2
        file = add_file(farm, user, name, 3600, max(1.0, size / 9000), "PLA", layer, 210, 60)
        file.size, file.project_id, file.is_gcode = size, project.id if project else None, is_gcode
    return {
        "file_id": ident(farm, file.id),
        "show_select_printers": is_gcode,
        "project_id": ident(farm, file.project_id),
        "slicer": "" if is_gcode else "Slicer 5",
    }
