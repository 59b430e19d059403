"""Scoring the engine on a question set: the same checks as `eval/score.py`, run in process.

A case is {"q", "found", "nums", "kw", "cat", "record"}; a reply passes when its `found` is right and, if found,
every expected figure and one keyword of each group appear in its plain text within the length limit, and, for a
generated lookup that names its record, the reply is about that record (or offers it among near equals). A failure
whose reply says found is the harmful kind: a wrong answer given as found."""
from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from knowledge.answer import Answer, AnswerKind
from knowledge.normalize import fold

MAX_CHARS = 1500
_NUMBER = re.compile(r"\d[\d.,]*\d|\d")


def numbers_in(text: str) -> set[Decimal]:
    """Every figure a reader may take from the text, read the Vietnamese way and the plain way."""
    out: set[Decimal] = set()
    for tok in _NUMBER.findall(text):
        for cand in (tok.replace(".", "").replace(",", "."), tok.replace(",", "")):
            try:
                out.add(Decimal(cand).quantize(Decimal("0.0001")))
            except InvalidOperation:
                pass
    return out


def figure(n: object) -> Decimal:
    """67765, 967.6, "67.765", "2.888,1" -> the number (a string is read the Vietnamese way)."""
    text = str(n).replace(".", "").replace(",", ".") if isinstance(n, str) else str(n)
    try:
        return Decimal(text).quantize(Decimal("0.0001"))
    except InvalidOperation:
        raise ValueError(f"con số {n!r} không đọc được (chỉ chữ số, dấu chấm và dấu phẩy)") from None


def plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def problems(case: dict, answer: Answer) -> list[str]:
    """What is wrong with the reply to one case (empty when it passes)."""
    want_found = case.get("found", True)
    if answer.found != want_found:
        return [f"found={answer.found}, expected {want_found}"]
    if not want_found:
        return []
    text = plain(answer.text)
    out = [f"missing figure {n}" for n in case.get("nums", []) if figure(n) not in numbers_in(text)]
    folded = fold(text)
    for alts in case.get("kw", []):
        alts = [alts] if isinstance(alts, str) else alts
        if not any(fold(a) in folded for a in alts):
            out.append(f"missing one of {alts}")
    if len(text) > case.get("max_chars", MAX_CHARS):
        out.append(f"reply has {len(text)} chars")
    wanted = case.get("record") or []  # a generated lookup knows the record it asks about (or its twins)
    if answer.kind == AnswerKind.CANDIDATES:
        offered = [c[0] for c in answer.candidates]
    else:
        offered = [answer.candidates[0][0]] if answer.candidates else []
    if wanted and not set(wanted) & set(offered):
        out.append(f"not about {wanted[0]}")  # the answer, or one of the records offered to choose from
    return out


def with_folded_variants(cases: Iterable[dict]) -> list[dict]:
    """Each answerable question again without diacritics, as people often type in chat (as score.py does)."""
    out = []
    for c in cases:
        out.append(c)
        if c.get("found", True) and fold(c["q"]) != c["q"].lower():
            out.append(dict(c, id=f"{c.get('id', '')}-f", q=fold(c["q"])))
    return out


@dataclass
class Report:
    total: int = 0
    passed: int = 0
    wrong_found: int = 0
    refused: int = 0
    by_class: dict[str, list[int]] = field(default_factory=dict)  # class -> [passed, total]
    failures: list[tuple[dict, list[str], Answer]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.passed / self.total if self.total else 0.0

    def lines(self, forms: tuple[str, ...] = ()) -> list[str]:
        """A line per class, then the harmful-failure line and, last, the accuracy line. With `forms` (the
        suffixes of generated variants: '_khong_dau' …) the classes are given once by kind and once by form."""
        tallies = [self.by_class]
        if forms:
            tallies = [_regroup(self.by_class, lambda c: _strip(c, forms)),
                       _regroup(self.by_class, lambda c: next((f[1:] for f in forms if c.endswith(f)), "nguyen_van"))]
        out = [f"  {cat}: {p}/{t}" for tally in tallies for cat, (p, t) in sorted(tally.items())]
        share = self.wrong_found / self.total if self.total else 0.0
        out.append(f"wrong answers given as found: {self.wrong_found}/{self.total} ({share:.1%}); "
                   f"answerable but refused: {self.refused}/{self.total}")
        out.append(f"accuracy {self.accuracy:.3f} ({self.passed}/{self.total})")
        return out


def _strip(cat: str, forms: tuple[str, ...]) -> str:
    return next((cat[: -len(f)] for f in forms if cat.endswith(f)), cat)


def _regroup(by_class: dict[str, list[int]], key: Callable[[str], str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for cat, (p, t) in by_class.items():
        tally = out.setdefault(key(cat), [0, 0])
        tally[0] += p
        tally[1] += t
    return out


def run(cases: Iterable[dict], ask: Callable[[str], Answer]) -> Report:
    report = Report()
    for case in cases:
        answer = ask(case["q"])
        found = problems(case, answer)
        tally = report.by_class.setdefault(case.get("cat") or "-", [0, 0])
        tally[1] += 1
        report.total += 1
        if found:
            report.failures.append((case, found, answer))
            report.wrong_found += answer.found
            report.refused += case.get("found", True) and not answer.found
        else:
            tally[0] += 1
            report.passed += 1
    return report
