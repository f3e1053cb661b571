"""One pydantic model per response shape of the Global API v2.1.

Field names are the API's own JSON keys. The cloud is loose (ids as strings, "t"/"f" flags,
JSON inside strings, `"0"` for an unknown layer height, nulls for names, fractions of seconds);
these models turn that into exact Python types once, at the edge, so nothing past here ever
parses cloud values again. Strings are made safe for a terminal here (`api.text`): one-line
fields hold no line break, tab, control, bidi or zero-width character; notes keep newlines only.
How values are converted, and why natively first, is in `api.loose`.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    BeforeValidator,
    Field,
    SecretStr,
)

from .loose import (
    CloudDatetime,
    CloudModel,
    FloatList,
    IntList,
    JsonDict,
    LooseBool,
    LooseInt,
    Notes,
    OptBool,
    OptFloat,
    OptInt,
    OptText,
    Records,
    RoundedInt,
    Text,
    index_order,
    json_in_string,
    to_bool,
    to_float,
)
from .text import clean_text as clean_text
from .text import multi_line, one_line


def _to_bool(value: Any) -> Any:
    """Kept for the client's envelope reading (`success: "true"`)."""
    return to_bool(value)


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
        if status_id is None:
            return cls.UNKNOWN
        try:
            return cls(status_id)
        except ValueError:
            return cls.UNKNOWN

    @classmethod
    def from_word(cls, word: object) -> JobStatus:
        """A status as the custom report spells it (`DONE`, `CANCELLED_WEB`, `FAILED` ...), or a status id."""
        text = str(word).strip().upper().replace(" ", "_").replace("-", "_")
        if text.isdigit():
            return cls.from_id(int(text))
        for prefix, status in _STATUS_WORDS:
            if text.startswith(prefix):
                return status
        return cls.UNKNOWN

    @property
    def label(self) -> str:
        return {11: "queued", 21: "printing", 43: "failed", 45: "cancelled", 77: "finished"}.get(self.value, "unknown")

    @property
    def is_active(self) -> bool:
        return self in (JobStatus.QUEUED, JobStatus.PRINTING)


# Prefixes, most specific first: CANCELLED_WEB, CANCELED_BY_USER, DONE_OK ... all land somewhere.
_STATUS_WORDS = (
    ("IN_QUEUE", JobStatus.QUEUED),
    ("QUEUE", JobStatus.QUEUED),
    ("WAITING", JobStatus.QUEUED),
    ("IN_PROGRESS", JobStatus.PRINTING),
    ("PRINTING", JobStatus.PRINTING),
    ("STARTED", JobStatus.PRINTING),
    ("DONE", JobStatus.FINISHED),
    ("FINISHED", JobStatus.FINISHED),
    ("COMPLETE", JobStatus.FINISHED),
    ("SUCCESS", JobStatus.FINISHED),
    ("CANCEL", JobStatus.ABORTED),
    ("ABORT", JobStatus.ABORTED),
    ("FAIL", JobStatus.FAILED),
    ("ERROR", JobStatus.FAILED),
)


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

# What the web app shows for a printer that says "printing" while the cloud has no printing job
# for it: someone started the print at the printer (USB stick, local interface).
PRINTING_LOCALLY = "printing locally"
_STATE_WORDS = {PrinterState.OFFLINE: "offline", PrinterState.VIRTUAL: "virtual"}


def state_words(state: str | None, *, has_printing_job: bool | None = None) -> str:
    """A printer state in words, one line: known states by name, any other as the cloud wrote it.

    `has_printing_job=False` (its running-job look-up found none) turns "printing" into
    "printing locally"; None (not looked up yet) leaves "printing".
    """
    kind = PrinterState.parse(state)
    if kind is PrinterState.PRINTING and has_printing_job is False:
        return PRINTING_LOCALLY
    if kind is PrinterState.UNKNOWN:
        shown = one_line(state or "").strip()
        return shown.replace("_", " ") if shown else "unknown"
    return _STATE_WORDS.get(kind, kind.value.replace("_", " "))


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
        """Every setting as (key, text), in the order the cloud sent them: keys one line, values may span lines."""
        pairs = []
        for key, value in self.model_dump(exclude_none=True).items():
            shown = f"{value:g}" if isinstance(value, float) else value
            pairs.append((one_line(key), multi_line(shown)))
        return pairs


# --- printers --------------------------------------------------------------------------------


def _first_number(item: dict[str, Any], keys: tuple[str, ...]) -> float | None:
    for key in keys:
        if key in item:
            number = to_float(item[key])
            if isinstance(number, float):
                return number
    return None


_TEMPERATURE_KEYS = ("temperature", "temp", "t", "nozzle_temperature", "nozzle_temp", "print_temperature")
_WEIGHT_KEYS = ("weight", "w", "grams", "filament_weight", "used_weight")
_MATERIAL_KEYS = ("material", "material_type", "type")


class Extruder(CloudModel):
    """One extruder (or its filament), whatever shape the cloud sent it in.

    `key` is how the cloud named it: "R"/"L" in the doc's `{"R": 230, "L": 0}`, "0", "1" ... for
    a list or an object keyed by index. `details` keeps the cloud's object as sent.
    """

    key: str
    temperature: float | None = None
    weight: float | None = None
    material: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)


def _to_extruders(value: Any) -> Any:
    """`{"R": 230, "L": 0}`, `[{"w": 12.3}, ...]`, `{"0": {...}, "1": {...}}`, or JSON of any: one list."""
    if isinstance(value, str):
        value = json_in_string(value)
    if isinstance(value, dict):
        items = [(str(key), value[key]) for key in sorted(value, key=index_order)]
    elif isinstance(value, list):
        items = [(str(index), item) for index, item in enumerate(value)]
    else:
        return []
    extruders = []
    for key, item in items:
        if isinstance(item, dict):
            material = next((item[k] for k in _MATERIAL_KEYS if isinstance(item.get(k), str)), None)
            extruders.append(
                {
                    "key": one_line(key),
                    "temperature": _first_number(item, _TEMPERATURE_KEYS),
                    "weight": _first_number(item, _WEIGHT_KEYS),
                    "material": one_line(material) if material else None,
                    "details": item,
                }
            )
        else:
            number = to_float(item)
            temperature = number if isinstance(number, float) else None
            extruders.append({"key": one_line(key), "temperature": temperature})
    return extruders


Extruders = Annotated[list[Extruder], BeforeValidator(_to_extruders)]


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
    def display_name(self) -> str:
        """The name, or `#<id>` for a printer the cloud sent without one."""
        return self.name if self.name.strip() else f"#{self.id}"

    @property
    def state_kind(self) -> PrinterState:
        return PrinterState.parse(self.state)

    def _temp(self, values: tuple[float | None, ...] | None, index: int) -> float | None:
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


class PrinterList(Records[Printer]):
    """`get_organization_printers_list`: the printers, and how many records could not be read."""


class PrinterListItem(CloudModel):
    """An item of `get_printers_list`; public callers see it keyed by `printer_id` and `type_id`."""

    id: LooseInt = Field(validation_alias=AliasChoices("id", "printer_id"))
    type_id: OptInt = None
    name: Text = ""
    type: OptText = None
    state: OptText = None
    filaments: Extruders = Field(default_factory=list)

    @property
    def display_name(self) -> str:
        return self.name if self.name.strip() else f"#{self.id}"


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
    """`get_printer_jobs`: `.jobs`, the `.time` token to send back as `prev_time` next poll, and
    `.unreadable`, how many job records could not be read (skipped and logged)."""

    jobs: list[Job] = Field(default_factory=list)
    time: Any = None
    unreadable: int = 0

    @property
    def printing_job(self) -> Job | None:
        """The job the cloud has printing, if any (none while a printer prints locally)."""
        return next((job for job in self.jobs if job.status is JobStatus.PRINTING), None)


class JobInfo(CloudModel):
    """`get_job_info`: everything the cloud knows of one job."""

    id: LooseInt
    status_id: LooseInt
    datetime: CloudDatetime = None
    printer_id: OptInt = None
    print_time: RoundedInt = None
    gif_image: OptText = None
    picture: OptText = None
    notes: Notes = None
    file_id: OptInt = None
    filename: Text = ""
    file_size: RoundedInt = None
    printing_duration: RoundedInt = None
    material_type: OptText = None
    layer_height: OptFloat = None
    color_numbers: OptInt = None
    extruders: Extruders = Field(default_factory=list)
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


# Kept importable from here, where they were (the report reads JobStatus above, hence at the end).
from .report import CustomReport as CustomReport  # noqa: E402
from .report import parse_custom_report as parse_custom_report  # noqa: E402
