"""Reading a question: what is asked (intents) and about what (years, period, agencies)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.normalize import Lexicon, tokens
from knowledge.records import Agency

# Cue phrases on the folded, expanded text ("kinh phi" already stands for vốn, tiền, TMĐT …).
INTENT_CUES: dict[str, tuple[str, ...]] = {
    "money": ("kinh phi", "het bao nhieu", "ton bao nhieu", "phan bo", "bo tri", "dau tu bao nhieu", "gia tri",
              "bao nhieu trieu", "bao nhieu ty"),
    "investor": ("chu dau tu", "ai lam chu", "ai dau tu", "do ai", "don vi nao thuc hien", "co quan nao thuc hien",
                 "ai thuc hien", "ai trien khai", "don vi nao lam", "co quan nao lam"),
    "duty": ("to chuc thuc hien", "chiu trach nhiem", "co trach nhiem", "trach nhiem", "lam gi", "phai lam",
             "duoc giao", "phan cong",
             "vai tro"),
    "who": ("ai", "co quan nao", "don vi nao", "so nao", "ben nao"),
    "target": ("muc tieu", "chi tieu", "phan dau", "den nam 2020", "den 2020", "muc tieu cu the"),
    "general_goal": ("muc tieu tong quat", "muc tieu chung"),
    "when": ("nam nao", "khi nao", "bao gio", "thoi gian nao", "luc nao"),
    "list": ("cac du an", "nhung du an", "danh sach", "liet ke", "gom nhung", "co nhung", "nhung gi", "gom gi",
             "nhung cong trinh", "cac cong trinh", "bao nhieu du an", "may du an"),
    "project": ("du an", "cong trinh"),
    "roadmap": ("lo trinh", "lo trinh thuc hien", "giai doan 2016 2018", "giai doan 2019 2020", "phan ky"),
    "meta": ("so hieu", "ke hoach so", "nguoi ky", "ky ban hanh", "ai ky", "ngay ban hanh",
             "ban hanh ngay", "ban hanh nam", "tham dinh", "to trinh", "co quan ban hanh", "trich yeu", "ten ke hoach",
             "ten day du", "ky ke hoach", "ky ngay", "ngay ky", "ban hanh khi nao"),
    "legal": ("can cu", "can cu xay dung", "dua tren van ban", "co so phap ly"),
    "solution": ("giai phap", "giai phap thuc hien"),
    "viewpoint": ("quan diem",),
    "shortcoming": ("ton tai", "han che", "yeu kem", "bat cap"),
    "cause": ("nguyen nhan",),
    "task": ("nhiem vu trong tam", "trach nhiem trong tam"),
    "help": ("xin chao", "chao ban", "chao", "hello", "alo", "help", "huong dan", "tro giup", "cam on", "start",
             "bat dau", "ban la ai", "ban biet gi", "hoi duoc gi", "hoi gi", "menu"),
}
# An administrative body written with its capitalised name ("Bộ Y tế", "Sở Giáo dục"): if none of the plan's
# agencies is recognised in the question, the plan says nothing about it.
_ORGANISATION = re.compile(r"(?<!\w)(?:Bộ|Sở|Cục|Tổng cục|Ban|UBND (?:huyện|thành phố|thị xã|TP|TX)|"
                           r"Ủy ban nhân dân (?:huyện|thành phố|thị xã))\s+[A-ZĐ][\w&,.-]*(?:\s+\w+)?")
_COUNT = re.compile(r"\b(?:bao nhieu|may)\s+([a-z]+)")
_PERIOD = re.compile(r"\b(20[0-2]\d)\s*(?:-|–|den|toi)?\s*(20[0-2]\d)\b")
_YEAR = re.compile(r"\b(20[0-2]\d)\b")


@dataclass
class Query:
    text: str
    key: str
    toks: list[str]
    content: list[str]
    years: list[int] = field(default_factory=list)
    period: tuple[int, int] | None = None
    agencies: list[str] = field(default_factory=list)
    intents: set[str] = field(default_factory=set)
    organisation: str = ""  # an administrative body the question names, as written
    agency_words: set[str] = field(default_factory=set)  # the words that named a recognised agency

    @property
    def year(self) -> int | None:
        return self.years[0] if len(self.years) == 1 else None


class AgencyFinder:
    """Spots agencies by every name and alias (folded, abbreviations written out)."""

    def __init__(self, agencies: list[Agency], lex: Lexicon) -> None:
        names: dict[str, str] = {}
        for a in agencies:
            for n in (a.name, *a.aliases):
                k = " ".join(tokens(lex.key(n)))
                if len(k) >= 4:
                    names.setdefault(k, a.id)
        self._names = names
        self._re = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in sorted(names, key=len, reverse=True))
                              + r")\b") if names else None

    def find(self, key: str) -> list[str]:
        return list(dict.fromkeys(aid for aid, _ in self.mentions(key)))

    def names_something(self, key: str) -> bool:
        """Whether a (possibly cut short) name such as 'so thong tin' begins a known agency's name."""
        return any(name.startswith(key) for name in self._names)

    def mentions(self, key: str) -> list[tuple[str, str]]:
        """(agency id, the words naming it) for each mention, longest names first."""
        if not self._re:
            return []
        return [(self._names[m.group(0)], m.group(0)) for m in self._re.finditer(key)]


def parse(text: str, lex: Lexicon, finder: AgencyFinder) -> Query:
    key = lex.key(text)
    toks = tokens(key)
    spaced = " ".join(toks)
    mask = lex.content_mask(toks)
    q = Query(text=text, key=spaced, toks=toks, content=[t for t, k in zip(toks, mask) if k])
    m = _PERIOD.search(spaced)
    if m and int(m.group(1)) < int(m.group(2)):
        q.period = (int(m.group(1)), int(m.group(2)))
        spaced_wo = spaced[:m.start()] + spaced[m.end():]
    else:
        spaced_wo = spaced
    q.years = [int(y) for y in _YEAR.findall(spaced_wo)]
    mentions = finder.mentions(spaced)
    q.agencies = list(dict.fromkeys(aid for aid, _ in mentions))
    q.agency_words = {t for _, words in mentions for t in words.split()}
    named = _ORGANISATION.search(text)
    if named:
        q.organisation = named.group(0)
    padded = f" {spaced} "
    for intent, cues in INTENT_CUES.items():
        if any(f" {c} " in padded for c in cues):
            q.intents.add(intent)
    for m in _COUNT.finditer(spaced):
        q.intents.add("money" if m.group(1) in ("kinh", "tien", "trieu", "ty") else "count")
    if re.search(r"\bbao nhieu\s*$", spaced) and not q.intents & {"count", "money"}:
        # "… được đầu tư … bao nhiêu" asks for money; "… là bao nhiêu" may be an amount or a count
        q.intents.add("money" if re.search(r"\b(dau tu|ton|chi|cap von)\b", spaced) else "how_much")
    if "meta" in q.intents:  # "kế hoạch số bao nhiêu" asks for a number, not an amount
        q.intents.discard("money")
    return q
