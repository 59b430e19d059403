"""`planbot --help`, `ask`, `chat` and `check` import only what they use: no pydantic, SQLAlchemy, SQLModel, Alembic
or Telegram on a seeded database at the newest revision. Their settings are checked by the same rules as those of
`planbot run`; only a database not at the newest revision loads Alembic (one newer than this planbot still stops a
start with its line); an answer's first number reads no locale data."""
from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from bot.environment import Basics
from bot.settings import Settings, SettingsError
from bot.startup import StartupError, open_database
from db import migrate
from db.engine import make_engine
from db.seed import open_knowledge
from knowledge.numbers import fmt_number

HEAVY = {"pydantic", "pydantic_settings", "sqlalchemy", "sqlmodel", "alembic", "telegram"}
QUESTION = "Dự án chữ ký số bao nhiêu tiền?"
# `planbot ARGS…`, then the top-level packages the process imported, one a line, into the file named first.
PLANBOT = """
import sys
from bot.cli import main
try:
    code = main(sys.argv[2:])
except SystemExit as exc:  # --help
    code = exc.code
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write("\\n".join(sorted({name.split(".")[0] for name in sys.modules})))
sys.exit(code)
"""


def planbot(tmp_path: Path, *args: str, stdin: str = "", **env: str) -> tuple[subprocess.CompletedProcess[str], set]:
    """The process's output and the packages it imported."""
    listing = tmp_path / "modules.txt"
    out = subprocess.run([sys.executable, "-c", PLANBOT, str(listing), *args], cwd=tmp_path, input=stdin, text=True,
                         encoding="utf-8", capture_output=True, timeout=120,
                         env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", **env})
    return out, set(listing.read_text(encoding="utf-8").split())


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    open_knowledge(make_engine(f"sqlite:///{tmp_path / 'p.db'}"))
    return tmp_path


@pytest.mark.parametrize("args", [["--help"], [], ["ask", "--help"], ["check", "--help"]])
def test_help_imports_no_heavy_library(tmp_path: Path, args: list[str]) -> None:
    out, imported = planbot(tmp_path, *args)
    assert out.returncode == 0 and "Cách dùng" in out.stdout, out.stderr
    assert not HEAVY & imported


@pytest.mark.parametrize(("args", "stdin", "said"), [
    (["ask", QUESTION], "", "2.000 triệu đồng"),
    (["chat"], f"{QUESTION}\nthoát\n", "2.000 triệu đồng"),
    (["check"], "", "Dữ liệu hợp lệ."),
], ids=["ask", "chat", "check"])
def test_ask_chat_and_check_on_a_seeded_database_import_no_heavy_library(seeded: Path, args: list[str], stdin: str,
                                                                        said: str) -> None:
    out, imported = planbot(seeded, *args, stdin=stdin)
    assert out.returncode == 0 and said in out.stdout, out.stderr
    assert not HEAVY & imported, sorted(HEAVY & imported)


def test_a_bad_setting_stops_ask_before_any_heavy_import(seeded: Path) -> None:
    out, imported = planbot(seeded, "ask", QUESTION, ADMIN_IDS="12,abc")
    assert out.returncode == 2 and "ADMIN_IDS phải là" in out.stderr and out.stdout == ""
    assert not HEAVY & imported


BAD = [{"PLANBOT_TZ": "Mars/Olympus"}, {"DATABASE_URL": "planbot.db"}, {"REMINDER_LEAD_DAYS": "30,400"},
       {"REMINDER_SWEEP_SECONDS": "0"}, {"ADMIN_IDS": "-1"}, {"TELEGRAM_BASE_URL": "ftp://x"},
       {"TELEGRAM_WEBHOOK_SECRET": "a b"}, {"PLANBOT_LOG_LEVEL": "LOUD"},
       {"TELEGRAM_BOT_TOKEN": "1:a b", "REMINDER_LEAD_DAYS": ","}]


@pytest.mark.parametrize("env", BAD, ids=[",".join(e) for e in BAD])
def test_the_light_settings_refuse_what_the_full_settings_refuse_in_the_same_words(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError) as full:
        Settings.load(env=env, dotenv=None)
    with pytest.raises(SettingsError) as light:
        Basics.load(env=env, dotenv=None)
    assert str(light.value) == str(full.value)
    assert "1:a b" not in str(light.value)


def test_the_light_settings_read_the_env_file_under_the_environment(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("export PLANBOT_TZ='Europe/Paris'\ndatabase_url=sqlite:///a.db\n", encoding="utf-8")
    light = Basics.load(env={"PLANBOT_TZ": "", "DATABASE_URL": "sqlite:///b.db"}, dotenv=dotenv)
    full = Settings.load(env={"PLANBOT_TZ": "", "DATABASE_URL": "sqlite:///b.db"}, dotenv=dotenv)
    assert (light.tz, light.database_url) == (full.tz, full.database_url) == ("Europe/Paris", "sqlite:///b.db")
    assert Basics.load(env={}, dotenv=None).database_url == Settings.load(env={}, dotenv=None).database_url


OPEN = "import sys; from db.engine import make_engine; make_engine(sys.argv[1]); print('alembic' in sys.modules)"


def test_only_a_database_not_at_the_newest_revision_loads_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"

    def alembic_loaded() -> bool:
        out = subprocess.run([sys.executable, "-c", OPEN, url], capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return out.stdout.strip() == "True"

    assert alembic_loaded()  # a new database: created at the newest revision
    assert migrate.current(make_engine(url, migrate=False)) == migrate.head()
    assert not alembic_loaded()


def test_a_database_newer_than_this_planbot_still_stops_a_start_with_its_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    with make_engine(url).begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0999'")
    with pytest.raises(StartupError, match="mới hơn bản planbot này"):
        open_database(url)


def test_an_answers_first_number_reads_no_locale_data(monkeypatch: pytest.MonkeyPatch) -> None:
    import babel.localedata

    def read(*_: object, **__: object) -> None:
        raise AssertionError("locale data read while answering")

    monkeypatch.setattr(babel.localedata, "load", read)
    monkeypatch.setattr(babel.localedata, "get_locale_data", read)
    assert fmt_number(Decimal("1234567.8901")) == "1.234.567,8901"
