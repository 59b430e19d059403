"""When reminders are due, and what they say: lead days, the moments of a milestone's occurrences, the text.

Pure rules: the sweep (bot/reminders.py) reads milestones and subscriptions from the database and keeps the
ledger; these decide which (milestone, occurrence, chat, lead) is due now and which are stale."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape
from typing import Protocol
from zoneinfo import ZoneInfo

from knowledge.numbers import whole_number
from knowledge.occurrences import due_text, occurrences, time_left

Key = tuple[int, datetime, int, int]  # milestone id, occurrence, chat id, lead days
DUE_GRACE = timedelta(hours=1)  # a lead of 0 ("at the due time") still goes out this late after a restart
MAX_LEADS, MAX_LEAD_DAYS = 10, 365


class MilestoneLike(Protocol):
    id: int | None
    due_at: datetime
    recurrence: str


class SubscriptionLike(Protocol):
    chat_id: int
    lead_days: str


def leads_text(leads: list[int]) -> str:
    """[30, 7, 0] -> 'báo trước 30, 7 ngày và đúng lúc đến hạn'."""
    days = [str(d) for d in leads if d]
    ahead = f"báo trước {', '.join(days)} ngày" if days else ""
    on_time = "đúng lúc đến hạn" if 0 in leads else ""
    return " và ".join(part for part in (ahead, on_time) if part)


def parse_leads(text: str) -> list[int]:
    """'30,7,1' -> [30, 7, 1]; raises ValueError with a Vietnamese message."""
    parts = [p for p in text.replace(" ", ",").split(",") if p]
    days = [whole_number(p, 0, 10**9) for p in parts]
    if not parts or None in days:
        raise ValueError("Số ngày báo trước phải là các số nguyên, cách nhau bởi dấu phẩy, ví dụ 30,7,1.")
    leads = sorted({d for d in days if d is not None}, reverse=True)
    if len(leads) > MAX_LEADS or leads[0] > MAX_LEAD_DAYS:
        raise ValueError("Số ngày báo trước phải từ 0 đến 365, tối đa 10 mốc.")
    return leads


def due_keys(milestones: Sequence[MilestoneLike], subscriptions: Sequence[SubscriptionLike], now: datetime,
             tz: ZoneInfo, known: set[Key]) -> tuple[list[Key], list[Key]]:
    """(to send, to skip). Per milestone occurrence and chat, of the leads whose moment has come and that are not
    in the ledger, only the nearest is sent: after downtime one reminder, not a burst. A lead of 0 is due at the
    occurrence itself (up to DUE_GRACE late); other leads end when the occurrence passes."""
    send: list[Key] = []
    skip: list[Key] = []
    subs = [(s.chat_id, [int(x) for x in s.lead_days.split(",") if x]) for s in subscriptions]
    horizon = max((max(leads) for _, leads in subs if leads), default=0)
    for m in milestones:
        if m.id is None:  # not saved: nothing to key the ledger on
            continue
        for occ in occurrences(m.due_at, m.recurrence, now - DUE_GRACE, now + timedelta(days=horizon), tz):
            for chat, leads in subs:
                due = sorted(lead for lead in leads if occ - timedelta(days=lead) <= now and (occ >= now or lead == 0))
                new = [lead for lead in due if (m.id, occ, chat, lead) not in known]
                if not new:
                    continue
                if new[0] == due[0]:
                    send.append((m.id, occ, chat, new[0]))
                    skip += [(m.id, occ, chat, lead) for lead in new[1:]]
                else:  # a nearer lead already went out; the older moments are stale
                    skip += [(m.id, occ, chat, lead) for lead in new]
    return send, skip


def reminder_text(title: str, occurrence: datetime, now: datetime, tz: ZoneInfo, derived: bool = False) -> str:
    left = f"Còn {time_left(occurrence - now)}." if occurrence > now else "Đã đến hạn."
    return (f"⏰ <b>Nhắc mốc kế hoạch:</b> {escape(title, quote=False)}\n"
            f"Hạn: {due_text(occurrence, tz, derived)}\n{left}")
