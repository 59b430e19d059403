"""What every handler can reach, typed: the application's state (database, live knowledge, clock, the settings
handlers use) as `context.state`, PTB's ContextTypes pointing at it, and the one gate for admin-only actions."""
from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from telegram import Update
from telegram.ext import CallbackContext, ContextTypes, ConversationHandler, ExtBot

from db.live import LiveKnowledge
from knowledge.clock import Clock
from knowledge.engine import Answerer

log = logging.getLogger("planbot.handlers")
STATE = "state"  # the one key of bot_data
NOT_ADMIN = "Lệnh này chỉ dành cho quản trị viên. Yêu cầu của bạn không được thực hiện."
NOT_ADMIN_BUTTON = "Chỉ quản trị viên được dùng nút này."


@dataclass
class AppState:
    db: Engine
    knowledge: LiveKnowledge
    clock: Clock
    tz: ZoneInfo
    admin_ids: frozenset[int]
    lead_days: tuple[int, ...]
    stopped_by_conflict: bool = False  # another process polls the token: this one stops with its own exit code

    @property
    def answerer(self) -> Answerer:
        return self.knowledge.answerer


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def state(self) -> AppState:
        state: AppState = self.bot_data[STATE]
        return state

    @property
    def user_store(self) -> dict[Any, Any]:
        """This user's data across updates; an update from no user (a channel post) gets one that is not kept."""
        return self.user_data if self.user_data is not None else {}


CONTEXT_TYPES = ContextTypes(context=Context)
R = TypeVar("R")


def is_admin(update: Update, context: Context) -> bool:
    """The sender is in ADMIN_IDS."""
    user = update.effective_user
    return user is not None and user.id in context.state.admin_ids


async def refuse(update: Update) -> None:
    """The refusal a non-admin gets: an alert on a pressed button, a reply to a message; logged."""
    user = update.effective_user
    message = update.effective_message
    query = update.callback_query
    what = query.data if query else ((message.text or message.caption or "") if message else "")
    log.warning("Từ chối thao tác quản trị %r của người dùng %s", (what or "?")[:40], user.id if user else "?")
    if query is not None:
        await query.answer(NOT_ADMIN_BUTTON, show_alert=True)
    elif message is not None:
        await message.reply_text(NOT_ADMIN)


def admin_only(handler: Callable[[Update, Context], Awaitable[R]]
               ) -> Callable[[Update, Context], Coroutine[Any, Any, R | int]]:
    """Run `handler` for admins only; anyone else is refused and nothing changes (a conversation does not start)."""
    @functools.wraps(handler)
    async def gated(update: Update, context: Context) -> R | int:
        if is_admin(update, context):
            return await handler(update, context)
        await refuse(update)
        return ConversationHandler.END

    return gated
