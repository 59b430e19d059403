"""A file /xuat or `planbot export` writes, imported back unchanged, changes nothing: in each format (.json, .xlsx,
.csv), for the plan's own records and for any amounts an admin may set (0 … 10^9, up to 4 decimal places)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge import files
from knowledge.import_plan import ImportPlan, plan_import
from knowledge.records import KnowledgeBase

WRITERS: dict[str, Callable[[KnowledgeBase], bytes]] = {"json": files.to_json, "xlsx": files.to_xlsx,
                                                        "csv": files.to_csv}

# An amount an admin may set: 0 … 10^9 with 0 to 4 decimal places, kept with the places it was given ('1.50').
AMOUNTS = st.integers(0, 4).flatmap(
    lambda places: st.integers(0, 10**9 * 10**places).map(lambda n: Decimal(n).scaleb(-places)))


def round_trip(kb: KnowledgeBase, fmt: str) -> tuple[files.Parsed, ImportPlan]:
    """Export `kb` as `fmt`, read the file back and plan its import against `kb` itself."""
    parsed = files.read_file(f"planbot.{fmt}", WRITERS[fmt](kb))
    return parsed, plan_import(kb, parsed)


def assert_no_op(kb: KnowledgeBase, parsed: files.Parsed, plan: ImportPlan) -> None:
    assert plan.errors == [] and plan.is_noop, plan.describe()
    assert sorted(r.id for r in parsed.records) == sorted(kb.records)  # every record is in the file, once


@pytest.mark.parametrize("fmt", WRITERS)
def test_the_plans_knowledge_exported_and_imported_back_changes_nothing(kb: KnowledgeBase, fmt: str) -> None:
    parsed, plan = round_trip(kb, fmt)
    assert_no_op(kb, parsed, plan)
    back = {r.id: r for r in parsed.records}
    assert all(back[rid].amounts == r.amounts for rid, r in kb.records.items())
    assert "Không có gì thay đổi" in plan.describe()


@pytest.mark.parametrize("fmt", ["json", "xlsx"])  # short forms may hold commas ('Sở VH,TT&DL')
def test_the_agencies_come_back_from_the_formats_that_hold_them(kb: KnowledgeBase, fmt: str) -> None:
    parsed, _ = round_trip(kb, fmt)
    assert {a.id: a for a in parsed.agencies} == dict(kb.agencies)


@pytest.mark.parametrize("fmt", WRITERS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_amounts_set_on_any_records_survive_the_round_trip_exactly(kb: KnowledgeBase, fmt: str,
                                                                       data: st.DataObject) -> None:
    with_amounts = sorted(rid for rid, r in kb.records.items() if r.amounts)
    chosen = data.draw(st.sets(st.sampled_from(with_amounts), min_size=1, max_size=12), label="records")
    edited = {rid: replace(kb.records[rid], amounts={col: data.draw(AMOUNTS, label=f"{rid}.{col}")
                                                     for col in kb.records[rid].amounts})
              for rid in sorted(chosen)}
    copy = KnowledgeBase([edited.get(r.id, r) for r in kb.records.values()], list(kb.agencies.values()))
    parsed, plan = round_trip(copy, fmt)
    assert_no_op(copy, parsed, plan)
    back = {r.id: r for r in parsed.records}
    for rid, r in edited.items():
        assert back[rid].amounts == r.amounts, (rid, dict(back[rid].amounts), dict(r.amounts))


def test_export_then_import_is_a_no_op_on_each_backend_with_edited_figures(database_url: str) -> None:
    """From the database itself (SQLite and PostgreSQL hand amounts back differently), after an admin's edit to a
    figure with decimals: every format comes back with nothing to change, and applying it writes no audit row."""
    from db.edits import apply_import, recent, update_field
    from db.engine import make_engine
    from db.queries import load_knowledge
    from db.seed import open_knowledge
    from knowledge.fields import prepare

    db = make_engine(database_url)
    kb = open_knowledge(db)
    update_field(db, "PL4-3", prepare(kb, "PL4-3", "tmdt", "2.750,0625"), "telegram:1")
    live = load_knowledge(db)
    assert live.records["PL4-3"].amounts["tmdt"] == Decimal("2750.0625")
    for fmt in WRITERS:
        parsed, plan = round_trip(live, fmt)
        assert_no_op(live, parsed, plan)
        before = len(recent(db, 100))
        apply_import(db, live, plan, "cli")
        assert len(recent(db, 100)) == before
