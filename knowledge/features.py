"""Named features of (question, record) pairs and the fitted linear score over them.

Every signal the ranker uses is one of FEATURES; the weights and the answer / offer / refuse thresholds are
data (knowledge/data/trong_so.json), fitted on the generated corpus by `python -m knowledge.tools.fit`."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from knowledge.loader import DATA_DIR, WEIGHTS_FILE
from knowledge.records import Record

FEATURES = (
    "lexical",        # BM25 of the record relative to the best record for this question (0-1)
    "word_cover",     # idf-weighted share of the question's content words the record contains
    "pair_cover",     # share of the question's adjacent content-word pairs the record contains
    "title_cover",    # share of the record's own title words the question contains (a named record)
    "head_cover",     # the question's first informative word (its subject) is in the record
    "rest_cover",     # word_cover of the words left once the agency the question names is set aside
    "novel_pairs",    # share of the question's word pairs the whole plan never writes (a subject it lacks)
    "kind_fit",       # the record's kind is one the question's intent asks for (mục tiêu -> target …)
    "kind_other",     # the question asks for some kinds and the record is of none of them
    "money_fit",      # money is asked and the record states an amount
    "money_miss",     # money is asked and the record states none
    "figure_miss",    # a number is asked ('bao nhiêu') and the record states no figure at all
    "year_figure",    # a year is asked and the record has a figure of that year
    "year_fit",       # a year is asked and the record spans it
    "year_clash",     # a year is asked and the record belongs to another period
    "period_fit",     # the period asked is the record's
    "period_clash",   # the period asked excludes the record's
    "plan_period",    # no time asked and the record is of the plan's own period (2016-2020 for this plan)
    "agency_fit",     # an agency is named and the record is about it
    "agency_clash",   # an agency is named and the record is about another body of the same type
    "when_fit",       # "năm nào", "khi nào": the record carries a year or dates
    "when_miss",      # "năm nào", "khi nào": the record says no year or date
    "investor_fit",   # the investor is asked and the record names one
    "investor_miss",  # the investor is asked and the record names none
    "container_fit",  # a total is asked and the record is a stated total of several items
    "component",      # the record is a sub-item (hạng mục) of a project
    "measure_miss",   # a count is asked ('ở bao nhiêu xã') and the record's text counts no such thing
    "rate_miss",      # a percentage is asked ('tỷ lệ', 'bao nhiêu %') and the record states none
    "predicate_miss",  # a figure is asked of a doing the plan never writes ('đang chạy bao nhiêu máy chủ')
    "names_miss",     # names are asked ('là những dịch vụ nào') and the record is a row of figures
    "sibling_other",  # the question names a sibling row by the words that set it apart ('cấp xã'), not this one
    "foreign",        # share of the question in rare words that neither the record nor the plan explain
)
THRESHOLDS = (
    "answer_min",     # the best record's score must reach this
    "min_word_cover",  # and it must contain this share of the question's words
    "min_pair_cover",  # and this share of its word pairs
    "min_rest_cover",  # and, when the question names a body, this share of its other words
    "split_word_cover",  # a question about two periods: the share the second period's record must explain
    "max_foreign",    # and the unexplained rare words must stay below this share
    "offer_margin",   # records within this score of the best are offered together
)


@dataclass(frozen=True)
class Weights:
    weights: dict[str, float]
    thresholds: dict[str, float]

    def score(self, values: dict[str, float]) -> float:
        return sum(self.weights[name] * value for name, value in values.items() if value)

    def to_data(self) -> dict:
        return {"weights": {k: round(self.weights[k], 4) for k in FEATURES},
                "thresholds": {k: round(self.thresholds[k], 4) for k in THRESHOLDS}}


def load_weights(path: Path = DATA_DIR / WEIGHTS_FILE) -> Weights:
    return _load(path)


@lru_cache(maxsize=4)
def _load(path: Path) -> Weights:
    data = json.loads(path.read_text(encoding="utf-8"))
    missing = [k for k in FEATURES if k not in data["weights"]] + [k for k in THRESHOLDS if k not in data["thresholds"]]
    if missing:
        raise ValueError(f"{path.name}: thiếu trọng số {', '.join(missing)}")
    return Weights(dict(data["weights"]), dict(data["thresholds"]))


@dataclass
class Candidate:
    record: Record
    values: dict[str, float]
    score: float = 0.0
