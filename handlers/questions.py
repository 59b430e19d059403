"""Free-text questions and the /start, /help commands."""
from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from knowledge.engine import Engine


def engine_of(context: ContextTypes.DEFAULT_TYPE) -> Engine:
    return context.application.bot_data["engine"]


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or not message.text:
        return
    answer = engine_of(context).answer(message.text)
    await message.reply_text(answer.text, parse_mode=ParseMode.HTML, disable_web_page_preview=True)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from knowledge.compose import help_text
    if update.effective_message:
        await update.effective_message.reply_text(help_text(engine_of(context).kb), parse_mode=ParseMode.HTML)
