"""Answering one question: understand it, find the records, decide (answer / offer / refuse), compose.

Routes are tried in order: help, a numbered part ("giai đoạn 1"), an agency's duties or projects, an operation
on a set (count, largest, smallest), a whole part of the plan, a year's budget, then the ranked search. Every
route keeps the constraints the question states (year, period, agency, appendix, document number) or says
plainly that the plan has nothing that meets them."""
from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from knowledge import clauses, compose
from knowledge.answer import Answer, AnswerKind
from knowledge.bodies import BODY_TYPES, NAMED_TITLE, BodyRoutes
from knowledge.features import Candidate, Weights, load_weights
from knowledge.index import WARM_ROWS, Index, content_pairs
from knowledge.normalize import Lexicon, clean, fold, lexicon, tokens
from knowledge.numbers import fmt_count
from knowledge.operations import SetOperations
from knowledge.periods import AMOUNT_KINDS, YEAR_MONEY_KINDS, appendix_of, blank_year, record_period, record_years
from knowledge.records import KnowledgeBase, Record, RecordKind, RecordList
from knowledge.understand import (
    INTENT_CUES,
    KIND_NOUNS,
    OPERATION_CUES,
    ORDINAL_SYLLABLES,
    AgencyFinder,
    Query,
    document_numbers,
    parse,
    question_phrases,
)
from knowledge.vocabulary import with_acronyms, word_frequency

MAX_QUESTION_CHARS = 1000
MAX_CANDIDATES = 5
BUTTON_TITLE = 60  # characters of a record's title on its button (callback data stays the id)
TOPIC_PARTICLE = "thi"  # 'thì' before the asking words; folded it is also thị (thị xã), thí (thí điểm)
ASKING_WORDS = {"lam", "bao", "ai", "sao", "the", "nhu", "gom", "kinh", "tong"}  # làm gì, bao nhiêu, ai, thế nào,
# kinh phí, tổng …
NUMBER_WORDS = {"mot", "hai", "ba", "bon", "bay", "tam", "chin", "muoi"}  # numerals spelt out
# what one side of a comparison asks that the other inherits: an amount, a year, a period (folded, expanded)
ASKED_OF_BOTH = re.compile(r"\bkinh phi\b|\bnam (?:19|20)\d\d\b|\b(?:19|20)\d\d (?:19|20)\d\d\b")
JOINING_WORDS = {"va", "voi", "vs"}  # what joins two subjects ('A và B', 'A với B')
NAME_RUN = 4  # a cue inside this many words of a record's title is part of its name
PLAN_TITLE_WORDS = 4  # this many opening words of the plan's title name the plan ('kế hoạch ứng dụng CNTT')
ECHO_CHARS = 60  # characters of the user's own words echoed back in a refusal
HITS, WIDE_HITS = 40, 200  # BM25 hits taken; more when a scope or an appendix filters them afterwards
_DIGIT = re.compile(r"\d")
# dates, document numbers and years say when or which document, not how many: 'bao nhiêu' finds no figure there
_NOT_A_FIGURE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d+/\d{4}(?:/[\w-]+)?|\b\d+/[A-ZĐa-zđ][\w-]*"
                           r"|\b(?:19|20)\d\d\b")
_ANY_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
BUDGET_WORD_TITLES = 4  # a word in this many budget titles ('nguồn', 'kinh phí') names no line in particular
YEAR_MONEY_COVER = 0.5  # "năm 2014 bố trí bao nhiêu tỷ nguồn CNTT": the record must hold that much of the rest
SUPERLATIVE_WORDS = {"nhat", "nhieu", "lon", "cao", "it", "nho", "thap"}
NAMED_GAP = 0.25  # a record whose title the question names this much less than the best's is not offered
RERANK = 15  # best BM25 hits whose features are computed
MIN_REST_IDF = 1.5  # words this common ("trong", "cac") do not make "Sở X làm gì" a narrower question
ORDINAL_COVER = 0.3  # "giai đoạn 1 … kết thúc năm nào": the other words must fit the n-th record this much
# what the question asks the record to state: a record that lacks it answers another question
STATES_ASKED = ("money_miss", "investor_miss", "figure_miss", "measure_miss", "rate_miss", "predicate_miss",
                "names_miss")
TABLE_ROWS = {"indicator", "indicator_group"}  # their unit is in the row's title, not after each figure
_NUMBER_UNIT = re.compile(r"\d+([a-z]+)")


_GROUP_PREFIX = re.compile(r"^[ivx]+\.(?=\d)")  # 'V.13': row 13 of group V, cited as 'mục 13'
_LETTER_AFTER_DOT = re.compile(r"\.(?=[a-z]$)")  # '1.a' is cited as '1a'


def _item_number(item: str) -> str:
    """A row's number as people cite it: 'v.13' -> '13', 'v.1.a' -> '1a', '1.3' stays."""
    return _LETTER_AFTER_DOT.sub("", _GROUP_PREFIX.sub("", item.strip()))


@lru_cache(maxsize=1024)
def _cue_words(cue: str) -> tuple[str, ...]:
    return tuple(tokens(cue))


def counted_words(toks: list[str]) -> set[str]:
    """Words a text counts: the two after each number ('25 đơn vị') and units written onto one ('27TB')."""
    out: set[str] = set()
    for i, t in enumerate(toks):
        if t.isdigit():
            out.update(toks[i + 1:i + 3])
        elif m := _NUMBER_UNIT.fullmatch(t):
            out.add(m.group(1))
    return out

CACHED = ("_year_families", "_parsed")  # the answerer's cached properties and parse memo
MEMO = ("_counted",)  # see _forget; not saved
KEPT = ("_agencies_of", "_when", "_numbered", "_rated", "_names_bodies")  # facts of one record each, saved
WARMED = ("_about",)  # each body's records: made when built (and again after an edit) and saved
KIND_BITS = {kind.value: 1 << i for i, kind in enumerate(RecordKind)}  # a set of kinds held as one int
KIND_BITS_ALL = (1 << len(KIND_BITS)) - 1


def kind_bits(kinds: Iterable[str]) -> int:
    return sum(KIND_BITS[k] for k in set(kinds))


# Intent -> the kinds of record that answer it.
KIND_PREFERENCE: dict[str, set[str]] = {
    "target": {"target", "target_group", "general_goal"},
    "duty": {"duty", "duty_group", "task_group"},  # "nhiệm vụ …" of a body, or of the plan (Phần II.III)
    "who": {"duty"},
    "meta": {"plan"},
    "legal": {"legal_basis"},
    "solution": {"solution"},
    "viewpoint": {"viewpoint"},
    "shortcoming": {"shortcoming"},
    "cause": {"cause"},
    "task": {"task_group"},
    "roadmap": {"phase", "phase_item"},
    "project": {"project", "group", "component"},
    "status": {"status", "indicator", "funding"},
}
PART_WORD_IDF = 2.5  # a word this rare (in under ~10 % of records) picks the records of a named part it is in
PART_COVER = 0.75  # share of the question's words a part of the plan must hold to answer it as a whole
PART_INTENTS = {"cause", "shortcoming", "solution", "viewpoint", "legal", "roadmap"}  # each names a part of the plan
BODILESS_KINDS = {"task_group"}  # the plan's own tasks name no body: no answer to 'cơ quan nào'
SPOKEN_OF = {"target", "general_goal"}  # parts of the plan whose sentences may speak of anything ('nhà thầu qua mạng')
GENERIC_INTENTS = {"who", "project", "duty"}  # asked of many parts of the plan; a named part goes first
# Intent with no other words -> the records that answer it as a whole.
CATEGORY_KINDS = {"meta": ("plan",), "when": ("plan",), "legal": ("legal_basis",), "solution": ("solution",),
                  "viewpoint": ("viewpoint",), "cause": ("cause",), "shortcoming": ("shortcoming",),
                  "task": ("task_group",), "roadmap": ("phase",), "general_goal": ("general_goal",),
                  "target": ("target_group",), "duty": ("duty_group",), "money": ("budget",)}
CATEGORY_HEADINGS = {"legal_basis": "Căn cứ xây dựng Kế hoạch", "solution": "Giải pháp thực hiện",
                     "viewpoint": "Quan điểm", "shortcoming": "Tồn tại, hạn chế",
                     "cause": "Nguyên nhân", "task_group": "Nhiệm vụ trọng tâm", "phase": "Lộ trình thực hiện",
                     "general_goal": "Mục tiêu tổng quát", "target_group": "Mục tiêu cụ thể",
                     "duty_group": "Tổ chức thực hiện: nhiệm vụ các cơ quan", "budget": "Khái toán kinh phí"}


class Answerer(BodyRoutes, SetOperations):
    """Holds the index of one knowledge base; `answer` is pure and fast (no I/O)."""

    def __init__(self, kb: KnowledgeBase, lex: Lexicon | None = None, weights: Weights | None = None) -> None:
        self.kb = kb
        self.lex = with_acronyms(lex or lexicon(), kb)
        self.weights = weights or load_weights()
        self.finder = AgencyFinder(list(kb.agencies.values()), self.lex)
        self._mentions: dict[str, set[str]] = {}  # agency -> the records whose titles name it
        self._named_in: dict[str, tuple[str, ...]] = {}  # record -> the agencies its title names
        self._namings: dict[tuple[str, ...], tuple[str, ...]] = {}  # … one tuple for each set named (100.000 titles
        # name a few hundred: one object each, not one a record, in memory and in the saved index)
        self._invests: dict[str, set[str]] = {}  # agency -> the records it is the investor (chủ đầu tư) of
        self._title_runs: dict[str, int] = {}  # each run of NAME_RUN title words -> the kinds (bits of KIND_BITS)
        self._years: set[int] = set()
        self._kinds_by_period: dict[tuple[int, int], set[str]] = {}  # the kinds of record each period has
        self._document_numbers: set[str] = set()  # '41' of 41/2011/NQ-HĐND
        self._cited: dict[tuple[int, str], set[str]] = {}  # (appendix, row number as cited: '8.2') -> its rows
        self.index = Index(kb, self.lex, word_frequency(), [*question_phrases(), *self.lex.synonyms],
                           on_title=self._read_title)
        units: dict[str, set[str]] = {aid: {aid} for aid in kb.agencies}  # an agency and the units under it
        for a in kb.agencies.values():
            if a.parent in units:
                units[a.parent].add(a.id)
        self._units = units
        self._words_of_agency = {a.id: set(tokens(self.lex.key(" ".join((a.name, *a.aliases)))))
                                 for a in kb.agencies.values()}
        self.plan_period = record_period(kb.plan) if kb.plan else None
        self._plan_title = tokens(self.lex.key(kb.plan.title)) if kb.plan else []
        self._places = self._other_places()
        self._bodies = self._other_bodies()
        place = kb.plan.get("dia_danh", "") if kb.plan else ""  # 'tỉnh Vĩnh Phúc' delimits no set of the plan's items
        self._place_words = frozenset(tokens(fold(f"tỉnh {place}"))) if place else frozenset()
        self._budget_words = self._words_of_budget()
        self._forget()
        self._warm()

    def _warm(self) -> None:
        """What questions would otherwise gather the first time, read now and saved with the answerer: each body's
        records and projects (100.000 records: 0,3 s here rather than 20 ms in someone's question), and for a
        plan's few hundred records what the ranking reads of each."""
        for aid in self.kb.agencies:
            self.about_ids(aid, ("project", "component"))
        if len(self.kb) <= WARM_ROWS:
            for r in self.kb.records.values():
                self.agencies_about(r.id)
                self._when_of(r)
                self._states_figure(r)
                self._states_rate(r)
                self._row_names_bodies(r)

    def _read_title(self, r: Record, title: list[str]) -> None:
        """What the answerer keeps of every record, read once as the index reads it: the agencies its title names,
        the runs of its title, its years, the documents it cites."""
        named = self.finder.find(" ".join(title))
        for aid in named:
            self._mentions.setdefault(aid, set()).add(r.id)
        if named:
            self._named_in[r.id] = self._namings.setdefault(tuple(named), tuple(named))
        if r.get("cdt"):
            for aid in r.agencies:
                self._invests.setdefault(aid, set()).add(r.id)
        bit = KIND_BITS[r.kind]
        for i in range(len(title) - NAME_RUN + 1):
            run = " ".join(title[i:i + NAME_RUN])
            self._title_runs[run] = self._title_runs.get(run, 0) | bit
        period = record_period(r)
        self._years.update(record_years(r), period or ())
        if period:
            self._kinds_by_period.setdefault(period, set()).add(r.kind)
        source = fold(r.source).lower()
        if "muc " in source and (appendix := appendix_of(r)) is not None:  # 'Phụ lục 4, mục 8.2'
            number = _item_number(source.rsplit("muc ", 1)[-1])
            self._cited.setdefault((appendix, number), set()).add(r.id)
        text = " ".join(map(str, (r.title, r.text, *r.fields.values())))
        if "/" in text:
            self._document_numbers.update(n.split("/")[0] for n in document_numbers(fold(text)))

    def _forget(self) -> None:
        """Facts of single records, read when a question first needs them (none at 100.000 records up front), each
        body's records (gathered again by `_warm`), and the frames of the texts last parsed."""
        self._parsed = lru_cache(maxsize=256)(self._parsed_uncached)
        self._about: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        self._counted: dict[str, set[str]] = {}  # the words each record counts, read when a count is asked
        self._agencies_of: dict[str, frozenset[str]] = {}
        self._when: dict[str, tuple[tuple[int, int] | None, set[int]]] = {}
        self._numbered: dict[str, bool] = {}
        self._rated: dict[str, bool] = {}
        self._names_bodies: dict[str, bool] = {}

    @property
    def years(self) -> tuple[int, int] | None:
        return (min(self._years), max(self._years)) if self._years else None

    def _words_of_budget(self) -> set[str]:
        """Words several budget records' titles share ('nguồn', 'vốn'): they name the budget, not one line of it."""
        titles = Counter(t for r in self.kb.of_kind(*YEAR_MONEY_KINDS) for t in set(tokens(self.lex.key(r.title))))
        return {t for t, n in titles.items() if n >= BUDGET_WORD_TITLES}

    def __getstate__(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items() if k not in CACHED and k not in MEMO}
        return {**state, **{k: dict(state[k]) for k in (*KEPT, *WARMED)}}  # copies: questions add to them meanwhile

    def __setstate__(self, state: dict[str, Any]) -> None:
        kept = {k: state.pop(k) for k in (*KEPT, *WARMED)}
        self.__dict__.update(state)
        self._forget()
        self.__dict__.update(kept)

    # ---- edits
    def updated(self, kb: KnowledgeBase, changed: Iterable[str]) -> Answerer:
        """A new answerer over `kb`, where the records `changed` (edited, added or removed) and those whose indexed
        text holds theirs (children, the project of a component) are read again; the rest is shared with this one,
        which goes on answering meanwhile. The agencies must be the same (a renamed agency rebuilds)."""
        touched = set(changed)
        for old in (self.kb, kb):
            for rid in list(touched):
                touched.update(c.id for c in old.children(rid))
                r = old.records.get(rid)
                if r is not None and r.parent and r.kind == "component":
                    touched.add(r.parent)
        new = copy.copy(self)
        new.kb = kb
        new._mentions = {aid: ids - touched for aid, ids in self._mentions.items()}
        new._named_in = {rid: named for rid, named in self._named_in.items() if rid not in touched}
        new._namings = dict(self._namings)
        new._invests = {aid: ids - touched for aid, ids in self._invests.items()}
        new._cited = {item: ids - touched for item, ids in self._cited.items()}
        new._title_runs = dict(self._title_runs)
        new._years, new._document_numbers = set(self._years), set(self._document_numbers)
        new._kinds_by_period = {p: set(kinds) for p, kinds in self._kinds_by_period.items()}
        new.index = self.index.updated(kb, self.lex, touched, on_title=new._read_title)
        new._budget_words = new._words_of_budget()
        for name in CACHED:
            new.__dict__.pop(name, None)
        new._forget()
        for name in KEPT:  # what was read of the records not touched still holds (copied first: questions add to it)
            setattr(new, name, {rid: v for rid, v in dict(getattr(self, name)).items() if rid not in touched})
        new._warm()
        return new

    # ---- facts of one record, read once
    def about_ids(self, agency_id: str, kinds: tuple[str, ...] = ()) -> list[str]:
        """The ids of the records of an agency and of the units under it, and of those whose titles name them, in
        plan order (read without reading the records); only those of `kinds` when given (remembered too: a body's
        10.000 projects are not sorted out again for each question)."""
        if (agency_id, kinds) not in self._about:
            if kinds:
                kind_of = self.kb.kind_of
                found = [rid for rid in self.about_ids(agency_id) if kind_of(rid) in kinds]
            else:
                units = self._units.get(agency_id, {agency_id})
                ids = dict.fromkeys(rid for u in units for rid in self.kb.agency_ids(u))
                ids.update(dict.fromkeys(rid for u in units for rid in self._mentions.get(u, ())))
                found = self.kb.in_plan_order(ids)
            self._about[agency_id, kinds] = found
        return self._about[agency_id, kinds]

    def about(self, agency_id: str) -> RecordList:
        """The records of `about_ids`, read as they are used."""
        return RecordList(self.kb, self.about_ids(agency_id))

    def is_about(self, record_id: str, agency_id: str) -> bool:
        return agency_id in self.agencies_about(record_id)

    def agencies_about(self, record_id: str) -> frozenset[str]:
        """The agencies a record is about: its own and those its title names, and the agencies above them."""
        if record_id not in self._agencies_of:
            r = self.kb.records.get(record_id)
            own = set(r.agencies if r else ()) | set(self._named_in.get(record_id, ()))
            self._agencies_of[record_id] = frozenset(a for a, units in self._units.items() if units & own)
        return self._agencies_of[record_id]

    def _when_of(self, r: Record) -> tuple[tuple[int, int] | None, set[int]]:
        if r.id not in self._when:
            self._when[r.id] = (record_period(r), record_years(r))
        return self._when[r.id]

    def _states_figure(self, r: Record) -> bool:
        if r.id not in self._numbered:
            self._numbered[r.id] = bool(r.amounts or r.get("figures") or r.kind == "indicator"
                                        or _DIGIT.search(_NOT_A_FIGURE.sub(" ", f"{r.title} {r.text}")))
        return self._numbered[r.id]

    def _states_rate(self, r: Record) -> bool:
        if r.id not in self._rated:
            self._rated[r.id] = r.kind in TABLE_ROWS or "%" in " ".join(map(str, (r.title, r.text,
                                                                                 *r.fields.values())))
        return self._rated[r.id]

    def _row_names_bodies(self, r: Record) -> bool:
        """A row of figures that also names bodies ('Sở Xây dựng, Ban Dân tộc … chưa có cán bộ chuyên trách')
        answers 'những cơ quan nào …'."""
        if r.id not in self._names_bodies:
            text = " ".join(str(v) for k, v in r.fields.items() if k not in ("muc_tieu",))
            self._names_bodies[r.id] = bool(self.finder.find(" ".join(tokens(self.lex.key(text)))))
        return self._names_bodies[r.id]

    # ---- public
    def answer(self, text: str, scope: frozenset[str] | None = None) -> Answer:
        """The reply to a question; `scope` limits the kinds of record it may be about (e.g. /duan, /muctieu).

        A message may be read several ways (several questions, a question after the asker's errand, a
        comparison, a question pointing back to the clause before); each reading is tried in turn, then the
        message as a whole, then its one question without the preamble."""
        text = clean(text or "")
        if len(text) > MAX_QUESTION_CHARS:
            return Answer(False, f"Câu hỏi quá dài ({len(text)} ký tự). Hãy hỏi ngắn gọn, dưới "
                                 f"{MAX_QUESTION_CHARS} ký tự.\n" + compose.help_text(self.kb), AnswerKind.REFUSED)
        if scope:
            return self._answer_one(text, scope)
        parts = clauses.split(text)
        pointed = self._asker_body_written(text, parts)
        if pointed != text:
            text, parts = pointed, clauses.split(pointed)
        for reading in (self._each_question, self._after_errand, self._each_side, self._shared_question,
                        self._second_subject, self._pointing_back):
            found = reading(text, parts)
            if found:
                return found
        whole = self._answer_one(text)
        return whole if whole.found or whole.kind == AnswerKind.UNSTATED else self._without_preamble(parts) or whole

    def _each_question(self, text: str, parts: clauses.Clauses) -> Answer | None:
        """Several questions in one message, each with its subject: each answered (unless one record answers
        all, which the whole message then does)."""
        asked = [c for c, own in zip(parts.questions, parts.timed) if self._has_subject(c, own_time=own)] \
            if len(parts.questions) >= 2 else []
        if len(asked) < 2 and self._parts_each(parts.questions):  # 'nhiệm vụ trọng tâm mấy nhóm, giải pháp mấy cái'
            asked = parts.questions
        if len(asked) < 2:
            return None
        each = [self._answer_one(c) for c in asked]
        return self._joined(each) if all(a.found for a in each) and len({tuple(a.candidates) for a in each}) > 1 \
            else None

    def _parts_each(self, questions: list[str]) -> bool:
        """Whether each question names a different part of the plan (a clause 'mục tiêu đến 2020 là gì' after one
        about an indicator asks that indicator's target, not a part of its own)."""
        named = [self._parse(c).intents & set(CATEGORY_KINDS) for c in questions]
        return len(questions) >= 2 and all(named) and sum(map(len, named)) == len(set().union(*named))

    def _after_errand(self, text: str, parts: clauses.Clauses) -> Answer | None:
        """'em đang làm báo cáo, cho em xin tổng kinh phí …': the asker's errand or body ('tôi ở Sở Y tế, mục tiêu
        chung là gì') is not the subject, unless the question points back to it."""
        if len(parts.questions) != 1 or not parts.context or not self._about_asker(parts.context):
            return None
        question = parts.questions[0]
        if not self._has_subject(question, part_of_plan=True, own_time=parts.timed[0]) \
                or clauses.refers_to_self(question):
            return None
        alone = self._answer_one(question)
        return alone if alone.found else None

    def _each_side(self, text: str, parts: clauses.Clauses) -> Answer | None:
        """'So sánh A với B': each side of a comparison answered, the figures side by side."""
        pair = clauses.compared(text)
        sides = self._both_sides(*pair) if pair else None
        if not sides:
            return None
        each = [self._answer_one(side) for side in sides]
        return self._joined(each) if all(a.found for a in each) and each[0].candidates != each[1].candidates \
            else None

    def _shared_question(self, text: str, parts: clauses.Clauses) -> Answer | None:
        """'Nhóm quyết toán và nhóm quá hạn được bố trí bao nhiêu vốn': the question written once, after the second
        subject, asked of each."""
        pair = clauses.shared_question(text)
        if not pair or not self._two_subjects_can_be(text):
            return None
        first, second = pair
        q = self._parse(second)
        subject = set(self._content_words(q))
        named = [i for i, t in enumerate(q.toks) if t in subject]
        if not named or not self._has_subject(first):
            return None
        tail = next((" ".join(q.toks[i:]) for i in range(named[0] + 1, len(q.toks)) if q.toks[i] not in subject), "")
        return self._both_answered(f"{first} {tail}", second) if tail else None

    def _second_subject(self, text: str, parts: clauses.Clauses) -> Answer | None:
        """'Mục tiêu nộp thuế qua mạng đến 2020 là bn % với hồ sơ khai thuế nữa': the second subject is asked the
        first's question (its words but the first subject's)."""
        pair = clauses.second_subject(text)
        if not pair or not self._two_subjects_can_be(text):
            return None
        first, second = pair
        q = self._parse(first)
        subject = set(self._content_words(q))
        if not subject or not self._has_subject(second):
            return None
        return self._both_answered(first, f"{second} {' '.join(t for t in q.toks if t not in subject)}")

    def _two_subjects_can_be(self, text: str) -> bool:
        """'tổng … ĐTPT và chi thường xuyên' asks their sum; 'Sở Kế hoạch và Đầu tư' is one body, and '… mạng LAN
        và bổ sung thiết bị …' one project's name (a run of a record's title spans the 'và')."""
        toks = tokens(self.lex.key(text))
        joins = [i for i, t in enumerate(toks) if t in JOINING_WORDS]
        if any(" ".join(toks[s:s + NAME_RUN]) in self._title_runs for i in joins
               for s in range(max(0, i - NAME_RUN + 1), i + 1)):
            return False
        whole = self._parse(text)
        return not (whole.operation == "total" or whole.asks_total
                    or any(" va " in f" {name} " for _, name in self.finder.mentions(whole.key)))

    def _both_answered(self, first: str, second: str) -> Answer | None:
        """Both questions answered (or offered), about different records, as one reply; else None."""
        each = [self._answer_one(first), self._answer_one(second)]
        kinds = [{self.kb.records[i].kind for i, _ in a.candidates if i in self.kb.records} for a in each]
        if all(a.found and a.kind in (AnswerKind.RECORD, AnswerKind.CANDIDATES) for a in each) \
                and each[0].candidates != each[1].candidates and kinds[0] & kinds[1]:  # two of a kind, compared
            return self._joined(each)
        return None

    def _pointing_back(self, text: str, parts: clauses.Clauses) -> Answer | None:
        """'…, nghe nói sở mình có dự án LAN, dự án đó bao nhiêu tiền': the clause before names the subject."""
        if len(parts.questions) != 1 or not parts.before or not clauses.points_back(parts.questions[0]):
            return None
        alone = self._answer_one(f"{parts.before} {parts.questions[0]}")
        return alone if alone.found else None

    def _without_preamble(self, parts: clauses.Clauses) -> Answer | None:
        """The message as a whole found nothing: its questions without the asker's preamble ('tôi là trưởng
        phòng …. Dự án nào, vốn bao nhiêu, ai làm CĐT'), or its one question with the subject the preamble gives."""
        if not parts.context:
            return None
        if len(parts.questions) > 1 and self._about_asker(parts.context):
            alone = self._answer_one(", ".join(parts.questions))
            return alone if alone.found else None
        if len(parts.questions) != 1:
            return None
        question = parts.questions[0]
        bodies = self._bodies_named(parts.context)
        if bodies and clauses.refers_to_self(question):  # 'tôi ở Sở Tư pháp, sở tôi được …': the preamble's body
            question = f"{question} {bodies}"
        elif not self._has_subject(question, part_of_plan=True, own_time=parts.timed[0]):
            question = f"{parts.before} {question}" if parts.before else ""  # '…, có dự án X, vốn bn vậy'
        reply = self._answer_one(question.strip()) if question else None
        return reply if reply and reply.found else None

    def _parse(self, text: str) -> Query:
        """The frame of a text; one message's readings parse the same clauses several times, so each text is
        parsed once and every caller gets its own copy to narrow."""
        return self._parsed(text).copy()

    def _parsed_uncached(self, text: str) -> Query:
        return parse(text, self.lex, self.finder, self.index.correct, self.index.compounds)

    def _has_subject(self, clause: str, part_of_plan: bool = False, own_time: bool = False) -> bool:
        """Whether a clause names what it asks about (or, with `part_of_plan`, a part of the plan: 'tên đầy đủ');
        money by its year ('năm 2011 bố trí bn vốn, mấy dự án') or by the period it states itself ('tổng kinh phí
        2011-2015 là bn, giải ngân được bn') is a subject."""
        q = self._parse(clause)
        q.content = self._content_words(q)
        named_part = part_of_plan and bool(q.intents & (set(CATEGORY_KINDS) - {"money", "duty"}))
        year_money = bool(q.years or own_time and q.period) and bool(q.intents & {"money", "count"})
        return named_part or year_money or len(self._informative(q.content)) >= clauses.MIN_SUBJECT_WORDS

    def _about_asker(self, context: list[str]) -> bool:
        """Whether every clause around the question is a greeting or speaks of the asker ('chào anh chị, em mới
        về phòng', 'mình đang viết báo cáo', 'tôi ở Sở Y tế', 'tôi cần số liệu gấp'), not of the plan."""
        # 'tôi ở Sở Văn hóa, Thể thao và Du lịch': the asker's body may span a comma
        selfish = any(clauses.refers_to_self(c) for c in context)
        named = set(tokens(self.lex.key(self._bodies_named(context)))) if selfish else set()
        return all(clauses.refers_to_self(c) or clauses.is_errand(c) or not set(self._parse(c).content) - named
                   for c in context)

    def _both_sides(self, first: str, second: str) -> tuple[str, str] | None:
        """'vốn LAN huyện Tam Đảo với huyện Lập Thạch': a second side that names only a body is asked the first
        side's question; one that names no amount or time takes the first side's ('TMĐT', 'năm 2017'). None when
        a side is a cut body name ('Sở Kế hoạch' | 'Đầu tư …')."""
        key_a, key_b = (" ".join(tokens(self.lex.key(x))) for x in (first, second))
        if not self.finder.find(key_a) and self.finder.names_something(" ".join(tokens(key_a)[-2:])):
            return None
        named_a, named_b = self.finder.mentions(key_a), self.finder.mentions(key_b)
        rest_b = [t for t in tokens(key_b) if t not in {w for _, m in named_b for w in m.split()}]
        if named_a and named_b and not self._informative(rest_b):
            return first, key_a.replace(named_a[0][1], named_b[0][1], 1)
        asked = [w for w in ASKED_OF_BOTH.findall(key_a) if w not in key_b]
        return first, " ".join([second, *asked])

    def _asker_body_written(self, text: str, parts: clauses.Clauses) -> str:
        """'Tôi ở Sở Tư pháp, … sở mình có dự án LAN, bao nhiêu tiền': the body the preamble names written after
        each clause that points back to the asker's own body, so every question there is about it."""
        bodies = self._bodies_named(parts.context) if parts.context else ""
        if not bodies:
            return text
        name = tokens(self.lex.key(bodies))
        name_pairs = set(zip(name, name[1:]))
        for piece in clauses.pieces(text):
            toks = tokens(self.lex.key(piece))
            if clauses.points_to_own_body(piece) and not name_pairs & set(zip(toks, toks[1:])):  # not 'tôi ở Sở …'
                text = text.replace(piece, f"{piece} ({bodies})", 1)
        return text

    def _bodies_named(self, context: list[str]) -> str:
        """The bodies a preamble names ('tôi ở Sở Tư pháp, …'), for the question that follows it."""
        found = self.finder.find(" ".join(tokens(self.lex.key(" ".join(context)))))
        return " ".join(self.kb.agencies[a].name for a in found)

    @staticmethod
    def _joined(parts: list[Answer]) -> Answer:
        return Answer(True, "\n\n".join(p.content for p in parts), AnswerKind.LIST,
                      [c for p in parts for c in p.candidates],
                      list(dict.fromkeys(s for p in parts for s in p.sources)),
                      figures=[f for p in parts for f in p.figures])

    def _answer_one(self, text: str, scope: frozenset[str] | None = None) -> Answer:
        q = self._parse(text)
        if not q.toks:
            return Answer(False, compose.help_text(self.kb), AnswerKind.HELP)
        self._cues_inside_names(q)
        q.content = self._content_words(q)
        self._body_as_object(q)
        outside = self._outside_plan(q)
        if outside:
            return outside
        if q.organisation and not q.agencies \
                and not self.finder.names_something(" ".join(tokens(self.lex.key(q.organisation)))):
            return self._refuse(f"Kế hoạch không nêu «{compose.short(q.organisation, ECHO_CHARS)}».")
        self._period_names_part(q)
        if scope:
            agency = self._agency_route(q) if "project" in scope else None
            return agency or self._search_route(q, scope) or self._not_found()
        return (self._help_route(q) or self._item_route(q) or self._ordinal_route(q) or self._agency_route(q)
                or self._years_total_route(q)
                or self._operation_route(q) or self._category_route(q) or self._part_route(q)
                or self._year_money_route(q) or self._split_route(q) or self._search_route(q) or self._not_found())

    def _part_route(self, q: Query) -> Answer | None:
        """"Vì sao … còn hạn chế", "giải pháp về chọn tư vấn": a part of the plan named by its own word
        (nguyên nhân, tồn tại, giải pháp, quan điểm …) is searched within that part first."""
        named = [i for i in q.intents if i in PART_INTENTS]
        if len(named) != 1:
            return None
        kinds = KIND_PREFERENCE[named[0]]
        found = self._search_route(q, frozenset(kinds))
        if found and found.found:
            return found
        records = self.kb.of_kind(*kinds)
        periods = q.periods or ([q.period] if q.period else [])
        timed = [r for r in records if not r.parent and record_period(r) in periods]
        if len(timed) == 1:  # 'giai đoạn 2016-2018 của lộ trình tập trung vào gì': the phase of that time
            return self._one(timed[0], None, q.content)
        if timed:  # 'giai đoạn 2016-2018 và 2019-2020 làm gì': each phase named
            heading = CATEGORY_HEADINGS.get(timed[0].kind, timed[0].kind)
            return self._many(AnswerKind.LIST, compose.compose_list(self.kb, heading, timed), timed)
        # no one record fits, but the part as a whole holds the question's words: the part is the answer
        words = self._informative(q.content)
        held = sum(self.index.weight(w) for w in words if any(self.index.has(r, w) for r in records))
        total = sum(self.index.weight(w) for w in words)
        if not (records and total and held / total >= PART_COVER):
            # or the part's records that hold the question's rarest word ('căn cứ vào những luật nào': the laws)
            rarest = max(words, key=lambda w: self.index.idf(w) or 0.0, default="")
            rare = (self.index.idf(rarest) or 0.0) >= PART_WORD_IDF
            records = [r for r in records if rare and self.index.has(r, rarest)]
        if not records:
            return None
        heading = CATEGORY_HEADINGS.get(records[0].kind, records[0].kind)
        return self._many(AnswerKind.LIST, compose.compose_list(self.kb, heading, records), records)

    def section(self, intent: str) -> Answer:
        """A whole part of the plan by intent name: "roadmap", "target", "duty", "legal", "solution" …"""
        q = Query(text="", key="", toks=[], content=[], intents={intent})
        return self._category_route(q) or self._not_found()

    def budget_year(self, year: int) -> Answer:
        """The plan's budget for one year (by source in the plan's period; earlier funding as reported)."""
        q = Query(text="", key="", toks=[], content=[], intents={"money"}, years=[year])
        return self._year_money_route(q) or self._refuse(f"Kế hoạch không có số liệu kinh phí cho năm {year}.")

    def duties_of(self, text: str) -> Answer:
        """/nhiemvu <cơ quan>: the duties Phần VII gives that agency."""
        q = self._parse(clean(text))
        q.intents.add("duty")
        q.content = []
        found = self._agency_route(q) if q.agencies else None
        if found:
            return found
        names = ", ".join(r.title for r in self.kb.of_kind("duty_group"))
        return Answer(False, f"Không nhận ra cơ quan «{compose.e(compose.short(text, ECHO_CHARS))}». "
                             f"Kế hoạch giao nhiệm vụ cho: {compose.e(names)}.", AnswerKind.NOT_FOUND)

    def answer_record(self, record_id: str) -> Answer:
        """The reply about one record chosen by id (a pressed button, `planbot ask PL4-3`)."""
        r = self.kb.records.get(record_id.strip().upper())
        if not r:
            return Answer(False, f"Không có mục nào mang mã «{compose.e(record_id[:40])}».", AnswerKind.NOT_FOUND)
        return self._one(r, None, [])

    # ---- understanding
    def _cues_inside_names(self, q: Query) -> None:
        """'Phòng thí nghiệm thử nghiệm giải pháp CNTT … đặt ở đơn vị nào': a cue written inside the name of a record of
        another kind (a project's title holds 'giải pháp') names that record; it does not ask for solutions."""
        for intent in [i for i in q.intents if i in KIND_PREFERENCE]:
            for cue in (c for c in INTENT_CUES.get(intent, ()) if f" {c} " in f" {q.key} "):
                words = _cue_words(cue)
                at = next(i for i in range(len(q.toks)) if tuple(q.toks[i:i + len(words)]) == words)
                runs = (q.toks[s:s + NAME_RUN] for s in range(max(0, at + len(words) - NAME_RUN), at + 1))
                # … of records of other kinds only ('dự án chuyển tiếp' also names a group of projects)
                if any(not self._title_runs.get(" ".join(run), KIND_BITS_ALL) & kind_bits(KIND_PREFERENCE[intent])
                       for run in runs if len(run) == NAME_RUN and set(run) - set(words)):
                    q.intents.discard(intent)
                    break

    def _content_words(self, q: Query) -> list[str]:
        """Words that name the subject: not stop words, not intent cues, not years (those are slots)."""
        years = {str(y) for y in q.years}
        years |= {str(y) for y in range(q.period[0], q.period[1] + 1)} if q.period else set()
        years |= {d.split("/")[1] for d in q.doc_numbers}  # '3854/2016': the year dates the document
        if q.ordinal:  # 'nhóm 2': the number orders, it names nothing
            years.add(str(q.ordinal[1]))
        cues = [c for intent in q.intents for c in INTENT_CUES.get(intent, ())]
        cues += [c for op, cs in OPERATION_CUES.items() if op == q.operation or op == "total" and q.asks_total
                 for c in cs]
        if q.counted or q.appendix:
            cues += [*KIND_NOUNS, "phu luc"]
        if "money" in q.intents:
            cues.append("kinh phi")
        if q.appendix:
            cues.append(f"phu luc {q.appendix}")
        keep = list(q.mask) if len(q.mask) == len(q.toks) else [t in q.content for t in q.toks]
        present = set(q.toks)
        for phrase in {_cue_words(c) for c in cues}:  # a cue's words go where the cue stands ('nội bộ' stays)
            if not phrase or phrase[0] not in present:
                continue
            for i in range(len(q.toks) - len(phrase) + 1):
                if tuple(q.toks[i:i + len(phrase)]) == phrase:
                    keep[i:i + len(phrase)] = [False] * len(phrase)
        if q.operation in ("max", "min"):  # "nhiều vốn … nhất": the words of the comparison
            keep = [k and t not in SUPERLATIVE_WORDS for t, k in zip(q.toks, keep)]
        for i in self._plan_named_at(q.toks):  # 'trong kế hoạch ứng dụng CNTT 2016-2020': the plan itself
            keep[i] = False
        for i in self._particles_and_numerals(q.toks):
            keep[i] = False
        # a short form of a recognised agency ('Sở YT') is a slot; the records need not spell it
        short_forms = {t for aid in q.agencies for t in self._words_of_agency[aid] if not self.index.knows(t)}
        return [t for t, k in zip(q.toks, keep) if k and t not in short_forms and t not in years]

    @staticmethod
    def _particles_and_numerals(toks: list[str]) -> list[int]:
        """Where 'thì' stands before the asking words ('… thì làm gì'), and numerals count what the asker knows of
        ('ba dự án của Sở Ngoại vụ', 'hai năm 2016 và 2017'): words of no title."""
        out = []
        for i, t in enumerate(toks[:-1]):
            if t == TOPIC_PARTICLE and toks[i + 1] in ASKING_WORDS:
                out.append(i)
            elif t in NUMBER_WORDS and (" ".join(toks[i + 1:i + 3]) in KIND_NOUNS or toks[i + 1] == "nam"):
                out.append(i)
        return out

    def _plan_named_at(self, toks: list[str]) -> range:
        """Where the question names the plan by the opening of its title ('kế hoạch ứng dụng CNTT …')."""
        title = self._plan_title
        for i in range(len(toks)):
            n = 0
            while i + n < len(toks) and n < len(title) and toks[i + n] == title[n]:
                n += 1
            if n >= PLAN_TITLE_WORDS:
                return range(i, i + n)
        return range(0)

    def _informative(self, words: list[str]) -> list[str]:
        """Words that narrow a question: rare enough in the plan, or, outside it, not everyday Vietnamese."""
        return [t for t in words if (self.index.idf(t) or 0.0) >= MIN_REST_IDF
                or (self.index.idf(t) is None and not self.index.everyday(t))]

    def _outside_plan(self, q: Query) -> Answer | None:
        """A year, period or document the plan does not cover: say so instead of answering something near."""
        if self.years:
            lo, hi = self.years
            asked = [*q.years, *(q.period or ())]
            outside = [y for y in asked if not lo <= y <= hi]
            if outside and not q.agencies:
                span = f"{q.period[0]}-{q.period[1]}" if q.period and q.period[1] in outside else str(outside[0])
                return self._refuse(f"Kế hoạch không có số liệu cho {span}: Kế hoạch {self._plan_name()} "
                                    f"nói về các năm {lo}-{hi}.")
        padded = f" {' '.join(tokens(fold(q.text)))} "
        unstated = self._unstated_asked(padded, f" {q.key} ")
        if unstated and (not q.intents & (PART_INTENTS | SPOKEN_OF) or "money" in q.intents):
            # a contractor, a unit price, a salary: no field says it ('giải pháp về chọn công ty tư vấn', 'mục tiêu
            # về lựa chọn nhà thầu qua mạng' ask the parts of the plan that do speak of it)
            return self._refuse(f"Kế hoạch không nêu {unstated}.")
        place = self._place_named(q.text, padded)
        if place:  # 'kế hoạch của tỉnh Bắc Ninh': a place the plan never writes
            where = f" của {self.kb.plan.get('dia_danh')}" if self.kb.plan and self.kb.plan.get("dia_danh") else ""
            return self._refuse(f"Kế hoạch {self._plan_name()}{where} không có thông tin về {place}.")
        body = self._body_named(q)
        if body:  # 'Sở GD&ĐT có dự án nào': a body of the province the plan gives nothing to
            return self._refuse(f"Kế hoạch {self._plan_name()} không có thông tin về {body}: không nêu dự án, "
                                f"kinh phí hay nhiệm vụ nào của cơ quan này.")
        missing = [d for d in q.doc_numbers if d.split("/")[0] not in self._document_numbers]
        if missing:
            return self._refuse(f"Kế hoạch không nhắc tới văn bản số {missing[0].upper()}.")
        return None

    def _place_named(self, text: str, padded: str) -> str:
        """A province the question names that the plan never writes: spelt with its capitals ('Bắc Ninh'; 'cao
        bằng' compares), or after 'tỉnh', 'thành phố' ('tinh bac ninh'; bare 'da nang' may be 'DA nâng cấp')."""
        spelt, folded, names = self._places
        m = spelt.search(text) if spelt else None
        if m:
            return names[m.group(1)]
        m = folded.search(padded) if folded else None
        return names[m.group(1)] if m else ""

    def _unstated_asked(self, *texts: str) -> str | None:
        """What the question asks that no field of the plan states (a salary, a unit price), found as typed or
        written out; a lone syllable that makes a word of the plan with a neighbour is that word ('lương' folds
        like the 'lượng' of 'chất lượng', 'lượng giấy tờ')."""
        for words, what in self.lex.unstated:
            for padded in texts:
                at = padded.find(f" {words} ")
                while at >= 0:
                    before = padded[:at].rsplit(" ", 1)[-1]
                    after = padded[at + len(words) + 2:].split(" ", 1)[0]
                    pairs = (f"{before}_{words}", f"{words}_{after}")
                    if " " in words or not any(p in self.index.compounds for p in pairs):
                        return what
                    at = padded.find(f" {words} ", at + 1)
        return None

    def _body_named(self, q: Query) -> str:
        """A body of the province the question names and the plan does not (when it names none the plan does):
        spelt as written, or, from three syllables ('so giao duc', 'cong an tinh'), folded; 'CA tỉnh' folded is
        'cả tỉnh', so short forms only count as typed."""
        spelt, folded, names = self._bodies
        if q.agencies or spelt is None:
            return ""
        m = spelt.search(q.text) or (folded.search(f" {' '.join(tokens(fold(q.text)))} ") if folded else None)
        return names[m.group(1)] if m else ""

    def _other_bodies(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None, dict[str, str]]:
        """The patterns of the province's usual bodies that are none of the plan's agencies (read once)."""
        known = {" ".join(tokens(fold(n))) for a in self.kb.agencies.values() for n in (a.name, *a.aliases)}
        forms = [(form, name) for form, name in self.lex.bodies
                 if not {" ".join(tokens(fold(f))) for f, n in self.lex.bodies if n == name} & known]
        if not forms:
            return None, None, {}
        names = {**{form: name for form, name in forms},
                 **{" ".join(tokens(fold(form))): name for form, name in forms}}
        spelt = re.compile(r"(?<!\w)(" + "|".join(re.escape(f) for f, _ in forms) + r")(?!\w)")
        long = [" ".join(tokens(fold(f))) for f, _ in forms if len(tokens(fold(f))) >= 3]
        folded = re.compile(r" (" + "|".join(map(re.escape, long)) + r") ") if long else None
        return spelt, folded, names

    def _other_places(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None, dict[str, str]]:
        """The patterns of the country's provinces the plan never writes (read once)."""
        other = [(words, name) for words, name in self.lex.places
                 if not all(self.index.knows(f"{a}_{b}") for a, b in zip(words.split(), words.split()[1:]))]
        if not other:
            return None, None, {}
        names = {**{name: name for _, name in other}, **{words: name for words, name in other}}
        alone = [n for _, n in other if n not in self.lex.person_places]  # 'tư tưởng Hồ Chí Minh' is no city
        spelt = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, alone)) + r")(?!\w)")
        folded = re.compile(r" (?:tinh|thanh pho|tp) (" + "|".join(re.escape(w) for w, _ in other) + r") ")
        return spelt, folded, names

    def _body_as_object(self, q: Query) -> None:
        """'Cơ quan nào báo cáo UBND tỉnh …', 'ai phối hợp với Sở TT&TT …': the body asked is unknown; the body
        named is what it acts on, so it is read as words of the duty, not as the question's subject."""
        if "who" not in q.intents or not q.agencies or "investor" in q.intents:
            return
        named = set().union(q.agency_words, *(self._words_of_agency[a] for a in q.agencies))
        if self._informative([t for t in q.content if t not in named]):
            q.agencies, q.agency_words, q.organisation = [], set(), ""  # a body the plan knows, as words

    def _period_names_part(self, q: Query) -> None:
        """A period only one part of the plan has ("giai đoạn 2016-2018" is a roadmap phase) asks about it."""
        periods = q.periods or ([q.period] if q.period else [])
        if not periods or periods == [self.plan_period]:
            return
        kinds = set().union(*(self._kinds_by_period.get(p, ()) for p in periods))
        intents = {i for i, ks in CATEGORY_KINDS.items() if kinds and kinds <= set(ks) | {"phase_item"}}
        if intents:
            q.intents = (q.intents - {"duty", "who"}) | intents

    def _plan_name(self) -> str:
        return self.kb.plan.get("so_hieu", "") if self.kb.plan else ""

    # ---- features
    def _candidates(self, q: Query, words: list[str], scope: frozenset[str] | None = None) -> list[Candidate]:
        found = self.index.search(words, q.toks, limit=WIDE_HITS if scope or q.appendix else HITS)
        hits = [h for h in found if (not scope or h.record.kind in scope)
                and (not q.appendix or appendix_of(h.record) == q.appendix)][:RERANK * 2]
        if not hits:
            return []
        best = hits[0].score
        informative = self._informative(words)
        head = informative[0] if informative else None
        wanted = self._wanted_kinds(q)
        named = [] if "meta" in q.intents else list(q.agencies)  # a body named in a question about the plan
        novel = self.index.novel_pair_share(words, q.toks)
        asked_pairs = set(content_pairs(words, q.toks))
        measure = "" if self.index.everyday(q.measure) else q.measure  # 'top bao nhiêu cả nước' counts nothing
        out = []
        for h in hits:
            r = h.record
            word_cover, pair_cover = self.index.coverage(r, words, q.toks)
            about = any(self.is_about(r.id, a) for a in named)
            rest = [w for w in words if w not in q.agency_words] if about else words
            v = {
                "lexical": h.score / best,
                "word_cover": word_cover,
                "rest_cover": self.index.coverage(r, rest, q.toks)[0] if rest and about else word_cover,
                "novel_pairs": novel,
                "when_fit": float("when" in q.intents and self._dated(r)),
                "when_miss": float("when" in q.intents and not self._dated(r)),
                "pair_cover": pair_cover,
                "title_cover": self.index.title_cover(r, words),
                "head_cover": float(head is not None and self.index.has(r, head)),
                "kind_fit": float(r.kind in wanted),
                "kind_other": float(bool(wanted) and r.kind not in wanted),
                "component": float(r.kind == "component"),
                "names_miss": float(q.asks_names and (r.kind == "indicator" and not self._row_names_bodies(r)
                                                      or self._unlisted(r))),
                "sibling_other": float(self.index.sibling_named(r, asked_pairs) is False),
                "container_fit": float(q.operation == "total" and bool(r.amounts)
                                       and (bool(self.kb.children(r.id)) or r.title.lower().startswith("tổng"))),
                "agency_fit": float(about),
                "agency_clash": float(bool(named) and not about and self._other_agency(r, named)),
                "investor_fit": float("investor" in q.intents and bool(r.get("cdt"))),
                "investor_miss": float("investor" in q.intents and not r.get("cdt")),
            }
            money = "money" in q.intents
            has_amount = r.kind in AMOUNT_KINDS and bool(r.amounts)
            if money or "how_much" in q.intents:
                fits = has_amount or (not money and (bool(r.get("figures")) or r.kind == "indicator"))
                v["money_fit"], v["money_miss"] = float(fits), float(q.money_words and not has_amount)
            # 'dự án LAN xã sẽ làm ở bao nhiêu xã': a record that counts no communes does not say
            v["measure_miss"] = float(bool(measure) and r.kind not in TABLE_ROWS and measure not in self._counts(r))
            v["figure_miss"] = float(not money and " bao nhieu " in f" {q.key} " and not self._states_figure(r))
            v["rate_miss"] = float(q.asks_rate and not money and not self._states_rate(r))
            # 'đang chạy bao nhiêu máy chủ': a count or a figure in sentences must be of the doing asked; an
            # amount record's figure is its amount, whatever verb asks it ('trị giá bao nhiêu')
            in_prose = r.kind not in TABLE_ROWS and (r.kind not in AMOUNT_KINDS or "count" in q.intents)
            v["predicate_miss"] = float(in_prose and "money" not in q.intents and bool(q.predicate)
                                        and not self.index.knows(q.predicate))  # a doing the plan never writes
            v.update(self._time_features(q, r))
            out.append(Candidate(r, v))
        # the foreign share is the costliest feature: computed for the best lexical candidates only
        out.sort(key=lambda c: self.weights.score(c.values), reverse=True)
        out = out[:RERANK]
        for c in out:
            unexplained = [w for w in words if w not in q.agency_words] if c.values["agency_fit"] else words
            c.values["foreign"] = self.index.foreign_share(c.record, unexplained or words, q.toks)
            c.score = self.weights.score(c.values)
        return sorted(out, key=lambda c: c.score, reverse=True)

    @staticmethod
    def _wanted_kinds(q: Query) -> set[str]:
        """The kinds the question asks for; a part of the plan named ('tờ trình', 'mục tiêu') outranks the
        generic 'who' or 'which project'."""
        specific = [i for i in q.intents if i in KIND_PREFERENCE and i not in GENERIC_INTENTS]
        kinds = set().union(*(KIND_PREFERENCE[i] for i in (specific or [i for i in q.intents if i in KIND_PREFERENCE])))
        return kinds - BODILESS_KINDS if "who" in q.intents else kinds  # 'cơ quan nào chủ trì …' names a body

    def _dated(self, r: Record) -> bool:
        """Whether the record says when: a year, a date, a start or end, a figure by year."""
        return bool(r.get("nam") or r.get("start") or r.get("ngay_ban_hanh") or record_years(r)
                    or _ANY_YEAR.search(f"{r.title} {r.text}"))

    def _time_features(self, q: Query, r: Record) -> dict[str, float]:
        period, years = self._when_of(r)
        v: dict[str, float] = {}
        if q.year:
            spans = period is not None and period[0] <= q.year <= period[1]
            v["year_figure"] = float(q.year in years)
            v["year_fit"] = float(spans)
            # an amount asked for a year: a record whose figures are not by year does not give it
            by_year = "money" in q.intents and bool(r.amounts) and q.year not in years
            v["year_clash"] = float(q.year not in years and (by_year or not spans and (bool(years) or bool(period))))
        if q.period and period:
            overlap = period[0] <= q.period[1] and q.period[0] <= period[1]
            v["period_fit"] = float(overlap and (period == q.period or q.period[0] <= period[0] <= period[1]
                                                 <= q.period[1]))
            v["period_clash"] = float(not overlap)
        if not q.year and not q.period and period and self.plan_period:
            in_plan = period[0] >= self.plan_period[0]
            v["plan_period"] = float(in_plan != ("status" in q.intents))
        return v

    def _clashes(self, c: Candidate) -> list[str]:
        """Constraints the question states that the record breaks: a year, period or body other than the one
        asked, or an amount asked of a record that states none (its figures answer another question)."""
        return [f for f in ("year_clash", "period_clash", "agency_clash", "money_miss", "sibling_other")
                if c.values.get(f)]

    # ---- routes
    def _help_route(self, q: Query) -> Answer | None:
        """Greetings, thanks and "what can you do": the help text (the plan itself is not asked)."""
        if "help" in q.intents and not q.agencies and not self._informative(q.content) and not (q.years or q.period):
            return Answer(False, compose.help_text(self.kb), AnswerKind.HELP)
        return None

    def _item_route(self, q: Query) -> Answer | None:
        """"Phụ lục 4 mục 8.2 là dự án gì": the row the question cites by the plan's own numbering."""
        if not q.item:
            return None
        appendix, item = q.item
        rows = self.kb.in_plan_order(self._cited.get((appendix, _item_number(item)), ()))
        cited = [self.kb.records[rid] for rid in rows]
        if not cited:
            return self._refuse(f"Phụ lục {appendix} không có mục {item}.")
        return self._one(cited[0], q.year, q.content)

    def _ordinal_route(self, q: Query) -> Answer | None:
        """"Giai đoạn 1", "giải pháp 3": the n-th record of that kind, in the plan's order."""
        if not q.ordinal:
            return None
        noun, n = q.ordinal
        records = [r for r in self.kb.of_kind(*KIND_NOUNS.get(noun, ())) if not r.parent]
        n = len(records) if n == -1 else n
        rest = self._informative([w for w in q.content if w not in tokens(noun) and w != str(n)
                                  and w not in ORDINAL_SYLLABLES])
        if not records or rest and (n > len(records) or self.index.coverage(records[n - 1], rest, q.toks)[0]
                                    < ORDINAL_COVER):
            return None  # "(giai đoạn II)" inside a project's name is not a question about phase 2
        if not 1 <= n <= len(records):  # 'giai đoạn 0', 'giải pháp 99'
            label = compose.KIND_LABELS.get(records[0].kind, noun)
            count = fmt_count(len(records))
            return self._refuse(f"Kế hoạch có {count} {label}, đánh số từ 1 đến {count}.", records)
        return self._one(records[n - 1], None, q.content)

    def _year_money_route(self, q: Query) -> Answer | None:
        """"Vốn năm 2017", "năm 2016 và 2017 lần lượt bao nhiêu": the budget line or funding record with a figure
        for each year asked; the question's other words, if any, must be its words."""
        if "money" not in q.intents or not q.years or self.index.novel_pair_share(q.content, q.toks):
            return None
        words = [w for w in self._informative(q.content) if w not in self._budget_words]
        dated = [r for r in self.kb.of_kind(*YEAR_MONEY_KINDS) if set(q.years) <= record_years(r)]
        if words:
            dated = [r for r in dated if self.index.coverage(r, words, q.toks)[0] >= YEAR_MONEY_COVER]
        ids = {r.id for r in dated}
        roots = [r for r in dated if r.parent not in ids]
        for kind in YEAR_MONEY_KINDS:
            picked = [r for r in roots if r.kind == kind]
            if picked:
                return self._one(picked[0], q.year, [])
        return None

    def _years_total_route(self, q: Query) -> Answer | None:
        """"Vốn ĐTPT 2016-2018 cộng lại", "cộng vốn năm 2016 và 2017": the sum of a budget line's yearly figures,
        computed and said to be (the plan states each year and the whole period only)."""
        if "money" not in q.intents:
            return None
        if q.period and q.period != self.plan_period:
            years = list(range(q.period[0], q.period[1] + 1))
        elif len(q.years) >= 2 and q.operation == "total":
            years = sorted(set(q.years))
        else:
            return None
        words = [w for w in self._informative(q.content) if w not in self._budget_words]
        lines = [r for r in self.kb.of_kind(*YEAR_MONEY_KINDS) if set(years) <= record_years(r)
                 and (not words or self.index.coverage(r, words, q.toks)[0] >= YEAR_MONEY_COVER)]
        if not lines:
            return None
        best = max(lines, key=lambda r: (self.index.coverage(r, q.content, q.toks)[0], -r.seq))
        text = compose.compose_record(self.kb, best, None, [])
        head, _, rest = text.partition("\n")
        return Answer(True, "\n".join([head, *compose.years_total(best, years), rest]), AnswerKind.RECORD,
                      [(best.id, compose.short(best.title, BUTTON_TITLE))], [best.source],
                      figures=self._figures([best]))

    def _meets_time(self, q: Query, r: Record) -> bool:
        period = record_period(r)
        if q.period and period and not (period[0] <= q.period[1] and q.period[0] <= period[1]):
            return False
        if q.year and period and not period[0] <= q.year <= period[1]:
            return False
        return True

    @staticmethod
    def _time_phrase(q: Query) -> str:
        if q.period:
            return " trong giai đoạn " + " và ".join(f"{a}-{b}" for a, b in q.periods or [q.period])
        return f" trong năm {q.year}" if q.year else ""

    def _category_route(self, q: Query) -> Answer | None:
        """A question that names only a part of the plan ("các giải pháp", "lộ trình 2016-2018")."""
        if self._informative(q.content) or self.index.novel_pair_share(q.content, q.toks):
            # other words narrow it, or name something the plan never writes ('công an'); the plan's own record
            # ('tờ trình số mấy của Sở TT&TT') is answered if it holds those words
            plan = self.kb.of_kind(*CATEGORY_KINDS["meta"]) if "meta" in q.intents else []
            cover = self.weights.thresholds["min_word_cover"]
            held = [r for r, c in zip(plan, self.index.word_covers([r.id for r in plan], q.content, q.toks))
                    if c >= cover]
            return self._one(held[0], None, q.content) if held else None
        for intent, kinds in CATEGORY_KINDS.items():
            if intent not in q.intents:
                continue
            records = self.kb.of_kind(*kinds)
            if q.period or q.years:
                if intent == "money" and q.period != self.plan_period:
                    return None  # a year's or another period's money: the budget routes
                within = [r for r in records if record_period(r) and self._period_fits(r, q)]
                records = within or records
            if len(records) == 1 or (intent == "money" and records):
                return self._one(records[0], None if q.period else q.year, [])
            if records:
                heading = " và ".join(dict.fromkeys(CATEGORY_HEADINGS.get(k, k) for k in kinds))
                # 'có mấy nhóm', 'bao nhiêu giải pháp': the count and short lines
                counted = q.operation == "count" or any(f" {w} " in f" {q.key} " for w in ("may", "bao nhieu"))
                text = compose.compose_count(self.kb, heading, records, None, None) if counted \
                    else compose.compose_list(self.kb, heading, records)
                return self._many(AnswerKind.LIST, text, records)
        return None

    @staticmethod
    def _period_fits(r: Record, q: Query) -> bool:
        lo, hi = record_period(r) or (0, 0)
        if q.period:
            return (lo, hi) == q.period
        return q.year is not None and lo <= q.year <= hi

    def _split_route(self, q: Query) -> Answer | None:
        """A question about two periods ("năm 2015 đạt bao nhiêu, mục tiêu đến 2020"): each answered, labelled."""
        if not self.plan_period:
            return None
        anchors = sorted({*q.years, *(q.period[1:] if q.period else ())})
        before = [y for y in anchors if y < self.plan_period[0]]
        within = [y for y in anchors if y >= self.plan_period[0]]
        if not before or not within:
            return None
        parts: list[Answer] = []
        for year in (before[-1], within[-1]):
            sub = Query(**{**q.__dict__, "years": [year], "period": None})
            # the first part fixes the subject; the other period's record may word it differently
            found = self._search_route(sub, cover="min_word_cover" if not parts else "split_word_cover")
            if not found or not found.found:
                return None
            parts.append(found)
        return self._joined(parts)

    def _search_route(self, q: Query, scope: frozenset[str] | None = None, cover: str = "min_word_cover"
                      ) -> Answer | None:
        """The ranked search; `cover` names the threshold of the question's words the answer must explain."""
        if q.content:
            words = q.content
        elif q.year:
            words = [str(q.year)]
        elif q.period:
            words = [str(q.period[0])]
        else:
            return None
        ranked = self._candidates(q, words, scope)
        if not ranked:
            return None
        passing = [c for c in ranked if self._passes(c, cover)]
        if not passing:
            return None
        first = passing[0]
        bodies = [a for a in q.agencies if self.kb.agencies[a].type in BODY_TYPES]
        if bodies and q.intents & {"money", "project", "list"} and not first.values.get("agency_fit"):
            # an amount for a body named (a district, a sở): its own record, or the plan has none for it
            t = self.weights.thresholds  # the body's own record, even worded apart from the question
            own = [c for c in ranked if c.values.get("agency_fit") and c.score >= t["answer_min"]
                   and c.values["word_cover"] >= t["min_word_cover"]]
            if not own:
                names = " và ".join(self.kb.agencies[a].name for a in bodies)
                return self._refuse(f"Kế hoạch không có mục riêng cho {names}.", [first.record])
            passing = own
            first = passing[0]
        if blank_year(first.record, q.year):  # "năm 2015 đạt bao nhiêu" where the plan's cell is '-'
            return self._refuse(f"Kế hoạch không nêu số liệu năm {q.year} cho chỉ tiêu này.", [first.record],
                                AnswerKind.UNSTATED)
        if first.values.get("when_miss"):  # "dự kiến hoàn thành năm nào": the plan gives no date for it
            return self._refuse("Kế hoạch không nêu thời điểm cho nội dung này.", [first.record])
        if any(first.values.get(f) for f in STATES_ASKED):
            # the amount or investor asked: a record of the body named, or named by its title, that states it;
            # else the plan does not state it (the best fit's figures answer another question)
            # a part (hạng mục) that states no amount: its project, when the question names it, states it
            parent = [c for c in ranked if c.record.id == first.record.parent and c not in passing]
            stating = [c for c in passing + parent if not any(c.values.get(f) for f in STATES_ASKED)
                       and (c.values.get("agency_fit") or c.values.get("title_cover", 0.0) >= NAMED_TITLE)
                       and (not first.values.get("measure_miss") or q.measure in self._counts(c.record))]
            if not stating:
                return self._refuse(self._clash_text(q, first), [first.record])
            passing = stating
        years = self._amount_years(first.record, q)
        if q.operation in ("max", "min") and "when" in q.intents and len(years) >= 2:
            # 'năm nào nguồn ĐTPT được phân kỳ nhiều nhất': among its years (those of the period asked)
            text = compose.compose_year_extreme(self.kb, first.record, years, q.operation == "max")
            return self._many(AnswerKind.RECORD, text, [first.record])
        if q.operation in ("max", "min") and not any(self._compares(c.record) for c in passing[:MAX_CANDIDATES]):
            # 'sở nào có nhiều cán bộ CNTT nhất': no figures to compare, and no record says which is most
            return self._refuse("Kế hoạch không nêu số liệu để so sánh điều này.", [first.record])
        holding = [c for c in passing if not self._clashes(c)]
        if not holding:  # what fits best breaks a year, period or body the question states
            return self._refuse(self._clash_text(q, first), [first.record])
        top, t = holding[0], self.weights.thresholds
        ranked = holding
        twins = self._twins(q, top, passing)
        if twins:  # one name in both periods, none asked: both, each with its period
            text = compose.compose_list(self.kb, f"«{compose.short(top.record.title, compose.HEADING_TITLE)}» có ở "
                                        f"{len(twins) + 1} giai đoạn", [top.record, *twins], q.year, periods=True)
            return self._many(AnswerKind.LIST, text, [top.record, *twins])
        close = [top.record]
        named = top.values.get("title_cover", 0.0)  # how much of its title the question writes out
        for c in ranked[1:]:
            if c.score < top.score - t["offer_margin"] or len(close) >= MAX_CANDIDATES:
                break
            if named >= NAMED_TITLE and c.values.get("title_cover", 0.0) < named - NAMED_GAP:
                continue  # the question names the best one; a record it does not name is no alternative
            misses = any(c.values.get(f) and not top.values.get(f) for f in STATES_ASKED)  # lacks what top states
            if not self._clashes(c) and not misses and not any(self._same_fact(c.record, r) for r in close):
                close.append(c.record)
        if len(close) > 1:
            return self._many(AnswerKind.CANDIDATES, compose.compose_candidates(self.kb, close, q.year, words), close)
        return self._one(top.record, q.year, words)

    @staticmethod
    def _amount_years(r: Record, q: Query) -> list[str]:
        """The years a record states an amount for, within the period the question names."""
        lo, hi = q.period or (0, 9999)
        return sorted(c for c in r.amounts if c.isdigit() and lo <= int(c) <= hi)

    def _unlisted(self, r: Record) -> bool:
        """A group the plan counts but does not list ('Công trình Quyết toán: 13 dự án')."""
        return r.kind == "group" and not self.kb.children(r.id)

    def _counts(self, r: Record) -> set[str]:
        if r.id not in self._counted:
            text = " ".join(map(str, (r.title, r.text, *r.fields.values())))
            self._counted[r.id] = counted_words(tokens(self.lex.key(text)))
        return self._counted[r.id]

    def _compares(self, r: Record) -> bool:
        """Whether a record's own words rank something ('lớn nhất', 'cao nhất', 'nhiều nhất')."""
        return " nhat " in f" {' '.join(tokens(fold(f'{r.title} {r.text}')))} "

    def _twins(self, q: Query, top: Candidate, passing: list[Candidate]) -> list[Record]:
        """Records of another period with the same name as the answer, when the question names no time."""
        if q.year or q.period or "status" in q.intents:
            return []
        name = fold(top.record.title)
        return [c.record for c in passing if c is not top and fold(c.record.title) == name
                and record_period(c.record) != record_period(top.record)]

    def _passes(self, c: Candidate, cover: str = "min_word_cover") -> bool:
        """The answer / refuse thresholds: score, share of the question explained, unexplained rare words."""
        t, v = self.weights.thresholds, c.values
        pairs = t["min_pair_cover"] if cover == "min_word_cover" else 0.0  # the other period's wording differs
        return (c.score >= t["answer_min"] and v["word_cover"] >= t[cover] and v["pair_cover"] >= pairs
                and v["foreign"] < t["max_foreign"] and v["rest_cover"] >= t["min_rest_cover"])

    def _clash_text(self, q: Query, c: Candidate) -> str:
        if c.values.get("money_miss"):
            return "Kế hoạch không nêu số tiền cho nội dung này."
        if any(c.values.get(f) for f in ("figure_miss", "measure_miss", "rate_miss", "predicate_miss")):
            return "Kế hoạch không nêu con số cho nội dung này."
        if c.values.get("names_miss"):
            return "Kế hoạch chỉ nêu số lượng, không liệt kê tên từng mục."
        if c.values.get("investor_miss"):
            return "Kế hoạch không nêu chủ đầu tư của nội dung này."
        if c.values.get("agency_clash"):
            names = " và ".join(self.kb.agencies[a].name for a in q.agencies)
            return f"Kế hoạch không có mục này cho {names}."
        return f"Kế hoạch không có mục này{self._time_phrase(q)}."

    # ---- replies
    def _same_fact(self, a: Record, b: Record) -> bool:
        """Twins stated twice (Phần VI and Phụ lục 3) or a record and its own part are one answer."""
        refs = {x.split(":")[0] for x in (*a.get("doi_chieu", []), *b.get("doi_chieu", []))}
        return a.id in refs or b.id in refs or a.parent == b.id or b.parent == a.id

    def _many(self, kind: AnswerKind, text: str, records: Sequence[Record]) -> Answer:
        """A reply about several records: their ids (buttons), key figures and sources go along."""
        shown = records[:compose.LIST_LIMIT]  # a list of 10.000 projects is said in words, its first ones listed
        return Answer(True, text, kind, [(r.id, compose.short(r.title, BUTTON_TITLE)) for r in shown],
                      list(dict.fromkeys(r.source for r in shown)), figures=self._figures(shown), total=len(records))

    def _one(self, r: Record, year: int | None, words: list[str]) -> Answer:
        text = compose.compose_record(self.kb, r, year, words)
        return Answer(True, text, AnswerKind.RECORD, [(r.id, compose.short(r.title, BUTTON_TITLE))], [r.source],
                      figures=self._figures([r], year))

    def _figures(self, records: Sequence[Record], year: int | None = None) -> list[str]:
        """'PL4-3: kế hoạch vốn 2.000 triệu đồng' for each record that states a figure."""
        return [f"{r.id}: {fig}" for r in records if (fig := compose.key_figure(self.kb, r, year))]

    def _refuse(self, reason: str, nearest: Sequence[Record] = (),
                kind: AnswerKind = AnswerKind.NOT_FOUND) -> Answer:
        """Not in the plan: the reason, and the nearest records the plan does have (found stays false); kind
        "unstated": the plan has the item asked but leaves the figure blank."""
        text = compose.refusal_text(self.kb, reason, nearest)
        shown = nearest[:MAX_CANDIDATES]
        return Answer(False, text, kind, [(r.id, compose.short(r.title, BUTTON_TITLE)) for r in shown],
                      list(dict.fromkeys(r.source for r in shown)), reason=reason,
                      nearest=[r.id for r in shown])

    def _not_found(self) -> Answer:
        return Answer(False, compose.not_found_text(self.kb), AnswerKind.NOT_FOUND)


