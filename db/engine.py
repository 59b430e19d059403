"""Engine and sessions from DATABASE_URL; SQLite files get WAL mode and their folder created.

A database at the newest revision (every start but a database's first) is only asked its revision: Alembic
(~100 ms to import) and the schema's creation and checks are loaded when it is new or at another revision."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, create_engine

import db.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from db.errors import SCHEMA_HEAD
from db.url import DEFAULT_DATABASE_URL


def _sqlite_pragmas(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def make_engine(url: str = DEFAULT_DATABASE_URL, migrate: bool = True) -> Engine:
    """Create the engine and (unless `migrate` is false) open the schema: a new database is created at the newest
    migration, one behind raises db.migrate.SchemaBehind (`planbot migrate` upgrades it)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    if migrate and not _at_head(engine):
        from db.migrate import open_schema
        open_schema(engine)
    return engine


def _at_head(engine: Engine) -> bool:
    """Whether the database is at the revision this code expects (`db.migrate.open_schema` says what to do when
    not), read with one query."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [SCHEMA_HEAD]


def session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)
