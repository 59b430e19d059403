"""No fact of this plan is written in the code: its years, record ids and document number come from the data, so
the same code serves another plan (docstrings and comments may quote the plan as examples)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from knowledge.records import KnowledgeBase

ROOT = Path(__file__).resolve().parents[1]
CODE = [p for folder in ("bot", "db", "handlers", "knowledge") for p in sorted((ROOT / folder).rglob("*.py"))
        if "migrations" not in p.parts]


def _docstrings(tree: ast.AST) -> set[int]:
    kinds = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return {id(node.body[0].value) for node in ast.walk(tree) if isinstance(node, kinds) and node.body
            and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}


def plan_facts(kb: KnowledgeBase) -> tuple[set[int], re.Pattern[str]]:
    """The plan's years (its period and every year a record's fields or amounts name), and a pattern for its
    record ids and the digits of its document number."""
    assert kb.plan is not None
    years = {int(y) for y in re.findall(r"\d{4}", kb.plan.get("giai_doan", ""))}
    for r in kb.records.values():
        periods = [v for v in r.fields.values() if isinstance(v, str) and re.fullmatch(r"\d{4}(-\d{4})?", v)]
        for name in [*r.fields, *r.amounts, *periods]:
            years |= {int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", str(name))}
    ids = sorted({*kb.records, *kb.agencies}, key=len, reverse=True)
    number = re.match(r"\d+", kb.plan.get("so_hieu", ""))
    words = [re.escape(i) for i in ids if re.search(r"\d", i)] + ([number.group()] if number else [])
    return years, re.compile(r"(?<![\w.])(?:" + "|".join(words) + r")(?![\w.])")


def test_the_facts_are_found_at_all(kb: KnowledgeBase) -> None:
    years, pattern = plan_facts(kb)
    assert {2011, 2015, 2016, 2020} <= years
    assert pattern.search("ví dụ /sua PL4-3 tmdt") and pattern.search("Kế hoạch 3854/KH-UBND")
    assert not pattern.search("PL4-3a") and not pattern.search("mã 13854")


def test_no_year_id_or_document_number_of_the_plan_in_the_code(kb: KnowledgeBase) -> None:
    years, pattern = plan_facts(kb)
    found = []
    for path in CODE:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or id(node) in docs:
                continue
            value = node.value
            text = value if isinstance(value, str) else ""
            if (isinstance(value, int) and not isinstance(value, bool) and value in years) or (
                    text and (pattern.search(text) or any(re.search(rf"(?<!\d){y}(?!\d)", text) for y in years))):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {value!r}"[:140])
    assert not found, "\n".join(found)
