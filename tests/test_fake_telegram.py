"""The fake Bot API server reads the three body types the real one accepts."""
from __future__ import annotations

import json
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
