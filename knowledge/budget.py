"""The yearly allocation 2016-2020 by source, as Phụ lục 3 gives it (for charts and summaries)."""
from __future__ import annotations

from decimal import Decimal

from knowledge.numbers import fmt_number
from knowledge.records import KnowledgeBase

BUDGET_TABLE = "PL3-TONG"  # Phụ lục 3: its direct items are the funding sources


def yearly_sources(kb: KnowledgeBase) -> tuple[list[tuple[str, dict[str, Decimal]]], str]:
    """([(source name, {year: amount})], chart title) from the live data, so admin edits show at once."""
    sources = [(r.title.capitalize(), {c: v for c, v in r.amounts.items() if c.isdigit()})
               for r in kb.children(BUDGET_TABLE)]
    total = kb.records.get(BUDGET_TABLE)
    title = "Phân kỳ kinh phí 2016-2020 theo nguồn (triệu đồng)"
    if total and "tong" in total.amounts:
        title += f" — tổng {fmt_number(total.amounts['tong'])}"
    return [s for s in sources if s[1]], title
