"""Building the Telegram Application: settings, engine, handlers."""
from __future__ import annotations

from telegram.ext import Application, ApplicationBuilder, CommandHandler, MessageHandler, filters

from bot.settings import Settings
from db import make_engine, open_knowledge
from handlers import questions
from knowledge.engine import Engine


def build_application(settings: Settings, engine: Engine | None = None) -> Application:
    app = (ApplicationBuilder().token(settings.bot_token).base_url(settings.base_url)
           .base_file_url(settings.base_file_url).build())
    app.bot_data["engine"] = engine or Engine(open_knowledge(make_engine(settings.database_url)))
    app.add_handler(CommandHandler(["start", "help"], questions.start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, questions.question))
    return app


def run_polling(settings: Settings) -> None:
    build_application(settings).run_polling()
