"""Reading a question: what is asked (intents) and about what (years, period, agencies)."""
from __future__ import annotations

import re
from collections.abc import Callable, Container
from dataclasses import dataclass, field, replace

from knowledge.normalize import Lexicon, fold, tokens
from knowledge.records import Agency

# Cue phrases on the folded, expanded text ("kinh phi" already stands for vốn, tiền, TMĐT …).
INTENT_CUES: dict[str, tuple[str, ...]] = {
    "money": ("kinh phi", "het bao nhieu", "ton bao nhieu", "phan bo", "bo tri", "dau tu bao nhieu", "gia tri",
              "bao nhieu trieu", "bao nhieu ty", "bao nhieu tien", "nhieu tien", "may tien", "so tien", "tri gia",
              "tien bao nhieu", "mat tien", "het tien", "may ty", "tong tien", "phu cap", "muc luong",
              "tien luong", "luong thang", "tien cong", "tien", "ty dong", "trieu dong"),
    # 'chủ đầu tư' as the thing asked, not as a subject ('hướng dẫn chủ đầu tư …')
    "investor": ("lam chu dau tu", "la chu dau tu", "chu dau tu la", "chu dau tu cua", "chu dau tu du an",
                 "chu dau tu nhung", "chu dau tu nao", "ai lam chu", "ai dau tu", "do ai", "don vi nao thuc hien",
                 "co quan nao thuc hien", "ai thuc hien", "ai trien khai", "don vi nao lam", "co quan nao lam"),
    "duty": ("to chuc thuc hien", "chu tri", "phoi hop", "chiu trach nhiem", "co trach nhiem", "trach nhiem",
             "lam gi", "phai lam", "duoc giao", "phan cong", "phu trach", "dam nhiem", "vai tro"),
    "who": ("ai", "co quan nao", "don vi nao", "so nao", "ben nao"),
    "target": ("muc tieu", "chi tieu", "phan dau", "muc tieu cu the", "phai dat"),
    "general_goal": ("muc tieu tong quat", "muc tieu chung"),
    "when": ("nam nao", "khi nao", "bao gio", "thoi gian nao", "luc nao", "ket thuc", "bat dau", "thoi han",
             "den khi nao", "vao nam", "keo dai", "tu nam nao", "tu khi nao", "tu bao gio"),
    "list": ("cac du an", "nhung du an", "danh sach", "liet ke", "gom nhung", "co nhung", "nhung gi", "gom gi",
             "nhung cong trinh", "cac cong trinh", "bao nhieu du an", "may du an", "du an nao", "du an gi",
             "cong trinh nao", "cong trinh gi"),
    "project": ("du an", "cong trinh", "duoc dau tu", "hang muc"),  # a hạng mục is a part of a project
    "roadmap": ("lo trinh", "lo trinh thuc hien"),
    "meta": ("so hieu", "ke hoach so", "nguoi ky", "ky ban hanh", "ai ky", "ngay ban hanh",
             "ban hanh ngay", "ban hanh nam", "tham dinh", "to trinh", "co quan ban hanh", "trich yeu", "ten ke hoach",
             "ten day du", "ky ke hoach", "ky ngay", "ngay ky", "ban hanh khi nao", "ke hoach nay so may",
             "ke hoach so may", "de xuat ke hoach", "nao ky", "ky ten", "ky boi"),  # "đồng chí nào ký"
    "legal": ("can cu", "can cu xay dung", "dua tren van ban", "co so phap ly", "dua tren"),
    "solution": ("giai phap", "giai phap thuc hien"),
    "viewpoint": ("quan diem",),
    "shortcoming": ("ton tai", "han che", "yeu kem", "bat cap"),
    "cause": ("nguyen nhan", "vi sao", "tai sao", "ly do", "do dau"),
    "task": ("nhiem vu trong tam", "trach nhiem trong tam"),
    "status": ("hien trang", "thuc trang", "da dat", "dat duoc", "den het", "hien co", "da thuc hien",
               "ket qua thuc hien", "dang co"),  # "đang có": what there is now
    "help": ("xin chao", "chao ban", "chao", "hello", "alo", "help", "huong dan", "tro giup", "cam on", "start",
             "ban la ai", "ban biet gi", "hoi duoc gi", "hoi gi", "menu"),
}
# An administrative body written with its capitalised name ("Bộ Y tế", "Sở Giáo dục"): if none of the plan's
# agencies is recognised in the question, the plan says nothing about it.
_ORGANISATION = re.compile(r"(?<!\w)(?:(?:Bộ|[Ss]ở|Cục|Chi cục|Tổng cục|Ban|Viện|Bệnh viện|Trường|Đài|Quỹ|Hội|"
                           r"UBND (?:huyện|thành phố|thị xã|TP|TX)|Ủy ban nhân dân (?:huyện|thành phố|thị xã))"
                           r"\s+[A-ZĐ][\w&,.-]*(?:\s+\w+)?|[Cc]ông an(?: tỉnh| huyện| thành phố)?)")
# 'những huyện, thành phố, thị xã nào được …', 'sở nào có dự án …': the names of bodies of one type are asked
_WHICH_BODY = re.compile(r"^ (?:nhung |cac )?(huyen|so|ban)(?: [a-z]+){0,5}? nao ")
_COUNT = re.compile(r"\b(?:bao nhieu|may|so luong)\s+([a-z]+(?: [a-z]+)?)")  # on tokens, clauses kept apart
# Operations on a set of records, by their cue phrases (folded, expanded text).
OPERATION_CUES: dict[str, tuple[str, ...]] = {
    "max": ("lon nhat", "nhieu nhat", "cao nhat", "to nhat", "nhieu kinh phi nhat", "ton kinh phi nhat", "ton nhat"),
    "min": ("nho nhat", "it nhat", "thap nhat", "be nhat", "it kinh phi nhat"),
    "total": ("tong cong", "tong so", "tong kinh phi", "tong cac", "cong lai", "tong tat ca", "tong", "cong kinh phi"),
}
NOT_COUNTED = {"phan", "nam", "lan", "thang", "ngay"}  # 'bao nhiêu phần trăm', 'mấy năm', 'mấy lần': not things
FIGURE_INTENTS = {"money", "count", "how_much"}  # a figure is asked: years asked one by one stay years
NO_NOUN = {"va", "la", "thi"}  # 'bao nhiêu và …', 'bao nhiêu thì …': the figure asked is not a count of anything
# Nouns that name a kind of record: "bao nhiêu dự án", "mấy giai đoạn" count records of these kinds.
KIND_NOUNS: dict[str, tuple[str, ...]] = {
    "du an": ("project",), "cong trinh": ("project",), "hang muc": ("component",),
    "chi tieu": ("indicator",), "muc tieu": ("target",), "giai doan": ("phase",), "giai phap": ("solution",),
    "nhiem vu": ("duty",), "quan diem": ("viewpoint",), "can cu": ("legal_basis",), "nguon": ("budget_line",),
}
# "nhiều tiền … nhất": the superlative split around its object, up to four words apart
_SPLIT_SUPERLATIVE = {"max": re.compile(r"\b(?:nhieu|lon|cao|to|ton)\b(?: \w+){1,7} nhat\b"),
                      "min": re.compile(r"\b(?:it|nho|thap|be)\b(?: \w+){1,7} nhat\b")}
_MONEY_WORDS = re.compile(r" (?:kinh phi|bo tri|phan bo|tien|ty dong|ty(?! le )|trieu|trieu dong|ngan sach|chi phi|"
                          r"phu cap|muc luong|tien luong|luong thang|don gia) ")
# "những dịch vụ nào", "là những gì", "kể tên": what is asked is names ('những chỉ tiêu nào' asks for rows)
_ASKS_NAMES = re.compile(r" nhung (\w+(?: \w+){0,7}) nao | la nhung gi | ke ten ")
_APPENDIX = re.compile(r"\bphu luc (\d+)\b")
_APPENDIX_ITEM = re.compile(r"\bphu luc (\d+)\W+(?:muc|dong|stt)\s+([0-9a-z]+(?:\.[0-9a-z]+)*)")  # 'PL4 mục 8.2'
_ORDINAL = re.compile(r"\b(giai doan|giai phap|nhom|muc tieu) (?:thu )?(\d{1,2})\b(?! ?\d)"
                      r"|\b(giai doan|giai phap|nhom|muc tieu) (thu \w+|dau tien|cuoi cung|cuoi)\b")
# 'giai đoạn thứ hai', 'giải pháp đầu tiên', 'giai đoạn cuối' (-1: the last)
ORDINAL_WORDS = {"thu nhat": 1, "dau tien": 1, "thu hai": 2, "thu ba": 3, "thu tu": 4, "thu nam": 5, "thu sau": 6,
                 "thu bay": 7, "thu tam": 8, "thu chin": 9, "thu muoi": 10, "cuoi": -1, "cuoi cung": -1}
ORDINAL_SYLLABLES = frozenset(w for phrase in ORDINAL_WORDS for w in phrase.split() if w not in ("nam", "ba"))
_DOC_NUMBER = re.compile(r"\b(\d+[a-z]?) ?/ ?((?:19|20)\d\d)\b|\b(\d+[a-z]?)/([a-z]{2,}(?:-[a-z]+)*)\b")
_PERIOD = re.compile(r"\b((?:19|20)\d\d)\s*(?:-|–|den|toi)?\s*(?:nam\s+)?((?:19|20)\d\d)\b")
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_CLAUSE_END = re.compile(r"[,;:?!\n]+|\.(?=\s)")
_DAY_MONTH = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")  # '13/6/2016' dates something; it numbers no document
_DATE = re.compile(_DAY_MONTH.pattern + r"|\b\d+[a-z]?/(?:19|20)\d\d\b")  # … or a document's number/year


def question_phrases() -> list[str]:
    """The phrases questions are asked with (cues of intents and operations, nouns of kinds): typo repair
    knows them as well as the plan's own words."""
    return [*(c for cues in INTENT_CUES.values() for c in cues), *(c for cues in OPERATION_CUES.values() for c in cues),
            *KIND_NOUNS]


@dataclass
class Query:
    text: str
    key: str
    toks: list[str]
    content: list[str]
    years: list[int] = field(default_factory=list)
    period: tuple[int, int] | None = None
    periods: list[tuple[int, int]] = field(default_factory=list)  # each period written, when several are
    agencies: list[str] = field(default_factory=list)
    intents: set[str] = field(default_factory=set)
    organisation: str = ""  # an administrative body the question names, as written
    agency_words: set[str] = field(default_factory=set)  # the words that named a recognised agency
    operation: str = "lookup"  # lookup, list, total, count, max, min
    counted: tuple[str, ...] = ()  # the record kinds a count question counts
    appendix: int | None = None  # "phụ lục 4"
    item: tuple[int, str] | None = None  # "phụ lục 4 mục 8.2" -> (4, "8.2"): a row the question cites
    ordinal: tuple[str, int] | None = None  # ("giai doan", 1): the first phase
    doc_numbers: list[str] = field(default_factory=list)  # "41/2011", "33/ttr": numbers of documents named
    mask: list[bool] = field(default_factory=list)  # which of toks carry content (not stop words, fillers)
    money_words: bool = False  # the amount is asked in so many words, not only by 'hết bao nhiêu'
    measure: str = ""  # the noun a count question counts ('ở bao nhiêu xã' -> 'xa')
    which_body: str = ""  # 'những huyện … nào', 'ban nào': the type of body whose names are asked
    asks_names: bool = False  # "là những dịch vụ nào", "kể tên": the names are asked, not only how many
    asks_rate: bool = False  # "tỷ lệ", "bao nhiêu %": a percentage is asked
    asks_total: bool = False  # "tổng", "cộng lại": a sum is asked, whatever else ('có mấy dự án, cộng lại bao nhiêu')
    predicate: str = ""  # the content word just before 'bao nhiêu' ('đang chạy bao nhiêu máy chủ' -> 'chay')


    @property
    def year(self) -> int | None:
        return self.years[0] if len(self.years) == 1 else None

    def copy(self) -> Query:
        """A copy whose lists and sets are its own (routes narrow a question's frame as they read it)."""
        return replace(self, toks=list(self.toks), content=list(self.content), years=list(self.years),
                       periods=list(self.periods), agencies=list(self.agencies), intents=set(self.intents),
                       agency_words=set(self.agency_words), doc_numbers=list(self.doc_numbers), mask=list(self.mask))


def initials(name: str) -> list[str]:
    """'Sở Tư pháp' -> ['Sở TP', 'STP']: the short forms officials type for a department's name; a name of two
    fields also by its first ('Sở Nông nghiệp và Phát triển nông thôn' -> 'Sở NN', as 'Sở GD', 'Sở TN')."""
    head, _, rest = name.partition(" ")
    words = re.findall(r"\w+", fold(rest))
    letters = "".join(w[0] for w in words if w != "va")
    if fold(head) != "so" or len(letters) < 2:
        return []
    field = re.split(r",| - | và ", rest)
    first = "".join(w[0] for w in re.findall(r"\w+", fold(field[0]))) if len(field) > 1 else ""
    return [f"Sở {letters.upper()}", f"S{letters.upper()}"] + ([f"Sở {first.upper()}"] if len(first) >= 2 else [])


class AgencyFinder:
    """Spots agencies by every name and alias (folded, abbreviations written out)."""

    def __init__(self, agencies: list[Agency], lex: Lexicon) -> None:
        names: dict[str, str] = {}
        for a in agencies:
            for n in (a.name, *a.aliases, *_head_shortened((a.name, *a.aliases), lex.body_heads)):
                k = " ".join(tokens(lex.key(n)))
                if len(k) >= 4:
                    names.setdefault(k, a.id)
        short: dict[str, set[str]] = {}
        for a in agencies:
            for n in initials(a.name):
                short.setdefault(" ".join(tokens(lex.key(n))), set()).add(a.id)
        for k, ids in short.items():  # a short form two bodies share names neither
            if len(ids) == 1 and k not in names:
                names[k] = ids.pop()
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


def _head_shortened(names: tuple[str, ...], heads: tuple[tuple[str, str], ...]) -> list[str]:
    """'Trung tâm khuyến nông' -> 'TT khuyến nông': each name with its head written short, as officials type it."""
    return [short + n[len(head):] for n in names for head, short in heads
            if fold(n).startswith(fold(head) + " ")]


def parse(text: str, lex: Lexicon, finder: AgencyFinder,
          correct: Callable[[list[str]], list[str]] | None = None, compounds: Container[str] = ()) -> Query:
    """The frame of a question; `correct` repairs typos of the tokens first (in context); `compounds` are the
    word pairs the plan writes (without diacritics 'mấy xã' is a count, 'máy tính' a machine)."""
    key = lex.key(text)
    toks = tokens(key)
    clause_sizes = [len(tokens(c)) for c in _CLAUSE_END.split(key)]
    if correct:
        repaired = correct(toks)
        if repaired != toks:  # a repaired word may be one the lexicon rewrites ('nhim vu' -> 'nhiem vu' -> …)
            key = lex.expand(" ".join(repaired))
            repaired = tokens(key)
        toks = repaired
    spaced = " ".join(toks)
    mask = _clause_mask(toks, clause_sizes, lex)
    q = Query(text=text, key=spaced, toks=toks, content=[t for t, k in zip(toks, mask) if k], mask=mask)
    # '26/10/2015' or '1819/2015' dates a document the question names; it does not ask about 2015
    undated = " ".join(tokens(_DATE.sub(" ", key)))
    spans = [m for m in _PERIOD.finditer(undated) if int(m.group(1)) < int(m.group(2))]
    if spans:  # 'cả hai giai đoạn 2011-2015 và 2016-2020': the time from the first to the last
        q.period = (min(int(m.group(1)) for m in spans), max(int(m.group(2)) for m in spans))
        q.periods = [(int(m.group(1)), int(m.group(2))) for m in spans]
        for m in reversed(spans):
            undated = undated[:m.start()] + undated[m.end():]
    q.years = [int(y) for y in _YEAR.findall(undated)]
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
    clauses = [" ".join(tokens(c)) for c in _CLAUSE_END.split(key)]
    for m in (m for clause in clauses for m in _COUNT.finditer(clause)):
        noun = m.group(1)
        if noun.split()[0] in NO_NOUN or not lex.content_mask(noun.split()[:1])[0]:
            continue  # 'bao nhiêu với ạ', 'bao nhiêu và …': nothing counted
        q.intents.add("money" if noun.split()[0] in ("kinh", "tien", "trieu", "ty") else "count")
        kinds = KIND_NOUNS.get(noun) or KIND_NOUNS.get(noun.split()[0], ())
        if kinds and not q.counted:
            q.counted = kinds
        unit = noun.split()[0]
        machine = m.group(0).startswith("may") and (not compounds or f"may_{unit}" in compounds)
        if not kinds and "money" not in q.intents and unit not in NOT_COUNTED and lex.content_mask([unit])[0] \
                and not machine:
            q.measure = unit  # "ở bao nhiêu xã", "mấy xã", "bao nhiêu TB": what is counted
    if re.search(r"\bbao nhieu\s*$", spaced) and not q.intents & {"count", "money"}:
        # "… được đầu tư … bao nhiêu" asks for money; "… là bao nhiêu" may be an amount or a count
        q.intents.add("money" if re.search(r"\b(dau tu|ton|chi|cap von)\b", spaced) else "how_much")
    if "duty" in q.intents and " de lam gi " in padded and not any(
            f" {c} " in padded.replace(" de lam gi ", " ") for c in INTENT_CUES["duty"]):
        q.intents.discard("duty")  # '… để làm gì' asks what for (the goal), not a body's duties
    if "meta" in q.intents:  # "kế hoạch số bao nhiêu" asks for a number, not an amount
        q.intents.discard("money")
    # an amount in so many words (kinh phí, vốn, tiền, tỷ, triệu, ngân sách), not only 'hết bao nhiêu'
    q.money_words = "money" in q.intents and bool(_MONEY_WORDS.search(padded))
    if not q.period and len(q.years) >= 2 and q.years == list(range(q.years[0], q.years[0] + len(q.years))) \
            and not q.intents & FIGURE_INTENTS:
        q.period, q.years = (q.years[0], q.years[-1]), []  # 'năm 2019 và năm 2020 thực hiện gì': a span, not figures
    q.operation = _operation(q, padded)
    q.asks_total = any(f" {c} " in padded for c in OPERATION_CUES["total"])
    if "who" in q.intents and "bao nhieu" not in padded and q.operation not in ("max", "min"):
        q.intents.discard("money")  # "ai bố trí kinh phí …" asks for a body ('đơn vị nào ít tiền nhất' compares)
    body = _WHICH_BODY.search(padded)
    if body and "duty" not in q.intents and _spelt_as_body(body.group(1), text):
        q.which_body = body.group(1)  # 'huyện nào có dự án …'; 'sở nào chịu trách nhiệm …' asks a duty
    q.asks_rate = "ty le" in padded or "phan tram" in padded or "%" in text
    q.predicate = _predicate(toks, mask)
    if q.asks_rate and not _MONEY_WORDS.search(padded):
        q.intents.discard("money")  # "đạt bao nhiêu %": a rate, not an amount
    if "project" in q.intents and re.search(r"\bmuc tieu (?:\w+ ){0,2}(?:du an|cong trinh)\b", spaced):
        q.intents.discard("target")  # "mục tiêu của dự án X": an attribute of the project
    named = _ASKS_NAMES.search(padded)
    q.asks_names = named is not None and not KIND_NOUNS.get(named.group(1) or "") == ("indicator",)
    appendix = _APPENDIX.search(spaced)
    q.appendix = int(appendix.group(1)) if appendix else None
    item = _APPENDIX_ITEM.search(lex.key(text))
    q.item = (int(item.group(1)), item.group(2).rstrip(".")) if item else None
    q.ordinal = _ordinal(spaced)
    # numbers of documents, read before abbreviations are written out ('3854/KH-UBND' stays itself)
    q.doc_numbers = document_numbers(fold(text))
    return q


# a body type as typed: 'so' may be 'số', 'ban' may be 'bạn' unless diacritics are typed; 'huyen' is only huyện
BODY_TYPE_SPELLINGS = {"so": ("sở",), "ban": ("ban",), "huyen": ("huyện", "huyen")}


def _spelt_as_body(kind: str, text: str) -> bool:
    lowered = text.lower()
    accented = fold(text) != lowered
    return any(re.search(rf"(?<!\w){w}(?!\w)", lowered) for w in BODY_TYPE_SPELLINGS[kind]
               if accented or w == fold(w) and kind == "huyen")


def _ordinal(spaced: str) -> tuple[str, int] | None:
    """("giai doan", 2) for 'giai đoạn 2', 'giai đoạn thứ hai'; -1 for 'giai đoạn cuối'."""
    for m in _ORDINAL.finditer(spaced):
        if m.group(1):
            return m.group(1), int(m.group(2))
        if m.group(4) in ORDINAL_WORDS:
            return m.group(3), ORDINAL_WORDS[m.group(4)]
    return None


def _predicate(toks: list[str], mask: list[bool]) -> str:
    """The content word before the first 'bao nhiêu': what the asked figure measures the doing of."""
    at = next((i for i in range(len(toks) - 1) if toks[i] == "bao" and toks[i + 1] == "nhieu"), 0)
    before = [t for t, keep in zip(toks[:at], mask[:at]) if keep]
    return before[-1] if before and before[-1].isalpha() else ""  # 'đến 2020 bao nhiêu %' names a time, not a doing


def document_numbers(folded: str) -> list[str]:
    """'41/2011', '3854/kh-ubnd': numbers of documents in a folded text (a date such as 13/6/2016 is none)."""
    return [f"{a or c}/{b or d}" for a, b, c, d in _DOC_NUMBER.findall(_DAY_MONTH.sub(" ", folded))]


def _clause_mask(toks: list[str], sizes: list[int], lex: Lexicon) -> list[bool]:
    """Content words clause by clause, so the particle that ends each clause ('… bao nhiêu ạ? Em cảm ơn ạ')
    is dropped, not only the last one (typo repair keeps the clauses' lengths unless it rewrote a phrase)."""
    if sum(sizes) != len(toks):
        return lex.content_mask(toks)
    mask: list[bool] = []
    for n in sizes:
        mask += lex.content_mask(toks[len(mask):len(mask) + n])
    return mask


def _operation(q: Query, padded: str) -> str:
    for op in ("min", "max"):  # 'ít vốn nhất' before 'vốn … nhất'

        if any(f" {c} " in padded for c in OPERATION_CUES[op]) or _SPLIT_SUPERLATIVE[op].search(padded):
            return op
    if q.counted:
        return "count"
    if any(f" {c} " in padded for c in OPERATION_CUES["total"]):
        return "total"
    return "list" if "list" in q.intents else "lookup"
