"""One chat's updates are handled in order; other chats do not wait for them."""
from __future__ import annotations

import asyncio

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
        await asyncio.gather(processor.do_process_update(update(1, 10), handle("a1", 0.05)),
                             processor.do_process_update(update(2, 10), handle("a2", 0.0)),
                             processor.do_process_update(update(3, 20), handle("b1", 0.0)))

    asyncio.run(run())
    assert events.index("end a1") < events.index("start a2")  # chat 10 in order
    assert events.index("end b1") < events.index("end a1")  # chat 20 did not wait
