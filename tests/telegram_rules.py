"""What the real Bot API refuses, so the fake refuses it too: HTML it cannot parse, texts, captions and
callback data over Telegram's limits, methods that do not exist, edits that change nothing.

Each rule raises `Refused` with the status and description Telegram gives; the fake answers with them.
"""
from __future__ import annotations

import json
import re
from typing import Any

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64  # bytes
CALLBACK_ANSWER_LIMIT = 200
INLINE_RESULTS_LIMIT = 50

METHODS = frozenset({
    "getMe", "logOut", "close", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo", "sendMessage",
    "forwardMessage", "copyMessage", "sendPhoto", "sendDocument", "sendChatAction", "getFile", "editMessageText",
    "editMessageReplyMarkup", "editMessageCaption", "deleteMessage", "answerCallbackQuery", "answerInlineQuery",
    "setMyCommands", "deleteMyCommands", "getMyCommands", "getChat", "leaveChat", "getChatMember",
    "setChatMenuButton", "setMyDescription", "setMyShortDescription",
})
_SIMPLE_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler", "code", "pre",
                          "blockquote"})
_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#(\d+)|#[xX]([0-9a-fA-F]+));")
_NAMED_LOOKALIKE = re.compile(r"&[A-Za-z][A-Za-z0-9]*;")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")


class Refused(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


def bad_request(description: str) -> Refused:
    return Refused(400, f"Bad Request: {description}")


def utf16_length(text: str) -> int:
    """Telegram counts text in UTF-16 code units (an emoji outside the BMP counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def _start_tag_allowed(name: str, attrs: str) -> bool:
    if name in _SIMPLE_TAGS:
        return True
    if name == "span":
        return re.fullmatch(r"""\s+class\s*=\s*["']tg-spoiler["']\s*""", attrs) is not None
    if name == "a":
        return re.fullmatch(r"""\s+href\s*=\s*("[^"]*"|'[^']*')\s*""", attrs) is not None
    if name == "tg-emoji":
        return re.fullmatch(r"""\s+emoji-id\s*=\s*["']\d+["']\s*""", attrs) is not None
    return False


def _unescape(chunk: str, offset: int) -> str:
    def entity(m: re.Match[str]) -> str:
        if m.group(1):
            return {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}[m.group(1)]
        return chr(int(m.group(2)) if m.group(2) else int(m.group(3), 16))

    bad = _NAMED_LOOKALIKE.search(chunk)
    if bad and not _ENTITY.match(chunk, bad.start()):
        raise bad_request(f"can't parse entities: Unsupported HTML entity \"{bad.group()}\" at byte offset "
                          f"{offset + len(chunk[:bad.start()].encode())}")
    return _ENTITY.sub(entity, chunk)


def html_text(text: str) -> str:
    """The text a message shows once Telegram has parsed its HTML; raises what Telegram answers otherwise."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    while pos < len(text):
        lt = text.find("<", pos)
        if lt < 0:
            out.append(_unescape(text[pos:], pos))
            break
        out.append(_unescape(text[pos:lt], pos))
        byte = len(text[:lt].encode())
        m = _TAG.match(text, lt)
        if m is None:
            raise bad_request(f"can't parse entities: Unclosed start tag at byte offset {byte}")
        closing, name, attrs = m.group(1) == "/", m.group(2).lower(), m.group(3)
        if closing:
            if not stack or stack[-1] != name or attrs.strip():
                raise bad_request(f"can't parse entities: Unmatched end tag at byte offset {byte}, expected "
                                  f"\"</{stack[-1] if stack else ''}>\", found \"</{name}>\"")
            stack.pop()
        elif not _start_tag_allowed(name, attrs):
            raise bad_request(f"can't parse entities: Unsupported start tag \"{name}\" at byte offset {byte}")
        else:
            stack.append(name)
        pos = m.end()
    if stack:
        raise bad_request(f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\"")
    return "".join(out)


def shown_text(text: Any, parse_mode: Any) -> str:
    text = "" if text is None else str(text)
    return html_text(text) if str(parse_mode or "").upper() == "HTML" else text


def check_markup(markup: Any) -> None:
    if isinstance(markup, str):
        markup = json.loads(markup)
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            if not str(button.get("text", "")).strip():
                raise bad_request("text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                raise bad_request("BUTTON_DATA_INVALID")


def check_message_text(text: Any, parse_mode: Any) -> str:
    shown = shown_text(text, parse_mode)
    if not shown.strip():
        raise bad_request("message text is empty")
    if utf16_length(shown) > TEXT_LIMIT:
        raise bad_request("message is too long")
    return shown


def check_call(method: str, p: dict[str, Any]) -> None:
    """Raise `Refused` for a call the real Bot API would refuse."""
    if method not in METHODS:
        raise Refused(404, "Not Found")
    if method in ("sendMessage", "editMessageText"):
        check_message_text(p.get("text"), p.get("parse_mode"))
    if method in ("sendPhoto", "sendDocument", "editMessageCaption") and p.get("caption") is not None:
        if utf16_length(shown_text(p.get("caption"), p.get("parse_mode"))) > CAPTION_LIMIT:
            raise bad_request("message caption is too long")
    if "reply_markup" in p:
        check_markup(p["reply_markup"])
    if method == "answerCallbackQuery" and utf16_length(str(p.get("text") or "")) > CALLBACK_ANSWER_LIMIT:
        raise bad_request("MESSAGE_TOO_LONG")
    if method == "answerInlineQuery":
        _check_inline_results(p.get("results"))
    if method == "setMyCommands":
        _check_commands(p.get("commands"))


def _check_inline_results(results: Any) -> None:
    if isinstance(results, str):
        results = json.loads(results)
    if len(results or []) > INLINE_RESULTS_LIMIT:
        raise bad_request("RESULTS_TOO_MUCH")
    for r in results or []:
        if not 1 <= len(str(r.get("id", "")).encode()) <= 64:
            raise bad_request("RESULT_ID_INVALID")
        content = r.get("input_message_content") or {}
        if "message_text" in content:
            check_message_text(content["message_text"], content.get("parse_mode"))
        if "reply_markup" in r:
            check_markup(r["reply_markup"])


def _check_commands(commands: Any) -> None:
    if isinstance(commands, str):
        commands = json.loads(commands)
    if len(commands or []) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    for c in commands or []:
        if not _COMMAND.match(str(c.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(c.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
