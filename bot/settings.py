"""Settings from the environment, with a `.env` file in the working directory as a fallback."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from db.url import DEFAULT_DATABASE_URL

TELEGRAM_API_URL = "https://api.telegram.org/bot"
TELEGRAM_FILE_URL = "https://api.telegram.org/file/bot"


class SettingsError(ValueError):
    """A variable has a value the bot cannot use; the message names it."""


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; blank lines and # comments ignored; surrounding quotes removed."""
    out: dict[str, str] = {}
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        out[key.strip().removeprefix("export ").strip()] = value
    return out


def _int_list(name: str, raw: str) -> tuple[int, ...]:
    try:
        return tuple(int(x) for x in raw.replace(" ", "").split(",") if x)
    except ValueError as exc:
        raise SettingsError(f"{name} phải là các số nguyên cách nhau bởi dấu phẩy, nhận được {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    bot_token: str = ""
    base_url: str = TELEGRAM_API_URL
    base_file_url: str = TELEGRAM_FILE_URL
    database_url: str = DEFAULT_DATABASE_URL
    admin_ids: tuple[int, ...] = ()
    tz: str = "Asia/Ho_Chi_Minh"
    reminder_lead_days: tuple[int, ...] = (30, 7, 1)
    reminder_sweep_seconds: int = 60
    webhook_secret: str = ""

    def __repr__(self) -> str:  # never show the token in logs or tracebacks
        return f"Settings(database_url={self.database_url!r}, admin_ids={self.admin_ids}, tz={self.tz!r})"

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")) -> Settings:
        values = read_dotenv(dotenv) if dotenv else {}
        values.update(os.environ if env is None else env)
        get = lambda k, d: (values.get(k) or "").strip() or d  # noqa: E731
        sweep = get("REMINDER_SWEEP_SECONDS", "60")
        if not sweep.isdigit() or int(sweep) < 1:
            raise SettingsError(f"REMINDER_SWEEP_SECONDS phải là số giây dương, nhận được {sweep!r}")
        return cls(
            bot_token=get("TELEGRAM_BOT_TOKEN", ""),
            base_url=get("TELEGRAM_BASE_URL", TELEGRAM_API_URL),
            base_file_url=get("TELEGRAM_BASE_FILE_URL", TELEGRAM_FILE_URL),
            database_url=get("DATABASE_URL", DEFAULT_DATABASE_URL),
            admin_ids=_int_list("ADMIN_IDS", get("ADMIN_IDS", "")),
            tz=get("PLANBOT_TZ", "Asia/Ho_Chi_Minh"),
            reminder_lead_days=_int_list("REMINDER_LEAD_DAYS", get("REMINDER_LEAD_DAYS", "30,7,1")),
            reminder_sweep_seconds=int(sweep),
            webhook_secret=get("TELEGRAM_WEBHOOK_SECRET", ""),
        )
