"""What admins changed after the plan was loaded. An answer about an edited record says so and shows what the
plan wrote, so a figure the plan never stated is never presented as the plan's."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo

from knowledge.compose import COLUMN_LABELS
from knowledge.loader import load_files
from knowledge.numbers import fmt_number
from knowledge.records import KnowledgeBase, Record, Revision

SHOWN = 60  # characters of a changed text the note repeats


@cache
def plan_as_loaded() -> KnowledgeBase:
    """The plan as its data files hold it (what the database was seeded with)."""
    return load_files()


def local_day(at: object, tz: str) -> str:
    """A stored time (an aware datetime, or SQLite's naive UTC text) as 'dd/mm/yyyy' in `tz`."""
    when = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return when.astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y")


def _as_written(value: object) -> str:
    text = "(trống)" if value in (None, "", ()) else str(value)
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def _changes(plan: Record, live: Record) -> tuple[tuple[str, str], ...]:
    out = []
    for col in sorted({*plan.amounts, *live.amounts}):
        if plan.amounts.get(col) != live.amounts.get(col):
            was = plan.amounts.get(col)
            out.append((COLUMN_LABELS.get(col, col), fmt_number(was) if was is not None else "(trống)"))
    if plan.title != live.title:
        out.append(("tên", _as_written(plan.title)))
    if plan.text != live.text:
        out.append(("nội dung", _as_written(plan.text)))
    out += [(k, _as_written(plan.fields.get(k))) for k in sorted({*plan.fields, *live.fields})
            if plan.fields.get(k) != live.fields.get(k)]
    return tuple(out)


def annotate(live: KnowledgeBase, changed_on: Mapping[str, str], plan: KnowledgeBase | None = None) -> KnowledgeBase:
    """`live` with a Revision for each record whose data differs from the plan's (`changed_on`: record id ->
    'dd/mm/yyyy' of its last change, from the audit log)."""
    if not changed_on:  # no admin change since the plan was loaded: nothing to compare, no data files read
        return live
    plan = plan or plan_as_loaded()
    revisions = {}
    for r in live.read_all():
        rid, original = r.id, plan.records.get(r.id)
        if original is not None and (changes := _changes(original, r)):
            revisions[rid] = Revision(changed_on.get(rid, ""), changes)
    live.revisions = revisions
    return live


def revise(live: KnowledgeBase, changed_on: Mapping[str, str], ids: Iterable[str],
           plan: KnowledgeBase | None = None) -> KnowledgeBase:
    """`live` (carrying the revisions of an earlier version) with the revisions of the records `ids` read again."""
    ids = set(ids)
    revisions = {rid: rev for rid, rev in live.revisions.items() if rid not in ids}
    if changed_on:
        plan = plan or plan_as_loaded()
        for rid in ids:
            original, r = plan.records.get(rid), live.records.get(rid)
            if original is not None and r is not None and (changes := _changes(original, r)):
                revisions[rid] = Revision(changed_on.get(rid, ""), changes)
    live.revisions = revisions
    return live
