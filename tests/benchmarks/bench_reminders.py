"""Broadcast benchmark: N subscribed chats, one milestone due, the real bot process and its sweep job.

Reports the sustained rate (the bot paces at 29,5/s; Telegram allows ~30), the busiest second at the receiver,
and checks every chat got exactly one reminder. On SQLite by default; `--pg` runs it on a private PostgreSQL
server (or the one PLANBOT_TEST_PG_URL names).
Run: .venv/bin/python tests/benchmarks/bench_reminders.py [N] [--pg]
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from db import reminders as store  # noqa: E402
from db.engine import make_engine  # noqa: E402
from db.models import Subscription  # noqa: E402
from db.seed import open_knowledge  # noqa: E402
from tests.e2e import BotProcess  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402
from tests.pg import TempPostgres, empty_database  # noqa: E402


@contextmanager
def database(tmp: str, postgres: bool) -> Iterator[str]:
    if not postgres:
        yield f"sqlite:///{tmp}/bot.db"
        return
    if os.environ.get("PLANBOT_TEST_PG_URL"):
        empty_database(os.environ["PLANBOT_TEST_PG_URL"])
        yield os.environ["PLANBOT_TEST_PG_URL"]
        return
    server = TempPostgres()
    try:
        yield server.start()
    finally:
        server.stop()


def main() -> None:
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    n = int(numbers[0]) if numbers else 10_000
    postgres = "--pg" in sys.argv
    with tempfile.TemporaryDirectory() as tmp, database(tmp, postgres) as url, FakeTelegram() as tg:
        engine = make_engine(url)
        open_knowledge(engine)
        store.add_milestone(engine, "Hạn nộp báo cáo", datetime.now(UTC) + timedelta(hours=12), created_by=None)
        with engine.begin() as conn:
            conn.execute(insert(Subscription), [{"chat_id": 100_000 + i, "lead_days": "1", "active": True,
                                                 "created_at": datetime.now(UTC)} for i in range(n)])
        start = time.monotonic()
        bot = BotProcess(tg, Path(tmp), DATABASE_URL=url, REMINDER_SWEEP_SECONDS="2").start()
        try:
            is_reminder = lambda c: c.method == "sendMessage" and "Nhắc mốc" in c.params.get("text", "")  # noqa: E731
            tg.wait_for(is_reminder, timeout=n / 10 + 60, count=n)
            time.sleep(5)  # a few more sweeps: nothing must follow
        finally:
            bot.stop()
        sent = [c for c in tg.sent() if is_reminder(c)]
        per_chat = Counter(int(c.params["chat_id"]) for c in sent)
        times = sorted(c.at for c in sent)
        busiest = max(sum(1 for t in times[i:i + 40] if t < s + 1) for i, s in enumerate(times))
        seconds = times[-1] - times[0]
        backend = "PostgreSQL" if postgres else "SQLite"
        print(f"{backend}, {n} chats: {len(sent)} reminders, {len(per_chat)} chats reached, max per chat "
              f"{max(per_chat.values())}; first to last {seconds:.1f} s ({len(sent) / seconds:.1f}/s, floor "
              f"{n / 30:.0f} s at 30/s); start-up to last {times[-1] - start:.1f} s; busiest second {busiest}")
        print("ledger:", store.delivery_counts(engine))


if __name__ == "__main__":
    main()
