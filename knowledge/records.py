"""The plan as plain in-memory values: records, agencies and the knowledge base holding them."""
from __future__ import annotations

import copy
import marshal
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any, overload

DEFAULT_UNIT = "triệu đồng"
PACKED_ABOVE = 20_000  # a knowledge base of more records keeps them packed until read (a plan's are all read)
READ_KEPT = 20_000  # packed records kept unpacked once read (~2 KB each), the last read
SAVED_UNPACKED = 1_000  # a store this small is saved as its records (a plan's load in ~10 ms; 10.000 would take 0,1 s)

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


def _moved(lists: dict[str, list[str]], out: list[tuple[str, str]], into: list[tuple[str, str]],
           seq: Mapping[str, int]) -> dict[str, list[str]]:
    """Lists of ids by key with some ids taken out and others put in, each list kept in the plan's order; only the
    lists that change are copied."""
    new, taken = dict(lists), set(out)
    for key in {k for k, _ in out} | {k for k, _ in into}:
        ids = [i for i in new.get(key, ()) if (key, i) not in taken]
        ids += [i for k, i in into if k == key and i not in ids]
        new[key] = sorted(ids, key=lambda i: seq[i])
    return new


def pack(r: Record) -> bytes:
    """A record as one bytes object (marshal of plain values; amounts as decimal strings)."""
    return marshal.dumps((r.id, str(r.kind), r.title, r.source, r.seq, r.parent, r.text, r.unit,
                          {k: str(v) for k, v in r.amounts.items()}, tuple(r.agencies), dict(r.fields)))


def unpack(data: bytes) -> Record:
    rid, kind, title, source, seq, parent, text, unit, amounts, agencies, fields = marshal.loads(data)
    return Record(rid, RecordKind(kind), title, source, seq, parent, text, unit,
                  {k: Decimal(v) for k, v in amounts.items()}, agencies, fields)


class RecordStore(Mapping[str, Record]):
    """Records by id. Saved, a large store's records are each packed into one bytes object and stay so when loaded
    until first read: 100.000 records load in a few milliseconds, and an answer unpacks only the records it reads (a
    plan's few hundred are saved as they are: loaded in ~10 ms, its first questions unpack none). A
    store given many records packs them as they come (~330 bytes each rather than ~2 KB unpacked). Of the packed
    records, the last READ_KEPT read are kept unpacked: a process answering for months holds no more."""

    def __init__(self, records: Iterable[Record] = ()) -> None:
        self._data: dict[str, Record | bytes] = {}
        self._read: dict[str, Record] = {}  # packed records unpacked, the oldest read first
        self._lock = threading.Lock()  # (chats are answered in several threads)
        for r in records:
            self.add(r)

    def add(self, r: Record) -> None:
        """Put a record in; past PACKED_ABOVE records, all are kept packed."""
        if len(self._data) < PACKED_ABOVE:
            self._data[r.id] = r
            return
        if len(self._data) == PACKED_ABOVE:
            self._data = {k: pack(v) if isinstance(v, Record) else v for k, v in self._data.items()}
        self._data[r.id] = pack(r)

    def peek(self, record_id: str) -> Record:
        """The record, not kept unpacked when it was packed (for a reader going through all of them once)."""
        value = self._data[record_id]
        if not isinstance(value, bytes):
            return value
        return self._read.get(record_id) or unpack(value)

    def __getitem__(self, record_id: str) -> Record:
        value = self._data[record_id]
        if not isinstance(value, bytes):
            return value
        record = self._read.get(record_id)
        if record is None:
            record = unpack(value)
            with self._lock:
                self._read[record_id] = record
                if len(self._read) > READ_KEPT:
                    del self._read[next(iter(self._read))]
        return record

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def replaced(self, changed: list[Record], gone: set[str]) -> RecordStore:
        """A new store without the records `gone`, with `changed` put in; the others shared as they are."""
        new = RecordStore(())
        new._data = {k: v for k, v in self._data.items() if k not in gone}
        new._data.update((r.id, r) for r in changed)
        new._read = {k: v for k, v in dict(self._read).items() if k not in gone}  # a copy first: others read on
        return new

    def __getstate__(self) -> dict[str, Record | bytes]:
        if len(self._data) <= SAVED_UNPACKED:
            return {k: unpack(v) if isinstance(v, bytes) else v for k, v in self._data.items()}
        return {k: v if isinstance(v, bytes) else pack(v) for k, v in self._data.items()}

    def __setstate__(self, state: dict[str, Record | bytes]) -> None:
        self._data, self._read, self._lock = dict(state), {}, threading.Lock()


class RecordList(Sequence[Record]):
    """Records given by id and read when indexed: a body's 10.000 projects are counted, and listed by their first
    few, without reading the others."""

    def __init__(self, kb: KnowledgeBase, ids: Iterable[str]) -> None:
        self._kb, self.ids = kb, list(ids)

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, i: int) -> Record: ...
    @overload
    def __getitem__(self, i: slice) -> RecordList: ...

    def __getitem__(self, i: int | slice) -> Record | RecordList:
        if isinstance(i, slice):
            return RecordList(self._kb, self.ids[i])
        return self._kb.records[self.ids[i]]


class KnowledgeBase:
    """Records and agencies with the lookups every reader needs (by id, children, by agency, by kind).

    The lookups hold record ids, so a saved knowledge base loads without unpacking its records."""

    def __init__(self, records: Iterable[Record], agencies: list[Agency]) -> None:
        """`records` are read once, one at a time (a database's 100.000 need not all be unpacked at once)."""
        self._store = RecordStore()
        self.records: Mapping[str, Record] = self._store
        self.agencies: Mapping[str, Agency] = MappingProxyType({a.id: a for a in agencies})
        children: dict[str, list[str]] = {}
        by_agency: dict[str, list[str]] = {}
        by_kind: dict[str, list[str]] = {}
        links: list[tuple[int, int, str, str | None, tuple[str, ...], RecordKind]] = []  # kept as records are packed
        for r in records:
            self._store.add(r)
            links.append((r.seq, len(links), r.id, r.parent, r.agencies, r.kind))
        links.sort()
        for _, _, rid, parent, linked, kind in links:
            if parent:
                children.setdefault(parent, []).append(rid)
            for a in linked:
                by_agency.setdefault(a, []).append(rid)
            by_kind.setdefault(kind, []).append(rid)
        self._children = children
        self._by_agency = by_agency
        self._by_kind = by_kind
        self._seq = {rid: seq for seq, _, rid, *_ in links}  # the plan's order, known without unpacking a record
        self._of_kinds: dict[tuple[str, ...], list[Record]] = {}
        self._kinds = self._kinds_by_id()
        self.revisions: Mapping[str, Revision] = {}  # set by knowledge.revisions.annotate
        self._plan = next((rid for *_, rid, _, _, kind in links if kind == "plan"), None)

    def with_records(self, changed: Iterable[Record], removed: Iterable[str]) -> KnowledgeBase:
        """A new knowledge base: this one with `changed` records put in (new or replacing theirs) and `removed`
        taken out; the other records are shared, not unpacked. Revisions are carried over as they are."""
        changed = list(changed)
        gone = set(removed) | {r.id for r in changed}
        new = copy.copy(self)
        new._store = self._store.replaced(changed, gone)
        new.records = new._store
        new._seq = {k: v for k, v in self._seq.items() if k not in gone}
        new._seq.update((r.id, r.seq) for r in changed)
        old = [self.records[k] for k in gone if k in self.records]
        new._children = _moved(self._children, [(r.parent, r.id) for r in old if r.parent],
                               [(r.parent, r.id) for r in changed if r.parent], new._seq)
        new._by_agency = _moved(self._by_agency, [(a, r.id) for r in old for a in r.agencies],
                                [(a, r.id) for r in changed for a in r.agencies], new._seq)
        new._by_kind = _moved(self._by_kind, [(str(r.kind), r.id) for r in old], [(str(r.kind), r.id) for r in changed],
                              new._seq)
        new._of_kinds, new._kinds = {}, {k: v for k, v in self._kinds.items() if k not in gone}
        new._kinds.update((r.id, str(r.kind)) for r in changed)
        if self._plan in gone:
            new._plan = next((r.id for r in changed if r.kind == "plan"), None)
        return new

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "agencies": dict(self.agencies), "_of_kinds": {}, "_kinds": {}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.agencies = MappingProxyType(state["agencies"])
        self._kinds = self._kinds_by_id()  # 100.000 records: 10 ms here rather than in someone's first question

    def _kinds_by_id(self) -> dict[str, str]:
        return {rid: kind for kind, ids in self._by_kind.items() for rid in ids}

    def __len__(self) -> int:
        return len(self.records)

    @property
    def plan(self) -> Record | None:
        """The plan's own record (number, date, signer), None when the records hold none."""
        return self.records[self._plan] if self._plan else None

    def children(self, record_id: str) -> list[Record]:
        return [self.records[i] for i in self._children.get(record_id, ())]

    def kind_of(self, record_id: str) -> str | None:
        """A record's kind without reading the record."""
        return self._kinds.get(record_id)

    def seq_of(self, record_id: str) -> int:
        return self._seq[record_id]

    def agency_ids(self, agency_id: str) -> list[str]:
        """The ids of the records an agency is linked to, in plan order."""
        return list(self._by_agency.get(agency_id, ()))

    def child_count(self, record_id: str) -> int:
        return len(self._children.get(record_id, ()))

    def in_plan_order(self, ids: Iterable[str]) -> list[str]:
        """The ids of records it holds among `ids`, in plan order (records of one place, as an admin's new ones may
        be, by id: the same order whatever order `ids` come in)."""
        seq = self._seq
        return sorted((rid for rid in ids if rid in seq), key=lambda rid: (seq[rid], rid))

    def read(self, record_id: str) -> Record:
        """A record read once, for a reader going through many: not kept unpacked (see RecordStore)."""
        return self._store.peek(record_id)

    def read_all(self) -> Iterator[Record]:
        """Every record in plan order, read one at a time: a reader going through 100.000 records once leaves them
        packed (the store keeps unpacked only what answers read)."""
        for rid in self.in_plan_order(self._seq):
            yield self._store.peek(rid)

    def parent_ids(self) -> list[str]:
        """The ids of the records that have children, in plan order (found without going through every record)."""
        return self.in_plan_order(rid for rid, kids in self._children.items() if kids)

    def child_ids(self, record_id: str) -> list[str]:
        """The children's ids, for a reader that needs few of them (a group may hold 100.000 projects)."""
        return list(self._children.get(record_id, ()))

    def of_kind(self, *kinds: str) -> list[Record]:
        """The records of these kinds in the plan's order (one list per set of kinds, made once)."""
        if kinds not in self._of_kinds:
            self._of_kinds[kinds] = sorted((self.records[i] for k in dict.fromkeys(kinds)
                                            for i in self._by_kind.get(k, ())), key=lambda r: r.seq)
        return list(self._of_kinds[kinds])

    def of_agency(self, agency_id: str) -> list[Record]:
        return [self.records[i] for i in self._by_agency.get(agency_id, ())]
