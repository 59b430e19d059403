"""Filling the database from the knowledge data files (first use, or `planbot seed --reset`)."""
from __future__ import annotations

from sqlalchemy import delete, func, insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db.models import AgencyRow, AmountRow, AuditEntry, RecordAgencyRow, RecordRow
from knowledge.records import CORE_KEYS, KnowledgeBase

_CONTENT_TABLES = (RecordAgencyRow, AmountRow, RecordRow, AgencyRow)


def is_seeded(engine: Engine) -> bool:
    with Session(engine) as s:
        return bool(s.exec(select(func.count()).select_from(RecordRow)).one())


def seed(engine: Engine, kb: KnowledgeBase, *, reset: bool = False, actor: str = "seed") -> int:
    """Write every agency and record in one transaction; returns the number of records written."""
    with Session(engine) as s, s.begin():
        if reset:
            for table in _CONTENT_TABLES:
                s.exec(delete(table))  # type: ignore[call-overload]
        agencies = sorted(kb.agencies.values(), key=lambda a: a.parent is not None)
        if agencies:
            s.execute(insert(AgencyRow), [
                {"id": a.id, "name": a.name, "type": a.type, "parent_id": a.parent, "aliases": list(a.aliases)}
                for a in agencies])
        records = sorted(kb.records.values(), key=lambda r: r.seq)
        s.execute(insert(RecordRow), [
            {"id": r.id, "kind": r.kind, "parent_id": r.parent, "seq": r.seq, "title": r.title, "text": r.text,
             "source": r.source, "unit": r.unit, "deleted": False,
             "fields": {k: v for k, v in r.fields.items() if k not in CORE_KEYS}}
            for r in records])
        amounts = [{"record_id": r.id, "column": c, "value": v} for r in records for c, v in r.amounts.items()]
        if amounts:
            s.execute(insert(AmountRow), amounts)
        links = [{"record_id": r.id, "agency_id": a, "position": i}
                 for r in records for i, a in enumerate(r.agencies)]
        if links:
            s.execute(insert(RecordAgencyRow), links)
        s.add(AuditEntry(actor=actor, action="seed", new=f"{len(records)} bản ghi, {len(agencies)} cơ quan"))
    return len(kb.records)
