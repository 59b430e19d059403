"""/xuat sends the knowledge as .xlsx and .json; /nhap takes a file, shows a dry run, applies on a button."""
from __future__ import annotations

from datetime import datetime
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from db import edits
from handlers.admin import actor, refresh
from handlers.common import admin_press, engine_of, refuse_non_admin
from knowledge import files

APPLY, CANCEL = "nhap:ok", "nhap:huy"
PENDING = "pending_import"
AWAITING = "awaiting_import"


async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await refuse_non_admin(update, context) or update.effective_message is None:
        return
    kb = engine_of(context).kb
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    await update.effective_message.reply_document(files.to_xlsx(kb), filename=f"planbot-{stamp}.xlsx",
                                                  caption=f"Toàn bộ dữ liệu: {len(kb)} bản ghi (mỗi loại một trang).")
    await update.effective_message.reply_document(files.to_json(kb), filename=f"planbot-{stamp}.json",
                                                  caption="Cùng dữ liệu, định dạng tệp của knowledge/data.")


async def ask_for_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await refuse_non_admin(update, context) or update.effective_message is None:
        return
    if update.effective_message.document:
        await receive_file(update, context)
        return
    context.user_data[AWAITING] = True
    await update.effective_message.reply_text("Gửi tệp .xlsx, .csv hoặc .json (như tệp /xuat tạo ra). Tôi sẽ báo "
                                              "trước những gì thay đổi; chỉ áp dụng khi bạn bấm xác nhận.")


async def receive_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document from an admin after /nhap (or with /nhap as caption): dry run + confirm buttons."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    with_caption = (message.caption or "").strip().lower().startswith("/nhap")
    if not (with_caption or context.user_data.pop(AWAITING, False)):
        return
    if await refuse_non_admin(update, context):
        return
    doc = message.document
    if (doc.file_size or 0) > files.MAX_BYTES:
        await message.reply_text("Tệp quá lớn (tối đa 5 MB). Không có gì được thay đổi.")
        return
    content = bytes(await (await doc.get_file()).download_as_bytearray())
    try:
        parsed = files.read_file(doc.file_name or "", content)
    except files.FileError as exc:
        await message.reply_text(f"Tệp bị từ chối: {exc} Không có gì được thay đổi.")
        return
    current = engine_of(context).kb
    plan = edits.plan_import(current, parsed)
    report = f"<b>Xem trước nhập dữ liệu</b> ({escape(doc.file_name or '')}):\n<pre>{escape(plan.describe())}</pre>"
    if plan.errors or plan.is_noop:
        await message.reply_text(report, parse_mode=ParseMode.HTML)
        return
    context.user_data[PENDING] = plan
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("Áp dụng", callback_data=APPLY),
                                     InlineKeyboardButton("Hủy", callback_data=CANCEL)]])
    await message.reply_text(report, parse_mode=ParseMode.HTML, reply_markup=buttons)


async def confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = await admin_press(update, context, "Chỉ quản trị viên được nhập dữ liệu.")
    if query is None:
        return
    plan = context.user_data.pop(PENDING, None)
    if query.data == CANCEL or plan is None:
        await query.edit_message_text("Đã hủy nhập dữ liệu; không có gì thay đổi." if plan or query.data == CANCEL
                                      else "Không còn tệp nào chờ áp dụng; hãy gửi lại với /nhap.")
        return
    edits.apply_import(context.application.bot_data["db"], engine_of(context).kb, plan, actor(update))
    refresh(context)
    await query.edit_message_text(f"Đã áp dụng: thêm {len(plan.added)}, thay đổi {len(plan.changed)} bản ghi. "
                                  "Hoàn tác từng bản ghi: /hoantac")
