"""The reminder sweep: which reminders are due, claim them in the ledger, send, record what happened.

Nothing about a reminder lives only in memory: the sweep recomputes what is due from the database, the ledger's
unique key stops a second send (also across processes), and a restart simply sweeps again.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import warnings
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.occurrences import due_text, occurrences, time_left
from db import reminders as ledger
from db.models import Milestone, Subscription
from knowledge.numbers import whole_number

log = logging.getLogger("planbot.reminders")
Send = Callable[[int, str], Awaitable[object]]
CLAIM_BATCH = 500
MAX_RETRY_AFTER = 3
MAX_ATTEMPTS = 5  # sweeps that may retry a delivery the network kept from leaving
STALE_SENDING = timedelta(minutes=10)
PER_CHAT_GAP = 1.0  # Telegram: at most one message per second to the same chat
SEND_CONCURRENCY = 8  # chats served at once; the overall 30/s is the rate limiter's job


def _seconds(exc: RetryAfter) -> float:
    """RetryAfter's wait, whichever type this PTB version gives (int now, timedelta later)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


def parse_leads(text: str) -> list[int]:
    """'30,7,1' -> [30, 7, 1]; raises ValueError with a Vietnamese message."""
    parts = [p for p in text.replace(" ", ",").split(",") if p]
    days = [whole_number(p, 0, 10**9) for p in parts]
    if not parts or None in days:
        raise ValueError("Số ngày báo trước phải là các số nguyên, cách nhau bởi dấu phẩy, ví dụ 30,7,1.")
    leads = sorted({d for d in days if d is not None}, reverse=True)
    if len(leads) > 10 or leads[0] > 365:
        raise ValueError("Số ngày báo trước phải từ 0 đến 365, tối đa 10 mốc.")
    return leads


def due_keys(milestones: list[Milestone], subscriptions: list[Subscription], now: datetime, tz: ZoneInfo,
             known: set[ledger.Key]) -> tuple[list[ledger.Key], list[ledger.Key]]:
    """(to send, to skip). Per milestone occurrence and chat, of the leads whose moment has come and that are not
    in the ledger, only the nearest is sent: after downtime one reminder, not a burst."""
    send: list[ledger.Key] = []
    skip: list[ledger.Key] = []
    subs = [(s.chat_id, [int(x) for x in s.lead_days.split(",") if x]) for s in subscriptions]
    horizon = max((max(leads) for _, leads in subs if leads), default=0)
    for m in milestones:
        for occ in occurrences(m.due_at, m.recurrence, now, now + timedelta(days=horizon), tz):
            for chat, leads in subs:
                due = sorted(lead for lead in leads if occ - timedelta(days=lead) <= now)
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
    return (f"⏰ <b>Nhắc mốc kế hoạch:</b> {escape(title, quote=False)}\n"
            f"Hạn: {due_text(occurrence, tz, derived)}\nCòn {time_left(occurrence - now)}.")


class ReminderService:
    """One per process; several processes may sweep one PostgreSQL database at the same time."""

    def __init__(self, engine: Engine, tz: ZoneInfo, worker: str | None = None) -> None:
        self.engine, self.tz = engine, tz
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        self._last_sent: dict[int, float] = {}

    async def sweep(self, now: datetime, send: Send) -> dict[str, int]:
        """Find, claim and send what is due at `now`; returns counts by outcome.

        Chats are served concurrently (the bot's rate limiter keeps the overall pace); one chat's reminders go
        out in order, a second apart."""
        await asyncio.to_thread(self._plan, now)
        counts: dict[str, int] = {}
        gate = asyncio.Semaphore(SEND_CONCURRENCY)

        async def serve(items: list[ledger.Claimed]) -> None:
            async with gate:
                for item in items:
                    outcome = await self._deliver(item, now, send)
                    counts[outcome] = counts.get(outcome, 0) + 1

        while True:
            batch = await asyncio.to_thread(ledger.claim, self.engine, self.worker, CLAIM_BATCH)
            if not batch:
                return counts
            by_chat: dict[int, list[ledger.Claimed]] = {}
            for item in batch:
                by_chat.setdefault(item.chat_id, []).append(item)
            await asyncio.gather(*(serve(items) for items in by_chat.values()))

    def _plan(self, now: datetime) -> None:
        ledger.abandon_stale(self.engine, STALE_SENDING)
        known = ledger.ledger_keys(self.engine, now - timedelta(days=1))
        send, skip = due_keys(ledger.active_milestones(self.engine), ledger.active_subscriptions(self.engine),
                              now, self.tz, known)
        ledger.record(self.engine, send, skip)

    async def _pace(self, chat_id: int) -> None:
        wait = self._last_sent.get(chat_id, 0.0) + PER_CHAT_GAP - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        self._last_sent[chat_id] = time.monotonic()

    async def _deliver(self, item: ledger.Claimed, now: datetime, send: Send) -> str:
        text = reminder_text(item.title, item.occurrence_at, now, self.tz, item.derived)
        chat_id = item.chat_id
        for attempt in range(MAX_RETRY_AFTER + 1):
            await self._pace(chat_id)
            try:
                await send(chat_id, text)
            except RetryAfter as exc:
                if attempt == MAX_RETRY_AFTER:
                    return await self._finish(item, "pending", f"retry after: {exc}")
                await asyncio.sleep(_seconds(exc))
            except ChatMigrated as exc:
                await asyncio.to_thread(ledger.migrate_chat, self.engine, chat_id, exc.new_chat_id)
                chat_id = exc.new_chat_id
            except Forbidden as exc:
                await asyncio.to_thread(ledger.deactivate_subscription, self.engine, chat_id)
                return await self._finish(item, "failed", f"forbidden: {exc}")
            except TimedOut as exc:
                if "not* sent" in str(exc):  # PTB's pool timeout: the request never left
                    return await self._retry_later(item, f"timeout before sending: {exc}")
                # the request may have reached Telegram: never resend blindly
                return await self._finish(item, "uncertain", f"timeout: {exc}")
            except BadRequest as exc:
                return await self._finish(item, "failed", str(exc))
            except NetworkError as exc:  # not sent; a later sweep tries again
                return await self._retry_later(item, f"network: {exc}")
            except TelegramError as exc:
                return await self._finish(item, "failed", str(exc))
            else:
                return await self._finish(item, "sent", "", chat_id if chat_id != item.chat_id else None)
        return "pending"  # pragma: no cover - the loop always returns

    async def _retry_later(self, item: ledger.Claimed, error: str) -> str:
        return await self._finish(item, "pending" if item.attempts < MAX_ATTEMPTS else "failed", error)

    async def _finish(self, item: ledger.Claimed, status: str, error: str = "", chat_id: int | None = None) -> str:
        if error:
            log.warning("Nhắc mốc %s tới chat %s: %s", item.milestone_id, item.chat_id, error)
        await asyncio.to_thread(ledger.finish, self.engine, item.delivery_id, status, error, chat_id)
        return status
