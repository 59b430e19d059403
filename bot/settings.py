"""Settings from the environment, with a `.env` file in the working directory as a fallback (pydantic-settings).

Each variable is checked when it is read; a bad one is a `SettingsError` whose message names the variable and says,
in Vietnamese, what it must be (never echoing the token, the webhook secret or a database password)."""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from db.url import default_database_url

TELEGRAM_API_URL = "https://api.telegram.org/bot"
TELEGRAM_FILE_URL = "https://api.telegram.org/file/bot"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")

# What each variable must be, said to the operator when it is not (the variable's name comes first).
RULES = {
    "TELEGRAM_BOT_TOKEN": "không được chứa khoảng trắng hay ký tự điều khiển",
    "TELEGRAM_BASE_URL": f"phải là một URL http:// hoặc https:// (mặc định {TELEGRAM_API_URL})",
    "TELEGRAM_BASE_FILE_URL": f"phải là một URL http:// hoặc https:// (mặc định {TELEGRAM_FILE_URL})",
    "TELEGRAM_WEBHOOK_SECRET": "chỉ được gồm chữ cái không dấu, chữ số, _ và -, tối đa 256 ký tự",
    "DATABASE_URL": "phải có dạng sqlite:///đường/dẫn/planbot.db hoặc postgresql+psycopg://user:pass@host/db",
    "ADMIN_IDS": "phải là các mã người dùng Telegram (số nguyên dương) cách nhau bởi dấu phẩy, ví dụ 12345,67890",
    "PLANBOT_TZ": "không phải múi giờ (ví dụ Asia/Ho_Chi_Minh)",
    "REMINDER_LEAD_DAYS": "phải là các số ngày từ 0 đến 365 cách nhau bởi dấu phẩy, ví dụ 30,7,1",
    "REMINDER_SWEEP_SECONDS": "phải là số giây nguyên dương, ví dụ 60",
    "PLANBOT_LOG_LEVEL": "phải là " + ", ".join(LOG_LEVELS[:-1]) + " hoặc " + LOG_LEVELS[-1],
}
_SECRET = {"TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "DATABASE_URL"}  # their values are never echoed


class SettingsError(ValueError):
    """A variable has a value the bot cannot use; the message names it."""


def _numbers(raw: object) -> object:
    """'30, 7,1' -> [30, 7, 1]; a ValueError for anything but whole numbers separated by commas."""
    if not isinstance(raw, str):
        return raw
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if not all(p.isdigit() for p in parts):
        raise ValueError("not whole numbers")
    return [int(p) for p in parts]


def _http_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("not an http(s) URL")
    return raw


class Settings(BaseSettings):
    """Everything planbot reads from its environment; `Settings.load()` is the way to get one."""

    model_config = SettingsConfigDict(env_file=None, env_file_encoding="utf-8", env_ignore_empty=True,
                                      extra="ignore", frozen=True, str_strip_whitespace=True)

    bot_token: str = Field("", validation_alias="TELEGRAM_BOT_TOKEN", repr=False, pattern=r"^[^\s\x00-\x1f]*$")
    base_url: str = Field(TELEGRAM_API_URL, validation_alias="TELEGRAM_BASE_URL")
    base_file_url: str = Field(TELEGRAM_FILE_URL, validation_alias="TELEGRAM_BASE_FILE_URL")
    database_url: str = Field(default_factory=default_database_url, validation_alias="DATABASE_URL", repr=False,
                              pattern=r"^[A-Za-z][A-Za-z0-9+.-]*://")
    admin_ids: Annotated[tuple[Annotated[int, Field(gt=0)], ...], NoDecode] = Field((), validation_alias="ADMIN_IDS")
    tz: str = Field("Asia/Ho_Chi_Minh", validation_alias="PLANBOT_TZ")
    reminder_lead_days: Annotated[tuple[Annotated[int, Field(ge=0, le=365)], ...], NoDecode] = Field(
        (30, 7, 1), validation_alias="REMINDER_LEAD_DAYS", min_length=1)
    reminder_sweep_seconds: int = Field(60, validation_alias="REMINDER_SWEEP_SECONDS", gt=0)
    webhook_secret: str = Field("", validation_alias="TELEGRAM_WEBHOOK_SECRET", repr=False,
                                pattern=r"^[A-Za-z0-9_-]{0,256}$")
    log_level: str = Field("INFO", validation_alias="PLANBOT_LOG_LEVEL")

    @field_validator("admin_ids", "reminder_lead_days", mode="before")
    @classmethod
    def _comma_list(cls, raw: object) -> object:
        return _numbers(raw)

    @field_validator("reminder_lead_days")
    @classmethod
    def _largest_first(cls, days: tuple[int, ...]) -> tuple[int, ...]:
        """'1,30,7,7' -> (30, 7, 1), as /dangky reads its own list."""
        return tuple(sorted(set(days), reverse=True))

    @field_validator("base_url", "base_file_url")
    @classmethod
    def _url(cls, raw: str) -> str:
        return _http_url(raw)

    @field_validator("tz")
    @classmethod
    def _zone(cls, key: str) -> str:
        try:
            ZoneInfo(key)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown time zone") from exc
        return key

    @field_validator("log_level")
    @classmethod
    def _level(cls, raw: str) -> str:
        if raw.upper() not in LOG_LEVELS:
            raise ValueError("unknown level")
        return raw.upper()

    @field_validator("reminder_sweep_seconds", mode="before")
    @classmethod
    def _whole(cls, raw: object) -> object:
        if isinstance(raw, str) and not raw.strip().isdigit():
            raise ValueError("not a whole number")
        return raw

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
        """What it is given (`load` gives it the environment) over the .env file; nothing read behind its back."""
        return init_settings, dotenv_settings

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")) -> Settings:
        """The environment (or `env`, which then stands for it) over the `dotenv` file; SettingsError if bad."""
        given = {k: v for k, v in (os.environ if env is None else env).items() if k in RULES and v.strip()}
        try:
            return cls(_env_file=dotenv, **given)
        except ValidationError as exc:
            raise SettingsError(explain(exc)) from None


def explain(exc: ValidationError) -> str:
    """One Vietnamese sentence per bad variable, e.g. "REMINDER_LEAD_DAYS phải là … ví dụ 30,7,1, nhận được '400'"."""
    names = {name: field.validation_alias for name, field in Settings.model_fields.items()}
    said: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        name = str(error["loc"][0]) if error["loc"] else ""
        var = names.get(name, name)
        if var in said or var not in RULES:
            continue
        value = error.get("input")
        shown = "" if var in _SECRET or not isinstance(value, str | int) else f", nhận được {value!r}"
        said[var] = f"{var} {RULES[var]}{shown}"
    return "; ".join(said.values()) + "." if said else "một biến môi trường có giá trị không dùng được."

