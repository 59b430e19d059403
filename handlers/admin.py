"""Admin commands: /sua, /xoa (confirmed by button), /nhatky, /hoantac. Every change is audited."""
from __future__ import annotations

import asyncio
from html import escape

from rapidfuzz import process
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from db import edits
from handlers import pending
from handlers.common import say, split_message
from handlers.context import Context, admin_only
from knowledge.fields import FIELD_NAMES, EditError, field_list, prepare, prepare_agency
from knowledge.numbers import whole_number

DELETE_PREFIX = "xoa:"  # callback_data "xoa:<token>" / "xoa-huy:<token>": the pending delete (handlers.pending)
CANCEL_PREFIX = "xoa-huy:"
DELETE_KIND = "delete"
LOG_DEFAULT, LOG_MAX = 10, 50
LOG_VALUE = 80  # characters of an old or new value shown in /nhatky
REFUSAL_VERBS = {"delete": "xóa", "create": "thêm", "replace": "thay (nhập tệp)", "add-milestone": "thêm",
                 "remove-milestone": "xóa"}


def actor(update: Update) -> str:
    return f"telegram:{update.effective_user.id if update.effective_user else '?'}"


async def refresh(context: Context) -> None:
    """Answers use the change at once; the index is rebuilt in a worker thread, other chats go on meanwhile."""
    await asyncio.to_thread(context.state.knowledge.rebuild)


def _unknown_id(context: Context, record_id: str) -> str:
    kb = context.state.answerer.kb
    ids = [*kb.records, *kb.agencies]
    close = [m[0] for m in process.extract(record_id, ids, limit=3, score_cutoff=50)]
    hint = f" Có phải: {', '.join(close)}?" if close else ""
    return f"Không có bản ghi mã «{escape(record_id[:40])}».{hint}"


def _example_id(context: Context) -> str:
    """A project's id from the data, for the examples of /sua and /xoa."""
    projects = context.state.answerer.kb.of_kind("project")
    return escape(projects[0].id) if projects else "&lt;mã&gt;"


@admin_only
async def edit(update: Update, context: Context) -> None:
    """/sua <mã> <trường> <giá trị>"""
    args = list(context.args or [])
    if len(args) < 3:
        await say(update, "Cú pháp: /sua &lt;mã&gt; &lt;trường&gt; &lt;giá trị&gt;, ví dụ "
                           f"<code>/sua {_example_id(context)} tmdt 2.500</code>. Trường: {field_list()}.")
        return
    record_id, field, value = args[0].upper(), args[1].lower(), " ".join(args[2:])
    kb = context.state.answerer.kb
    if record_id not in kb.records and record_id not in kb.agencies:
        await say(update, _unknown_id(context, record_id))
        return
    db = context.state.db
    try:
        if record_id in kb.agencies:
            agency_edit = prepare_agency(kb, record_id, field, value)
            change = await asyncio.to_thread(edits.update_agency, db, record_id, agency_edit, actor(update))
        else:
            record_edit = prepare(kb, record_id, field, value)
            change = await asyncio.to_thread(edits.update_field, db, record_id, record_edit, actor(update))
    except EditError as exc:
        await say(update, f"Không sửa: {escape(str(exc))}")
        return
    await refresh(context)
    name = FIELD_NAMES.get(change.field, change.field)
    await say(update, f"Đã sửa <b>{change.record_id}</b> — {escape(name)}: {escape(change.old)} → "
                       f"<b>{escape(change.new)}</b>. Hoàn tác: /hoantac")


@admin_only
async def delete(update: Update, context: Context) -> None:
    """/xoa <mã>: asks for confirmation by button."""
    record_id = " ".join(context.args or []).strip().upper()
    if not record_id:
        await say(update, f"Cú pháp: /xoa &lt;mã&gt;, ví dụ <code>/xoa {_example_id(context)}</code>.")
        return
    record = context.state.answerer.kb.records.get(record_id)
    if record is None:
        await say(update, _unknown_id(context, record_id))
        return
    token = pending.offer(context.user_store, DELETE_KIND, record_id)
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("Xóa", callback_data=f"{DELETE_PREFIX}{token}"),
                                     InlineKeyboardButton("Không xóa", callback_data=f"{CANCEL_PREFIX}{token}")]])
    await say(update, f"Xóa <b>{record_id}</b> — {escape(record.title[:200])}? (có thể hoàn tác bằng /hoantac)",
               buttons)


@admin_only
async def delete_button(update: Update, context: Context) -> None:
    """Xóa / Không xóa under a /xoa prompt: acts once, on the record that prompt named; any other press (used,
    cancelled, expired, or data nobody sent) changes nothing."""
    query = update.callback_query
    if query is None:
        return
    data = query.data or ""
    cancel = data.startswith(CANCEL_PREFIX)
    token = pending.token_of(data, CANCEL_PREFIX if cancel else DELETE_PREFIX)
    record_id = pending.take(context.user_store, DELETE_KIND, token)  # taken before any await: one press acts
    if not isinstance(record_id, str):
        await pending.expired(query)
        return
    await query.answer()
    if cancel:
        await query.edit_message_text("Đã hủy, không xóa gì.")
        return
    try:
        await asyncio.to_thread(edits.soft_delete, context.state.db, record_id,
                                f"telegram:{query.from_user.id}")
    except LookupError:
        await query.edit_message_text(f"Bản ghi {escape(record_id[:40])} không còn để xóa.")
        return
    await refresh(context)
    await query.edit_message_text(f"Đã xóa {escape(record_id)}. Hoàn tác: /hoantac")


@admin_only
async def audit_log(update: Update, context: Context) -> None:
    """/nhatky [n]: the latest changes, in as many messages as Telegram's 4.096 characters need."""
    arg = " ".join(context.args or []).strip()
    count = whole_number(arg, 1, LOG_MAX) if arg else LOG_DEFAULT
    if count is None:
        await say(update, f"Cú pháp: /nhatky [số dòng từ 1 đến {LOG_MAX}].")
        return
    entries = await asyncio.to_thread(edits.recent, context.state.db, count)
    tz = context.state.tz
    lines = ["<b>Nhật ký thay đổi</b>"] if entries else ["Chưa có thay đổi nào."]
    for a in entries:
        when = a.at.astimezone(tz).strftime("%d/%m/%Y %H:%M")
        what = f"{a.record_id} {FIELD_NAMES.get(a.field, a.field)}".strip()
        undone = " (đã hoàn tác)" if a.undone else ""
        lines.append(f"• {when} {escape(a.actor)} {a.action} {escape(what)}: {escape(a.old[:LOG_VALUE])} → "
                     f"{escape(a.new[:LOG_VALUE])}{undone}")
    for chunk in split_message("\n".join(lines)):
        await say(update, chunk)


def _refusal(refused: edits.UndoRefused, context: Context) -> str:
    """Why an undo changed nothing: who changed the field (or record) since, and when."""
    field = FIELD_NAMES.get(refused.field, refused.field) if refused.field and "," not in refused.field else ""
    target = f"trường {escape(field)} của {escape(refused.record_id)}" if field else escape(refused.record_id)
    if refused.by is None:
        return (f"Không hoàn tác: {target} không còn giữ giá trị bạn đặt (hiện là {escape(refused.current[:200])}); "
                "không thay đổi gì.")
    verb = REFUSAL_VERBS.get(refused.action, "sửa")
    when = f" lúc {refused.at.astimezone(context.state.tz).strftime('%H:%M %d/%m/%Y')}" if refused.at else ""
    return f"Không hoàn tác: {target} đã được {escape(refused.by)} {verb}{when} sau thay đổi của bạn."


@admin_only
async def undo(update: Update, context: Context) -> None:
    """/hoantac: undo the caller's own last change, unless someone changed the same thing since (then it says who
    and when, and changes nothing)."""
    try:
        change = await asyncio.to_thread(edits.undo_last, context.state.db, actor(update))
    except edits.UndoRefused as refused:
        await say(update, _refusal(refused, context))
        return
    if change is None:
        await say(update, "Không có thay đổi nào của bạn để hoàn tác.")
        return
    await refresh(context)
    name = FIELD_NAMES.get(change.field, change.field)
    await say(update, f"Đã hoàn tác trên <b>{escape(change.record_id)}</b> {escape(name)}: {escape(change.old)} → "
                       f"<b>{escape(change.new)}</b>.")
