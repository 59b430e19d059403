"""Turning how people type (diacritics or not, old tone placement, abbreviations, typos) into comparable keys."""
from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from knowledge.loader import ABBREVIATION_FILE, DATA_DIR, VOCABULARY_FILE

_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_OPEN_PAIR = re.compile(r"(?<!q)(o[ae]|uy)$")  # hoà/hòa, khoẻ/khỏe, thuý/thúy, uỷ/ủy (no final consonant)
_WORD = re.compile(r"\w+")


def _one_tone_placement(match: re.Match[str]) -> str:
    units: list[list[str]] = []
    for ch in unicodedata.normalize("NFD", match.group(0)):
        if unicodedata.combining(ch) and units:
            units[-1][1] += ch
        else:
            units.append([ch, ""])
    pair = _OPEN_PAIR.search("".join(u[0].lower() for u in units))
    if pair:
        first, second = units[pair.start()], units[pair.start() + 1]
        tone = "".join(c for c in second[1] if c in _TONES)
        if tone:
            second[1] = "".join(c for c in second[1] if c not in _TONES)
            first[1] += tone
    return unicodedata.normalize("NFC", "".join(b + m for b, m in units))


REMEMBERED_CHARS = 300  # texts up to this long are cleaned and folded once, then remembered

# digits of other scripts and forms ('²⁰¹⁷', full-width '２０１７', Arabic-Indic) read as the ASCII digit they are
_DIGITS = {c: str(unicodedata.digit(chr(c))) for c in [*range(0x80, 0x3000), *range(0xFF10, 0xFF1A)]
           if unicodedata.digit(chr(c), None) is not None}


def _plain(text: str) -> str:
    """NFC, ð→đ, other digits as ASCII, control and zero-width characters dropped."""
    text = unicodedata.normalize("NFC", text).replace("ð", "đ").replace("Ð", "Đ").translate(_DIGITS)
    return _CONTROL.sub(" ", text)


def _clean(text: str) -> str:
    """NFC, ð→đ, one tone placement (hoà → hòa), control and zero-width characters dropped, spaces collapsed."""
    return " ".join(_WORD.sub(_one_tone_placement, _plain(text)).split())


_clean_remembered = lru_cache(maxsize=4096)(_clean)


def clean(text: str) -> str:
    """`_clean`, remembered for texts of a question's length: one message's clauses are cleaned again as each of
    its readings is tried (a long text is not kept: the memory stays bounded whatever users send)."""
    return _clean_remembered(text) if len(text) <= REMEMBERED_CHARS else _clean(text)


def _fold_table() -> dict[int, str | None]:
    """Every Latin letter with diacritics -> its base letter, combining marks -> nothing; đ -> d."""
    table: dict[int, str | None] = {ord("đ"): "d"}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        base = "".join(c for c in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(c))
        if base != chr(code) and base.isascii():
            table[code] = base
    table.update({code: None for code in range(0x300, 0x370)})
    return table


_FOLD = _fold_table()


def _fold(text: str) -> str:
    """Lower case without diacritics; đ → d (unicodedata does not decompose đ). Tones go, so either placement
    of them folds the same way; other characters ('–', '²') stay."""
    return " ".join(_plain(text).split()).lower().translate(_FOLD)


_fold_remembered = lru_cache(maxsize=8192)(_fold)


def fold(text: str) -> str:
    """`_fold`, remembered for texts of a question's length (see `clean`)."""
    return _fold_remembered(text) if len(text) <= REMEMBERED_CHARS else _fold(text)


_TOKEN = re.compile(r"[a-z0-9]+")


# i/y spelled either way after these initials: kí/ký, lí/lý, mĩ/mỹ, tỉ/tỷ, sĩ/sỹ, hi/hy, qui/quy.
_I_OR_Y = {"ki": "ky", "li": "ly", "mi": "my", "ti": "ty", "si": "sy", "hi": "hy", "qui": "quy"}


def tokens(folded: str) -> list[str]:
    """Syllables and numbers of a folded text; leading zeros dropped so 03 and 3 meet; kí/ký spelled one way."""
    return [t.lstrip("0") or "0" if t.isdigit() else _I_OR_Y.get(t, t) for t in _TOKEN.findall(folded)]


# "16-20", "gd 11-15": a period typed with two-digit years (the later one larger, both 00-39)
_SHORT_PERIOD = re.compile(r"(?<![\w/.,])([0-3]\d)\s*-\s*([0-3]\d)(?![\w/.,%])")


_HYPHENATED = re.compile(r"(?<![\w-])[a-z]{1,4}(?:\s?-\s?[a-z]{1,4})+(?![\w-])")  # 'pt-th', 'nn-nd-nt'
_APPENDIX_SHORT = re.compile(r"(?<![a-z0-9])pl ?(\d{1,2})(?![0-9])")  # 'PL1', 'pl 4': phụ lục
_CONSONANTS = re.compile(r"(?<![a-z0-9])[b-df-hj-np-tv-xz]{3,7}(?![a-z0-9])")  # a short form typed in a hurry
_VOWELS = re.compile(r"[aeiouy]")
_LETTERS = re.compile(r"(?<![a-z0-9])[a-z]{3,7}(?![a-z0-9])")


def _long_period(m: re.Match[str]) -> str:
    a, b = m.group(1), m.group(2)
    return f"20{a}-20{b}" if a < b else m.group(0)


def _by_first_word(phrases: Iterable[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    """Phrases by their first word, so a text is matched only against those starting at each of its words."""
    by: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        by.setdefault(phrase[0], []).append(phrase)
    return by


def _alternation(keys: list[str]) -> re.Pattern[str]:
    keys = sorted(keys, key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![a-z0-9])")


@dataclass(frozen=True)
class Lexicon:
    """Abbreviations, synonyms and stop words from knowledge/data, compiled for folded text."""
    abbreviations: dict[str, str]
    synonyms: dict[str, str]
    stopwords: frozenset[str]
    stop_phrases: frozenset[tuple[str, ...]]
    particles: frozenset[tuple[str, ...]] = frozenset()  # sentence-final particles (ạ, nhỉ, nha …)
    unstated: tuple[tuple[str, str], ...] = ()  # (folded words, what is asked): things no field of the plan holds
    places: tuple[tuple[str, str], ...] = ()  # (folded words, as written): the country's provinces and cities
    person_places: frozenset[str] = frozenset()  # places named after a person: a place only after 'tỉnh', 'TP'
    # words read only as typed, with capitals or diacritics ('DA' is dự án, 'da' is 'đã'; 'phân bố' is no 'phân bổ')
    as_typed: dict[str, str] = field(default_factory=dict)
    compounds: frozenset[tuple[str, ...]] = frozenset()  # 'thông minh': its 'minh' is no filler ('mình')
    # a province's usual bodies, each form as written -> the body's name ('Sở GD&ĐT' -> Sở Giáo dục và Đào tạo)
    bodies: tuple[tuple[str, str], ...] = ()
    body_heads: tuple[tuple[str, str], ...] = ()  # (head of a body's name, its short form): Trung tâm -> TT
    # the phrase a typed acronym stands for, derived from the plan (knowledge.vocabulary); None: not one
    acronym: Callable[[str], str | None] = field(default=lambda word: None)

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_keys"}  # a memo table, remade empty when loaded

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    @cached_property
    def _abbr_re(self) -> re.Pattern[str]:
        return _alternation(list(self.abbreviations))

    @cached_property
    def _phrases_by_first(self) -> dict[str, list[tuple[str, ...]]]:
        return _by_first_word(self.stop_phrases)

    @cached_property
    def _compounds_by_first(self) -> dict[str, list[tuple[str, ...]]]:
        return _by_first_word(self.compounds)

    @cached_property
    def _syn_re(self) -> re.Pattern[str]:
        return _alternation(list(self.synonyms))

    def expand(self, folded: str) -> str:
        """Two-digit periods written out ('16-20' -> '2016-2020'), abbreviations and chat shorthand written out,
        then synonyms and everyday words mapped to the plan's word for the concept."""
        folded = _SHORT_PERIOD.sub(_long_period, folded)
        folded = _APPENDIX_SHORT.sub(r"phu luc \1", folded)
        folded = _HYPHENATED.sub(self._joined, folded)
        folded = self._abbr_re.sub(lambda m: self.abbreviations[m.group(0)], folded)
        folded = _LETTERS.sub(lambda m: self.acronym(m.group(0)) or m.group(0), folded)
        folded = _CONSONANTS.sub(self._transposed, folded)
        return self._syn_re.sub(lambda m: self.synonyms[m.group(0)], folded)

    @cached_property
    def _vowelless(self) -> dict[str, str]:
        """Listed short forms with no vowel ('cntt', 'tthc')."""
        return {k: v for k, v in self.abbreviations.items() if k.isalpha() and not _VOWELS.search(k) and len(k) >= 4}

    def _transposed(self, m: re.Match[str]) -> str:
        """'CNNT' -> công nghệ thông tin, 'CBCCC' -> cán bộ, công chức, viên chức: one letter off (swapped; or,
        from five letters, left out or doubled) exactly one listed short form."""
        word = m.group(0)
        if word in self.abbreviations or len(word) < 4:
            return word
        slack = int(len(word) >= 5)
        near = {full for key, full in self._vowelless.items()
                if abs(len(key) - len(word)) <= slack and Levenshtein.distance(key, word, score_cutoff=1) <= 1}
        return near.pop() if len(near) == 1 else word

    def _joined(self, m: re.Match[str]) -> str:
        """'pt-th' -> 'ptth', 'nn-nd-nt' -> 'nnndnt' when that is a known short form."""
        joined = "".join(m.group(0).replace("-", " ").split())
        return joined if joined in self.abbreviations or self.acronym(joined) else m.group(0)

    @cached_property
    def _typed_re(self) -> re.Pattern[str] | None:
        keys = sorted(self.as_typed, key=len, reverse=True)
        return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, keys)) + r")(?!\w)") if keys else None

    @cached_property
    def _keys(self) -> Callable[[str], str]:
        """Keys remembered: an index keys each title three or four times (title, record text, children)."""
        return lru_cache(maxsize=16384)(self._key_uncached)

    def key(self, text: str) -> str:
        """The text as the index and the matcher compare it: folded, short forms and synonyms written out."""
        return self._keys(text)

    def _key_uncached(self, text: str) -> str:
        if self._typed_re:
            text = self._typed_re.sub(lambda m: self.as_typed[m.group(0)], text)
        return self.expand(fold(text))

    def content_mask(self, toks: list[str]) -> list[bool]:
        """True for tokens that carry meaning (not stop words, not inside a stop phrase)."""
        keep = [t not in self.stopwords for t in toks]
        for i, t in enumerate(toks):
            for phrase in self._phrases_by_first.get(t, ()):
                if tuple(toks[i:i + len(phrase)]) == phrase:
                    keep[i:i + len(phrase)] = [False] * len(phrase)
        for i in range(len(toks) - 1):  # 'thông minh', 'minh bạch': words, whatever a syllable alone would be
            for phrase in self._compounds_by_first.get(toks[i], ()):
                if tuple(toks[i:i + len(phrase)]) == phrase:
                    keep[i:i + len(phrase)] = [True] * len(phrase)
        end = len(toks)  # particles only at the end: without diacritics 'nha' is also 'nhà', 'ha' is 'hạ'
        while end and any(tuple(toks[max(0, end - len(p)):end]) == p for p in self.particles):
            n = max(len(p) for p in self.particles if tuple(toks[max(0, end - len(p)):end]) == p)
            keep[end - n:end] = [False] * n
            end -= n
        return keep


def lexicon_key(word: str, abbreviations: dict[str, str], synonyms: dict[str, str]) -> str:
    """A stop word in the form questions take after expansion (e.g. 'vốn' is keyed as 'kinh phi')."""
    folded = fold(word)
    return synonyms.get(folded, abbreviations.get(folded, folded))


@lru_cache(maxsize=4)
def lexicon(path: Path = DATA_DIR / ABBREVIATION_FILE, vocabulary: Path = DATA_DIR / VOCABULARY_FILE) -> Lexicon:
    data = json.loads(path.read_text(encoding="utf-8"))
    chat = json.loads(vocabulary.read_text(encoding="utf-8"))
    abbreviations = {fold(short): fold(full) for short, full in {**chat["shorthand"], **data["abbreviations"]}.items()}
    # each group's own word maps to itself, so 'thiết bị' inside 'trang thiết bị' is not replaced again
    synonyms = {fold(word): fold(group[0]) for group in data["synonyms"] for word in group}
    for concept, words in chat["thesaurus"].items():
        # the concept maps to itself so that 'ký số' inside 'chữ ký số' is not replaced again
        synonyms.update({fold(w): fold(concept) for w in (concept, *words)})
    single: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    for w in (*data["stopwords"], *chat["fillers"]):
        parts = tuple(tokens(lexicon_key(w, abbreviations, synonyms)))
        if len(parts) > 1:
            phrases.add(parts)
        else:
            single.update(parts)
    particles = frozenset(tuple(tokens(fold(p))) for p in chat["particles"])
    unstated = tuple((" ".join(tokens(fold(k))), v) for k, v in chat.get("not_in_plan", {}).items())
    places = tuple((" ".join(tokens(fold(p))), p) for p in chat.get("tinh_thanh", []))
    compounds = frozenset(tuple(tokens(fold(w))) for w in chat.get("tu_ghep", []))
    bodies = tuple((form, name) for name, forms in chat.get("co_quan_tinh", {}).items() for form in (name, *forms))
    return Lexicon(abbreviations, synonyms, frozenset(single), frozenset(phrases), particles, unstated, places,
                   frozenset(chat.get("tinh_thanh_ten_nguoi", [])), dict(chat.get("as_typed", {})), compounds,
                   bodies, tuple(data.get("ten_co_quan_viet_tat", {}).items()))
