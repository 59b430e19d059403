"""/them: add a project through a short guided conversation (ConversationHandler); /huy cancels."""
from __future__ import annotations

import asyncio
import warnings
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from db import edits
from handlers import pending
from handlers.admin import actor, refresh
from handlers.common import say
from handlers.context import Context, admin_only, is_admin
from handlers.questions import STALE_BUTTON
from knowledge.compose import plan_period
from knowledge.fields import EditError, prepare, visible_text
from knowledge.new_records import project_groups
from knowledge.numbers import BadNumber, fmt_amount, parse_amount
from knowledge.records import Record, RecordKind

PARENT, TITLE, INVESTOR, TMDT, PLAN, CONFIRM = range(6)
DRAFT = "new_project"
MAX_TITLE = 300
SAVE, DROP = "them:luu", "them:huy"  # callback_data "them:luu:<token>" / "them:huy:<token>" (handlers.pending)
BUTTONS = "them:"
DRAFT_KIND = "new-project"  # the draft a summary's Lưu saves: one per admin, a newer /them expires the older
TIMEOUT = 900  # seconds: the conversation's, and how long a summary's buttons stay good


def _typed(update: Update) -> str:
    """The text of the message that came in ('' for none)."""
    message = update.effective_message
    return (message.text or "") if message else ""


@admin_only
async def start(update: Update, context: Context) -> int:
    context.user_store[DRAFT] = {}
    pending.withdraw(context.user_store, DRAFT_KIND)
    groups = project_groups(context.state.answerer.kb)
    example = f", ví dụ <code>{groups[0].id}</code> ({escape(groups[0].title)})" if groups else ""
    await say(update, "Thêm dự án mới (gõ /huy để dừng bất cứ lúc nào).\n"
                      f"Dự án thuộc mục nào? Gửi mã mục cha{example}.")
    return PARENT


async def got_parent(update: Update, context: Context) -> int:
    parent = _typed(update).strip().upper()
    if parent not in context.state.answerer.kb.records:
        await say(update, f"Không có mục «{escape(parent[:40])}». Gửi lại mã mục cha (xem /duan).")
        return PARENT
    context.user_store[DRAFT]["parent"] = parent
    await say(update, "Tên dự án?")
    return TITLE


async def got_title(update: Update, context: Context) -> int:
    try:
        title = visible_text(_typed(update), MAX_TITLE, "Tên dự án")
    except EditError as exc:
        await say(update, f"{escape(str(exc))} Gửi lại tên.")
        return TITLE
    context.user_store[DRAFT]["title"] = title
    await say(update, "Chủ đầu tư? (ví dụ: Sở TT&amp;TT, UBND huyện Tam Dương)")
    return INVESTOR


async def got_investor(update: Update, context: Context) -> int:
    text = _typed(update)
    kb = context.state.answerer.kb
    try:
        edit = prepare(kb, context.user_store[DRAFT]["parent"], "chu_dau_tu", text)
    except EditError as exc:
        await say(update, f"{escape(str(exc))} Gửi lại chủ đầu tư.")
        return INVESTOR
    context.user_store[DRAFT].update(cdt=str(edit.value), agencies=list(edit.agencies))
    await say(update, "Tổng mức đầu tư (triệu đồng)? Ví dụ 1.500 hoặc 1,5 tỷ.")
    return TMDT


async def _amount(update: Update, context: Context, key: str) -> bool:
    try:
        context.user_store[DRAFT][key] = parse_amount(_typed(update))
    except BadNumber as exc:
        await say(update, f"Số tiền không hợp lệ: {escape(str(exc))}. Gửi lại.")
        return False
    return True


async def got_tmdt(update: Update, context: Context) -> int:
    if not await _amount(update, context, "tmdt"):
        return TMDT
    period = plan_period(context.state.answerer.kb)
    await say(update, f"Kế hoạch vốn {period} (triệu đồng)? Gửi <code>-</code> nếu bằng TMĐT.")
    return PLAN


async def got_plan(update: Update, context: Context) -> int:
    draft = context.user_store[DRAFT]
    if _typed(update).strip() == "-":
        draft["ke_hoach"] = draft["tmdt"]
    elif not await _amount(update, context, "ke_hoach"):
        return PLAN
    expected = await asyncio.to_thread(edits.next_child_id, context.state.db, draft["parent"])
    token = pending.offer(context.user_store, DRAFT_KIND, dict(draft), replace=True)  # Lưu saves what this shows
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("Lưu", callback_data=f"{SAVE}:{token}"),
                                     InlineKeyboardButton("Hủy", callback_data=f"{DROP}:{token}")]])
    await say(update, f"Sẽ thêm <b>{expected}</b> (mã dự kiến, cấp khi lưu) — {escape(draft['title'])}\n"
                       f"Thuộc: {draft['parent']}\n"
                       f"Chủ đầu tư: {escape(draft['cdt'])}\nTMĐT: {fmt_amount(draft['tmdt'])}\n"
                       f"Kế hoạch vốn {plan_period(context.state.answerer.kb)}: {fmt_amount(draft['ke_hoach'])}",
              buttons)
    return CONFIRM


async def decided(update: Update, context: Context) -> int | None:
    """Lưu / Hủy under a summary: acts once, on the draft that summary showed. Any other press (saved, cancelled,
    a summary replaced by a newer /them, timed out, or data nobody sent) changes nothing, and a draft being
    written goes on (None keeps the conversation where it is)."""
    query = update.callback_query
    if query is None:
        return None
    if not is_admin(update, context):  # nobody else has drafts: the button is not theirs
        await query.answer(STALE_BUTTON, show_alert=True)
        return None
    data = query.data or ""
    drop = data.startswith(f"{DROP}:")
    token = pending.token_of(data, f"{DROP if drop else SAVE}:")
    draft = pending.take(context.user_store, DRAFT_KIND, token, ttl=TIMEOUT)  # taken before any await
    if not isinstance(draft, dict):
        await pending.expired(query)
        return None
    context.user_store.pop(DRAFT, None)
    await query.answer()
    if drop:
        await query.edit_message_text("Đã hủy, không thêm dự án nào.")
        return ConversationHandler.END
    today = context.state.clock.now().astimezone(context.state.tz).strftime("%d/%m/%Y")
    who = (query.from_user.full_name.strip() if query.from_user else "") or actor(update)
    record = Record(id="", kind=RecordKind.PROJECT, title=draft["title"], parent=draft["parent"],
                    source=f"Bổ sung bởi quản trị viên {who} ngày {today} "
                           "(không có trong văn bản Kế hoạch)",
                    amounts={"tmdt": draft["tmdt"], "ke_hoach": draft["ke_hoach"]},
                    agencies=tuple(draft["agencies"]),
                    fields={"cdt": draft["cdt"], "giai_doan": plan_period(context.state.answerer.kb)})
    added = await asyncio.to_thread(edits.create_record, context.state.db, record, actor(update))
    await refresh(context)
    await query.edit_message_text(f"Đã thêm {added.record_id} — {escape(record.title)}. Hoàn tác: /hoantac")
    return ConversationHandler.END


async def cancel(update: Update, context: Context) -> int:
    """/huy: drops the draft, if there is one."""
    draft = context.user_store.pop(DRAFT, None)
    pending.withdraw(context.user_store, DRAFT_KIND)
    await say(update, "Đã dừng thêm dự án; không có gì thay đổi." if draft is not None
              else "Không có dự án nào đang thêm dở để hủy.")
    return ConversationHandler.END


def conversation() -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    with warnings.catch_warnings():  # per user and chat is what we want; PTB notes buttons are tracked that way
        warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
        return _conversation(text)


def _conversation(text: filters.BaseFilter) -> ConversationHandler:
    button: CallbackQueryHandler[Context, object] = CallbackQueryHandler(decided, pattern=f"^{BUTTONS}")
    return ConversationHandler(  # a summary's button is an entry point too: a stale one is answered in any state
        entry_points=[CommandHandler("them", start), CommandHandler("huy", cancel), button],  # /huy: nothing to drop
        states={PARENT: [MessageHandler(text, got_parent)], TITLE: [MessageHandler(text, got_title)],
                INVESTOR: [MessageHandler(text, got_investor)], TMDT: [MessageHandler(text, got_tmdt)],
                PLAN: [MessageHandler(text, got_plan)],
                CONFIRM: [button]},
        fallbacks=[CommandHandler("huy", cancel)],
        allow_reentry=True,  # /them in the middle of a draft starts a new one
        conversation_timeout=TIMEOUT,
    )
