"""Milestones and reminders through the real bot process, its JobQueue sweep and the fake Bot API server."""
from __future__ import annotations

import re
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from db import reminders as store
from db.engine import make_engine
from db.seed import open_knowledge
from tests.e2e import BotProcess
from tests.fake_telegram import Call, FakeTelegram

ADMIN = 4001
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def ask(tg: FakeTelegram, text: str, chat_id: int, user_id: int | None = None) -> str:
    before = len(tg.sent("sendMessage", chat_id))
    tg.message(text, chat_id=chat_id, user_id=user_id)
    return tg.reply_to(chat_id, after=before).params["text"]


def test_admin_adds_a_milestone_a_chat_subscribes_and_gets_the_reminder_once(tmp_path: Path) -> None:
    due = (datetime.now(HANOI) + timedelta(hours=23)).replace(second=0, microsecond=0)
    with FakeTelegram() as tg:
        bot = BotProcess(tg, tmp_path, ADMIN_IDS=str(ADMIN), REMINDER_SWEEP_SECONDS="1").start()
        try:
            refused = ask(tg, f"/themmoc {due:%d/%m/%Y %H:%M} Nộp báo cáo", 4100, user_id=4100)
            assert "chỉ dành cho quản trị viên" in refused
            added = ask(tg, f"/themmoc {due:%d/%m/%Y %H:%M} Nộp báo cáo ứng dụng CNTT", ADMIN)
            assert "Đã thêm mốc" in added and f"{due:%d/%m/%Y %H:%M}" in added
            mid = added.split("[", 1)[1].split("]", 1)[0]
            assert "Nộp báo cáo ứng dụng CNTT" in ask(tg, "/moc", 4200)
            assert "Kết thúc giai đoạn 2016-2018" in ask(tg, "/moc", 4200)  # the plan's own, past, milestones
            assert "báo trước 1 ngày" in ask(tg, "/dangky 1", 4200)
            reminder = tg.wait_for(lambda c: c.method == "sendMessage" and str(c.params["chat_id"]) == "4200"
                                   and "Nhắc mốc" in c.params["text"], timeout=15)[0]
            assert "Nộp báo cáo ứng dụng CNTT" in reminder.params["text"]
            assert f"Hạn: {due:%d/%m/%Y %H:%M}" in reminder.params["text"]
            assert "Còn 22 tiếng" in reminder.params["text"] or "Còn 23 tiếng" in reminder.params["text"]
        finally:
            bot.stop()
        bot = BotProcess(tg, tmp_path, ADMIN_IDS=str(ADMIN), REMINDER_SWEEP_SECONDS="1").start()
        try:
            ask(tg, "/start", 4300)
            assert "Đã xóa mốc" in ask(tg, f"/xoamoc {mid}", ADMIN)
            assert "Không có mốc" in ask(tg, "/xoamoc 999", ADMIN)
            assert "Không thêm được mốc" in ask(tg, "/themmoc 31/02/2027 Sai ngày", ADMIN)
            assert "Số ngày báo trước" in ask(tg, "/dangky abc", 4200)
        finally:
            bot.stop()
        reminders = [c for c in tg.sent("sendMessage", 4200) if "Nhắc mốc" in c.params["text"]]
        assert len(reminders) == 1  # the restart (and its sweeps) did not resend


def test_when_only_the_plans_past_milestones_remain_moc_and_dangky_say_so(tmp_path: Path) -> None:
    """The plan's milestones (2016-2020) are past: /moc says so, lists the last ones without a day the plan never
    gives, and tells admins how to add one; /dangky says it will remind when there is one."""
    with FakeTelegram() as tg:
        bot = BotProcess(tg, tmp_path, ADMIN_IDS=str(ADMIN)).start()
        try:
            moc = ask(tg, "/moc", 4400)
            assert "Không có mốc nào sắp tới: các mốc của Kế hoạch (2016-2020) đều đã qua." in moc
            assert "Kết thúc giai đoạn 2019-2020 của Kế hoạch — hết năm 2020 (mốc suy ra" in moc
            assert "31/12/2020" not in moc and "1/1/2019" not in moc and "/themmoc &lt;dd/mm/yyyy&gt;" in moc
            dangky = ask(tg, "/dangky", 4400)
            assert "Đã đăng ký" in dangky and "Bạn sẽ được nhắc khi có mốc mới" in dangky
        finally:
            bot.stop()


def is_reminder(call: Call) -> bool:
    return call.method == "sendMessage" and "Nhắc mốc" in call.params["text"]


def test_kill_9_half_way_through_a_200_chat_broadcast_loses_or_repeats_at_most_one(tmp_path: Path,
                                                                                   database_url: str) -> None:
    """The process dies mid-broadcast; after the restart every chat has its reminder: only the one message in
    flight at the kill may be missing (it is 'uncertain', never resent), none is sent twice."""
    db = make_engine(database_url)
    open_knowledge(db)
    store.add_milestone(db, "Hạn nộp báo cáo", datetime.now(UTC) + timedelta(hours=12), created_by=None)
    chats = range(20_000, 20_200)
    for chat in chats:
        store.subscribe(db, chat, [1])
    env = {"DATABASE_URL": database_url, "REMINDER_SWEEP_SECONDS": "1"}
    with FakeTelegram() as tg:
        bot = BotProcess(tg, tmp_path, **env).start()
        try:
            tg.wait_for(is_reminder, timeout=60, count=125)  # mid-batch: claims not yet attempted
            assert bot.proc is not None and bot.proc.poll() is None, "the bot ended before it was killed"
            bot.proc.kill()  # SIGKILL: no clean-up of any kind
            bot.proc.wait()
            at_kill = len(tg.sent_where(is_reminder))
            assert at_kill < len(chats)  # it really died half-way
            bot = BotProcess(tg, tmp_path, **env).start()
            tg.wait_for(is_reminder, timeout=60, count=len(chats) - 1)
            time.sleep(3)  # more sweeps: nothing more may go out
        finally:
            bot.stop()
    per_chat = Counter(int(c.params["chat_id"]) for c in tg.sent_where(is_reminder))
    missing = [chat for chat in chats if chat not in per_chat]
    repeated = [chat for chat, n in per_chat.items() if n > 1]
    assert len(missing) + len(repeated) <= 1 and not repeated
    counts = store.delivery_counts(db)
    assert counts.get("sent", 0) >= len(chats) - 1 and counts.get("uncertain", 0) <= 1
    assert set(counts) <= {"sent", "uncertain"}
    assert re.search(r"tiến trình đã dừng: [1-9]\d* gửi lại", bot.output())  # its claims came back at once
