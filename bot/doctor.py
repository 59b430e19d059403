"""`planbot doctor`: one ✓/✗ line per thing a deployment needs, before it goes live.

Nothing is changed: the database is only read (no table is created), the Bot API only asked `getMe`. The token is
never printed, only the bot's username it belongs to."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.settings import Settings, SettingsError

TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Finding:
    ok: bool | None  # None: not checked (nothing set to check)
    text: str

    def line(self) -> str:
        return f"{'✓' if self.ok else '–' if self.ok is None else '✗'} {self.text}"


def _database(settings: Settings) -> Iterator[Finding]:
    from sqlalchemy import create_engine, inspect, make_url
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import SQLModel

    import db.models  # noqa: F401  (the tables the code expects)
    from db import migrate
    from db.reader import read_knowledge
    try:
        url = make_url(settings.database_url)
        if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
            yield Finding(False, f"Chưa có tệp cơ sở dữ liệu {url.database}: chạy planbot seed.")
            return
        engine = create_engine(settings.database_url)
        with engine.connect():
            tables = set(inspect(engine).get_table_names())
    except (SQLAlchemyError, ValueError, ImportError) as exc:
        yield Finding(False, f"Cơ sở dữ liệu không kết nối được ({type(exc).__name__}): kiểm tra DATABASE_URL.")
        return
    missing = sorted(set(SQLModel.metadata.tables) - tables)
    if missing:
        yield Finding(False, f"Cơ sở dữ liệu kết nối được nhưng thiếu bảng {', '.join(missing)}: chạy planbot seed.")
        return
    at, newest = migrate.current(engine), migrate.head()
    if at is not None and at not in migrate.known():
        yield Finding(False, f"Cơ sở dữ liệu ở phiên bản {at}, mới hơn bản planbot này ({newest}): hãy cài bản "
                             "planbot mới hơn.")
        return
    if at != newest:
        yield Finding(False, f"Cơ sở dữ liệu ở phiên bản {at or 'trước khi có migration'}, mới nhất là {newest}: "
                             "chạy planbot migrate.")
        return
    yield Finding(True, f"Cơ sở dữ liệu kết nối được, đủ các bảng, phiên bản {newest}.")
    kb = read_knowledge(settings.database_url)
    if kb is None or not len(kb):
        yield Finding(False, "Cơ sở dữ liệu chưa có dữ liệu Kế hoạch: chạy planbot seed.")
    else:
        yield Finding(True, f"Dữ liệu Kế hoạch: {len(kb)} bản ghi, {len(kb.agencies)} cơ quan.")


def check_token(settings: Settings, post: Callable[[str], dict]) -> Finding:
    if not settings.bot_token:
        return Finding(None, "Chưa đặt TELEGRAM_BOT_TOKEN: chỉ dùng được planbot chat / ask (planbot run cần token).")
    try:
        answer = post(f"{settings.base_url}{settings.bot_token}/getMe")
    except Exception as exc:  # noqa: BLE001 - any network failure is the same finding for the operator
        return Finding(False, f"Không kết nối được Bot API tại {settings.base_url} ({type(exc).__name__}).")
    if not answer.get("ok"):
        return Finding(False, f"Bot API từ chối token ({answer.get('error_code', '?')} "
                              f"{answer.get('description', '')}): kiểm tra TELEGRAM_BOT_TOKEN với @BotFather.")
    return Finding(True, f"Token hợp lệ: bot @{answer['result'].get('username', '?')}.")


def _webhook(url: str, get: Callable[[str], int]) -> Finding:
    try:
        status = get(url)
    except Exception as exc:  # noqa: BLE001
        return Finding(False, f"Không tới được URL webhook {url} ({type(exc).__name__}).")
    if status == 404 or status >= 500:  # a wrong path, or the proxy answering for a bot that is not running
        return Finding(False, f"URL webhook {url} trả lời HTTP {status}: kiểm tra đường dẫn và bot phía sau proxy.")
    return Finding(True, f"URL webhook {url} trả lời (HTTP {status}).")


def post_bot_api(url: str) -> dict:
    import httpx
    return httpx.post(url, timeout=TIMEOUT_SECONDS).json()


def _get(url: str) -> int:
    import httpx
    return httpx.get(url, timeout=TIMEOUT_SECONDS).status_code


def findings(webhook_url: str | None = None) -> Iterator[Finding]:
    try:
        settings = Settings.load()
    except SettingsError as exc:
        yield Finding(False, f"Cấu hình không hợp lệ: {exc}")
        return
    try:
        ZoneInfo(settings.tz)
    except (ZoneInfoNotFoundError, ValueError):
        yield Finding(False, f"PLANBOT_TZ={settings.tz!r} không phải múi giờ (ví dụ Asia/Ho_Chi_Minh).")
    else:
        yield Finding(True, f"Cấu hình đọc được (múi giờ {settings.tz}, nhắc trước "
                            f"{','.join(map(str, settings.reminder_lead_days))} ngày).")
    yield from _database(settings)
    yield check_token(settings, post_bot_api)
    yield (Finding(True, f"ADMIN_IDS: {len(settings.admin_ids)} quản trị viên.") if settings.admin_ids else
           Finding(False, "ADMIN_IDS trống: không ai dùng được lệnh quản trị. Gửi /id cho bot để biết mã của mình."))
    if webhook_url:
        yield _webhook(webhook_url, _get)


def run(webhook_url: str | None = None) -> int:
    """Print each finding; 0 only when none failed."""
    failed = False
    for f in findings(webhook_url):
        print(f.line(), flush=True)
        failed |= f.ok is False
    print("Sẵn sàng." if not failed else "Có mục cần sửa (✗) trước khi chạy bot.")
    return 1 if failed else 0
