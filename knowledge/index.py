"""A BM25 index over the records (syllables and syllable pairs), with typo-tolerant query terms."""
from __future__ import annotations

import copy
import math
from array import array
from collections import Counter
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from knowledge.memory import map_large_blocks
from knowledge.normalize import Lexicon, fold, tokens
from knowledge.records import KnowledgeBase, Record
from knowledge.vocabulary import COMMON_ZIPF, word_frequency  # a syllable this common in general Vietnamese is a word

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
# a word in nearly every record (over 95 % of them: 'tại', 'gói' of 100.000 'gói thầu … tại …') adds about the
# same to each and ranks nothing; at 100.000 records it is most of the work of ranking (the plan's lowest is 0.22)
NEGLIGIBLE_IDF = 0.05
MAX_VARIANTS = 30  # siblings read as variants of one row ('cấp tỉnh / huyện / xã') at most
WARM_ROWS = 20_000  # an index this small reads every record's lookups when built (and saves them)
# a term in at least this share of the rows ('nâng', 'cấp' of 40.000 'Nâng cấp … tại …') is held as a column over
# all rows: adding a column costs what scattering a sixteenth as many postings does, and it takes ~4 times the
# memory of its postings at this share (at 100.000 records: 79 terms, 32 MB, over half of all postings)
COLUMN_SHARE = 8
RANKED = 200  # the best rows of a question kept in order: every search of its words takes a prefix of them


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
        extra += [kb.read(c).title for c in kb.child_ids(r.id) if kb.kind_of(c) == "component"]
    if r.kind == "plan":
        extra += [f"{label} {r.get(k, '')}" for k, label in PLAN_FIELD_WORDS.items()]
    if r.kind == "indicator":
        extra += [str(v) for k, v in r.fields.items() if k in ("muc_tieu", "danh_gia") or k.startswith("nam_")]
    for fig in r.get("figures", []):
        extra.append(fig.get("label", ""))
    return primary, " ".join(x for x in extra if x)


def analyse(kb: KnowledgeBase, lex: Lexicon, r: Record) -> tuple[Counter[str], set[str], list[str]]:
    """A record's term counts (its primary text's syllables and pairs count double), its title's content words and
    its title's syllables."""
    primary, secondary = record_text(kb, r)
    p, s = tokens(lex.key(primary)), tokens(lex.key(secondary))
    written = set(p)  # the title's own syllables stay findable where the lexicon rewrote them ('LAN')
    s += [t for t in tokens(fold(primary)) if t not in written]
    tf: Counter[str] = Counter()
    for t in p + bigrams(p):
        tf[t] += 2
    for t in s + bigrams(s):
        tf[t] += 1
    title = tokens(lex.key(r.title))
    return tf, {t for t, keep in zip(title, lex.content_mask(title)) if keep}, title


def indexed(kb: KnowledgeBase, lex: Lexicon, r: Record, on_title: TitleReader | None
            ) -> tuple[Counter[str], set[str]] | None:
    """What the index holds of a record (`analyse`), None for one it does not index; either way `on_title` is
    shown the record with its title's syllables."""
    if r.kind in NOT_INDEXED:
        if on_title:
            on_title(r, tokens(lex.key(r.title)))
        return None
    tf, title, title_tokens = analyse(kb, lex, r)
    if on_title:
        on_title(r, title_tokens)
    return tf, title


def title_pairs(lex: Lexicon, title: str) -> set[str]:
    """The word pairs of a title where both words carry meaning."""
    toks = tokens(lex.key(title))
    return set(content_pairs([t for t, keep in zip(toks, lex.content_mask(toks)) if keep], toks))


def bigrams(toks: list[str]) -> list[str]:
    return [f"{a}_{b}" for a, b in zip(toks, toks[1:])]


def content_pairs(content: list[str], full: list[str]) -> list[str]:
    """Adjacent pairs of the question where both syllables carry meaning."""
    words = set(content)
    return [f"{a}_{b}" for a, b in zip(full, full[1:]) if a in words and b in words]


TitleReader = Callable[[Record, list[str]], None]
COUNT_BITS = 16  # a posting's count (kept at 65.535)


def _transposed(term: np.ndarray, ptr: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of (term, count) pairs -> each pair's row and count, ordered by term and then row.

    Each pair is one 64-bit key (term | row | count) sorted in place: no index array of 8 bytes a pair, nor the
    copies taking rows and counts through it (at 100.000 records, 5 million pairs: ~60 MB less at the peak)."""
    rows, terms = len(ptr) - 1, int(term.max(initial=0)) + 1
    row_bits = max(rows.bit_length(), 1)
    if (terms - 1).bit_length() + row_bits + COUNT_BITS > 63:
        raise ValueError(f"{rows} records with {terms} terms are more than one index holds")
    key = term.astype(np.int64)
    key <<= row_bits
    key |= np.repeat(np.arange(rows, dtype=np.int32), np.diff(ptr))
    key <<= COUNT_BITS
    key |= count
    key.sort()
    freq = np.empty(len(key), dtype=np.uint16)
    np.bitwise_and(key, (1 << COUNT_BITS) - 1, out=freq, casting="unsafe")
    key >>= COUNT_BITS
    post_row = np.empty(len(key), dtype=np.int32)
    np.bitwise_and(key, (1 << row_bits) - 1, out=post_row, casting="unsafe")
    return post_row, freq


@dataclass
class Hit:
    record: Record
    score: float


class Index:
    """BM25 over the records in compressed rows (term ids, not strings), with an overlay for later edits.

    The base is built once in one pass: each record's term counts become rows of ids, and the postings (term ->
    records) are those rows transposed by one sort. An edit does not rebuild it: `updated` marks the records it
    touched dead in the base and adds their new terms to a small overlay; document frequencies are kept per term
    so the idf is computed at query time and stays exact. The length normalisation keeps the base's average
    length until the next full build."""

    def __init__(self, kb: KnowledgeBase, lex: Lexicon, common: Mapping[str, float] | None = None,
                 phrases: Iterable[str] = (), on_title: TitleReader | None = None) -> None:
        """`on_title` is shown each record with its title's syllables, so a reader of titles keys none again."""
        map_large_blocks()  # the build's large arrays are given back when dropped
        self.kb, self.lex = kb, lex
        self.common = common or {}  # general Vietnamese frequency (Zipf) of folded syllables
        self.terms: dict[str, int] = {}  # term -> id
        self.ids: list[str] = []  # row -> record id
        self.position: dict[str, int] = {}  # record id -> row
        # built in typed arrays: 100.000 records hold millions of (term, count) pairs, too many for int objects
        doc_term, doc_tf, doc_ptr = array("i"), array("H"), array("q", [0])  # (a count over 65.535 is kept at it)
        title_term, title_ptr, lengths = array("i"), array("q", [0]), array("f")
        for r in kb.read_all():
            read = indexed(kb, lex, r, on_title)
            if read is None:
                continue
            tf, title = read
            row = sorted((self._term_id(t), n) for t, n in tf.items())
            doc_term.extend(t for t, _ in row)
            doc_tf.extend(min(n, 0xFFFF) for _, n in row)
            doc_ptr.append(len(doc_term))
            title_term.extend(sorted({self._term_id(t) for t in title}))
            title_ptr.append(len(title_term))
            lengths.append(float(sum(tf.values())))
            self.position[r.id] = len(self.ids)
            self.ids.append(r.id)
        self.names = list(self.terms)  # id -> term
        # numpy reads the typed arrays where they are (a copy would hold 100.000 records' rows twice)
        self.doc_ptr = np.frombuffer(doc_ptr, dtype=np.int64)
        self.doc_term = np.frombuffer(doc_term, dtype=np.int32)
        self.title_ptr = np.frombuffer(title_ptr, dtype=np.int64)
        self.title_term = np.frombuffer(title_term, dtype=np.int32)
        self.length = np.frombuffer(lengths, dtype=np.float32)
        self.avg = float(self.length.mean()) if len(self.length) else 1.0
        # the titles' rows transposed: for each term, the rows whose title holds it (a title named is found by its
        # words' rows, not by reading every title)
        self.title_size = np.diff(self.title_ptr).astype(np.int32)
        self.titled_row = np.repeat(np.arange(len(self.ids), dtype=np.int32), self.title_size)[
            np.argsort(self.title_term, kind="stable")]
        self.titled_ptr = np.zeros(len(self.terms) + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.title_term, minlength=len(self.terms)), out=self.titled_ptr[1:])
        # the rows transposed: for each term, the records holding it and the length-normalised part of BM25
        self.post_doc, freq = _transposed(self.doc_term, self.doc_ptr, np.frombuffer(doc_tf, dtype=np.uint16))
        del doc_tf
        # freq * (K1 + 1) / (freq + K1 * (1 - B + B * length / avg)), in place: no temporary arrays at 100.000
        part = self.length[self.post_doc]
        part *= B
        part /= self.avg
        part += 1 - B
        part *= K1
        part += freq
        self.post_part = freq.astype(np.float32)
        del freq
        self.post_part *= K1 + 1
        self.post_part /= part
        del part
        self.post_ptr = np.zeros(len(self.terms) + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.doc_term, minlength=len(self.terms)), out=self.post_ptr[1:])
        self.base_rows, self.base_terms = len(self.ids), len(self.terms)
        self.df = np.diff(self.post_ptr).astype(np.int32)  # grows with the overlay's new terms
        self.column, self.columns = self._to_columns()
        self.live = len(self.ids)
        # the overlay: rows added by edits (their terms, titles and postings) and base rows they replaced
        self.extra: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
        self.extra_postings: dict[int, list[tuple[int, float]]] = {}
        self.dead: np.ndarray = np.zeros(0, dtype=np.int64)
        # what typo repair may turn a word into: the plan's syllables and those of the question phrases
        # … as written and as the lexicon rewrites them ('nhiệm vụ' is keyed 'trách nhiệm'; 'nhim vu' is its typo)
        asked = [toks for p in phrases for toks in (tokens(lex.key(p)), tokens(fold(p)))]
        self.asked_words = frozenset(t for toks in asked for t in toks)
        self.asked_pairs = frozenset(p for toks in asked for p in bigrams(toks))
        self._vocabulary()
        self._caches()
        self._row_sets: list[AbstractSet[str]] | None = None
        self._distinct: dict[str | None, dict[str, frozenset[str]]] = {}
        if self.base_rows <= WARM_ROWS:
            self._warm()

    def _to_columns(self) -> tuple[dict[int, int], np.ndarray]:
        """Moves the terms in a COLUMN_SHARE of the rows out of the postings into columns: (term id -> column,
        the columns, one float per row: the term's BM25 part there, 0 where the row lacks it)."""
        wide = np.flatnonzero(self.df.astype(np.int64) * COLUMN_SHARE >= max(self.base_rows, 1)).tolist()
        columns = np.zeros((len(wide), self.base_rows), dtype=np.float32)
        for k, tid in enumerate(wide):
            a, b = self.post_ptr[tid], self.post_ptr[tid + 1]
            columns[k, self.post_doc[a:b]] = self.post_part[a:b]
        # the other terms' postings move down over theirs, in place (no second copy of 100.000 records' postings),
        # in steps no longer than the distance moved (numpy would copy an overlapping source first)
        at = 0
        for first, last in zip([0, *(t + 1 for t in wide)], [*wide, len(self.df)]):  # the runs of other terms
            a, b = int(self.post_ptr[first]), int(self.post_ptr[last])
            step = a - at
            if step:
                for i in range(a, b, step):
                    n = min(step, b - i)
                    self.post_doc[i - step:i - step + n] = self.post_doc[i:i + n]
                    self.post_part[i - step:i - step + n] = self.post_part[i:i + n]
            at += b - a
        self.post_doc.resize(at, refcheck=False)  # (both made here: no other array shares them)
        self.post_part.resize(at, refcheck=False)
        kept = self.df.astype(np.int64)
        kept[wide] = 0
        np.cumsum(kept, out=self.post_ptr[1:])
        return {tid: k for k, tid in enumerate(wide)}, columns

    def _warm(self) -> None:
        """Read now, and save with the index, what questions would otherwise read the first time they touch a
        record: each row's terms and each set of siblings' distinct pairs (a plan's few hundred records: ~20 ms)."""
        self._row_sets = [self._row_terms_uncached(row) for row in range(self.base_rows)]
        for parent in {p for rid in self.ids if (p := self.kb.records[rid].parent) is not None}:
            self._distinct_of(parent)

    @property
    def overlay_rows(self) -> int:
        """Rows added by edits since the last full build."""
        return len(self.ids) - self.base_rows

    def _term_id(self, term: str) -> int:
        tid = self.terms.get(term)
        if tid is None:
            tid = self.terms[term] = len(self.terms)
        return tid

    def _vocabulary(self) -> None:
        self.known = {t for t in self.terms if "_" not in t and self.knows(t)} | self.asked_words
        self.vocab = sorted(t for t in self.known if not t.isdigit() and len(t) >= 3)

    def _caches(self) -> None:
        """Per-index memo tables (dropped when saved, rebuilt empty when loaded or updated)."""
        self._weight = lru_cache(maxsize=16384)(self._weight_uncached)
        self._idf = lru_cache(maxsize=16384)(self._idf_uncached)
        self._correct = lru_cache(maxsize=8192)(self._correct_uncached)
        self._row_terms = lru_cache(maxsize=2048)(self._row_terms_uncached)  # a question ranks ~200 rows
        self._title_of = lru_cache(maxsize=2048)(self._title_uncached)
        self._terms = lru_cache(maxsize=256)(self._terms_uncached)
        self._foreign = lru_cache(maxsize=256)(self._foreign_uncached)
        self._ranked = lru_cache(maxsize=8)(self._ranked_uncached)

    def __getstate__(self) -> dict[str, object]:
        skip = {"_weight", "_idf", "_ranked", "_correct", "_row_terms", "_title_of", "_terms", "_foreign"}
        if self.common is word_frequency():
            skip.add("common")  # the general frequencies are read from their data file again
        state = {k: v for k, v in self.__dict__.items() if k not in skip}
        return {**state, "_distinct": dict(self._distinct)}  # a copy: questions add to it meanwhile

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("common", word_frequency())
        self._distinct = dict(self._distinct)
        self._caches()

    # ---- edits
    def updated(self, kb: KnowledgeBase, lex: Lexicon, touched: Iterable[str],
                on_title: TitleReader | None = None) -> Index:
        """A new index over `kb` where the records `touched` (changed, added or removed) are read again; this one
        is left as it is, answering meanwhile."""
        touched = list(dict.fromkeys(touched))
        new = copy.copy(self)
        new.kb, new.lex = kb, lex
        new.terms, new.ids, new.position = dict(self.terms), list(self.ids), dict(self.position)
        new.names, new.extra = list(self.names), dict(self.extra)
        new.extra_postings = {t: list(ps) for t, ps in self.extra_postings.items()}
        df, dead = self.df.copy(), set(self.dead.tolist())
        for rid in touched:
            row = new.position.pop(rid, None)
            if row is not None:  # the old row no longer counts
                dead.add(row)
                new.live -= 1
                for t in new._row_terms_uncached(row):
                    df[new.terms[t]] -= 1
                new.extra.pop(row, None)
            r = kb.records.get(rid)
            read = indexed(kb, lex, r, on_title) if r is not None else None
            if read is None:
                continue
            tf, title = read
            row = len(new.ids)
            new.ids.append(rid)
            new.position[rid] = row
            new.extra[row] = (frozenset(tf), frozenset(title))
            new.live += 1
            length = float(sum(tf.values()))
            for t, n in tf.items():
                tid = new._term_id(t)
                if tid >= len(new.names):
                    new.names.append(t)
                    df = np.append(df, np.int32(0))
                df[tid] += 1
                part = n * (K1 + 1) / (n + K1 * (1 - B + B * length / self.avg))
                new.extra_postings.setdefault(tid, []).append((row, part))
        new.df, new.dead = df, np.array(sorted(dead), dtype=np.int64)
        new.length = np.concatenate([self.length, np.zeros(len(new.ids) - len(self.length), dtype=np.float32)])
        added = {t for row in range(len(self.ids), len(new.ids)) if row in new.extra
                 for t in new.extra[row][0] if "_" not in t and t not in self.known}
        if added:  # a word no record holds any more stays known: typo repair may still read it, nothing else
            new.known = self.known | added
            new.vocab = sorted({*self.vocab, *(t for t in added if not t.isdigit() and len(t) >= 3)})
        new._caches()
        parents = {r.parent for old in (self.kb, kb) for rid in touched
                   if (r := old.records.get(rid)) is not None and r.parent is not None}
        new._distinct = {p: pairs for p, pairs in dict(self._distinct).items() if p not in parents}  # a copy first
        if new.base_rows <= WARM_ROWS:
            for parent in parents:
                new._distinct_of(parent)
        return new

    # ---- what a row holds
    def _row_terms_uncached(self, row: int) -> AbstractSet[str]:
        """The terms a row holds (how often is in its postings' BM25 parts: no reader needs the count again)."""
        if row in self.extra:
            return self.extra[row][0]
        if row >= self.base_rows:
            return frozenset()
        if self._row_sets is not None:
            return self._row_sets[row]
        a, b = self.doc_ptr[row], self.doc_ptr[row + 1]
        return frozenset(self.names[t] for t in self.doc_term[a:b].tolist())

    def _title_uncached(self, row: int) -> frozenset[str]:
        if row in self.extra:
            return self.extra[row][1]
        a, b = self.title_ptr[row], self.title_ptr[row + 1]
        return frozenset(self.names[t] for t in self.title_term[a:b].tolist())

    def _tf(self, r: Record) -> AbstractSet[str]:
        row = self.position.get(r.id)
        return self._row_terms(row) if row is not None else frozenset()

    def title_words(self, record_id: str) -> frozenset[str]:
        """The content words of a record's title (empty for a record not indexed)."""
        row = self.position.get(record_id)
        return self._title_of(row) if row is not None else frozenset()

    # ---- what the plan writes
    def knows(self, term: str) -> bool:
        """Whether some record holds the term (a word, or a word pair 'a_b')."""
        tid = self.terms.get(term)
        return tid is not None and int(self.df[tid]) > 0

    def idf(self, term: str) -> float | None:
        """The term's inverse document frequency now, None when no record holds it."""
        return self._idf(term)

    def _idf_uncached(self, term: str) -> float | None:
        tid = self.terms.get(term)
        if tid is None:
            return None
        df = int(self.df[tid])
        return math.log(1 + (self.live - df + 0.5) / (df + 0.5)) if df > 0 else None

    @property
    def max_idf(self) -> float:
        return math.log(1 + (max(self.live, 1) + 0.5) / 0.5)

    @property
    def compounds(self) -> Container[str]:
        """The word pairs the plan writes ('may_tinh')."""
        return _Written(self)

    def _is_pair(self, pair: str) -> bool:
        return pair in self.asked_pairs or self.knows(pair)

    # ---- variants among siblings
    def _distinct_of(self, parent: str) -> dict[str, frozenset[str]]:
        """For the rows of a set of variants (siblings whose titles share a phrase: 'Trong các cơ quan cấp tỉnh /
        huyện / xã'): the title word pairs no sibling shares; empty when the siblings are no such set."""
        if parent not in self._distinct:
            many = self.kb.child_count(parent) > MAX_VARIANTS  # a list of projects, not one row's variants
            kids = [] if many else [i for i in self.kb.child_ids(parent) if i in self.position]  # (the plan: 14)
            pairs = {i: title_pairs(self.lex, self.kb.records[i].title) for i in kids}
            out: dict[str, frozenset[str]] = {}
            if len(kids) >= 2 and set.intersection(*pairs.values()):
                for rid, own in pairs.items():
                    out[rid] = frozenset(own - set().union(*(p for o, p in pairs.items() if o != rid)))
            self._distinct[parent] = out
        return self._distinct[parent]

    def sibling_named(self, r: Record, asked: set[str]) -> bool | None:
        """Whether the question (its content word pairs, `asked`) names this row among its siblings ('cấp xã' of
        the rows 'cấp tỉnh / huyện / xã'): True or False when it names one of them by the word pair that sets it
        apart, None when it names none."""
        if r.parent is None:
            return None
        distinct = self._distinct_of(r.parent)
        if r.id not in distinct:
            return None
        named = [sid for sid, own in distinct.items() if own & asked]
        return (r.id in named) if named else None

    # ---- typo repair
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
                if cand != tok and (not before or self._is_pair(f"{before}_{cand}")) \
                        and (not after or self._is_pair(f"{cand}_{after}")):
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
        return self._is_pair(f"{before}_{tok}") or self._is_pair(f"{tok}_{after}")

    def correct(self, toks: list[str]) -> list[str]:
        out = list(toks)
        for i, t in enumerate(toks):
            out[i] = self._correct(t, out[i - 1] if i else "", toks[i + 1] if i + 1 < len(toks) else "")
        return out

    # ---- weights
    def _weight_uncached(self, term: str) -> float:
        """How much a question word says: the plan's idf for a word of the plan; for any other word, the
        most a word can say, discounted for everyday Vietnamese ('giữ', 'vào' weigh little; 'camera' or a
        word no one uses weighs fully)."""
        idf = self.idf(term)
        if idf is not None:
            return idf
        if len(term) == 1 and term.isalpha():
            return 0.0  # 'e', 'a', 'b' in chat are em, anh, bạn
        zipf = self.common.get(term, 0.0)
        return self.max_idf * min(1.0, max(0.0, (EVERYDAY_ZIPF - zipf) / (EVERYDAY_ZIPF - COMMON_ZIPF)))

    def weight(self, term: str) -> float:
        return self._weight(term)

    def _alone(self, content: tuple[str, ...], full: tuple[str, ...]) -> set[str]:
        """Everyday words of the question with no meaningful word beside them ('dạ, cho em hỏi', 'nếu có thì
        hết'): chat, not the subject ('trả nợ', 'lương cán bộ', 'dự án mới' are phrases and keep their weight)."""
        words, phrased, seen = set(content), set(), set()
        for i, w in enumerate(full):
            if w not in words:
                continue
            seen.add(w)
            before, after = full[i - 1] if i else "", full[i + 1] if i + 1 < len(full) else ""
            if before in words or after in words or self.knows(f"{before}_{w}") \
                    or self.knows(f"{w}_{after}"):  # 'dự án mới' is a phrase of the plan
                phrased.add(w)
        return {w for w in seen - phrased if self.everyday(w)}

    def everyday(self, term: str) -> bool:
        return self.common.get(term, 0.0) >= EVERYDAY_ZIPF

    def _terms_uncached(self, content: tuple[str, ...], full: tuple[str, ...]
                        ) -> tuple[tuple[tuple[str, float], ...], float, tuple[str, ...]]:
        """(each word with its weight, their sum, the content pairs) of one question, computed once.

        An everyday word standing alone weighs little even where the plan uses it ('dạ', 'thì' fold to
        syllables of the plan's words)."""
        alone = self._alone(content, full)
        weights = tuple((t, self.weight(t) * (ALONE_EVERYDAY if t in alone else 1.0)) for t in content)
        return weights, sum(w for _, w in weights), tuple(content_pairs(list(content), list(full)))

    # ---- ranking
    def search(self, content: list[str], full: list[str], limit: int = 50) -> list[Hit]:
        """BM25 of content syllables and of adjacent content pairs in the question (the best `limit` records)."""
        rows, scores = self._ranked(tuple(content), tuple(full), max(limit, RANKED))
        return [Hit(self.kb.records[self.ids[i]], s) for i, s in zip(rows[:limit], scores[:limit])]

    def _ranked_uncached(self, content: tuple[str, ...], full: tuple[str, ...], depth: int
                         ) -> tuple[list[int], list[float]]:
        """The best `depth` rows that score for the question, best first (ties in row order), with their scores;
        one message's routes search the same words again with other limits, so this is remembered."""
        scores = self._scores(content, full)
        best = np.flatnonzero(scores)
        if len(best) > depth:  # (a partition of every row is slow where most score 0: numpy's select degrades on ties)
            got = scores[best]
            kth = np.partition(got, len(got) - depth)[len(got) - depth]
            above = best[got > kth]
            best = np.concatenate([above, best[got == kth][:depth - len(above)]])
        best = best[np.lexsort((best, -scores[best]))]
        return best.tolist(), scores[best].tolist()

    def _scores(self, content: tuple[str, ...], full: tuple[str, ...]) -> np.ndarray:
        """Every row's score for the question (at 100.000 records most of a question's time)."""
        terms = Counter(content) + Counter(b for b in content_pairs(list(content), list(full)) if self.knows(b))
        scores = np.zeros(len(self.ids), dtype=np.float32)
        base, scaled = scores[:self.base_rows], np.empty(self.base_rows, dtype=np.float32)
        ptr = self.post_ptr
        for t, qtf in terms.items():
            tid, idf = self.terms.get(t), self.idf(t)
            if tid is None or idf is None or idf < NEGLIGIBLE_IDF:
                continue
            weight = np.float32(idf)
            if (k := self.column.get(tid)) is not None:
                np.multiply(self.columns[k], weight, out=scaled)
                if qtf != 1:
                    scaled *= qtf
                base += scaled
            elif tid < self.base_terms:
                a, b = ptr[tid], ptr[tid + 1]
                posted = self.post_part[a:b] * weight
                if qtf != 1:
                    posted *= qtf
                scores[self.post_doc[a:b]] += posted
            for row, part in self.extra_postings.get(tid, ()):
                scores[row] += np.float32(part * idf * qtf)
        if len(self.dead):
            scores[self.dead] = 0.0
        return scores

    def word_covers(self, ids: Sequence[str], content: list[str], full: list[str]) -> list[float]:
        """`coverage(r, content, full)[0]` of many records at once, by id (a body's 2.000 projects): the records
        holding each word are looked up in its postings, rather than each record's words read."""
        weights, total, _ = self._terms(tuple(content), tuple(full))
        if not total:
            return [0.0] * len(ids)
        rows = np.array([self.position.get(rid, -1) for rid in ids], dtype=np.int64)
        overlaid = [(i, row) for i, row in enumerate(rows.tolist()) if row in self.extra]
        got = np.zeros(len(rows))
        for t, w in weights:
            got += w * self._holding(t, rows, overlaid)
        return (got / total).tolist()

    def _holding(self, term: str, rows: np.ndarray, overlaid: list[tuple[int, int]]) -> np.ndarray:
        """Which of the rows hold the term (rows of the base found in its postings, in order; overlay rows read)."""
        tid = self.terms.get(term)
        held = np.zeros(len(rows), dtype=bool)
        if tid is None:
            return held
        if (k := self.column.get(tid)) is not None:
            inside = (rows >= 0) & (rows < self.base_rows)
            held[inside] = self.columns[k][rows[inside]] > 0
        elif tid < self.base_terms and len(rows):
            posted = self.post_doc[self.post_ptr[tid]:self.post_ptr[tid + 1]]
            if len(posted):
                held = posted[np.minimum(np.searchsorted(posted, rows), len(posted) - 1)] == rows
        for i, row in overlaid:
            held[i] = term in self.extra[row][0]
        return held

    def half_named(self, asked: set[str]) -> set[str]:
        """The ids of the records at least half of whose title words are among `asked` (a title the question writes
        out, or most of it), found over the titles' rows at once rather than record by record."""
        tids = sorted(tid for t in asked if (tid := self.terms.get(t)) is not None and tid < self.base_terms)
        held = [self.titled_row[self.titled_ptr[tid]:self.titled_ptr[tid + 1]] for tid in tids]
        counts = np.bincount(np.concatenate(held), minlength=self.base_rows) if held else np.zeros(self.base_rows)
        rows = np.flatnonzero((self.title_size > 0) & (2 * counts >= self.title_size)).tolist()
        found = {rid for row in rows if self.position.get(rid := self.ids[row]) == row}  # not replaced since
        found.update(self.ids[row] for row, (_, title) in self.extra.items()
                     if title and 2 * len(title & asked) >= len(title) and self.position.get(self.ids[row]) == row)
        return found

    def has(self, r: Record, term: str) -> bool:
        return term in self._tf(r)

    def novel_pair_share(self, content: list[str], full: list[str]) -> float:
        """Share of the question's content-word pairs that the plan never writes (what it is not about)."""
        pairs = content_pairs(content, full)
        return sum(1 for p in pairs if not self.knows(p)) / len(pairs) if pairs else 0.0

    def foreign_share(self, r: Record, content: list[str], full: list[str]) -> float:
        """How much of the question (idf-weighted) is rare words that neither the record nor the plan's word
        pairs account for.

        Vietnamese syllables are heavily reused ('đa khoa' shares 'khoa' with 'khoa học'), so a rare word the
        record lacks still counts as understood when the plan pairs it with a neighbouring question word, or,
        standing alone, when the plan uses it at all."""
        unexplained, total = self._foreign(tuple(content), tuple(full))
        if not total:
            return 0.0
        tf = self._tf(r)
        return sum(weight for w, weight in unexplained if w not in tf) / total

    def _foreign_uncached(self, content: tuple[str, ...], full: tuple[str, ...]
                          ) -> tuple[tuple[tuple[str, float], ...], float]:
        """What `foreign_share` reads of the question alone, once for all its candidates: each rare word (at each
        place it is written) that the plan's pairs do not account for, with its weight; and the words' total."""
        words, unexplained = set(content), []
        for i, w in enumerate(full):
            idf = self.idf(w)
            if w not in words or (FOREIGN_IDF if idf is None else idf) < FOREIGN_IDF:
                continue
            if idf is None and self.common.get(w, 0.0) >= FILLER_ZIPF:
                continue  # an everyday word the plan never needs ('nhỉ', 'giùm'): chat, not a new subject
            if self.everyday(w):
                continue  # 'để', 'thêm': too common to say the question is about something else
            neighbours = [f"{full[i - 1]}_{w}"] if i and full[i - 1] in words else []
            neighbours += [f"{w}_{full[i + 1]}"] if i + 1 < len(full) and full[i + 1] in words else []
            known = any(self.knows(p) for p in neighbours) if neighbours else idf is not None
            if not known:
                unexplained.append((w, self.weight(w)))
        return tuple(unexplained), sum(self.weight(t) for t in content)

    def title_coverage(self, record_id: str, content: list[str]) -> float:
        """Idf-weighted share of the question's words that the record's title holds."""
        words = self.title_words(record_id)
        total = sum(self.weight(t) for t in content)
        return sum(self.weight(t) for t in content if t in words) / total if total else 0.0

    def title_cover(self, r: Record, content: list[str]) -> float:
        """Share of the record's own title words the question contains (people type project names)."""
        words = self.title_words(r.id)
        return len(words & set(content)) / len(words) if len(words) >= MIN_TITLE_WORDS else 0.0

    def coverage(self, r: Record, content: list[str], full: list[str]) -> tuple[float, float]:
        """How much of the question the record explains: idf-weighted syllables, and share of pairs."""
        weights, total, pairs = self._terms(tuple(content), tuple(full))
        tf = self._tf(r)
        got = sum(w for t, w in weights if t in tf)
        pair_share = (sum(1 for b in pairs if b in tf) / len(pairs)) if pairs else 1.0
        return (got / total if total else 0.0), pair_share


class _Written:
    """The word pairs an index's records write, as a container ('a_b' in it)."""

    def __init__(self, index: Index) -> None:
        self._index = index

    def __contains__(self, pair: object) -> bool:
        return isinstance(pair, str) and "_" in pair and self._index.knows(pair)
