"""/moc, /dangky, /huydangky and the admin commands /themmoc, /xoamoc."""
from __future__ import annotations

import asyncio
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from telegram import Update

from db import reminders as store
from handlers.admin import actor
from handlers.common import say
from handlers.context import Context, admin_only
from knowledge.milestone_input import parse_milestone
from knowledge.numbers import whole_number
from knowledge.occurrences import RECURRENCES, due_text, local_text, next_occurrence, time_left
from knowledge.reminder_rules import leads_text, parse_leads

MAX_ID = 2**31 - 1  # ids the database holds
UPCOMING = 10
RECENT_PAST = 5


def _ctx(context: Context) -> tuple[Engine, ZoneInfo, datetime]:
    state = context.state
    return state.db, state.tz, state.clock.now()


ADD_HINT = ("Quản trị viên thêm mốc mới: /themmoc &lt;dd/mm/yyyy&gt; [HH:MM] &lt;tiêu đề&gt;, "
            "ví dụ /themmoc 15/12/2026 Nộp báo cáo ứng dụng CNTT năm")


def _upcoming_and_past(engine: Engine, tz: ZoneInfo, now: datetime) -> tuple[list, list]:
    upcoming, past = [], []
    for m in store.active_milestones(engine):
        nxt = next_occurrence(m.due_at, m.recurrence, now, tz)
        if nxt:
            upcoming.append((nxt, m))
        else:
            past.append((m.due_at, m))
    return sorted(upcoming, key=lambda x: x[0]), sorted(past, key=lambda x: x[0], reverse=True)


def _nothing_upcoming(context: Context) -> str:
    plan = context.state.answerer.kb.plan
    period = f" ({escape(plan.get('giai_doan'), quote=False)})" if plan and plan.get("giai_doan") else ""
    return f"Không có mốc nào sắp tới: các mốc của Kế hoạch{period} đều đã qua."


async def milestones(update: Update, context: Context) -> None:
    """Upcoming milestones with the time left, and the most recent past ones; when none is upcoming (the plan's
    own have all passed), it says so and how an admin adds one."""
    engine, tz, now = _ctx(context)
    upcoming, past = await asyncio.to_thread(_upcoming_and_past, engine, tz, now)
    lines = ["<b>Mốc sắp tới</b>"] if upcoming else [_nothing_upcoming(context)]
    for when, m in upcoming[:UPCOMING]:
        repeat = f" ({RECURRENCES[m.recurrence]})" if m.recurrence else ""
        lines.append(f"• [{m.id}] {escape(m.title, quote=False)} — {due_text(when, tz, m.record_id is not None)}, "
                     f"còn {time_left(when - now)}{repeat}")
    if past:
        lines.append("<b>Mốc đã qua gần đây</b>")
        for when, m in past[:RECENT_PAST]:
            lines.append(f"• [{m.id}] {escape(m.title, quote=False)} — {due_text(when, tz, m.record_id is not None)}"
                         " (đã qua)")
    if not upcoming:
        lines.append(ADD_HINT)
    lines.append("Đăng ký nhận nhắc: /dangky 30,7,1")
    await say(update, "\n".join(lines))


async def subscribe(update: Update, context: Context) -> None:
    engine, tz, now = _ctx(context)
    arg = " ".join(context.args or [])
    try:
        leads = parse_leads(arg) if arg.strip() else list(context.state.lead_days)
    except ValueError as exc:
        await say(update, f"{exc} Ví dụ: /dangky 30,7,1")
        return
    if update.effective_chat is None:
        return
    await asyncio.to_thread(store.subscribe, engine, update.effective_chat.id, leads)
    upcoming, _ = await asyncio.to_thread(_upcoming_and_past, engine, tz, now)
    if upcoming:
        when, m = upcoming[0]
        ahead = (f"Mốc gần nhất: {escape(m.title, quote=False)} — {due_text(when, tz, m.record_id is not None)}, "
                 f"còn {time_left(when - now)}.")
    else:
        ahead = f"{_nothing_upcoming(context)} Bạn sẽ được nhắc khi có mốc mới (quản trị viên thêm bằng /themmoc)."
    await say(update, f"Đã đăng ký nhận nhắc mốc cho cuộc trò chuyện này, {leads_text(leads)}. {ahead} "
                       "Hủy: /huydangky. Xem các mốc: /moc")


async def unsubscribe(update: Update, context: Context) -> None:
    engine, _, _ = _ctx(context)
    if update.effective_chat is None:
        return
    done = await asyncio.to_thread(store.unsubscribe, engine, update.effective_chat.id)
    await say(update, "Đã hủy nhận nhắc mốc." if done else "Cuộc trò chuyện này chưa đăng ký nhận nhắc mốc.")


@admin_only
async def add_milestone(update: Update, context: Context) -> None:
    engine, tz, now = _ctx(context)
    try:
        due, recurrence, title = parse_milestone(list(context.args or []), tz, now)
    except ValueError as exc:
        await say(update, f"Không thêm được mốc: {exc}")
        return
    user = update.effective_user
    m = await asyncio.to_thread(store.add_milestone, engine, title, due, user.id if user else None, recurrence,
                                actor=actor(update))
    repeat = f", lặp {RECURRENCES[recurrence]}" if recurrence else ""
    await say(update, f"Đã thêm mốc <b>[{m.id}]</b> {escape(title, quote=False)} — {local_text(due, tz)}"
                       f"{repeat}, còn {time_left(due - now)}. Xóa: /xoamoc {m.id}")


@admin_only
async def remove_milestone(update: Update, context: Context) -> None:
    engine, _, _ = _ctx(context)
    arg = " ".join(context.args or []).strip()
    mid = whole_number(arg, 1, MAX_ID)
    if mid is None:
        await say(update, "Cú pháp: /xoamoc &lt;mã mốc&gt; (mã là số trong ngoặc vuông ở /moc).")
        return
    m = await asyncio.to_thread(store.deactivate_milestone, engine, mid, actor(update))
    if m is None:
        await say(update, f"Không có mốc đang hoạt động nào mang mã {mid}. Xem /moc.")
        return
    await say(update, f"Đã xóa mốc [{m.id}] {escape(m.title, quote=False)}; sẽ không còn nhắc mốc này.")
