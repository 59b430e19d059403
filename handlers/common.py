"""Sending replies the Telegram way: HTML, split at line boundaries, candidates as buttons."""
from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import MessageLimit, ParseMode
from telegram.ext import ContextTypes

from knowledge.answer import Answer
from knowledge.engine import Engine
from knowledge.render import split_html

log = logging.getLogger("planbot.handlers")
MAX_BUTTONS = 5
RECORD_PREFIX = "r:"  # callback_data = "r:<record id>", ids only, well under 64 bytes
NOT_TEXT = "Tôi chỉ đọc câu hỏi bằng chữ. Gõ /help để xem ví dụ."


def engine_of(context: ContextTypes.DEFAULT_TYPE) -> Engine:
    return context.application.bot_data["engine"]


def split_message(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Telegram-sized chunks of an HTML reply, each valid HTML, cut at line ends (or spaces in a very long line)."""
    return split_html(text, limit)


def keyboard(answer: Answer) -> InlineKeyboardMarkup | None:
    """Buttons when several records fit about equally; pressing one answers with that record."""
    if answer.kind != "candidates" or len(answer.candidates) < 2:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label[:60], callback_data=f"{RECORD_PREFIX}{rid}")]
                                 for rid, label in answer.candidates[:MAX_BUTTONS]])


async def reply(message: Message, answer: Answer) -> None:
    chunks = split_message(answer.html)
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        await message.reply_text(chunk, parse_mode=ParseMode.HTML, disable_web_page_preview=True,
                                 reply_markup=keyboard(answer) if last else None)


async def say(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """A short HTML reply to the message that came in."""
    if update.effective_message:
        await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """The sender is in ADMIN_IDS."""
    user = update.effective_user
    return user is not None and user.id in context.application.bot_data["settings"].admin_ids


async def refuse_non_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True (and a polite refusal, logged) when the sender is not in ADMIN_IDS."""
    if is_admin(update, context):
        return False
    user = update.effective_user
    message = update.effective_message
    words = ((message.text or message.caption or "") if message else "").split()  # a file's caption: '/nhap'
    command = words[0] if words else "?"
    log.warning("Từ chối lệnh quản trị %s của người dùng %s", command[:40], user.id if user else "?")
    if message:
        await message.reply_text("Lệnh này chỉ dành cho quản trị viên. Yêu cầu của bạn không được thực hiện.")
    return True


async def admin_press(update: Update, context: ContextTypes.DEFAULT_TYPE, refusal: str) -> CallbackQuery | None:
    """The pressed button's query when an admin pressed it (answered); otherwise a refusal alert and None."""
    query = update.callback_query
    if query is None:
        return None
    if not is_admin(update, context):
        await query.answer(refusal, show_alert=True)
        return None
    await query.answer()
    return query
