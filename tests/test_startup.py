"""`planbot run` and `planbot worker` explain a failed start in a line or two (exit 2, no traceback, never the
token); the token never reaches a log line; the default database is the same whatever the working directory."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError
from tests.e2e import BotProcess
from tests.fake_telegram import TOKEN, FakeTelegram

QUESTION = "Dự án chữ ký số bao nhiêu tiền?"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def planbot(cwd: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], env=env, cwd=cwd, text=True, encoding="utf-8",
                          input="", capture_output=True, timeout=120)


def bot_env(tg: FakeTelegram, tmp_path: Path, **changes: str) -> dict[str, str]:
    return {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": tg.base_url,
            "TELEGRAM_BASE_FILE_URL": tg.base_file_url, "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
            "ADMIN_IDS": "42", "PLANBOT_TZ": "", "REMINDER_LEAD_DAYS": "", "REMINDER_SWEEP_SECONDS": "", **changes}


FAILURES = [
    ({"TELEGRAM_BOT_TOKEN": ""}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_BASE_URL": "http://127.0.0.1:{closed}/bot"}, "Không kết nối được Bot API"),
    ({"PLANBOT_TZ": "Mars/Olympus"}, "PLANBOT_TZ không phải múi giờ"),
    ({"REMINDER_LEAD_DAYS": "abc"}, "REMINDER_LEAD_DAYS phải là"),
    ({"REMINDER_LEAD_DAYS": "400"}, "từ 0 đến 365"),
    ({"REMINDER_SWEEP_SECONDS": "0"}, "REMINDER_SWEEP_SECONDS phải là số giây nguyên dương"),
    ({"TELEGRAM_BASE_URL": "ftp://x"}, "TELEGRAM_BASE_URL phải là một URL http:// hoặc https://"),
    ({"ADMIN_IDS": "abc"}, "ADMIN_IDS phải là"),
    ({"DATABASE_URL": "postgresql+psycopg://u:p@127.0.0.1:1/x"}, "Không mở được cơ sở dữ liệu"),
]


def assert_explained(out: subprocess.CompletedProcess[str], said: str) -> None:
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 2, out.stderr
    assert 1 <= len(lines) <= 2 and said in out.stderr, out.stderr
    assert "Traceback" not in out.stderr and TOKEN not in out.stdout + out.stderr


@pytest.mark.parametrize("command", ["run", "worker"])
@pytest.mark.parametrize(("env", "said"), FAILURES, ids=[f"{k}={v}" for (e, _) in FAILURES for k, v in e.items()])
def test_a_failed_start_is_one_or_two_vietnamese_lines(tmp_path: Path, tg: FakeTelegram, command: str,
                                                      env: dict[str, str], said: str) -> None:
    changes = {k: v.format(closed=closed_port()) for k, v in env.items()}
    out = planbot(tmp_path, command, env=bot_env(tg, tmp_path, **changes))
    assert_explained(out, said)
    assert ":p@" not in out.stderr  # a database password is not shown either


@pytest.mark.parametrize("command", ["run", "worker"])
def test_a_token_telegram_rejects_is_named_without_showing_it(tmp_path: Path, tg: FakeTelegram, command: str) -> None:
    tg.fail_next("getMe", lambda p: (401, {"ok": False, "error_code": 401, "description": "Unauthorized"}))
    out = planbot(tmp_path, command, env=bot_env(tg, tmp_path))
    assert_explained(out, "từ chối token")
    assert "@BotFather" in out.stderr


def test_a_token_rejected_at_the_bots_own_first_call_is_named_and_masked(tmp_path: Path, tg: FakeTelegram) -> None:
    """The check's getMe passes, PTB's own getMe is refused (PTB quotes the token in its error): still exit 2, the
    last line says what to fix, and the token shows nowhere."""
    calls = []
    tg.fail_next("getMe", lambda p: calls.append(p) or (None if len(calls) == 1 else (
        401, {"ok": False, "error_code": 401, "description": "Unauthorized"})))
    out = planbot(tmp_path, "run", env=bot_env(tg, tmp_path))
    assert out.returncode == 2 and len(calls) == 2
    assert out.stderr.strip().splitlines()[-1].startswith("Bot API từ chối token")
    assert TOKEN not in out.stdout + out.stderr


def test_the_token_is_masked_in_every_log_line(tmp_path: Path, tg: FakeTelegram) -> None:
    """At DEBUG, httpx logs each Bot API request with its URL (which holds the token): the line shows a mask."""
    bot = BotProcess(tg, tmp_path, PLANBOT_LOG_LEVEL="DEBUG").start()
    try:
        tg.message(QUESTION, chat_id=8300)
        assert "2.000" in tg.reply_to(8300, timeout=15).params["text"]
    finally:
        out = bot.stop()
    assert "HTTP Request: POST" in out and "/bot<token>/sendMessage" in out, out[-2000:]
    assert TOKEN not in out and TOKEN.split(":", 1)[1] not in out
    assert f"Dữ liệu: {tmp_path / 'bot.db'}" in out


def test_the_default_database_is_in_the_user_data_folder_whatever_the_working_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(XDG_DATA_HOME=str(tmp_path / "xdg"), TELEGRAM_BOT_TOKEN="")
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    asked = planbot(first, "ask", QUESTION, env=env)
    assert asked.returncode == 0 and "2.000" in asked.stdout, asked.stderr
    database = tmp_path / "xdg" / "planbot" / "planbot.db"
    assert database.is_file()
    again = planbot(second, "ask", QUESTION, env=env)
    assert again.returncode == 0 and again.stdout == asked.stdout
    seeded = planbot(second, "seed", env=env)  # the database the first question filled, seen from elsewhere
    assert "đã có dữ liệu" in seeded.stdout
    assert sorted(p.name for p in (tmp_path / "xdg" / "planbot").iterdir() if p.suffix == ".db") == ["planbot.db"]
    assert not any((d / "data").exists() for d in (first, second))
    chat = planbot(second, "chat", env=env)
    assert f"Dữ liệu: {database}\n? " in chat.stdout
    (second / "data").mkdir()  # a working directory that still holds the old default's file is told about it
    (second / "data" / "planbot.db").write_bytes(database.read_bytes())
    chat = planbot(second, "chat", env=env)
    assert f"Dữ liệu: {database}\n" in chat.stdout and "DATABASE_URL=sqlite:///data/planbot.db" in chat.stdout


def test_settings_read_the_env_file_under_the_environment(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("ADMIN_IDS=5, 6\nexport PLANBOT_TZ='Europe/Paris'\nREMINDER_LEAD_DAYS=1,30,7\n", encoding="utf-8")
    s = Settings.load(env={"ADMIN_IDS": "7", "PLANBOT_TZ": ""}, dotenv=dotenv)
    assert s.admin_ids == (7,) and s.tz == "Europe/Paris" and s.reminder_lead_days == (30, 7, 1)
    assert Settings.load(env={}, dotenv=None).tz == "Asia/Ho_Chi_Minh"
    built = Settings(bot_token=TOKEN, database_url="sqlite:///x.db", reminder_sweep_seconds=1)
    assert built.reminder_sweep_seconds == 1 and TOKEN not in repr(built) + str(built)
    with pytest.raises(SettingsError, match="REMINDER_SWEEP_SECONDS"):
        Settings.load(env={"REMINDER_SWEEP_SECONDS": "-5"}, dotenv=dotenv)
