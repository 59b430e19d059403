"""Questions about a body (sở, district, ban …): its duties, the projects it invests in or is about."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from knowledge import compose
from knowledge.answer import Answer, AnswerKind
from knowledge.numbers import fmt_count
from knowledge.records import Record, RecordList
from knowledge.understand import Query

if TYPE_CHECKING:
    from knowledge.features import Weights
    from knowledge.index import Index
    from knowledge.records import KnowledgeBase

NAMED_HITS = 5  # best hits checked for a record the question names by its whole title
BODY_TYPES = {"so", "huyen", "ban", "nganh", "van_phong", "dang", "doan_the"}  # bodies that own their projects
SHARED_AGENCY_TYPE = "nhom"  # "Các sở, ngành, địa phương": duties every agency shares
REST_NAMES = 0.5  # a body's projects narrowed to those holding this share of the question's other words
NAMED_TITLE = 0.75  # share of a record's title words that makes a question name that record
NOT_ABOUT_AGENCY = {"meta", "legal", "target", "general_goal", "solution", "viewpoint", "shortcoming", "cause",
                    "task", "roadmap", "when"}


class BodyRoutes:
    """Routes of the engine about a body the question names (mixed into Answerer)."""

    if TYPE_CHECKING:  # what the host class (Answerer) provides
        kb: KnowledgeBase
        index: Index
        weights: Weights
        _units: dict[str, set[str]]
        _words_of_agency: dict[str, set[str]]
        _invests: dict[str, set[str]]

        def about(self, agency_id: str) -> RecordList: ...
        def about_ids(self, agency_id: str, kinds: tuple[str, ...] = ()) -> list[str]: ...
        def agencies_about(self, record_id: str) -> frozenset[str]: ...
        @staticmethod
        def _joined(parts: list[Answer]) -> Answer: ...
        @staticmethod
        def _time_phrase(q: Query) -> str: ...
        def _informative(self, words: list[str]) -> list[str]: ...
        def _meets_time(self, q: Query, r: Record) -> bool: ...
        def _one(self, r: Record, year: int | None, words: list[str]) -> Answer: ...
        def _many(self, kind: AnswerKind, text: str, records: Sequence[Record]) -> Answer: ...
        def _refuse(self, reason: str, nearest: Sequence[Record] = (),
                    kind: AnswerKind = AnswerKind.NOT_FOUND) -> Answer: ...

    def _agency_route(self, q: Query) -> Answer | None:
        if not q.agencies or q.intents & NOT_ABOUT_AGENCY:
            return None
        aid = q.agencies[0]
        named = set().union(q.agency_words, *(self._words_of_agency[a] for a in q.agencies))  # 'Sở TP' too
        rest = self._informative([t for t in q.content if t not in named])
        # "phải làm những gì" lists duties; "có những dự án nào" lists projects
        if "duty" in q.intents and "investor" not in q.intents and not {"list", "project"} <= q.intents:
            if rest and "money" in q.intents:
                return None
            each = [d for a in q.agencies if (d := self._duties(a))]  # 'Sở Nội vụ và Sở Tài chính làm gì'
            each = list({tuple(d.candidates): d for d in each}.values())  # two bodies of one shared duty: once
            return self._joined(each) if len(each) > 1 else (each[0] if each else None)
        if "investor" in q.intents and (not rest or "who" not in q.intents):  # what it invests in, by the rest
            return self._invested_by(q, aid, rest)
        if self._names_a_record(q):
            return None  # 'Dự án … tại các cơ quan Đảng': a record named by its title, not the body's list
        if len(q.agencies) > 1 and rest:
            return self._each_agency(q)
        if rest or not ({"list", "money", "project"} & q.intents or len(q.agencies) > 1):
            return None
        ids = list(dict.fromkeys(rid for a in q.agencies for rid in self.about_ids(a, ("project", "component"))))
        projects = RecordList(self.kb, ids)  # a body may have thousands: those listed are read, the rest counted
        kept = RecordList(self.kb, [r.id for r in projects if self._meets_time(q, r)]) if q.period or q.year \
            else projects
        names = " và ".join(self.kb.agencies[a].name for a in q.agencies)
        if not kept:
            return self._refuse(f"Kế hoạch không có dự án của {names}{self._time_phrase(q)}.", projects)
        if len(kept) == 1:
            return self._one(kept[0], q.year, q.content)
        title = f"Các dự án liên quan đến {names}{self._time_phrase(q)} ({fmt_count(len(kept))})"
        text = compose.compose_list(self.kb, title, kept, q.year, total=q.asks_total)
        return self._many(AnswerKind.LIST, text, kept)

    def _names_a_record(self, q: Query) -> bool:
        """Whether the question writes out the whole title of a project or group (at least NAMED_TITLE of it)."""
        hits = self.index.search(q.content, q.toks, limit=NAMED_HITS) if q.content else []
        return any(h.record.kind in ("project", "group", "component")
                   and self.index.title_cover(h.record, q.content) >= NAMED_TITLE for h in hits)

    def _each_agency(self, q: Query) -> Answer | None:
        """"Vĩnh Tường và Yên Lạc mỗi nơi bao nhiêu": for each body named, its record that best fits the rest."""
        picked: list[Record] = []
        named = set().union(*(self._words_of_agency[a] for a in q.agencies))
        rest = [w for w in q.content if w not in named]
        for aid in q.agencies:
            own = [r for r in self.about(aid) if self._meets_time(q, r) and r.kind in ("project", "component")]
            covers = self.index.word_covers([r.id for r in own], rest, q.toks)
            scored = sorted(zip(covers, (-r.seq for r in own), own), reverse=True)
            if not scored or scored[0][0] < self.weights.thresholds["min_rest_cover"]:
                return None
            picked.append(scored[0][2])
        names = " và ".join(self.kb.agencies[a].name for a in q.agencies)
        text = compose.compose_list(self.kb, f"{names}{self._time_phrase(q)}", picked, q.year)
        return self._many(AnswerKind.LIST, text, picked)

    def _duties(self, aid: str) -> Answer | None:
        groups = self.kb.of_kind("duty_group")
        group = next((g for g in groups if aid in g.agencies), None)
        if group:
            return self._one(group, None, [])
        shared = next((g for g in groups if any(self.kb.agencies[a].type == SHARED_AGENCY_TYPE
                                                for a in g.agencies if a in self.kb.agencies)), None)
        if not shared:
            return None
        one = self._one(shared, None, [])
        note = (f"Kế hoạch không giao nhiệm vụ riêng cho {compose.e(self.kb.agencies[aid].name)}; "
                "nhiệm vụ chung của các sở, ngành, địa phương:\n")
        return Answer(True, note + one.content, AnswerKind.RECORD, one.candidates, one.sources)

    def _invested_by(self, q: Query, aid: str, rest: list[str] | None = None) -> Answer:
        """Projects whose investor (chủ đầu tư) is the agency or one of its units, within the time asked, and
        those of them the question's other words name, if they name some."""
        units = {aid} | {a.id for a in self.kb.agencies.values() if a.parent == aid}
        ids = sorted({rid for u in units for rid in self._invests.get(u, ()) if rid in self.kb.records},
                     key=self.kb.seq_of)  # by id: a body may invest in thousands, and only those listed are read
        if q.period or q.year:
            ids = [rid for rid in ids if self._meets_time(q, self.kb.records[rid])]
        named = [rid for rid, c in zip(ids, self.index.word_covers(ids, rest, q.toks)) if c >= REST_NAMES] \
            if rest else []
        kept = RecordList(self.kb, named or ids)
        name = self.kb.agencies[aid].name
        if not kept:  # 'cơ quan Đảng … ai làm CĐT': its projects, each with the investor the plan names
            about = [r for r in self.about(aid) if r.get("cdt") and self._meets_time(q, r)]
            if about:
                title = f"Dự án cho {name}{self._time_phrase(q)} và chủ đầu tư"
                listed = compose.compose_list(self.kb, title, about, q.year, investor=True)
                return self._many(AnswerKind.LIST, listed, about)
            peers = self._peer_parent(aid)
            nearest = f" Dự án chung cho cấp này: {peers.title}." if peers else ""
            return self._refuse(f"Kế hoạch không giao {name} làm chủ đầu tư dự án nào"
                                f"{self._time_phrase(q)}.{nearest}", [peers] if peers else [])
        if len(kept) == 1:
            return self._one(kept[0], q.year, q.content)
        title = f"Dự án do {name} làm chủ đầu tư{self._time_phrase(q)} ({fmt_count(len(kept))})"
        text = compose.compose_list(self.kb, title, kept, q.year, total=q.asks_total)
        return self._many(AnswerKind.LIST, text, kept)

    def _peer_parent(self, aid: str) -> Record | None:
        """The group holding the projects of bodies of the same type (the districts' common item)."""
        kind = self.kb.agencies[aid].type
        parents = [r.parent for a in self.kb.agencies.values() if a.type == kind and a.id != aid
                   for r in self.kb.of_agency(a.id) if r.get("cdt") and r.parent]
        common = max(set(parents), key=parents.count) if parents else None
        return self.kb.records.get(common) if common else None

    def _other_agency(self, r: Record, named: list[str]) -> bool:
        """The record belongs to another body than the one the question names: its unit or investor is a
        different sở, district, ban … (not one of the named body's units), or its title names a body of the
        same type."""
        related = {a for n in named for a in self._units[n]} | {self.kb.agencies[n].parent for n in named}
        if any(self.kb.agencies[n].type in BODY_TYPES for n in named):
            owners = [a for a in r.agencies if a in self.kb.agencies]
            if owners and not related & set(owners) and any(self._body(a) for a in owners):
                return True
        types = {self.kb.agencies[a].type for a in named}
        mentioned = self.agencies_about(r.id)
        return any(self.kb.agencies[a].type in types for a in mentioned) and not related & set(mentioned)

    def _body(self, aid: str) -> bool:
        """A body of its own (sở, district, ban …), or a unit of one."""
        a = self.kb.agencies[aid]
        parent = self.kb.agencies.get(a.parent) if a.parent else None
        return a.type in BODY_TYPES or bool(parent and parent.type in BODY_TYPES)
