"""Where an admin's new project goes and which id it gets, read from the data rather than written in code.

A new project belongs under a group of the plan's own period that already holds projects (in this plan the new
works of Phụ lục 4). Its id follows its siblings: the ids of a parent's children share a prefix ('PL4-1' …
'PL4-13' -> 'PL4-'; 'PL4-8.1' … -> 'PL4-8.'); a parent without children numbers them '<parent>-1' …"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from knowledge.records import KnowledgeBase, Record

_NUMBERED = re.compile(r"^(.*?)(\d+)$")


def project_groups(kb: KnowledgeBase) -> list[Record]:
    """Groups of the plan's period whose children include projects: where a new project may go."""
    period = kb.plan.get("giai_doan") if kb.plan else None
    return [g for g in kb.of_kind("group")
            if g.get("giai_doan") == period and any(c.kind == "project" for c in kb.children(g.id))]


def child_prefix(parent_id: str, sibling_ids: Iterable[str]) -> str:
    """The prefix its existing children's ids share (the most common one), or '<parent>-' for a first child."""
    prefixes = Counter(m.group(1) for i in sibling_ids if (m := _NUMBERED.match(i)))
    return prefixes.most_common(1)[0][0] if prefixes else f"{parent_id}-"


def next_child_id(parent_id: str, sibling_ids: Iterable[str], taken: Callable[[str], bool]) -> str:
    """The next number after the largest sibling's, skipping ids already taken (a deleted record keeps its id)."""
    siblings = list(sibling_ids)
    prefix = child_prefix(parent_id, siblings)
    numbers = [int(m.group(2)) for i in siblings if i.startswith(prefix) and (m := _NUMBERED.match(i))]
    n = max(numbers, default=0) + 1
    while taken(f"{prefix}{n}"):
        n += 1
    return f"{prefix}{n}"
