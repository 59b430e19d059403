"""Reminders with a controllable clock: due -> sent once, restarts, downtime, recurrence, Telegram errors, workers."""
from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from telegram.error import ChatMigrated, Forbidden, RetryAfter, TimedOut

from bot import reminders as reminders_module
from bot.reminders import ReminderService
from db import reminders as store
from db.engine import make_engine
from knowledge.clock import ManualClock
from knowledge.milestone_input import parse_milestone
from knowledge.reminder_rules import leads_text, parse_leads, reminder_text
from tests.pg import empty_database

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)  # 08:00 in Hanoi


class Sender:
    """Plays Telegram: records deliveries, and fails the way a test tells it to."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self.errors: dict[int, list[Exception]] = {}
        self.lock = threading.Lock()

    async def __call__(self, chat_id: int, text: str) -> None:
        with self.lock:
            queue = self.errors.get(chat_id)
            if queue:
                err = queue.pop(0)
                if isinstance(err, TimedOut):
                    self.sent.append((chat_id, text))  # it left, the answer did not come back
                raise err
            self.sent.append((chat_id, text))

    def to(self, chat_id: int) -> list[str]:
        return [t for c, t in self.sent if c == chat_id]


@pytest.fixture(autouse=True)
def no_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reminders_module, "PER_CHAT_GAP", 0.0)


@pytest.fixture
def db(database_url: str):  # noqa: ANN201
    return make_engine(database_url)


def dead_pid() -> int:
    """The pid of a process that has ended."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    assert not os.path.exists(f"/proc/{proc.pid}")
    return proc.pid


def sweep(service: ReminderService, clock: ManualClock, sender: Sender) -> dict[str, int]:
    return asyncio.run(service.sweep(clock.now(), sender))


def test_due_reminder_is_sent_once(db) -> None:  # noqa: ANN001
    clock, sender = ManualClock(T0), Sender()
    store.add_milestone(db, "Nộp báo cáo CNTT", T0 + timedelta(days=10), created_by=1)
    store.subscribe(db, 501, [30, 7, 1])
    service = ReminderService(db, HANOI)
    assert sweep(service, clock, sender) == {"sent": 1}  # the 30-day moment has passed
    text = sender.to(501)[0]
    assert "Nộp báo cáo CNTT" in text and "11/03/2026 08:00" in text and "Còn 10 ngày" in text
    assert sweep(service, clock, sender) == {}
    clock.advance(days=3, hours=1)  # 7 days before
    assert sweep(service, clock, sender) == {"sent": 1} and "Còn 6 ngày" in sender.to(501)[1]
    clock.advance(days=6)  # 1 day before
    assert sweep(service, clock, sender) == {"sent": 1} and "Còn 23 tiếng" in sender.to(501)[2]
    clock.advance(days=2)  # after the milestone: nothing more
    assert sweep(service, clock, sender) == {}
    assert len(sender.to(501)) == 3 and all("Nộp báo cáo CNTT" in t for t in sender.to(501))
    assert store.delivery_counts(db) == {"sent": 3}


def test_restart_does_not_resend(db) -> None:  # noqa: ANN001
    clock, sender = ManualClock(T0), Sender()
    store.add_milestone(db, "Hạn giải ngân", T0 + timedelta(hours=20), created_by=1)
    store.subscribe(db, 502, [1])
    sweep(ReminderService(db, HANOI, worker="a"), clock, sender)
    restarted = ReminderService(make_engine(str(db.url)), HANOI, worker="a-after-restart")
    clock.advance(minutes=5)
    assert sweep(restarted, clock, sender) == {}
    assert len(sender.to(502)) == 1


def test_downtime_sends_the_nearest_lead_only(db) -> None:  # noqa: ANN001
    clock, sender = ManualClock(T0), Sender()
    store.add_milestone(db, "Kết thúc năm kế hoạch", T0 + timedelta(days=40), created_by=1)
    store.subscribe(db, 503, [30, 7, 1])
    service = ReminderService(db, HANOI)
    assert sweep(service, clock, sender) == {}  # nothing due 40 days before
    clock.advance(days=35)  # the bot was down while the 30- and 7-day moments passed
    assert sweep(service, clock, sender) == {"sent": 1}
    assert "Còn 5 ngày" in sender.to(503)[0]
    clock.advance(days=4, hours=1)
    assert sweep(service, clock, sender) == {"sent": 1} and "Còn 23 tiếng" in sender.to(503)[1]
    assert len(sender.to(503)) == 2


def test_past_milestones_are_not_reminded(db) -> None:  # noqa: ANN001
    clock, sender = ManualClock(T0), Sender()
    store.add_milestone(db, "Đã qua", T0 - timedelta(days=1), created_by=1)
    store.subscribe(db, 504, [30, 7, 1])
    assert sweep(ReminderService(db, HANOI), clock, sender) == {} and sender.sent == []


def test_recurrence_reminds_every_year_and_month(db) -> None:  # noqa: ANN001
    clock, sender = ManualClock(T0), Sender()
    store.add_milestone(db, "Báo cáo năm", datetime(2020, 3, 5, 1, 0, tzinfo=UTC), created_by=1, recurrence="yearly")
    store.add_milestone(db, "Báo cáo tháng", datetime(2025, 1, 31, 1, 0, tzinfo=UTC), created_by=1,
                        recurrence="monthly")
    store.subscribe(db, 505, [1])
    service = ReminderService(db, HANOI)
    clock.set(datetime(2026, 3, 4, 2, 0, tzinfo=UTC))
    sweep(service, clock, sender)
    assert any("Báo cáo năm" in t and "05/03/2026 08:00" in t for t in sender.to(505))
    clock.set(datetime(2026, 3, 30, 2, 0, tzinfo=UTC))
    sweep(service, clock, sender)
    assert any("Báo cáo tháng" in t and "31/03/2026" in t for t in sender.to(505))
    clock.set(datetime(2027, 3, 4, 2, 0, tzinfo=UTC))
    sweep(service, clock, sender)
    assert any("05/03/2027" in t for t in sender.to(505))


def test_blocked_user_is_unsubscribed_and_others_go_on(db) -> None:  # noqa: ANN001
    clock, sender = ManualClock(T0), Sender()
    store.add_milestone(db, "Mốc", T0 + timedelta(hours=10), created_by=1)
    for chat in (506, 507):
        store.subscribe(db, chat, [1])
    sender.errors[506] = [Forbidden("bot was blocked by the user")]
    assert sweep(ReminderService(db, HANOI), clock, sender) == {"failed": 1, "sent": 1}
    assert [s.chat_id for s in store.active_subscriptions(db)] == [507]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # RetryAfter(int) in the test
def test_a_retry_after_the_rate_limiter_gave_up_on_fails_the_delivery_and_is_logged(
        db, caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    clock, sender = ManualClock(T0), Sender()
    store.add_milestone(db, "Mốc", T0 + timedelta(hours=10), created_by=1)
    store.subscribe(db, 508, [1])
    sender.errors[508] = [RetryAfter(120)]
    assert sweep(ReminderService(db, HANOI), clock, sender) == {"failed": 1}
    assert "Telegram vẫn yêu cầu chờ" in caplog.text
    clock.advance(minutes=1)
    assert sweep(ReminderService(db, HANOI), clock, sender) == {}  # not pending forever, not resent
    assert sender.to(508) == [] and store.delivery_counts(db) == {"failed": 1}


def test_lead_zero_fires_at_the_due_time_once(db) -> None:  # noqa: ANN001
    clock, sender = ManualClock(T0), Sender()
    store.add_milestone(db, "Hạn nộp hồ sơ", T0 + timedelta(minutes=10), created_by=1)
    store.subscribe(db, 512, [0])
    service = ReminderService(db, HANOI)
    assert sweep(service, clock, sender) == {}
    clock.advance(minutes=10, seconds=30)
    assert sweep(service, clock, sender) == {"sent": 1}
    assert "Đã đến hạn" in sender.to(512)[0] and "01/03/2026 08:10" in sender.to(512)[0]
    clock.advance(minutes=1)
    assert sweep(service, clock, sender) == {}


def test_lead_zero_and_a_day_before_both_go_out(db) -> None:  # noqa: ANN001
    clock, sender = ManualClock(T0), Sender()
    store.add_milestone(db, "Hạn", T0 + timedelta(days=2), created_by=1)
    store.subscribe(db, 513, [1, 0])
    service = ReminderService(db, HANOI)
    clock.advance(days=1, minutes=1)
    assert sweep(service, clock, sender) == {"sent": 1} and "Còn" in sender.to(513)[0]
    clock.advance(days=1)
    assert sweep(service, clock, sender) == {"sent": 1} and "Đã đến hạn" in sender.to(513)[1]


def test_a_due_time_long_past_during_downtime_is_not_reminded(db) -> None:  # noqa: ANN001
    clock, sender = ManualClock(T0), Sender()
    store.add_milestone(db, "Hạn", T0 + timedelta(minutes=5), created_by=1)
    store.subscribe(db, 514, [0])
    clock.advance(hours=3)  # the bot was down at the due time and long after
    assert sweep(ReminderService(db, HANOI), clock, sender) == {} and sender.sent == []


def test_a_stopped_workers_claims_are_sent_again_at_once_and_its_message_in_flight_is_not(db) -> None:  # noqa: ANN001
    clock, sender = ManualClock(T0), Sender()
    store.add_milestone(db, "Mốc", T0 + timedelta(hours=10), created_by=1)
    for chat in range(600, 610):
        store.subscribe(db, chat, [1])
    crashed = f"{socket.gethostname()}:{dead_pid()}:abc123"
    ReminderService(db, HANOI, worker=crashed)._plan(clock.now())
    claimed = store.claim(db, crashed, 50)
    assert len(claimed) == 10 and store.attempt(db, claimed[0].delivery_id, crashed)  # in flight at the crash
    assert sweep(ReminderService(db, HANOI), clock, sender) == {"sent": 9}
    assert sorted(c for c, _ in sender.sent) == list(range(601, 610))
    assert store.delivery_counts(db) == {"sent": 9, "uncertain": 1}
    assert not store.attempt(db, claimed[1].delivery_id, crashed)  # the old claim can no longer send


def test_another_machines_claims_wait_for_their_lease(db) -> None:  # noqa: ANN001
    clock, sender = ManualClock(T0), Sender()
    store.add_milestone(db, "Mốc", T0 + timedelta(hours=10), created_by=1)
    store.subscribe(db, 620, [1])
    ReminderService(db, HANOI, worker="other-host:1:x")._plan(clock.now())
    assert len(store.claim(db, "other-host:1:x", 50)) == 1
    assert sweep(ReminderService(db, HANOI), clock, sender) == {}  # it may still be sending: not taken
    assert store.recover(db, [], timedelta(0), timedelta(minutes=10)) == {"claimed": 1, "sending": 0}
    assert sweep(ReminderService(db, HANOI), clock, sender) == {"sent": 1}


def test_ten_thousand_due_keys_are_recorded_in_chunks(db) -> None:  # noqa: ANN001
    store.add_milestone(db, "Mốc", T0 + timedelta(hours=10), created_by=1)
    keys = [(1, T0 + timedelta(hours=10), chat, 1) for chat in range(10_000)]
    assert store.record(db, keys[:8000], keys[8000:]) == 10_000
    assert store.delivery_counts(db) == {"pending": 8000, "skipped": 2000}


def test_chat_migrated_follows_the_new_chat(db) -> None:  # noqa: ANN001
    clock, sender = ManualClock(T0), Sender()
    store.add_milestone(db, "Mốc", T0 + timedelta(hours=10), created_by=1)
    store.subscribe(db, -509, [1])
    sender.errors[-509] = [ChatMigrated(-1009509)]
    assert sweep(ReminderService(db, HANOI), clock, sender) == {"sent": 1}
    assert len(sender.to(-1009509)) == 1 and sender.to(-509) == []
    assert [s.chat_id for s in store.active_subscriptions(db)] == [-1009509]
    clock.advance(minutes=1)
    assert sweep(ReminderService(db, HANOI), clock, sender) == {}


def test_timeout_after_sending_is_uncertain_not_resent(db) -> None:  # noqa: ANN001
    clock, sender = ManualClock(T0), Sender()
    store.add_milestone(db, "Mốc", T0 + timedelta(hours=10), created_by=1)
    store.subscribe(db, 510, [1])
    sender.errors[510] = [TimedOut("read timed out")]
    assert sweep(ReminderService(db, HANOI), clock, sender) == {"uncertain": 1}
    clock.advance(minutes=1)
    assert sweep(ReminderService(db, HANOI), clock, sender) == {}
    assert len(sender.to(510)) == 1


def test_time_zone_08_00_in_hanoi_is_01_00_utc() -> None:
    due, recurrence, title = parse_milestone(["15/04/2026", "08:00", "Họp", "giao", "ban"], HANOI, T0)
    assert due == datetime(2026, 4, 15, 1, 0, tzinfo=UTC) and title == "Họp giao ban" and recurrence == ""
    due, _, _ = parse_milestone(["15/04/2026", "Không", "giờ"], HANOI, T0)
    assert due.astimezone(HANOI).hour == 8  # default time


@pytest.mark.parametrize(("args", "message"), [
    ([], "Thiếu ngày"), (["31/02/2026", "x"], "không tồn tại"), (["2026-04-15", "x"], "dd/mm/yyyy"),
    (["01/01/2020", "Mốc cũ"], "đã qua"), (["15/04/2026", "09:00"], "Thiếu tiêu đề"),
    (["15/04/2026", "x" * 300], "dài quá"),
])
def test_bad_milestone_input_is_explained(args: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_milestone(args, HANOI, T0)


@pytest.mark.parametrize(("text", "ok"), [("30,7,1", [30, 7, 1]), ("1", [1]), ("7 , 1", [7, 1])])
def test_lead_days(text: str, ok: list[int]) -> None:
    assert parse_leads(text) == ok


@pytest.mark.parametrize("text", ["abc", "-1", "1000", "1,2,3,4,5,6,7,8,9,10,11", "", "²", "٣", "99999999999999999999"])
def test_bad_lead_days(text: str) -> None:
    with pytest.raises(ValueError):
        parse_leads(text)


def test_two_workers_on_postgresql_never_send_twice(postgres_url: str) -> None:
    empty_database(postgres_url)
    engine = make_engine(postgres_url)
    clock, sender = ManualClock(T0), Sender()
    for i in range(3):
        store.add_milestone(engine, f"Mốc {i}", T0 + timedelta(hours=5 + i), created_by=1)
    chats = list(range(1, 301))
    for chat in chats:
        store.subscribe(engine, chat, [1])
    results: list[dict] = []

    def worker(name: str) -> None:
        service = ReminderService(make_engine(postgres_url), HANOI, worker=name)
        results.append(asyncio.run(service.sweep(clock.now(), sender)))

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2  # both workers ended their sweep (a thread's exception would leave no result)
    assert sorted(c for c, _ in sender.sent) == sorted(chats * 3)  # each chat got each milestone's reminder …
    assert len(set(sender.sent)) == len(sender.sent)  # … once: no (chat, text) twice
    assert sum(r.get("sent", 0) for r in results) == 900  # each delivery was sent (and counted) by one worker
    assert store.delivery_counts(engine) == {"sent": 900}


def test_a_plan_milestone_names_the_year_it_ends_not_a_day_the_plan_never_gives() -> None:
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    end = datetime(2018, 12, 31, 17, 0, tzinfo=hanoi)
    text = reminder_text("Kết thúc giai đoạn 2016-2018 của Kế hoạch", end, end - timedelta(days=7), hanoi, True)
    assert "Hạn: hết năm 2018 (mốc suy ra" in text and "31/12" not in text
    assert "Hạn: 31/12/2018 17:00" in reminder_text("Báo cáo", end, end - timedelta(days=7), hanoi)


@pytest.mark.parametrize(("args", "said"), [
    (["01/01/0001", "00:00", "X"], "không hợp lệ"),
    (["1/1/9999", "X"], "không hợp lệ"),
    (["1/1/2027", "-1:00", "X"], "không đúng dạng HH:MM"),
    (["1/1/2027", "25:00", "X"], "không tồn tại"),
])
def test_a_milestone_date_or_time_out_of_range_is_refused_with_a_message(args: list[str], said: str) -> None:
    with pytest.raises(ValueError, match=said):
        parse_milestone(args, HANOI, T0)


def test_a_recurring_milestone_may_start_in_a_past_year_and_a_title_may_start_with_a_number() -> None:
    due, recurrence, title = parse_milestone(["15/12/2020", "hằng", "năm", "Báo", "cáo"], HANOI, T0)
    assert recurrence == "yearly" and title == "Báo cáo"
    _, _, numbered = parse_milestone(["30/06/2027", "1.", "Nộp", "báo", "cáo"], HANOI, T0)
    assert numbered == "1. Nộp báo cáo"


@pytest.mark.parametrize(("leads", "said"), [([30, 7, 1], "báo trước 30, 7, 1 ngày"),
                                             ([7, 0], "báo trước 7 ngày và đúng lúc đến hạn"),
                                             ([0], "đúng lúc đến hạn")])
def test_a_subscription_says_when_it_will_remind(leads: list[int], said: str) -> None:
    assert leads_text(leads) == said
