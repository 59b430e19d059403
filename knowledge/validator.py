"""Re-adding the plan's stated totals from their items; every difference is reported, never fixed."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from knowledge.numbers import fmt_number
from knowledge.records import KnowledgeBase, Record

COLUMN_NAMES = {"tmdt": "TMĐT", "tdt": "TDT", "ke_hoach": "Kế hoạch vốn", "tong": "Tổng"}


@dataclass(frozen=True)
class Mismatch:
    record_id: str
    column: str
    stated: Decimal
    computed: Decimal
    rule: str
    unit: str

    def describe(self) -> str:
        col = COLUMN_NAMES.get(self.column, f"năm {self.column}" if self.column.isdigit() else self.column)
        diff = self.computed - self.stated
        sign = "+" if diff > 0 else "−"
        return (f"{self.record_id} [{col}]: ghi {fmt_number(self.stated)}, {self.rule} "
                f"{fmt_number(self.computed)} (chênh {sign}{fmt_number(abs(diff))} {self.unit})")


def _children_sums(kb: KnowledgeBase, r: Record) -> list[Mismatch]:
    items = [c for c in kb.children(r.id) if c.amounts]
    out = []
    for column, stated in r.amounts.items():
        parts = [c.amounts[column] for c in items if column in c.amounts]
        if not parts:
            continue
        computed = sum(parts, Decimal(0))
        if computed != stated:
            names = ", ".join(c.id for c in items if column in c.amounts)
            out.append(Mismatch(r.id, column, stated, computed, f"cộng các mục ({names}) được", r.unit))
    return out


def _year_sum(r: Record) -> list[Mismatch]:
    years = [v for col, v in r.amounts.items() if col.isdigit()]  # the record's yearly columns
    if "tong" not in r.amounts or not years:
        return []
    computed = sum(years, Decimal(0))
    if computed == r.amounts["tong"]:
        return []
    return [Mismatch(r.id, "tong", r.amounts["tong"], computed, "cộng các năm được", r.unit)]


def _cross_checks(kb: KnowledgeBase, r: Record) -> list[Mismatch]:
    """Compare a figure stated twice in the plan (e.g. Phần VI and Phụ lục 3)."""
    out = []
    for ref in r.get("doi_chieu", []):
        other_id, _, other_col = ref.partition(":")
        other = kb.records[other_id]
        pairs = ([("tong", other_col)] if other_col
                 else [(c, c) for c in r.amounts if c in other.amounts])
        for mine, theirs in pairs:
            if mine in r.amounts and theirs in other.amounts and r.amounts[mine] != other.amounts[theirs]:
                out.append(Mismatch(r.id, mine, r.amounts[mine], other.amounts[theirs],
                                    f"{other_id} ghi", r.unit))
    return out


def check(kb: KnowledgeBase) -> list[Mismatch]:
    """Every mismatch between a stated total and the sum of its items, in document order."""
    found: list[Mismatch] = []
    for r in sorted(kb.records.values(), key=lambda r: r.seq):
        if r.amounts:
            found += _children_sums(kb, r) + _year_sum(r) + _cross_checks(kb, r)
    return found
