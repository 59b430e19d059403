"""Re-adding the plan's stated totals from their items; every difference is reported, never fixed."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from knowledge.fields import id_problem
from knowledge.numbers import fmt_number
from knowledge.records import KnowledgeBase, Record

COLUMN_NAMES = {"tmdt": "TMĐT", "tdt": "TDT", "ke_hoach": "Kế hoạch vốn", "tong": "Tổng"}
ITEMS, YEARS, CROSS = "items", "years", "cross"


def column_name(column: str) -> str:
    return COLUMN_NAMES.get(column, f"năm {column}" if column.isdigit() else column)


@dataclass(frozen=True)
class Mismatch:
    record_id: str
    column: str
    stated: Decimal
    computed: Decimal
    rule: str
    unit: str
    check: str = ITEMS  # which sum: ITEMS (the children), YEARS (the yearly columns) or CROSS (another record)
    other: str = ""  # for CROSS: the record stating the figure compared with

    @property
    def key(self) -> tuple[str, str, str]:
        """The total this is about, whatever the figures: the same key before and after an edit."""
        return self.record_id, self.column, self.check

    @property
    def gap(self) -> Decimal:
        return self.computed - self.stated

    def warning(self, note: str = "") -> str:
        """'Tổng của PL4-V ghi 181.375, các mục con cộng lại 181.875 (TMĐT, triệu đồng)', `note` in the brackets."""
        stated, computed = fmt_number(self.stated), fmt_number(self.computed)
        if self.check == CROSS:
            text = f"{self.record_id} ghi {stated}, {self.other} ghi {computed}"
        else:
            parts = "các mục con" if self.check == ITEMS else "các năm"
            text = f"Tổng của {self.record_id} ghi {stated}, {parts} cộng lại {computed}"
        return f"{text} ({column_name(self.column)}, {self.unit}{'; ' + note if note else ''})"

    def describe(self) -> str:
        col = column_name(self.column)
        diff = self.gap
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
    return [Mismatch(r.id, "tong", r.amounts["tong"], computed, "cộng các năm được", r.unit, YEARS)]


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
                                    f"{other_id} ghi", r.unit, CROSS, other_id))
    return out


def check(kb: KnowledgeBase) -> list[Mismatch]:
    """Every mismatch between a stated total and the sum of its items, in document order."""
    found: list[Mismatch] = []
    for r in sorted(kb.records.values(), key=lambda r: r.seq):
        if r.amounts:
            found += _children_sums(kb, r) + _year_sum(r) + _cross_checks(kb, r)
    return found


def changed_totals(before: list[Mismatch], after: list[Mismatch]) -> list[Mismatch]:
    """The totals of `after` that do not add up by a different amount than in `before`: an inconsistency `before`
    already had, with the same gap, is not new (the plan's own); one a change opened or widened is."""
    gaps = {m.key: m.gap for m in before}
    return [m for m in after if gaps.get(m.key) != m.gap]


def gap_note(when: str, gap: Decimal | None) -> str:
    """How a total added up `when` ('trước khi nhập', 'trong Kế hoạch'): 'khớp', or off by how much."""
    if gap is None:
        return f"{when}: khớp"
    return f"{when}: chênh {'+' if gap > 0 else '−'}{fmt_number(abs(gap))}"


def record_problems(kb: KnowledgeBase) -> list[str]:
    """What the data files could never hold but a database edited by hand or by an old planbot might: an id that
    cannot be one, a record without a title, a negative amount."""
    out = []
    for r in sorted(kb.records.values(), key=lambda r: r.seq):
        if problem := id_problem(r.id):
            out.append(f"{r.id}: {problem}")
        if not r.title.strip():
            out.append(f"{r.id}: không có tên")
        out += [f"{r.id} [{column_name(c)}]: số âm {fmt_number(v)}" for c, v in r.amounts.items() if v < 0]
    return out
