"""A small BM25 index over the records (syllables and syllable pairs), with typo-tolerant query terms."""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from knowledge.normalize import Lexicon, fold, tokens
from knowledge.records import KnowledgeBase, Record
from knowledge.vocabulary import COMMON_ZIPF  # a syllable this common in general Vietnamese is a word

# Words that say what kind of fact a record is, so "mục tiêu …" or "nhiệm vụ …" find the right kind.
KIND_WORDS = {
    "target": "muc tieu", "target_group": "muc tieu", "general_goal": "muc tieu tong quat",
    "duty": "nhiem vu", "duty_group": "nhiem vu", "solution": "giai phap", "viewpoint": "quan diem",
    "shortcoming": "ton tai han che", "cause": "nguyen nhan", "task_group": "nhiem vu trong tam",
    "phase": "lo trinh giai doan", "phase_item": "lo trinh", "legal_basis": "can cu",
    "indicator": "chi tieu", "budget": "kinh phi", "budget_line": "kinh phi", "funding": "kinh phi",
    "plan": "ke hoach so hieu ngay ban hanh nguoi ky chu tich to trinh tham dinh co quan ban hanh",
}
NOT_INDEXED = {"section"}
# The plan record's fields, each with the words people ask it by.
PLAN_FIELD_WORDS = {"so_hieu": "số hiệu", "ngay_ban_hanh": "ngày ban hành", "co_quan": "cơ quan ban hành",
                    "nguoi_ky": "người ký", "chuc_vu": "chức vụ", "ky_thay": "ký thay",
                    "to_trinh": "cơ quan đề xuất đề nghị tờ trình", "van_ban_tham_dinh": "thẩm định"}
K1, B = 1.2, 0.5
FOREIGN_IDF = 3.0  # only rare words (in under ~5 % of records) can make a question foreign to the plan
MIN_TITLE_WORDS = 3  # shorter titles ('Dự phòng 10%') say too little to count as named
FILLER_ZIPF = 5.0  # an everyday word this common, absent from the plan, says nothing about the subject
ALONE_EVERYDAY = 0.25  # the weight left to an everyday word of the plan that the question uses alone
EVERYDAY_ZIPF = 6.0  # a word outside the plan this common weighs nothing; from COMMON_ZIPF down, fully
IN_CONTEXT_SIMILARITY = 60  # rapidfuzz ratio for a repair the neighbouring word confirms
COMMON_WORD_SIMILARITY = 85  # … when the typed syllable is itself an everyday word (one letter off)
TWIN_SIMILARITY = 88  # a syllable of the plan read as another one: one letter off in five or more
ALONE_SIMILARITY = 80  # ratio for a repair with no support from the neighbours


def record_text(kb: KnowledgeBase, r: Record) -> tuple[str, str]:
    """(primary, secondary) searchable text of a record; primary counts double."""
    parent = kb.records.get(r.parent) if r.parent else None
    agency_names = " ".join(kb.agencies[a].name for a in r.agencies if a in kb.agencies)
    extra = [KIND_WORDS.get(r.kind, ""), agency_names, r.get("cdt", "")]
    if r.kind in ("target", "duty", "viewpoint", "general_goal", "shortcoming", "cause", "solution", "status",
                  "funding"):
        primary = r.text
        extra.append(r.title)
    else:
        primary = r.title
        extra.append(r.text)
    extra += [str(x) for x in r.get("items", [])]
    extra += [str(r.get(k)) for k in ("muc_tieu", "ghi_chu") if r.kind == "project" and r.get(k)]
    if r.get("nam"):
        extra.append(f"nam {r.get('nam')}")
    if r.get("huy_bo"):
        extra.append("du an bi huy bo")
    if parent and (r.kind in ("indicator", "component", "phase_item", "target", "budget_line")
                   or r.kind == "group" and parent.kind == "project"):  # 'Các huyện, thành, thị' of a project
        extra.append(parent.title)
    if r.kind == "project":  # a project is also named by its parts ('nâng cấp 3 ứng dụng (cổng, thư, QLVB)')
        extra += [c.title for c in kb.children(r.id) if c.kind == "component"]
    if r.kind == "plan":
        extra += [f"{label} {r.get(k, '')}" for k, label in PLAN_FIELD_WORDS.items()]
    if r.kind == "indicator":
        extra += [str(v) for k, v in r.fields.items() if k in ("muc_tieu", "danh_gia") or k.startswith("nam_")]
    for fig in r.get("figures", []):
        extra.append(fig.get("label", ""))
    return primary, " ".join(x for x in extra if x)


def _distinct_pairs(docs: list[Record], title_pairs: dict[str, set[str]]
                   ) -> dict[str, tuple[frozenset[str], tuple[str, ...]]]:
    """For each row of a set of variants (siblings whose titles share a phrase: 'Trong các cơ quan cấp tỉnh /
    huyện / xã'): the title word pairs no sibling shares, and the siblings' ids (itself too)."""
    groups: dict[str, list[str]] = {}
    for r in docs:
        if r.parent is not None:
            groups.setdefault(r.parent, []).append(r.id)
    out: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}
    for ids in groups.values():
        if len(ids) < 2 or not set.intersection(*(title_pairs[i] for i in ids)):
            continue
        for rid in ids:
            others = set().union(*(title_pairs[o] for o in ids if o != rid))
            out[rid] = (frozenset(title_pairs[rid] - others), tuple(ids))
    return out


def bigrams(toks: list[str]) -> list[str]:
    return [f"{a}_{b}" for a, b in zip(toks, toks[1:])]


def content_pairs(content: list[str], full: list[str]) -> list[str]:
    """Adjacent pairs of the question where both syllables carry meaning."""
    words = set(content)
    return [f"{a}_{b}" for a, b in zip(full, full[1:]) if a in words and b in words]


@dataclass
class Hit:
    record: Record
    score: float


class Index:
    def __init__(self, kb: KnowledgeBase, lex: Lexicon, common: Mapping[str, float] | None = None,
                 phrases: Iterable[str] = ()) -> None:
        self.kb, self.lex = kb, lex
        self.common = common or {}  # general Vietnamese frequency (Zipf) of folded syllables
        self.docs: list[Record] = []
        self.tf: list[Counter[str]] = []
        self.length: list[float] = []
        self.position: dict[str, int] = {}
        self.title_words: list[set[str]] = []
        title_pairs: dict[str, set[str]] = {}
        postings: dict[str, list[int]] = {}
        for r in sorted(kb.records.values(), key=lambda r: r.seq):
            if r.kind in NOT_INDEXED:
                continue
            primary, secondary = record_text(kb, r)
            p, s = tokens(lex.key(primary)), tokens(lex.key(secondary))
            written = set(p)  # the title's own syllables stay findable where the lexicon rewrote them ('LAN')
            s += [t for t in tokens(fold(primary)) if t not in written]
            tf: Counter[str] = Counter()
            for t in p + bigrams(p):
                tf[t] += 2
            for t in s + bigrams(s):
                tf[t] += 1
            i = len(self.docs)
            title = tokens(lex.key(r.title))
            mask = lex.content_mask(title)
            self.title_words.append({t for t, keep in zip(title, mask) if keep})
            title_pairs[r.id] = set(content_pairs([t for t, keep in zip(title, mask) if keep], title))
            self.docs.append(r)
            self.position[r.id] = i
            self.tf.append(tf)
            self.length.append(float(sum(tf.values())))
            for t in tf:
                postings.setdefault(t, []).append(i)
        n = max(len(self.docs), 1)
        self.avg = sum(self.length) / n if self.docs else 1.0
        self.postings = postings
        self.idf = {t: math.log(1 + (n - len(ds) + 0.5) / (len(ds) + 0.5)) for t, ds in postings.items()}
        # BM25 weight of each (term, record) computed once, so a question is a few vector additions.
        self.impacts: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for t, ds in postings.items():
            freq = np.array([self.tf[i][t] for i in ds], dtype=np.float32)
            length = np.array([self.length[i] for i in ds], dtype=np.float32)
            weight = self.idf[t] * freq * (K1 + 1) / (freq + K1 * (1 - B + B * length / self.avg))
            self.impacts[t] = (np.array(ds, dtype=np.int32), weight.astype(np.float32))
        self.max_idf = math.log(1 + (n + 0.5) / 0.5)
        self._weight = lru_cache(maxsize=16384)(self._weight_uncached)
        # what typo repair may turn a word into: the plan's syllables and those of the question phrases
        # … as written and as the lexicon rewrites them ('nhiệm vụ' is keyed 'trách nhiệm'; 'nhim vu' is its typo)
        asked = [toks for p in phrases for toks in (tokens(lex.key(p)), tokens(fold(p)))]
        self.known = {t for t in postings if "_" not in t} | {t for toks in asked for t in toks}
        self.compounds = frozenset(t for t in postings if "_" in t)  # the word pairs the plan writes
        self.pairs = self.compounds | {p for toks in asked for p in bigrams(toks)}
        self.vocab = sorted(t for t in self.known if not t.isdigit() and len(t) >= 3)
        self._correct = lru_cache(maxsize=8192)(self._correct_uncached)
        self.distinct_pairs = _distinct_pairs(self.docs, title_pairs)

    def sibling_named(self, r: Record, asked: set[str]) -> bool | None:
        """Whether the question (its content word pairs, `asked`) names this row among its siblings ('cấp xã' of
        the rows 'cấp tỉnh / huyện / xã'): True or False when it names one of them by the word pair that sets it
        apart, None when it names none."""
        if r.parent is None or r.id not in self.distinct_pairs:
            return None
        named = [sid for sid in self.distinct_pairs[r.id][1] if self.distinct_pairs[sid][0] & asked]
        return (r.id in named) if named else None

    def _correct_uncached(self, tok: str, before: str, after: str) -> str:
        """A syllable the plan does not use -> the closest one it does, in context, else itself.

        A syllable that pairs with a neighbour as the plan (or a question phrase: 'bao nhiêu', 'nhiệm vụ')
        pairs them is taken at a lower similarity ('thon tin' -> 'thong tin', 'tin hok' -> 'tin hoc'); an
        everyday word ('xin', 'hỏi') is only ever replaced that way and by a near twin, never by similarity
        alone ('xin hỏi' is not 'xã hội'). A word of the plan that pairs with neither neighbour may be a near
        twin that does ('hạ tầng thôn tin', 'có niệm vụ gì')."""
        if tok.isdigit() or len(tok) < 3:
            return tok
        if tok in self.known:
            if self._paired(before, tok, after):
                return tok
            for cand, _, _ in process.extract(tok, self.vocab, scorer=fuzz.ratio, limit=4,
                                              score_cutoff=TWIN_SIMILARITY):
                # a twin must pair with every neighbour there is ('tổng bao nhiêu' is not 'thông báo')
                if cand != tok and (not before or f"{before}_{cand}" in self.pairs) \
                        and (not after or f"{cand}_{after}" in self.pairs):
                    return str(cand)
            return tok
        common = self.common.get(tok, 0.0) >= COMMON_ZIPF
        for cand, similarity, _ in process.extract(tok, self.vocab, scorer=fuzz.ratio, limit=8,
                                                   score_cutoff=IN_CONTEXT_SIMILARITY):
            if self._paired(before, cand, after) and (not common or similarity >= COMMON_WORD_SIMILARITY):
                return str(cand)
        if common:
            return tok
        best = process.extractOne(tok, self.vocab, scorer=fuzz.ratio, score_cutoff=ALONE_SIMILARITY)
        return str(best[0]) if best else tok

    def _paired(self, before: str, tok: str, after: str) -> bool:
        return f"{before}_{tok}" in self.pairs or f"{tok}_{after}" in self.pairs

    def _weight_uncached(self, term: str) -> float:
        """How much a question word says: the plan's idf for a word of the plan; for any other word, the
        most a word can say, discounted for everyday Vietnamese ('giữ', 'vào' weigh little; 'camera' or a
        word no one uses weighs fully)."""
        if term in self.idf:
            return self.idf[term]
        if len(term) == 1 and term.isalpha():
            return 0.0  # 'e', 'a', 'b' in chat are em, anh, bạn
        zipf = self.common.get(term, 0.0)
        return self.max_idf * min(1.0, max(0.0, (EVERYDAY_ZIPF - zipf) / (EVERYDAY_ZIPF - COMMON_ZIPF)))

    def _alone(self, content: tuple[str, ...], full: tuple[str, ...]) -> set[str]:
        """Everyday words of the question with no meaningful word beside them ('dạ, cho em hỏi', 'nếu có thì
        hết'): chat, not the subject ('trả nợ', 'lương cán bộ', 'dự án mới' are phrases and keep their weight)."""
        words, phrased, seen = set(content), set(), set()
        for i, w in enumerate(full):
            if w not in words:
                continue
            seen.add(w)
            before, after = full[i - 1] if i else "", full[i + 1] if i + 1 < len(full) else ""
            if before in words or after in words or f"{before}_{w}" in self.postings \
                    or f"{w}_{after}" in self.postings:  # 'dự án mới' is a phrase of the plan
                phrased.add(w)
        return {w for w in seen - phrased if self.everyday(w)}

    def everyday(self, term: str) -> bool:
        return self.common.get(term, 0.0) >= EVERYDAY_ZIPF

    def weight(self, term: str) -> float:
        return self._weight(term)

    def correct(self, toks: list[str]) -> list[str]:
        out = list(toks)
        for i, t in enumerate(toks):
            out[i] = self._correct(t, out[i - 1] if i else "", toks[i + 1] if i + 1 < len(toks) else "")
        return out

    def has(self, r: Record, term: str) -> bool:
        return term in self.tf[self.position[r.id]]

    def novel_pair_share(self, content: list[str], full: list[str]) -> float:
        """Share of the question's content-word pairs that the plan never writes (what it is not about)."""
        pairs = content_pairs(content, full)
        return sum(1 for p in pairs if p not in self.postings) / len(pairs) if pairs else 0.0

    def search(self, content: list[str], full: list[str], limit: int = 50) -> list[Hit]:
        """BM25 of content syllables and of adjacent content pairs in the question."""
        terms = Counter(content) + Counter(b for b in content_pairs(content, full) if b in self.postings)
        scores = np.zeros(len(self.docs), dtype=np.float32)
        for t, qtf in terms.items():
            if t in self.impacts:
                ids, weight = self.impacts[t]
                scores[ids] += weight * qtf
        hit = np.flatnonzero(scores)
        if len(hit) > limit:
            hit = hit[np.argpartition(-scores[hit], limit)[:limit]]
        best = sorted(((int(i), float(scores[i])) for i in hit), key=lambda kv: kv[1], reverse=True)
        return [Hit(self.docs[i], s) for i, s in best]

    def foreign_share(self, r: Record, content: list[str], full: list[str]) -> float:
        """How much of the question (idf-weighted) is rare words that neither the record nor the plan's word
        pairs account for.

        Vietnamese syllables are heavily reused ('đa khoa' shares 'khoa' with 'khoa học'), so a rare word the
        record lacks still counts as understood when the plan pairs it with a neighbouring question word, or,
        standing alone, when the plan uses it at all."""
        tf, words = self.tf[self.position[r.id]], set(content)
        foreign = 0.0
        for i, w in enumerate(full):
            if w not in words or w in tf or self.idf.get(w, FOREIGN_IDF) < FOREIGN_IDF:
                continue
            if w not in self.postings and self.common.get(w, 0.0) >= FILLER_ZIPF:
                continue  # an everyday word the plan never needs ('nhỉ', 'giùm'): chat, not a new subject
            if self.everyday(w):
                continue  # 'để', 'thêm': too common to say the question is about something else
            neighbours = [f"{full[i - 1]}_{w}"] if i and full[i - 1] in words else []
            neighbours += [f"{w}_{full[i + 1]}"] if i + 1 < len(full) and full[i + 1] in words else []
            known = any(p in self.postings for p in neighbours) if neighbours else w in self.postings
            if not known:
                foreign += self.weight(w)
        total = sum(self.weight(t) for t in content)
        return foreign / total if total else 0.0

    def title_coverage(self, r: Record, content: list[str]) -> float:
        """Idf-weighted share of the question's words that the record's title holds."""
        words = self.title_words[self.position[r.id]]
        total = sum(self.weight(t) for t in content)
        return sum(self.weight(t) for t in content if t in words) / total if total else 0.0

    def title_cover(self, r: Record, content: list[str]) -> float:
        """Share of the record's own title words the question contains (people type project names)."""
        words = self.title_words[self.position[r.id]]
        return len(words & set(content)) / len(words) if len(words) >= MIN_TITLE_WORDS else 0.0

    def coverage(self, r: Record, content: list[str], full: list[str]) -> tuple[float, float]:
        """How much of the question the record explains: idf-weighted syllables, and share of pairs."""
        weights, total, pairs = self._terms(tuple(content), tuple(full))
        tf = self.tf[self.position[r.id]]
        got = sum(w for t, w in weights if t in tf)
        pair_share = (sum(1 for b in pairs if b in tf) / len(pairs)) if pairs else 1.0
        return (got / total if total else 0.0), pair_share

    @lru_cache(maxsize=256)  # noqa: B019 - one index per engine; the cache holds the questions being ranked
    def _terms(self, content: tuple[str, ...], full: tuple[str, ...]) -> tuple[tuple[tuple[str, float], ...],
                                                                               float, tuple[str, ...]]:
        """(each word with its weight, their sum, the content pairs) of one question, computed once.

        An everyday word standing alone weighs little even where the plan uses it ('dạ', 'thì' fold to
        syllables of the plan's words)."""
        alone = self._alone(content, full)
        weights = tuple((t, self.weight(t) * (ALONE_EVERYDAY if t in alone else 1.0)) for t in content)
        return weights, sum(w for _, w in weights), tuple(content_pairs(list(content), list(full)))
