"""Reading the knowledge back out of the database, the runtime source of truth."""
from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import AgencyRow, AmountRow, AuditAction, AuditEntry, RecordAgencyRow, RecordRow
from knowledge.loader import build
from knowledge.records import Agency, KnowledgeBase, Record, RecordKind
from knowledge.revisions import annotate, local_day

PLAN_LOADS = (AuditAction.SEED, AuditAction.RESET)


def changed_on(engine: Engine, tz: str = "UTC") -> dict[str, str]:
    """Record id -> 'dd/mm/yyyy' (in `tz`) of its last change an admin made and did not undo."""
    with Session(engine) as s:
        rows = s.exec(select(AuditEntry.record_id, func.max(AuditEntry.at))
                      .where(col(AuditEntry.undone).is_(False), col(AuditEntry.action).not_in(PLAN_LOADS))
                      .group_by(col(AuditEntry.record_id))).all()
    return {rid: local_day(at, tz) for rid, at in rows if rid and at is not None}


def load_knowledge(engine: Engine, tz: str = "UTC") -> KnowledgeBase:
    """All live (not deleted) records with their amounts and agency links; records an admin changed say what the
    plan wrote (knowledge.revisions)."""
    with Session(engine) as s:
        agencies = [Agency(id=a.id, name=a.name, type=a.type, aliases=tuple(a.aliases), parent=a.parent_id)
                    for a in s.exec(select(AgencyRow))]
        rows = s.exec(select(RecordRow).where(col(RecordRow.deleted).is_(False)).order_by(col(RecordRow.seq))).all()
        amounts: dict[str, dict] = {}
        for a in s.exec(select(AmountRow).order_by(col(AmountRow.id))):
            amounts.setdefault(a.record_id, {})[a.column] = a.value
        links: dict[str, list[str]] = {}
        for link in s.exec(select(RecordAgencyRow).order_by(col(RecordAgencyRow.position))):
            links.setdefault(link.record_id, []).append(link.agency_id)
    records = [Record(id=r.id, kind=RecordKind(r.kind), title=r.title, source=r.source, seq=r.seq, parent=r.parent_id,
                      text=r.text, unit=r.unit, amounts=amounts.get(r.id, {}),
                      agencies=tuple(links.get(r.id, ())), fields=dict(r.fields)) for r in rows]
    return annotate(build(records, agencies), changed_on(engine, tz))


def knowledge_version(engine: Engine) -> int:
    """Grows with every audited change, so a process can tell that another one edited the knowledge."""
    with Session(engine) as s:
        return s.exec(select(func.max(AuditEntry.id))).one() or 0
