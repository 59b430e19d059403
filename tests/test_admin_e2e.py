"""Admins keep the data right from chat: edits, refusals, audit, undo, delete, add, export and import."""
from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing

import pytest
from openpyxl import load_workbook

from knowledge.files import AGENCY_SHEET
from tests.e2e import BotProcess
from tests.fake_telegram import FakeTelegram

ADMIN, OTHER = 6001, 6002


@pytest.fixture(scope="module")
def bot(tg: FakeTelegram, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    proc = BotProcess(tg, tmp_path_factory.mktemp("admin"), ADMIN_IDS=str(ADMIN), REMINDER_SWEEP_SECONDS="1").start()
    yield proc
    proc.stop()


def say(tg: FakeTelegram, text: str, user: int = ADMIN) -> str:
    return tg.said(text, user)


def buttons(tg: FakeTelegram, chat: int = ADMIN) -> list[str]:
    return tg.buttons(chat)


def press(tg: FakeTelegram, chat: int, data: str, user: int = ADMIN) -> str:
    count = len(tg.sent("editMessageText"))
    tg.press(tg.bot_message(chat), data, user_id=user)
    return tg.wait_for(lambda c: c.method == "editMessageText", count=count + 1)[-1].params["text"]


def test_edit_audit_undo(tg: FakeTelegram, bot: BotProcess) -> None:
    assert "2.000 triệu đồng" in say(tg, "Dự án chữ ký số bao nhiêu tiền?")
    refused = say(tg, "/sua PL4-3 tmdt 9.999", user=OTHER)
    assert "chỉ dành cho quản trị viên" in refused
    assert "2.000 triệu đồng" in say(tg, "Dự án chữ ký số bao nhiêu tiền?", user=OTHER)
    done = say(tg, "/sua PL4-3 tmdt 2.500,5")
    assert "2.000 → <b>2.500,5</b>" in done
    edited = say(tg, "Dự án chữ ký số bao nhiêu tiền?", user=OTHER)
    assert "2.500,5 triệu đồng" in edited  # the figure now, and that the plan wrote another
    assert "⚠ PL4-3 đã được quản trị viên sửa ngày" in edited and "Kế hoạch ghi: Tổng mức đầu tư (TMĐT) 2.000" in edited
    log = say(tg, "/nhatky 5")
    assert f"telegram:{ADMIN} update PL4-3 TMĐT: 2.000 → 2.500,5" in log
    assert "telegram:6002" not in log
    assert "2.500,5 → <b>2.000</b>" in say(tg, "/hoantac")
    assert "2.000 triệu đồng" in say(tg, "Dự án chữ ký số bao nhiêu tiền?")
    assert "(đã hoàn tác)" in say(tg, "/nhatky")


@pytest.mark.parametrize(("command", "expected"), [
    ("/sua PL4-3 tmdt -5", "không được âm"),
    ("/sua PL4-3 tmdt mười", "không đọc được số tiền"),
    ("/sua PL4-3 mau_sac do", "Không sửa được trường"),
    ("/sua PL4-3 chu_dau_tu Bộ Ngoại giao", "Không nhận ra cơ quan"),
    ("/sua PL4-33 tmdt 5", "Có phải: PL4-3"),
    ("/sua PL4-3", "Cú pháp"),
    ("/sua PL4-3 ten " + "x" * 2100, "tối đa 2000"),
])
def test_bad_edits_change_nothing(tg: FakeTelegram, bot: BotProcess, command: str, expected: str) -> None:
    assert expected in say(tg, command)
    assert "2.000 triệu đồng" in say(tg, "Dự án chữ ký số bao nhiêu tiền?")


def test_investor_edit_updates_the_link(tg: FakeTelegram, bot: BotProcess) -> None:
    assert "Sở Nội vụ" in say(tg, "/sua PL4-10 chu_dau_tu Sở Nội vụ")
    assert "Sở Nội vụ" in say(tg, "Xây dựng điểm mạng LAN xã phường do ai làm chủ đầu tư?")
    say(tg, "/hoantac")
    assert "Sở TT&amp;TT" in say(tg, "Xây dựng điểm mạng LAN xã phường do ai làm chủ đầu tư?")


def test_delete_asks_for_confirmation_and_can_be_undone(tg: FakeTelegram, bot: BotProcess) -> None:
    before = len(tg.sent("sendMessage", ADMIN))
    tg.message("/xoa PL4-1.3", chat_id=ADMIN)
    ask = tg.reply_to(ADMIN, after=before)
    data = [b["callback_data"] for row in ask.params["reply_markup"]["inline_keyboard"] for b in row]
    token = data[0].removeprefix("xoa:")  # the buttons carry the pending delete's token, not the record's id
    assert data == [f"xoa:{token}", f"xoa-huy:{token}"] and "PL4" not in token
    assert "Đã hủy" in press(tg, ADMIN, data[1])
    assert "hết hạn" in press(tg, ADMIN, data[0])  # a cancelled prompt's Xóa deletes nothing
    assert "954 triệu đồng" in say(tg, "mạng LAN huyện Tam Đảo")
    say(tg, "/xoa PL4-1.3")
    assert "Đã xóa PL4-1.3" in press(tg, ADMIN, buttons(tg)[0])
    assert "954 triệu đồng" not in say(tg, "mạng LAN huyện Tam Đảo")
    say(tg, "/hoantac")
    assert "954 triệu đồng" in say(tg, "mạng LAN huyện Tam Đảo")


def test_add_a_project_through_the_conversation(tg: FakeTelegram, bot: BotProcess) -> None:
    assert "mục cha" in say(tg, "/them")
    assert "Không có mục" in say(tg, "PL9-X")
    assert "Tên dự án" in say(tg, "PL4-V")
    assert "Chủ đầu tư" in say(tg, "Xây dựng trung tâm giám sát an toàn thông tin mạng")
    assert "Không nhận ra cơ quan" in say(tg, "Công ty ABC")
    assert "Tổng mức đầu tư" in say(tg, "Sở TT&TT")
    assert "không đọc được" in say(tg, "nhiều tiền")
    assert "Kế hoạch vốn" in say(tg, "3,2 tỷ")
    summary = say(tg, "-")
    assert "PL4-14" in summary and "3.200 triệu đồng" in summary
    assert "Đã thêm PL4-14" in press(tg, ADMIN, buttons(tg)[0])
    answer = say(tg, "trung tâm giám sát an toàn thông tin mạng bao nhiêu tiền", user=OTHER)
    assert "3.200 triệu đồng" in answer and "không có trong văn bản Kế hoạch" in answer
    assert "Bổ sung bởi quản trị viên Cán bộ ngày" in answer  # who added it, not a plan source
    assert "/huy" in say(tg, "/them") and "Đã dừng" in say(tg, "/huy")


def test_export_then_import_unchanged_is_a_no_op_and_a_bad_file_is_rejected(tg: FakeTelegram,
                                                                              bot: BotProcess) -> None:
    count = len(tg.sent("sendDocument", ADMIN))
    tg.message("/xuat", chat_id=ADMIN)
    docs = tg.wait_for(lambda c: c.method == "sendDocument" and str(c.params["chat_id"]) == str(ADMIN),
                       count=count + 2)[-2:]
    xlsx, data = docs[0].files["document"], docs[1].files["document"]
    wb = load_workbook(io.BytesIO(xlsx))
    assert "Dự án" in wb.sheetnames and wb["Dự án"]["A1"].value == "Mã"
    with closing(sqlite3.connect(f"file:{bot.workdir / 'bot.db'}?mode=ro", uri=True)) as con:
        stored = {rid for (rid,) in con.execute("SELECT id FROM record WHERE NOT deleted")}
    in_book = {row[0] for ws in wb.worksheets if ws.title != AGENCY_SHEET
               for row in ws.iter_rows(min_row=2, values_only=True)}
    assert len(stored) > 300 and {r["id"] for r in json.loads(data)["records"]} == stored == in_book  # every record

    def upload(name: str, content: bytes) -> str:
        before = len(tg.sent("sendMessage", ADMIN))
        tg.document(name, content, chat_id=ADMIN, caption="/nhap")
        return tg.reply_to(ADMIN, after=before).params["text"]

    assert "Không có gì thay đổi" in upload("planbot.xlsx", xlsx)
    assert "Không có gì thay đổi" in upload("planbot.json", data)
    assert "Tệp bị từ chối" in upload("planbot.xlsx", b"this is not a workbook")
    assert "Tệp bị từ chối" in upload("planbot.pdf", b"%PDF-1.4")
    doc = json.loads(data)
    for r in doc["records"]:
        if r["id"] == "PL4-4":
            r["amounts"]["tmdt"] = "4500"  # a good change …
        if r["id"] == "PL4-9":
            r["amounts"]["tmdt"] = "12,914"  # … and a bad number: the whole file is refused
    report = upload("sua.json", json.dumps(doc).encode())
    assert "lỗi: 1" in report and "PL4-9" in report and "không được áp dụng" in report
    assert "4.000 triệu đồng" in say(tg, "phần mềm số hóa bao nhiêu tiền")


def test_import_with_changes_shows_a_dry_run_then_applies_on_confirm(tg: FakeTelegram, bot: BotProcess) -> None:
    count = len(tg.sent("sendDocument", ADMIN))
    tg.message("/xuat", chat_id=ADMIN)
    data = tg.wait_for(lambda c: c.method == "sendDocument" and str(c.params["chat_id"]) == str(ADMIN),
                       count=count + 2)[-1].files["document"]
    doc = json.loads(data)
    for r in doc["records"]:
        if r["id"] == "PL4-4":
            r["amounts"]["tmdt"] = "4500"
    before = len(tg.sent("sendMessage", ADMIN))
    assert "Gửi tệp" in say(tg, "/nhap")
    tg.document("sua.json", json.dumps(doc).encode(), chat_id=ADMIN)
    report = tg.reply_to(ADMIN, after=before + 1)
    assert "thay đổi: 1" in report.params["text"] and "PL4-4" in report.params["text"]
    assert "4.000 triệu đồng" in say(tg, "phần mềm số hóa bao nhiêu tiền")  # dry run: nothing yet
    assert "Đã áp dụng" in press(tg, ADMIN, buttons(tg)[0])
    assert "4.500 triệu đồng" in say(tg, "phần mềm số hóa bao nhiêu tiền")
    assert "replace PL4-4" in say(tg, "/nhatky 3")
    say(tg, "/hoantac")
    assert "4.000 triệu đồng" in say(tg, "phần mềm số hóa bao nhiêu tiền")


def test_changes_survive_a_restart(tg: FakeTelegram, bot: BotProcess) -> None:
    say(tg, "/sua PL4-13 tmdt 64.000")
    bot.stop()
    bot.start()
    assert "64.000 triệu đồng" in say(tg, "phần mềm khung kết nối các ứng dụng", user=OTHER)
    say(tg, "/hoantac")


def test_a_change_made_elsewhere_reaches_the_running_bot(tg: FakeTelegram, bot: BotProcess) -> None:
    """Another process (here the CLI) edits the shared database; the bot follows within a few seconds."""
    env = {**bot.env}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "export", "k.json"], cwd=bot.workdir, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    doc = json.loads((bot.workdir / "k.json").read_text(encoding="utf-8"))
    for r in doc["records"]:
        if r["id"] == "PL4-11":
            r["amounts"]["tmdt"] = "7000"
    (bot.workdir / "k.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bot.cli", "import", "k.json"], cwd=bot.workdir, env=env,
                          capture_output=True, text=True, timeout=60)
    assert "Đã áp dụng" in done.stdout
    deadline = time.monotonic() + 15
    while "7.000 triệu đồng" not in say(tg, "hệ thống lưu trữ sao lưu dự phòng dữ liệu", user=OTHER):
        assert time.monotonic() < deadline, "the bot never picked up the change"
        time.sleep(0.5)


def test_an_agency_gets_a_new_short_form_and_questions_use_it(tg: FakeTelegram, bot: BotProcess) -> None:
    done = say(tg, "/sua SO-YT viet_tat SYT, Sở Y tế tỉnh, Sở YT")
    assert "tên viết tắt" in done and "Sở YT" in done
    assert "1.000 triệu đồng" in say(tg, "Sở YT nâng cấp mạng LAN bao nhiêu", user=OTHER)
    assert "Cơ quan chỉ sửa được trường" in say(tg, "/sua SO-YT tmdt 5")
    say(tg, "/hoantac")
    assert "Sở YT" not in say(tg, "/nhatky 1").split("→")[-1]


def test_admin_commands_are_in_each_admins_own_menu_only(tg: FakeTelegram, bot: BotProcess) -> None:
    """Everyone's menu lists the ordinary commands; an admin's private chat also lists /sua, /them, /nhap …"""
    calls = tg.sent("setMyCommands")
    everyone = [c for c in calls if "scope" not in c.params][-1].params["commands"]
    admin = [c for c in calls if c.params.get("scope", {}).get("chat_id") == ADMIN]
    assert admin and admin[-1].params["scope"]["type"] == "chat"
    names = [c["command"] for c in admin[-1].params["commands"]]
    assert {"sua", "them", "xoa", "nhap", "xuat", "nhatky", "hoantac", "themmoc", "xoamoc"} <= set(names)
    assert not {"sua", "them", "nhap"} & {c["command"] for c in everyone}
