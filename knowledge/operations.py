"""Operations on a set of records: how many, the largest, the smallest, the total the plan states.

The set is the group the question names by its title (or the table of the appendix it names), else the records
of the kind counted that the question's words, time and body delimit."""
from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from knowledge import compose
from knowledge.answer import Answer, AnswerKind
from knowledge.normalize import tokens
from knowledge.numbers import fmt_count
from knowledge.periods import (
    AMOUNT_COLUMNS,
    AMOUNT_KINDS,
    YEAR_MONEY_KINDS,
    amount_column,
    appendix_of,
    record_period,
    record_years,
)
from knowledge.records import Record
from knowledge.understand import KIND_NOUNS, Query

if TYPE_CHECKING:
    from knowledge.index import Index
    from knowledge.normalize import Lexicon
    from knowledge.records import KnowledgeBase

CONTAINER_COVER = 0.6  # share of the question's words a group's title must hold to be the set it names
CONTAINER_NAMED = 0.75  # … or share of the group's title words the question holds
CONTAINER_HALF_NAMED = 0.5  # … its words in the question, with half of its title there
WHOLE_TITLE = 1.0  # a title written out whole names its group whatever else the question says
CONTAINER_MIN_COVER = 0.5  # … and, named that way, it must still hold this share of the question's words
MEMBER_COVER = 0.8  # members of a set kept by their words: this share of the best member's coverage
STATED_COUNT_COVER = 0.5  # share of the question's other words a year's funding must hold to be the count asked
GROUP_NOUN, GROUP_NAME_WORDS = "nhom", 3  # 'trong nhóm sở ngành …, sở nào …': what follows 'nhóm' names the group
PART_WORDS = 2  # words the question must add to a total's title to pick some of its lines ('đào tạo')
CONTAINER_KINDS = {"group", "project", "budget", "budget_line", "funding", "indicator_group", "indicator", "phase",
                   "target_group", "duty_group"}


class SetOperations:
    """Routes of the engine that work on a set of records (mixed into Answerer)."""

    if TYPE_CHECKING:  # what the host class (Answerer) provides
        kb: KnowledgeBase
        lex: Lexicon
        index: Index
        plan_period: tuple[int, int] | None
        _place_words: frozenset[str]

        @staticmethod
        def _amount_years(r: Record, q: Query) -> list[str]: ...
        def _informative(self, words: list[str]) -> list[str]: ...
        def _meets_time(self, q: Query, r: Record) -> bool: ...
        def _plan_name(self) -> str: ...
        def _one(self, r: Record, year: int | None, words: list[str]) -> Answer: ...
        def _many(self, kind: AnswerKind, text: str, records: Sequence[Record]) -> Answer: ...

    def _operation_route(self, q: Query) -> Answer | None:
        """How many, the largest, the smallest: over the set of records the question delimits."""
        bodies = self._count_bodies(q)
        if bodies:
            return bodies
        if q.operation == "total" or q.appendix and not q.content and "money" in q.intents \
                and q.operation not in ("count", "max", "min"):  # 'PL1 dự án nào TMĐT cao nhất' compares its rows
            return self._stated_total(q)  # 'tổng mức đầu tư … phụ lục 4': the appendix's own total
        if q.operation not in ("count", "max", "min"):
            return None
        if q.operation != "count" and "when" in q.intents:
            family = self._year_family(q)
            if family:  # 'năm nào … khởi công mới lớn nhất': the year, among one line's yearly records
                col = max(AMOUNT_COLUMNS, key=lambda c: sum(c in r.amounts for r in family))
                text = compose.compose_family_extreme(self.kb, [r for r in family if col in r.amounts], col,
                                                      q.operation == "max")
                return self._many(AnswerKind.RECORD, text, family)
        if q.operation != "count" and not (q.intents & {"money", "project"} or q.counted):
            return None  # 'sở nào có nhiều cán bộ nhất': not a comparison of the plan's amounts
        kinds = q.counted or ("project",)
        stated = self._stated_count(q, kinds) if q.operation == "count" else None
        if stated:
            return self._one(stated, q.year, q.content)
        container, members = self._members(q, kinds)
        years = self._amount_years(container, q) if container and "when" in q.intents else []
        # 'năm nào được bố trí vốn ĐTPT nhiều nhất': of its years (a container's, the only one with years)
        if container is not None and q.operation != "count" and len(years) >= 2:
            text = compose.compose_year_extreme(self.kb, container, years, q.operation == "max")
            return self._many(AnswerKind.RECORD, text, [container])
        if not members:
            return self._one(container, q.year, q.content) if container else None
        label = compose.e(container.title if container else compose.kind_label(kinds[0], self._plan_name()))
        if q.operation == "count":
            text = compose.compose_count(self.kb, label, members, q.year, container)
            return self._many(AnswerKind.LIST, text, members)
        priced = [r for r in members if amount_column(r)]
        if not priced:
            return None
        col = max(AMOUNT_COLUMNS, key=lambda c: sum(c in r.amounts for r in priced))
        priced = [r for r in priced if col in r.amounts]
        pick = (max if q.operation == "max" else min)(r.amounts[col] for r in priced)
        best = [r for r in priced if r.amounts[col] == pick]
        text = compose.compose_extreme(self.kb, label, len(members), best, col, q.operation == "max")
        return self._many(AnswerKind.LIST if len(best) > 1 else AnswerKind.RECORD, text, best)

    def _year_family(self, q: Query) -> list[Record]:
        """The yearly records of one line the question names ('Vốn CNTT năm 2011' … '2015', 'Dự án khởi công mới
        năm 2011' … '2015': siblings with amounts, one year each, the same title but for it), in the time asked."""
        asked, best, named_most = set(q.toks), [], CONTAINER_NAMED
        for family in self._year_families:
            title = {t for t in self.index.title_words(family[0].id) if not t.isdigit()}
            named = len(title & asked) / len(title) if title else 0.0
            kept = [r for r in family if self._meets_time(q, r)
                    and (q.period or q.year or not self.plan_period or record_period(r) == self.plan_period)]
            if named >= named_most and len(kept) >= 2:
                best, named_most = kept, named
        return best

    @cached_property
    def _year_families(self) -> list[list[Record]]:
        families: dict[tuple[str | None, str], list[Record]] = {}
        for r in self.kb.read_all():
            years = record_years(r)
            if r.amounts and len(years) == 1 and str(next(iter(years))) in r.title:
                line = r.title.replace(str(next(iter(years))), "")
                families.setdefault((r.parent, line), []).append(r)
        return [sorted(f, key=lambda r: r.seq) for f in families.values() if len(f) >= 2]

    def _count_bodies(self, q: Query) -> Answer | None:
        """"Bao nhiêu huyện … có dự án nâng cấp LAN": the bodies of that type among the projects the question
        delimits (a body type is named by its own word: huyện, sở, ban)."""
        types = {a.type for a in self.kb.agencies.values()}
        named = {self.kb.agencies[a].type for a in q.agencies}  # 'Sở Công Thương có dự án nào': one body, named
        which = q.which_body if q.which_body in types - named and q.operation not in ("max", "min") else ""
        kind = q.measure if "count" in q.intents and q.measure in types else which
        if not kind:
            return None
        own_words = frozenset(t for a in self.kb.agencies.values() if a.type == kind
                              for t in tokens(self.lex.key(a.name)))  # 'huyện, thành phố, thị xã' name the bodies
        _, members = self._members(q, ("project",), by_body=own_words)
        owners: dict[str, Record] = {}  # each body of the type with its first project the question delimits
        for r in members:
            for aid in r.agencies:
                if aid in self.kb.agencies and self.kb.agencies[aid].type == kind:
                    owners.setdefault(aid, r)
        if not owners:
            return None
        records = list(owners.values())
        names = "; ".join(self.kb.agencies[a].name for a in owners)
        periods = {r.get("giai_doan") for r in records}
        when = f" trong giai đoạn {periods.pop()}" if len(periods) == 1 and None not in periods else ""
        heading = (f"{fmt_count(len(owners))} đơn vị có dự án khớp với câu hỏi{when} (đếm theo danh mục trong Kế "
                   f"hoạch): {names}")
        text = compose.compose_list(self.kb, heading, records, q.year, total=True)
        return self._many(AnswerKind.LIST, text, records)

    def _stated_count(self, q: Query, kinds: tuple[str, ...]) -> Record | None:
        """A year's funding that states how many it paid for ('năm 2011 … phân bổ cho 16 dự án'): the plan's own
        figure, which its lists need not match."""
        if not q.year:
            return None
        nouns = "|".join(n for n, ks in KIND_NOUNS.items() if set(ks) & set(kinds))
        counts = re.compile(rf"\b\d+ (?:\w+ )?(?:{nouns})\b") if nouns else None
        words = self._informative(q.content)  # 'khởi công mới mấy dự án': what it paid for must be those
        # a part of the year's funding ('04 dự án … từ các nguồn vốn khác') counts only what it paid for
        return next((r for r in self.kb.of_kind(*YEAR_MONEY_KINDS) if r.get("nam") == q.year and r.parent and counts
                     and counts.search(" ".join(tokens(self.lex.key(r.text))))
                     and (not words or self.index.coverage(r, words, q.toks)[0] >= STATED_COUNT_COVER)), None)

    def _stated_total(self, q: Query) -> Answer | None:
        """"Tổng … phụ lục 1" (the appendix's own total), "tổng đầu tư phát triển và chi thường xuyên" (the
        total over the parts named); any other total is the search's, with its container feature."""
        words = [w for w in q.content if self.index.weight(w) > 0]
        if words and not q.appendix:
            container = self._container(q, words, ("project", "budget_line", "budget"))
            if not container or not self.kb.children(container.id) or container.kind == "project":
                return None
        else:
            container = self._container(q, words, ("project", "budget_line", "budget"))
        if not container or not container.amounts:
            return None
        parts = self._parts_named(container, words)
        if len(parts) == 1:
            return self._one(parts[0], q.year, q.content)
        if parts:  # 'tổng kinh phí đào tạo từ nguồn chi thường xuyên': the lines of the source about training
            title = compose.short(container.title, compose.HEADING_TITLE)
            heading = f"{title} — các mục khớp với câu hỏi ({fmt_count(len(parts))})"
            return self._many(AnswerKind.LIST, compose.compose_list(self.kb, heading, parts, q.year, total=True), parts)
        return self._one(container, q.year, q.content)

    def _parts_named(self, container: Record, words: list[str]) -> list[Record]:
        """The lines of a total whose titles hold every word the question adds to the total's own title (and its
        parents'), when that picks some of its lines; a question naming several lines ('cả ĐTPT và chi thường
        xuyên') asks the total itself."""
        named = set().union(*(self.index.title_words(rid) for rid in (container.id, *self._ancestors(container))))
        lines = self.kb.children(container.id)
        titles = {c.id: self.index.title_words(c.id) for c in lines}
        rest = {w for w in self._informative(words) if w not in named and any(w in t for t in titles.values())}
        if len(rest) < PART_WORDS:
            return []  # one syllable ('xã' of 'thành phố, thị xã') more often restates the total than picks lines
        full = [c for c in lines if rest <= titles[c.id]]
        partial = [c for c in lines if rest & titles[c.id] and c not in full]
        return full if len(full) < len(lines) and not partial else []

    def _members(self, q: Query, kinds: tuple[str, ...], by_body: frozenset[str] | None = None
                 ) -> tuple[Record | None, list[Record]]:
        """(the container named, if any; the records of `kinds` the question delimits). `by_body`: the set is
        for counting bodies, so no group is taken as the set, sub-projects count, and these words (the bodies'
        own names) do not delimit it."""
        groups, ignore = by_body is None, (by_body or frozenset()) | self._place_words  # every item is the province's
        words = [w for w in q.content if self.index.weight(w) > 0 and w not in ignore]
        container = self._container(q, words, kinds) if groups else None
        pool = self._descendants(container.id, kinds) if container else []
        if container and not pool:
            if container.kind in AMOUNT_KINDS:  # 'quá hạn đầu tư: 04 dự án', a source's years: it states it
                return container, []
            container = None  # not a set of the kinds asked ('Sở Kế hoạch và Đầu tư' has duties, no projects)
        if not container:
            pool = [r for r in self.kb.of_kind(*kinds)]
            if q.appendix:
                pool = [r for r in pool if appendix_of(r) == q.appendix]
        pool = [r for r in pool if self._meets_time(q, r) and (not q.year or q.year in record_years(r)
                                                              or not record_years(r) or r.kind != "project")]
        if words and not container:
            if any(not self.index.knows(w) for w in words):
                return None, []  # a word the plan never uses: not a set the plan delimits
            covers = dict(zip((r.id for r in pool), self.index.word_covers([r.id for r in pool], words, q.toks)))
            top = max(covers.values(), default=0.0)
            if top > 0:
                pool = [r for r in pool if covers[r.id] >= MEMBER_COVER * top]
        if not container and groups:  # a project counts once, not with its sub-projects (PL4-1 and PL4-1.1 …)
            ids = {r.id for r in pool if r.kind == "project"}
            pool = [r for r in pool if r.kind != "project" or not self._ancestors(r) & ids]
        if not container and kinds == ("project",) and not (q.period or q.year or q.appendix) and self.plan_period:
            # no time asked: the plan's own period, unless only earlier projects have the words asked ('bị hủy')
            own = [r for r in pool if record_period(r) == self.plan_period]
            pool = own or pool
        return container, self._by_stated_value(q, pool)

    def _container(self, q: Query, words: list[str], kinds: tuple[str, ...]) -> Record | None:
        """The group the question names by its title ("nhóm ứng dụng chuyên ngành"), or the table of the
        appendix it names when no other word narrows it ("tổng … phụ lục 1")."""
        # a group the question names must have half its title in the question; without words, lines under it
        ids = self.kb.in_plan_order(self.index.half_named(set(q.toks))) if words else self.kb.parent_ids()
        ids = [rid for rid in ids if self.kb.kind_of(rid) in CONTAINER_KINDS]

        def fits(r: Record) -> bool:
            return (not q.appendix or appendix_of(r) == q.appendix) and self._meets_time(q, r)

        if not words:
            pool = [r for r in map(self.kb.records.__getitem__, ids) if fits(r)]
            if q.appendix:
                roots = [r for r in pool if not r.parent or appendix_of(self.kb.records[r.parent]) != q.appendix]
                return min(roots, key=lambda r: r.seq) if roots else None
            return None
        asked, scored = set(q.toks), []
        at = q.toks.index(GROUP_NOUN) + 1 if GROUP_NOUN in q.toks else len(q.toks)
        after = [t for t in q.toks[at:at + GROUP_NAME_WORDS] if t in words]  # 'nhóm sở ngành': the words naming it
        for rid in ids:  # (by their titles first: a record is read only when its title qualifies)
            title = self.index.title_words(rid)
            named = len(title & asked) / len(title) if title else 0.0  # its title is in the question
            # the question's words are in its title (or those right after 'nhóm' are)
            cover = max(self.index.title_coverage(rid, words), self.index.title_coverage(rid, after) if after else 0.0)
            if not (named >= CONTAINER_NAMED or (cover >= CONTAINER_COVER and named >= CONTAINER_HALF_NAMED)):
                continue
            if fits(r := self.kb.records[rid]):
                dated = float(bool(q.year) and q.year in record_years(r))
                scored.append((dated, named + cover, -len(title), -r.seq, r, cover))
        if q.operation == "total":  # "đầu tư phát triển và chi thường xuyên": two parts named, their whole asked
            top = max((s[0] for s in scored), default=0.0)
            parents = [s[4].parent for s in scored if s[0] == top and s[4].parent and s[5] > 0]
            shared = next((p for p in parents if parents.count(p) > 1), None)
            if shared and self.kb.records[shared].amounts:
                return self.kb.records[shared]
        # its title must explain the question, or be written in it whole ('Tổng nhu cầu vốn … gồm những nguồn nào')
        scored = [s for s in scored if s[5] >= CONTAINER_MIN_COVER or s[1] - s[5] >= WHOLE_TITLE]
        return max(scored, key=lambda s: s[:4])[4] if scored else None

    def _ancestors(self, r: Record) -> set[str]:
        out: set[str] = set()
        while r.parent and r.parent in self.kb.records and r.parent not in out:
            out.add(r.parent)
            r = self.kb.records[r.parent]
        return out

    def _descendants(self, rid: str, kinds: tuple[str, ...]) -> list[Record]:
        out: list[Record] = []
        for c in self.kb.children(rid):
            if c.kind in kinds:
                out.append(c)
                if c.kind == "project" and self.kb.children(c.id):
                    continue  # a project counts once, not with its sub-items
            out += [d for d in self._descendants(c.id, kinds) if d.kind in kinds and c.kind not in kinds]
        return out

    def _by_stated_value(self, q: Query, pool: list[Record]) -> list[Record]:
        """Keep the records whose assessment the question quotes ("không đạt mục tiêu kế hoạch")."""
        values = {r.id: " ".join(tokens(self.lex.key(str(r.get("danh_gia", ""))))) for r in pool}
        spaced = f" {q.key} "
        quoted = [v for v in set(values.values()) if len(v.split()) >= 2
                  and any(f" {' '.join(v.split()[:n])} " in spaced for n in range(len(v.split()), 1, -1))]
        if not quoted:
            return pool
        longest = max(len(_quoted_head(v, spaced)) for v in quoted)
        heads = {_quoted_head(v, spaced) for v in quoted if len(_quoted_head(v, spaced)) == longest}
        return [r for r in pool if any(values[r.id].startswith(h) for h in heads)]


def _quoted_head(value: str, spaced: str) -> str:
    words = value.split()
    return next((" ".join(words[:n]) for n in range(len(words), 1, -1) if f" {' '.join(words[:n])} " in spaced), "")
