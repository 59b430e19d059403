"""The schema kept current by Alembic migrations (db/migrations). A new database is created at the newest revision
on first use; an existing one behind the code is upgraded only by `planbot migrate` (every process stops with a
line saying so until then: an upgrade is an operator's step, done once, after a backup). `planbot doctor` checks
it. A database whose tables were created before migrations existed is stamped as the first revision (its tables are
that revision's), then upgraded."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlmodel import SQLModel

import db.models  # noqa: F401  (the tables a database from before migrations may lack)
from db.errors import SchemaBehind

FIRST = "0001"
LOCK_KEY = 7_310_001  # the advisory lock that serialises migrations on PostgreSQL
_SCRIPTS = Path(__file__).with_name("migrations")


def _config(connection: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_SCRIPTS))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    return str(ScriptDirectory(str(_SCRIPTS)).get_current_head())


def known() -> set[str]:
    """Every revision this code has."""
    return {s.revision for s in ScriptDirectory(str(_SCRIPTS)).walk_revisions()}


def current(engine: Engine) -> str | None:
    """The revision the database is at; None before any migration ran."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def open_schema(engine: Engine) -> None:
    """A new database is created at the newest revision; one at the newest goes on; one behind raises SchemaBehind
    (and one newer than this code, Alembic's CommandError, from `upgrade`)."""
    with engine.connect() as conn:  # read before the revision: a process migrating meanwhile commits both at once,
        has_data = inspect(conn).has_table("record")  # so tables seen here mean the revision read next is theirs
    at = current(engine)
    if at == head():
        return
    if at is None and not has_data:
        upgrade(engine)
    elif at is None or at in known():
        raise SchemaBehind(f"Cơ sở dữ liệu ở phiên bản cũ ({at or 'trước khi có migration'}), bản planbot này cần "
                           f"phiên bản {head()}: chạy planbot migrate (sau khi sao lưu) rồi khởi động lại.")
    else:
        upgrade(engine)  # a revision this code does not know: Alembic names it


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """(revision before, revision after) once the schema is at the newest revision."""
    before = current(engine)
    if before == head():
        return before, before
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # processes started together: one migrates, the others wait
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            at = MigrationContext.configure(conn).get_current_revision()
            if at != head():
                cfg = _config(conn)
                if at is None and inspect(conn).has_table("record"):  # tables from before migrations existed
                    missing = set(SQLModel.metadata.tables) - set(inspect(conn).get_table_names())
                    SQLModel.metadata.create_all(conn, tables=[SQLModel.metadata.tables[t] for t in missing])
                    command.stamp(cfg, FIRST)
                command.upgrade(cfg, "head")
    except (OperationalError, IntegrityError, ProgrammingError):
        if current(engine) != head():  # another process (SQLite has no advisory lock) migrated meanwhile: fine
            raise
    return before, head()
