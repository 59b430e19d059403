"""What importing a file would change: the current knowledge compared with a parsed file (a dry run, no writes).

The dry run says everything the import does and does not do: records added and changed (old → new), records of the
database the file does not hold (left as they are, never deleted), agencies of the file that differ from the
database's (refused: agencies are not imported, so they stay as they are), and stated totals the import makes add
up differently (an inconsistency the knowledge already had, by the same amount, is not repeated)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal

from knowledge.files import Parsed, same_amounts
from knowledge.loader import DataError, build
from knowledge.numbers import fmt_number
from knowledge.records import Agency, KnowledgeBase, Record
from knowledge.validator import Mismatch, changed_totals, check, gap_note

SHOWN_TEXT = 40  # characters of a changed text shown in the dry run
SHOWN_MISSING = 10  # ids of the records missing from the file shown in the dry run
REFUSED_AGENCY = "nhập cơ quan chưa được hỗ trợ, giữ nguyên"
AGENCY_FIELDS = {"name": "tên", "type": "loại", "parent": "cơ quan cấp trên", "aliases": "tên viết tắt"}


@dataclass
class ImportPlan:
    """What an import would do: the dry run shown before anything is written."""
    added: list[Record]
    changed: list[tuple[Record, list[str]]]
    errors: list[str]
    before: dict[str, Record] = field(default_factory=dict)  # the current record of each changed one
    missing: list[str] = field(default_factory=list)  # ids in the database, not in the file: left as they are
    refused_agencies: list[str] = field(default_factory=list)  # "cơ quan SO-YT (tên …): nhập cơ quan chưa …"
    totals: list[Mismatch] = field(default_factory=list)  # stated totals the import makes add up differently
    gaps_before: dict[tuple[str, str, str], Decimal] = field(default_factory=dict)  # of those totals, today

    @property
    def is_noop(self) -> bool:
        """Nothing would be written (missing records, refused agencies and warnings write nothing)."""
        return not (self.added or self.changed)

    def describe(self, limit: int = 20) -> str:
        """The dry-run report in plain Vietnamese text."""
        lines = [f"Thêm mới: {len(self.added)} bản ghi; thay đổi: {len(self.changed)}; lỗi: {len(self.errors)}."]
        lines += [f"+ {r.id}: {r.title[:80]}" for r in self.added[:limit]]
        lines += [f"~ {r.id}: {'; '.join(_shown_change(self.before.get(r.id), r, f) for f in fields)[:300]}"
                  for r, fields in self.changed[:limit]]
        if self.missing:
            shown = ", ".join(self.missing[:SHOWN_MISSING]) + (", …" if len(self.missing) > SHOWN_MISSING else "")
            lines.append(f"= {len(self.missing)} bản ghi không có trong tệp, giữ nguyên (không xóa): {shown}")
        lines += [f"× {a[:200]}" for a in self.refused_agencies[:limit]]
        lines += [f"⚠ {m.warning(gap_note('trước khi nhập', self.gaps_before.get(m.key)))}"
                  for m in self.totals[:limit]]
        lines += [f"! {e[:200]}" for e in self.errors[:limit]]
        hidden = sum(max(0, len(items) - limit)
                     for items in (self.added, self.changed, self.refused_agencies, self.totals, self.errors))
        if hidden:
            lines.append(f"… và {hidden} dòng khác.")
        if self.errors:
            lines.append("Tệp có lỗi nên không được áp dụng; sửa các dòng trên rồi gửi lại.")
        elif self.is_noop:
            lines.append("Không có gì thay đổi.")
        return "\n".join(lines)


def _value(r: Record | None, name: str) -> object:
    if r is None:
        return None
    if name in r.amounts:
        return r.amounts[name]
    return getattr(r, name) if name in ("kind", "parent", "title", "text", "source", "unit", "agencies") \
        else r.fields.get(name)


def _shown_value(value: object) -> str:
    if value is None or value == "" or value == ():
        return "(trống)"
    if isinstance(value, Decimal):
        return fmt_number(value)
    text = ", ".join(map(str, value)) if isinstance(value, tuple | list) else str(value)
    return f"«{text[:SHOWN_TEXT]}{'…' if len(text) > SHOWN_TEXT else ''}»"


def _shown_change(old: Record | None, new: Record, name: str) -> str:
    """'tmdt 4.000 → 4.500', 'title «Xây dựng …» → «Nâng cấp …»'."""
    return f"{name} {_shown_value(_value(old, name))} → {_shown_value(_value(new, name))}"


def _differences(old: Record, new: Record) -> list[str]:
    names = []
    for attr in ("kind", "parent", "title", "text", "source", "unit", "agencies"):
        if getattr(old, attr) != getattr(new, attr):
            names.append(attr)
    if not same_amounts(dict(old.amounts), dict(new.amounts)):
        names += sorted(c for c in {*old.amounts, *new.amounts} if old.amounts.get(c) != new.amounts.get(c))
    names += sorted(k for k in {*old.fields, *new.fields} if old.fields.get(k) != new.fields.get(k))
    return names


def plan_import(current: KnowledgeBase, parsed: Parsed) -> ImportPlan:
    errors = list(parsed.errors)
    counts = Counter(r.id for r in parsed.records)
    errors += [f"mã {i} xuất hiện nhiều lần trong tệp" for i in sorted(i for i, n in counts.items() if n > 1)]
    known = set(current.records) | set(counts)
    for r in parsed.records:
        if r.parent and r.parent not in known:
            errors.append(f"{r.id}: mục cha «{r.parent}» không có")
        errors += [f"{r.id}: cơ quan «{a}» không có" for a in r.agencies if a not in current.agencies]
    added = [r for r in parsed.records if r.id not in current.records]
    changed = [(r, d) for r in parsed.records if r.id in current.records
               and (d := _differences(current.records[r.id], r))]
    in_file = set(counts)
    missing = [r.id for r in sorted(current.records.values(), key=lambda r: r.seq) if r.id not in in_file]
    plan = ImportPlan(added, changed, errors, {r.id: current.records[r.id] for r, _ in changed}, missing,
                      _refused_agencies(current, parsed.agencies))
    if not errors and not plan.is_noop:
        before = check(current)
        plan.totals = _totals_after(current, plan, before)
        plan.gaps_before = {m.key: m.gap for m in before if m.key in {t.key for t in plan.totals}}
    return plan


def _refused_agencies(current: KnowledgeBase, agencies: list[Agency]) -> list[str]:
    """A line for each agency of the file that is not the database's own: agencies are not imported."""
    out = []
    for a in agencies:
        old = current.agencies.get(a.id)
        if old == a:
            continue
        if old is None:
            what = f"mới, «{a.name[:SHOWN_TEXT]}»"
        else:
            what = "; ".join(f"{label} {_shown_value(getattr(old, name))} → {_shown_value(getattr(a, name))}"
                             for name, label in AGENCY_FIELDS.items() if getattr(old, name) != getattr(a, name))
        out.append(f"cơ quan {a.id} ({what[:200]}): {REFUSED_AGENCY}")
    return out


def _totals_after(current: KnowledgeBase, plan: ImportPlan, before: list[Mismatch]) -> list[Mismatch]:
    """The stated totals that add up differently once the import is applied (the database's agencies kept)."""
    records = dict(current.records)
    for r, _ in plan.changed:
        records[r.id] = replace(r, seq=current.records[r.id].seq)  # the import keeps a record's place
    last = max((r.seq for r in records.values()), default=0)
    for i, r in enumerate(plan.added, 1):
        records[r.id] = replace(r, seq=last + i)
    try:
        after = build(records.values(), current.agencies.values())
        return changed_totals(before, check(after))
    except (DataError, KeyError):  # a reference the import breaks is reported as an error, not here
        return []
