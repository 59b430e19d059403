"""Telegram's limits for what a bot sends: about 30 messages a second overall and 20 a minute to one group.

A broadcast should run close to the first limit without passing it at the receiver. Messages are paced on a
schedule of RATE a second; a wake-up that comes late is made up by the next slots (up to a second behind), so
the average holds. Telegram sees a message some time between its send and its reply, so a message counts in the
one-second window from its send until a second after its reply, and at most WINDOW count at once: no second at
the receiver can hold more. Groups: a message counts from its send until a minute after its reply, at most
GROUP_PER_MINUTE per group.

One retry policy for RetryAfter: wait as Telegram says, at most MAX_RETRIES times and only while the wait is at
most MAX_WAIT seconds; then the RetryAfter goes up to the caller (a reminder is then marked failed and logged).
"""
from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger("planbot.ratelimit")
RATE = 29.5
WINDOW = 30
GROUP_PER_MINUTE = 20
MAX_RETRIES = 3
MAX_WAIT = 60.0
PACED = ("send", "edit", "copyMessage", "forwardMessage")  # what Telegram counts as messages
Result = bool | dict[str, Any] | list[dict[str, Any]]


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter's wait, whichever type this PTB version gives (int now, timedelta later)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


class _Window:
    """At most `size` messages counted at once; one counts from its send until `hold` seconds after its reply."""

    def __init__(self, size: int, hold: float) -> None:
        self.size, self.hold = size, hold
        self.in_flight = 0
        self.releases: deque[float] = deque()  # when each replied message stops counting, in order

    async def enter(self) -> None:
        while True:
            now = time.monotonic()
            while self.releases and self.releases[0] <= now:
                self.releases.popleft()
            if self.in_flight + len(self.releases) < self.size:
                self.in_flight += 1
                return
            await asyncio.sleep(self.releases[0] - now if self.releases else 0.01)

    def leave(self) -> None:
        self.in_flight -= 1
        self.releases.append(time.monotonic() + self.hold)


class TelegramPace(BaseRateLimiter[None]):
    def __init__(self, rate: float = RATE, window: int = WINDOW, group_per_minute: int = GROUP_PER_MINUTE,
                 max_retries: int = MAX_RETRIES, max_wait: float = MAX_WAIT, group_period: float = 60.0) -> None:
        self.interval, self.max_retries, self.max_wait = 1 / rate, max_retries, max_wait
        self._window = _Window(window, 1.0)
        self._group_size, self._group_period = group_per_minute, group_period
        self._groups: dict[str, _Window] = {}
        self._next = 0.0  # the next slot of the schedule (monotonic seconds)
        self._paused_until = 0.0  # Telegram asked the bot to wait

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def _slot(self) -> None:
        now = time.monotonic()
        behind = self._next if self._next >= now - 1.0 else now  # make up late wake-ups, not idle time
        slot = max(behind, self._paused_until)
        self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)

    @asynccontextmanager
    async def _counted(self, chat_id: object) -> AsyncIterator[None]:
        group = self._group(chat_id)
        if group:
            await group.enter()
        await self._slot()
        await self._window.enter()
        try:
            yield
        finally:
            self._window.leave()
            if group:
                group.leave()

    def _group(self, chat_id: object) -> _Window | None:
        """Groups have negative ids (or an @username); private chats are limited by the overall pace only."""
        key = str(chat_id)
        if chat_id is None or not (key.startswith("-") or key.startswith("@")):
            return None
        if key not in self._groups:
            self._groups[key] = _Window(self._group_size, self._group_period)
        return self._groups[key]

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Result]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: None) -> Result:
        paced = endpoint.startswith(PACED)
        retries = 0
        while True:
            try:
                if not paced:
                    return await callback(*args, **kwargs)
                async with self._counted(data.get("chat_id")):
                    return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = retry_seconds(exc)
                if retries == self.max_retries or wait > self.max_wait:
                    raise
                retries += 1
                log.warning("Telegram yêu cầu chờ %.0f giây (%s); thử lại lần %d", wait, endpoint, retries)
                self._paused_until = max(self._paused_until, time.monotonic() + wait)
                await asyncio.sleep(wait)
