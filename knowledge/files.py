"""The knowledge as files admins exchange: the data-file JSON, an .xlsx workbook (a sheet per kind, Vietnamese
headers) or a .csv table — written from records and read back into records, with row numbers for errors."""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook

from knowledge.loader import DataError, parse_agency, parse_record
from knowledge.records import CORE_KEYS, DEFAULT_UNIT, Agency, KnowledgeBase, Record

KIND_SHEETS = {
    "plan": "Văn bản", "legal_basis": "Căn cứ", "status": "Hiện trạng", "section": "Mục", "funding": "Vốn theo năm",
    "shortcoming": "Tồn tại", "cause": "Nguyên nhân", "viewpoint": "Quan điểm", "general_goal": "Mục tiêu tổng quát",
    "target_group": "Nhóm mục tiêu", "target": "Mục tiêu", "task_group": "Nhiệm vụ trọng tâm", "solution": "Giải pháp",
    "phase": "Giai đoạn", "phase_item": "Nội dung giai đoạn", "budget": "Kinh phí", "budget_line": "Phân kỳ vốn",
    "duty_group": "Nhóm nhiệm vụ", "duty": "Nhiệm vụ", "group": "Nhóm dự án", "project": "Dự án",
    "component": "Hạng mục", "indicator_group": "Nhóm chỉ tiêu", "indicator": "Chỉ tiêu",
}
AGENCY_SHEET = "Cơ quan"
AMOUNT_HEADERS = {"tmdt": "TMĐT", "tdt": "TDT", "ke_hoach": "Kế hoạch vốn", "tong": "Tổng"}  # and 'Năm 2017' …
_YEAR_HEADER = re.compile(r"^Năm (\d{4})$")
_PLAN_HEADER = re.compile(r"^Kế hoạch(?: \d{4}-\d{4})?$")  # as files exported before named the column
BASE_HEADERS = ["Mã", "Loại", "Mục cha", "Tên", "Nội dung", "Đơn vị tính", "Cơ quan"]
TAIL_HEADERS = ["Trường khác (JSON)", "Nguồn"]
AGENCY_HEADERS = ["Mã", "Tên", "Loại", "Cơ quan cấp trên", "Tên viết tắt"]
MAX_BYTES = 5 * 1024 * 1024


class FileError(ValueError):
    """The file is not what it claims to be; nothing is read from it."""


@dataclass
class Parsed:
    records: list[Record] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "dòng 12 (Dự án): …"


# ---- writing
def to_json(kb: KnowledgeBase) -> bytes:
    doc = {"agencies": [_agency_data(a) for a in kb.agencies.values()],
           "records": [r.to_data() for r in sorted(kb.records.values(), key=lambda r: r.seq)]}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _agency_data(a: Agency) -> dict[str, Any]:
    out: dict[str, Any] = {"id": a.id, "name": a.name, "aliases": list(a.aliases), "type": a.type}
    if a.parent:
        out["parent"] = a.parent
    return out


def _columns(records: list[Record]) -> list[str]:
    """The amount columns the records hold: the named ones in their order, then the years the data has."""
    present = {c for r in records for c in r.amounts}
    return [c for c in AMOUNT_HEADERS if c in present] + sorted(c for c in present if c not in AMOUNT_HEADERS)


def _header(column: str) -> str:
    return AMOUNT_HEADERS.get(column, f"Năm {column}")


def _column(header: str) -> str | None:
    """The amount column a header names ('Năm 2017' -> '2017'), None for any other header."""
    named = next((c for c, h in AMOUNT_HEADERS.items() if h == header), None)
    if named:
        return named
    m = _YEAR_HEADER.match(header)
    return m.group(1) if m else ("ke_hoach" if _PLAN_HEADER.match(header) else None)


def _row(r: Record, amount_cols: list[str], numbers: bool) -> list[Any]:
    extra = {k: v for k, v in r.fields.items() if k not in CORE_KEYS}
    amounts = [(float(r.amounts[c]) if numbers else str(r.amounts[c])) if c in r.amounts else None
               for c in amount_cols]
    return [r.id, r.kind, r.parent or "", r.title, r.text, r.unit, ",".join(r.agencies), *amounts,
            json.dumps(extra, ensure_ascii=False) if extra else "", r.source]


def to_xlsx(kb: KnowledgeBase) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    records = sorted(kb.records.values(), key=lambda r: r.seq)
    for kind, sheet_name in KIND_SHEETS.items():
        rows = [r for r in records if r.kind == kind]
        if not rows:
            continue
        cols = _columns(rows)
        ws = wb.create_sheet(sheet_name)
        ws.append(BASE_HEADERS + [_header(c) for c in cols] + TAIL_HEADERS)
        for r in rows:
            ws.append(_row(r, cols, numbers=True))
    ws = wb.create_sheet(AGENCY_SHEET)
    ws.append(AGENCY_HEADERS)
    for a in kb.agencies.values():
        ws.append([a.id, a.name, a.type, a.parent or "", "\n".join(a.aliases)])  # a short form may hold a comma
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_csv(kb: KnowledgeBase) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    cols = _columns(list(kb.records.values()))
    writer.writerow(BASE_HEADERS + [_header(c) for c in cols] + TAIL_HEADERS)
    for r in sorted(kb.records.values(), key=lambda r: r.seq):
        writer.writerow(_row(r, cols, numbers=False))
    return out.getvalue().encode("utf-8-sig")


# ---- reading
def _amount(value: Any) -> str:
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace(",", "")
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text


def _record_from_row(header: list[str], values: list[Any], where: str, seq: int, parsed: Parsed) -> None:
    cells = {h: v for h, v in zip(header, values) if h}
    if not any(v not in (None, "") for v in cells.values()):
        return
    raw: dict[str, Any] = {"id": str(cells.get("Mã") or "").strip(), "kind": str(cells.get("Loại") or "").strip(),
                           "parent": str(cells.get("Mục cha") or "").strip() or None,
                           "title": str(cells.get("Tên") or "").strip(),
                           "source": str(cells.get("Nguồn") or "").strip()}
    if cells.get("Nội dung"):
        raw["text"] = str(cells["Nội dung"])
    unit = str(cells.get("Đơn vị tính") or "").strip()
    if unit and unit != DEFAULT_UNIT:
        raw["unit"] = unit
    agencies = [a.strip() for a in str(cells.get("Cơ quan") or "").split(",") if a.strip()]
    if agencies:
        raw["agencies"] = agencies
    amounts = {col: _amount(v) for h, v in cells.items() if (col := _column(h)) and v not in (None, "")}
    if amounts:
        raw["amounts"] = amounts
    extra = cells.get("Trường khác (JSON)")
    try:
        if extra:
            loaded = json.loads(str(extra))
            if not isinstance(loaded, dict):
                raise ValueError
            raw = {**loaded, **raw}
        parsed.records.append(parse_record(raw, seq, where))
    except (DataError, ValueError) as exc:
        parsed.errors.append(f"{where}: {exc}" if isinstance(exc, DataError) else f"{where}: cột JSON không hợp lệ")


def read_file(name: str, content: bytes) -> Parsed:
    """Read an uploaded .json / .xlsx / .csv; a file that is not what its name says is refused whole."""
    if len(content) > MAX_BYTES:
        raise FileError(f"Tệp lớn hơn {MAX_BYTES // (1024 * 1024)} MB.")
    lower = name.lower()
    if lower.endswith(".json"):
        return _read_json(content)
    if lower.endswith(".xlsx"):
        return _read_xlsx(content)
    if lower.endswith(".csv"):
        return _read_csv(content)
    raise FileError("Chỉ nhận tệp .xlsx, .csv hoặc .json (định dạng dữ liệu của planbot).")


def _read_json(content: bytes) -> Parsed:
    try:
        doc = json.loads(content.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise FileError("Tệp .json không hợp lệ: không phải văn bản UTF-8.") from exc
    except json.JSONDecodeError as exc:
        raise FileError(f"Tệp .json không hợp lệ: sai cú pháp ở dòng {exc.lineno}, cột {exc.colno}.") from exc
    except RecursionError as exc:  # '[[[[…]]]]' nested deeper than any data file
        raise FileError("Tệp .json không hợp lệ: lồng nhau quá sâu.") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("records"), list):
        raise FileError("Tệp .json phải có danh sách 'records' (như tệp /xuat tạo ra).")
    parsed = Parsed()
    for i, raw in enumerate(doc["records"], 1):
        try:
            parsed.records.append(parse_record(raw, i, f"bản ghi {i}"))
        except DataError as exc:
            parsed.errors.append(str(exc))
    for i, raw in enumerate(doc.get("agencies", []), 1):
        try:
            parsed.agencies.append(parse_agency(raw, f"cơ quan {i}"))
        except DataError as exc:
            parsed.errors.append(str(exc))
    return parsed


def _read_xlsx(content: bytes) -> Parsed:
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        raise FileError("Tệp .xlsx không phải bảng tính Excel hợp lệ.") from exc
    parsed = Parsed()
    seq = 0
    for ws in wb.worksheets:
        rows = ws.iter_rows(values_only=True)
        header = [str(h or "").strip() for h in next(rows, [])]
        if ws.title == AGENCY_SHEET:
            for n, values in enumerate(rows, 2):
                cells = dict(zip(header, values))
                if not cells.get("Mã"):
                    continue
                raw = {"id": str(cells["Mã"]).strip(), "name": str(cells.get("Tên") or "").strip(),
                       "type": str(cells.get("Loại") or ""), "parent": str(cells.get("Cơ quan cấp trên") or "") or None,
                       "aliases": [a.strip() for a in str(cells.get("Tên viết tắt") or "").splitlines() if a.strip()]}
                try:
                    parsed.agencies.append(parse_agency(raw, f"dòng {n} ({ws.title})"))
                except DataError as exc:
                    parsed.errors.append(str(exc))
            continue
        if "Mã" not in header:
            raise FileError(f"Trang «{ws.title}» thiếu cột «Mã»: không phải tệp do /xuat tạo ra.")
        for n, values in enumerate(rows, 2):
            seq += 1
            _record_from_row(header, list(values), f"dòng {n} ({ws.title})", seq, parsed)
    return parsed


def _read_csv(content: bytes) -> Parsed:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileError("Tệp .csv phải mã hóa UTF-8.") from exc
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or "Mã" not in rows[0]:
        raise FileError("Tệp .csv thiếu dòng tiêu đề có cột «Mã».")
    parsed = Parsed()
    for n, values in enumerate(rows[1:], 2):
        _record_from_row(rows[0], values, f"dòng {n}", n, parsed)
    return parsed


def same_amounts(a: dict[str, Decimal], b: dict[str, Decimal]) -> bool:
    return a.keys() == b.keys() and all(a[k] == b[k] for k in a)
