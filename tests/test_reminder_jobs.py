"""The real JobQueue (APScheduler) drives the sweep; the clock it reads is moved by the test."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import build_application
from bot.settings import Settings
from db import reminders as store
from db.engine import make_engine
from knowledge.clock import ManualClock
from tests.fake_telegram import TOKEN, FakeTelegram

START = datetime(2027, 1, 10, 1, 0, tzinfo=UTC)


def test_scheduler_sweeps_with_a_controllable_clock(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    with FakeTelegram() as tg:
        settings = Settings(bot_token=TOKEN, base_url=tg.base_url, base_file_url=tg.base_file_url, database_url=url,
                            reminder_sweep_seconds=1)
        clock = ManualClock(START)
        app = build_application(settings, clock=clock)
        engine = make_engine(url)
        store.add_milestone(engine, "Tổng kết năm", START + timedelta(days=10), created_by=None)
        store.subscribe(engine, 9001, [7, 1])

        def reminders() -> list[str]:
            return [c.params["text"] for c in tg.sent("sendMessage", 9001)]

        async def run() -> None:
            async with app:
                await app.start()
                try:
                    await asyncio.sleep(2.5)
                    assert reminders() == []  # 10 days ahead: no lead is due yet
                    clock.advance(days=3, hours=2)
                    await asyncio.sleep(2.5)
                    assert len(reminders()) == 1 and "Còn 6 ngày" in reminders()[0]
                    clock.advance(days=6)
                    await asyncio.sleep(2.5)
                    assert len(reminders()) == 2 and "Còn 22 tiếng" in reminders()[1]
                    await asyncio.sleep(2)
                    assert len(reminders()) == 2
                finally:
                    await app.stop()

        asyncio.run(run())
