"""Filling the database from the knowledge data files (first use, or `planbot seed --reset`)."""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import AgencyRow, AmountRow, AuditEntry, Milestone, RecordAgencyRow, RecordRow
from db.models import AuditAction as Action
from db.queries import load_knowledge
from knowledge.budget import budget_table
from knowledge.loader import load_files
from knowledge.numbers import fmt_number
from knowledge.records import CORE_KEYS, KnowledgeBase

_CONTENT_TABLES = (RecordAgencyRow, AmountRow, RecordRow, AgencyRow)
# The admins' changes to what a reset replaces (records, amounts, agencies): not seed, reset or undo rows, nor the
# milestones' (a reset keeps the milestones table as it is).
_DISCARDED = (Action.UPDATE, Action.UPDATE_AGENCY, Action.CREATE, Action.DELETE, Action.REPLACE)


def _edits(s: Session) -> list[int]:
    """The ids of the audit rows of admins' changes a reset would discard: since the last seed or reset, not
    undone."""
    since = s.exec(select(func.max(AuditEntry.id)).where(col(AuditEntry.action).in_([Action.SEED, Action.RESET]))
                   ).one() or 0
    rows = s.exec(select(AuditEntry.id).where(col(AuditEntry.id) > since, col(AuditEntry.undone).is_(False),
                                              col(AuditEntry.action).in_(_DISCARDED)))
    return [i for i in rows if i is not None]


def admin_edits(engine: Engine) -> int:
    """How many changes admins made to the seeded knowledge (edits, additions, deletions, imports) that are not
    undone: what `seed --reset` would throw away."""
    with Session(engine) as s:
        return len(_edits(s))


def is_seeded(engine: Engine) -> bool:
    with Session(engine) as s:
        return bool(s.exec(select(func.count()).select_from(RecordRow)).one())


def open_knowledge(engine: Engine, tz: str = "Asia/Ho_Chi_Minh") -> KnowledgeBase:
    """The knowledge in the database, filled from the data files on first use."""
    if not is_seeded(engine):
        seed(engine, load_files(), tz=tz)
    return load_knowledge(engine, tz)


def seed(engine: Engine, kb: KnowledgeBase, *, reset: bool = False, actor: str = "seed",
         tz: str = "Asia/Ho_Chi_Minh") -> int:
    """Write every agency and record in one transaction; returns the number of records written.

    With `reset` the content is replaced: the admins' changes are discarded (their audit rows marked undone, so no
    undo brings one back over the reloaded data) and a RESET audit row says how many; the caller decides whether
    that is allowed (`admin_edits`)."""
    with Session(engine) as s, s.begin():
        if reset:
            discarded = _edits(s)
            for table in _CONTENT_TABLES:
                s.exec(delete(table))
            if discarded:
                s.execute(update(AuditEntry).where(col(AuditEntry.id).in_(discarded)).values(undone=True))
            s.add(AuditEntry(actor=actor, action=Action.RESET, old=f"{len(discarded)} thay đổi của quản trị viên",
                             new="nạp lại từ dữ liệu của Kế hoạch", payload={"discarded": discarded}))
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
