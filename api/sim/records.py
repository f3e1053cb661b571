"""The records a farm is made of: users, workgroups, printer types, printers, files, jobs, projects,
shares and sessions, as plain dataclasses (the rules that change them live in `Farm`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class User:
    id: int
    email: str
    password: str
    firstname: str = ""
    lastname: str = ""
    access_role: int = 0  # 0 member, 1 org admin, 2 workgroup admin
    balance: float | None = None
    monthly_quota: int | None = None
    company: str = ""

    @property
    def is_admin(self) -> bool:
        return self.access_role == 1

    @property
    def name(self) -> str:
        return f"{self.firstname} {self.lastname}".strip()


@dataclass
class Workgroup:
    id: int
    name: str
    rights: int  # 2 can print, 3 can queue
    user_ids: set[int] = field(default_factory=set)


@dataclass
class PrinterType:
    id: int
    description: str
    short: str
    extruders: int = 1
    heated_bed: bool = True
    volume: tuple[int, int, int] = (200, 200, 200)
    filament_diameter: float = 1.75


@dataclass
class Printer:
    id: int
    name: str
    type_id: int
    snr: str
    host_num: str
    local_ip: str
    workgroup_ids: list[int]
    state: str = "ready"
    temps: list[float] = field(default_factory=list)
    targets: list[float] = field(default_factory=list)
    percent: float = 0.0
    tray_clear: bool = True
    current_job_id: int | None = None
    online: bool = True
    state_before_offline: str = "ready"
    back_online_at: datetime | None = None
    download_left: float = 0.0
    registration_code: str = ""


@dataclass
class File:
    id: int
    name: str
    size: int
    owner_id: int
    project_id: int | None
    printer_type_id: int | None
    duration: int
    weight: float
    material: str
    layer_height: float
    nozzle_temp: float
    bed_temp: float
    supports: bool = False
    raft: bool = False
    gtype: str = "Cura"
    zip: bool = False
    picture: str = ""
    cost: float | None = None
    is_gcode: bool = True


@dataclass
class Job:
    id: int
    printer_id: int
    file_id: int
    user_id: int
    status_id: int
    created: datetime
    updated: datetime
    started: datetime | None = None
    ended: datetime | None = None
    elapsed: float = 0.0
    autostart: bool = False
    notes: str | None = None
    started_by: int | None = None
    cancel_reason: str = ""
    seq: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "seq", next(_CHANGES))

    def __setattr__(self, name: str, value: object) -> None:
        # Every change of `updated` takes a new change number: the `prev_time` token counts these,
        # so two changes within one (frozen) second are never confused.
        object.__setattr__(self, name, value)
        if name == "updated":
            object.__setattr__(self, "seq", next(_CHANGES))


@dataclass
class Project:
    id: int
    owner_id: int
    name: str
    color: str


@dataclass
class Share:
    id: int
    printer_id: int
    user_id: int
    role_id: int
    number_of_prints: int | None = None
    ownership_id: int = 1


@dataclass
class Session:
    token: str
    user_id: int
    last_seen: datetime
    gdpr_needed: bool = False


class _ChangeCounter:
    """Numbers every change of a job; `last` is the newest, read by each `get_printer_jobs` answer."""

    def __init__(self) -> None:
        self.last = 0

    def __next__(self) -> int:
        self.last += 1
        return self.last


_CHANGES = _ChangeCounter()

ACTIVE_JOB_STATES = {"printing", "paused", "downloading"}
