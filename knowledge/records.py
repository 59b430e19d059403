"""The plan as plain in-memory values: records, agencies and the knowledge base holding them."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any

DEFAULT_UNIT = "triệu đồng"

# Keys every record has; anything else in a data file is a kind-specific field.
CORE_KEYS = ("id", "kind", "parent", "title", "text", "source", "amounts", "unit", "agencies")


class RecordKind(StrEnum):
    """What a record of a plan is; the data files may use no other kind (the loader refuses one)."""
    PLAN = "plan"  # the document itself: number, date, signer, period
    SECTION = "section"  # a part of the text (I, II …)
    LEGAL_BASIS = "legal_basis"  # a law or decision the plan rests on
    STATUS = "status"  # the state of IT use when the plan was written
    SHORTCOMING = "shortcoming"
    CAUSE = "cause"
    VIEWPOINT = "viewpoint"
    GENERAL_GOAL = "general_goal"
    TARGET_GROUP = "target_group"
    TARGET = "target"  # a target to reach by the end of the plan
    TASK_GROUP = "task_group"
    DUTY_GROUP = "duty_group"
    DUTY = "duty"  # what one agency must do
    SOLUTION = "solution"
    PHASE = "phase"  # a phase of the roadmap
    PHASE_ITEM = "phase_item"  # what a phase does
    INDICATOR_GROUP = "indicator_group"
    INDICATOR = "indicator"  # a row of an appendix of indicators, with its yearly values
    BUDGET = "budget"  # a year's budget
    BUDGET_LINE = "budget_line"
    FUNDING = "funding"
    GROUP = "group"  # a group of projects in an appendix (with its total)
    PROJECT = "project"
    COMPONENT = "component"  # a part of a project


@dataclass(frozen=True)
class Revision:
    """A record an admin changed after the plan was loaded: when, and what the plan wrote for each change."""
    on: str  # 'dd/mm/yyyy' of the last change, '' when the audit does not say
    plan_wrote: tuple[tuple[str, str], ...]  # (what, as the plan wrote it)


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    parent: str | None = None


@dataclass(frozen=True)
class Record:
    id: str
    kind: RecordKind
    title: str
    source: str
    seq: int = 0
    parent: str | None = None
    text: str = ""
    unit: str = DEFAULT_UNIT
    amounts: Mapping[str, Decimal] = field(default_factory=dict)
    agencies: tuple[str, ...] = ()
    fields: Mapping[str, Any] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)

    def to_data(self) -> dict[str, Any]:
        """The record in data-file form (amounts as canonical decimal strings)."""
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, "parent": self.parent, "title": self.title}
        if self.text:
            out["text"] = self.text
        if self.amounts:
            out["amounts"] = {k: str(v) for k, v in self.amounts.items()}
        if self.unit != DEFAULT_UNIT:
            out["unit"] = self.unit
        if self.agencies:
            out["agencies"] = list(self.agencies)
        out.update(self.fields)
        out["source"] = self.source
        return out


class KnowledgeBase:
    """Records and agencies with the lookups every reader needs (by id, children, by agency, by kind)."""

    def __init__(self, records: list[Record], agencies: list[Agency]) -> None:
        self.records: Mapping[str, Record] = MappingProxyType({r.id: r for r in records})
        self.agencies: Mapping[str, Agency] = MappingProxyType({a.id: a for a in agencies})
        children: dict[str, list[Record]] = {}
        by_agency: dict[str, list[Record]] = {}
        by_kind: dict[str, list[Record]] = {}
        ordered = sorted(records, key=lambda r: r.seq)
        for r in ordered:
            if r.parent:
                children.setdefault(r.parent, []).append(r)
            for a in r.agencies:
                by_agency.setdefault(a, []).append(r)
            by_kind.setdefault(r.kind, []).append(r)
        self._children = children
        self._by_agency = by_agency
        self._by_kind = by_kind
        self._of_kinds: dict[tuple[str, ...], list[Record]] = {}
        self.revisions: Mapping[str, Revision] = {}  # set by knowledge.revisions.annotate
        self.plan: Record | None = next((r for r in ordered if r.kind == "plan"), None)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "records": dict(self.records), "agencies": dict(self.agencies), "_of_kinds": {}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.records = MappingProxyType(state["records"])
        self.agencies = MappingProxyType(state["agencies"])

    def __len__(self) -> int:
        return len(self.records)

    def children(self, record_id: str) -> list[Record]:
        return self._children.get(record_id, [])

    def of_kind(self, *kinds: str) -> list[Record]:
        """The records of these kinds in the plan's order (one list per set of kinds, made once)."""
        if kinds not in self._of_kinds:
            self._of_kinds[kinds] = sorted((r for k in dict.fromkeys(kinds) for r in self._by_kind.get(k, ())),
                                           key=lambda r: r.seq)
        return list(self._of_kinds[kinds])

    def of_agency(self, agency_id: str) -> list[Record]:
        return self._by_agency.get(agency_id, [])
