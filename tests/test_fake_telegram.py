"""The fake Bot API server reads the three body types the real one accepts."""
from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

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
