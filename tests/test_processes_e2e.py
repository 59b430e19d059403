"""Several bot processes the way Telegram allows: one polls, workers only remind, a second poller stops."""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from db import reminders as store
from db.engine import make_engine
from db.seed import open_knowledge
from tests.e2e import BotProcess
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.pg import empty_database

CHATS = range(9000, 9060)


def test_a_second_polling_process_ends_the_first_with_a_clear_line(tmp_path: Path) -> None:
    """Telegram ends an older getUpdates with 409 when another process polls the token; the older process says
    why and stops (exit 1) instead of fighting over updates; the newer one answers."""
    with FakeTelegram() as tg:
        first = BotProcess(tg, tmp_path).start()
        second = BotProcess(tg, tmp_path).start()
        try:
            assert first.proc is not None and first.proc.wait(timeout=30) == 3
            assert "409 Conflict" in first.output() and "planbot worker" in first.output()
            tg.message("chữ ký số bao nhiêu tiền", chat_id=8100)
            assert "2.000" in tg.reply_to(8100, timeout=15).params["text"]
            assert second.proc is not None and second.proc.poll() is None
        finally:
            second.stop()
            first.stop()
        assert TOKEN not in first.output() + second.output()


def test_one_run_and_two_workers_on_postgresql_remind_60_chats_exactly_once(tmp_path: Path,
                                                                           postgres_url: str) -> None:
    empty_database(postgres_url)
    db = make_engine(postgres_url)
    open_knowledge(db)
    store.add_milestone(db, "Nộp báo cáo ứng dụng CNTT", datetime.now(UTC) + timedelta(hours=12), created_by=1)
    for chat in CHATS:
        store.subscribe(db, chat, [1])
    env = {"DATABASE_URL": postgres_url, "REMINDER_SWEEP_SECONDS": "1"}
    with FakeTelegram() as tg:
        bots = [BotProcess(tg, tmp_path, **env).start()]
        bots += [BotProcess(tg, tmp_path, command="worker", **env).start(ready="getMe") for _ in range(2)]
        try:
            tg.wait_for(lambda c: c.method == "sendMessage" and "Nhắc mốc" in c.params["text"], timeout=60,
                        count=len(CHATS))
            time.sleep(4)  # more sweeps by all three processes: nothing more may go out
            conflicts = tg.conflicts  # (stopping the poller abandons its last long poll: not counted)
        finally:
            outputs = [bot.stop() for bot in bots]
    reminded = [int(c.params["chat_id"]) for c in tg.sent("sendMessage") if "Nhắc mốc" in c.params["text"]]
    assert sorted(reminded) == list(CHATS)
    assert conflicts == 0
    assert not any("Traceback" in out or "409 Conflict" in out for out in outputs)
