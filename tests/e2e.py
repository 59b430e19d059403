"""Running the real bot process (`planbot run`) against the fake Bot API server."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

from tests.fake_telegram import TOKEN, FakeTelegram


class BotProcess:
    def __init__(self, tg: FakeTelegram, workdir: Path, *args: str, command: str = "run", **env: str) -> None:
        self.tg = tg
        self.env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": tg.base_url,
                    "TELEGRAM_BASE_FILE_URL": tg.base_file_url, "DATABASE_URL": f"sqlite:///{workdir / 'bot.db'}",
                    "PYTHONUNBUFFERED": "1", **env}
        self.workdir, self.args, self.command = workdir, args, command
        self.log = workdir / f"{command}-{id(self)}.log"
        self.proc: subprocess.Popen | None = None

    def start(self, ready: str = "setMyCommands", timeout: float = 30) -> BotProcess:
        seen = len(self.tg.sent(ready))
        self.proc = subprocess.Popen([sys.executable, "-m", "bot.cli", self.command, *self.args], cwd=self.workdir,
                                     env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT)
        self.tg.wait_for(lambda c: c.method == ready, timeout=timeout, count=seen + 1)
        return self

    def rows(self, sql: str, *args: object) -> list[tuple]:
        """Rows of the bot's SQLite database, read only."""
        with closing(sqlite3.connect(f"file:{self.workdir / 'bot.db'}?mode=ro", uri=True)) as con:
            return con.execute(sql, args).fetchall()

    def snapshot(self, tables: Iterable[str]) -> dict[str, list[str]]:
        """Every row of each table, to compare before and after something that must change nothing."""
        return {t: sorted(map(repr, self.rows(f"SELECT * FROM {t}"))) for t in tables}

    def stop(self) -> str:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.output()

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
