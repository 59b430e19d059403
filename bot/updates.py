"""Updates of different chats run concurrently; those of one chat run strictly in the order they came.

A conversation (/them) moves to its next step only when a handler returns, so a user's next message must not
start before the previous one is done; other chats need not wait for that. Each update of a chat waits for the
one before it (a chain of futures, set up the moment the update arrives, before any wait), so the order holds
for any number queued, also beyond the limit of updates processed at once."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    who = update.effective_chat or update.effective_user
    return who.id if who else None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._last: dict[int, asyncio.Future[None]] = {}  # per chat: done when its latest update is done

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            await super().process_update(update, coroutine)
            return
        previous = self._last.get(key)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._last[key] = done
        try:
            if previous is not None:
                await previous
            await super().process_update(update, coroutine)
        finally:
            done.set_result(None)
            if self._last.get(key) is done:
                del self._last[key]

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
