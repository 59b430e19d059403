"""`planbot` explains itself, and `planbot doctor` checks a deployment line by line."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from tests.fake_telegram import TOKEN, FakeTelegram

COMMANDS = ("run", "worker", "chat", "ask", "eval", "check", "seed", "export", "import", "migrate", "doctor")


class _Answering:
    """A local HTTP server answering every GET with one status."""

    def __init__(self, status: int) -> None:
        code = status

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/planbot"

    def __enter__(self) -> _Answering:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()


def planbot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "TELEGRAM_BOT_TOKEN": "",
            "ADMIN_IDS": "", "PLANBOT_TZ": ""}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], env={**base, **env}, cwd=tmp_path, text=True,
                          encoding="utf-8", capture_output=True, timeout=120)


def test_planbot_alone_prints_the_vietnamese_help_with_every_command(tmp_path: Path) -> None:
    out = planbot(tmp_path)
    assert out.returncode == 0 and out.stdout.startswith("Cách dùng: planbot")
    assert all(f"    {c} " in out.stdout for c in COMMANDS) and "show this help" not in out.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_says_what_it_does_with_an_example(tmp_path: Path, command: str) -> None:
    out = planbot(tmp_path, command, "--help")
    assert out.returncode == 0 and f"Ví dụ:\n  planbot {command}" in out.stdout
    assert "positional arguments" not in out.stdout and "options:" not in out.stdout


def test_doctor_passes_on_a_working_deployment(tmp_path: Path, tg: FakeTelegram) -> None:
    assert planbot(tmp_path, "seed").returncode == 0
    out = planbot(tmp_path, "doctor", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=tg.base_url, ADMIN_IDS="42")
    lines = out.stdout.splitlines()
    assert out.returncode == 0 and all(line.startswith("✓") for line in lines[:-1]), out.stdout
    assert any("321 bản ghi" in line for line in lines) and any("@" in line for line in lines)
    assert TOKEN not in out.stdout + out.stderr


@pytest.mark.parametrize(("env", "said"), [
    ({"TELEGRAM_BOT_TOKEN": "123:wrong"}, "từ chối token"),
    ({"TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot"}, "Không kết nối được Bot API"),
    ({"ADMIN_IDS": ""}, "ADMIN_IDS trống"),
    ({"ADMIN_IDS": "abc"}, "ADMIN_IDS phải là"),
    ({"PLANBOT_TZ": "Mars/Olympus"}, "không phải múi giờ"),
    ({"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none"}, "không kết nối được"),
    ({"DATABASE_URL": "sqlite:///missing.db"}, "Chưa có tệp cơ sở dữ liệu"),
])
def test_doctor_fails_with_a_clear_line_for_each_broken_setting(tmp_path: Path, tg: FakeTelegram,
                                                                env: dict[str, str], said: str) -> None:
    assert planbot(tmp_path, "seed").returncode == 0
    good = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": tg.base_url, "ADMIN_IDS": "42"}
    out = planbot(tmp_path, "doctor", **{**good, **env})
    failed = [line for line in out.stdout.splitlines() if line.startswith("✗")]
    assert out.returncode == 1 and len(failed) == 1 and said in failed[0], out.stdout
    assert "Traceback" not in out.stderr and "wrong" not in out.stdout and TOKEN not in out.stdout


def test_doctor_checks_a_webhook_url_when_given(tmp_path: Path, tg: FakeTelegram) -> None:
    assert planbot(tmp_path, "seed").returncode == 0
    good = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": tg.base_url, "ADMIN_IDS": "42"}
    with _Answering(405) as up, _Answering(502) as down:  # PTB's webhook server answers a GET with 405
        reachable = planbot(tmp_path, "doctor", "--webhook", up.url, **good)
        assert reachable.returncode == 0 and "URL webhook" in reachable.stdout
        behind = planbot(tmp_path, "doctor", "--webhook", down.url, **good)
        assert behind.returncode == 1 and "HTTP 502" in behind.stdout
    wrong_path = planbot(tmp_path, "doctor", "--webhook", f"http://127.0.0.1:{tg.port}/nothing", **good)
    assert wrong_path.returncode == 1 and "HTTP 404" in wrong_path.stdout
    unreachable = planbot(tmp_path, "doctor", "--webhook", "http://127.0.0.1:9/hook", **good)
    assert unreachable.returncode == 1 and "✗ Không tới được URL webhook" in unreachable.stdout


def test_doctor_names_a_database_without_the_tables(tmp_path: Path) -> None:
    sqlite3.connect(tmp_path / "empty.db").close()
    out = planbot(tmp_path, "doctor", DATABASE_URL="sqlite:///empty.db", ADMIN_IDS="42")
    assert out.returncode == 1 and "✗ Cơ sở dữ liệu kết nối được nhưng thiếu bảng" in out.stdout


def test_doctor_names_a_database_not_migrated_and_migrate_fixes_it(tmp_path: Path) -> None:
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    import db.models  # noqa: F401  (the tables, as the models define them)

    SQLModel.metadata.create_all(create_engine(f"sqlite:///{tmp_path / 'old.db'}"))  # tables from before migrations
    env = {"DATABASE_URL": "sqlite:///old.db", "ADMIN_IDS": "42"}
    before = planbot(tmp_path, "doctor", **env)
    assert before.returncode == 1 and "chạy planbot migrate" in before.stdout
    assert planbot(tmp_path, "migrate", **env).returncode == 0
    assert planbot(tmp_path, "seed", **env).returncode == 0
    assert planbot(tmp_path, "doctor", **env).returncode == 0
