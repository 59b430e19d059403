"""Admin changes to the knowledge: each one in a transaction with its audit entry, and undoable."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, delete, insert, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from db.models import AgencyRow, AmountRow, AuditEntry, Milestone, RecordAgencyRow, RecordRow, utcnow
from db.models import AuditAction as Action
from db.reminders import MILESTONE_REF
from knowledge import new_records
from knowledge.fields import FIELD_NAMES, TEXT_FIELDS, AgencyEdit, Edit, is_amount_field
from knowledge.import_plan import ImportPlan
from knowledge.loader import parse_record
from knowledge.numbers import fmt_number, write_amount
from knowledge.records import KnowledgeBase, Record

UNDOABLE = (Action.UPDATE, Action.CREATE, Action.DELETE, Action.REPLACE, Action.UPDATE_AGENCY,
            Action.ADD_MILESTONE, Action.REMOVE_MILESTONE)
RECORD_CHANGES = (Action.UPDATE, Action.CREATE, Action.DELETE, Action.REPLACE)
MILESTONE_CHANGES = (Action.ADD_MILESTONE, Action.REMOVE_MILESTONE)
# an import's names of a record's parts, as /sua calls them (a 'replace' row lists the import's names)
IMPORT_TO_EDIT = {"title": "ten", "text": "noi_dung", "source": "nguon", "agencies": "chu_dau_tu", "cdt": "chu_dau_tu"}
ID_ATTEMPTS = 5  # saving a new record when another process took its id meanwhile
IMPORT_BATCH = 2000  # records an import writes per bulk statement: memory stays flat, the progress moves
# the tables as SQLAlchemy Core sees them: an import's bulk statements skip the ORM's per-row work
_RECORDS, _AMOUNTS, _LINKS, _AUDIT = (SQLModel.metadata.tables[name]
                                      for name in ("record", "amount", "record_agency", "audit_log"))


@dataclass(frozen=True)
class Change:
    record_id: str
    field: str
    old: str
    new: str
    action: Action


@dataclass
class UndoRefused(Exception):
    """Undo would overwrite a change made since: nothing was changed. `by`/`at` name that later change (None when
    the value differs with no audit row saying who changed it)."""
    record_id: str
    field: str
    action: str  # the later change's action
    by: str | None = None
    at: datetime | None = None
    current: str = ""  # the value the field holds now, as admins read it


def _get_value(s: Session, row: RecordRow, field: str) -> Any:
    """The stored value of a field, in the form _set_value takes back (for undo)."""
    if is_amount_field(field):
        amount = s.exec(select(AmountRow)
                        .where(col(AmountRow.record_id) == row.id, col(AmountRow.column) == field)).first()
        return write_amount(amount.value) if amount else None
    if field in TEXT_FIELDS:
        return getattr(row, TEXT_FIELDS[field])
    if field == "chu_dau_tu":
        links = s.exec(select(RecordAgencyRow.agency_id).where(col(RecordAgencyRow.record_id) == row.id)
                       .order_by(col(RecordAgencyRow.position))).all()
        return {"cdt": row.fields.get("cdt", ""), "agencies": list(links)}
    return row.fields.get(field)


def _set_value(s: Session, row: RecordRow, field: str, value: Any) -> None:
    if is_amount_field(field):
        s.exec(delete(AmountRow).where(col(AmountRow.record_id) == row.id, col(AmountRow.column) == field))
        if value is not None:
            s.add(AmountRow(record_id=row.id, column=field, value=Decimal(value)))
    elif field in TEXT_FIELDS:
        setattr(row, TEXT_FIELDS[field], value)
    elif field == "chu_dau_tu":
        row.fields = {**row.fields, "cdt": value["cdt"]}
        s.exec(delete(RecordAgencyRow).where(col(RecordAgencyRow.record_id) == row.id))
        s.add_all(RecordAgencyRow(record_id=row.id, agency_id=a, position=i) for i, a in enumerate(value["agencies"]))
    else:
        fields = dict(row.fields)
        if value is None:
            fields.pop(field, None)
        else:
            fields[field] = value
        row.fields = fields
    s.add(row)


def _shown(value: Any, field: str = "") -> str:
    """A value as admins read it: an amount the Vietnamese way ('4.500,5'), an investor by name."""
    if value is None:
        return "(trống)"
    if is_amount_field(field):
        return fmt_number(Decimal(value))
    if isinstance(value, dict):
        return value.get("cdt") or ", ".join(value.get("agencies", []))
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def update_field(engine: Engine, record_id: str, edit: Edit, actor: str) -> Change:
    new: Any = write_amount(edit.value) if isinstance(edit.value, Decimal) else edit.value
    if edit.field == "chu_dau_tu":
        new = {"cdt": edit.value, "agencies": list(edit.agencies)}
    with Session(engine) as s, s.begin():
        row = s.get(RecordRow, record_id, with_for_update=True)  # an undo of this field waits, or we wait for it
        if row is None or row.deleted:
            raise LookupError(record_id)
        old = _get_value(s, row, edit.field)
        _set_value(s, row, edit.field, new)
        change = Change(record_id, edit.field, _shown(old, edit.field), _shown(new, edit.field), Action.UPDATE)
        s.add(AuditEntry(actor=actor, action=Action.UPDATE, record_id=record_id, field=edit.field, old=change.old,
                         new=change.new, payload={"old": old, "new": new}))
    return change


def soft_delete(engine: Engine, record_id: str, actor: str) -> Change:
    with Session(engine) as s, s.begin():
        row = s.get(RecordRow, record_id)
        if row is None or row.deleted:
            raise LookupError(record_id)
        row.deleted = True
        s.add(row)
        change = Change(record_id, "", row.title, "(đã xóa)", Action.DELETE)
        s.add(AuditEntry(actor=actor, action=Action.DELETE, record_id=record_id, old=row.title, new=change.new))
    return change


def _milestone_id(record_id: str) -> int | None:
    rest = record_id.removeprefix(MILESTONE_REF)
    return int(rest) if rest != record_id and rest.isdigit() else None


def _revert(s: Session, entry: AuditEntry) -> bool:
    """Put back what the audited change replaced; False when its target is gone."""
    if entry.action == Action.UPDATE_AGENCY:
        agency = s.get(AgencyRow, entry.record_id)
        if agency is None:
            return False
        _set_agency_value(agency, entry.field, entry.payload.get("old"))
        s.add(agency)
        return True
    if entry.action in MILESTONE_CHANGES:  # undoing an add stops the milestone; undoing a removal restarts it
        mid = _milestone_id(entry.record_id)
        milestone = s.get(Milestone, mid) if mid is not None else None
        if milestone is None:
            return False
        milestone.active = entry.action == Action.REMOVE_MILESTONE
        s.add(milestone)
        return True
    row = s.get(RecordRow, entry.record_id)
    if row is None:
        return False
    if entry.action == Action.UPDATE:
        _set_value(s, row, entry.field, entry.payload.get("old"))
    elif entry.action == Action.REPLACE:  # an imported record goes back to what it was
        _write_record(s, parse_record(entry.payload["old"], entry.payload.get("seq", row.seq), "nhật ký"))
    else:  # undoing a create hides the record again; undoing a delete restores it
        row.deleted = entry.action == Action.CREATE
        s.add(row)
    return True


def _replaced_fields(entry: AuditEntry) -> set[str]:
    """The fields (as /sua names them) an import's 'replace' row changed."""
    names = entry.payload.get("fields") or [f.strip() for f in entry.field.split(",")]
    return {IMPORT_TO_EDIT.get(n, n) for n in names}


def _overlaps(entry: AuditEntry, later: AuditEntry) -> bool:
    """Whether a later change touched what undoing `entry` would write back."""
    if entry.action == Action.UPDATE_AGENCY:
        return later.action == Action.UPDATE_AGENCY and later.field == entry.field
    if entry.action in MILESTONE_CHANGES:
        return later.action in MILESTONE_CHANGES
    if later.action not in RECORD_CHANGES:
        return False
    if entry.action != Action.UPDATE:  # a whole record (created, deleted, replaced): any later change of it
        return True
    if later.action == Action.UPDATE:
        return later.field == entry.field
    return later.action == Action.DELETE or (later.action == Action.REPLACE and entry.field in _replaced_fields(later))


def _same(field: str, a: Any, b: Any) -> bool:
    if is_amount_field(field) and a is not None and b is not None:
        return bool(Decimal(str(a)) == Decimal(str(b)))
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return list(a) == list(b)
    return bool(a == b)


def _current_value(s: Session, entry: AuditEntry) -> tuple[bool, Any]:
    """(found, value) of the field an 'update' or 'update-agency' row changed, locked until the transaction ends
    (a concurrent edit of the same record waits for the undo)."""
    if entry.action == Action.UPDATE_AGENCY:
        agency = s.get(AgencyRow, entry.record_id, with_for_update=True)
        if agency is None:
            return False, None
        return True, agency.name if entry.field == "ten" else list(agency.aliases)
    row = s.get(RecordRow, entry.record_id, with_for_update=True)
    return (False, None) if row is None else (True, _get_value(s, row, entry.field))


def _check_undo(s: Session, entry: AuditEntry) -> None:
    """Refuse (UndoRefused) when undoing `entry` would overwrite a change made since: a later audit row on the same
    target that is not undone, or a field that no longer holds the value `entry` wrote. The target is locked first
    (PostgreSQL), so an edit made meanwhile waits for the undo rather than slipping in between."""
    found, value = False, None
    if entry.action in (Action.UPDATE, Action.UPDATE_AGENCY):
        found, value = _current_value(s, entry)
    elif entry.action not in MILESTONE_CHANGES:
        s.get(RecordRow, entry.record_id, with_for_update=True)
    later = s.exec(select(AuditEntry).where(col(AuditEntry.record_id) == entry.record_id,
                                            col(AuditEntry.id) > entry.id, col(AuditEntry.undone).is_(False))
                   .order_by(col(AuditEntry.id))).all()
    since = next((a for a in later if _overlaps(entry, a)), None)
    if since is not None:
        raise UndoRefused(entry.record_id, entry.field, since.action, since.actor, since.at)
    if found and "new" in entry.payload and not _same(entry.field, value, entry.payload["new"]):
        raise UndoRefused(entry.record_id, entry.field, entry.action, current=_shown(value, entry.field))


def undo_last(engine: Engine, actor: str) -> Change | None:
    """Revert the actor's most recent change that is not yet undone, only when what it wrote is still there:
    a change someone made since (another admin, an import) is never overwritten — UndoRefused, nothing changed."""
    with Session(engine) as s, s.begin():
        entry = s.exec(select(AuditEntry).where(col(AuditEntry.actor) == actor, col(AuditEntry.undone).is_(False),
                                                col(AuditEntry.action).in_(UNDOABLE))
                       .order_by(col(AuditEntry.id).desc())).first()
        if entry is None:
            return None
        _check_undo(s, entry)
        if not _revert(s, entry):
            return None
        entry.undone = True
        s.add(entry)
        change = Change(entry.record_id, entry.field, entry.new, entry.old, Action.UNDO)
        s.add(AuditEntry(actor=actor, action=Action.UNDO, record_id=entry.record_id, field=entry.field, old=entry.new,
                         new=entry.old, payload={"undid": entry.id}))
    return change


def _set_agency_value(agency: AgencyRow, field: str, value: Any) -> None:
    if field == "ten":
        agency.name = value
    else:
        agency.aliases = list(value)


def update_agency(engine: Engine, agency_id: str, edit: AgencyEdit, actor: str) -> Change:
    """Rename an agency or replace its short forms (what questions may call it)."""
    with Session(engine) as s, s.begin():
        agency = s.get(AgencyRow, agency_id, with_for_update=True)
        if agency is None:
            raise LookupError(agency_id)
        old: Any = agency.name if edit.field == "ten" else list(agency.aliases)
        _set_agency_value(agency, edit.field, edit.value)
        s.add(agency)
        change = Change(agency_id, edit.field, _shown(old), _shown(edit.value), Action.UPDATE_AGENCY)
        s.add(AuditEntry(actor=actor, action=Action.UPDATE_AGENCY, record_id=agency_id, field=edit.field,
                         old=change.old, new=change.new, payload={"old": old, "new": edit.value}))
    return change


def recent(engine: Engine, limit: int) -> list[AuditEntry]:
    with Session(engine) as s:
        return list(s.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)))


def _write_record(s: Session, r: Record, seq: int | None = None) -> None:
    """Insert or replace a record with its amounts and agency links."""
    row = s.get(RecordRow, r.id) or RecordRow(id=r.id, kind=r.kind, title=r.title, source=r.source)
    row.kind, row.parent_id, row.title, row.text, row.source, row.unit = (r.kind, r.parent, r.title, r.text,
                                                                          r.source, r.unit)
    row.fields, row.deleted = dict(r.fields), False
    if seq is not None:
        row.seq = seq
    s.add(row)
    s.flush()
    s.exec(delete(AmountRow).where(col(AmountRow.record_id) == r.id))
    s.exec(delete(RecordAgencyRow).where(col(RecordAgencyRow.record_id) == r.id))
    s.add_all(AmountRow(record_id=r.id, column=c, value=v) for c, v in r.amounts.items())
    s.add_all(RecordAgencyRow(record_id=r.id, agency_id=a, position=i) for i, a in enumerate(r.agencies))


def _record_part(r: Record, name: str) -> Any:
    """One part of a record as an import names it (an amount column, 'title', 'agencies', a field)."""
    if name in r.amounts:
        return r.amounts[name]
    if name in ("kind", "parent", "title", "text", "source", "unit"):
        return getattr(r, name)
    if name == "agencies":
        return list(r.agencies)
    return r.fields.get(name)


def _record_values(r: Record, names: list[str]) -> str:
    """The changed parts' values for a 'replace' row: '4.000' for one field, 'TMĐT: 4.000; tên: …' for several."""
    shown = [(FIELD_NAMES.get(IMPORT_TO_EDIT.get(n, n), n), _shown(_record_part(r, n), n)) for n in names]
    if len(shown) == 1:
        return shown[0][1]
    return "; ".join(f"{name}: {value}" for name, value in shown)


@dataclass(frozen=True)
class _Item:
    """A record an import writes: added (`seq` its place) or changed (`old` what it replaces, `fields` what)."""
    new: Record
    old: Record | None = None
    fields: list[str] | None = None
    seq: int | None = None


def apply_import(engine: Engine, current: KnowledgeBase, plan: ImportPlan, actor: str,
                 progress: Callable[[int, int], None] | None = None) -> None:
    """All of it in one transaction, or nothing (a plan with errors is never applied), written in batches of
    IMPORT_BATCH records with bulk statements and an audit row each: 100.000 records take seconds, not minutes.
    `progress` hears (records written, records in all) after each batch."""
    if plan.errors:
        raise ValueError("an import with errors is not applied")
    next_seq = max((r.seq for r in current.records.values()), default=0) + 1
    items = [*(_Item(r, seq=seq) for seq, r in enumerate(plan.added, next_seq)),
             *(_Item(r, current.records[r.id], fields) for r, fields in plan.changed)]
    now = utcnow()
    with Session(engine) as s, s.begin():
        conn = s.connection()
        stored = set(s.exec(select(RecordRow.id)))  # a deleted record's id is written over, as before
        for start in range(0, len(items), IMPORT_BATCH):
            batch = items[start:start + IMPORT_BATCH]
            _insert_records(conn, [i for i in batch if i.old is None and i.new.id not in stored])
            _replace_records(conn, [i for i in batch if i.old is not None or i.new.id in stored])
            _audit(conn, [_audit_row(now, actor, i) for i in batch])
            if progress:
                progress(start + len(batch), len(items))


def _record_columns(r: Record) -> dict[str, Any]:
    return {"kind": r.kind, "parent_id": r.parent, "title": r.title, "text": r.text, "source": r.source,
            "unit": r.unit, "fields": dict(r.fields), "deleted": False}


def _insert_records(conn: Connection, items: list[_Item]) -> None:
    """Added records whose ids the table does not hold yet, with their amounts and agency links."""
    if items:
        conn.execute(insert(_RECORDS), [{"id": i.new.id, "seq": i.seq, **_record_columns(i.new)} for i in items])
        _insert_parts(conn, [i.new for i in items])


def _replace_records(conn: Connection, items: list[_Item]) -> None:
    """Rows the table holds written over (a changed record keeps its seq), their amounts and agency links anew."""
    if not items:
        return
    for with_seq in (True, False):  # an executemany's rows all set the same columns
        rows = [{"rid": i.new.id, **_record_columns(i.new), **({"seq": i.seq} if with_seq else {})}
                for i in items if (i.seq is not None) == with_seq]
        if rows:
            conn.execute(update(_RECORDS).where(_RECORDS.c.id == bindparam("rid")), rows)
    ids = [i.new.id for i in items]
    conn.execute(delete(_AMOUNTS).where(_AMOUNTS.c.record_id.in_(ids)))
    conn.execute(delete(_LINKS).where(_LINKS.c.record_id.in_(ids)))
    _insert_parts(conn, [i.new for i in items])


def _insert_parts(conn: Connection, records: list[Record]) -> None:
    amounts = [{"record_id": r.id, "column": c, "value": v} for r in records for c, v in r.amounts.items()]
    if amounts:
        conn.execute(insert(_AMOUNTS), amounts)
    links = [{"record_id": r.id, "agency_id": a, "position": i} for r in records for i, a in enumerate(r.agencies)]
    if links:
        conn.execute(insert(_LINKS), links)


def _audit(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(_AUDIT), rows)


def _audit_row(at: datetime, actor: str, item: _Item) -> dict[str, Any]:
    """A 'create' row, or a 'replace' row saying old → new of each changed part and keeping the old record for undo."""
    new, old, fields = item.new, item.old, item.fields or []
    row = {"at": at, "actor": actor, "action": Action.CREATE, "record_id": new.id, "field": "", "old": "",
           "new": new.title, "payload": {}, "undone": False}
    if old is None:
        return row
    return {**row, "action": Action.REPLACE, "field": ", ".join(fields)[:200], "old": _record_values(old, fields),
            "new": _record_values(new, fields), "payload": {"old": old.to_data(), "seq": old.seq, "fields": fields}}


def _free_child_id(s: Session, parent: str) -> str:
    """The next id under `parent`, numbered as its children are (knowledge.new_records); deleted records keep
    their ids (undo brings them back)."""
    kids = s.exec(select(RecordRow.id).where(col(RecordRow.parent_id) == parent)).all()
    return new_records.next_child_id(parent, kids, lambda rid: s.get(RecordRow, rid) is not None)


def next_child_id(engine: Engine, parent: str) -> str:
    """The id a record added under `parent` would get now (shown before saving; saving gives the one free then)."""
    with Session(engine) as s:
        return _free_child_id(s, parent)


def create_record(engine: Engine, record: Record, actor: str) -> Change:
    """Insert a new record. Without an id it gets the next free one under its parent in the saving transaction,
    so two admins saving at once get two ids (an id another process took meanwhile is retried)."""
    attempt = 0
    while True:
        attempt += 1
        try:
            with Session(engine) as s, s.begin():
                new = record if record.id else replace(record, id=_free_child_id(s, record.parent or ""))
                if s.get(RecordRow, new.id) is not None:
                    raise ValueError(f"mã {new.id} đã có")
                _write_record(s, new)
                s.add(AuditEntry(actor=actor, action=Action.CREATE, record_id=new.id, new=new.title))
            return Change(new.id, "", "", new.title, Action.CREATE)
        except IntegrityError:
            if record.id or attempt >= ID_ATTEMPTS:
                raise
