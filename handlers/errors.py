"""The error handler: log what happened (never the token), tell the user politely."""
from __future__ import annotations

import json
import logging

from telegram import Update
from telegram.ext import ContextTypes

log = logging.getLogger("planbot.errors")
SORRY = "Xin lỗi, đã có lỗi khi xử lý yêu cầu của bạn. Vui lòng thử lại sau ít phút."


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    token = context.bot.token
    payload = update.to_dict() if isinstance(update, Update) else str(update)
    text = json.dumps(payload, ensure_ascii=False)[:2000].replace(token, "<token>")
    log.error("Lỗi khi xử lý update %s", text, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat:
        try:
            await context.bot.send_message(update.effective_chat.id, SORRY)
        except Exception:  # noqa: BLE001 - nothing more to tell the user if even this fails
            log.warning("Không gửi được thông báo lỗi tới chat %s", update.effective_chat.id)
