"""The knowledge read with the database's own driver (sqlite3, psycopg), for `planbot ask` and `chat`.

SQLAlchemy and SQLModel take about half a second to import; a one-question process does not need them to read
four tables. The rows are turned into records exactly as `db.queries.load_knowledge` does (a test holds the two
equal on both backends). `None` means "use the full path": no database yet, not seeded, or a driver error."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from platformdirs import user_cache_dir

from db.errors import SCHEMA_HEAD
from knowledge.loader import DataError, build
from knowledge.records import Agency, KnowledgeBase, Record, RecordKind
from knowledge.revisions import annotate, local_day
from knowledge.saved_index import knowledge_key

_SCHEMA = "SELECT version_num FROM alembic_version"
_AGENCIES = "SELECT id, name, type, aliases, parent_id FROM agency"
# a record's amounts and agencies come in its order, beside it: 100.000 records' are never all held at once
_RECORDS = ("SELECT id, kind, title, source, seq, parent_id, text, unit, fields FROM record "
            "WHERE NOT deleted ORDER BY seq, id")
_AMOUNTS = ('SELECT a.record_id, a."column", a.value FROM amount a JOIN record r ON r.id = a.record_id '
            "WHERE NOT r.deleted ORDER BY r.seq, r.id, a.id")
_LINKS = ("SELECT l.record_id, l.agency_id FROM record_agency l JOIN record r ON r.id = l.record_id "
          "WHERE NOT r.deleted ORDER BY r.seq, r.id, l.position")
_AUDIT = "SELECT MAX(id), COUNT(*) FROM audit_log"
_AUDIT_AT = "SELECT at FROM audit_log WHERE id = {:d}"  # an int from the database (each driver has its placeholder)
_CHANGED = ("SELECT record_id, MAX(at) FROM audit_log WHERE NOT undone "
            "AND action NOT IN ('seed', 'reset') GROUP BY record_id")  # AuditAction.SEED and RESET load the plan


def _json(value: Any) -> Any:
    """SQLite hands JSON columns back as text; psycopg has already parsed them."""
    return json.loads(value) if isinstance(value, str) else value


def _sqlite_path(url: str) -> str | None:
    """The file of a `sqlite:///path` URL, None for an in-memory database (nothing to read there)."""
    path = unquote(url.split(":///", 1)[1]) if ":///" in url else ""
    return None if path in ("", ":memory:") else path


def _connect(url: str) -> Any:
    """A read-only connection whose queries all read one snapshot: the records, their amounts and their agencies
    are read by queries side by side, and an edit committed meanwhile must be in all of them or in none."""
    backend = url.split(":", 1)[0].split("+", 1)[0]
    if backend == "sqlite":
        path = _sqlite_path(url)
        if not path:
            return None
        # mode=ro: a missing file stays missing (the full path creates and seeds it)
        lite = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        lite.execute("BEGIN")  # the snapshot is the first read's, kept until the connection closes
        return lite
    if backend in ("postgresql", "postgres"):
        import psycopg
        parts = urlsplit(url)
        server = psycopg.connect(parts._replace(scheme="postgresql").geturl(), connect_timeout=10)
        server.isolation_level, server.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
        return server
    return None


@contextmanager
def _at_head(url: str) -> Iterator[Any]:
    """A cursor on the database at `url` when it can be opened with its driver and its schema is at the newest
    revision, else None (the full path creates it, reports a connection problem, or says to migrate)."""
    try:
        conn = _connect(url)
    except Exception:
        conn = None
    if conn is None:
        yield None
        return
    try:
        cur = conn.cursor()
        try:
            at_head = [v for (v,) in cur.execute(_SCHEMA).fetchall()] == [SCHEMA_HEAD]
        except Exception:  # no tables yet
            at_head = False
        yield cur if at_head else None
    finally:
        conn.close()


def saved_index_path(url: str) -> Path | None:
    """Where the built index of the database at `url` is kept: beside a SQLite file, in the user's cache folder
    for a server (named by a digest of its URL, so no password shows); None for an in-memory database."""
    if url.split(":", 1)[0].split("+", 1)[0] == "sqlite":
        path = _sqlite_path(url)
        return Path(f"{path}.index") if path else None
    digest = hashlib.sha256(url.encode()).hexdigest()[:20]
    return Path(user_cache_dir("planbot", appauthor=False)) / f"{digest}.index"


def read_key(url: str, tz: str) -> str | None:
    """The key of the knowledge the database holds now (knowledge.saved_index), None when it cannot be read
    quickly (see the module's doc)."""
    with _at_head(url) as cur:
        if cur is None:
            return None
        try:
            version, changes = cur.execute(_AUDIT).fetchone()
            newest = cur.execute(_AUDIT_AT.format(version)).fetchone() if changes else None
        except Exception:
            return None
    return knowledge_key(version, changes, newest[0], tz) if newest else None


def read_knowledge(url: str, tz: str = "UTC") -> KnowledgeBase | None:
    """The live records, amounts and agency links of the database at `url`, or None (see the module's doc)."""
    with _at_head(url) as cur:
        if cur is None:
            return None
        try:
            records, agencies, changed = _rows(cur, tz)
            kb = build(records, agencies)  # record by record as the rows come: 100.000 are never all unpacked at once
        except DataError:
            raise  # the data itself is wrong: said as the full path says it
        except Exception:  # an older schema, or rows that could not be read: the full path reports it
            return None
    return annotate(kb, changed) if len(kb) else None


def _rows(cur: Any, tz: str) -> tuple[Iterator[Record], list[Agency], dict[str, str]]:
    """The records (read as they are used: the iterator may still raise a driver's error), the agencies and each
    changed record's day of change, as `db.queries` reads them."""
    agencies = [Agency(id=i, name=n, type=t, aliases=tuple(_json(a)), parent=p)
                for i, n, t, a, p in cur.execute(_AGENCIES).fetchall()]
    changed = {rid: local_day(at, tz) for rid, at in cur.execute(_CHANGED).fetchall() if rid and at}
    # (an older schema fails here, not while the rows are read)
    rows, amounts, links = (_stream(cur, sql, name) for sql, name in
                            ((_RECORDS, "records"), (_AMOUNTS, "amounts"), (_LINKS, "links")))
    return _records(rows, amounts, links, isinstance(cur, sqlite3.Cursor)), agencies, changed


def _stream(cur: Any, sql: str, name: str) -> Iterator[tuple[Any, ...]]:
    """The rows of `sql` as they are read, beside other queries' (on PostgreSQL a server-side cursor: psycopg
    would otherwise hold every row in memory first)."""
    if isinstance(cur, sqlite3.Cursor):
        return cur.connection.cursor().execute(sql)
    server = cur.connection.cursor(name=f"planbot_{name}")
    server.itersize = 2000
    return iter(server.execute(sql))


def _records(rows: Iterator[tuple[Any, ...]], amounts: Iterator[tuple[Any, ...]], links: Iterator[tuple[Any, ...]],
             sqlite: bool) -> Iterator[Record]:
    """Each record with its amounts and agencies: the three come in the same order, so each record's are the next
    group of rows of its id; a group left over means they did not, and nothing is read wrong silently."""
    decimal = (lambda v: Decimal(v)) if sqlite else (lambda v: v.normalize())
    amount_groups = ((rid, list(group)) for rid, group in groupby(amounts, key=itemgetter(0)))
    link_groups = ((rid, list(group)) for rid, group in groupby(links, key=itemgetter(0)))
    amount, link = next(amount_groups, None), next(link_groups, None)
    for i, k, t, s, q, p, x, u, f in rows:
        own: dict[str, Decimal] = {}
        agencies: tuple[str, ...] = ()
        if amount is not None and amount[0] == i:
            own = {column: decimal(value) for _, column, value in amount[1]}
            amount = next(amount_groups, None)
        if link is not None and link[0] == i:
            agencies = tuple(aid for _, aid in link[1])
            link = next(link_groups, None)
        yield Record(id=i, kind=RecordKind(k), title=t, source=s, seq=q, parent=p, text=x, unit=u, amounts=own,
                     agencies=agencies, fields=dict(_json(f)))
    if amount is not None or link is not None:
        raise RuntimeError(f"amounts or agencies of record {(amount or link or ('?',))[0]} read out of order")
