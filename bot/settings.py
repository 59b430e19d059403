"""The settings of `planbot run` and `planbot worker` (pydantic-settings): typed, frozen, checked when loaded.

What each variable must be is written once, in `bot.environment` (`PARSERS`, `RULES`), which also reads the
environment over the `.env` file; the other commands use its `Basics` and never import pydantic. A bad variable is
a `SettingsError` whose message names it and says, in Vietnamese, what it must be (never echoing the token, the
webhook secret or a database password)."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from bot.environment import DEFAULT_TZ, PARSERS, RULES, TELEGRAM_API_URL, TELEGRAM_FILE_URL, SettingsError, given, said
from db.url import default_database_url


def _text(raw: object) -> str:
    """A value as the environment would give it: (30, 7) -> '30,7', 60 -> '60' (tests build Settings in Python)."""
    return ",".join(map(str, raw)) if isinstance(raw, tuple | list) else str(raw).strip()


class Settings(BaseSettings):
    """Everything planbot reads from its environment; `Settings.load()` is the way to get one."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    bot_token: str = Field("", validation_alias="TELEGRAM_BOT_TOKEN", repr=False)
    base_url: str = Field(TELEGRAM_API_URL, validation_alias="TELEGRAM_BASE_URL")
    base_file_url: str = Field(TELEGRAM_FILE_URL, validation_alias="TELEGRAM_BASE_FILE_URL")
    database_url: str = Field(default_factory=default_database_url, validation_alias="DATABASE_URL", repr=False)
    admin_ids: tuple[int, ...] = Field((), validation_alias="ADMIN_IDS")
    tz: str = Field(DEFAULT_TZ, validation_alias="PLANBOT_TZ")
    reminder_lead_days: tuple[int, ...] = Field((30, 7, 1), validation_alias="REMINDER_LEAD_DAYS")
    reminder_sweep_seconds: int = Field(60, validation_alias="REMINDER_SWEEP_SECONDS")
    webhook_secret: str = Field("", validation_alias="TELEGRAM_WEBHOOK_SECRET", repr=False)
    log_level: str = Field("INFO", validation_alias="PLANBOT_LOG_LEVEL")

    @field_validator("*", mode="before")
    @classmethod
    def _parsed(cls, raw: object, info: ValidationInfo) -> object:
        """Each field by its variable's rule in `bot.environment.PARSERS`."""
        return PARSERS[str(cls.model_fields[str(info.field_name)].validation_alias)](_text(raw))

    def __init__(self, **values: Any) -> None:
        """Fields by their Python names too, as tests build one: Settings(bot_token=…, database_url=…)."""
        names = {name: field.validation_alias for name, field in type(self).model_fields.items()
                 if isinstance(field.validation_alias, str)}
        super().__init__(**{names.get(key, key): value for key, value in values.items()})

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only what it is given: `load` gives it the environment over the .env file, read as the light commands
        read them (`bot.environment.given`); nothing read behind its back."""
        return (init_settings,)

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")) -> Settings:
        """The environment (or `env`, which then stands for it) over the `dotenv` file; SettingsError if bad."""
        try:
            return cls(**given(env, dotenv))
        except ValidationError as exc:
            raise SettingsError(explain(exc)) from None


def explain(exc: ValidationError) -> str:
    """One Vietnamese sentence per bad variable, e.g. "REMINDER_LEAD_DAYS phải là … ví dụ 30,7,1, nhận được '400'"."""
    names = {name: field.validation_alias for name, field in Settings.model_fields.items()}
    found: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        name = str(error["loc"][0]) if error["loc"] else ""
        var = str(names.get(name, name))
        if var not in found and var in RULES:
            found[var] = said(var, error.get("input"))
    return "; ".join(found.values()) + "." if found else "một biến môi trường có giá trị không dùng được."
