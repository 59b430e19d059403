"""The variables planbot reads, what each must be, and their reading without pydantic.

The one place a variable's rule is written: `PARSERS` reads each from its text, `RULES` says it to the operator in
Vietnamese (the variable's name first, never echoing the token, the webhook secret or a database password).
`given` reads the environment over a `.env` file in the working directory. `Basics.load` checks every variable
set and keeps what all commands but `run` and `worker` use (where the database is, the time zone): they start
without importing pydantic (~120 ms). `bot.settings.Settings` (pydantic-settings), for `run` and `worker`, is
built from the same reading with the same rules."""
from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from db.url import default_database_url

TELEGRAM_API_URL = "https://api.telegram.org/bot"
TELEGRAM_FILE_URL = "https://api.telegram.org/file/bot"
DEFAULT_TZ = "Asia/Ho_Chi_Minh"
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


def _matching(pattern: str) -> Callable[[str], str]:
    """A parser that keeps a text `pattern` finds, and refuses any other."""
    rule = re.compile(pattern)

    def parse(text: str) -> str:
        if not rule.search(text):
            raise ValueError(f"does not match {pattern}")
        return text
    return parse


def _http_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("not an http(s) URL")
    return text


def _numbers(text: str) -> list[int]:
    """'30, 7,1' -> [30, 7, 1]; a ValueError for anything but whole numbers separated by commas."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not all(p.isdigit() for p in parts):
        raise ValueError("not whole numbers")
    return [int(p) for p in parts]


def _user_ids(text: str) -> tuple[int, ...]:
    ids = _numbers(text)
    if any(i <= 0 for i in ids):
        raise ValueError("not a user id")
    return tuple(ids)


def _lead_days(text: str) -> tuple[int, ...]:
    """'1,30,7,7' -> (30, 7, 1), as /dangky reads its own list."""
    days = _numbers(text)
    if not days or any(d > 365 for d in days):
        raise ValueError("not days from 0 to 365")
    return tuple(sorted(set(days), reverse=True))


def _seconds(text: str) -> int:
    if not text.isdigit() or int(text) <= 0:
        raise ValueError("not a positive whole number")
    return int(text)


def _zone(key: str) -> str:
    try:
        ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("unknown time zone") from exc
    return key


def _level(text: str) -> str:
    if text.upper() not in LOG_LEVELS:
        raise ValueError("unknown level")
    return text.upper()


# Each variable's value from its (stripped, non-empty) text; a ValueError when it breaks the variable's rule.
PARSERS: dict[str, Callable[[str], object]] = {
    "TELEGRAM_BOT_TOKEN": _matching(r"^[^\s\x00-\x1f]*$"),
    "TELEGRAM_BASE_URL": _http_url,
    "TELEGRAM_BASE_FILE_URL": _http_url,
    "TELEGRAM_WEBHOOK_SECRET": _matching(r"^[A-Za-z0-9_-]{0,256}$"),
    "DATABASE_URL": _matching(r"^[A-Za-z][A-Za-z0-9+.-]*://"),
    "ADMIN_IDS": _user_ids,
    "PLANBOT_TZ": _zone,
    "REMINDER_LEAD_DAYS": _lead_days,
    "REMINDER_SWEEP_SECONDS": _seconds,
    "PLANBOT_LOG_LEVEL": _level,
}


def said(var: str, value: object) -> str:
    """What is wrong with one variable, e.g. "REMINDER_LEAD_DAYS phải là … ví dụ 30,7,1, nhận được '400'"."""
    shown = "" if var in _SECRET or not isinstance(value, str | int) else f", nhận được {value!r}"
    return f"{var} {RULES[var]}{shown}"


def _set(values: Mapping[str, str | None]) -> dict[str, str]:
    """planbot's variables among `values` (names in any case, as pydantic-settings reads them), stripped; an empty
    one counts as unset."""
    return {k.upper(): v.strip() for k, v in values.items() if k.upper() in RULES and v and v.strip()}


def _dotenv(path: Path | None) -> dict[str, str]:
    """The variables a .env file sets (python-dotenv, imported only when there is a file)."""
    if path is None or not path.is_file():
        return {}
    from dotenv import dotenv_values
    return _set(dotenv_values(path, encoding="utf-8"))


def given(env: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")) -> dict[str, str]:
    """The variables set: the environment (or `env`, which then stands for it) over the `dotenv` file."""
    return {**_dotenv(dotenv), **_set(os.environ if env is None else env)}


def parse(values: Mapping[str, str]) -> dict[str, object]:
    """Each variable's value (`PARSERS`), or a SettingsError with one Vietnamese sentence per bad variable, in the
    order of `RULES`."""
    parsed: dict[str, object] = {}
    bad: list[str] = []
    for var in (v for v in RULES if v in values):
        try:
            parsed[var] = PARSERS[var](values[var])
        except ValueError:
            bad.append(said(var, values[var]))
    if bad:
        raise SettingsError("; ".join(bad) + ".")
    return parsed


@dataclass(frozen=True)
class Basics:
    """What every command but `run` and `worker` reads of its environment; `Basics.load()` is the way to get one."""

    database_url: str = field(repr=False)
    tz: str = DEFAULT_TZ
    bot_token: str = field(default="", repr=False)  # only to mask it, should a log line ever carry it

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")) -> Basics:
        """Every variable set is checked, as `Settings.load` does (a bad one stops any command); SettingsError if
        one is bad."""
        values = parse(given(env, dotenv))
        return cls(database_url=str(values.get("DATABASE_URL") or default_database_url()),
                   tz=str(values.get("PLANBOT_TZ", DEFAULT_TZ)), bot_token=str(values.get("TELEGRAM_BOT_TOKEN", "")))
