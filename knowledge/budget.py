"""The yearly allocation by source, as the plan's budget table gives it (for charts and summaries)."""
from __future__ import annotations

from decimal import Decimal

from knowledge.numbers import fmt_number
from knowledge.records import KnowledgeBase, Record


def budget_table(kb: KnowledgeBase) -> Record | None:
    """The plan's yearly budget table: the top budget line (its direct items are the funding sources)."""
    return next((r for r in kb.of_kind("budget_line") if not r.parent), None)


def yearly_sources(kb: KnowledgeBase) -> tuple[list[tuple[str, dict[str, Decimal]]], str]:
    """([(source name, {year: amount})], chart title) from the live data, so admin edits show at once."""
    total = budget_table(kb)
    sources = [(r.title.capitalize(), {c: v for c, v in r.amounts.items() if c.isdigit()})
               for r in kb.children(total.id)] if total else []
    period = total.get("giai_doan", "") if total else ""
    title = f"Phân kỳ kinh phí {period} theo nguồn (triệu đồng)".replace("  ", " ")
    if total and "tong" in total.amounts:
        title += f" — tổng {fmt_number(total.amounts['tong'])}"
    return [s for s in sources if s[1]], title
