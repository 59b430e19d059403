"""Confirm buttons bound to the action they confirm.

A prompt with confirm buttons keeps its action (what to delete, the import plan, the draft to save) in the admin's
user data under a short random token, and its buttons carry that token ("xoa:<token>"). A press takes the action
out, so it runs at most once; a press whose token is not there — applied, cancelled, replaced by a newer prompt,
timed out, lost in a restart, or data nobody sent — is answered "hết hạn" and changes nothing."""
from __future__ import annotations

import secrets
import time
from typing import Any

from telegram import CallbackQuery
from telegram.error import TelegramError

EXPIRED = "Yêu cầu này đã hết hạn; không có gì thay đổi."
STORE = "pending_actions"  # user data key: token -> (kind, subject, monotonic time offered)
TTL = 3600.0  # seconds a prompt stays good
MAX_PER_KIND = 20  # the oldest prompts of a kind beyond this expire


def _actions(store: dict[Any, Any]) -> dict[str, tuple[str, Any, float]]:
    actions: dict[str, tuple[str, Any, float]] = store.setdefault(STORE, {})
    return actions


def offer(store: dict[Any, Any], kind: str, subject: Any, *, replace: bool = False) -> str:
    """Keep `subject` as a pending action of `kind`; the token its buttons carry (8 characters). With `replace`,
    the earlier pending actions of that kind expire."""
    actions = _actions(store)
    if replace:
        withdraw(store, kind)
    token = secrets.token_urlsafe(6)
    while token in actions:  # pragma: no cover - 48 random bits
        token = secrets.token_urlsafe(6)
    actions[token] = (kind, subject, time.monotonic())
    of_kind = [t for t, (k, _, _) in actions.items() if k == kind]
    for old in of_kind[:-MAX_PER_KIND]:
        del actions[old]
    return token


def take(store: dict[Any, Any], kind: str, token: str, ttl: float = TTL) -> Any | None:
    """The subject of the pending action `token` of `kind`, taken out so that no second press finds it; None when
    there is none (or it is older than `ttl` seconds)."""
    actions = _actions(store)
    found = actions.get(token)
    if found is None or found[0] != kind:
        return None
    del actions[token]
    _, subject, at = found
    return subject if time.monotonic() - at <= ttl else None


def withdraw(store: dict[Any, Any], kind: str) -> None:
    """Every pending action of `kind` expires."""
    actions = _actions(store)
    for token in [t for t, (k, _, _) in actions.items() if k == kind]:
        del actions[token]


def token_of(data: str | None, prefix: str) -> str:
    """The token in callback data "<prefix><token>" ('' when the data does not carry one)."""
    data = data or ""
    return data[len(prefix):] if data.startswith(prefix) else ""


async def expired(query: CallbackQuery) -> None:
    """Tell the one who pressed that the request is gone, and take the buttons off the message when Telegram
    still lets the bot edit it."""
    await query.answer(EXPIRED, show_alert=True)
    try:
        await query.edit_message_text(EXPIRED)
    except TelegramError:  # too old to edit, or no longer there: the alert said it
        pass
