"""Confirm buttons are bound to the action they confirm, through the real bot and the fake Bot API: a button of an
applied, undone, cancelled or replaced prompt, a replayed one and a forged one are answered "hết hạn" and change
nothing; only the prompt's own button acts, once."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from tests.e2e import BotProcess
from tests.fake_telegram import FakeTelegram

ADMIN, OTHER = 6301, 6302
EXPIRED = "hết hạn"
TABLES = ("record", "amount", "record_agency", "agency", "audit_log", "milestone")  # what a button may write


@pytest.fixture(scope="module")
def bot(tg: FakeTelegram, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    proc = BotProcess(tg, tmp_path_factory.mktemp("buttons"), ADMIN_IDS=str(ADMIN)).start()
    yield proc
    proc.stop()


def say(tg: FakeTelegram, text: str, user: int = ADMIN) -> str:
    return tg.said(text, user)


def buttons(tg: FakeTelegram, chat: int = ADMIN) -> list[str]:
    data = tg.buttons(chat)
    assert all(len(d.encode()) <= 64 for d in data)
    return data


def press(tg: FakeTelegram, data: str, user: int = ADMIN) -> tuple[str, str]:
    """Press a button with `data` under a message of the bot (a new one each time, as a real chat's would be):
    what the answer to the press said, and what the message was edited to."""
    answers, edits = len(tg.sent("answerCallbackQuery")), len(tg.sent("editMessageText", user))
    tg.press(tg.bot_message(user, "Xác nhận?"), data, user_id=user)
    edited = tg.reply_to(user, after=edits, method="editMessageText").params["text"]
    answered = tg.wait_for(lambda c: c.method == "answerCallbackQuery", count=answers + 1)[answers]
    return answered.params.get("text") or "", edited


def expired(tg: FakeTelegram, data: str, user: int = ADMIN) -> None:
    """The press is answered, and its message edited, "hết hạn"."""
    answered, edited = press(tg, data, user)
    assert EXPIRED in answered and EXPIRED in edited


def exported(tg: FakeTelegram) -> dict:
    count = len(tg.sent("sendDocument", ADMIN))
    tg.message("/xuat", chat_id=ADMIN)
    docs = tg.wait_for(lambda c: c.method == "sendDocument" and str(c.params["chat_id"]) == str(ADMIN),
                       count=count + 2)
    loaded: dict = json.loads(docs[-1].files["document"])
    return loaded


def preview(tg: FakeTelegram, doc: dict, changes: dict[str, str]) -> list[str]:
    """Upload `doc` with each record's TMĐT in `changes` changed; the buttons under the dry run."""
    doc = json.loads(json.dumps(doc))
    for r in doc["records"]:
        if r["id"] in changes:
            r["amounts"]["tmdt"] = changes[r["id"]]
    before = len(tg.sent("sendMessage", ADMIN))
    tg.document("sua.json", json.dumps(doc).encode(), chat_id=ADMIN, caption="/nhap")
    report = tg.reply_to(ADMIN, after=before).params
    assert "Xem trước" in report["text"] and "reply_markup" in report, report["text"]
    return buttons(tg)


def tmdt(bot: BotProcess, record_id: str) -> list[tuple]:
    return sorted(bot.rows("SELECT \"column\", value FROM amount WHERE record_id = ?", record_id))


def test_apply_under_an_older_preview_applies_nothing_and_the_newer_one_applies_its_own(tg: FakeTelegram,
                                                                                         bot: BotProcess) -> None:
    doc = exported(tg)
    apply_a, cancel_a = preview(tg, doc, {"PL4-4": "4500"})
    apply_b, cancel_b = preview(tg, doc, {"PL4-11": "7000"})
    assert apply_a != apply_b and apply_a.startswith("nhap:ok:") and cancel_b.startswith("nhap:huy:")
    before, b4, b11 = bot.snapshot(TABLES), tmdt(bot, "PL4-4"), tmdt(bot, "PL4-11")
    expired(tg, apply_a)
    expired(tg, cancel_a)
    assert bot.snapshot(TABLES) == before
    assert "Đã áp dụng" in press(tg, apply_b)[1]
    assert tmdt(bot, "PL4-4") == b4 and tmdt(bot, "PL4-11") != b11  # B's change, not A's
    assert "7.000 triệu đồng" in say(tg, "hệ thống lưu trữ sao lưu dự phòng dữ liệu", user=OTHER)
    assert "4.000 triệu đồng" in say(tg, "phần mềm số hóa bao nhiêu tiền", user=OTHER)
    after = bot.snapshot(TABLES)
    expired(tg, apply_b)  # replayed: applied once only
    expired(tg, apply_a)
    expired(tg, cancel_b)
    assert bot.snapshot(TABLES) == after
    assert "Đã hoàn tác" in say(tg, "/hoantac")
    assert tmdt(bot, "PL4-11") == b11


def test_a_cancelled_preview_cannot_be_applied(tg: FakeTelegram, bot: BotProcess) -> None:
    apply, cancel = preview(tg, exported(tg), {"PL4-4": "4600"})
    before = bot.snapshot(TABLES)
    assert "Đã hủy nhập dữ liệu" in press(tg, cancel)[1]
    expired(tg, apply)
    assert bot.snapshot(TABLES) == before


def test_an_old_delete_button_pressed_again_after_undo_deletes_nothing(tg: FakeTelegram, bot: BotProcess) -> None:
    assert "2.000 triệu đồng" in say(tg, "Dự án chữ ký số bao nhiêu tiền?", user=OTHER)
    assert "Xóa <b>PL4-3</b>" in say(tg, "/xoa PL4-3")
    delete, keep = buttons(tg)
    assert "PL4" not in delete and delete.startswith("xoa:") and keep.startswith("xoa-huy:")
    assert "Đã xóa PL4-3" in press(tg, delete)[1]
    assert bot.rows("SELECT deleted FROM record WHERE id = 'PL4-3'") == [(1,)]
    assert "2.000 triệu đồng" not in say(tg, "Dự án chữ ký số bao nhiêu tiền?", user=OTHER)
    assert "Đã hoàn tác" in say(tg, "/hoantac")
    assert "2.000 triệu đồng" in say(tg, "Dự án chữ ký số bao nhiêu tiền?", user=OTHER)
    before = bot.snapshot(TABLES)
    expired(tg, delete)
    expired(tg, keep)
    assert bot.snapshot(TABLES) == before
    assert bot.rows("SELECT deleted FROM record WHERE id = 'PL4-3'") == [(0,)]
    assert "2.000 triệu đồng" in say(tg, "Dự án chữ ký số bao nhiêu tiền?", user=OTHER)


def test_two_delete_prompts_each_delete_their_own_record_once(tg: FakeTelegram, bot: BotProcess) -> None:
    say(tg, "/xoa PL4-1.3")
    first = buttons(tg)[0]
    say(tg, "/xoa PL4-1.4")
    second, keep_second = buttons(tg)
    assert "Đã hủy" in press(tg, keep_second)[1]
    expired(tg, second)
    assert "Đã xóa PL4-1.3" in press(tg, first)[1]
    assert bot.rows("SELECT id FROM record WHERE deleted AND id LIKE 'PL4-1.%'") == [("PL4-1.3",)]
    assert "Đã hoàn tác" in say(tg, "/hoantac")


@pytest.mark.parametrize("data", [
    "xoa:PL4-3", "xoa-huy:PL4-3", "xoa:", "xoa:" + "A" * 60, "nhap:ok", "nhap:huy", "nhap:ok:AAAAAAAA",
    "nhap:ok:PL4-3", "them:luu", "them:huy", "them:luu:AAAAAAAA",
])
def test_forged_confirm_data_is_refused_and_changes_nothing(tg: FakeTelegram, bot: BotProcess, data: str) -> None:
    say(tg, "/xoa PL4-3")  # a real prompt is pending: forged data still finds nothing
    real = buttons(tg)[0]
    before = bot.snapshot(TABLES)
    expired(tg, data)
    assert bot.snapshot(TABLES) == before
    assert bot.rows("SELECT deleted FROM record WHERE id = 'PL4-3'") == [(0,)]
    token = real.removeprefix("xoa:")
    expired(tg, f"nhap:ok:{token}")  # a delete's token under another action's prefix
    assert bot.snapshot(TABLES) == before
    assert "Đã hủy" in press(tg, f"xoa-huy:{token}")[1]


def test_forged_data_from_someone_else_is_refused(tg: FakeTelegram, bot: BotProcess) -> None:
    say(tg, "/xoa PL4-3")
    real = buttons(tg)[0]
    before, answers = bot.snapshot(TABLES), len(tg.sent("answerCallbackQuery"))
    for data in (real, "xoa:PL4-3", "nhap:ok"):
        tg.press(tg.bot_message(OTHER, "Xác nhận?"), data, user_id=OTHER)
    said = [c.params.get("text", "") for c in tg.wait_for(lambda c: c.method == "answerCallbackQuery",
                                                          count=answers + 3)[answers:]]
    assert all("Chỉ quản trị viên" in s for s in said)
    assert bot.snapshot(TABLES) == before
    assert "Đã hủy" in press(tg, real.replace("xoa:", "xoa-huy:"))[1]


def _summary(tg: FakeTelegram, title: str) -> list[str]:
    """/them through to the summary; its Lưu and Hủy."""
    assert "mục cha" in say(tg, "/them")
    assert "Tên dự án" in say(tg, "PL4-V")
    assert "Chủ đầu tư" in say(tg, title)
    assert "Tổng mức đầu tư" in say(tg, "Sở TT&TT")
    assert "Kế hoạch vốn" in say(tg, "1.200")
    assert "Sẽ thêm" in say(tg, "-")
    return buttons(tg)


def titled(bot: BotProcess, title: str) -> list[tuple]:
    return bot.rows("SELECT id, deleted FROM record WHERE title = ?", title)


def test_a_replayed_save_adds_no_second_project(tg: FakeTelegram, bot: BotProcess) -> None:
    title = "Hệ thống thử nút lưu một lần"
    save, drop = _summary(tg, title)
    assert save.startswith("them:luu:") and drop.startswith("them:huy:")
    added = re.search(r"Đã thêm (PL4-\d+)", press(tg, save)[1])
    assert added is not None
    after = bot.snapshot(TABLES)
    expired(tg, save)
    expired(tg, drop)
    assert bot.snapshot(TABLES) == after and titled(bot, title) == [(added.group(1), 0)]
    assert "Đã hoàn tác" in say(tg, "/hoantac")


def test_an_older_summary_saves_nothing_and_a_draft_in_progress_goes_on(tg: FakeTelegram, bot: BotProcess) -> None:
    old_title, new_title = "Hệ thống thử bản nháp cũ", "Hệ thống thử bản nháp mới"
    old_save, _ = _summary(tg, old_title)
    assert "mục cha" in say(tg, "/them")  # a new draft: the old summary's buttons expire
    before = bot.snapshot(TABLES)
    expired(tg, old_save)
    assert bot.snapshot(TABLES) == before
    assert "Tên dự án" in say(tg, "PL4-V")  # the draft being written was not dropped by the stale press
    assert "Đã dừng" in say(tg, "/huy")
    new_save, _ = _summary(tg, new_title)
    expired(tg, old_save)
    assert "Đã thêm" in press(tg, new_save)[1]
    assert titled(bot, old_title) == [] and len(titled(bot, new_title)) == 1
    assert "Đã hoàn tác" in say(tg, "/hoantac")


def test_a_cancelled_summary_cannot_be_saved(tg: FakeTelegram, bot: BotProcess) -> None:
    title = "Hệ thống thử bản nháp đã hủy"
    save, drop = _summary(tg, title)
    before = bot.snapshot(TABLES)
    assert "Đã hủy" in press(tg, drop)[1]
    expired(tg, save)
    assert bot.snapshot(TABLES) == before and titled(bot, title) == []
