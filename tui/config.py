"""Settings: a TOML file in the user's config directory, overridden by `FARMDASH_*` variables and flags.

The password is read from `FARMDASH_PASSWORD` only: never from the config file, never from a flag.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_config_dir, user_state_dir
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from .alerts import AlertSettings
from .safe import plain

APP_NAME = "farmdash"
ENV_PREFIX = "FARMDASH_"
REFRESH_MIN, REFRESH_MAX = 0.5, 3600.0


def config_path() -> Path:
    return Path(os.environ.get("FARMDASH_CONFIG") or Path(user_config_dir(APP_NAME)) / "config.toml")


def state_dir() -> Path:
    return Path(os.environ.get("FARMDASH_STATE_DIR") or user_state_dir(APP_NAME))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    endpoint: str | None = None
    username: str | None = None
    refresh: float = Field(default=3.0, ge=REFRESH_MIN, le=REFRESH_MAX, allow_inf_nan=False)
    organization: str | None = None
    # Plain http to a host that is not this machine sends the password in the clear: off unless asked.
    allow_insecure_http: bool = False
    # binding id -> keys, e.g. {pause = "P", cancel = "ctrl+x"}; ids are listed in the README
    keymap: dict[str, str] = Field(default_factory=dict)
    # Send nothing: every action, bulk action, upload and print says so (wall displays, trying farmdash safely).
    read_only: bool = False
    # Seconds between the starts of a bulk start (heaters starting together can trip a breaker).
    stagger_seconds: float = Field(default=10.0, ge=0, le=3600, allow_inf_nan=False)
    # Where the file picker (o) opens; the home directory when unset.
    files_dir: str | None = None
    # The time zone of the cloud's date strings: the API does not say (UTC, as observed so far).
    cloud_timezone: str = "UTC"
    # which events alert and how: bell, desktop notification, Apprise URLs (see tui/alerts.py)
    alerts: AlertSettings = Field(default_factory=AlertSettings)

    @field_validator("cloud_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("not a time zone name (e.g. UTC, Europe/Berlin)") from None
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=config_path()))


def env_password() -> str | None:
    return os.environ.get("FARMDASH_PASSWORD") or None


def setting_source(name: str) -> str:
    """Where a setting's value came from, in words a user can act on: the variable or the file."""
    variable = f"{ENV_PREFIX}{name}".upper()
    if any(key.upper() == variable for key in os.environ):
        return variable
    return f"{name} in {config_path()}"


def settings_problems(error: Exception) -> list[str]:
    """A settings failure as one line per problem, naming the setting and where it came from."""
    if isinstance(error, ValidationError):
        lines = []
        for problem in error.errors(include_url=False):
            name = ".".join(str(part) for part in problem["loc"]) or "settings"
            source = setting_source(str(problem["loc"][0])) if problem["loc"] else str(config_path())
            if "." in name and source.startswith(f"{problem['loc'][0]} in "):
                source = f"{name} in {config_path()}"
            given = problem.get("input")
            shown = f" (got {shorten(given)})" if isinstance(given, str | int | float | bool) else ""
            message = problem["msg"].removeprefix("Value error, ")  # a validator's own words
            lines.append(f"{source}: {message}{shown}")
        return lines
    if isinstance(error, tomllib.TOMLDecodeError):
        return [f"{config_path()} is not valid TOML: {error}"]
    if isinstance(error, OSError):
        return [f"cannot read {config_path()}: {error.strerror or error}"]
    # pydantic-settings' own errors: a variable that is not JSON where a table is expected.
    field = re.search(r'field "(\w+)"', str(error))
    if field:
        return [f'{setting_source(field.group(1))}: cannot be read (a table is written as JSON, e.g. {{"pause": "P"}})']
    return [shorten(error, 200)]


def refresh_problem(seconds: float, source: str) -> str | None:
    if math.isfinite(seconds) and REFRESH_MIN <= seconds <= REFRESH_MAX:
        return None
    return f"{source} must be between {REFRESH_MIN:g} and {REFRESH_MAX:g} seconds (got {seconds:g})"


def shorten(value: object, limit: int = 60) -> str:
    text = plain(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
