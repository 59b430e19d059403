"""Reading the knowledge back out of the database, the runtime source of truth."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import AgencyRow, AmountRow, AuditAction, AuditEntry, RecordAgencyRow, RecordRow
from knowledge.loader import build
from knowledge.records import Agency, KnowledgeBase, Record, RecordKind
from knowledge.revisions import annotate, local_day
from knowledge.saved_index import knowledge_key

PLAN_LOADS = (AuditAction.SEED, AuditAction.RESET)
CHUNK = 900  # ids in one IN (…): under SQLite's 999 parameters


def changed_on(engine: Engine, tz: str = "UTC", ids: Collection[str] | None = None) -> dict[str, str]:
    """Record id -> 'dd/mm/yyyy' (in `tz`) of its last change an admin made and did not undo (of the records `ids`,
    when given)."""
    query = select(AuditEntry.record_id, func.max(AuditEntry.at)).where(
        col(AuditEntry.undone).is_(False), col(AuditEntry.action).not_in(PLAN_LOADS))
    with Session(engine) as s:
        if ids is None:
            rows = list(s.exec(query.group_by(col(AuditEntry.record_id))).all())
        else:
            ids = list(ids)
            rows = [row for i in range(0, len(ids), CHUNK) for row in s.exec(
                query.where(col(AuditEntry.record_id).in_(ids[i:i + CHUNK])).group_by(col(AuditEntry.record_id)))]
    return {rid: local_day(at, tz) for rid, at in rows if rid and at is not None}


def _records(s: Session, ids: Collection[str] | None = None) -> list[Record]:
    """The live (not deleted) records, all or those `ids`, with their amounts and agency links, in plan order."""
    rows_q = select(RecordRow).where(col(RecordRow.deleted).is_(False))
    amounts_q, links_q = select(AmountRow), select(RecordAgencyRow)
    if ids is not None:
        rows_q = rows_q.where(col(RecordRow.id).in_(ids))
        amounts_q = amounts_q.where(col(AmountRow.record_id).in_(ids))
        links_q = links_q.where(col(RecordAgencyRow.record_id).in_(ids))
    rows = s.exec(rows_q.order_by(col(RecordRow.seq))).all()
    amounts: dict[str, dict] = {}
    for a in s.exec(amounts_q.order_by(col(AmountRow.id))):
        amounts.setdefault(a.record_id, {})[a.column] = a.value
    links: dict[str, list[str]] = {}
    for link in s.exec(links_q.order_by(col(RecordAgencyRow.position))):
        links.setdefault(link.record_id, []).append(link.agency_id)
    return [Record(id=r.id, kind=RecordKind(r.kind), title=r.title, source=r.source, seq=r.seq, parent=r.parent_id,
                   text=r.text, unit=r.unit, amounts=amounts.get(r.id, {}),
                   agencies=tuple(links.get(r.id, ())), fields=dict(r.fields)) for r in rows]


def load_knowledge(engine: Engine, tz: str = "UTC") -> KnowledgeBase:
    """All live (not deleted) records with their amounts and agency links; records an admin changed say what the
    plan wrote (knowledge.revisions)."""
    with Session(engine) as s:
        agencies = [Agency(id=a.id, name=a.name, type=a.type, aliases=tuple(a.aliases), parent=a.parent_id)
                    for a in s.exec(select(AgencyRow))]
        records = _records(s)
    return annotate(build(records, agencies), changed_on(engine, tz))


def load_records(engine: Engine, ids: Collection[str]) -> list[Record]:
    """The live versions of the records `ids` (a deleted or unknown id is absent), read in chunks."""
    ids = list(ids)
    with Session(engine) as s:
        return [r for i in range(0, len(ids), CHUNK) for r in _records(s, ids[i:i + CHUNK])]


@dataclass(frozen=True)
class Changes:
    """What the audit log says changed after a version: the newest version, the ids of the records it touched,
    and whether the answerer must be built again as a whole (the plan reloaded, an agency changed)."""
    version: int
    ids: frozenset[str]
    whole: bool


def changes_since(engine: Engine, version: int, agencies: Collection[str]) -> Changes:
    with Session(engine) as s:
        rows = s.exec(select(AuditEntry.id, AuditEntry.action, AuditEntry.record_id)
                      .where(col(AuditEntry.id) > version)).all()
    if not rows:
        return Changes(version, frozenset(), False)
    ids = frozenset(rid for _, _, rid in rows if rid)
    reloads = (*PLAN_LOADS, AuditAction.UPDATE_AGENCY)
    whole = any(action in reloads for _, action, _ in rows) or bool(ids & set(agencies))
    return Changes(max(i for i, _, _ in rows if i is not None), ids, whole)


def audit_key(engine: Engine, version: int, tz: str) -> str:
    """The key of the knowledge as of audit row `version` (knowledge.saved_index.knowledge_key)."""
    with Session(engine) as s:
        changes = s.exec(select(func.count()).select_from(AuditEntry).where(col(AuditEntry.id) <= version)).one()
        newest = s.get(AuditEntry, version)
    return knowledge_key(version, changes, newest.at if newest else "1970-01-01", tz)


def knowledge_version(engine: Engine) -> int:
    """Grows with every audited change, so a process can tell that another one edited the knowledge."""
    with Session(engine) as s:
        return s.exec(select(func.max(AuditEntry.id))).one() or 0
