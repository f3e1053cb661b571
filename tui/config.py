"""Settings: a TOML file in the user's config directory, overridden by `FARMDASH_*` variables and flags.

The password is read from `FARMDASH_PASSWORD` only: never from the config file, never from a flag.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir, user_state_dir
from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

APP_NAME = "farmdash"


def config_path() -> Path:
    return Path(os.environ.get("FARMDASH_CONFIG") or Path(user_config_dir(APP_NAME)) / "config.toml")


def state_dir() -> Path:
    return Path(os.environ.get("FARMDASH_STATE_DIR") or user_state_dir(APP_NAME))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FARMDASH_", extra="ignore")

    endpoint: str | None = None
    username: str | None = None
    refresh: float = Field(default=3.0, ge=0.5, le=3600)
    organization: str | None = None
    # binding id -> keys, e.g. {pause = "P", cancel = "ctrl+x"}; ids are listed in the README
    keymap: dict[str, str] = Field(default_factory=dict)

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
