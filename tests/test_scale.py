"""A portfolio much larger than the plan: replies stay the size of a message and the whole set is still counted."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from knowledge.compose import LIST_LIMIT
from knowledge.engine import Answerer
from knowledge.generate import generate
from knowledge.loader import load_files
from tests.benchmarks.bench_answer import synthetic

PROJECTS = 3000


@pytest.fixture(scope="module")
def big() -> Answerer:
    return Answerer(synthetic(load_files(), PROJECTS))


def test_a_count_over_thousands_of_projects_lists_a_few_and_says_how_many(big: Answerer) -> None:
    reply = big.answer("có bao nhiêu dự án")
    data = json.loads(json.dumps(reply.to_json(), ensure_ascii=False))
    counted = data["total"]
    assert reply.found and counted > PROJECTS and f"{counted:,} dự án".replace(",", ".") in reply.text  # '3.013'
    assert len(data["candidates"]) <= LIST_LIMIT
    assert len(data["sources"]) <= LIST_LIMIT and len(json.dumps(data, ensure_ascii=False)) < 20_000


def test_a_synthetic_project_is_found_by_its_name_among_thousands(big: Answerer) -> None:
    r = big.kb.records[f"SYN-{PROJECTS // 2}"]
    reply = big.answer(f"{r.title} bao nhiêu tiền")
    assert reply.candidates[0][0] == r.id and f"{r.amounts['tmdt']:,}".replace(",", ".") in reply.text


@pytest.mark.parametrize("question", ["Sở Nội vụ nâng cấp mạng LAN", "chữ ký số bao nhiêu tiền",
                                      "cổng thông tin điện tử"])
def test_covering_many_records_at_once_scores_each_as_one_at_a_time(engine_kb: Answerer, question: str) -> None:
    """The same figure for each record whether one record or a body's thousands are scored (also after an edit)."""
    edited = engine_kb.kb.of_kind("project")[0]
    kb = engine_kb.kb.with_records([replace(edited, title=f"{edited.title} mạng LAN cổng thông tin")], ())
    for answerer in (engine_kb, engine_kb.updated(kb, [edited.id])):
        q = answerer._parse(question)
        records = list(answerer.kb.records.values())
        one_by_one = [answerer.index.coverage(r, q.content, q.toks)[0] for r in records]
        assert answerer.index.word_covers([r.id for r in records], q.content, q.toks) == one_by_one


@pytest.mark.parametrize("question", ["tổng kinh phí nhóm ứng dụng chuyên ngành", "phụ lục 4 các dự án chuyển tiếp",
                                      "Nâng cấp mạng LAN cổng thông tin"])
def test_titles_named_are_found_at_once_as_one_by_one(engine_kb: Answerer, question: str) -> None:
    """The records whose titles a question writes (half or more of them), found over all titles at once, are those
    found title by title (also after an edit that renames one)."""
    edited = engine_kb.kb.of_kind("project")[0]
    kb = engine_kb.kb.with_records([replace(edited, title="Nâng cấp mạng LAN cổng thông tin")], ())
    for answerer in (engine_kb, engine_kb.updated(kb, [edited.id])):
        asked = set(answerer._parse(question).toks)
        one_by_one = {rid for rid in answerer.kb.records
                      if (title := answerer.index.title_words(rid)) and 2 * len(title & asked) >= len(title)}
        assert answerer.index.half_named(asked) == one_by_one and one_by_one


@pytest.mark.parametrize("question", ["Nâng cấp, hoàn thiện hệ thống mạng LAN và bổ sung thiết bị CNTT tại Sở Y tế",
                                      "chữ ký số bao nhiêu tiền", "các dự án của Sở Nội vụ"])
def test_the_best_records_are_those_scored_one_by_one(big: Answerer, question: str) -> None:
    """Words in most records are added as columns over all rows, the rest from their postings; the records found
    first, and their order, are those that BM25 over each record's own words gives (also after an edit)."""
    from knowledge.index import K1, B, analyse, content_pairs
    edited = big.kb.records[f"SYN-{PROJECTS // 3}"]
    kb = big.kb.with_records([replace(edited, title=f"{edited.title} chữ ký số")], ())
    for answerer in (big, big.updated(kb, [edited.id])):
        index, q = answerer.index, answerer._parse(question)
        assert index.columns.shape[0] > 0  # some words are in over an eighth of the records
        terms = [*q.content, *(p for p in content_pairs(q.content, q.toks) if index.knows(p))]
        expected = {}
        for rid in index.position:
            tf = analyse(answerer.kb, index.lex, answerer.kb.records[rid])[0]
            length = sum(tf.values())
            score = sum(index.idf(t) * tf[t] * (K1 + 1) / (tf[t] + K1 * (1 - B + B * length / index.avg))
                        for t in terms if t in tf and index.idf(t) >= 0.05)
            if score > 0:
                expected[rid] = score
        found = index.search(q.content, q.toks, limit=40)
        best = sorted(expected.values(), reverse=True)[:40]
        assert [h.score for h in found] == pytest.approx(best, rel=1e-5)  # (summed in float32 by the index)
        assert all(expected[h.record.id] == pytest.approx(h.score, rel=1e-5) for h in found)


def test_a_knowledge_base_kept_packed_answers_as_one_kept_unpacked(engine_kb: Answerer,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Past PACKED_ABOVE records a knowledge base keeps them packed, and keeps only the last READ_KEPT read
    unpacked: answers (figures, sources) are the same, and a record read again after it was let go is the same."""
    import knowledge.records as records
    monkeypatch.setattr(records, "PACKED_ABOVE", 50)
    monkeypatch.setattr(records, "READ_KEPT", 20)
    packed = Answerer(load_files())
    questions = [c["q"] for c in generate(engine_kb.kb)[::12]]
    assert len(questions) > 150
    for q in questions:
        got, expected = packed.answer(q), engine_kb.answer(q)
        assert (got.text, got.candidates) == (expected.text, expected.candidates), q
    assert len(packed.kb.records._read) <= 20  # type: ignore[attr-defined]
    assert all(packed.kb.records[rid] == r for rid, r in engine_kb.kb.records.items())
