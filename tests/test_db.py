"""The database is the runtime truth: filled from the data on first use, exact on SQLite and PostgreSQL."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from bot.cli import main
from db.edits import create_record, soft_delete, update_field
from db.engine import make_engine
from db.models import AmountRow, AuditEntry, RecordRow
from db.queries import load_knowledge
from db.reader import read_knowledge
from db.seed import open_knowledge, seed
from knowledge.fields import Edit
from knowledge.records import KnowledgeBase


def test_first_use_creates_and_fills_the_database(database_url: str, kb: KnowledgeBase) -> None:
    engine = make_engine(database_url)
    loaded = open_knowledge(engine)
    assert set(loaded.records) == set(kb.records)
    assert set(loaded.agencies) == set(kb.agencies)
    for rid, r in kb.records.items():
        got = loaded.records[rid]
        assert got.amounts == r.amounts, rid
        assert all(isinstance(v, Decimal) for v in got.amounts.values())
        assert (got.kind, got.parent, got.title, got.text, got.source, got.unit, got.agencies) == (
            r.kind, r.parent, r.title, r.text, r.source, r.unit, r.agencies), rid
        assert dict(got.fields) == dict(r.fields), rid
    open_knowledge(engine)  # second use does not seed again
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(RecordRow)).one() == len(kb)
        assert s.exec(select(func.count()).where(AuditEntry.action == "seed")).one() == 1


def test_amounts_are_exact_decimals_not_floats(database_url: str, kb: KnowledgeBase) -> None:
    engine = make_engine(database_url)
    seed(engine, kb)
    with Session(engine) as s:
        row = s.exec(select(AmountRow).where(AmountRow.record_id == "PL1-B15")).one()
    assert row.value == Decimal("1199.8") and str(row.value.normalize()) == "1199.8"
    assert load_knowledge(engine).records["PL1-B-2013"].amounts["tmdt"] == Decimal("15309.1")


def test_seed_reset_reloads_without_duplicates(database_url: str, kb: KnowledgeBase, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["seed"]) == 0
    assert main(["seed", "--reset"]) == 0
    engine = make_engine(database_url)
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(RecordRow)).one() == len(kb)
        amounts = sum(len(r.amounts) for r in kb.records.values())
        assert s.exec(select(func.count()).select_from(AmountRow)).one() == amounts


def test_sqlite_file_uses_wal(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'p.db'}")
    with engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert (tmp_path / "sub" / "p.db").exists()


def _as_compared(kb: KnowledgeBase) -> dict[str, tuple]:
    return {rid: (r.kind, r.parent, r.seq, r.title, r.text, r.source, r.unit, r.agencies, r.amounts, dict(r.fields))
            for rid, r in kb.records.items()}


def test_the_quick_reader_sees_what_sqlalchemy_sees(database_url: str) -> None:
    """`planbot ask` reads with the driver alone; after an admin's edit and delete it answers from the same
    records, amounts, links and agencies as the bot does."""
    engine = make_engine(database_url)
    open_knowledge(engine)
    update_field(engine, "PL4-1", Edit("tmdt", Decimal("4500.5")), actor="admin")
    soft_delete(engine, "PL4-2", actor="admin")
    quick, full = read_knowledge(database_url), load_knowledge(engine)
    assert quick is not None
    assert _as_compared(quick) == _as_compared(full)
    assert quick.records["PL4-1"].amounts["tmdt"] == Decimal("4500.5") and "PL4-2" not in quick.records
    assert {a.id: a for a in quick.agencies.values()} == {a.id: a for a in full.agencies.values()}


def test_the_quick_reader_reads_one_snapshot_while_admins_edit(database_url: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Records, amounts and agencies are read by queries side by side: an edit committed between them is in none of
    them (a deleted project keeps its figures, a new one is not half read), never a project without its amounts."""
    import db.reader as reader
    engine = make_engine(database_url)
    kb = open_knowledge(engine)
    proto = kb.records["PL4-1.2"]
    edits = iter([lambda: soft_delete(engine, "PL4-1.1", actor="admin"),
                  lambda: create_record(engine, replace(proto, id="PL4-1.99", title="Dự án mới"), "admin")])
    opened = reader._stream

    def stream(cur: object, sql: str, name: str) -> object:
        rows = opened(cur, sql, name)
        if name == "records":
            next(edits, lambda: None)()  # another process commits after the records' query, before their amounts'
        return rows

    monkeypatch.setattr(reader, "_stream", stream)
    first = read_knowledge(database_url)
    assert first is not None and first.records["PL4-1.1"].amounts == kb.records["PL4-1.1"].amounts
    second = read_knowledge(database_url)
    assert second is not None and "PL4-1.1" not in second.records and "PL4-1.99" not in second.records
    assert read_knowledge(database_url).records["PL4-1.99"].amounts == proto.amounts  # the next read has it


def test_the_quick_reader_leaves_a_missing_or_empty_database_to_the_full_path(tmp_path) -> None:
    missing = tmp_path / "nothing-here.db"
    assert read_knowledge(f"sqlite:///{missing}") is None and not missing.exists()
    make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert read_knowledge(f"sqlite:///{tmp_path / 'empty.db'}") is None
    assert read_knowledge("sqlite:///:memory:") is None
