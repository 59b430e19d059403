"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests and benchmarks.

It speaks enough of the Bot API for planbot (getMe, getUpdates with long polling, sendMessage, sendPhoto,
sendDocument, editMessageText, answerCallbackQuery, answerInlineQuery, setMyCommands, deleteWebhook,
setWebhook, getFile and file downloads), reads JSON, form and multipart bodies, records every call, and lets
a test play users: send messages, press buttons, type inline queries.

It is as strict as Telegram (see `telegram_rules`): a call the real Bot API refuses is answered with the same
error and kept in `rejected`; the `tg` fixture fails a test whose bot made such a call unless the test says so.
"""
from __future__ import annotations

import email.parser
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote

from tests.telegram_rules import Refused, bad_request, check_call

BOT_ID = 777000
BOT_USERNAME = "planbot_test_bot"
TOKEN = "123456:TEST-TOKEN-never-printed"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)


class PollConflict(Exception):
    """A newer getUpdates started while this one waited: Telegram answers the older one 409."""


class FakeTelegram:
    """Start with `with FakeTelegram() as tg:`; point the bot at `tg.base_url`."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.rejected: list[tuple[Call, str]] = []  # calls the real Bot API would refuse, with its description
        self._shown: dict[tuple[str, int], tuple[Any, Any]] = {}  # (chat, message id) -> (text, markup) sent
        self.updates: list[dict[str, Any]] = []
        self.delivered_at: dict[int, float] = {}  # update_id -> when getUpdates handed it out
        self.files: dict[str, bytes] = {}
        self.failures: dict[str, list[Callable[[dict], tuple[int, dict] | None]]] = {}
        self._cond = threading.Condition()
        self._polls = 0  # getUpdates requests so far: a newer one ends the one still waiting, as Telegram does
        self.conflicts = 0  # getUpdates requests ended with 409 Conflict
        self._ids = itertools.count(1)
        self._msg_ids = itertools.count(1000)
        self._server = _QuietServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # ---- lifecycle
    def __enter__(self) -> FakeTelegram:
        self._thread.start()
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        with self._cond:
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()
        if exc_type is None:
            self.assert_nothing_refused()

    def assert_nothing_refused(self) -> None:
        """The bot made no call Telegram would have refused (a test that provokes one takes it out of `rejected`)."""
        assert not self.rejected, "Telegram would refuse: " + "; ".join(
            f"{call.method} → {why}" for call, why in self.rejected[:5])

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # ---- playing users
    @staticmethod
    def user(user_id: int, name: str = "Cán bộ") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": "vi"}

    @staticmethod
    def chat(chat_id: int, kind: str = "private") -> dict[str, Any]:
        return {"id": chat_id, "type": kind, **({"title": "Nhóm CNTT"} if kind != "private" else {"first_name": "A"})}

    def push(self, update: dict[str, Any]) -> int:
        with self._cond:
            update = {"update_id": next(self._ids), **update}
            self.updates.append(update)
            self._cond.notify_all()
        return update["update_id"]

    def message(self, text: str, chat_id: int = 1001, user_id: int | None = None, kind: str = "private",
                reply_to: dict | None = None, entities: list | None = None, **extra: Any) -> int:
        msg = {"message_id": next(self._msg_ids), "date": int(time.time()), "chat": self.chat(chat_id, kind),
               "from": self.user(user_id or chat_id), "text": text, **extra}
        if text.startswith("/"):
            cmd = text.split()[0]
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(cmd)}]
        if entities:
            msg["entities"] = entities
        if reply_to:
            msg["reply_to_message"] = reply_to
        return self.push({"message": msg})

    def document(self, name: str, content: bytes, chat_id: int = 1001, user_id: int | None = None,
                 caption: str = "", mime: str = "application/octet-stream") -> int:
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = content
        msg = {"message_id": next(self._msg_ids), "date": int(time.time()), "chat": self.chat(chat_id),
               "from": self.user(user_id or chat_id), "caption": caption,
               "document": {"file_id": file_id, "file_unique_id": file_id + "u", "file_name": name,
                            "mime_type": mime, "file_size": len(content)}}
        if caption.startswith("/"):
            msg["caption_entities"] = [{"type": "bot_command", "offset": 0, "length": len(caption.split()[0])}]
        return self.push({"message": msg})

    def bot_message(self, chat_id: int, text: str = "…") -> dict[str, Any]:
        """A message the bot sent to `chat_id` (a new one each time), to press a button under or to reply to."""
        return {"message_id": next(self._msg_ids), "date": int(time.time()),
                "chat": self.chat(chat_id, "private" if chat_id > 0 else "supergroup"), "text": text,
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "planbot", "username": BOT_USERNAME}}

    def press(self, message: dict[str, Any], data: str, user_id: int = 1001) -> int:
        """Press an inline button of a message the bot sent."""
        return self.push({"callback_query": {"id": f"cq{next(self._ids)}", "from": self.user(user_id),
                                             "chat_instance": "ci", "data": data, "message": message}})

    def inline(self, query: str, user_id: int = 1001) -> int:
        return self.push({"inline_query": {"id": f"iq{next(self._ids)}", "from": self.user(user_id),
                                           "query": query, "offset": ""}})

    # ---- observing the bot
    def sent(self, method: str | None = None, chat_id: int | None = None) -> list[Call]:
        with self._cond:
            calls = list(self.calls)
        return [c for c in calls if (method is None or c.method == method)
                and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))]

    def sent_where(self, pred: Callable[[Call], bool]) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if pred(c)]

    def wait_for(self, pred: Callable[[Call], bool], timeout: float = 10.0, count: int = 1) -> list[Call]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls if pred(c)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    names = [c.method for c in self.calls[-10:]]
                    raise AssertionError(f"the bot did not make the expected call in {timeout}s; last: {names}")
                self._cond.wait(left)

    def reply_to(self, chat_id: int, after: int = 0, timeout: float = 10.0, method: str = "sendMessage") -> Call:
        """The first `method` call for a chat after `after` earlier such calls."""
        pred = lambda c: c.method == method and str(c.params.get("chat_id")) == str(chat_id)  # noqa: E731
        return self.wait_for(pred, timeout, count=after + 1)[after]

    def said(self, text: str, chat_id: int) -> str:
        """Send `text` as the user `chat_id` in their private chat; the text of the bot's reply."""
        before = len(self.sent("sendMessage", chat_id))
        self.message(text, chat_id=chat_id)
        return self.reply_to(chat_id, after=before).params["text"]

    def buttons(self, chat_id: int) -> list[str]:
        """The callback data of the buttons under the latest message the bot sent `chat_id` with buttons."""
        sent = [c for c in self.sent("sendMessage", chat_id) if "reply_markup" in c.params]
        return [b["callback_data"] for row in sent[-1].params["reply_markup"]["inline_keyboard"] for b in row]

    def fail_next(self, method: str, rule: Callable[[dict], tuple[int, dict] | None]) -> None:
        """Make the next matching call fail: `rule(params)` returns (status, body) or None to pass."""
        self.failures.setdefault(method, []).append(rule)

    # ---- the Bot API
    def _check(self, method: str, p: dict[str, Any]) -> None:
        check_call(method, p)
        if method == "editMessageText":
            before = self._shown.get((str(p.get("chat_id")), int(p.get("message_id") or 0)))
            if before is not None and before == (p.get("text"), _markup(p.get("reply_markup"))):
                raise bad_request("message is not modified: specified new message content and reply markup are "
                                  "exactly the same as a current content and reply markup of the message")

    def _remember(self, method: str, p: dict[str, Any], result: Any) -> None:
        if method in ("sendMessage", "editMessageText") and isinstance(result, dict):
            key = (str(p.get("chat_id")), int(result["message_id"]))
            self._shown[key] = (p.get("text"), _markup(p.get("reply_markup")))

    def _result(self, method: str, p: dict[str, Any]) -> Any:
        bot = {"id": BOT_ID, "is_bot": True, "first_name": "planbot", "username": BOT_USERNAME,
               "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": True}
        if method == "getMe":
            return bot
        if method in ("sendMessage", "sendPhoto", "sendDocument", "editMessageText"):
            chat_id = int(p.get("chat_id", 0))
            msg: dict[str, Any] = {"message_id": int(p.get("message_id") or next(self._msg_ids)),
                                   "date": int(time.time()), "chat": self.chat(chat_id, "private" if chat_id > 0
                                                                               else "supergroup"), "from": bot}
            if "text" in p:
                msg["text"] = p["text"]
            if "caption" in p:
                msg["caption"] = p["caption"]
            if method == "sendPhoto":
                msg["photo"] = [{"file_id": "photo1", "file_unique_id": "p1", "width": 800, "height": 500}]
            if method == "sendDocument":
                msg["document"] = {"file_id": f"doc{msg['message_id']}", "file_unique_id": "d"}
            if "reply_markup" in p:
                msg["reply_markup"] = p["reply_markup"]
            return msg
        if method == "getFile":
            fid = p["file_id"]
            return {"file_id": fid, "file_unique_id": fid + "u", "file_size": len(self.files.get(fid, b"")),
                    "file_path": f"documents/{fid}"}
        return True

    def _get_updates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(p.get("offset", 0) or 0)
        timeout = float(p.get("timeout", 0) or 0)
        deadline = time.monotonic() + min(timeout, 5.0)
        with self._cond:
            self._polls += 1
            mine = self._polls
            self._cond.notify_all()  # a long poll still waiting is now the older one
            if offset:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and time.monotonic() < deadline and self._polls == mine:
                self._cond.wait(deadline - time.monotonic())
            if self._polls != mine:
                self.conflicts += 1
                raise PollConflict
            out = list(self.updates[: int(p.get("limit", 100) or 100)])
            now = time.monotonic()
            for u in out:
                self.delivered_at.setdefault(u["update_id"], now)
            return out

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as separate writes

            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: bytes, ctype: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # file downloads
                prefix = f"/file/bot{fake.token}/documents/"
                path = unquote(self.path)
                if path.startswith(prefix) and path[len(prefix):] in fake.files:
                    self._send(200, fake.files[path[len(prefix):]], "application/octet-stream")
                else:
                    self._send(404, b"not found", "text/plain")

            def do_POST(self) -> None:
                prefix = f"/bot{fake.token}/"
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                if not self.path.startswith(prefix):
                    self._send(404, json.dumps({"ok": False, "error_code": 404, "description": "Not Found"}).encode())
                    return
                method = self.path[len(prefix):].split("?")[0]
                params, files = parse_body(self.headers.get("Content-Type", ""), raw)
                for rule in list(fake.failures.get(method, [])):
                    outcome = rule(params)
                    if outcome:
                        fake.failures[method].remove(rule)
                        with fake._cond:
                            fake.calls.append(Call(method + "!failed", params, files))
                            fake._cond.notify_all()
                        self._send(outcome[0], json.dumps(outcome[1]).encode())
                        return
                try:
                    fake._check(method, params)
                except Refused as exc:
                    with fake._cond:
                        fake.rejected.append((Call(method, params, files), exc.description))
                        fake.calls.append(Call(method + "!rejected", params, files))
                        fake._cond.notify_all()
                    self._send(exc.status, json.dumps({"ok": False, "error_code": exc.status,
                                                       "description": exc.description}).encode())
                    return
                if method == "getUpdates":
                    try:
                        result: Any = fake._get_updates(params)
                    except PollConflict:
                        self._send(409, json.dumps({"ok": False, "error_code": 409, "description": (
                            "Conflict: terminated by other getUpdates request; make sure that only one bot "
                            "instance is running")}).encode())
                        return
                else:
                    result = fake._result(method, params)
                    with fake._cond:
                        fake._remember(method, params, result)
                        fake.calls.append(Call(method, params, files))
                        fake._cond.notify_all()
                self._send(200, json.dumps({"ok": True, "result": result}).encode())

        return Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A bot process stopped in the middle of a long poll is normal here, not worth a traceback."""


def _markup(markup: Any) -> Any:
    return json.loads(markup) if isinstance(markup, str) else markup


def _value(v: str) -> Any:
    if v[:1] in "{[":
        try:
            return json.loads(v)
        except json.JSONDecodeError:
            return v
    return v


def parse_body(ctype: str, raw: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """JSON, application/x-www-form-urlencoded or multipart/form-data -> (params, files)."""
    if not raw:
        return {}, {}
    if ctype.startswith("application/json"):
        return json.loads(raw), {}
    if ctype.startswith("multipart/form-data"):
        msg = email.parser.BytesParser().parsebytes(b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + raw)
        params: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        for part in msg.get_payload():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_param("filename", header="content-disposition"):
                files[name] = payload
            else:
                params[name] = _value(payload.decode("utf-8"))
        return params, files
    return {k: _value(v[0]) for k, v in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}, {}
