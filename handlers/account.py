"""/id: the numbers an operator needs to set the bot up (ADMIN_IDS, a group's chat id)."""
from __future__ import annotations

from telegram import Update

from handlers.common import say
from handlers.context import Context


async def ids(update: Update, context: Context) -> None:
    user, chat = update.effective_user, update.effective_chat
    lines = []
    if user:
        lines.append(f"Mã người dùng của bạn: <code>{user.id}</code>")
    if chat:
        lines.append(f"Mã cuộc trò chuyện này: <code>{chat.id}</code>")
    lines.append("Quản trị viên: người vận hành thêm mã người dùng vào ADMIN_IDS (cách nhau bởi dấu phẩy) rồi khởi "
                 "động lại bot.")
    await say(update, "\n".join(lines))
