"""One pydantic model per response shape of the Global API v2.1.

Field names are the API's own JSON keys. The cloud is loose (ids as strings, "t"/"f" flags,
JSON inside strings, `"0"` for an unknown layer height); these models turn that into exact
Python types once, at the edge, so nothing past here ever parses cloud values again. Strings are
stripped of terminal control characters here, because they end up on a technician's screen.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from enum import IntEnum, StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr

# C0 and C1 control characters and DEL: an ESC in a printer name would reach the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(value: object) -> str:
    """Text from the cloud made safe for a terminal: control characters removed, tabs and newlines kept."""
    return _CONTROL.sub("", str(value))


def _to_int(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value):
            return int(value)
        return value
    if isinstance(value, str):
        text = value.strip()
        if text == "" or text.lower() in {"null", "none"}:
            return None
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                return value
            return int(number) if math.isfinite(number) and number == int(number) else value
    return value


def _to_float(value: Any) -> Any:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        if text == "" or text.lower() in {"null", "none", "nan"}:
            return None
        try:
            number = float(text)
        except ValueError:
            return value
        return number if math.isfinite(number) else None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


_TRUE = {"t", "true", "1", "on", "yes", "y"}
_FALSE = {"f", "false", "0", "off", "no", "n", ""}


def _to_bool(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return bool(value)
    return value


def _to_datetime(value: Any) -> Any:
    """`"YYYY-MM-DD HH:MM:SS"` in the cloud's zone, read as UTC; zero dates and blanks are None."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz=UTC) if value > 0 else None
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        text = value.strip()
        if not text or text.startswith("0000-00-00") or text in {"0", "null"}:
            return None
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return value


def _to_text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (str, int, float)):
        return clean_text(value)
    return value


_UNREADABLE = object()


def _json_in_string(value: str) -> Any:
    """The cloud sends some JSON inside a string: the parsed value, None for blank, or _UNREADABLE."""
    if not value.strip():
        return None
    try:
        return json.loads(value)
    except ValueError:
        return _UNREADABLE


def _to_json_dict(value: Any) -> Any:
    """`extruders`, `printer_parameters`: a dict, or None if unreadable."""
    if isinstance(value, str):
        value = _json_in_string(value)
        if value is _UNREADABLE:
            return None
        if value is not None and not isinstance(value, dict):
            return {"value": value}
    if value is None or isinstance(value, dict):
        return value
    if isinstance(value, list):
        return {str(index): item for index, item in enumerate(value)}
    return None


def _to_json_list(value: Any) -> Any:
    """`filaments`, `workgroups`, temperatures: a list, [] for blank, None if unreadable."""
    if isinstance(value, str):
        value = _json_in_string(value)
        if value is _UNREADABLE:
            return None
        if value is None:
            return []
        if not isinstance(value, list):
            return [value]
    if value is None or isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return None


def _to_float_list(value: Any) -> Any:
    value = _to_json_list(value)
    if value is None:
        return None
    floats = []
    for item in value:
        number = _to_float(item)
        floats.append(number if isinstance(number, (int, float)) else None)
    return floats


def _to_int_list(value: Any) -> Any:
    value = _to_json_list(value)
    if value is None:
        return None
    return [number for number in (_to_int(item) for item in value) if isinstance(number, int)]


LooseInt = Annotated[int, BeforeValidator(_to_int)]
LooseFloat = Annotated[float, BeforeValidator(_to_float)]
LooseBool = Annotated[bool, BeforeValidator(_to_bool)]
CloudDatetime = Annotated[datetime | None, BeforeValidator(_to_datetime)]
Text = Annotated[str, BeforeValidator(_to_text)]
OptText = Annotated[str | None, BeforeValidator(_to_text)]
OptInt = Annotated[int | None, BeforeValidator(_to_int)]
OptFloat = Annotated[float | None, BeforeValidator(_to_float)]
OptBool = Annotated[bool | None, BeforeValidator(_to_bool)]
JsonDict = Annotated[dict[str, Any] | None, BeforeValidator(_to_json_dict)]
JsonList = Annotated[list[Any] | None, BeforeValidator(_to_json_list)]
FloatList = Annotated[list[float | None] | None, BeforeValidator(_to_float_list)]
IntList = Annotated[list[int] | None, BeforeValidator(_to_int_list)]


class CloudModel(BaseModel):
    """Lenient in: extra keys kept, loose values converted. Exact out: frozen, typed."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)


# --- enums -----------------------------------------------------------------------------------


class JobStatus(IntEnum):
    QUEUED = 11
    PRINTING = 21
    FAILED = 43
    ABORTED = 45
    FINISHED = 77
    UNKNOWN = 0

    @classmethod
    def from_id(cls, status_id: int | None) -> JobStatus:
        try:
            return cls(status_id)
        except ValueError:
            return cls.UNKNOWN

    @property
    def label(self) -> str:
        return {11: "queued", 21: "printing", 43: "failed", 45: "aborted", 77: "finished"}.get(self.value, "unknown")

    @property
    def is_active(self) -> bool:
        return self in (JobStatus.QUEUED, JobStatus.PRINTING)


class PrinterState(StrEnum):
    READY = "ready"
    PRINTING = "printing"
    PAUSED = "paused"
    DOWNLOADING = "downloading"
    BED_NOT_CLEAR = "bed_not_clear"
    ERROR = "error"
    OFFLINE = "notconnected"
    VIRTUAL = "Virtual"
    CONNECTING = "connecting"
    LOCAL_MODE = "local_mode"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, raw: str | None) -> PrinterState:
        """The state a cloud string means; any unknown text is UNKNOWN (memoised: called per printer per poll)."""
        if not raw:
            return cls.UNKNOWN
        known = _STATE_CACHE.get(raw)
        if known is None:
            lowered = raw.strip().lower().replace(" ", "_").replace("-", "_")
            known = _STATE_ALIASES.get(lowered) or next((s for s in cls if s.value == lowered), cls.UNKNOWN)
            if len(_STATE_CACHE) < 1024:
                _STATE_CACHE[raw] = known
        return known

    @property
    def needs_person(self) -> bool:
        return self in (PrinterState.ERROR, PrinterState.PAUSED, PrinterState.BED_NOT_CLEAR, PrinterState.OFFLINE)


_STATE_CACHE: dict[str, PrinterState] = {}
_STATE_ALIASES = {
    "offline": PrinterState.OFFLINE,
    "notconnected": PrinterState.OFFLINE,
    "not_connected": PrinterState.OFFLINE,
    "disconnected": PrinterState.OFFLINE,
    "virtual": PrinterState.VIRTUAL,
    "bed_not_clear": PrinterState.BED_NOT_CLEAR,
    "bednotclear": PrinterState.BED_NOT_CLEAR,
}


class WorkgroupRights(IntEnum):
    CAN_PRINT = 2
    CAN_QUEUE = 3


class ShareRole(IntEnum):
    CAN_PRINT = 2
    CAN_QUEUE = 5


# --- session calls ---------------------------------------------------------------------------


class LoginResult(CloudModel):
    session: SecretStr


class GoogleLoginResult(CloudModel):
    session: SecretStr
    email: OptText = None
    gdpr_needed: LooseBool = False


class GdprRegistrationResult(CloudModel):
    session: SecretStr
    email: OptText = None


# --- files and projects ----------------------------------------------------------------------


class UploadResult(CloudModel):
    file_id: LooseInt
    show_select_printers: OptBool = None
    project_id: OptInt = None
    slicer: OptText = None


class Project(CloudModel):
    id: LooseInt
    name: Text = ""
    color: OptText = None


class SlicerSettings(CloudModel):
    """The slicer's settings for a G-code file: a few keys typed, every other key kept as sent."""

    printer_type_id: OptInt = None
    file_id: OptInt = None
    layer_height: OptFloat = None
    nozzle_size: OptFloat = None
    fill_density: OptFloat = None
    print_speed: OptFloat = None
    print_temperature: OptFloat = None
    print_bed_temperature: OptFloat = None
    support: OptText = None
    platform_adhesion: OptText = None
    f_material: OptText = None

    def as_pairs(self) -> list[tuple[str, str]]:
        """Every setting as (key, text), in the order the cloud sent them, for display."""
        pairs = []
        for key, value in self.model_dump(exclude_none=True).items():
            shown = f"{value:g}" if isinstance(value, float) else value
            pairs.append((clean_text(key), clean_text(shown)))
        return pairs


# --- printers --------------------------------------------------------------------------------


class Printer(CloudModel):
    """An item of `get_organization_printers_list`."""

    id: LooseInt
    name: Text = ""
    type: Text = ""
    snr: OptText = None
    host_num: OptText = None
    local_ip: OptText = None
    workgroups: IntList = None
    state: Text = ""
    temps: FloatList = None
    target_temps: FloatList = None
    percent: OptFloat = None

    @property
    def state_kind(self) -> PrinterState:
        return PrinterState.parse(self.state)

    def _temp(self, values: list[float | None] | None, index: int) -> float | None:
        if values is None or index >= len(values):
            return None
        return values[index]

    @property
    def bed_temp(self) -> float | None:
        return self._temp(self.temps, 0)

    @property
    def bed_target(self) -> float | None:
        return self._temp(self.target_temps, 0)

    def tool_temp(self, tool: int = 0) -> float | None:
        return self._temp(self.temps, tool + 1)

    def tool_target(self, tool: int = 0) -> float | None:
        return self._temp(self.target_temps, tool + 1)

    @property
    def tool_count(self) -> int:
        return max(0, len(self.temps or self.target_temps or []) - 1)

    @property
    def progress(self) -> float:
        """Percent clamped to 0-100 (the cloud may send anything)."""
        return min(100.0, max(0.0, self.percent or 0.0))


class PrinterListItem(CloudModel):
    """An item of `get_printers_list`; the doc leaves its keys open, so only a few are typed."""

    id: LooseInt
    name: Text = ""
    type: OptText = None
    state: OptText = None
    filaments: JsonList = None


class PrinterType(CloudModel):
    id: LooseInt
    description: Text = ""


class PrinterTypeDetailed(PrinterType):
    printer_parameters: JsonDict = None


class PrinterShare(CloudModel):
    id: LooseInt
    email: Text = ""
    number_of_prints: OptInt = None
    printer_ownership_id: OptInt = None


class CameraToken(CloudModel):
    token: SecretStr
    webcam_id: LooseInt = 0
    rotate: LooseBool = False


# --- jobs ------------------------------------------------------------------------------------


class Job(CloudModel):
    """An item of `get_printer_jobs`."""

    id: LooseInt
    status_id: LooseInt
    filename: Text = ""
    datetime: CloudDatetime = None
    email: Text = ""

    @property
    def status(self) -> JobStatus:
        return JobStatus.from_id(self.status_id)


class PrinterJobs(CloudModel):
    """`get_printer_jobs`: the jobs, and the `time` token to send back as `prev_time` next poll."""

    jobs: list[Job] = Field(default_factory=list)
    time: Any = None

    def __iter__(self):  # type: ignore[override]
        return iter(self.jobs)

    def __len__(self) -> int:
        return len(self.jobs)

    def __getitem__(self, index: int) -> Job:
        return self.jobs[index]


class JobInfo(CloudModel):
    """`get_job_info`: everything the cloud knows of one job."""

    id: LooseInt
    status_id: LooseInt
    datetime: CloudDatetime = None
    printer_id: OptInt = None
    print_time: OptInt = None
    gif_image: OptText = None
    picture: OptText = None
    notes: OptText = None
    file_id: OptInt = None
    filename: Text = ""
    file_size: OptInt = None
    printing_duration: OptInt = None
    material_type: OptText = None
    layer_height: OptFloat = None
    color_numbers: OptInt = None
    extruders: JsonDict = None
    weight: OptFloat = None
    heated_bed: OptBool = None
    heated_bed_temperature: OptFloat = None
    raft: OptBool = None
    supports: OptBool = None
    file_cost: OptFloat = None
    cost: OptFloat = None
    email: Text = ""

    @property
    def status(self) -> JobStatus:
        return JobStatus.from_id(self.status_id)


class SliceResult(CloudModel):
    job_id: Text
    job_waiting: OptBool = None
    running_jobs_limit: OptInt = None
    output_file_id: OptInt = None


class PrintFileResult(CloudModel):
    job_id: LooseInt


# --- workgroups, users, reports --------------------------------------------------------------


class Workgroup(CloudModel):
    id: LooseInt
    name: Text = ""
    rights: OptInt = None


class WorkgroupUser(CloudModel):
    id: LooseInt
    email: Text = ""
    name: Text = ""
    monthly_quota: OptInt = None
    balance: OptFloat = None


class FinishedJob(CloudModel):
    email: Text = ""
    firstname: OptText = None
    lastname: OptText = None
    filename: Text = ""
    endtime: CloudDatetime = None


class CustomReport(CloudModel):
    """`get_custom_report` as JSON: header names, the row of type names when the cloud sends one, the rows."""

    header: list[str]
    types: list[str] | None = None
    rows: list[list[Any]] = Field(default_factory=list)

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.header, row, strict=False)) for row in self.rows]


_TYPE_NAMES = {"int", "text", "float", "int,int,...", "text,text,...", "datetime", "bool", "date"}


def parse_custom_report(message: Any) -> CustomReport:
    """Row 0 is the header; a row of type names may follow: detected, not assumed."""
    rows = [list(row) for row in (message or []) if isinstance(row, (list, tuple))]
    if not rows:
        return CustomReport(header=[], rows=[])
    header = [clean_text(cell) for cell in rows[0]]
    types = None
    body = rows[1:]
    if body and all(isinstance(cell, str) and cell.strip().lower() in _TYPE_NAMES for cell in body[0]):
        types = [str(cell) for cell in body[0]]
        body = body[1:]
    cleaned = [[clean_text(cell) if isinstance(cell, str) else cell for cell in row] for row in body]
    return CustomReport(header=header, types=types, rows=cleaned)
