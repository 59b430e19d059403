"""Audit and undo that hold with several admins (issue #13, item 5): every change is one audit row with who, when,
field, old and new value; undo only puts back a value the field still holds from that change, else it says who
changed it since and changes nothing; /nhatky fits Telegram's 4.096 characters."""
from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from db import reminders
from db.edits import UndoRefused, apply_import, undo_last, update_agency, update_field
from db.engine import make_engine
from db.models import AmountRow, AuditEntry, Milestone
from db.queries import load_knowledge
from db.seed import seed
from knowledge.fields import AgencyEdit, Edit
from knowledge.files import Parsed
from knowledge.import_plan import plan_import
from knowledge.records import KnowledgeBase
from tests.e2e import BotProcess
from tests.fake_telegram import FakeTelegram
from tests.telegram_rules import TEXT_LIMIT, utf16_length

A, B = "telegram:6001", "telegram:6002"


@pytest.fixture
def engine(database_url: str, kb: KnowledgeBase) -> Engine:
    e = make_engine(database_url)
    seed(e, kb)
    return e


def tmdt(engine: Engine, record_id: str = "PL4-3") -> Decimal:
    return load_knowledge(engine).records[record_id].amounts["tmdt"]


def audit_rows(engine: Engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(AuditEntry)).one()


def test_two_admins_edit_one_field_and_undo_never_loses_a_value(engine: Engine) -> None:
    base = tmdt(engine)
    update_field(engine, "PL4-3", Edit("tmdt", Decimal("2500")), A)
    update_field(engine, "PL4-3", Edit("tmdt", Decimal("3000")), B)
    rows = audit_rows(engine)
    with pytest.raises(UndoRefused) as refused:
        undo_last(engine, A)  # B changed the field since: A's undo would silently drop B's 3.000
    assert (refused.value.record_id, refused.value.field, refused.value.by) == ("PL4-3", "tmdt", B)
    assert refused.value.at is not None
    assert tmdt(engine) == Decimal("3000") and audit_rows(engine) == rows  # nothing changed, nothing written
    assert undo_last(engine, B).new == "2.500"  # type: ignore[union-attr]
    assert tmdt(engine) == Decimal("2500")
    assert undo_last(engine, A).new == "2.000"  # type: ignore[union-attr]
    assert tmdt(engine) == base == Decimal("2000")
    assert undo_last(engine, A) is None and undo_last(engine, B) is None


def test_another_field_of_the_same_record_does_not_block_an_undo(engine: Engine) -> None:
    update_field(engine, "PL4-3", Edit("tmdt", Decimal("2500")), A)
    update_field(engine, "PL4-3", Edit("ten", "Tên mới của dự án"), B)
    assert undo_last(engine, A) is not None
    assert tmdt(engine) == Decimal("2000")
    assert load_knowledge(engine).records["PL4-3"].title == "Tên mới của dự án"


def test_a_value_changed_outside_the_audit_is_not_overwritten(engine: Engine) -> None:
    update_field(engine, "PL4-3", Edit("tmdt", Decimal("2500")), A)
    with Session(engine) as s, s.begin():
        amount = s.exec(select(AmountRow).where(col(AmountRow.record_id) == "PL4-3",
                                                col(AmountRow.column) == "tmdt")).one()
        amount.value = Decimal("7777")
        s.add(amount)
    with pytest.raises(UndoRefused) as refused:
        undo_last(engine, A)
    assert refused.value.by is None and refused.value.current == "7.777"
    assert tmdt(engine) == Decimal("7777")


def test_an_agency_edit_is_guarded_the_same_way(engine: Engine) -> None:
    update_agency(engine, "SO-YT", AgencyEdit("viet_tat", ["SYT"]), A)
    update_agency(engine, "SO-YT", AgencyEdit("viet_tat", ["SYT", "Sở YT"]), B)
    with pytest.raises(UndoRefused) as refused:
        undo_last(engine, A)
    assert refused.value.by == B
    assert load_knowledge(engine).agencies["SO-YT"].aliases == ("SYT", "Sở YT")
    undo_last(engine, B)
    undo_last(engine, A)
    assert "Sở YT" not in load_knowledge(engine).agencies["SO-YT"].aliases


def _import_tmdt(engine: Engine, record_id: str, value: str, actor: str) -> None:
    current = load_knowledge(engine)
    records = [replace(r, amounts={**r.amounts, "tmdt": Decimal(value)}) if r.id == record_id else r
               for r in current.records.values()]
    plan = plan_import(current, Parsed(records=records, agencies=list(current.agencies.values())))
    assert [(r.id, fields) for r, fields in plan.changed] == [(record_id, ["tmdt"])]
    apply_import(engine, current, plan, actor)


def test_an_import_row_keeps_old_and_new_values_and_blocks_an_earlier_undo(engine: Engine) -> None:
    update_field(engine, "PL4-4", Edit("tmdt", Decimal("4200")), A)
    _import_tmdt(engine, "PL4-4", "4500", B)
    with Session(engine) as s:
        row = s.exec(select(AuditEntry).where(col(AuditEntry.action) == "replace")).one()
    assert (row.actor, row.record_id, row.field, row.old, row.new) == (B, "PL4-4", "tmdt", "4.200", "4.500")
    with pytest.raises(UndoRefused) as refused:
        undo_last(engine, A)
    assert refused.value.by == B and refused.value.action == "replace"
    assert tmdt(engine, "PL4-4") == Decimal("4500")
    undo_last(engine, B)  # the import goes back to A's value …
    assert tmdt(engine, "PL4-4") == Decimal("4200")
    undo_last(engine, A)  # … and A's undo to the plan's
    assert tmdt(engine, "PL4-4") == Decimal("4000")


def test_milestones_added_and_removed_are_audited_and_undoable(engine: Engine) -> None:
    due = datetime(2027, 6, 1, 1, 0, tzinfo=UTC)
    m = reminders.add_milestone(engine, "Nộp báo cáo CNTT", due, created_by=6001, actor=A)
    assert reminders.deactivate_milestone(engine, int(m.id or 0), B) is not None
    with Session(engine) as s:
        rows = s.exec(select(AuditEntry).where(col(AuditEntry.record_id) == f"moc:{m.id}")
                      .order_by(col(AuditEntry.id))).all()
    assert [(r.actor, r.action) for r in rows] == [(A, "add-milestone"), (B, "remove-milestone")]
    assert rows[0].new == "Nộp báo cáo CNTT — 01/06/2027 01:00 UTC" and rows[1].old == rows[0].new
    assert all(r.at for r in rows)
    with pytest.raises(UndoRefused) as refused:  # A's undo would not bring back what B removed
        undo_last(engine, A)
    assert refused.value.by == B
    undo_last(engine, B)
    assert [x.id for x in reminders.active_milestones(engine) if x.title == "Nộp báo cáo CNTT"] == [m.id]
    undo_last(engine, A)
    with Session(engine) as s:
        assert s.get(Milestone, m.id).active is False  # type: ignore[union-attr]
    assert reminders.add_milestone(engine, "Mốc", due + timedelta(days=1), created_by=None) is not None
    with Session(engine) as s:
        assert s.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc())).first().actor == "system"  # type: ignore[union-attr]


# ---- end to end: two admins through the real bot and the fake Bot API

ADMIN, ADMIN2 = 6001, 6002


@pytest.fixture(scope="module")
def bot(tg: FakeTelegram, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    proc = BotProcess(tg, tmp_path_factory.mktemp("audit"), ADMIN_IDS=f"{ADMIN},{ADMIN2}",
                      REMINDER_SWEEP_SECONDS="1").start()
    yield proc
    proc.stop()


def say(tg: FakeTelegram, text: str, user: int = ADMIN) -> str:
    return tg.said(text, user)


def test_two_admins_undo_through_the_bot(tg: FakeTelegram, bot: BotProcess) -> None:
    question = "Dự án chữ ký số bao nhiêu tiền?"
    assert "2.000 triệu đồng" in say(tg, question)
    assert "2.000 → <b>2.500</b>" in say(tg, "/sua PL4-3 tmdt 2.500")
    assert "2.500 → <b>3.000</b>" in say(tg, "/sua PL4-3 tmdt 3.000", ADMIN2)
    refused = say(tg, "/hoantac")
    assert refused.startswith(f"Không hoàn tác: trường TMĐT của PL4-3 đã được telegram:{ADMIN2} sửa lúc ")
    assert refused.endswith("sau thay đổi của bạn.")
    assert "3.000 triệu đồng" in say(tg, question)  # B's value stays
    assert "3.000 → <b>2.500</b>" in say(tg, "/hoantac", ADMIN2)
    assert "2.500 triệu đồng" in say(tg, question)
    assert "2.500 → <b>2.000</b>" in say(tg, "/hoantac")
    assert "2.000 triệu đồng" in say(tg, question)
    log = say(tg, "/nhatky 3")
    assert f"telegram:{ADMIN2} undo PL4-3 TMĐT: 3.000 → 2.500" in log
    assert f"telegram:{ADMIN} undo PL4-3 TMĐT: 2.500 → 2.000" in log


def test_milestones_added_and_removed_show_in_the_log(tg: FakeTelegram, bot: BotProcess) -> None:
    added = say(tg, "/themmoc 01/06/2027 08:00 Nộp báo cáo kiểm thử nhật ký")
    mid = added.split("[", 1)[1].split("]", 1)[0]
    assert "Đã xóa mốc" in say(tg, f"/xoamoc {mid}", ADMIN2)
    log = say(tg, "/nhatky 2")
    assert f"telegram:{ADMIN2} remove-milestone moc:{mid}" in log
    assert f"telegram:{ADMIN} add-milestone moc:{mid}" in log and "Nộp báo cáo kiểm thử nhật ký" in log
    assert "đã được telegram:6002 xóa lúc" in say(tg, "/hoantac")
    assert "Đã hoàn tác" in say(tg, "/hoantac", ADMIN2)  # the milestone is back …
    assert "Nộp báo cáo kiểm thử nhật ký" in say(tg, "/moc")
    assert "Đã hoàn tác" in say(tg, "/hoantac")  # … and gone with the undo of its adding


def test_a_log_of_fifty_long_entries_fits_telegram(tg: FakeTelegram, bot: BotProcess) -> None:
    for i in range(50):
        long_title = f"Tên rất dài số {i} <&> của dự án chữ ký số " + "Ứng dụng công nghệ thông tin " * 10
        assert "Đã sửa" in say(tg, f"/sua PL4-3 ten {long_title}", ADMIN if i % 2 else ADMIN2)
    before = len(tg.sent("sendMessage", ADMIN))
    tg.message("/nhatky 50", chat_id=ADMIN)
    deadline = time.monotonic() + 15
    while True:
        replies = [c.params["text"] for c in tg.sent("sendMessage", ADMIN)[before:]]
        if sum(r.count("\n• ") + r.startswith("• ") for r in replies) >= 50:
            break
        assert time.monotonic() < deadline, f"the log did not come in full: {replies}"
        time.sleep(0.2)
    time.sleep(0.5)
    replies = [c.params["text"] for c in tg.sent("sendMessage", ADMIN)[before:]]
    assert len(replies) >= 2 and replies[0].startswith("<b>Nhật ký thay đổi</b>")
    assert all(utf16_length(r) <= TEXT_LIMIT for r in replies)
    assert sum(r.count("• ") for r in replies) == 50
    assert "&lt;&amp;&gt;" in replies[0]
    tg.assert_nothing_refused()  # the fake accepted every message (valid HTML, within the limit)
