"""The real bot process, polling a fake Bot API server: what an official sees in Telegram."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from db.engine import make_engine
from db.models import RecordRow
from db.queries import load_knowledge
from db.seed import open_knowledge
from knowledge.engine import Answerer
from tests.e2e import BotProcess
from tests.fake_telegram import BOT_ID, BOT_USERNAME, TOKEN, FakeTelegram

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def bot(tg: FakeTelegram, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    proc = BotProcess(tg, tmp_path_factory.mktemp("bot")).start()
    yield proc
    log = proc.stop()
    assert TOKEN not in log and "TEST-TOKEN" not in log


def ask(tg: FakeTelegram, text: str, chat_id: int, **kw) -> str:  # noqa: ANN003
    before = len(tg.sent("sendMessage", chat_id))
    tg.message(text, chat_id=chat_id, **kw)
    return tg.reply_to(chat_id, after=before).params["text"]


def test_menu_in_vietnamese_is_set_at_start_up(tg: FakeTelegram, bot: BotProcess) -> None:
    commands = [c for c in tg.sent("setMyCommands") if "scope" not in c.params][-1].params["commands"]
    names = [c["command"] for c in commands]
    assert names == ["start", "help", "duan", "ngansach", "nhiemvu", "muctieu", "lotrinh", "moc", "dangky",
                     "huydangky", "id"]
    assert all(c["description"] for c in commands) and "Dự án" in commands[2]["description"]


def test_id_tells_anyone_their_user_id_and_the_chat_id(tg: FakeTelegram, bot: BotProcess) -> None:
    """What ADMIN_IDS and a group's set-up need, for anyone who asks (no admin rights needed)."""
    text = ask(tg, "/id", 2050, user_id=7777)
    assert "Mã người dùng của bạn: <code>7777</code>" in text and "Mã cuộc trò chuyện này: <code>2050</code>" in text
    group = ask(tg, f"/id@{BOT_USERNAME}", -100123, user_id=7778, kind="supergroup")
    assert "<code>7778</code>" in group and "<code>-100123</code>" in group


def test_start_shows_what_the_bot_knows(tg: FakeTelegram, bot: BotProcess) -> None:
    text = ask(tg, "/start", 2001)
    assert "Kế hoạch 3854/KH-UBND" in text and "Ví dụ" in text and "/ngansach" in text


def test_question_gets_the_right_figure_as_html(tg: FakeTelegram, bot: BotProcess) -> None:
    before = len(tg.sent("sendMessage", 2002))
    tg.message("Dự án chữ ký số bao nhiêu tiền?", chat_id=2002)
    call = tg.reply_to(2002, after=before)
    assert call.params["parse_mode"] == "HTML"
    assert "2.000 triệu đồng" in call.params["text"] and "Nguồn: Phụ lục 4, mục V.3" in call.params["text"]


def test_question_without_diacritics(tg: FakeTelegram, bot: BotProcess) -> None:
    assert "60.000 triệu đồng" in ask(tg, "von dau tu phat trien nam 2018", 2003)


def test_ambiguity_offers_buttons_and_a_press_answers(tg: FakeTelegram, bot: BotProcess, engine_kb: Answerer) -> None:
    before = len(tg.sent("sendMessage", 2004))
    tg.message("mục tiêu cán bộ chuyên trách CNTT", chat_id=2004)
    call = tg.reply_to(2004, after=before)
    rows = call.params["reply_markup"]["inline_keyboard"]
    assert 2 <= len(rows) <= 5
    data = [row[0]["callback_data"] for row in rows]
    assert all(d.startswith("r:") and len(d.encode()) <= 64 for d in data)
    sent = tg.bot_message(2004, call.params["text"])
    edits, answers = len(tg.sent("editMessageText")), len(tg.sent("answerCallbackQuery"))
    tg.press(sent, data[0], user_id=2004)
    tg.wait_for(lambda c: c.method == "answerCallbackQuery", count=answers + 1)  # the button is not left spinning
    edit = tg.wait_for(lambda c: c.method == "editMessageText", count=edits + 1)[-1]
    assert str(edit.params["message_id"]) == str(sent["message_id"])  # the message under the button
    assert edit.params["text"] == engine_kb.answer_record(data[0][2:]).html


def test_budget_chart_is_a_png_with_the_figures_as_text(tg: FakeTelegram, bot: BotProcess) -> None:
    before = len(tg.sent("sendMessage", 2005))
    tg.message("/ngansach", chat_id=2005)
    photo = tg.reply_to(2005, method="sendPhoto", timeout=30)
    assert photo.files["photo"].startswith(PNG_MAGIC) and len(photo.files["photo"]) > 5000
    text = tg.reply_to(2005, after=before, timeout=30).params["text"]
    assert "260.650" in text and "250.000" in text and "10.650" in text


def test_roadmap_is_a_timeline_png_and_the_plans_own_periods_as_text(tg: FakeTelegram, bot: BotProcess) -> None:
    before = len(tg.sent("sendMessage", 2008))
    tg.message("/lotrinh", chat_id=2008)
    photo = tg.reply_to(2008, method="sendPhoto", timeout=30)
    assert photo.files["photo"].startswith(PNG_MAGIC) and "Lộ trình" in photo.params["caption"]
    text = tg.reply_to(2008, after=before, timeout=30).params["text"]
    assert "Giai đoạn 2016-2018" in text and "2019-2020" in text
    assert "1/1/2019" not in text and "31/12/2020" not in text and "31/12/2018" not in text


def test_budget_of_one_year_and_a_bad_year(tg: FakeTelegram, bot: BotProcess) -> None:
    assert "Năm 2017: 72.100 triệu đồng" in ask(tg, "/ngansach 2017", 2006)
    assert "Năm không hợp lệ" in ask(tg, "/ngansach 20x7", 2006)


def test_plan_commands(tg: FakeTelegram, bot: BotProcess) -> None:
    assert "Trung tâm Hạ tầng thông tin" in ask(tg, "/nhiemvu Sở TT&TT", 2007)
    assert "Không nhận ra cơ quan" in ask(tg, "/nhiemvu Bộ Quốc phòng", 2007)
    assert "12.914 triệu đồng" in ask(tg, "/duan an toàn an ninh thông tin", 2007)
    assert "Gõ /duan kèm từ khóa" in ask(tg, "/duan", 2007)
    assert "90%" in ask(tg, "/muctieu bảo hiểm xã hội", 2007)
    assert "Giai đoạn 2016-2018" in ask(tg, "/lotrinh", 2007)


def test_group_answers_commands_mentions_and_replies_only(tg: FakeTelegram, bot: BotProcess) -> None:
    group = -100500
    assert "1.325 triệu đồng" in ask(tg, f"@{BOT_USERNAME} mạng LAN Tam Dương bao nhiêu", group, kind="supergroup",
                                     user_id=3001)
    assert "Giai đoạn 2016-2018" in ask(tg, f"/lotrinh@{BOT_USERNAME}", group, kind="supergroup", user_id=3001)
    bot_msg = tg.bot_message(group)
    assert "Sở Tài chính" in ask(tg, "còn Sở Tài chính có nhiệm vụ gì", group, kind="supergroup", user_id=3001,
                                 reply_to=bot_msg)
    before = len(tg.sent("sendMessage", group))
    tg.message("chữ ký số bao nhiêu tiền nhỉ mọi người", chat_id=group, kind="supergroup", user_id=3002)
    tg.message("/lenhcuabotkhac", chat_id=group, kind="supergroup", user_id=3002)
    ask(tg, "/start", 2008)  # a later update the bot handles, so the chatter above has surely been seen
    assert len(tg.sent("sendMessage", group)) == before


def test_inline_mode_offers_answers(tg: FakeTelegram, bot: BotProcess) -> None:
    count = len(tg.sent("answerInlineQuery"))
    tg.inline("chữ ký số bao nhiêu tiền")
    call = tg.wait_for(lambda c: c.method == "answerInlineQuery", count=count + 1)[-1]
    results = call.params["results"]
    assert results and "2.000 triệu đồng" in results[0]["input_message_content"]["message_text"]
    assert results[0]["input_message_content"]["parse_mode"] == "HTML"


def test_long_reply_is_split_at_line_boundaries(tmp_path: Path) -> None:
    """A record an admin made very long (here written straight into the database) still arrives whole."""
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    open_knowledge(engine)
    long_duties = [f"Nhiệm vụ số {i}: " + "phối hợp triển khai ứng dụng CNTT " * 8 for i in range(1, 121)]
    with Session(engine) as s:
        for i, text in enumerate(long_duties, 1):
            s.add(RecordRow(id=f"NV-SO-TC-{i + 10}", kind="duty", parent_id="NV-SO-TC", seq=5000 + i,
                            title="Sở Tài chính", text=text, source="thử nghiệm"))
        s.commit()
    whole = Answerer(load_knowledge(engine)).duties_of("Sở Tài chính").html
    assert len(whole) > 2 * 4096
    with FakeTelegram() as tg:
        proc = BotProcess(tg, tmp_path).start()
        try:
            tg.message("/nhiemvu Sở Tài chính", chat_id=7)
            parts = [tg.reply_to(7, after=i).params["text"] for i in range(3)]
        finally:
            proc.stop()
    assert all(len(p) <= 4096 for p in parts)
    assert "\n".join(parts) == whole  # cut only at line ends, nothing lost


@pytest.mark.parametrize(("text", "expected"), [
    ("   ", "Ví dụ"),
    ("x" * 10_000, "quá dài"),
    ("😀🎉🔥", "Ví dụ"),
    ("\x00\x01 dự án chữ ký số bao nhiêu tiền \x07", "2.000 triệu đồng"),
    ("/khongcolenh", "Không có lệnh /khongcolenh"),
    ("Tỷ giá đô la hôm nay", "không có thông tin"),
    ("/ngansach <b>", "Năm không hợp lệ: «&lt;b&gt;»"),
    ("/ngansach a < b", "Năm không hợp lệ"),
    ("/ngansach ²", "Năm không hợp lệ"),
    ("/ngansach 99999999999999999999", "Năm không hợp lệ"),
    ("/dangky ²", "Số ngày báo trước phải là các số nguyên"),
    ("/dangky -1", "Số ngày báo trước phải là các số nguyên"),
])
def test_bad_input_gets_a_clear_vietnamese_reply(tg: FakeTelegram, bot: BotProcess, text: str,
                                                  expected: str) -> None:
    reply = ask(tg, text, 2011)
    assert expected in reply and "Traceback" not in reply


def test_non_text_message_gets_a_hint(tg: FakeTelegram, bot: BotProcess) -> None:
    before = len(tg.sent("sendMessage", 2012))
    tg.push({"message": {"message_id": 1, "date": 0, "chat": tg.chat(2012), "from": tg.user(2012),
                         "sticker": {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1,
                                     "is_animated": False, "is_video": False, "type": "regular"}}})
    assert "chỉ đọc câu hỏi bằng chữ" in tg.reply_to(2012, after=before).params["text"]


def test_a_failing_send_is_reported_politely_and_the_bot_goes_on(tg: FakeTelegram, bot: BotProcess) -> None:
    tg.fail_next("sendMessage", lambda p: (400, {"ok": False, "error_code": 400,
                                                 "description": "Bad Request: boom"})
                 if str(p.get("chat_id")) == "2013" else None)
    before = len(tg.sent("sendMessage", 2013))
    tg.message("chữ ký số", chat_id=2013)
    sorry = tg.reply_to(2013, after=before).params["text"]
    assert sorry.startswith("Xin lỗi, đã có lỗi")
    assert "2.000 triệu đồng" in ask(tg, "dự án chữ ký số bao nhiêu tiền", 2013)
    assert TOKEN not in bot.output()


def test_run_without_a_reachable_token_never_prints_it(tmp_path: Path) -> None:
    with FakeTelegram() as tg:
        proc = BotProcess(tg, tmp_path).start()
        tg.message("chữ ký số", chat_id=5)
        tg.reply_to(5)
        assert TOKEN not in proc.stop()


def test_webhook_mode_checks_the_secret_token(tmp_path: Path) -> None:
    import json
    import socket
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/hook"
    with FakeTelegram() as tg:
        proc = BotProcess(tg, tmp_path, "--webhook", url, "--listen", "127.0.0.1", "--port", str(port),
                          TELEGRAM_WEBHOOK_SECRET="s3cret-token").start(ready="setWebhook")
        try:
            hook = tg.sent("setWebhook")[-1].params
            assert hook["url"] == url and hook["secret_token"] == "s3cret-token"
            update = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": tg.chat(8),
                                                  "from": tg.user(8), "text": "chữ ký số bao nhiêu tiền"}}

            def post(secret: str) -> int:
                req = urllib.request.Request(url, data=json.dumps(update).encode(), method="POST", headers={
                    "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret})
                for _ in range(100):  # the webhook server may still be starting
                    try:
                        return urllib.request.urlopen(req, timeout=10).status
                    except urllib.error.HTTPError as err:
                        return err.code
                    except urllib.error.URLError:
                        time.sleep(0.1)
                raise AssertionError("the webhook server never listened")

            assert post("wrong") == 403
            assert post("s3cret-token") == 200
            assert "2.000 triệu đồng" in tg.reply_to(8).params["text"]
            assert len(tg.sent("sendMessage", 8)) == 1
        finally:
            proc.stop()


def test_an_unknown_or_stale_button_is_answered_not_left_spinning(tg: FakeTelegram, bot: BotProcess) -> None:
    message = {"message_id": 77, "date": 0, "chat": tg.chat(2013), "text": "cũ", "from": tg.user(BOT_ID)}
    for data in ("them:luu", "khong-ai-gui-nut-nay", "xoa"):
        before = len(tg.sent("answerCallbackQuery"))
        tg.press(message, data, user_id=2013)
        answered = tg.wait_for(lambda c: c.method == "answerCallbackQuery", count=before + 1)[-1]
        assert "không còn dùng được" in answered.params.get("text", "")


def test_another_bots_command_in_a_group_is_left_alone(tg: FakeTelegram, bot: BotProcess) -> None:
    group = -100777
    tg.message("/start@otherbot", chat_id=group, user_id=2014, kind="supergroup")
    tg.message(f"/id@{BOT_USERNAME}", chat_id=group, user_id=2014, kind="supergroup")
    replies = [c.params["text"] for c in tg.wait_for(lambda c: c.method == "sendMessage"
                                                      and str(c.params["chat_id"]) == str(group))]
    assert len(replies) == 1 and "<code>2014</code>" in replies[0]
