"""The fake Bot API server reads the three body types the real one accepts."""
from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

import pytest

from tests.fake_telegram import TOKEN, FakeTelegram


def post(tg: FakeTelegram, method: str, body: bytes, ctype: str) -> dict:
    req = urllib.request.Request(f"{tg.base_url}{TOKEN}/{method}", data=body, method="POST",
                                 headers={"Content-Type": ctype})
    return json.loads(urllib.request.urlopen(req, timeout=5).read())


def test_json_form_and_multipart_bodies() -> None:
    with FakeTelegram() as tg:
        assert post(tg, "sendMessage", json.dumps({"chat_id": 1, "text": "JSON"}).encode(), "application/json")["ok"]
        assert post(tg, "sendMessage", b"chat_id=2&text=form", "application/x-www-form-urlencoded")["ok"]
        boundary = "xyz"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n3\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.png\"\r\n"
                f"Content-Type: image/png\r\n\r\n").encode() + b"\x89PNG-bytes" + f"\r\n--{boundary}--\r\n".encode()
        assert post(tg, "sendPhoto", body, f"multipart/form-data; boundary={boundary}")["ok"]
        calls = tg.sent()
        assert [c.params.get("text") for c in calls[:2]] == ["JSON", "form"]
        assert str(calls[2].params["chat_id"]) == "3" and calls[2].files["photo"] == b"\x89PNG-bytes"


def test_a_newer_get_updates_ends_the_waiting_one_with_409_as_telegram_does() -> None:
    with FakeTelegram() as tg:
        url = f"{tg.base_url}{TOKEN}/getUpdates"
        outcome: dict[str, int] = {}

        def long_poll() -> None:
            request = urllib.request.Request(url, data=b"timeout=5", method="POST")
            try:
                urllib.request.urlopen(request, timeout=10)
                outcome["status"] = 200
            except urllib.error.HTTPError as exc:
                outcome["status"] = exc.code
                outcome["description"] = json.loads(exc.read())["description"]

        older = threading.Thread(target=long_poll)
        older.start()
        time.sleep(0.5)
        urllib.request.urlopen(urllib.request.Request(url, data=b"timeout=0", method="POST"), timeout=10)
        older.join(timeout=10)
        assert outcome["status"] == 409 and "terminated by other getUpdates request" in str(outcome["description"])
        assert tg.conflicts == 1


def refused(tg: FakeTelegram, method: str, params: dict) -> tuple[int, str]:
    try:
        post(tg, method, json.dumps(params).encode(), "application/json")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())["description"]
    return 200, ""


def test_the_fake_refuses_what_telegram_refuses() -> None:
    with FakeTelegram() as tg:
        html = {"chat_id": 1, "parse_mode": "HTML"}
        assert refused(tg, "sendMessage", {**html, "text": "<b>đậm</b> &amp; <i>nghiêng</i>"}) == (200, "")
        assert refused(tg, "sendMessage", {"chat_id": 1, "text": "a < b, <x>"}) == (200, "")  # no parse mode
        for bad in ("a < b", "<b>không đóng", "<b><i>chéo</b></i>", "<div>x</div>", "Sở TT&nbsp;TT",
                    "<span>x</span>", "</b>"):
            status, why = refused(tg, "sendMessage", {**html, "text": bad})
            assert status == 400 and "can't parse entities" in why, bad
        assert refused(tg, "sendMessage", {"chat_id": 1, "text": "x" * 4097})[1] == "Bad Request: message is too long"
        assert refused(tg, "sendMessage", {"chat_id": 1, "text": "😀" * 2049})[0] == 400  # UTF-16 units
        assert refused(tg, "sendMessage", {"chat_id": 1, "text": "x" * 4096})[0] == 200
        assert refused(tg, "sendMessage", {**html, "text": "<b> </b>"})[1] == "Bad Request: message text is empty"
        keyboard = {"inline_keyboard": [[{"text": "Chọn", "callback_data": "đ" * 33}]]}  # 66 bytes
        assert refused(tg, "sendMessage", {"chat_id": 1, "text": "x", "reply_markup": keyboard}) == (
            400, "Bad Request: BUTTON_DATA_INVALID")
        assert refused(tg, "sendMesage", {"chat_id": 1, "text": "x"}) == (404, "Not Found")
        assert refused(tg, "answerCallbackQuery", {"callback_query_id": "1", "text": "x" * 201})[0] == 400
        assert len(tg.rejected) == 13 and not [c for c in tg.sent() if c.method == "sendMesage"]
        tg.rejected.clear()


def test_an_edit_that_changes_nothing_is_refused_as_telegram_does() -> None:
    with FakeTelegram() as tg:
        sent = post(tg, "sendMessage", json.dumps({"chat_id": 5, "text": "Đã lưu"}).encode(), "application/json")
        edit = {"chat_id": 5, "message_id": sent["result"]["message_id"], "text": "Đã lưu"}
        status, why = refused(tg, "editMessageText", edit)
        assert status == 400 and "message is not modified" in why
        assert refused(tg, "editMessageText", {**edit, "text": "Đã hủy"}) == (200, "")
        tg.rejected.clear()


def test_a_test_whose_bot_sends_what_telegram_refuses_fails() -> None:
    with pytest.raises(AssertionError, match="Telegram would refuse: sendMessage"):
        with FakeTelegram() as tg:
            refused(tg, "sendMessage", {"chat_id": 1, "parse_mode": "HTML", "text": "<b>"})
