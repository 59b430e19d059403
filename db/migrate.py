"""The schema kept current by Alembic migrations (db/migrations): on first use, on `planbot migrate`, and checked by
`planbot doctor`. A database whose tables were created before migrations existed is stamped as the first revision
(its tables are that revision's), then upgraded."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine

FIRST = "0001"
_SCRIPTS = Path(__file__).with_name("migrations")


def _config(connection: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_SCRIPTS))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    return str(ScriptDirectory(str(_SCRIPTS)).get_current_head())


def current(engine: Engine) -> str | None:
    """The revision the database is at; None before any migration ran."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """(revision before, revision after) once the schema is at the newest revision."""
    before = current(engine)
    if before == head():
        return before, before
    with engine.begin() as conn:
        cfg = _config(conn)
        if before is None and inspect(conn).has_table("record"):  # tables from before migrations existed
            command.stamp(cfg, FIRST)
        command.upgrade(cfg, "head")
    return before, head()
