"""Questions generated from the knowledge base, each with the answer the data gives (never a person's).

For every record and attribute (amount per column and year, investor, duties, targets, status figures,
indicators, phases, the plan's own data), in the forms people type: full title, short name, without
diacritics, with a typo, with the administration's abbreviations, with polite and chatty words, reordered.
Also totals, counts, superlatives, lists by investor, and out-of-scope variants made by breaking one
constraint (a year outside the plan, the next period, a body without such an item)."""
from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal

from knowledge.loader import ABBREVIATION_FILE, DATA_DIR
from knowledge.normalize import fold, lexicon, tokens
from knowledge.numbers import fmt_number
from knowledge.records import KnowledgeBase, Record
from knowledge.vocabulary import plan_acronyms

# Words that head many titles and say little about which one ("dự án xây dựng …"): the short name drops them.
GENERIC_HEADS = ("dự án", "đầu tư", "xây dựng", "triển khai", "bổ sung", "nâng cấp", "hoàn thiện", "mua sắm",
                 "hệ thống", "của tỉnh", "các", "cho", "tại", "và")
MONEY = ("{n} bao nhiêu tiền?", "kinh phí {n} là bao nhiêu", "{n} được bố trí bao nhiêu vốn",
         "vốn cho {n} bao nhiêu", "{n} tổng mức đầu tư bao nhiêu", "bao nhiêu tiền cho {n}")
FORMS = ("_khong_dau", "_go_sai", "_viet_tat", "_chat", "_dao_tu")  # class suffix of each variant of a question
CHATTY = ("cho em hỏi {q} ạ", "xin hỏi {q} vậy", "anh ơi {q} nhỉ", "{q} với ạ", "cho mình hỏi chút {q}")
SHORTHAND = {"được": "dc", "bao nhiêu": "bn", "không": "ko", "với": "vs", "gì": "j"}
OUT_OF_SCOPE_SUBJECTS = ("lắp camera giám sát giao thông", "xây dựng bệnh viện đa khoa", "lương cán bộ",
                         "phụ cấp công vụ hàng tháng", "giá đất ở đô thị", "mua xe ô tô công", "nạo vét kênh mương")
AMOUNT_ORDER = ("ke_hoach", "tmdt", "tong", "tdt")


@dataclass(frozen=True)
class Case:
    q: str
    cat: str
    found: bool = True
    nums: tuple[str, ...] = ()
    kw: tuple[tuple[str, ...], ...] = ()
    record: str = ""  # the record the reply must be about first (lookups); empty when several may answer
    twins: tuple[str, ...] = ()  # records stating the same fact (Phần VI and Phụ lục 3), as good as `record`

    def to_json(self, n: int) -> dict:
        return {"id": f"G{n:05d}", "q": self.q, "found": self.found, "nums": list(self.nums),
                "kw": [list(k) for k in self.kw], "cat": self.cat,
                "record": [self.record, *self.twins] if self.record else []}


def main_amount(r: Record) -> str | None:
    col = next((c for c in AMOUNT_ORDER if c in r.amounts), None)
    return fmt_number(r.amounts[col]) if col else None


class Generator:
    def __init__(self, kb: KnowledgeBase, seed: int = 1) -> None:
        self.kb = kb
        self.rng = random.Random(seed)
        # the administration's short forms (not chat shorthand), to write questions as officials shorten them
        official = json.loads((DATA_DIR / ABBREVIATION_FILE).read_text(encoding="utf-8"))["abbreviations"]
        self.shorten = sorted(((fold(full), fold(short)) for short, full in official.items()
                               if len(full.split()) >= 2 and fold(short).isalpha() and len(short) >= 3),
                              key=lambda fs: -len(fs[0]))
        self.acronym = plan_acronyms(lexicon(), kb)  # abbreviated only to short forms the plan itself writes
        place = kb.plan.get("dia_danh", "") if kb.plan else ""
        self.heads = (*GENERIC_HEADS, *((f"tỉnh {place}",) if place else ()))
        titles = Counter(fold(r.title) for r in kb.records.values())
        self.unique = {r.id for r in kb.records.values() if titles[fold(r.title)] == 1}
        self.period = kb.plan.get("giai_doan", "") if kb.plan else ""
        self._twins: dict[str, tuple[str, ...]] = {}  # a fact the plan states twice, both ways round
        for r in kb.records.values():
            for ref in r.get("doi_chieu", []):
                other = ref.split(":")[0]
                self._twins[r.id] = (*self._twins.get(r.id, ()), other)
                self._twins[other] = (*self._twins.get(other, ()), r.id)

    # ---- forms of a name and of a question
    def short_name(self, title: str) -> str:
        text = fold(title)
        for head in self.heads:
            text = re.sub(rf"(?<![a-z]){re.escape(fold(head))}(?![a-z])", " ", text)
        words = " ".join(text.replace(",", " ").split())
        return words if len(words.split()) >= 3 else fold(title)

    def typo(self, text: str) -> str:
        words = text.split()
        long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if not long:
            return text
        i = self.rng.choice(long)
        w = words[i]
        j = self.rng.randrange(1, len(w) - 1)
        words[i] = w[:j] + w[j + 1:]
        return " ".join(words)

    def abbreviate(self, text: str) -> str:
        """The listed short forms, then any run of 3-5 words that the plan's own acronyms give back (CSDL)."""
        folded = fold(text)
        for full, short in self.shorten:
            folded = re.sub(rf"(?<![a-z]){re.escape(full)}(?![a-z])", short.upper(), folded)
        words = folded.split()
        for n in (5, 4, 3):
            for i in range(len(words) - n + 1):
                run = [w.rstrip(",.;:?") for w in words[i:i + n]]
                if all(w.isalpha() and w.islower() for w in run):
                    initials = "".join(w[0] for w in run)
                    if initials in self.acronym.written and self.acronym(initials) == " ".join(run):
                        tail = words[i + n - 1][len(run[-1]):]  # the punctuation after the run stays
                        words[i:i + n] = [initials.upper() + tail] + [""] * (n - 1)
        return " ".join(w for w in words if w)

    def chat(self, q: str) -> str:
        q = self.rng.choice(CHATTY).format(q=q.rstrip("?"))
        for word, short in SHORTHAND.items():
            if self.rng.random() < 0.5:
                q = q.replace(word, short)
        return q

    def forms(self, q: str, cat: str) -> Iterator[tuple[str, str]]:
        """The question as written, and the variants people type, each with its class."""
        yield q, cat
        yield fold(q), f"{cat}_khong_dau"
        yield self.typo(fold(q)), f"{cat}_go_sai"
        abbr = self.abbreviate(q)
        if abbr != fold(q):
            yield abbr, f"{cat}_viet_tat"
        yield self.chat(q), f"{cat}_chat"

    # ---- the corpus
    def cases(self) -> list[Case]:
        out: list[Case] = []
        for make in (self._amounts, self._years, self._investors, self._by_investor, self._duties, self._figures,
                     self._indicators, self._phases, self._plan, self._totals, self._counts, self._extremes,
                     self._out_of_scope):
            out += list(make())
        return [replace(c, twins=self._twins.get(c.record, ())) if c.record else c for c in out]

    def _amounts(self) -> Iterator[Case]:
        for r in self.kb.of_kind("project", "group", "budget_line", "budget"):
            fig = main_amount(r)
            if not fig or r.id not in self.unique or len(tokens(fold(r.title))) < 3:
                continue
            short = self.short_name(r.title)
            for name, template in ((r.title, self.rng.choice(MONEY)), *((short, t) for t in self.rng.sample(MONEY, 2))):
                for text, cat in self.forms(template.format(n=name), "so_tien"):
                    yield Case(text, cat, nums=(fig,), record=r.id)
            ask = self.rng.choice(("bao nhiêu tiền", "kinh phí bao nhiêu", "hết bao nhiêu", "mấy tỷ"))
            yield Case(f"{ask} {self.short_name(r.title)}", "so_tien_dao_tu", nums=(fig,), record=r.id)

    def _years(self) -> Iterator[Case]:
        for r in self.kb.of_kind("budget_line", "funding"):
            for col, value in r.amounts.items():
                if col.isdigit() and r.id in self.unique:
                    q = f"{self.short_name(r.title)} năm {col} bao nhiêu"
                    for text, cat in self.forms(q, "theo_nam"):
                        yield Case(text, cat, nums=(fmt_number(value),), record=r.id)

    def _investors(self) -> Iterator[Case]:
        for r in self.kb.records.values():
            if not r.get("cdt") or r.id not in self.unique or not r.agencies:
                continue
            names = tuple(dict.fromkeys((fold(r.get("cdt")), fold(self.kb.agencies[r.agencies[0]].name))))
            q = self.rng.choice(("ai là chủ đầu tư {n}", "{n} do đơn vị nào làm chủ đầu tư",
                                 "chủ đầu tư của {n} là ai")).format(n=self.short_name(r.title))
            for text, cat in self.forms(q, "chu_dau_tu"):
                yield Case(text, cat, kw=(names,), record=r.id)

    def _invested(self) -> dict[str, list[Record]]:
        by: dict[str, list[Record]] = {}
        for r in self.kb.records.values():
            if r.get("cdt") and r.agencies:
                by.setdefault(r.agencies[0], []).append(r)
        return by

    def _by_investor(self) -> Iterator[Case]:
        by = self._invested()
        for aid, records in by.items():
            agency = self.kb.agencies[aid]
            figs = tuple(f for f in (main_amount(r) for r in records) if f)
            if not figs or len(records) > 8:
                continue
            for name in (agency.name, *agency.aliases[:1]):
                q = self.rng.choice(("{a} làm chủ đầu tư những dự án nào", "các dự án do {a} làm chủ đầu tư",
                                     "{a} được giao làm chủ đầu tư dự án gì")).format(a=name)
                for text, cat in self.forms(q, "theo_chu_dau_tu"):
                    yield Case(text, cat, nums=figs)
        for agency in self.kb.agencies.values():
            if agency.id not in by and agency.type in ("so", "huyen") and not self.kb.of_agency(agency.id):
                q = f"{agency.name} làm chủ đầu tư dự án nào trong kế hoạch"
                yield Case(q, "ngoai_pham_vi_chu_dau_tu", found=False)

    def _duties(self) -> Iterator[Case]:
        for g in self.kb.of_kind("duty_group"):
            duties = self.kb.children(g.id)
            if not duties or not g.agencies:
                continue
            first = " ".join(fold(duties[0].text).split()[:4])
            agency = self.kb.agencies[g.agencies[0]]
            for name in dict.fromkeys((agency.name, *agency.aliases[:2])):
                q = self.rng.choice(("{a} có nhiệm vụ gì", "nhiệm vụ của {a} trong kế hoạch",
                                     "{a} phải làm gì", "trách nhiệm của {a} là gì")).format(a=name)
                for text, cat in self.forms(q, "nhiem_vu"):
                    yield Case(text, cat, kw=((first,),), record=g.id)

    def _figures(self) -> Iterator[Case]:
        for r in self.kb.of_kind("target", "status"):
            for fig in r.get("figures", []):
                label = fig.get("label", "")
                if len(label.split()) < 3 or fig.get("value_max"):
                    continue
                value = fmt_number(Decimal(fig["value"]))
                period = r.get("giai_doan", "")
                when = f"mục tiêu đến năm {period[-4:]}" if r.kind == "target" else f"hiện trạng giai đoạn {period}"
                q = f"{when} {label} là bao nhiêu"
                for text, cat in self.forms(q, "chi_so"):
                    yield Case(text, cat, nums=(value,))

    def _indicators(self) -> Iterator[Case]:
        for r in self.kb.of_kind("indicator"):
            last = max((k for k in r.fields if re.fullmatch(r"nam_\d{4}", k)), default=None)
            if last is None:  # no yearly figure to ask about
                continue
            nums = re.findall(r"\d+(?:,\d+)?", str(r.get(last) or ""))
            if not nums or r.id not in self.unique or len(tokens(fold(r.title))) < 4:
                continue
            q = f"{r.title} năm {last[4:]} đạt bao nhiêu"
            for text, cat in self.forms(q, "chi_tieu_nam"):
                yield Case(text, cat, nums=tuple(nums[:1]))

    def _phases(self) -> Iterator[Case]:
        phases = [r for r in self.kb.of_kind("phase") if not r.parent]
        for n, r in enumerate(phases, 1):
            kids = self.kb.children(r.id)
            kw = ((" ".join(fold(kids[0].title).split()[:3]),),) if kids else ()
            for q in (f"{r.title} làm gì", f"lộ trình {r.title.lower()} gồm những việc gì"):
                for text, cat in self.forms(q, "lo_trinh"):
                    yield Case(text, cat, kw=kw, record=r.id)
            end = (r.get("giai_doan") or "")[-4:]
            if end.isdigit():
                yield Case(f"giai đoạn {n} của lộ trình kết thúc năm nào", "lo_trinh", nums=(end,), record=r.id)
        if phases:
            yield Case("lộ trình thực hiện chia làm mấy giai đoạn", "dem", nums=(str(len(phases)),))

    def _plan(self) -> Iterator[Case]:
        plan = self.kb.plan
        if not plan:
            return
        number = plan.get("so_hieu", "").split("/")[0]
        signer = fold(plan.get("nguoi_ky", ""))
        asks = [("kế hoạch này số mấy", (number,), ()), ("ai ký kế hoạch", (), ((signer,),)),
                ("người ký kế hoạch giữ chức vụ gì", (), ((fold(plan.get("chuc_vu", "")),),))]
        day = plan.get("ngay_ban_hanh", "")
        if day:
            asks.append(("kế hoạch ban hành ngày nào", (str(int(day[:4])),), ()))
        for q, nums, kw in asks:
            for text, cat in self.forms(q, "ke_hoach"):
                yield Case(text, cat, nums=nums, kw=kw, record=plan.id)

    def _totals(self) -> Iterator[Case]:
        for r in self.kb.of_kind("group", "budget_line", "budget"):
            fig = main_amount(r)
            if fig and self.kb.children(r.id) and r.id in self.unique and len(tokens(fold(r.title))) >= 3:
                q = f"tổng kinh phí {self.short_name(r.title)}"
                for text, cat in self.forms(q, "tong"):
                    yield Case(text, cat, nums=(fig,), record=r.id)

    def _counts(self) -> Iterator[Case]:
        for r in self.kb.of_kind("group", "project"):
            kids = [c for c in self.kb.children(r.id) if c.kind == "project"]
            if len(kids) >= 2 and r.id in self.unique and len(tokens(fold(r.title))) >= 3:
                q = f"{self.short_name(r.title)} có bao nhiêu dự án"
                for text, cat in self.forms(q, "dem"):
                    yield Case(text, cat, nums=(str(len(kids)),))

    def _extremes(self) -> Iterator[Case]:
        for r in self.kb.of_kind("group", "project"):
            kids = [c for c in self.kb.children(r.id) if c.kind == "project" and main_amount(c)]
            col = next((c for c in AMOUNT_ORDER if all(c in k.amounts for k in kids)), None)
            if len(kids) < 3 or not col or r.id not in self.unique or len(tokens(fold(r.title))) < 3:
                continue
            for word, pick in (("lớn nhất", max), ("nhỏ nhất", min)):
                best = pick(k.amounts[col] for k in kids)
                q = f"trong {self.short_name(r.title)} dự án nào có kinh phí {word}"
                for text, cat in self.forms(q, "lon_nho_nhat"):
                    yield Case(text, cat, nums=(fmt_number(best),))

    def _out_of_scope(self) -> Iterator[Case]:
        years = sorted({int(c) for r in self.kb.records.values() for c in r.amounts if c.isdigit()})
        if years:
            last = years[-1]
            for y in range(last + 1, last + 6):
                yield Case(f"vốn đầu tư phát triển năm {y} là bao nhiêu", "ngoai_pham_vi_nam", found=False)
                yield Case(f"von dau tu phat trien nam {y}", "ngoai_pham_vi_nam", found=False)
            yield Case(f"kế hoạch ứng dụng CNTT giai đoạn {last + 1}-{last + 5} tổng vốn bao nhiêu",
                       "ngoai_pham_vi_giai_doan", found=False)
            yield Case(f"ke hoach giai doan {last + 1}-{last + 5} co bao nhieu du an", "ngoai_pham_vi_giai_doan",
                       found=False)
        for subject in OUT_OF_SCOPE_SUBJECTS:
            for q in (f"dự án {subject} bao nhiêu tiền", f"kinh phí {subject} là bao nhiêu"):
                yield Case(q, "ngoai_pham_vi_chu_de", found=False)
                yield Case(fold(q), "ngoai_pham_vi_chu_de", found=False)
        invested = self._invested()
        for agency in self.kb.agencies.values():
            if agency.type == "huyen" and agency.id not in invested:
                yield Case(f"{agency.name} nâng cấp mạng LAN giai đoạn {self.period} bao nhiêu tiền",
                           "ngoai_pham_vi_don_vi", found=False)


def generate(kb: KnowledgeBase, seed: int = 1) -> list[dict]:
    return [c.to_json(n) for n, c in enumerate(Generator(kb, seed).cases(), 1)]
