"""What importing a file would change: the current knowledge compared with a parsed file (a dry run, no writes)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from knowledge.files import Parsed, same_amounts
from knowledge.numbers import fmt_number
from knowledge.records import KnowledgeBase, Record

SHOWN_TEXT = 40  # characters of a changed text shown in the dry run


@dataclass
class ImportPlan:
    """What an import would do: the dry run shown before anything is written."""
    added: list[Record]
    changed: list[tuple[Record, list[str]]]
    errors: list[str]
    before: dict[str, Record] = field(default_factory=dict)  # the current record of each changed one

    @property
    def is_noop(self) -> bool:
        return not (self.added or self.changed)

    def describe(self, limit: int = 20) -> str:
        """The dry-run report in plain Vietnamese text."""
        lines = [f"Thêm mới: {len(self.added)} bản ghi; thay đổi: {len(self.changed)}; lỗi: {len(self.errors)}."]
        lines += [f"+ {r.id}: {r.title[:80]}" for r in self.added[:limit]]
        lines += [f"~ {r.id}: {'; '.join(_shown_change(self.before.get(r.id), r, f) for f in fields)[:300]}"
                  for r, fields in self.changed[:limit]]
        lines += [f"! {e[:200]}" for e in self.errors[:limit]]
        hidden = max(0, len(self.added) - limit) + max(0, len(self.changed) - limit) + max(0, len(self.errors) - limit)
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
    return ImportPlan(added, changed, errors, {r.id: current.records[r.id] for r, _ in changed})
