"""Bad input through the fake Bot API, to the real bot: each gets a clear Vietnamese message (or, when it is meant
for nobody, silence), never the generic error message nor an English or Python error, and changes nothing in the
database; heavy work (a 20.000-record import, index rebuilds) never holds up another user's question."""
from __future__ import annotations

import itertools
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest

from db import edits
from db.engine import make_engine
from handlers.errors import SORRY
from knowledge import files
from knowledge.loader import load_files
from knowledge.records import Record
from tests.e2e import BotProcess
from tests.fake_telegram import BOT_USERNAME, FakeTelegram

ADMIN, ADMIN2, OTHER = 6101, 6102, 6103
GROUP = -100900
MARKER = "Mã cuộc trò chuyện này"  # in the reply to /id, sent after each input: the bot has done with the input
ERROR_TEXT = re.compile(r"Traceback|[A-Z][A-Za-z]*Error\b|Exception\b|invalid literal|NoneType|has no attribute|"
                        r"out of range|Bad Request|[Nn]ot [Ff]ound|unexpected")
VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)
TABLES = ("agency", "record", "amount", "record_agency", "milestone", "subscription", "audit_log")  # not the ledger:
# sweeps write it on their own
_message_ids = itertools.count(50_000)


@pytest.fixture(scope="module")
def bot(tg: FakeTelegram, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    proc = BotProcess(tg, tmp_path_factory.mktemp("bad-input"), ADMIN_IDS=f"{ADMIN},{ADMIN2}",
                      REMINDER_SWEEP_SECONDS="1").start()
    yield proc
    proc.stop()


def marker(kind: str) -> str:
    return "/id" if kind == "private" else f"/id@{BOT_USERNAME}"


def after(tg: FakeTelegram, chat: int, before: int, user: int, kind: str = "private") -> list[str]:
    """What the bot sent `chat` since its `before`-th message, up to its answer to a /id sent now (updates of one
    chat are handled in order, so by then the input is done with)."""
    done = len([c for c in tg.sent("sendMessage", chat) if MARKER in c.params["text"]])
    tg.message(marker(kind), chat_id=chat, user_id=user, kind=kind)
    tg.wait_for(lambda c: c.method == "sendMessage" and str(c.params.get("chat_id")) == str(chat)
                and MARKER in c.params["text"], timeout=30, count=done + 1)
    texts = [str(c.params.get("text") or c.params.get("caption") or "") for c in tg.sent(chat_id=chat)[before:]]
    return [t for t in texts if MARKER not in t]


def exchange(tg: FakeTelegram, text: str, user: int, chat: int | None = None, kind: str = "private") -> list[str]:
    """Send `text` as `user`; every message the bot sent back."""
    chat = chat or user
    before = len(tg.sent(chat_id=chat))
    tg.message(text, chat_id=chat, user_id=user, kind=kind)
    return after(tg, chat, before, user, kind)


def assert_clear(texts: list[str], expected: str = "") -> None:
    """At least one reply, with `expected` in it; each in Vietnamese, none the generic error or a Python one."""
    assert texts, "the bot said nothing"
    assert any(expected in t for t in texts), texts
    for t in texts:
        assert SORRY not in t and not ERROR_TEXT.search(t) and VIETNAMESE.search(t), t


def errors_logged(bot: BotProcess) -> int:
    return bot.output().count("Lỗi khi xử lý update")


LONG = "x" * 10_000
EMOJI = "😀🎉🔥"
CONTROL = "\x00\x1b[31m"
HTML = "<script>alert(1)</script>"


@pytest.mark.parametrize(("user", "text", "expected"), [
    (OTHER, "/ngansach <b>", "Năm không hợp lệ: «&lt;b&gt;»"),
    (OTHER, "/ngansach a < b", "Năm không hợp lệ: «a &lt; b»"),
    (OTHER, "/ngansach ²", "Năm không hợp lệ"),
    (ADMIN, "/xoamoc ²", "Cú pháp: /xoamoc"),
    (ADMIN, "/nhatky ²", "Cú pháp: /nhatky"),
    (OTHER, "/dangky ²", "Số ngày báo trước phải là các số nguyên"),
    (ADMIN, "/xoamoc 99999999999999999999", "Cú pháp: /xoamoc"),
    (ADMIN, "/xoamoc 424242", "Không có mốc đang hoạt động nào mang mã 424242"),
    (ADMIN, "/sua PL9-99 tmdt 5", "Không có bản ghi mã «PL9-99»"),
    (ADMIN, "/sua <b>PL4-3</b> tmdt 5", "Không có bản ghi mã «&lt;B&gt;PL4-3&lt;/B&gt;»"),
    (ADMIN, "/xoa PL9-99", "Không có bản ghi mã «PL9-99»"),
    (ADMIN, "/themmoc 01/01/0001 00:00 X", "Năm 0001 không hợp lệ"),
    (ADMIN, "/themmoc 1/1/2027 -1:00 X", "Giờ «-1:00» không đúng dạng HH:MM"),
    (ADMIN, "/themmoc 1/1/9999 08:00 X", "Năm 9999 không hợp lệ"),
    (ADMIN, "/themmoc 1/1/2027 24:00 X", "Giờ «24:00» không tồn tại"),
    (ADMIN, "/themmoc 31/2/2027 08:00 X", "Ngày 31/2/2027 không tồn tại"),
    (ADMIN, "/themmoc ٣/1/2027 08:00 X", "không đúng dạng dd/mm/yyyy"),
    (ADMIN, "/themmoc 3/1/2027 ٠٨:٠٠ X", "không đúng dạng HH:MM"),
    (ADMIN, "/themmoc 3/1/2020 08:00 X", "đã qua"),
    (OTHER, "/huy", "Không có dự án nào đang thêm dở"),
    # questions: empty, very long, emoji only, control characters, HTML
    (OTHER, "", "chỉ đọc câu hỏi bằng chữ"),
    (OTHER, "   ", "Ví dụ"),
    (OTHER, LONG, "quá dài"),
    (OTHER, EMOJI, "Ví dụ"),
    (OTHER, CONTROL, "Ví dụ"),
    (OTHER, HTML, ""),
    (OTHER, f"/duan {LONG}", "quá dài"),
    (OTHER, f"/duan {EMOJI}", ""),
    (OTHER, f"/duan {CONTROL}", ""),
    (OTHER, f"/duan {HTML}", ""),
    (OTHER, f"/nhiemvu {HTML}", "Không nhận ra cơ quan"),
    (OTHER, f"/nhiemvu {LONG}", "Không nhận ra cơ quan"),
    (OTHER, f"/muctieu {LONG}", "quá dài"),
    # admin commands that take text
    (ADMIN, "/sua PL4-3 ten", "Cú pháp: /sua"),
    (ADMIN, f"/sua PL4-3 ten {LONG}", "tối đa 2000"),
    (ADMIN, f"/sua PL4-3 ten {EMOJI}", "cần có chữ hoặc số"),
    (ADMIN, f"/sua PL4-3 ghi_chu {CONTROL}", "ký tự điều khiển"),
    (ADMIN, f"/sua PL4-3 ten Dự án{CONTROL} mới", "ký tự điều khiển"),
    (ADMIN, f"/sua PL4-3 ten {HTML}", "thẻ HTML"),
    (ADMIN, f"/sua SO-YT ten {HTML}", "thẻ HTML"),
    (ADMIN, f"/sua SO-YT viet_tat {EMOJI}", "cần có chữ hoặc số"),
    (ADMIN, "/themmoc 31/12/2030", "Thiếu tiêu đề"),
    (ADMIN, f"/themmoc 31/12/2030 {LONG}", "dài quá: 10000 ký tự, tối đa 200"),
    (ADMIN, f"/themmoc 31/12/2030 {EMOJI}", "cần có chữ hoặc số"),
    (ADMIN, f"/themmoc 31/12/2030 Họp{CONTROL}", "ký tự điều khiển"),
    (ADMIN, f"/themmoc 31/12/2030 {HTML}", "thẻ HTML"),
])
def test_bad_input_is_refused_in_vietnamese_and_changes_nothing(tg: FakeTelegram, bot: BotProcess, user: int,
                                                                  text: str, expected: str) -> None:
    before, logged = bot.snapshot(TABLES), errors_logged(bot)
    assert_clear(exchange(tg, text, user), expected)
    assert bot.snapshot(TABLES) == before
    assert errors_logged(bot) == logged


def document(tg: FakeTelegram, name: str, file_id: str, user: int, caption: str = "", size: int | None = None,
             chat: int | None = None, kind: str = "private") -> int:
    """A document message as Telegram sends it (`size` None: the message does not say how big the file is)."""
    doc = {"file_id": file_id, "file_unique_id": file_id + "u", "file_name": name, "mime_type": "application/json"}
    if size is not None:
        doc["file_size"] = size
    msg = {"message_id": next(_message_ids), "date": int(time.time()), "chat": tg.chat(chat or user, kind),
           "from": tg.user(user), "caption": caption, "document": doc}
    if caption.startswith("/"):
        msg["caption_entities"] = [{"type": "bot_command", "offset": 0, "length": len(caption.split()[0])}]
    return tg.push({"message": msg})


def upload(tg: FakeTelegram, name: str, content: bytes, user: int, caption: str = "/nhap",
           chat: int | None = None) -> list[str]:
    """Send a file the fake holds; every message the bot sent back."""
    chat = chat or user
    kind = "private" if chat > 0 else "supergroup"
    before = len(tg.sent(chat_id=chat))
    file_id = f"bad-{next(_message_ids)}"
    tg.files[file_id] = content
    document(tg, name, file_id, user, caption, size=len(content), chat=chat, kind=kind)
    return after(tg, chat, before, user, kind)


def nested(depth: int) -> bytes:
    return b'{"records": ' + b"[" * depth + b"]" * depth + b"}"


def test_a_document_with_nhap_from_a_non_admin_is_refused_politely(tg: FakeTelegram, bot: BotProcess) -> None:
    before = bot.snapshot(TABLES)
    assert_clear(upload(tg, "planbot.json", files.to_json(load_files()), OTHER), "chỉ dành cho quản trị viên")
    assert bot.snapshot(TABLES) == before


@pytest.mark.parametrize(("depth", "said"), [(100_000, "không hợp lệ: lồng nhau quá sâu"),
                                            (500, "không được áp dụng")])
def test_a_deeply_nested_json_is_an_invalid_file(tg: FakeTelegram, bot: BotProcess, depth: int, said: str) -> None:
    before, logged = bot.snapshot(TABLES), errors_logged(bot)
    assert_clear(upload(tg, "long-nhau.json", nested(depth), ADMIN), said)
    assert bot.snapshot(TABLES) == before and errors_logged(bot) == logged


@pytest.mark.parametrize("content", [
    b'{"records": [{"id": "X-1", "kind": "project", "title": "t", "source": "s", "figures": [1]}]}',
    b'{"records": [{"id": "X-1", "kind": "project", "title": "t", "source": "s", "agencies": [["SO-YT"]]}]}',
    b'{"records": [{"id": "X-1", "kind": "project", "title": "t", "source": "s", "parent": ["PL4-V"]}]}',
    b'{"records": [{"id": "X-1", "kind": "project", "title": "t", "source": "s", "text": {"a": 1}}]}',
    b'{"records": [], "agencies": [["SO-YT"]]}',
    b'[1, 2, 3]',
    b'\xff\xfe',
])
def test_a_json_of_the_wrong_shape_is_refused_with_its_reason(tg: FakeTelegram, bot: BotProcess,
                                                               content: bytes) -> None:
    before, logged = bot.snapshot(TABLES), errors_logged(bot)
    assert_clear(upload(tg, "sai.json", content, ADMIN))
    assert bot.snapshot(TABLES) == before and errors_logged(bot) == logged


def test_a_file_over_the_limit_is_refused_before_it_is_downloaded(tg: FakeTelegram, bot: BotProcess) -> None:
    """By the size the message gives, or, when it gives none, by the size getFile reports (Telegram lets bots
    download 20 MB at most); the fake has no such file, so a download would fail with another message."""
    before = bot.snapshot(TABLES)
    big = 25 * 1024 * 1024
    count = len(tg.sent(chat_id=ADMIN))
    document(tg, "lon.json", "not-in-the-fake-1", ADMIN, "/nhap", size=big)
    assert_clear(after(tg, ADMIN, count, ADMIN), "Tệp quá lớn")
    assert not [c for c in tg.sent("getFile") if c.params.get("file_id") == "not-in-the-fake-1"]
    tg.fail_next("getFile", lambda p: (200, {"ok": True, "result": {
        "file_id": p["file_id"], "file_unique_id": "u", "file_size": big, "file_path": "documents/missing"}})
        if p.get("file_id") == "not-in-the-fake-2" else None)
    count = len(tg.sent(chat_id=ADMIN))
    document(tg, "lon.json", "not-in-the-fake-2", ADMIN, "/nhap")
    assert_clear(after(tg, ADMIN, count, ADMIN), "Tệp quá lớn")
    assert bot.snapshot(TABLES) == before


def test_a_download_that_fails_is_said_in_vietnamese(tg: FakeTelegram, bot: BotProcess) -> None:
    before, logged = bot.snapshot(TABLES), errors_logged(bot)
    tg.fail_next("getFile", lambda p: (400, {"ok": False, "error_code": 400,
                                             "description": "Bad Request: file is too big"}))
    count = len(tg.sent(chat_id=ADMIN))
    document(tg, "a.json", "whatever", ADMIN, "/nhap", size=100)
    assert_clear(after(tg, ADMIN, count, ADMIN), "Không tải được tệp")
    count = len(tg.sent(chat_id=ADMIN))
    document(tg, "b.json", "never-uploaded", ADMIN, "/nhap", size=100)  # getFile answers, the download is a 404
    assert_clear(after(tg, ADMIN, count, ADMIN), "Không tải được tệp")
    assert bot.snapshot(TABLES) == before and errors_logged(bot) == logged


def test_a_document_sent_without_nhap_gets_a_hint_in_private_and_silence_in_a_group(tg: FakeTelegram,
                                                                                    bot: BotProcess) -> None:
    before = bot.snapshot(TABLES)
    assert_clear(upload(tg, "ghi-chu.pdf", b"%PDF-1.4", OTHER, caption=""), "chỉ đọc câu hỏi bằng chữ")
    assert_clear(upload(tg, "du-lieu.json", b"{}", ADMIN, caption=""), "/nhap")
    assert upload(tg, "bao-cao.pdf", b"%PDF-1.4", OTHER, caption="", chat=GROUP) == []
    assert bot.snapshot(TABLES) == before


@pytest.mark.parametrize(("user", "data"), [
    (OTHER, "zzz"), (OTHER, "r:NOPE"), (OTHER, "r:" + "x" * 62), (ADMIN, "them:luu"), (ADMIN, "them:huy"),
    (ADMIN, "nhap:ok"), (OTHER, "nhap:ok"), (ADMIN, "xoa:PL9-99"), (OTHER, "xoa:PL4-3"),
])
def test_an_unknown_or_stale_button_is_answered(tg: FakeTelegram, bot: BotProcess, user: int, data: str) -> None:
    before_db, logged = bot.snapshot(TABLES), errors_logged(bot)
    answers, count = len(tg.sent("answerCallbackQuery")), len(tg.sent(chat_id=user))
    tg.press(tg.bot_message(user), data, user_id=user)
    texts = after(tg, user, count, user)
    answered = tg.sent("answerCallbackQuery")[answers:]
    assert len(answered) == 1, "the button was left spinning"
    shown = [answered[0].params.get("text") or "", *texts]
    assert any(t.strip() for t in shown), "nothing tells the user the button does nothing"
    assert_clear([t for t in shown if t.strip()])
    assert bot.snapshot(TABLES) == before_db and errors_logged(bot) == logged


@pytest.mark.telegram_refuses
def test_the_same_record_button_pressed_twice(tg: FakeTelegram, bot: BotProcess) -> None:
    """The second press edits the message to what it already shows: Telegram refuses that, the bot lets it be."""
    message = tg.bot_message(OTHER)
    refused, answers, logged = len(tg.rejected), len(tg.sent("answerCallbackQuery")), errors_logged(bot)
    for _ in range(2):
        count = len(tg.sent(chat_id=OTHER))
        tg.press(message, "r:PL4-3", user_id=OTHER)
        texts = after(tg, OTHER, count, OTHER)
        assert all(SORRY not in t for t in texts)
    assert len(tg.sent("answerCallbackQuery")) == answers + 2
    refusals = [why for _, why in tg.rejected[refused:]]
    assert len(refusals) == 1 and "not modified" in refusals[0]
    assert errors_logged(bot) == logged


def test_another_bots_command_in_a_group_is_silence_and_ours_is_answered(tg: FakeTelegram, bot: BotProcess) -> None:
    assert exchange(tg, "/start@otherbot", 6110, chat=GROUP, kind="supergroup") == []
    assert exchange(tg, "/help@otherbot", 6110, chat=GROUP, kind="supergroup") == []
    assert exchange(tg, "/sua@otherbot PL4-3 tmdt 1", 6110, chat=GROUP, kind="supergroup") == []
    assert_clear(exchange(tg, f"/start@{BOT_USERNAME}", 6110, chat=GROUP, kind="supergroup"), "Kế hoạch 3854")
    assert_clear(exchange(tg, f"/help@{BOT_USERNAME.upper()}", 6110, chat=GROUP, kind="supergroup"), "Ví dụ")


def say(tg: FakeTelegram, text: str, user: int) -> str:
    texts = exchange(tg, text, user)
    assert len(texts) == 1, texts
    return texts[0]


def press(tg: FakeTelegram, user: int, data: str) -> str:
    edits_before = len(tg.sent("editMessageText", user))
    tg.press(tg.bot_message(user), data, user_id=user)
    return tg.reply_to(user, after=edits_before, method="editMessageText").params["text"]


@pytest.mark.parametrize("name", ["\u200b\u200c\u200d\ufeff", "   \u200b  ", "\x00\x1b", EMOJI, HTML, "x" * 5000])
def test_a_new_project_needs_a_visible_name(tg: FakeTelegram, bot: BotProcess, name: str) -> None:
    before = bot.snapshot(TABLES)
    assert "mục cha" in say(tg, "/them", ADMIN)
    assert "Tên dự án" in say(tg, "PL4-V", ADMIN)
    refused = exchange(tg, name, ADMIN)
    assert_clear(refused, "Gửi lại tên")
    assert "Chủ đầu tư" not in refused[0]
    assert "Đã dừng" in say(tg, "/huy", ADMIN)
    assert bot.snapshot(TABLES) == before


def save_button(tg: FakeTelegram, user: int) -> str:
    """The callback data of the first button under the latest message the bot sent `user` with buttons."""
    sent = [c for c in tg.sent("sendMessage", user) if "reply_markup" in c.params]
    return str(sent[-1].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"])


def delete(tg: FakeTelegram, user: int, record_id: str) -> str:
    """/xoa, then its Xóa button."""
    assert "Xóa" in say(tg, f"/xoa {record_id}", user)
    return press(tg, user, save_button(tg, user))


def _through_to_confirm(tg: FakeTelegram, admin: int, title: str) -> str:
    assert "mục cha" in say(tg, "/them", admin)
    assert "Tên dự án" in say(tg, "PL4-V", admin)
    assert "Chủ đầu tư" in say(tg, title, admin)
    assert "Tổng mức đầu tư" in say(tg, "Sở TT&TT", admin)
    assert "Kế hoạch vốn" in say(tg, "1.500", admin)
    return say(tg, "-", admin)


def test_two_admins_adding_at_once_get_two_records(tg: FakeTelegram, bot: BotProcess) -> None:
    """The id is given when a draft is saved, not when it starts: both drafts preview the same next id, both
    admins press Lưu at once, and each gets a record of their own."""
    previews = [_through_to_confirm(tg, ADMIN, "Hệ thống thử nghiệm thứ nhất"),
                _through_to_confirm(tg, ADMIN2, "Hệ thống thử nghiệm thứ hai")]
    expected = {re.search(r"Sẽ thêm <b>(PL4-\d+)</b>", p).group(1) for p in previews}  # type: ignore[union-attr]
    assert len(expected) == 1
    edits_before = {admin: len(tg.sent("editMessageText", admin)) for admin in (ADMIN, ADMIN2)}
    saves = {admin: save_button(tg, admin) for admin in (ADMIN, ADMIN2)}
    for admin in (ADMIN, ADMIN2):
        tg.press(tg.bot_message(admin), saves[admin], user_id=admin)
    saved = [tg.reply_to(admin, after=n, method="editMessageText").params["text"] for admin, n in edits_before.items()]
    ids = [re.search(r"Đã thêm (PL4-\d+)", s).group(1) for s in saved]  # type: ignore[union-attr]
    assert len(set(ids)) == 2 and expected < set(ids)
    titles = dict(bot.rows("SELECT id, title FROM record WHERE id IN (?, ?)", *ids))
    assert titles == {ids[0]: "Hệ thống thử nghiệm thứ nhất", ids[1]: "Hệ thống thử nghiệm thứ hai"}
    for admin in (ADMIN, ADMIN2):
        assert "Đã hoàn tác" in say(tg, "/hoantac", admin)


def test_an_id_of_a_deleted_record_is_not_given_again(tg: FakeTelegram, bot: BotProcess) -> None:
    preview = _through_to_confirm(tg, ADMIN, "Hệ thống thử nghiệm thứ ba")
    saved = press(tg, ADMIN, save_button(tg, ADMIN))
    new_id = re.search(r"Đã thêm (PL4-\d+)", saved).group(1)  # type: ignore[union-attr]
    assert new_id in preview
    assert "Đã xóa" in delete(tg, ADMIN, new_id)
    _through_to_confirm(tg, ADMIN, "Hệ thống thử nghiệm thứ tư")
    again = re.search(r"Đã thêm (PL4-\d+)", press(tg, ADMIN, save_button(tg, ADMIN))).group(1)  # type: ignore[union-attr]
    assert again != new_id


LONG_TITLE = " ".join(["Hệ thống quan trắc môi trường tự động liên thông"] * 110)  # about 5.000 characters


def test_a_record_with_a_very_long_title_reaches_users_whole(tg: FakeTelegram, bot: BotProcess) -> None:
    """Written straight into the database (/them keeps titles to 300 characters): answers, buttons and inline
    results about it are all messages Telegram accepts."""
    db = make_engine(f"sqlite:///{bot.workdir / 'bot.db'}", migrate=False)
    for rid, where in (("PL4-V.90", "Thái Nguyên"), ("PL4-V.91", "Tuyên Quang")):
        edits.create_record(db, Record(id=rid, kind="project", title=f"{LONG_TITLE} {where}", parent="PL4-V",
                                       source="Thử nghiệm", fields={"giai_doan": "2016-2020"}), "test")
    deadline = time.monotonic() + 20
    while not any("PL4-V.90" in t for t in exchange(tg, "/duan quan trắc môi trường tự động", OTHER)):
        assert time.monotonic() < deadline, "the bot never picked the records up"
        time.sleep(0.5)
    before = len(tg.sent("sendMessage", OTHER))
    assert_clear(exchange(tg, "hệ thống quan trắc môi trường tự động liên thông", OTHER), "quan trắc")
    keyboards = [c.params["reply_markup"] for c in tg.sent("sendMessage", OTHER)[before:] if "reply_markup" in c.params]
    labels = [b["text"] for row in keyboards[0]["inline_keyboard"] for b in row]
    assert len(labels) == 2 and all(0 < len(label) <= 64 for label in labels)
    for rid in ("PL4-V.90", "PL4-V.91"):
        count = len(tg.sent(chat_id=OTHER))
        tg.press(tg.bot_message(OTHER), f"r:{rid}", user_id=OTHER)
        shown = after(tg, OTHER, count, OTHER)
        assert len(shown) >= 2 and "".join(shown).count("liên thông") >= 110  # too long for one message: all of it
    inline = len(tg.sent("answerInlineQuery"))
    tg.inline("quan trắc môi trường tự động liên thông", user_id=OTHER)
    results = tg.wait_for(lambda c: c.method == "answerInlineQuery", count=inline + 1)[-1].params["results"]
    assert results and all(len(r["title"]) <= 100 for r in results)
    assert "Đã xóa" in delete(tg, ADMIN, "PL4-V.90") and "Đã xóa" in delete(tg, ADMIN, "PL4-V.91")
    assert_clear(exchange(tg, "/nhatky 5", ADMIN), "PL4-V.91")


def test_a_title_of_5000_characters_is_capped_by_them(tg: FakeTelegram, bot: BotProcess) -> None:
    assert "mục cha" in say(tg, "/them", ADMIN)
    assert "Tên dự án" in say(tg, "PL4-V", ADMIN)
    assert_clear(exchange(tg, LONG_TITLE, ADMIN), "tối đa 300")
    assert "Đã dừng" in say(tg, "/huy", ADMIN)


def _import_file(count: int) -> bytes:
    """The data-file JSON `planbot export` writes, with `count` projects more."""
    doc = json.loads(files.to_json(load_files()))
    doc["records"] += [Record(id=f"THU-{i}", kind="project", title=f"Dự án thử tải số {i}", parent="PL4-V",
                              source="Tệp thử tải", amounts={"tmdt": Decimal(i)}).to_data()
                       for i in range(1, count + 1)]
    return json.dumps(doc, ensure_ascii=False, indent=1).encode()


def test_a_large_import_does_not_hold_up_other_users(tmp_path: Path) -> None:
    """While an admin's import of 20.000 records is previewed, then applied (and the index rebuilt), questions
    from other chats are answered within a second of reaching the bot."""
    content = _import_file(20_000)
    assert len(content) <= files.MAX_BYTES
    with FakeTelegram() as tg:
        proc = BotProcess(tg, tmp_path, ADMIN_IDS=str(ADMIN)).start()
        try:
            asked: dict[int, int] = {}  # chat -> update id of its question

            def ask_until(done: Callable[[], bool]) -> None:
                while not done():
                    chat = 9000 + len(asked)
                    asked[chat] = tg.message("Dự án chữ ký số bao nhiêu tiền?", chat_id=chat)
                    time.sleep(0.1)  # 10 questions a second: well under Telegram's 30 messages a second

            tg.files["load"] = content
            start = len(tg.sent("sendMessage", ADMIN))
            document(tg, "tai.json", "load", ADMIN, "/nhap", size=len(content))
            ask_until(lambda: len(tg.sent("sendMessage", ADMIN)) > start)
            preview = tg.sent("sendMessage", ADMIN)[start]
            assert "Thêm mới: 20000" in preview.params["text"], preview.params["text"]
            previewed = len(asked)
            edits_before = len(tg.sent("editMessageText", ADMIN))
            apply = preview.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            tg.press(tg.bot_message(ADMIN, preview.params["text"]), apply, user_id=ADMIN)
            ask_until(lambda: len(tg.sent("editMessageText", ADMIN)) > edits_before)
            applied = tg.sent("editMessageText", ADMIN)[edits_before]
            assert "Đã áp dụng: thêm 20000" in applied.params["text"]
            late = {}
            for chat, update_id in asked.items():
                answer = tg.reply_to(chat, timeout=30)
                assert "2.000 triệu đồng" in answer.params["text"]
                late[chat] = answer.at - tg.delivered_at[update_id]
            assert previewed >= 1 and len(asked) - previewed >= 3, "no question came in while the import ran"
            assert max(late.values()) < 1.0, sorted(late.values())[-5:]
        finally:
            proc.stop()
    with closing(sqlite3.connect(tmp_path / "bot.db")) as con:
        assert con.execute("SELECT count(*) FROM record WHERE id LIKE 'THU-%'").fetchone() == (20_000,)
