"""Every admin command in the admin menu and every admin button, used by someone who is not an admin, is refused
with a message and changes nothing, through the real bot process and the fake Bot API."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app import ADMIN_MENU
from handlers.admin import CANCEL_PREFIX, DELETE_PREFIX
from handlers.new_project import DROP, SAVE
from handlers.transfer import APPLY, CANCEL
from tests.e2e import BotProcess
from tests.fake_telegram import FakeTelegram

ADMIN, OTHER = 7001, 7002
ARGUMENTS = {  # what an admin would type after each command; a new admin command is tested bare until added here
    "sua": "PL4-3 tmdt 9.999", "xoa": "PL4-3", "nhatky": "5", "themmoc": "01/06/2027 08:00 Nộp báo cáo",
    "xoamoc": "1", "them": "", "hoantac": "", "nhap": "", "xuat": "",
}
BUTTONS = {  # what the one who pressed is told: an admin's button refused, or a draft's button stale (they have none)
    APPLY: "Chỉ quản trị viên", CANCEL: "Chỉ quản trị viên", f"{DELETE_PREFIX}PL4-3": "Chỉ quản trị viên",
    f"{CANCEL_PREFIX}PL4-3": "Chỉ quản trị viên", SAVE: "không còn dùng được", DROP: "không còn dùng được",
}
TABLES = ("record", "amount", "record_agency", "agency", "audit_log", "milestone", "subscription", "delivery")


@pytest.fixture(scope="module")
def bot(tg: FakeTelegram, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    proc = BotProcess(tg, tmp_path_factory.mktemp("gate"), ADMIN_IDS=str(ADMIN)).start()
    yield proc
    proc.stop()


@pytest.mark.parametrize("command", [c.command for c in ADMIN_MENU])
def test_an_admin_command_from_someone_else_is_refused_and_changes_nothing(tg: FakeTelegram, bot: BotProcess,
                                                                          command: str) -> None:
    before = bot.snapshot(TABLES)
    sent = len(tg.sent("sendMessage", OTHER))
    tg.message(f"/{command} {ARGUMENTS.get(command, '')}".strip(), chat_id=OTHER)
    reply = tg.reply_to(OTHER, after=sent).params["text"]
    assert "chỉ dành cho quản trị viên" in reply
    tg.message("chữ ký số bao nhiêu tiền", chat_id=OTHER)  # in order: once this is answered, the command is done
    tg.reply_to(OTHER, after=sent + 1)
    assert bot.snapshot(TABLES) == before
    assert not tg.sent("sendDocument", OTHER)


@pytest.mark.parametrize(("data", "said"), BUTTONS.items())
def test_an_admin_button_pressed_by_someone_else_is_refused_and_changes_nothing(tg: FakeTelegram, bot: BotProcess,
                                                                               data: str, said: str) -> None:
    before = bot.snapshot(TABLES)
    answered = len(tg.sent("answerCallbackQuery"))
    tg.press(tg.bot_message(OTHER, "Xác nhận?"), data, user_id=OTHER)
    answer = tg.wait_for(lambda c: c.method == "answerCallbackQuery", count=answered + 1)[-1]
    assert said in answer.params.get("text", "")
    assert not [c for c in tg.sent("editMessageText", OTHER) if "Đã" in c.params.get("text", "")]
    assert bot.snapshot(TABLES) == before
