"""One chat's updates are handled strictly in order, however many are queued; other chats do not wait."""
from __future__ import annotations

import asyncio
import random

from telegram import Chat, Message, Update

from bot.updates import PerChatUpdateProcessor


def update(uid: int, chat_id: int) -> Update:
    msg = Message(message_id=uid, date=None, chat=Chat(chat_id, "private"), text="x")  # type: ignore[arg-type]
    return Update(uid, message=msg)


def test_same_chat_in_order_other_chats_concurrently() -> None:
    events: list[str] = []

    async def handle(name: str, delay: float) -> None:
        events.append(f"start {name}")
        await asyncio.sleep(delay)
        events.append(f"end {name}")

    async def run() -> None:
        processor = PerChatUpdateProcessor()
        await asyncio.gather(processor.process_update(update(1, 10), handle("a1", 0.05)),
                             processor.process_update(update(2, 10), handle("a2", 0.0)),
                             processor.process_update(update(3, 20), handle("b1", 0.0)))

    asyncio.run(run())
    assert events.index("end a1") < events.index("start a2")  # chat 10 in order
    assert events.index("end b1") < events.index("end a1")  # chat 20 did not wait


def test_many_queued_updates_of_one_chat_run_one_after_another_in_arrival_order() -> None:
    """300 updates in three chats (more than may run at once), each taking a random time: per chat, each starts
    after the one before it ended, in the order they came; the chats overlap."""
    random.seed(7)
    log: dict[int, list[tuple[str, int]]] = {10: [], 20: [], 30: []}
    running: set[int] = set()
    overlap: list[bool] = []

    async def handle(chat: int, n: int) -> None:
        log[chat].append(("start", n))
        running.add(chat)
        overlap.append(len(running) > 1)
        await asyncio.sleep(random.choice([0, 0, 0.001, 0.003]))
        running.discard(chat)
        log[chat].append(("end", n))

    async def run() -> None:
        processor = PerChatUpdateProcessor(max_concurrent_updates=8)
        await processor.initialize()
        tasks = []
        for uid in range(300):
            chat = (10, 20, 30)[uid % 3]
            tasks.append(asyncio.create_task(processor.process_update(update(uid, chat), handle(chat, uid))))
        await asyncio.gather(*tasks)

    asyncio.run(run())
    for chat, events in log.items():
        mine = [uid for uid in range(300) if (10, 20, 30)[uid % 3] == chat]
        assert events == [(step, n) for n in mine for step in ("start", "end")]
    assert any(overlap)
