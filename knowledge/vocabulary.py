"""Words people use that no list holds: acronyms derived from the plan's own text, and how common a word is.

An official writes ĐTPT, CQNN, TTHC or PT-TH; the plan writes "đầu tư phát triển", "cơ quan nhà nước",
"thủ tục hành chính", "phát thanh - truyền hình". Rather than listing each, every run of 3-7 syllables of the
plan is indexed by its initials, and a typed token that is no word of the plan and no common Vietnamese word is
read as the most frequent phrase with those initials (when one phrase clearly leads)."""
from __future__ import annotations

import json
import re
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from knowledge.loader import DATA_DIR, WORD_FREQUENCY_FILE
from knowledge.normalize import Lexicon, fold, tokens
from knowledge.records import KnowledgeBase

MIN_LETTERS, MAX_LETTERS = 3, 7
COMMON_ZIPF = 3.0  # a syllable at least this common in general Vietnamese is a word, not an acronym
CACHE_LIMIT = 50_000  # remembered look-ups
# Syllables that join phrases (folded: và, của, cho, tại, trong, với, các, những, là, theo, về, ở): a run does
# not start or end with one. Stop words are not used here: folded, 'có' is also 'cơ' of 'cơ quan'.
CONNECTORS = frozenset({"va", "cua", "cho", "tai", "trong", "voi", "cac", "nhung", "la", "theo", "ve", "o"})
# 'Phrase (Latin Name)': a name given in parentheses right after the phrase it names (at most 4 words)
_DEFINED = re.compile(r"^(.{6,80}?)\s+\(([A-Za-z][A-Za-z ]{1,30}[A-Za-z])\)")
_VOWEL = re.compile(r"[aeiouy]")
_CLAUSE = re.compile(r"[,.;:()\[\]\n–—]")  # 'nông nghiệp - nông dân - nông thôn' is one run: NN-ND-NT


@lru_cache(maxsize=2)
def word_frequency(path: Path = DATA_DIR / WORD_FREQUENCY_FILE) -> dict[str, float]:
    """Folded syllable -> Zipf frequency in general Vietnamese (absent: rarer than once per million words)."""
    return json.loads(path.read_text(encoding="utf-8"))["zipf"]


def record_phrases(kb: KnowledgeBase) -> Iterable[str]:
    for r in kb.read_all():
        yield r.title
        yield r.text
        yield from (str(x) for x in r.get("items", []))
    for a in kb.agencies.values():
        yield a.name


class Acronyms:
    """The phrase of the plan a typed acronym stands for, found when first asked and remembered.

    Every clause of the plan's texts is kept with the string of its syllables' initials, so the runs with given
    initials are found by a substring search. A run may not start or end with a connector; one phrase must
    clearly lead. A syllable of the plan is read as an acronym only when it has no vowel (the plan writes
    CBCCVC and TTHC as well as their full forms), so 'lan' or 'tier' stay words; an everyday word is never one."""

    def __init__(self, keyed: Iterable[str], listed: Iterable[str]) -> None:
        texts: list[str] = []  # each clause's syllables, space-separated (one string: compact at 100.000 records)
        initials: list[str] = []
        for text in keyed:
            for clause in _CLAUSE.split(text):
                toks = [t for t in tokens(clause) if t.isalpha()]
                if len(toks) >= MIN_LETTERS:
                    texts.append(" ".join(toks))
                    initials.append("".join(t[0] for t in toks))
        # every clause's syllables in one string and their initials in another, each with where clauses start (one
        # object each rather than one per clause: 150.000 clauses at 100.000 records)
        self._text = "|".join(texts)
        self._text_starts = array("q", accumulate((len(t) + 1 for t in texts), initial=0))
        self._initials = "|".join(initials)  # searched once per word
        self._starts = array("q", accumulate((len(i) + 1 for i in initials[:-1]), initial=0))
        self._known = {t for text in texts for t in text.split()}
        self.written = {t for t in self._known if not _VOWEL.search(t)}  # short forms the plan itself writes
        self._listed = set(listed)
        self._common = word_frequency()
        self._cache: dict[str, str | None] = {}

    def __getstate__(self) -> dict[str, Any]:
        # the words looked up while the records were keyed are saved: at 100.000 records a look-up takes ms
        return {**{k: v for k, v in self.__dict__.items() if k != "_common"}, "_cache": dict(self._cache)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, _common=word_frequency())

    def __call__(self, word: str) -> str | None:
        if word in self._cache:
            return self._cache[word]
        phrase = self._derive(word)
        if len(self._cache) < CACHE_LIMIT:  # questions can hold any string; the memory stays bounded
            self._cache[word] = phrase
        return phrase

    def _derive(self, word: str) -> str | None:
        if not MIN_LETTERS <= len(word) <= MAX_LETTERS or word in self._listed \
                or (word in self._known and _VOWEL.search(word)) or self._common.get(word, 0.0) >= COMMON_ZIPF:
            return None
        found: Counter[str] = Counter()
        at = self._initials.find(word)
        while at >= 0:  # a word of letters never spans the '|' between two clauses
            clause = bisect_right(self._starts, at) - 1
            start = at - self._starts[clause]
            text = self._text[self._text_starts[clause]:self._text_starts[clause + 1] - 1]
            run = text.split()[start:start + len(word)]
            if run[0] not in CONNECTORS and run[-1] not in CONNECTORS and all(_VOWEL.search(t) for t in run):
                found[" ".join(run)] += 1
            at = self._initials.find(word, at + 1)
        ranked = found.most_common(2)
        if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
            return None  # none, or no phrase clearly leads
        return ranked[0][0]


def defined_names(kb: KnowledgeBase) -> dict[str, str]:
    """Names the plan gives in parentheses after a title: 'Trung tâm hạ tầng thông tin (Data Center) của tỉnh'
    -> {'data center': 'trung tâm hạ tầng thông tin'} (a foreign or short name in plain Latin letters)."""
    out: dict[str, str] = {}
    for r in kb.read_all():
        m = _DEFINED.search(r.title)
        if m:
            out.setdefault(fold(m.group(2)), fold(m.group(1)))
    return out


def plan_acronyms(lex: Lexicon, kb: KnowledgeBase) -> Acronyms:
    return Acronyms((lex.key(text) for text in record_phrases(kb) if text), lex.abbreviations)


def relative_periods(kb: KnowledgeBase) -> dict[str, str]:
    """'giai đoạn này' / 'giai đoạn mới' -> the plan's own period; 'giai đoạn trước' -> the one before it."""
    own = kb.plan.get("giai_doan", "") if kb.plan else ""
    earlier = sorted({r.get("giai_doan") for r in kb.read_all()
                      if r.get("giai_doan") and own and r.get("giai_doan")[:4] < own[:4]})
    out = {f"{word} {when}": f"giai doan {own}" for word in ("giai doan", "gd", "ky") for when in ("nay", "moi")
           if own}
    if earlier:
        out.update({f"{word} truoc": f"giai doan {earlier[-1]}" for word in ("giai doan", "gd", "ky")})
    return out


def with_acronyms(lex: Lexicon, kb: KnowledgeBase) -> Lexicon:
    """The lexicon plus what the knowledge base teaches: acronyms (also typed with a hyphen: PT-TH), the names
    it defines in parentheses, and which periods 'giai đoạn này' and 'giai đoạn trước' are."""
    taught = {**relative_periods(kb), **defined_names(kb)}
    return replace(lex, acronym=plan_acronyms(lex, kb),
                   synonyms={**{k: v for k, v in taught.items() if k not in lex.synonyms}, **lex.synonyms})
