"""Words people use that no list holds: acronyms derived from the plan's own text, and how common a word is.

An official writes ĐTPT, CQNN, TTHC or PT-TH; the plan writes "đầu tư phát triển", "cơ quan nhà nước",
"thủ tục hành chính", "phát thanh - truyền hình". Rather than listing each, every run of 3-7 syllables of the
plan is indexed by its initials, and a typed token that is no word of the plan and no common Vietnamese word is
read as the most frequent phrase with those initials (when one phrase clearly leads)."""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from knowledge.loader import DATA_DIR, WORD_FREQUENCY_FILE
from knowledge.normalize import Lexicon, tokens
from knowledge.records import KnowledgeBase

MIN_LETTERS, MAX_LETTERS = 3, 7
COMMON_ZIPF = 3.0  # a syllable at least this common in general Vietnamese is a word, not an acronym
# Syllables that join phrases (folded: và, của, cho, tại, trong, với, các, những, là, theo, về, ở): a run does
# not start or end with one. Stop words are not used here: folded, 'có' is also 'cơ' of 'cơ quan'.
CONNECTORS = frozenset({"va", "cua", "cho", "tai", "trong", "voi", "cac", "nhung", "la", "theo", "ve", "o"})
_VOWEL = re.compile(r"[aeiouy]")
_CLAUSE = re.compile(r"[,.;:()\[\]\n–—]|\s-\s")


@lru_cache(maxsize=2)
def word_frequency(path: Path = DATA_DIR / WORD_FREQUENCY_FILE) -> dict[str, float]:
    """Folded syllable -> Zipf frequency in general Vietnamese (absent: rarer than once per million words)."""
    return json.loads(path.read_text(encoding="utf-8"))["zipf"]


def record_phrases(kb: KnowledgeBase) -> Iterable[str]:
    for r in kb.records.values():
        yield r.title
        yield r.text
        yield from (str(x) for x in r.get("items", []))
    for a in kb.agencies.values():
        yield a.name


def derive_acronyms(texts: Iterable[str], lex: Lexicon, known: set[str]) -> dict[str, str]:
    """{initials: phrase} for every clause run of the texts (not starting or ending with a function word) whose
    initials are not a word themselves.

    `known` holds the plan's own syllables: one of them is read as an acronym only when it has no vowel (the
    plan writes CBCCVC and TTHC as well as their full forms), so 'lan' or 'tier' stay words."""
    counts: dict[str, Counter[str]] = {}
    for text in texts:
        for clause in _CLAUSE.split(lex.key(text)):
            toks = [t for t in tokens(clause) if t.isalpha()]
            for n in range(MIN_LETTERS, MAX_LETTERS + 1):
                for i in range(len(toks) - n + 1):
                    run = toks[i:i + n]
                    if run[0] in CONNECTORS or run[-1] in CONNECTORS:
                        continue
                    counts.setdefault("".join(t[0] for t in run), Counter())[" ".join(run)] += 1
    common = word_frequency()
    out: dict[str, str] = {}
    for initials, phrases in counts.items():
        if (initials in known and _VOWEL.search(initials)) or common.get(initials, 0.0) >= COMMON_ZIPF \
                or initials in lex.abbreviations:
            continue
        (best, n), *rest = phrases.most_common(2)
        if not rest or n > rest[0][1]:  # one phrase clearly leads
            out[initials] = best
    return out


def with_acronyms(lex: Lexicon, kb: KnowledgeBase, known: set[str]) -> Lexicon:
    """The lexicon plus the acronyms derived from the knowledge base (also typed with a hyphen: PT-TH)."""
    return replace(lex, acronyms=derive_acronyms(record_phrases(kb), lex, known))
