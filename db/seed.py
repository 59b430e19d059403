"""Filling the database from the knowledge data files (first use, or `planbot seed --reset`)."""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db.models import AgencyRow, AmountRow, AuditEntry, Milestone, RecordAgencyRow, RecordRow
from db.models import AuditAction as Action
from db.queries import load_knowledge
from knowledge.budget import budget_table
from knowledge.loader import load_files
from knowledge.numbers import fmt_number
from knowledge.records import CORE_KEYS, KnowledgeBase

_CONTENT_TABLES = (RecordAgencyRow, AmountRow, RecordRow, AgencyRow)


def is_seeded(engine: Engine) -> bool:
    with Session(engine) as s:
        return bool(s.exec(select(func.count()).select_from(RecordRow)).one())


def open_knowledge(engine: Engine, tz: str = "Asia/Ho_Chi_Minh") -> KnowledgeBase:
    """The knowledge in the database, filled from the data files on first use."""
    if not is_seeded(engine):
        seed(engine, load_files(), tz=tz)
    return load_knowledge(engine)


def seed(engine: Engine, kb: KnowledgeBase, *, reset: bool = False, actor: str = "seed",
         tz: str = "Asia/Ho_Chi_Minh") -> int:
    """Write every agency and record in one transaction; returns the number of records written."""
    with Session(engine) as s, s.begin():
        if reset:
            for table in _CONTENT_TABLES:
                s.exec(delete(table))
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
        if not s.exec(select(func.count()).select_from(Milestone)).one():
            s.add_all(plan_milestones(kb, ZoneInfo(tz)))
        s.add(AuditEntry(actor=actor, action=Action.SEED, new=f"{len(records)} bản ghi, {len(agencies)} cơ quan"))
    return len(kb.records)


def plan_milestones(kb: KnowledgeBase, tz: ZoneInfo) -> list[Milestone]:
    """The plan's own dates: the end of each roadmap phase and of each budget year (17:00 local)."""
    out = []
    for r in kb.of_kind("phase"):
        if r.get("end"):
            end = datetime.combine(date.fromisoformat(r.get("end")), time(17, 0), tz)
            out.append(Milestone(title=f"Kết thúc {r.title.lower()} của Kế hoạch", due_at=end, record_id=r.id))
    table = budget_table(kb)
    if table is None:  # a plan without a budget table has no budget years
        return out
    for year, amount in sorted(table.amounts.items()):
        if year.isdigit():
            end = datetime.combine(date(int(year), 12, 31), time(17, 0), tz)
            out.append(Milestone(title=f"Hết năm kế hoạch vốn {year} ({fmt_number(amount)} triệu đồng)",
                                 due_at=end, record_id=table.id))
    return out
