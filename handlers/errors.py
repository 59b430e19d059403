"""The error handler: log what happened (never the token), tell the user politely."""
from __future__ import annotations

import json
import logging

from telegram import Update
from telegram.error import Conflict

from handlers.context import Context

log = logging.getLogger("planbot.errors")
SORRY = "Xin lỗi, đã có lỗi khi xử lý yêu cầu của bạn. Vui lòng thử lại sau ít phút."


CONFLICT = ("Dừng: một tiến trình khác đang nhận update bằng token này (409 Conflict). Telegram chỉ cho một tiến "
            "trình polling mỗi token: chạy một planbot run, thêm tiến trình nhắc mốc bằng planbot worker, hoặc dùng "
            "webhook sau bộ cân bằng tải.")


async def on_error(update: object, context: Context) -> None:
    if isinstance(context.error, Conflict):  # another process polls this token: fighting over updates helps no one
        log.error(CONFLICT)
        context.state.stopped_by_conflict = True
        updater = context.application.updater
        if updater is not None and hasattr(updater, "_Updater__polling_cleanup_cb"):
            # PTB's shutdown polls once more to mark updates read; that request would end the other process's
            # long poll with 409 in turn, and both would stop. This process has nothing left to mark read.
            updater._Updater__polling_cleanup_cb = None
        context.application.stop_running()
        return
    token = context.bot.token
    payload = update.to_dict() if isinstance(update, Update) else str(update)
    text = json.dumps(payload, ensure_ascii=False)[:2000].replace(token, "<token>")
    log.error("Lỗi khi xử lý update %s", text, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat:
        try:
            await context.bot.send_message(update.effective_chat.id, SORRY)
        except Exception:  # noqa: BLE001 - nothing more to tell the user if even this fails
            log.warning("Không gửi được thông báo lỗi tới chat %s", update.effective_chat.id)
