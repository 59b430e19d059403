"""/moc, /dangky, /huydangky and the admin commands /themmoc, /xoamoc."""
from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from telegram import Update
from telegram.ext import ContextTypes

from bot.occurrences import RECURRENCES, due_text, local_text, next_occurrence, time_left
from bot.reminders import parse_leads
from db import reminders as store
from handlers.common import engine_of, refuse_non_admin, say
from knowledge.fields import visible_text
from knowledge.numbers import whole_number

MAX_TITLE = 200
MAX_ID = 2**31 - 1  # ids the database holds
FIRST_YEAR, LAST_YEAR = 1900, 2100  # a milestone outside these years is a typo
UPCOMING = 10
RECENT_PAST = 5
_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
_TIME = re.compile(r"^([0-9]{1,2}):([0-9]{2})$")
_TIME_LIKE = re.compile(r"^-\d{1,2}:\d{2}$|^\d{1,2}(?::\d{1,3}|[hg]\d{1,2})$")  # -1:00, 7:5, 7h30, ٠٨:٠٠ (not 1.)
_RECURRENCE_WORDS = {"hằng năm": "yearly", "hàng năm": "yearly", "hang nam": "yearly",
                     "hằng tháng": "monthly", "hàng tháng": "monthly", "hang thang": "monthly"}


def _ctx(context: ContextTypes.DEFAULT_TYPE) -> tuple:
    data = context.application.bot_data
    return data["db"], ZoneInfo(data["settings"].tz), data["clock"].now()


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


def _nothing_upcoming(context: ContextTypes.DEFAULT_TYPE) -> str:
    plan = engine_of(context).kb.plan
    period = f" ({escape(plan.get('giai_doan'), quote=False)})" if plan and plan.get("giai_doan") else ""
    return f"Không có mốc nào sắp tới: các mốc của Kế hoạch{period} đều đã qua."


async def milestones(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
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


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    engine, tz, now = _ctx(context)
    settings = context.application.bot_data["settings"]
    arg = " ".join(context.args or [])
    try:
        leads = parse_leads(arg) if arg.strip() else list(settings.reminder_lead_days)
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
    await say(update, "Đã đăng ký nhận nhắc mốc cho cuộc trò chuyện này, báo trước "
                       f"{', '.join(str(d) for d in leads)} ngày. {ahead} Hủy: /huydangky. Xem các mốc: /moc")


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    engine, _, _ = _ctx(context)
    if update.effective_chat is None:
        return
    done = await asyncio.to_thread(store.unsubscribe, engine, update.effective_chat.id)
    await say(update, "Đã hủy nhận nhắc mốc." if done else "Cuộc trò chuyện này chưa đăng ký nhận nhắc mốc.")


def parse_milestone(args: list[str], tz: ZoneInfo, now: datetime) -> tuple[datetime, str, str]:
    """'<dd/mm/yyyy> [HH:MM] [hằng năm|hằng tháng] <tiêu đề>' -> (due in UTC, recurrence, title)."""
    if not args:
        raise ValueError("Thiếu ngày. Cú pháp: /themmoc dd/mm/yyyy [HH:MM] tiêu đề")
    m = _DATE.match(args[0])
    if not m:
        raise ValueError(f"Ngày «{escape(args[0][:20])}» không đúng dạng dd/mm/yyyy.")
    day, month, year = (whole_number(part, 0, 9999) or 0 for part in m.groups())
    rest = args[1:]
    hour, minute = 8, 0
    if rest and (t := _TIME.match(rest[0])):
        typed_hour, typed_minute = whole_number(t.group(1), 0, 23), whole_number(t.group(2), 0, 59)
        if typed_hour is None or typed_minute is None:
            raise ValueError(f"Giờ «{escape(rest[0])}» không tồn tại: giờ phải từ 00:00 đến 23:59.")
        hour, minute, rest = typed_hour, typed_minute, rest[1:]
    elif rest and _TIME_LIKE.match(rest[0]):  # '-1:00', '7h30': a time, mistyped, is not the title's first word
        raise ValueError(f"Giờ «{escape(rest[0][:10])}» không đúng dạng HH:MM (00:00 đến 23:59).")
    if not FIRST_YEAR <= year <= LAST_YEAR:  # a year 1 or 9999 is a typo (a past date is said later)
        raise ValueError(f"Năm {escape(m.group(3))} không hợp lệ: mốc phải từ năm {now.year} đến {LAST_YEAR}.")
    try:
        local = datetime(year, month, day, hour, minute, tzinfo=tz)
    except ValueError:
        raise ValueError(f"Ngày {escape(args[0])} không tồn tại.") from None
    title = " ".join(rest).strip()
    recurrence = ""
    for words, kind in _RECURRENCE_WORDS.items():
        if title.lower().startswith(words + " "):
            recurrence, title = kind, title[len(words):].strip()
            break
    if not title:
        raise ValueError("Thiếu tiêu đề mốc. Ví dụ: /themmoc 31/12/2026 17:00 Nộp báo cáo ứng dụng CNTT")
    title = visible_text(title, MAX_TITLE, "Tiêu đề mốc")
    due = local.astimezone(ZoneInfo("UTC"))
    if due <= now and not recurrence:
        raise ValueError(f"Ngày {local_text(due, tz)} đã qua; mốc mới phải ở tương lai.")
    if recurrence and due <= now:
        due = next_occurrence(due, recurrence, now + timedelta(seconds=1), tz) or due
    return due, recurrence, title


async def add_milestone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await refuse_non_admin(update, context):
        return
    engine, tz, now = _ctx(context)
    try:
        due, recurrence, title = parse_milestone(list(context.args or []), tz, now)
    except ValueError as exc:
        await say(update, f"Không thêm được mốc: {exc}")
        return
    user = update.effective_user
    m = await asyncio.to_thread(store.add_milestone, engine, title, due, user.id if user else None, recurrence)
    repeat = f", lặp {RECURRENCES[recurrence]}" if recurrence else ""
    await say(update, f"Đã thêm mốc <b>[{m.id}]</b> {escape(title, quote=False)} — {local_text(due, tz)}"
                       f"{repeat}, còn {time_left(due - now)}. Xóa: /xoamoc {m.id}")


async def remove_milestone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await refuse_non_admin(update, context):
        return
    engine, _, _ = _ctx(context)
    arg = " ".join(context.args or []).strip()
    mid = whole_number(arg, 1, MAX_ID)
    if mid is None:
        await say(update, "Cú pháp: /xoamoc &lt;mã mốc&gt; (mã là số trong ngoặc vuông ở /moc).")
        return
    m = await asyncio.to_thread(store.deactivate_milestone, engine, mid)
    if m is None:
        await say(update, f"Không có mốc đang hoạt động nào mang mã {mid}. Xem /moc.")
        return
    await say(update, f"Đã xóa mốc [{m.id}] {escape(m.title, quote=False)}; sẽ không còn nhắc mốc này.")
