"""Updates of different chats run concurrently; those of one chat run strictly in the order they came.

A conversation (/them) moves to its next step only when a handler returns, so a user's next message must not
start before the previous one is done; other chats need not wait for that. Each update of a chat waits for the
one before it: a chain of futures, joined the moment the update arrives. PTB's own gate (a semaphore entered
before `do_process_update`) is set wide open so that it never holds an update back and so never reorders; the
limit on updates running at once is applied after an update's turn has come, so a queued update holds no slot.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

UNLIMITED = 2**31 - 1


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    who = update.effective_chat or update.effective_user
    return who.id if who else None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(UNLIMITED)
        self._running = asyncio.Semaphore(max_concurrent_updates)
        self._last: dict[int, asyncio.Future[None]] = {}  # per chat: done when its latest update is done

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        previous = self._last.get(key) if key is not None else None
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if key is not None:
            self._last[key] = done
        try:
            if previous is not None:
                await previous
            async with self._running:
                await coroutine
        finally:
            done.set_result(None)
            if key is not None and self._last.get(key) is done:
                del self._last[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
