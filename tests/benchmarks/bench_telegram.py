"""Throughput of the real bot process against the fake Bot API server.

N private chats each send one question; the fake server notes when getUpdates hands an update to the bot and
when the reply arrives, so "added by the bot" excludes the network a real Telegram round trip would add.
Phase 1 offers a steady load under Telegram's 30 messages/s; phase 2 is a burst the rate limiter must spread.

Run: .venv/bin/python tests/benchmarks/bench_telegram.py
"""
from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from knowledge.loader import load_files  # noqa: E402
from tests.benchmarks.bench_answer import questions  # noqa: E402
from tests.e2e import BotProcess  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def run_phase(tg: FakeTelegram, qs: list[str], first_chat: int, rate: float | None) -> dict[str, float]:
    pushed: dict[int, tuple[int, float]] = {}
    start = time.monotonic()
    for i, q in enumerate(qs):
        if rate:
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        chat = first_chat + i
        pushed[chat] = (tg.message(q, chat_id=chat), time.monotonic())
    tg.wait_for(lambda c: c.method == "sendMessage" and first_chat <= int(c.params["chat_id"]) < first_chat + len(qs),
                timeout=120, count=len(qs))
    replies = {int(c.params["chat_id"]): c.at for c in tg.sent("sendMessage")
               if first_chat <= int(c.params["chat_id"]) < first_chat + len(qs)}
    added = [(replies[ch] - tg.delivered_at[uid]) * 1000 for ch, (uid, _) in pushed.items()]
    total = [(replies[ch] - t) * 1000 for ch, (_, t) in pushed.items()]
    times = sorted(replies.values())
    per_second = max(sum(1 for t in times if s <= t < s + 1) for s in times)
    return {"n": len(qs), "seconds": times[-1] - start, "rate": len(qs) / (times[-1] - start),
            "added_p50": pct(added, 0.5), "added_p99": pct(added, 0.99), "total_p99": pct(total, 0.99),
            "max_per_second": per_second}


def main() -> None:
    qs = questions(load_files(), 800, seed=5)
    random.Random(1).shuffle(qs)
    with tempfile.TemporaryDirectory() as tmp, FakeTelegram() as tg:
        bot = BotProcess(tg, Path(tmp)).start()
        try:
            run_phase(tg, qs[:20], 10_000, rate=10)  # warm-up
            steady = run_phase(tg, qs[:500], 20_000, rate=20)
            burst = run_phase(tg, qs[500:800], 30_000, rate=None)
        finally:
            bot.stop()
    print(f"steady {steady['n']} chats at 20 questions/s: answered {steady['rate']:.1f}/s; added by the bot p50 "
          f"{steady['added_p50']:.1f} ms, p99 {steady['added_p99']:.1f} ms; push-to-reply p99 "
          f"{steady['total_p99']:.1f} ms; busiest second {steady['max_per_second']} messages")
    print(f"burst {burst['n']} chats at once: all answered in {burst['seconds']:.1f} s ({burst['rate']:.1f}/s); "
          f"busiest second {burst['max_per_second']} messages (limit 30)")


if __name__ == "__main__":
    main()
