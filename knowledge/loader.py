"""Reading the plan's data files into a KnowledgeBase, refusing malformed data with a clear message."""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from knowledge.numbers import BadNumber, parse_canonical
from knowledge.records import CORE_KEYS, DEFAULT_UNIT, Agency, KnowledgeBase, Record, RecordKind

DATA_DIR = Path(__file__).with_name("data")
AGENCY_FILE = "co_quan.json"
ABBREVIATION_FILE = "viet_tat.json"
VOCABULARY_FILE = "tu_vung.json"  # chat shorthand, filler phrases, everyday words for the plan's concepts
WORD_FREQUENCY_FILE = "tan_suat.json"  # how common each syllable is in general Vietnamese
WEIGHTS_FILE = "trong_so.json"  # the ranker's fitted feature weights and decision thresholds
NOT_RECORD_FILES = {AGENCY_FILE, ABBREVIATION_FILE, VOCABULARY_FILE, WORD_FREQUENCY_FILE, WEIGHTS_FILE}


class DataError(ValueError):
    """The data files cannot be loaded; the message says which file and record."""


def record_files(data_dir: Path = DATA_DIR) -> list[Path]:
    return sorted(p for p in data_dir.glob("*.json") if p.name not in NOT_RECORD_FILES)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{path.name}: không đọc được tệp JSON ({exc})") from exc


def parse_agency(raw: Any, where: str) -> Agency:
    if not isinstance(raw, dict) or not raw.get("id") or not raw.get("name"):
        raise DataError(f"{where}: cơ quan thiếu 'id' hoặc 'name'")
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise DataError(f"{where}: 'aliases' của {raw['id']} phải là danh sách chuỗi")
    return Agency(id=raw["id"], name=raw["name"], type=raw.get("type", ""), aliases=tuple(aliases),
                  parent=raw.get("parent"))


def parse_record(raw: Any, seq: int, where: str) -> Record:
    """One data-file record -> Record; amounts must be canonical decimal strings."""
    if not isinstance(raw, dict):
        raise DataError(f"{where}: mỗi bản ghi phải là một đối tượng JSON")
    for key in ("id", "kind", "title", "source"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise DataError(f"{where}: bản ghi {raw.get('id', '?')} thiếu trường '{key}'")
    rid = raw["id"]
    if raw["kind"] not in set(RecordKind):
        raise DataError(f"{where}: {rid}: loại '{raw['kind'][:30]}' không có (các loại: {', '.join(RecordKind)})")
    for key in ("parent", "text", "unit"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise DataError(f"{where}: {rid}: '{key}' phải là chuỗi")
    amounts: dict[str, Decimal] = {}
    raw_amounts = raw.get("amounts", {})
    if not isinstance(raw_amounts, dict):
        raise DataError(f"{where}: {rid}: 'amounts' phải là đối tượng")
    for name, value in raw_amounts.items():
        try:
            amounts[name] = parse_canonical(value)
        except BadNumber as exc:
            raise DataError(f"{where}: {rid}.{name}: {exc}") from exc
    figures = raw.get("figures", [])
    if not isinstance(figures, list) or not all(isinstance(fig, dict) for fig in figures):
        raise DataError(f"{where}: {rid}: 'figures' phải là danh sách đối tượng")
    for fig in figures:
        for key in ("value", "value_max"):
            if key in fig:
                try:
                    parse_canonical(fig[key])
                except BadNumber as exc:
                    raise DataError(f"{where}: {rid} (chỉ số '{fig.get('label', '')}'): {exc}") from exc
    agencies = raw.get("agencies", [])
    if not isinstance(agencies, list) or not all(isinstance(a, str) for a in agencies):
        raise DataError(f"{where}: {rid}: 'agencies' phải là danh sách mã cơ quan")
    fields = {k: v for k, v in raw.items() if k not in CORE_KEYS}
    return Record(id=rid, kind=RecordKind(raw["kind"]), title=raw["title"], source=raw["source"], seq=seq,
                  parent=raw.get("parent"), text=raw.get("text", ""), unit=raw.get("unit", DEFAULT_UNIT),
                  amounts=amounts, agencies=tuple(agencies), fields=fields)


def _unique_ids(items: list[Agency], message: str) -> set[str]:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise DataError(f"{message}: {item.id}")
        seen.add(item.id)
    return seen


def build(records: Iterable[Record], agencies: Iterable[Agency]) -> KnowledgeBase:
    """Check identity and references across all records, then index them."""
    agency_list = list(agencies)
    agency_ids = _unique_ids(agency_list, "mã cơ quan trùng")
    for a in agency_list:
        if a.parent and a.parent not in agency_ids:
            raise DataError(f"cơ quan {a.id}: cơ quan cấp trên '{a.parent}' không tồn tại")
    seen: set[str] = set()
    references: list[tuple[str, str | None, tuple[str, ...]]] = []  # what is checked once every id is known

    def checked() -> Iterator[Record]:  # the records go into the knowledge base one by one (100.000 from a database)
        for r in records:
            if r.id in seen:
                raise DataError(f"mã bản ghi trùng: {r.id}")
            seen.add(r.id)
            for aid in r.agencies:
                if aid not in agency_ids:
                    raise DataError(f"{r.id}: cơ quan '{aid}' không có trong {AGENCY_FILE}")
            if r.parent or r.get("doi_chieu"):
                references.append((r.id, r.parent, tuple(r.get("doi_chieu", ()))))
            yield r

    kb = KnowledgeBase(checked(), agency_list)
    for rid, parent, cited in references:
        if parent and parent not in seen:
            raise DataError(f"{rid}: bản ghi cha '{parent}' không tồn tại")
        for ref in cited:
            if ref.split(":")[0] not in seen:
                raise DataError(f"{rid}: bản ghi đối chiếu '{ref}' không tồn tại")
    return kb


def load_files(data_dir: Path = DATA_DIR) -> KnowledgeBase:
    """Load every data file of the plan (the seed of the database)."""
    raw_agencies = _read_json(data_dir / AGENCY_FILE)
    agencies = [parse_agency(a, AGENCY_FILE) for a in raw_agencies.get("agencies", [])]
    records: list[Record] = []
    for path in record_files(data_dir):
        doc = _read_json(path)
        if not isinstance(doc, dict) or not isinstance(doc.get("records"), list):
            raise DataError(f"{path.name}: cần một đối tượng có danh sách 'records'")
        period = doc.get("giai_doan")
        for raw in doc["records"]:
            if period and isinstance(raw, dict):
                raw = {"giai_doan": period, **raw}
            records.append(parse_record(raw, len(records), path.name))
    return build(records, agencies)
