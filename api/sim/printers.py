"""The simulated cloud's printer and job calls: lists, types, the job queue, job details and the
actions (print, slice, start, pause, resume, cancel, clear the build tray)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..models import JobStatus
from . import realistic
from .envelope import Handler, Params, cloud_time, flag, handles
from .farm import Farm, SimError
from .generate import add_file
from .realistic import UNREADABLE_PERCENT, anonymous, ident, nameless, seconds, unreadable_printer
from .records import Job, Printer, User

# --- printers -----------------------------------------------------------------------------------


def printer_json(farm: Farm, printer: Printer, *, unreadable: bool = False) -> dict[str, Any]:
    ptype = farm.printer_types[printer.type_id]
    online = printer.online
    no_name = nameless(farm, printer)
    return {
        "id": ident(farm, printer.id),
        "name": None if no_name else printer.name,
        "type": None if no_name else ptype.description,
        "snr": printer.snr,
        "host_num": printer.host_num,
        "local_ip": printer.local_ip,
        "workgroups": [ident(farm, w) for w in printer.workgroup_ids] or None,
        "state": printer.state,
        "temps": list(printer.temps) if online else None,
        "target_temps": list(printer.targets) if online else None,
        "percent": UNREADABLE_PERCENT if unreadable else round(printer.percent, 1) if online else 0,
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
    spoiled = unreadable_printer(farm, printers) if workgroup_id is None else None
    return [printer_json(farm, pr, unreadable=pr.id == spoiled) for pr in printers]


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
        no_name = nameless(farm, printer)
        item: dict[str, Any] = {
            "id": str(printer.id),
            "name": None if no_name else printer.name,
            "type": None if no_name else ptype.short,
            "printer_type_id": str(ptype.id),
            "state": printer.state,
            "filaments": json.dumps(realistic.filaments(farm, ptype.extruders, ptype.filament_diameter)),
        }
        if realistic.on(farm):  # public callers see these keys, not the doc's `id`/`printer_type_id`
            item = {"printer_id": item.pop("id"), "type_id": item.pop("printer_type_id"), **item}
        out.append(item)
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
    nobody = anonymous(farm, job)
    return {
        "id": str(job.id),
        "status_id": str(job.status_id),
        "filename": None if nobody else farm.files[job.file_id].name,
        "datetime": cloud_time(job.created),
        "email": None if nobody else farm.users[job.user_id].email,
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
    extruders = realistic.extruders(farm, job, file.nozzle_temp, file.weight, ptype.extruders)
    nobody = anonymous(farm, job)
    ended = job.status_id in (JobStatus.FINISHED, JobStatus.FAILED, JobStatus.ABORTED)
    return {
        "id": str(job.id),
        "status_id": str(job.status_id),
        "datetime": cloud_time(job.created),
        "printer_id": str(job.printer_id),
        "print_time": seconds(farm, job.elapsed) if ended or job.elapsed else "0",
        "gif_image": f"{file.picture[:-4]}.gif" if job.status_id == JobStatus.FINISHED else None,
        "picture": file.picture,
        "notes": job.notes,
        "file_id": str(file.id),
        "filename": None if nobody else file.name,
        "file_size": f"{float(file.size):.1f}" if realistic.on(farm) else str(file.size),
        "printing_duration": seconds(farm, file.duration, number=True),
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
        "email": None if nobody else farm.users[job.user_id].email,
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
