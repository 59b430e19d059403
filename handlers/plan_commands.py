"""/duan, /ngansach, /nhiemvu, /muctieu, /lotrinh: parse the argument, ask the engine, send."""
from __future__ import annotations

import asyncio
from html import escape

from telegram import Update

from db import reminders as store
from handlers.chart import budget_chart, roadmap_chart
from handlers.common import reply, say
from handlers.context import Context
from knowledge.answer import Answer
from knowledge.budget import yearly_sources
from knowledge.numbers import whole_number
from knowledge.periods import record_period

PROJECT_KINDS = frozenset({"project", "group", "component"})
TARGET_KINDS = frozenset({"target", "target_group", "general_goal", "indicator"})


def _argument(context: Context) -> str:
    return " ".join(context.args or []).strip()


async def project(update: Update, context: Context) -> None:
    keyword = _argument(context)
    if not keyword:
        await say(update, "Gõ /duan kèm từ khóa, ví dụ: <code>/duan chữ ký số</code> hoặc "
                             "<code>/duan mạng LAN Tam Dương</code>.")
        return
    if update.effective_message:
        await reply(update.effective_message, context.state.answerer.answer(keyword, PROJECT_KINDS))


async def budget(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    engine = context.state.answerer
    arg = _argument(context)
    if arg:
        first, last = engine.years or (0, 0)
        year = whole_number(arg, first, last)
        if year is None:
            await say(update, f"Năm không hợp lệ: «{escape(arg[:20], quote=False)}». Gõ /ngansach hoặc "
                                 f"/ngansach {last} (từ {first} đến {last}).")
            return
        await reply(message, engine.budget_year(year))
        return
    series, title = yearly_sources(engine.kb)
    if series:
        await message.reply_photo(await asyncio.to_thread(budget_chart, series, title), caption=title)
    await reply(message, engine.section("money"))


async def duties(update: Update, context: Context) -> None:
    agency = _argument(context)
    engine = context.state.answerer
    answer: Answer = engine.duties_of(agency) if agency else engine.section("duty")
    if update.effective_message:
        await reply(update.effective_message, answer)


async def targets(update: Update, context: Context) -> None:
    topic = _argument(context)
    engine = context.state.answerer
    answer = engine.answer(f"mục tiêu {topic}", TARGET_KINDS) if topic else engine.section("target")
    if update.effective_message:
        await reply(update.effective_message, answer)


async def roadmap(update: Update, context: Context) -> None:
    """The roadmap as the plan states it, and a picture of its phases, the milestones and today."""
    message = update.effective_message
    if not message:
        return
    state = context.state
    kb = context.state.answerer.kb
    phases = [(r.title, *period) for r in kb.of_kind("phase") if (period := record_period(r))]
    if phases:
        tz = state.tz  # today and the milestones as the officials' calendar has them
        marks = [m.due_at.astimezone(tz) for m in await asyncio.to_thread(store.active_milestones, state.db)]
        title = f"Lộ trình thực hiện Kế hoạch {kb.plan.get('so_hieu', '') if kb.plan else ''}".strip()
        today = state.clock.now().astimezone(tz).date()
        chart = await asyncio.to_thread(roadmap_chart, phases, marks, today, title)
        await message.reply_photo(chart, caption=title)
    await reply(message, context.state.answerer.section("roadmap"))
