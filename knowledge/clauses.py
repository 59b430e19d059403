"""Questions of several clauses: "năm 2011 bố trí bao nhiêu vốn, cho mấy dự án" asks two things;
"tuần sau họp với STTTT, mình cần biết vốn ĐTPT 2011-2015 giải ngân bao nhiêu" asks one, after a preamble.

A clause is a question when it holds a question word (bao nhiêu, mấy, gì, nào, ai …). Two or more question
clauses are answered each (a clause without a time or a body takes the question's); when the whole question is
not answered, its one question clause alone is tried, without the preamble."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.normalize import fold, tokens

# 'còn' turns to another question; typed without diacritics it is 'con', as in 'con số' (a figure)
_SPLIT = re.compile(r"[,;?!\n]+|\.(?=\s)|\s+(?:còn|thế còn)\s+(?=\w)", re.IGNORECASE)
_SPLIT_PLAIN = re.compile(r"[,;?!\n]+|\.(?=\s)|\s+(?:con|the con)\s+(?!so\b)(?=\w)", re.IGNORECASE)
# folded question words ('cho em xin con số …' asks too); 'bao nhiêu' and 'mấy' are checked in context
QUESTION_WORDS = {"bn", "gi", "j", "nao", "ai", "sao", "xin"}  # folded; 'bao nhiêu' and 'mấy' are checked in context
NOT_ASKING_XIN = {"loi", "phep", "chao", "cam"}  # 'xin lỗi', 'xin phép', 'xin chào', 'xin cảm ơn' ask nothing
NOT_MAY = {"tinh", "chu", "phat", "in", "moc"}  # 'máy tính', 'máy chủ' … are machines, not 'mấy'


def is_question(toks: list[str]) -> bool:
    """Whether a clause asks something: a question word, 'bao nhiêu', or 'mấy' before a noun (not 'máy tính')."""
    pairs = list(zip(toks, [*toks[1:], ""]))
    words = {a for a, b in pairs if not (a == "xin" and b in NOT_ASKING_XIN)}
    return bool(QUESTION_WORDS & words) or ("bao", "nhieu") in pairs \
        or any(a == "may" and b and b not in NOT_MAY for a, b in pairs)


# 'năm 2011', 'gđ 16-20', '2011-2015'
_TIME = re.compile(r"\b(?:năm|nam|giai đoạn|giai doan|gđ|gd)\s+\d{2,4}(?:\s*-\s*\d{2,4})?"
                   r"|\b(?:19|20)\d\d\s*-\s*(?:19|20)?\d\d\b", re.IGNORECASE)
MIN_CLAUSE_WORDS = 3
MAX_SECOND_WORDS = 8  # a second subject added after the question ('… với hồ sơ khai thuế nữa ạ') is short
MIN_SUBJECT_WORDS = 2  # a clause answered on its own names its subject ("mục tiêu đến 2020 thế nào" does not)


# 'và' / 'với' joining two subjects or two questions; not the 'với' of a verb ('so với', 'kết nối với', 'phối hợp với')
_AND = re.compile(r"(?<!\bso)(?<!\bnối)(?<!\bnoi)(?<!\bhợp)(?<!\bhop)(?<!\bgắn)(?<!\bgan)(?<!\bđối)(?<!\bdoi)"
                  r"(?<!\bcùng)(?<!\bcung)\s+(?:và|va|vs|với|voi)\s+", re.IGNORECASE)


def _halves(part: str) -> list[str]:
    """'… là bao nhiêu và đã giải ngân được bao nhiêu': two questions joined by 'và' (not 'Thông tin và Truyền
    thông', which asks nothing on each side)."""
    pieces = _AND.split(part)
    asks = [[t for t in tokens(fold(p)) if t != "xin"] for p in pieces]  # 'xin hỏi X và Y …' is one question
    if len(pieces) == 2 and all(is_question(toks) and len(toks) >= MIN_CLAUSE_WORDS for toks in asks):
        return pieces
    return [part]




def shared_question(text: str) -> tuple[str, str] | None:
    """'nhóm quyết toán và nhóm quá hạn được bố trí bn vốn': two subjects joined by 'và' / 'với', the question
    written once, after the second: (the first subject, the second clause with the question)."""
    sides = _AND.split(text.strip())
    if len(sides) != 2:
        return None
    first, second = (tokens(fold(side)) for side in sides)
    if is_question(first) or not is_question(second) or len(first) < MIN_SUBJECT_WORDS:
        return None
    return sides[0].strip(" ,"), sides[1].strip()


def second_subject(text: str) -> tuple[str, str] | None:
    """'mục tiêu nộp thuế qua mạng đến 2020 là bn % với hồ sơ khai thuế nữa': the question written once, before a
    second subject that asks nothing itself: (the question, the second subject)."""
    sides = _AND.split(text.strip())
    if len(sides) != 2:
        return None
    first, second = (tokens(fold(side)) for side in sides)
    if not is_question(first) or is_question(second) or not MIN_SUBJECT_WORDS <= len(second) <= MAX_SECOND_WORDS:
        return None
    return sides[0].strip(" ,"), sides[1].strip(" ,.?")


# 'so sánh [giúp tôi] A với B[, dự án nào lớn hơn]': the sides end where the question of which one begins
_COMPARE_HEAD = r"\bso s[aá]nh\b(?:\s+(?:giúp|giup|giùm|gium|hộ|ho)\s+(?:tôi|toi|em|mình|minh))?\s+(.+?)"
_COMPARE_TAIL = (r"\s+(.+?)(?=[,;.?]?\s*(?:thì\s+|thi\s+)?(?:dự án|du an|cái|cai|bên|ben|nơi|noi|đơn vị|don vi)"
                 r"\s+(?:nào|nao)\b|[?!]|$)")
# 'với' separates the sides; 'và' only when no 'với' does ('Sở Kế hoạch và Đầu tư với Sở Tài chính')
_COMPARE = [re.compile(_COMPARE_HEAD + rf"\s+(?:{sep}){_COMPARE_TAIL}", re.IGNORECASE)
            for sep in ("so với|so voi|với|voi", "và|va")]


def compared(text: str) -> tuple[str, str] | None:
    """'So sánh vốn của dự án A với dự án B, dự án nào lớn hơn': (A, B), each asked on its own."""
    m = next((m for pattern in _COMPARE if (m := pattern.search(text))), None)
    return (m.group(1).strip(" ,"), m.group(2).strip(" ,")) if m else None


@dataclass(frozen=True)
class Clauses:
    questions: list[str]  # the clauses that ask something, each with the question's time if it lacks one
    context: list[str]  # the other clauses (a preamble, a greeting)
    before: str = ""  # the clause right before the one question ('… có dự án X, vốn bn vậy')
    timed: list[bool] = field(default_factory=list)  # each question states its own time (not borrowed)


SELF = {"toi", "minh", "em", "e"}  # 'sở tôi', 'đơn vị mình', 'bên em', 'chúng tôi'
# … but not the asker asking ('cho em hỏi', 'giúp mình', 'em xin') nor 'thông minh'
NOT_SELF_BEFORE = {"cho", "giup", "nho", "thong", "voi"}
NOT_SELF_AFTER = {"hoi", "xin", "can", "muon", "cam"}


BODY_NOUNS = {"so", "vi", "huyen", "ben", "quan", "nganh", "phong", "ban", "xa", "chung"}  # sở, đơn vị, huyện, bên …


def points_to_own_body(clause: str) -> bool:
    """Whether the clause speaks of the asker's body ('sở mình có dự án gì', 'đơn vị chúng tôi'), not only of the
    asker ('em đang làm báo cáo')."""
    toks = tokens(fold(clause))
    return any(t in SELF and i and toks[i - 1] in BODY_NOUNS for i, t in enumerate(toks))


_ANAPHORA = re.compile(r"\b(?:du an|cong trinh|hang muc|cai|muc) (?:do|nay|ay|kia)\b")


def points_back(clause: str) -> bool:
    """Whether the clause names its subject only as 'dự án đó', 'cái này': the clause before says which."""
    return bool(_ANAPHORA.search(" ".join(tokens(fold(clause)))))


def refers_to_self(clause: str) -> bool:
    """Whether the clause speaks of the asker or their body ('sở tôi được bố trí dự án gì', 'tôi ở Sở Y tế')."""
    toks = tokens(fold(clause))
    return any(t in SELF and (i == 0 or toks[i - 1] not in NOT_SELF_BEFORE)
               and (i + 1 == len(toks) or toks[i + 1] not in NOT_SELF_AFTER) for i, t in enumerate(toks))


ERRAND_VERBS = {"can", "muon", "xin"}  # 'tôi cần số liệu gấp', 'em muốn hỏi', 'mình xin ít thông tin'


def is_errand(clause: str) -> bool:
    """Whether the clause is the asker saying what they want ('tôi cần số liệu gấp'), asking nothing itself."""
    toks = tokens(fold(clause))
    return not is_question(toks) and any(t in SELF and i + 1 < len(toks) and toks[i + 1] in ERRAND_VERBS
                                         for i, t in enumerate(toks))


_PARENTHESIS = re.compile(r"\(([^()]*)\)")
# 'tôi cần số liệu gấp: <câu hỏi>': a colon ends a clause when a question follows it ('… gđ 2011-2015: tổng kinh
# phí …' goes on with the same question)
_COLON = re.compile(r":\s+(?=([^,;?!\n:]*))")


def pieces(text: str) -> list[str]:
    """The clauses of a message, as written ('(Cổng TTGT-ĐT, thư CV, QLVB&ĐH)' explains one thing: its commas
    separate no questions)."""
    text = _PARENTHESIS.sub(lambda m: "(" + re.sub(r"[,;]", " ", m.group(1)) + ")", text)
    text = _COLON.sub(lambda m: ", " if is_question(tokens(fold(m.group(1)))) else " ", text)
    splitter = _SPLIT if fold(text) != text.lower() else _SPLIT_PLAIN
    return [piece for p in splitter.split(text) if p and p.strip() for piece in _halves(p.strip())]


def split(text: str) -> Clauses:
    parts = pieces(text)
    asks = [p for p in parts if is_question(tokens(fold(p))) and len(tokens(fold(p))) >= MIN_CLAUSE_WORDS]
    time = next((m.group(0) for p in parts for m in [_TIME.search(p)] if m), "")
    # the time joins as its own clause: "TMĐT bao nhiêu" + "giai đoạn …" must not read "bao nhiêu giai đoạn"
    questions = [p if not time or _TIME.search(p) else f"{p}, {time}" for p in asks]
    at = parts.index(asks[0]) if len(asks) == 1 else 0
    # 'Giai đoạn 2011-2015, tổng kinh phí … bao nhiêu và giải ngân bao nhiêu': a time standing alone is every
    # question's own
    shared = any(p not in asks and _TIME.fullmatch(p.strip(" .")) for p in parts)
    return Clauses(questions, [p for p in parts if p not in asks], parts[at - 1] if at else "",
                   [shared or bool(_TIME.search(p)) for p in asks])
