"""Answering one question: understand it, find the records, decide (answer / offer / not found), compose."""
from __future__ import annotations

from dataclasses import dataclass

from knowledge import compose
from knowledge.answer import Answer
from knowledge.index import Hit, Index
from knowledge.normalize import Lexicon, clean, lexicon, tokens
from knowledge.records import KnowledgeBase, Record
from knowledge.understand import INTENT_CUES, AgencyFinder, Query, parse

MAX_QUESTION_CHARS = 1000
CLOSE = 0.9  # a runner-up within 10 % of the best is "about equally" fitting
MIN_WORD_COVER = 0.5  # share (idf-weighted) of the question's words the record must contain
MIN_PAIR_COVER = 0.25  # share of the question's word pairs the record must contain
MAX_FOREIGN_SHARE = 0.2  # share of the question in rare words the plan never uses that way ("bệnh viện đa khoa")
MAX_CANDIDATES = 5
RERANK = 12  # best BM25 hits whose coverage of the question is weighed in
TITLE_WEIGHT = 0.5  # a question that names a record's whole title favours that record
MIN_REST_IDF = 1.5  # words this common ("trong", "cac") do not make "Sở X làm gì" a narrower question
COMPONENT_WEIGHT = 0.85  # a hạng mục repeats its project's words; the project is the likelier subject
# Questions about these parts of the plan are not about an agency's projects or duties even if one is named.
NOT_ABOUT_AGENCY = {"meta", "legal", "target", "general_goal", "solution", "viewpoint", "shortcoming", "cause",
                    "task", "roadmap", "count", "when"}
SHARED_AGENCY_TYPE = "nhom"  # "Các sở, ngành, địa phương": duties every agency shares
YEAR_MONEY_KINDS = ("budget_line", "funding", "budget")  # in order of preference for a year alone
AMOUNT_KINDS = {"project", "group", "budget", "budget_line", "funding"}

# Intent -> (kinds it favours, factor); records of other kinds keep their score unless noted below.
KIND_PREFERENCE: dict[str, tuple[set[str], float]] = {
    "target": ({"target", "target_group", "general_goal"}, 1.8),
    "duty": ({"duty", "duty_group"}, 1.8),
    "who": ({"duty"}, 1.5),
    "count": ({"status", "indicator"}, 1.4),
    "meta": ({"plan"}, 3.0),
    "legal": ({"legal_basis"}, 1.5),
    "solution": ({"solution"}, 2.0),
    "viewpoint": ({"viewpoint"}, 2.0),
    "shortcoming": ({"shortcoming"}, 2.0),
    "cause": ({"cause"}, 2.0),
    "task": ({"task_group"}, 1.8),
    "roadmap": ({"phase", "phase_item"}, 1.8),
    "project": ({"project", "group", "component"}, 1.3),
}
# Intent with no other words -> the records that answer it as a whole.
CATEGORY_KINDS = {"meta": ("plan",), "legal": ("legal_basis",), "solution": ("solution",),
                  "viewpoint": ("viewpoint",), "cause": ("cause",), "shortcoming": ("shortcoming",),
                  "task": ("task_group",), "roadmap": ("phase",), "general_goal": ("general_goal",),
                  "target": ("target_group",), "duty": ("duty_group",), "money": ("budget",)}
CATEGORY_HEADINGS = {"legal_basis": "Căn cứ xây dựng Kế hoạch", "solution": "Giải pháp thực hiện",
                     "viewpoint": "Quan điểm", "shortcoming": "Tồn tại, hạn chế giai đoạn 2011-2015",
                     "cause": "Nguyên nhân", "task_group": "Nhiệm vụ trọng tâm", "phase": "Lộ trình thực hiện",
                     "general_goal": "Mục tiêu tổng quát đến năm 2020",
                     "target_group": "Mục tiêu cụ thể đến năm 2020",
                     "duty_group": "Tổ chức thực hiện: nhiệm vụ các cơ quan",
                     "budget": "Khái toán kinh phí 2016-2020"}


def record_years(r: Record) -> set[int]:
    years = {int(c) for c in r.amounts if c.isdigit()}
    years |= {int(k[4:]) for k in r.fields if k.startswith("nam_") and k[4:].isdigit()}
    if isinstance(r.get("nam"), int):
        years.add(r.get("nam"))
    return years


def record_period(r: Record) -> tuple[int, int] | None:
    p = r.get("giai_doan", "")
    a, _, b = p.partition("-")
    return (int(a), int(b)) if a.isdigit() and b.isdigit() else None


@dataclass
class Scored:
    record: Record
    score: float
    cover: tuple[float, float] = (0.0, 0.0)  # word and pair coverage of the question, once reranked


class Engine:
    """Holds the index of one knowledge base; `answer` is pure and fast (no I/O)."""

    def __init__(self, kb: KnowledgeBase, lex: Lexicon | None = None) -> None:
        self.kb = kb
        self.lex = lex or lexicon()
        self.index = Index(kb, self.lex)
        self.finder = AgencyFinder(list(kb.agencies.values()), self.lex)
        self._mentions: dict[str, list[Record]] = {}
        for r in kb.records.values():
            for aid in self.finder.find(" ".join(tokens(self.lex.key(r.title)))):
                self._mentions.setdefault(aid, []).append(r)
        self._about = {aid: {r.id for r in self._records_about(aid)} for aid in kb.agencies}
        self._words_of_agency = {a.id: set(tokens(self.lex.key(" ".join((a.name, *a.aliases)))))
                                 for a in kb.agencies.values()}

    # ---- public
    def answer(self, text: str, scope: frozenset[str] | None = None) -> Answer:
        """The reply to a question; `scope` limits the kinds of record it may be about (e.g. /duan, /muctieu)."""
        text = clean(text or "")
        if len(text) > MAX_QUESTION_CHARS:
            return Answer(False, f"Câu hỏi quá dài ({len(text)} ký tự). Hãy hỏi ngắn gọn, dưới "
                                 f"{MAX_QUESTION_CHARS} ký tự, ví dụ: «Dự án chữ ký số bao nhiêu tiền?»", "refused")
        q = parse(text, self.lex, self.finder)
        if not q.toks:
            return Answer(False, compose.help_text(self.kb), "help")
        q.content = self._content_words(q)
        q.toks = self.index.correct(q.toks)
        if q.organisation and not q.agencies \
                and not self.finder.names_something(" ".join(tokens(self.lex.key(q.organisation)))):
            return Answer(False, f"Kế hoạch không nêu «{compose.e(compose.short(q.organisation, 60))}».\n"
                                 + compose.help_text(self.kb), "not_found")
        if scope:
            agency = self._agency_route(q) if "project" in scope else None
            return agency or self._search_route(q, scope) or self._not_found()
        return (self._help_route(q) or self._agency_route(q) or self._category_route(q)
                or self._year_money_route(q) or self._search_route(q) or self._not_found())

    def section(self, intent: str) -> Answer:
        """A whole part of the plan by intent name: "roadmap", "target", "duty", "legal", "solution" …"""
        q = Query(text="", key="", toks=[], content=[], intents={intent})
        return self._category_route(q) or self._not_found()

    def budget_year(self, year: int) -> Answer:
        """The plan's budget for one year (2016-2020 by source; 2011-2015 funding as reported)."""
        q = Query(text="", key="", toks=[], content=[], intents={"money"}, years=[year])
        return self._year_money_route(q) or Answer(
            False, f"Kế hoạch không có số liệu kinh phí cho năm {year}. Hãy chọn một năm từ 2011 đến 2020.",
            "not_found")

    def duties_of(self, text: str) -> Answer:
        """/nhiemvu <cơ quan>: the duties Phần VII gives that agency."""
        q = parse(clean(text), self.lex, self.finder)
        q.intents.add("duty")
        q.content = []
        found = self._agency_route(q) if q.agencies else None
        if found:
            return found
        names = ", ".join(r.title for r in self.kb.of_kind("duty_group"))
        return Answer(False, f"Không nhận ra cơ quan «{compose.e(compose.short(text, 60))}». "
                             f"Kế hoạch giao nhiệm vụ cho: {compose.e(names)}.", "not_found")

    def answer_record(self, record_id: str) -> Answer:
        """The reply about one record chosen by id (a pressed button, `planbot ask PL4-3`)."""
        r = self.kb.records.get(record_id.strip().upper())
        if not r:
            return Answer(False, f"Không có mục nào mang mã «{compose.e(record_id[:40])}».", "not_found")
        return self._one(r, None, [])

    # ---- routes
    def _content_words(self, q: Query) -> list[str]:
        """Words that name the subject: not stop words, not intent cues, not years (those are slots)."""
        years = {str(y) for y in q.years} | ({str(q.period[0]), str(q.period[1])} if q.period else set())
        cue_hits = {t for intent in q.intents for c in INTENT_CUES.get(intent, ()) for t in tokens(c)
                    if f" {' '.join(tokens(c))} " in f" {q.key} "}
        if "money" in q.intents:
            cue_hits |= {"kinh", "phi"}
        # a short form of a recognised agency ('Sở YT') is a slot; the records need not spell it
        short_forms = {t for aid in q.agencies for t in self._agency_words(aid) if t not in self.index.postings}
        return self.index.correct([t for t in q.content if t not in cue_hits | short_forms and t not in years])

    def _agency_words(self, agency_id: str) -> set[str]:
        return self._words_of_agency[agency_id]

    def _help_route(self, q: Query) -> Answer | None:
        """Greetings, thanks and "what can you do": the help text (the plan itself is not asked)."""
        if "help" in q.intents and not q.agencies and not self._informative(q.content):
            return Answer(False, compose.help_text(self.kb), "help")
        return None

    def _year_money_route(self, q: Query) -> Answer | None:
        """"Vốn năm 2017", "năm 2012 bố trí bao nhiêu": the budget line or funding record of that year."""
        if "money" not in q.intents or not q.year or self._informative(q.content):
            return None
        dated = [r for r in self.kb.of_kind(*YEAR_MONEY_KINDS) if q.year in record_years(r)]
        ids = {r.id for r in dated}
        roots = [r for r in dated if r.parent not in ids]
        for kind in YEAR_MONEY_KINDS:
            picked = [r for r in roots if r.kind == kind]
            if picked:
                return self._one(picked[0], q.year, [])
        return None

    def _agency_route(self, q: Query) -> Answer | None:
        if not q.agencies or q.intents & NOT_ABOUT_AGENCY:
            return None
        aid = q.agencies[0]
        agency = self.kb.agencies[aid]
        rest = self._informative([t for t in q.content if t not in self._agency_words(aid)])
        if "duty" in q.intents and "investor" not in q.intents and not rest:
            groups = self.kb.of_kind("duty_group")
            group = next((g for g in groups if aid in g.agencies), None)
            if group:
                return self._one(group, None, [])
            shared = next((g for g in groups if any(self.kb.agencies[a].type == SHARED_AGENCY_TYPE
                                                    for a in g.agencies if a in self.kb.agencies)), None)
            if shared:
                note = (f"Kế hoạch không giao nhiệm vụ riêng cho {compose.e(agency.name)}; "
                        "nhiệm vụ chung của các sở, ngành, địa phương:\n")
                one = self._one(shared, None, [])
                return Answer(True, note + one.text, "record", [], one.sources)
        if ("list" in q.intents or not rest) and "duty" not in q.intents:
            projects = [r for r in self._records_about(aid) if r.kind in ("project", "component")]
            if len(projects) == 1:
                return self._one(projects[0], q.year, q.content)
            if projects:
                text = compose.compose_list(self.kb, f"Các dự án liên quan đến {agency.name} ({len(projects)})",
                                            projects, q.year)
                return self._many("list", text, projects)
        return None

    def _category_route(self, q: Query) -> Answer | None:
        """A question that names only a part of the plan ("các giải pháp", "lộ trình 2016-2018")."""
        if self._informative(q.content):
            return None
        for intent, kinds in CATEGORY_KINDS.items():
            if intent not in q.intents:
                continue
            records = self.kb.of_kind(*kinds)
            if q.period or q.year:
                if intent == "money":
                    return None
                within = [r for r in records if record_period(r) and self._period_fits(r, q)]
                records = within or records
            if len(records) == 1 or (intent == "money" and records):
                return self._one(records[0], q.year, [])
            if records:
                heading = " và ".join(dict.fromkeys(CATEGORY_HEADINGS.get(k, k) for k in kinds))
                text = compose.compose_list(self.kb, heading, records)
                return self._many("list", text, records)
        return None

    def _search_route(self, q: Query, scope: frozenset[str] | None = None) -> Answer | None:
        if not q.content and not (q.year or q.period):
            return None
        words = q.content or [str(q.year or q.period[0])]
        found = self.index.search(words, q.toks, limit=200 if scope else 50)
        hits = [self._adjust(h, q) for h in found if not scope or h.record.kind in scope]
        hits.sort(key=lambda s: s.score, reverse=True)
        hits = self._rerank(hits[:RERANK], words, q)
        if not hits or hits[0].score <= 0:
            return None
        top = hits[0].record
        word_cover, pair_cover = hits[0].cover
        # words that named an agency this record is about were understood, however the record spells it
        named = q.agency_words if any(top.id in self._about.get(a, ()) for a in q.agencies) else set()
        unexplained = [w for w in words if w not in named] or words
        if (word_cover < MIN_WORD_COVER or pair_cover < MIN_PAIR_COVER
                or self.index.foreign_share(top, unexplained, q.toks) >= MAX_FOREIGN_SHARE):
            return None
        close = [top]
        for s in hits[1:]:
            if s.score < CLOSE * hits[0].score or len(close) >= MAX_CANDIDATES:
                break
            if not any(self._same_fact(s.record, c) for c in close):
                close.append(s.record)
        if len(close) > 1:
            text = compose.compose_candidates(self.kb, close, q.year)
            return self._many("candidates", text, close)
        return self._one(top, q.year, words)

    # ---- helpers
    def _rerank(self, hits: list[Scored], words: list[str], q: Query) -> list[Scored]:
        """BM25 rewards a few rare words; the answer should also explain the rest of the question."""
        out = []
        asks_who = "who" in q.intents and "investor" not in q.intents  # the answer is an agency, not a title
        for h in hits:
            word_cover, pair_cover = self.index.coverage(h.record, words, q.toks)
            named = 1 if asks_who else 1 + TITLE_WEIGHT * self.index.title_cover(h.record, words) ** 2
            out.append(Scored(h.record, h.score * word_cover ** 2 * (0.5 + 0.5 * pair_cover) * named,
                              (word_cover, pair_cover)))
        return sorted(out, key=lambda s: s.score, reverse=True)

    def _records_about(self, agency_id: str) -> list[Record]:
        """Records linked to the agency, and those whose title names it (e.g. 'tại các cơ quan Đảng')."""
        return sorted({r.id: r for r in (*self.kb.of_agency(agency_id), *self._mentions.get(agency_id, ()))}.values(),
                      key=lambda r: r.seq)

    def _informative(self, words: list[str]) -> list[str]:
        return [t for t in words if self.index.idf.get(t, 9.0) >= MIN_REST_IDF]

    @staticmethod
    def _period_fits(r: Record, q: Query) -> bool:
        lo, hi = record_period(r) or (0, 0)
        if q.period:
            return (lo, hi) == q.period
        return q.year is not None and lo <= q.year <= hi

    def _adjust(self, hit: Hit, q: Query) -> Scored:
        r, m = hit.record, (COMPONENT_WEIGHT if hit.record.kind == "component" else 1.0)
        for intent in q.intents:
            kinds, factor = KIND_PREFERENCE.get(intent, (set(), 1.0))
            if r.kind in kinds:
                m *= factor
        if "money" in q.intents:
            m *= 1.6 if (r.kind in AMOUNT_KINDS and r.amounts) else 0.6
        elif "how_much" in q.intents and (r.amounts or r.get("figures") or r.kind == "indicator"):
            m *= 1.3
        if "when" in q.intents and (r.get("nam") or r.get("start")):
            m *= 1.6
        if "investor" in q.intents:
            m *= 1.8 if r.get("cdt") else 0.6
        years = record_years(r)
        if q.year:
            if q.year in years:
                m *= 1.5
            elif r.get("nam"):
                m *= 0.4
        period = record_period(r)
        if q.period and period:
            if period == q.period:
                m *= 1.5
            elif period[1] < q.period[0] or period[0] > q.period[1]:
                m *= 0.4
        if q.agencies:
            if any(r.id in self._about.get(a, ()) for a in q.agencies):
                m *= 1.6
            elif r.agencies:
                types = {self.kb.agencies[a].type for a in q.agencies}
                if any(self.kb.agencies[a].type in types for a in r.agencies if a in self.kb.agencies):
                    m *= 0.4
        return Scored(r, hit.score * m)

    def _same_fact(self, a: Record, b: Record) -> bool:
        """Twins stated twice (Phần VI and Phụ lục 3) or a record and its own part are one answer."""
        refs = {x.split(":")[0] for x in (*a.get("doi_chieu", []), *b.get("doi_chieu", []))}
        return a.id in refs or b.id in refs or a.parent == b.id or b.parent == a.id

    @staticmethod
    def _many(kind: str, text: str, records: list[Record]) -> Answer:
        """A reply about several records: their ids (buttons) and sources go along."""
        return Answer(True, text, kind, [(r.id, compose.short(r.title, 60)) for r in records],
                      list(dict.fromkeys(r.source for r in records)))

    def _one(self, r: Record, year: int | None, words: list[str]) -> Answer:
        text = compose.compose_record(self.kb, r, year, words)
        return Answer(True, text, "record", [(r.id, compose.short(r.title, 60))], [r.source])

    def _not_found(self) -> Answer:
        return Answer(False, compose.not_found_text(self.kb), "not_found")
