"""Sending replies the Telegram way: HTML, split at line boundaries, candidates as buttons."""
from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import MessageLimit

from knowledge.answer import Answer, AnswerKind
from knowledge.render import split_html

log = logging.getLogger("planbot.handlers")
MAX_BUTTONS = 5
RECORD_PREFIX = "r:"  # callback_data = "r:<record id>", ids only, well under 64 bytes
NOT_TEXT = "Tôi chỉ đọc câu hỏi bằng chữ. Gõ /help để xem ví dụ."


def split_message(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Telegram-sized chunks of an HTML reply, each valid HTML, cut at line ends (or spaces in a very long line)."""
    return split_html(text, limit)


def keyboard(answer: Answer) -> InlineKeyboardMarkup | None:
    """Buttons when several records fit about equally; pressing one answers with that record."""
    if answer.kind != AnswerKind.CANDIDATES or len(answer.candidates) < 2:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label[:60], callback_data=f"{RECORD_PREFIX}{rid}")]
                                 for rid, label in answer.candidates[:MAX_BUTTONS]])


async def reply(message: Message, answer: Answer) -> None:
    chunks = split_message(answer.html)
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        await message.reply_text(chunk,
                                 reply_markup=keyboard(answer) if last else None)


async def say(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """A short HTML reply to the message that came in."""
    if update.effective_message:
        await update.effective_message.reply_text(text, reply_markup=markup)
