"""Start-up of `planbot run` and `planbot worker`: logs that never show the token, and checks that stop the process
with one Vietnamese line on stderr (exit code 2) instead of a traceback: no token, a token Telegram rejects, a Bot
API out of reach, a database out of reach or newer than this planbot.

Light at import (no Telegram, no SQLAlchemy, no pydantic), since every command installs the log mask."""
from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable
from traceback import format_exception
from typing import TYPE_CHECKING

from db.url import describe, where

if TYPE_CHECKING:
    from bot.settings import Settings

EXIT = 2  # the process could not start (a setting, the token, the Bot API, the database): said in a line
MASK = "<token>"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_IN_URL = re.compile(r"(?<=bot)\d+:[^/\s\"'?]+")  # any token in a Bot API URL: …/bot123:ABC…/getMe
NO_TOKEN = {
    "run": "Chưa có TELEGRAM_BOT_TOKEN. Tạo bot với @BotFather trên Telegram (lệnh /newbot), rồi đặt token vào biến "
           "môi trường hoặc tệp .env. Không cần token để dùng thử: planbot chat hoặc planbot ask \"…\".",
    "worker": "Chưa có TELEGRAM_BOT_TOKEN: planbot worker gửi nhắc mốc qua Telegram nên cần token.",
}


class StartupError(Exception):
    """Why the bot cannot start: one or two Vietnamese lines that name what to fix, never the token."""


class MaskingFormatter(logging.Formatter):
    """Formats as usual, then hides the token: as set, and any `bot<token>` in a URL (httpx logs request URLs)."""

    def __init__(self, token: str = "", fmt: str = LOG_FORMAT) -> None:
        super().__init__(fmt)
        self.token = token

    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record), self.token)


def mask(text: str, token: str = "") -> str:
    """'POST http://h/bot123:AB-c/getMe' -> 'POST http://h/bot<token>/getMe'."""
    if token:
        text = text.replace(token, MASK)
    return _IN_URL.sub(MASK, text)


def configure_logging(token: str = "", level: str = "WARNING") -> None:
    """One stderr handler on the root logger whose every line is masked, and a traceback that escapes masked too
    (PTB's InvalidToken quotes the token). httpx writes a line per Bot API call (its URL holds the token): those
    show only at DEBUG."""
    logging.basicConfig(level=level, format=LOG_FORMAT, force=True)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(MaskingFormatter(token))
    quiet = logging.NOTSET if level == "DEBUG" else logging.WARNING
    for noisy in ("httpx", "httpcore", "apscheduler"):  # a line per Bot API call, per job run every sweep
        logging.getLogger(noisy).setLevel(quiet)
    sys.excepthook = lambda kind, exc, tb: sys.stderr.write(mask("".join(format_exception(kind, exc, tb)), token))


def check(settings: Settings, command: str) -> None:
    """StartupError unless the token is set and accepted (getMe) and the database opens at the newest schema."""
    from bot.doctor import check_token, post_bot_api  # the same getMe check and wording as `planbot doctor`

    if not settings.bot_token:
        raise StartupError(NO_TOKEN[command])
    found = check_token(settings, post_bot_api)
    if not found.ok:
        raise StartupError(mask(found.text, settings.bot_token))
    open_database(settings.database_url)


def open_database(url: str) -> None:
    """Connect and open the schema (a new database is created at the newest migration), or StartupError: one
    behind the code must be upgraded with `planbot migrate` first."""
    from sqlalchemy.exc import SQLAlchemyError

    from db.engine import make_engine
    from db.errors import SchemaBehind
    try:
        make_engine(url).dispose()
    except SchemaBehind as exc:
        raise StartupError(str(exc)) from None
    except (SQLAlchemyError, ImportError, OSError) as exc:
        raise StartupError(f"Không mở được cơ sở dữ liệu {describe(url)} ({type(exc).__name__}): kiểm tra "
                           "DATABASE_URL và máy chủ cơ sở dữ liệu.") from None
    except Exception as exc:
        from alembic.util import CommandError  # imported here: a database at the newest revision opens without it
        if not isinstance(exc, CommandError):
            raise
        # a revision this planbot does not know: the database was migrated by a newer one
        raise StartupError("Cơ sở dữ liệu ở phiên bản mới hơn bản planbot này: hãy cài bản planbot mới hơn.") from None


def run(settings: Settings, command: str, serve: Callable[[], int | None]) -> int:
    """The checks, where the data is, then `serve()`; a start that fails, in the checks or in PTB's own first
    calls, says why on stderr and gives EXIT."""
    try:
        check(settings, command)
        print(where(settings.database_url), file=sys.stderr, flush=True)
        return serve() or 0
    except StartupError as exc:
        said = str(exc)
    except Exception as exc:
        failure = _failure(exc, settings)
        if failure is None:
            raise
        said = failure
    print(said, file=sys.stderr)
    return EXIT


def _failure(exc: Exception, settings: Settings) -> str | None:
    """What an exception escaping a start means to the operator; None for one that is a bug."""
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError
    from telegram.error import InvalidToken, NetworkError

    if isinstance(exc, InvalidToken):
        return "Bot API từ chối token: kiểm tra TELEGRAM_BOT_TOKEN với @BotFather."
    if isinstance(exc, NetworkError):
        return f"Không kết nối được Bot API tại {settings.base_url} ({type(exc).__name__})."
    if isinstance(exc, SQLAlchemyError | CommandError):
        try:
            open_database(settings.database_url)
        except StartupError as said:
            return str(said)
        return f"Lỗi cơ sở dữ liệu {describe(settings.database_url)} ({type(exc).__name__})."
    return None
