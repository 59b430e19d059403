"""/xuat sends the knowledge as .xlsx and .json; /nhap takes a file, shows a dry run, applies on a button.

Writing, reading, planning and applying a file run in worker threads, so a large one holds up no other chat."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from html import escape

from telegram import Document, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from db import edits
from handlers import pending
from handlers.admin import actor, refresh
from handlers.common import NOT_TEXT
from handlers.context import Context, admin_only, is_admin, refuse
from knowledge import files, import_plan
from knowledge.records import KnowledgeBase

log = logging.getLogger("planbot.handlers")
APPLY, CANCEL = "nhap:ok", "nhap:huy"  # callback_data "nhap:ok:<token>" / "nhap:huy:<token>" (handlers.pending)
IMPORT_KIND = "import"  # one pending import per admin: a newer preview expires the older one's buttons
AWAITING = "awaiting_import"
TOO_BIG = f"Tệp quá lớn (tối đa {files.MAX_BYTES // (1024 * 1024)} MB). Không có gì được thay đổi."
NOT_DOWNLOADED = "Không tải được tệp từ Telegram. Hãy gửi lại sau ít phút; không có gì được thay đổi."
IMPORT_HINT = "Tôi chỉ đọc câu hỏi bằng chữ. Để nhập dữ liệu, gửi lại tệp kèm chú thích /nhap."


@admin_only
async def export(update: Update, context: Context) -> None:
    if update.effective_message is None:
        return
    kb = context.state.answerer.kb
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    xlsx = await asyncio.to_thread(files.to_xlsx, kb)
    await update.effective_message.reply_document(xlsx, filename=f"planbot-{stamp}.xlsx",
                                                  caption=f"Toàn bộ dữ liệu: {len(kb)} bản ghi (mỗi loại một trang).")
    await update.effective_message.reply_document(await asyncio.to_thread(files.to_json, kb),
                                                  filename=f"planbot-{stamp}.json",
                                                  caption="Cùng dữ liệu, định dạng tệp của knowledge/data.")


@admin_only
async def ask_for_file(update: Update, context: Context) -> None:
    if update.effective_message is None:
        return
    if update.effective_message.document:
        await receive_file(update, context)
        return
    context.user_store[AWAITING] = True
    await update.effective_message.reply_text("Gửi tệp .xlsx, .csv hoặc .json (như tệp /xuat tạo ra). Tôi sẽ báo "
                                              "trước những gì thay đổi; chỉ áp dụng khi bạn bấm xác nhận.")


async def _fetch(doc: Document) -> bytes | None:
    """The file's bytes; None when it is over the limit, by the size the message gives or, when it gives none, the
    size getFile reports (then nothing is downloaded). Telegram's refusals are raised as TelegramError."""
    if (doc.file_size or 0) > files.MAX_BYTES:
        return None
    file = await doc.get_file()
    if (file.file_size or 0) > files.MAX_BYTES:
        return None
    return bytes(await file.download_as_bytearray())


def _dry_run(kb: KnowledgeBase, name: str, content: bytes) -> import_plan.ImportPlan:
    """What importing the file would change; FileError when it cannot be read."""
    return import_plan.plan_import(kb, files.read_file(name, content))


async def receive_file(update: Update, context: Context) -> None:
    """A document from an admin after /nhap (or with /nhap as caption): dry run + confirm buttons. Any other
    document in a private chat gets a hint; in a group it is none of the bot's business."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    with_caption = (message.caption or "").strip().lower().startswith("/nhap")
    if not (with_caption or context.user_store.pop(AWAITING, False)):
        if message.chat.type == ChatType.PRIVATE:
            await message.reply_text(IMPORT_HINT if is_admin(update, context) else NOT_TEXT)
        return
    if not is_admin(update, context):
        await refuse(update)
        return
    try:
        content = await _fetch(message.document)
    except TelegramError as exc:
        log.warning("Không tải được tệp %s: %s", message.document.file_id, exc.message)
        await message.reply_text(NOT_DOWNLOADED)
        return
    if content is None:
        await message.reply_text(TOO_BIG)
        return
    name = message.document.file_name or ""
    try:
        plan = await asyncio.to_thread(_dry_run, context.state.answerer.kb, name, content)
    except files.FileError as exc:
        await message.reply_text(f"Tệp bị từ chối: {escape(str(exc))} Không có gì được thay đổi.")
        return
    report = f"<b>Xem trước nhập dữ liệu</b> ({escape(name)}):\n<pre>{escape(plan.describe())}</pre>"
    if plan.errors or plan.is_noop:
        pending.withdraw(context.user_store, IMPORT_KIND)  # a newer preview: the older one's buttons expire
        await message.reply_text(report)
        return
    token = pending.offer(context.user_store, IMPORT_KIND, plan, replace=True)
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("Áp dụng", callback_data=f"{APPLY}:{token}"),
                                     InlineKeyboardButton("Hủy", callback_data=f"{CANCEL}:{token}")]])
    await message.reply_text(report, reply_markup=buttons)


@admin_only
async def confirm(update: Update, context: Context) -> None:
    """Áp dụng / Hủy under a preview: acts once, on the plan that preview showed; a press under an older preview
    (or applied, cancelled, expired, or data nobody sent) changes nothing."""
    query = update.callback_query
    if query is None:
        return
    data = query.data or ""
    cancel = data.startswith(f"{CANCEL}:")
    token = pending.token_of(data, f"{CANCEL if cancel else APPLY}:")
    plan = pending.take(context.user_store, IMPORT_KIND, token)  # taken before any await: one press acts
    if not isinstance(plan, import_plan.ImportPlan):
        await pending.expired(query)
        return
    await query.answer()
    if cancel:
        await query.edit_message_text("Đã hủy nhập dữ liệu; không có gì thay đổi.")
        return
    await asyncio.to_thread(edits.apply_import, context.state.db, context.state.answerer.kb, plan,
                            actor(update))
    await refresh(context)
    await query.edit_message_text(f"Đã áp dụng: thêm {len(plan.added)}, thay đổi {len(plan.changed)} bản ghi. "
                                  "Hoàn tác từng bản ghi: /hoantac")
