"""Building the Telegram Application: settings, engine, handlers, command menu, polling or webhook."""
from __future__ import annotations

import asyncio
import logging
import secrets
import signal
from zoneinfo import ZoneInfo

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot import startup
from bot.ratelimit import TelegramPace
from bot.reminders import ReminderService
from bot.settings import Settings
from bot.updates import PerChatUpdateProcessor
from db.engine import make_engine
from db.live import LiveKnowledge
from db.reader import saved_index_path
from handlers import account, admin, errors, milestones, new_project, plan_commands, questions, transfer
from handlers.common import RECORD_PREFIX
from handlers.context import CONTEXT_TYPES, STATE, AppState, Context
from knowledge.clock import Clock, SystemClock

log = logging.getLogger("planbot")
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
CONFLICT_EXIT = 3  # another process polls the token: a service manager must not restart this one into a fight

MENU = [
    BotCommand("start", "Giới thiệu và ví dụ câu hỏi"),
    BotCommand("help", "Hướng dẫn sử dụng"),
    BotCommand("duan", "Dự án và kinh phí: /duan <từ khóa>"),
    BotCommand("ngansach", "Ngân sách theo năm: /ngansach [năm]"),
    BotCommand("nhiemvu", "Nhiệm vụ của cơ quan: /nhiemvu <cơ quan>"),
    BotCommand("muctieu", "Mục tiêu của Kế hoạch: /muctieu [chủ đề]"),
    BotCommand("lotrinh", "Lộ trình thực hiện"),
    BotCommand("moc", "Các mốc sắp tới và thời gian còn lại"),
    BotCommand("dangky", "Đăng ký nhắc mốc: /dangky [30,7,1]"),
    BotCommand("huydangky", "Hủy nhận nhắc mốc"),
    BotCommand("id", "Mã người dùng và mã cuộc trò chuyện (để cài đặt bot)"),
]
ADMIN_MENU = [
    BotCommand("sua", "Sửa một trường: /sua <mã> <trường> <giá trị>"),
    BotCommand("them", "Thêm dự án mới (từng bước)"),
    BotCommand("xoa", "Xóa một mục: /xoa <mã>"),
    BotCommand("hoantac", "Hoàn tác thay đổi gần nhất"),
    BotCommand("nhatky", "Nhật ký thay đổi: /nhatky [số dòng]"),
    BotCommand("nhap", "Nhập dữ liệu từ tệp .xlsx, .csv, .json"),
    BotCommand("xuat", "Xuất toàn bộ dữ liệu"),
    BotCommand("themmoc", "Thêm mốc: /themmoc <dd/mm/yyyy> [HH:MM] <tiêu đề>"),
    BotCommand("xoamoc", "Xóa mốc: /xoamoc <mã>"),
]


async def _post_init(app: Application) -> None:
    """Everyone's menu; each admin's private chat also lists the admin commands (as rules-bot scopes them)."""
    await app.bot.set_my_commands(MENU)
    for admin_id in sorted(state_of(app).admin_ids):
        try:
            await app.bot.set_my_commands(MENU + ADMIN_MENU, scope=BotCommandScopeChat(admin_id))
        except TelegramError as exc:  # an admin who never opened a chat with the bot: the menu waits for them
            log.warning("Không đặt được menu quản trị cho %s: %s", admin_id, exc.message)


def state_of(app: Application) -> AppState:
    state: AppState = app.bot_data[STATE]
    return state


async def sweep_reminders(context: Context) -> None:
    """The JobQueue job: APScheduler only wakes it; what is due comes from the database."""
    service = context.job.data if context.job else None
    if not isinstance(service, ReminderService):
        return

    async def send(chat_id: int, text: str) -> None:
        await context.bot.send_message(chat_id, text)

    counts = await service.sweep(context.state.clock.now(), send)
    if counts:
        log.info("Nhắc mốc: %s", counts)


async def follow_other_processes(context: Context) -> None:
    """Another bot process (or the CLI) changed the knowledge: rebuild this process's index too."""
    await asyncio.to_thread(context.state.knowledge.follow)


def build_application(settings: Settings, clock: Clock | None = None) -> Application:
    tz = ZoneInfo(settings.tz)
    app = (ApplicationBuilder().token(settings.bot_token).base_url(settings.base_url)
           .base_file_url(settings.base_file_url).rate_limiter(TelegramPace())
           .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=tz, link_preview_options=NO_PREVIEW))
           .context_types(CONTEXT_TYPES).concurrent_updates(PerChatUpdateProcessor()).post_init(_post_init).build())
    db = make_engine(settings.database_url)
    knowledge = LiveKnowledge(db, settings.tz, saved_index_path(settings.database_url))
    app.bot_data[STATE] = AppState(db=db, knowledge=knowledge, clock=clock or SystemClock(),
                                   tz=tz, admin_ids=frozenset(settings.admin_ids),
                                   lead_days=tuple(settings.reminder_lead_days))
    jobs = app.job_queue
    if jobs is None:  # pragma: no cover - the job-queue extra is a dependency
        raise RuntimeError("python-telegram-bot[job-queue] is required")
    jobs.run_repeating(sweep_reminders, interval=settings.reminder_sweep_seconds, first=1, name="reminder-sweep",
                       data=ReminderService(db, tz))
    jobs.run_repeating(follow_other_processes, interval=settings.reminder_sweep_seconds, first=5,
                       name="knowledge-refresh")
    app.add_handler(new_project.conversation())
    app.add_handler(CommandHandler(["start", "help"], questions.start))
    app.add_handler(CommandHandler("id", account.ids))
    app.add_handler(CommandHandler("duan", plan_commands.project))
    app.add_handler(CommandHandler("ngansach", plan_commands.budget))
    app.add_handler(CommandHandler("nhiemvu", plan_commands.duties))
    app.add_handler(CommandHandler("muctieu", plan_commands.targets))
    app.add_handler(CommandHandler("lotrinh", plan_commands.roadmap))
    app.add_handler(CommandHandler("moc", milestones.milestones))
    app.add_handler(CommandHandler("dangky", milestones.subscribe))
    app.add_handler(CommandHandler("huydangky", milestones.unsubscribe))
    app.add_handler(CommandHandler("themmoc", milestones.add_milestone))
    app.add_handler(CommandHandler("xoamoc", milestones.remove_milestone))
    app.add_handler(CommandHandler("sua", admin.edit))
    app.add_handler(CommandHandler("xoa", admin.delete))
    app.add_handler(CommandHandler("nhatky", admin.audit_log))
    app.add_handler(CommandHandler("hoantac", admin.undo))
    app.add_handler(CommandHandler("xuat", transfer.export))
    app.add_handler(CommandHandler("nhap", transfer.ask_for_file))
    app.add_handler(MessageHandler(filters.Document.ALL, transfer.receive_file))
    app.add_handler(CallbackQueryHandler(transfer.confirm, pattern=f"^({transfer.APPLY}|{transfer.CANCEL})(:|$)"))
    app.add_handler(CallbackQueryHandler(admin.delete_button,
                                         pattern=f"^({admin.DELETE_PREFIX}|{admin.CANCEL_PREFIX})"))
    app.add_handler(CallbackQueryHandler(questions.record_button, pattern=f"^{RECORD_PREFIX}"))
    app.add_handler(CallbackQueryHandler(questions.stale_button))  # any other button: answered, never spinning
    app.add_handler(InlineQueryHandler(questions.inline_query))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, questions.question))
    app.add_handler(MessageHandler(filters.COMMAND, questions.unknown_command))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND
                                   & ~filters.StatusUpdate.ALL, questions.not_text))
    app.add_error_handler(errors.on_error)
    return app


def configure_logging(settings: Settings) -> None:
    """At PLANBOT_LOG_LEVEL, every line with the token masked (httpx's request lines show only at DEBUG)."""
    startup.configure_logging(settings.bot_token, settings.log_level)


def run_polling(settings: Settings) -> int:
    """Polls until stopped; 1 when it stopped because another process polls the same token."""
    configure_logging(settings)
    app = build_application(settings)
    app.run_polling(allowed_updates=Update.ALL_TYPES)
    return CONFLICT_EXIT if state_of(app).stopped_by_conflict else 0


def run_worker(settings: Settings) -> int:
    """Reminder sweeps and knowledge refreshes without taking updates: any number of these beside the one
    polling process (Telegram lets one getUpdates run per token)."""
    configure_logging(settings)
    app = build_application(settings)

    async def serve() -> None:
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(sig, stop.set)
        async with app:
            await app.start()  # the JobQueue: sweeps and refreshes; no updater, so no getUpdates
            log.info("planbot worker đang chạy: nhắc mốc, không nhận update")
            await stop.wait()
            await app.stop()

    asyncio.run(serve())
    return 0


def run_webhook(settings: Settings, url: str, listen: str, port: int) -> None:
    """PTB's webhook server; Telegram must send the secret token header or the update is refused."""
    configure_logging(settings)
    secret = settings.webhook_secret or secrets.token_urlsafe(32)
    path = url.rstrip("/").rsplit("/", 1)[-1] if "/" in url.split("://", 1)[-1] else ""
    build_application(settings).run_webhook(listen=listen, port=port, url_path=path, webhook_url=url,
                                            secret_token=secret, allowed_updates=Update.ALL_TYPES)
