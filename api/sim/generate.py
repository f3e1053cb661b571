"""Build a farm: a generated lab of N printers, or one described in a TOML farm file."""

from __future__ import annotations

import hashlib
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..models import JobStatus
from .clock import SimClock
from .farm import Farm, FarmSettings, failure_reason
from .records import File, Printer, PrinterType, Project, Share, User, Workgroup

DEMO_USERNAME = "admin@example.com"
DEMO_PASSWORD = "demo"

# (id, description, short name, extruders, heated bed, volume, filament diameter, name stem)
PRINTER_TYPES = [
    (50, "Ultimaker 2+", "ULTIMAKER_2_PLUS", 1, True, (223, 223, 205), 2.85, "UM2"),
    (67, "Ultimaker S5", "ULTIMAKER_S5", 2, True, (330, 240, 300), 2.85, "UMS5"),
    (81, "Prusa i3 MK4", "PRUSA_MK4", 1, True, (250, 210, 220), 1.75, "MK4"),
    (82, "Prusa MINI+", "PRUSA_MINI", 1, True, (180, 180, 180), 1.75, "MINI"),
    (90, "Creality Ender-3 V2", "ENDER_3_V2", 1, True, (220, 220, 250), 1.75, "Ender3"),
    (96, "Bambu Lab X1 Carbon", "BAMBU_X1C", 1, True, (256, 256, 256), 1.75, "X1C"),
    (104, "Raise3D Pro2", "RAISE3D_PRO2", 2, True, (305, 305, 300), 1.75, "Pro2"),
    (33, "MakerBot Replicator 2", "K_PORTRAIT", 1, False, (285, 153, 155), 1.75, "Rep2"),
    (41, "Ultimaker 2 Go", "ULTIMAKER_2_GO", 1, False, (120, 120, 115), 2.85, "UM2Go"),
]

FILES = [
    # name, duration s, grams, material, layer, nozzle, bed, supports, raft
    ("3DBenchy.gcode", 2 * 3600 + 35 * 60, 13.8, "PLA", 0.2, 210, 60, False, False),
    ("gear_housing_v3.gcode", 5 * 3600 + 10 * 60, 61.2, "PETG", 0.2, 240, 80, True, False),
    ("micro_sim_adapter.gcode", 100 * 60, 3.1, "ABS", 0.15, 230, 110, False, False),
    ("bracket_M5_x4.gcode", 3 * 3600 + 5 * 60, 42.0, "PLA", 0.2, 205, 60, False, False),
    ("cable_clip_set.gcode", 48 * 60, 6.4, "PLA", 0.28, 215, 60, False, False),
    ("sample_holder_rack.gcode", 7 * 3600 + 40 * 60, 118.5, "PLA", 0.2, 210, 60, True, False),
    ("drone_arm_left.gcode", 4 * 3600 + 20 * 60, 37.9, "PETG", 0.16, 235, 80, True, True),
    ("calibration_cube_20mm.gcode", 27 * 60, 8.2, "PLA", 0.2, 210, 60, False, False),
    ("pipette_stand.gcode", 6 * 3600, 96.0, "ABS", 0.25, 240, 100, False, True),
    ("knob_24mm.gcode", 55 * 60, 7.7, "PLA", 0.12, 210, 60, False, False),
    ("enclosure_lid.gcode", 9 * 3600 + 15 * 60, 152.3, "ASA", 0.28, 250, 100, False, False),
    ("phone_stand_v2.gcode", 2 * 3600 + 5 * 60, 28.4, "PLA", 0.2, 205, 60, False, False),
]

MEMBERS = [
    ("alice.nguyen@example.com", "Alice", "Nguyen"),
    ("bob.kowalski@example.com", "Bob", "Kowalski"),
    ("carla.mendes@example.com", "Carla", "Mendes"),
    ("dev.patel@example.com", "Dev", "Patel"),
]

WORKGROUPS = [("Engineering", 2), ("Student Lab", 3), ("Research", 2)]

# Share of printers in each state when the farm is generated (the rest start ready).
INITIAL_STATES = [
    ("printing", 0.46),
    ("paused", 0.04),
    ("bed_not_clear", 0.10),
    ("error", 0.04),
    ("notconnected", 0.06),
    ("downloading", 0.02),
]


def _base_org(farm: Farm) -> None:
    farm.org_name = "Demo Makerspace"
    admin = User(farm.next_id("user", 100), DEMO_USERNAME, DEMO_PASSWORD, "Ada", "Admin", access_role=1)
    farm.users[admin.id] = admin
    for email, first, last in MEMBERS:
        user = User(farm.next_id("user", 100), email, DEMO_PASSWORD, first, last, balance=25.0, monthly_quota=40)
        farm.users[user.id] = user
    members = [u for u in farm.users.values() if not u.is_admin]
    for index, (name, rights) in enumerate(WORKGROUPS):
        wg = Workgroup(farm.next_id("workgroup", 10), name, rights)
        wg.user_ids = {u.id for i, u in enumerate(members) if i % len(WORKGROUPS) == index}
        farm.workgroups[wg.id] = wg
    for type_id, desc, short, extruders, bed, volume, diameter, _stem in PRINTER_TYPES:
        farm.printer_types[type_id] = PrinterType(type_id, desc, short, extruders, bed, volume, diameter)
    colors = ["#2e86de", "#10ac84", "#ee5253", "#ff9f43"]
    for user in farm.users.values():
        project = Project(
            farm.next_id("project", 1),
            user.id,
            "Lab prints" if user.is_admin else f"{user.firstname}'s parts",
            colors[user.id % 4],
        )
        farm.projects[project.id] = project


def add_file(
    farm: Farm,
    owner: User,
    name: str,
    duration: int,
    grams: float,
    material: str,
    layer: float,
    nozzle: float,
    bed: float,
    supports: bool = False,
    raft: bool = False,
    printer_type_id: int | None = None,
) -> File:
    project = next((p for p in farm.projects.values() if p.owner_id == owner.id), None)
    file = File(
        id=farm.next_id("file", 58600),
        name=name,
        size=int(grams * 9000) + 12000,
        owner_id=owner.id,
        project_id=project.id if project else None,
        printer_type_id=printer_type_id,
        duration=duration,
        weight=grams,
        material=material,
        layer_height=layer,
        nozzle_temp=nozzle,
        bed_temp=bed,
        supports=supports,
        raft=raft,
        picture=hashlib.sha256(f"{name}:{owner.id}".encode()).hexdigest() + ".png",
        cost=round(grams * 0.05, 2),
    )
    farm.files[file.id] = file
    return file


def new_printer(farm: Farm, name: str, ptype: PrinterType, workgroup_ids: list[int]) -> Printer:
    rng = farm.rng
    pid = farm.next_id("printer", 24050)
    printer = Printer(
        id=pid,
        name=name,
        type_id=ptype.id,
        snr=f"SN{rng.randrange(10**9, 10**10)}",
        host_num=f"{rng.randrange(16**8):08X}",
        local_ip=f"192.168.{rng.randrange(1, 20)}.{rng.randrange(2, 250)}",
        workgroup_ids=workgroup_ids,
        registration_code="",
    )
    printer.temps = [22.0 if ptype.heated_bed else 0.0] + [22.0] * ptype.extruders
    printer.targets = [0.0] * (ptype.extruders + 1)
    farm.printers[pid] = printer
    return printer


def _history(farm: Farm, printer: Printer, files: list[File], users: list[User], count: int) -> None:
    """Past jobs over the last days, for the queue screen and the reports."""
    rng = farm.rng
    now = farm.now()
    when = now - timedelta(days=rng.uniform(3, 20))
    for _ in range(count):
        file = rng.choice(files)
        user = rng.choice(users)
        job = farm._new_job(printer, file, user, when, autostart=False)
        roll = rng.random()
        status = JobStatus.FINISHED if roll < 0.8 else JobStatus.ABORTED if roll < 0.9 else JobStatus.FAILED
        job.started = when + timedelta(minutes=rng.uniform(1, 30))
        job.elapsed = file.duration if status == JobStatus.FINISHED else file.duration * rng.uniform(0.05, 0.9)
        job.ended = job.started + timedelta(seconds=job.elapsed)
        job.status_id = status
        job.updated = job.ended
        job.started_by = user.id
        if status == JobStatus.ABORTED:
            job.cancel_reason = "Cancelled by user"
        elif status == JobStatus.FAILED:
            job.cancel_reason = failure_reason(job.id)
        when = job.ended + timedelta(minutes=rng.uniform(10, 600))
        if when >= now - timedelta(minutes=30):
            break


FARM_FILE_STATES = ("ready", "printing", "paused", "downloading", "bed_not_clear", "error", "notconnected")


def _initial_state(
    farm: Farm, printer: Printer, state: str, files: list[File], users: list[User], *, extra_queue: bool = True
) -> None:
    rng = farm.rng
    now = farm.now()
    ptype = farm.printer_types[printer.type_id]
    if state in ("printing", "paused", "downloading"):
        file = rng.choice(files)
        user = rng.choice(users)
        job = farm._new_job(printer, file, user, now - timedelta(seconds=file.duration), autostart=True)
        farm._start_job(printer, job, now)
        progress = rng.uniform(0.02, 0.97)
        job.elapsed = file.duration * progress
        job.started = now - timedelta(seconds=job.elapsed + 120)
        job.created = job.updated = job.started - timedelta(minutes=rng.uniform(1, 90))
        printer.state = state
        printer.percent = round(100 * progress, 1) if state != "downloading" else 40.0
        printer.download_left = farm.settings.download_seconds * 0.6
        printer.temps = (
            [(file.bed_temp if ptype.heated_bed else 0.0)] + [file.nozzle_temp] + [22.0] * (ptype.extruders - 1)
        )
    elif state == "bed_not_clear":
        printer.state, printer.tray_clear, printer.percent = "bed_not_clear", False, 100.0
        printer.temps = [40.0 if ptype.heated_bed else 0.0] + [45.0] * ptype.extruders
    elif state == "error":
        printer.state, printer.tray_clear = "error", False
    elif state == "notconnected":
        farm._go_offline(printer, now)
        printer.state_before_offline = "ready"
    if extra_queue and rng.random() < 0.3 and state != "notconnected":
        for _ in range(rng.randint(1, 3)):
            farm._new_job(
                printer,
                rng.choice(files),
                rng.choice(users),
                now - timedelta(minutes=rng.uniform(1, 240)),
                autostart=rng.random() < 0.5,
            )


def generate_farm(
    printers: int = 24, *, seed: int = 7, clock: SimClock | None = None, settings: FarmSettings | None = None
) -> Farm:
    """A realistic mixed lab: several makes and types, 1-2 extruders, some beds unheated."""
    settings = settings or FarmSettings(seed=seed)
    settings.seed = seed
    farm = Farm(clock, settings)
    rng = farm.rng
    _base_org(farm)
    admin = next(u for u in farm.users.values() if u.is_admin)
    users = list(farm.users.values())
    files = [add_file(farm, rng.choice(users), *spec) for spec in FILES]
    counters: dict[str, int] = {}
    wg_ids = list(farm.workgroups)
    states = [s for s, _ in INITIAL_STATES]
    weights = [w for _, w in INITIAL_STATES]
    weights.append(1 - sum(weights))
    states.append("ready")
    for index in range(printers):
        spec = PRINTER_TYPES[rng.randrange(len(PRINTER_TYPES))] if index >= len(PRINTER_TYPES) else PRINTER_TYPES[index]
        stem = spec[7]
        counters[stem] = counters.get(stem, 0) + 1
        ptype = farm.printer_types[spec[0]]
        workgroups = [wg_ids[index % len(wg_ids)]] + (
            [wg_ids[(index + 1) % len(wg_ids)]] if rng.random() < 0.15 else []
        )
        printer = new_printer(farm, f"{stem}-{counters[stem]:02d}", ptype, workgroups)
        _history(farm, printer, files, users, rng.randint(2, 8))
        _initial_state(farm, printer, rng.choices(states, weights)[0], files, users)
    first_member = next(u for u in users if not u.is_admin)
    if farm.printers:
        last = list(farm.printers.values())[-1]
        share = Share(farm.next_id("share", 900), last.id, first_member.id, 5, number_of_prints=10)
        farm.shares[share.id] = share
    farm.google_tokens["demo-google-token"] = admin.email
    return farm


def load_farm_file(path: str | Path, *, clock: SimClock | None = None, settings: FarmSettings | None = None) -> Farm:
    """A real lab described in TOML: `[[printers]]`, `[[users]]`, `[[workgroups]]`, `[[files]]`."""
    return farm_from_dict(tomllib.loads(Path(path).read_text(encoding="utf-8")), clock=clock, settings=settings)


def farm_from_dict(
    data: dict[str, Any], *, clock: SimClock | None = None, settings: FarmSettings | None = None
) -> Farm:
    """The farm a farm file describes (see `load_farm_file`)."""
    farm = Farm(clock, settings or FarmSettings())
    farm.org_name = data.get("organization", farm.org_name)
    for type_id, desc, short, extruders, bed, volume, diameter, _stem in PRINTER_TYPES:
        farm.printer_types[type_id] = PrinterType(type_id, desc, short, extruders, bed, volume, diameter)
    users = data.get("users") or [{"email": DEMO_USERNAME, "password": DEMO_PASSWORD, "admin": True}]
    for entry in users:
        user = User(
            farm.next_id("user", 100),
            entry["email"],
            entry.get("password", DEMO_PASSWORD),
            entry.get("firstname", ""),
            entry.get("lastname", ""),
            access_role=1 if entry.get("admin") else 0,
        )
        farm.users[user.id] = user
        project_id = farm.next_id("project")
        farm.projects[project_id] = Project(project_id, user.id, "Default", "#2e86de")
    by_email = {u.email: u for u in farm.users.values()}
    wg_by_name: dict[str, int] = {}
    for entry in data.get("workgroups", []):
        wg = Workgroup(farm.next_id("workgroup", 10), entry["name"], int(entry.get("rights", 2)))
        wg.user_ids = {by_email[e].id for e in entry.get("members", []) if e in by_email}
        farm.workgroups[wg.id] = wg
        wg_by_name[wg.name] = wg.id
    type_by_name = {t.description.lower(): t for t in farm.printer_types.values()}
    type_by_name.update({t.short.lower(): t for t in farm.printer_types.values()})
    owner = next(iter(farm.users.values()))
    files = []
    for entry in data.get("files", []):
        files.append(
            add_file(
                farm,
                by_email.get(entry.get("owner", ""), owner),
                entry["name"],
                int(entry.get("minutes", 60) * 60),
                float(entry.get("grams", 10)),
                entry.get("material", "PLA"),
                float(entry.get("layer_height", 0.2)),
                float(entry.get("nozzle", 210)),
                float(entry.get("bed", 60)),
            )
        )
    if not files:
        files = [add_file(farm, owner, *spec) for spec in FILES[:4]]
    for entry in data.get("printers", []):
        state = entry.get("state", "ready")
        if state not in FARM_FILE_STATES:  # it was taken for "ready" without a word
            raise ValueError(
                f"printer {entry.get('name')!r}: state {state!r} is not one of {', '.join(FARM_FILE_STATES)}"
            )
        ptype = type_by_name.get(str(entry.get("type", "")).lower()) or farm.printer_types[81]
        wgs = [wg_by_name[n] for n in entry.get("workgroups", []) if n in wg_by_name]
        printer = new_printer(farm, entry["name"], ptype, wgs)
        _initial_state(farm, printer, state, files, list(farm.users.values()), extra_queue=False)
        for _ in range(int(entry.get("queued", 0))):
            farm._new_job(printer, files[0], owner, farm.now(), autostart=bool(entry.get("autostart", False)))
    return farm
