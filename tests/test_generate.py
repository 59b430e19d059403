"""The generated question corpus: big enough, every expectation taken from the data, following edits."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from decimal import Decimal

from knowledge.engine import Answerer
from knowledge.evaluate import run
from knowledge.generate import generate
from knowledge.numbers import fmt_number
from knowledge.records import KnowledgeBase


def test_the_corpus_covers_every_kind_of_question_in_thousands(kb: KnowledgeBase) -> None:
    cases = generate(kb)
    classes = Counter(c["cat"].split("_khong_dau")[0].split("_go_sai")[0].split("_viet_tat")[0].split("_chat")[0]
                      for c in cases)
    assert len(cases) >= 2000
    for kind in ("so_tien", "theo_nam", "chu_dau_tu", "theo_chu_dau_tu", "nhiem_vu", "chi_so", "lo_trinh",
                 "ke_hoach", "tong", "dem", "lon_nho_nhat", "ngoai_pham_vi_nam", "ngoai_pham_vi_chu_dau_tu"):
        assert classes[kind] > 0, kind
    assert any(not c["found"] for c in cases)
    assert all(c["nums"] or c["kw"] or c["record"] or not c["found"] for c in cases)  # each checks something


def test_expectations_follow_an_edit_of_the_data(kb: KnowledgeBase) -> None:
    """An admin changes an amount: the generated questions expect the new figure, and the engine gives it."""
    old = kb.records["PL4-3"]
    new = replace(old, amounts={k: Decimal("2345.5") for k in old.amounts})
    edited = KnowledgeBase([new if r.id == old.id else r for r in kb.records.values()], list(kb.agencies.values()))
    cases = [c for c in generate(edited) if "PL4-3" in c["record"] and c["cat"] == "so_tien"]
    assert cases and all(c["nums"] == [fmt_number(Decimal("2345.5"))] for c in cases)
    report = run(cases, Answerer(edited).answer)
    assert report.passed >= len(cases) - 1


def test_the_engine_answers_most_of_a_sample_and_rarely_wrongly(kb: KnowledgeBase, engine_kb: Answerer) -> None:
    report = run(generate(kb)[::5], engine_kb.answer)
    assert report.accuracy >= 0.93 and report.wrong_found / report.total <= 0.05
