"""How loose cloud values become exact Python values: native checks first, Python only when needed.

Each field type below is a native pydantic type with constraints (checked in Rust, fast) plus a
`Lenient` converter. `CloudModel` validates natively; only when that fails does it run the
converters of the fields present and validate again. A value the native check accepts is one the
converter would leave as it is (a clean string, a finite number, an int or `"12"`), so both routes
give the same result; the Python route costs only for records that need it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    FiniteFloat,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from .text import MULTI_LINE_PATTERN, ONE_LINE_PATTERN, multi_line, one_line


@dataclass(frozen=True, slots=True)
class Lenient:
    """Field metadata: the Python converter `CloudModel` applies when native validation fails."""

    convert: Callable[[Any], Any]


def to_int(value: Any) -> Any:
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


def to_rounded_int(value: Any) -> Any:
    """Seconds and bytes the cloud may send with a fraction ("3600.5", 1234.7): the nearest int."""
    number = to_float(value)
    if isinstance(number, float):
        # a whole float as it is: `+ 0.5` rounds up past 2**52 (4503599627370497.0 became ...498)
        return int(number) if number.is_integer() else math.floor(number + 0.5)
    return number


def to_float(value: Any) -> Any:
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
    if isinstance(value, int):
        return float(value)
    return value


_TRUE = {"t", "true", "1", "on", "yes", "y"}
_FALSE = {"f", "false", "0", "off", "no", "n", ""}


def to_bool(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return bool(value)
    return value


def to_line(value: Any) -> Any:
    """Required text: null is empty text (public callers see null names and emails)."""
    if value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return one_line(value)
    return value


def to_opt_line(value: Any) -> Any:
    if value is None:
        return None
    return to_line(value)


def to_multi_line(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (str, int, float)):
        return multi_line(value)
    return value


_UNREADABLE = object()


def json_in_string(value: str) -> Any:
    """The cloud sends some JSON inside a string: the parsed value, None for blank, or _UNREADABLE."""
    if not value.strip():
        return None
    try:
        return json.loads(value)
    except ValueError:
        return _UNREADABLE


def to_json_dict(value: Any) -> Any:
    """`printer_parameters`: a dict, or None if unreadable."""
    if isinstance(value, str):
        value = json_in_string(value)
        if value is _UNREADABLE:
            return None
        if value is not None and not isinstance(value, dict):
            return {"value": value}
    if value is None or isinstance(value, dict):
        return value
    if isinstance(value, list):
        return {str(index): item for index, item in enumerate(value)}
    return None


def to_json_list(value: Any) -> Any:
    """Lists the cloud may send as JSON in a string or as an object keyed by index: a list, [] for blank."""
    if isinstance(value, str):
        value = json_in_string(value)
        if value is _UNREADABLE:
            return None
        if value is None:
            return []
        if not isinstance(value, list):
            return [value]
    if value is None or isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value[key] for key in sorted(value, key=index_order)]
    return None


def index_order(key: Any) -> tuple[int, Any]:
    """Keys "0", "1", "10" in number order; other keys after them, as sent."""
    text = str(key)
    return (0, int(text)) if text.isdigit() else (1, 0)


def to_float_list(value: Any) -> Any:
    value = to_json_list(value)
    if value is None:
        return None
    numbers = (to_float(item) for item in value)
    return tuple(number if isinstance(number, (int, float)) else None for number in numbers)


def to_int_list(value: Any) -> Any:
    value = to_json_list(value)
    if value is None:
        return None
    return tuple(number for number in (to_int(item) for item in value) if isinstance(number, int))


def to_datetime(value: Any, info: ValidationInfo) -> Any:
    """`"YYYY-MM-DD HH:MM:SS"` in the cloud's zone (the client's `cloud_timezone`, UTC unless told)."""
    if value is None:
        return None
    zone: tzinfo = UTC
    if info.context and info.context.get("tz") is not None:
        zone = info.context["tz"]
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
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    return value


OneLineStr = Annotated[str, StringConstraints(pattern=ONE_LINE_PATTERN)]
MultiLineStr = Annotated[str, StringConstraints(pattern=MULTI_LINE_PATTERN)]

LooseInt = Annotated[int, Lenient(to_int)]
OptInt = Annotated[int | None, Lenient(to_int)]
RoundedInt = Annotated[int | None, Lenient(to_rounded_int)]
LooseFloat = Annotated[FiniteFloat, Lenient(to_float)]
OptFloat = Annotated[FiniteFloat | None, Lenient(to_float)]
LooseBool = Annotated[bool, Lenient(to_bool)]
OptBool = Annotated[bool | None, Lenient(to_bool)]
Text = Annotated[OneLineStr, Lenient(to_line)]
OptText = Annotated[OneLineStr | None, Lenient(to_opt_line)]
Notes = Annotated[MultiLineStr | None, Lenient(to_multi_line)]
JsonDict = Annotated[dict[str, Any] | None, Lenient(to_json_dict)]
# Tuples, not lists: a tuple of numbers drops out of the garbage collector's view after one pass,
# so 5,000 printers' temperatures are never walked again (see `api.records`).
FloatList = Annotated[tuple[FiniteFloat | None, ...] | None, Lenient(to_float_list)]
IntList = Annotated[tuple[int, ...] | None, Lenient(to_int_list)]
CloudDatetime = Annotated[datetime | None, BeforeValidator(to_datetime)]


_T = TypeVar("_T")


class Records(list[_T]):
    """A list of what the cloud sent, minus the records that could not be read.

    Iterates and indexes like a list; `unreadable` counts the items skipped (each is logged).
    """

    unreadable: int

    def __init__(self, items: Any = (), unreadable: int = 0) -> None:
        super().__init__(items)
        self.unreadable = unreadable


class CloudModel(BaseModel):
    """Lenient in: extra keys kept, loose values converted. Exact out: frozen, typed.

    Validation is native first; if that fails, each field's `Lenient` converter runs on the raw
    value and validation runs once more (see `api.loose`).
    """

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)
    _lenient: ClassVar[dict[str, Any]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        converters: dict[str, Any] = {}
        for name, field in cls.model_fields.items():
            convert = next((meta.convert for meta in field.metadata if isinstance(meta, Lenient)), None)
            if convert is None:
                continue
            keys = {name}
            alias = field.validation_alias
            if isinstance(alias, str):
                keys.add(alias)
            elif isinstance(alias, AliasChoices):
                keys.update(choice for choice in alias.choices if isinstance(choice, str))
            for key in keys:
                converters[key] = convert
        cls._lenient = converters

    @model_validator(mode="wrap")
    @classmethod
    def _loosen(cls, data: Any, handler: Any) -> Any:
        try:
            return handler(data)
        except ValidationError:
            if not isinstance(data, dict) or not cls._lenient:
                raise
            converters = cls._lenient
            loosened = {key: (converters[key](value) if key in converters else value) for key, value in data.items()}
            return handler(loosened)
