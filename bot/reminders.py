"""The reminder sweep: which reminders are due, claim them in the ledger, send, record what happened.

Nothing about a reminder lives only in memory: the sweep recomputes what is due from the database, the ledger's
unique key stops a second send (also across processes), and a restart simply sweeps again.

Crash policy (at most once): a delivery is marked 'sending' right before its own send, one at a time, so a
process killed mid-broadcast leaves exactly one message in flight; that one becomes 'uncertain' (Telegram may
have delivered it) and is not resent. Everything it had claimed but not attempted goes back to 'pending' and is
sent by the next sweep: at once when the stopped process ran on this machine, after CLAIM_LEASE otherwise.
"""
from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from itertools import zip_longest
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from db import reminders as store
from db.models import DeliveryStatus as Status
from knowledge.reminder_rules import DUE_GRACE, due_keys, reminder_text

log = logging.getLogger("planbot.reminders")
Send = Callable[[int, str], Awaitable[object]]
CLAIM_BATCH = 50  # claimed at a time: about two seconds of sending at Telegram's pace
CLAIM_LEASE = timedelta(minutes=2)  # a claim not attempted by then is given back (its worker is gone)
STALE_SENDING = timedelta(minutes=10)  # longer than any send with its RetryAfter waits
MAX_ATTEMPTS = 5  # sweeps that may retry a delivery the network kept from leaving
PER_CHAT_GAP = 1.0  # Telegram: at most one message per second to the same chat


def worker_name() -> str:
    """host:pid:nonce — the nonce tells this process from an earlier one that had the same pid (a container's)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def stopped_here(workers: Iterable[str], me: str) -> list[str]:
    """Workers of this machine whose process no longer runs (or whose pid is now someone else's)."""
    host = socket.gethostname()
    gone = []
    for name in workers:
        w_host, _, rest = name.partition(":")
        pid_text, _, _ = rest.partition(":")
        if w_host != host or name == me or not pid_text.isdigit():
            continue
        if int(pid_text) == os.getpid() or not _alive(int(pid_text)):
            gone.append(name)
    return gone


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _by_turns(items: list[store.Claimed]) -> list[store.Claimed]:
    """One chat's reminders spread out (each chat's first, then each chat's second …): none waits on a gap."""
    by_chat: dict[int, list[store.Claimed]] = {}
    for item in items:
        by_chat.setdefault(item.chat_id, []).append(item)
    return [item for turn in zip_longest(*by_chat.values()) for item in turn if item is not None]


class ReminderService:
    """One per process; several processes may sweep one PostgreSQL database at the same time."""

    def __init__(self, db: Engine, tz: ZoneInfo, worker: str | None = None) -> None:
        self.db, self.tz = db, tz
        self.worker = worker or worker_name()
        self._last_sent: dict[int, float] = {}

    async def sweep(self, now: datetime, send: Send) -> dict[str, int]:
        """Find, claim and send what is due at `now`, one send at a time; returns counts by outcome.

        Telegram's pace is the bot's rate limiter's job; one chat's reminders go out a second apart."""
        await asyncio.to_thread(self._plan, now)
        counts: dict[str, int] = {}
        while batch := await asyncio.to_thread(store.claim, self.db, self.worker, CLAIM_BATCH):
            for item in _by_turns(batch):
                outcome = await self._deliver(item, now, send)
                counts[outcome] = counts.get(outcome, 0) + 1
        return counts

    def _plan(self, now: datetime) -> None:
        dead = stopped_here(store.claimers(self.db), self.worker)
        recovered = store.recover(self.db, dead, CLAIM_LEASE, STALE_SENDING)
        if any(recovered.values()):
            log.warning("Nhắc mốc của tiến trình đã dừng: %s gửi lại, %s có thể đã tới (không gửi lại)",
                        recovered["claimed"], recovered["sending"])
        known = store.ledger_keys(self.db, now - DUE_GRACE - timedelta(days=1))
        send, skip = due_keys(store.active_milestones(self.db), store.active_subscriptions(self.db),
                              now, self.tz, known)
        store.record(self.db, send, skip)

    async def _pace(self, chat_id: int) -> None:
        wait = self._last_sent.get(chat_id, 0.0) + PER_CHAT_GAP - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        self._last_sent[chat_id] = time.monotonic()

    async def _deliver(self, item: store.Claimed, now: datetime, send: Send) -> str:
        text = reminder_text(item.title, item.occurrence_at, now, self.tz, item.derived)
        chat_id = item.chat_id
        await self._pace(chat_id)
        if not await asyncio.to_thread(store.attempt, self.db, item.delivery_id, self.worker):
            return "taken"  # the claim lapsed and another worker has it
        for _ in range(2):  # a second time only to a group's new id
            try:
                await send(chat_id, text)
            except ChatMigrated as exc:
                await asyncio.to_thread(store.migrate_chat, self.db, chat_id, exc.new_chat_id)
                chat_id = exc.new_chat_id
                continue
            except RetryAfter as exc:  # the rate limiter already waited and retried as often as it may
                return await self._finish(item, Status.FAILED, f"Telegram vẫn yêu cầu chờ: {exc}")
            except Forbidden as exc:
                await asyncio.to_thread(store.deactivate_subscription, self.db, chat_id)
                return await self._finish(item, Status.FAILED, f"forbidden: {exc}")
            except TimedOut as exc:
                if "not* sent" in str(exc):  # PTB's pool timeout: the request never left
                    return await self._retry_later(item, f"timeout before sending: {exc}")
                # the request may have reached Telegram: never resend blindly
                return await self._finish(item, Status.UNCERTAIN, f"timeout: {exc}")
            except BadRequest as exc:
                return await self._finish(item, Status.FAILED, str(exc))
            except NetworkError as exc:  # not sent; a later sweep tries again
                return await self._retry_later(item, f"network: {exc}")
            except TelegramError as exc:
                return await self._finish(item, Status.FAILED, str(exc))
            return await self._finish(item, Status.SENT, "", chat_id if chat_id != item.chat_id else None)
        return await self._finish(item, Status.FAILED, "chat migrated twice")

    async def _retry_later(self, item: store.Claimed, error: str) -> str:
        again = item.attempts + 1 < MAX_ATTEMPTS
        return await self._finish(item, Status.PENDING if again else Status.FAILED, error)

    async def _finish(self, item: store.Claimed, status: Status, error: str = "", chat_id: int | None = None) -> str:
        if error:
            log.warning("Nhắc mốc %s tới chat %s: %s", item.milestone_id, item.chat_id, error)
        await asyncio.to_thread(store.finish, self.db, item.delivery_id, status, error, chat_id)
        return status
