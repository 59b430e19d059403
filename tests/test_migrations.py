"""The schema comes from migrations: created on first use, upgraded by planbot migrate (every process stops with a
line until then), equal to the models on both backends."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

from bot.cli import main
from bot.startup import StartupError, open_database
from db import migrate
from db.engine import make_engine
from db.errors import SCHEMA_HEAD
from db.seed import open_knowledge


def test_first_use_migrates_to_the_newest_revision_and_matches_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    assert migrate.current(engine) == migrate.head()
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []


def test_a_database_made_before_migrations_is_stamped_and_keeps_its_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = create_engine(url)
    SQLModel.metadata.create_all(old)  # how tables were made before migrations existed
    assert migrate.current(old) is None
    before, after = migrate.upgrade(old)
    assert (before, after) == (None, migrate.head())
    assert "alembic_version" in inspect(old).get_table_names()
    assert len(open_knowledge(make_engine(url))) > 300


def test_planbot_migrate_says_where_the_schema_is(tmp_path: Path, monkeypatch, capsys) -> None:  # noqa: ANN001
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    assert main(["migrate"]) == 0
    assert f"phiên bản {migrate.head()}" in capsys.readouterr().out
    assert main(["migrate"]) == 0
    assert "đã ở phiên bản mới nhất" in capsys.readouterr().out


def test_a_database_newer_than_this_planbot_is_named_not_a_traceback(tmp_path: Path, monkeypatch, capsys) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'p.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0999'")
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["migrate"]) == 1
    assert "mới hơn bản planbot này" in capsys.readouterr().err


def test_migrate_creates_the_default_folder(tmp_path: Path, monkeypatch, capsys) -> None:  # noqa: ANN001
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'new' / 'p.db'}")
    assert main(["migrate"]) == 0 and (tmp_path / "new" / "p.db").exists()


def test_processes_started_together_on_postgresql_all_start(postgres_url: str) -> None:
    """Several processes migrating one empty PostgreSQL database at once: one migrates, none fails."""
    import subprocess
    import sys

    from tests.pg import empty_database
    empty_database(postgres_url)
    code = f"from db.engine import make_engine; make_engine({postgres_url!r})"
    procs = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True) for _ in range(3)]
    assert all(p.wait(timeout=120) == 0 for p in procs), [p.stderr.read() for p in procs if p.stderr]
    assert migrate.current(make_engine(postgres_url)) == migrate.head()


def test_the_light_readers_revision_is_the_migrations_head() -> None:
    assert SCHEMA_HEAD == migrate.head()


def old_database(path: Path) -> str:
    """A database with the plan's data, its tables made before migrations existed (no revision recorded)."""
    url = f"sqlite:///{path}"
    open_knowledge(make_engine(url))
    with create_engine(url).begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
    return url


def test_ask_and_run_on_a_database_behind_the_code_stop_with_one_line_until_migrated(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = old_database(tmp_path / "old.db")
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["ask", "Dự án chữ ký số bao nhiêu tiền?"]) == 2
    said = capsys.readouterr()
    assert said.out == "" and said.err.count("\n") == 1 and "chạy planbot migrate" in said.err
    with pytest.raises(StartupError, match="chạy planbot migrate"):  # what planbot run and worker say, exit 2
        open_database(url)
    assert migrate.current(create_engine(url)) is None  # nothing was changed behind the operator's back
    assert main(["migrate"]) == 0
    capsys.readouterr()
    assert main(["ask", "Dự án chữ ký số bao nhiêu tiền?"]) == 0
    assert "2.000 triệu đồng" in capsys.readouterr().out


def test_planbot_migrate_upgrades_a_baseline_database_and_runs_twice_cleanly_on_each_backend(
        database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A database at the baseline (its tables made before migrations, with the plan's data) is upgraded by
    planbot migrate and keeps its data; a second run has nothing to do."""
    open_knowledge(make_engine(database_url))
    with create_engine(database_url).begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["migrate"]) == 0
    assert f"lên phiên bản {migrate.head()}" in capsys.readouterr().out
    assert main(["migrate"]) == 0
    assert "đã ở phiên bản mới nhất" in capsys.readouterr().out
    assert len(open_knowledge(make_engine(database_url))) > 300
