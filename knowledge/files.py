"""The knowledge as files admins exchange: the data-file JSON, an .xlsx workbook (a sheet per kind, Vietnamese
headers) or a .csv table — written from records and read back into records, with row numbers for errors.

Amounts go out through the one writer (`numbers.write_amount`, plain decimals; exact number cells in .xlsx) and
come back through the one reader (`numbers.read_amount`: '4.500' in a text cell is 4500). The files are safe to
open in a spreadsheet: no text is ever a formula (.xlsx text cells are string cells; a .csv field that a
spreadsheet would run — starting with = + - @, tab or CR — gets a leading ' as OWASP advises, taken off again on
import), and an uploaded workbook's formula cells are refused, naming the cell."""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from knowledge.fields import id_problem
from knowledge.loader import DataError, parse_agency, parse_record
from knowledge.numbers import BadNumber, plain, read_amount, write_amount
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
MAX_BYTES = 5 * 1024 * 1024  # a file uploaded in chat, read whole in the bot's memory
CLI_MAX_BYTES = 500 * 1024 * 1024  # a file `planbot import` reads from disk, row by row (.json: whole)
PROGRESS_EVERY = 1000  # records read between two progress reports
EXCEL_DIGITS = 15  # significant digits a spreadsheet number keeps; an amount with more goes out as text
# A cell starting with one of these is run as a formula by some spreadsheet (OWASP "CSV Injection"; the full-width
# forms too); the quote that neutralises it in a .csv, or that starts a text itself, is doubled.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
QUOTE = "'"


class FileError(ValueError):
    """The file is not what it claims to be; nothing is read from it."""


Progress = Callable[[int, int | None], None]  # (records so far, records in all when known)


@dataclass
class Parsed:
    records: list[Record] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "dòng 12 (Dự án): …"


# ---- writing
def to_json(kb: KnowledgeBase) -> bytes:
    doc = {"agencies": [_agency_data(a) for a in kb.agencies.values()],
           "records": [_record_data(r) for r in sorted(kb.records.values(), key=lambda r: r.seq)]}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _record_data(r: Record) -> dict[str, Any]:
    data = r.to_data()
    if r.amounts:  # plain decimals, whatever form the backend handed the values back in ('5.64E+3' -> '5640')
        data["amounts"] = {k: write_amount(v) for k, v in r.amounts.items()}
    return data


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
    amounts = [(_number_cell(r.amounts[c]) if numbers else write_amount(r.amounts[c])) if c in r.amounts else None
               for c in amount_cols]
    return [r.id, r.kind, r.parent or "", r.title, r.text, r.unit, ",".join(r.agencies), *amounts,
            json.dumps(extra, ensure_ascii=False) if extra else "", r.source]


def _number_cell(value: Decimal) -> int | float | str:
    """An amount as an .xlsx cell: a number a spreadsheet holds exactly (an int, or a float whose shortest text is
    the amount, in at most 15 significant digits), else its plain text, which the import reads back exactly."""
    exact = plain(value)
    digits = exact.as_tuple().digits
    if exact == exact.to_integral_value() and len(digits) <= EXCEL_DIGITS:
        return int(exact)
    if len(digits) <= EXCEL_DIGITS and Decimal(repr(float(exact))) == exact:
        return float(exact)
    return write_amount(exact)


def _append(ws: Any, values: list[Any]) -> None:
    """A row whose texts are all string cells: a title '=1+1' or '=HYPERLINK(…)' is shown, never run. The cells
    are made before the row is added (finding the last row of a sheet looks at all its cells)."""
    cells = [WriteOnlyCell(ws, value=v) for v in values]
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if cell.value.startswith(FORMULA_STARTS):
                cell.quotePrefix = True  # Excel keeps it text when the cell is edited
    ws.append(cells)


def to_xlsx(kb: KnowledgeBase) -> bytes:
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the empty sheet a new workbook starts with
    records = sorted(kb.records.values(), key=lambda r: r.seq)
    for kind, sheet_name in KIND_SHEETS.items():
        rows = [r for r in records if r.kind == kind]
        if not rows:
            continue
        cols = _columns(rows)
        ws = wb.create_sheet(sheet_name)
        _append(ws, BASE_HEADERS + [_header(c) for c in cols] + TAIL_HEADERS)
        for r in rows:
            _append(ws, _row(r, cols, numbers=True))
    ws = wb.create_sheet(AGENCY_SHEET)
    _append(ws, AGENCY_HEADERS)
    for a in kb.agencies.values():
        _append(ws, [a.id, a.name, a.type, a.parent or "", "\n".join(a.aliases)])  # a short form may hold a comma
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_csv(kb: KnowledgeBase) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)  # quoted: a ';' inside a field never starts another cell
    cols = _columns(list(kb.records.values()))
    writer.writerow(BASE_HEADERS + [_header(c) for c in cols] + TAIL_HEADERS)
    for r in sorted(kb.records.values(), key=lambda r: r.seq):
        writer.writerow([_neutralised(v) for v in _row(r, cols, numbers=False)])
    return out.getvalue().encode("utf-8-sig")


def _neutralised(value: Any) -> Any:
    """A .csv field a spreadsheet shows as text: '=1+1' -> "'=1+1"; a text starting with ' gets another."""
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, QUOTE)):
        return QUOTE + value
    return value


def _restored(value: str) -> str:
    """The field as it was before `_neutralised`: "'=1+1" -> '=1+1', "''abc" -> "'abc"; other fields unchanged."""
    if value.startswith(QUOTE) and value[1:].startswith((*FORMULA_STARTS, QUOTE)):
        return value[1:]
    return value


# ---- reading
def _record_from_row(header: list[str], values: list[Any], where: str, seq: int, parsed: Parsed) -> None:
    cells = {h: v for h, v in zip(header, values) if h}
    if not any(v not in (None, "") for v in cells.values()):
        return
    rid = str(cells.get("Mã") or "").strip()
    if rid and (problem := id_problem(rid)):
        parsed.errors.append(f"{where}: {problem}")
        return
    amounts: dict[str, Decimal] = {}
    for h, v in cells.items():
        if (col := _column(h)) and v not in (None, ""):
            try:
                amounts[col] = read_amount(v)
            except BadNumber as exc:
                parsed.errors.append(f"{where}: {rid or '?'}, cột «{h}»: {exc}")
                return
    raw: dict[str, Any] = {"id": rid, "kind": str(cells.get("Loại") or "").strip(),
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
    extra = cells.get("Trường khác (JSON)")
    try:
        if extra:
            loaded = json.loads(str(extra))
            if not isinstance(loaded, dict):
                raise ValueError
            raw = {**{k: v for k, v in loaded.items() if k != "amounts"}, **raw}
        parsed.records.append(replace(parse_record(raw, seq, where), amounts=amounts))
    except (DataError, ValueError) as exc:
        parsed.errors.append(f"{where}: {exc}" if isinstance(exc, DataError) else f"{where}: cột JSON không hợp lệ")


def read_file(name: str, content: bytes) -> Parsed:
    """Read an uploaded .json / .xlsx / .csv; a file that is not what its name says is refused whole."""
    _check_size(len(content), MAX_BYTES)
    return _read(name, io.BytesIO(content), None)


def read_path(path: Path, progress: Progress | None = None) -> Parsed:
    """Read a file from disk (`planbot import`) up to CLI_MAX_BYTES: a .csv line by line and an .xlsx row by row
    from the file itself (a .json whole), saying how far it got to `progress`. OSError when it cannot be opened."""
    _check_size(path.stat().st_size, CLI_MAX_BYTES)
    with path.open("rb") as stream:
        return _read(path.name, stream, progress)


def _check_size(size: int, limit: int) -> None:
    if size > limit:
        raise FileError(f"Tệp lớn hơn {limit // (1024 * 1024)} MB.")


def _read(name: str, stream: IO[bytes], progress: Progress | None) -> Parsed:
    lower = name.lower()
    if lower.endswith(".json"):
        return _read_json(_json_document(stream.read()), progress)
    if lower.endswith(".xlsx"):
        return _read_xlsx(stream, progress)
    if lower.endswith(".csv"):
        return _read_csv(stream, progress)
    raise FileError("Chỉ nhận tệp .xlsx, .csv hoặc .json (định dạng dữ liệu của planbot).")


def _report(progress: Progress | None, done: int, total: int | None, last: bool = False) -> None:
    """Tell `progress` every PROGRESS_EVERY records, and once at the end."""
    if progress is not None and (last or done % PROGRESS_EVERY == 0):
        progress(done, total)


def _json_document(content: bytes) -> Any:
    """The parsed document; the file's bytes and text are let go as soon as they are read (a large file is not
    held three times over)."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileError("Tệp .json không hợp lệ: không phải văn bản UTF-8.") from exc
    del content
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileError(f"Tệp .json không hợp lệ: sai cú pháp ở dòng {exc.lineno}, cột {exc.colno}.") from exc
    except RecursionError as exc:  # '[[[[…]]]]' nested deeper than any data file
        raise FileError("Tệp .json không hợp lệ: lồng nhau quá sâu.") from exc


def _read_json(doc: Any, progress: Progress | None = None) -> Parsed:
    if not isinstance(doc, dict) or not isinstance(doc.get("records"), list):
        raise FileError("Tệp .json phải có danh sách 'records' (như tệp /xuat tạo ra).")
    parsed = Parsed()
    total = len(doc["records"])
    for i, raw in enumerate(doc["records"], 1):
        try:
            _keep(parsed.records, parse_record(raw, i, f"bản ghi {i}"), f"bản ghi {i}", parsed)
        except DataError as exc:
            parsed.errors.append(str(exc))
        _report(progress, i, total)
    _report(progress, total, total, last=True)
    for i, raw in enumerate(doc.get("agencies", []), 1):
        try:
            _keep(parsed.agencies, parse_agency(raw, f"cơ quan {i}"), f"cơ quan {i}", parsed)
        except DataError as exc:
            parsed.errors.append(str(exc))
    return parsed


def _keep(into: list[Any], item: Record | Agency, where: str, parsed: Parsed) -> None:
    """`item` goes into `into` when its id can be stored; else the error names where it was."""
    problem = id_problem(item.id) if isinstance(item.id, str) else "mã phải là chuỗi"
    if problem:
        parsed.errors.append(f"{where}: {problem}")
    else:
        into.append(item)


def _read_xlsx(stream: IO[bytes], progress: Progress | None = None) -> Parsed:
    """Row by row (read-only mode): a large workbook is never held whole in memory."""
    try:  # data_only=False: a formula cell shows as one (data_type "f"), to be refused, not read as empty
        wb = load_workbook(stream, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        raise FileError("Tệp .xlsx không phải bảng tính Excel hợp lệ.") from exc
    parsed = Parsed()
    seq = 0
    total = _xlsx_rows(wb)
    for ws in wb.worksheets:
        rows = ws.iter_rows()
        header = [str(c.value or "").strip() for c in next(rows, ())]
        if ws.title != AGENCY_SHEET and "Mã" not in header:
            raise FileError(f"Trang «{ws.title}» thiếu cột «Mã»: không phải tệp do /xuat tạo ra.")
        for n, row in enumerate(rows, 2):
            formula = next((i for i, c in enumerate(row, 1) if getattr(c, "data_type", None) == "f"), None)
            if formula is not None:
                parsed.errors.append(f"Ô {get_column_letter(formula)}{n} (trang {ws.title}) chứa công thức; "
                                     "hãy dán giá trị.")
                continue
            values = [c.value for c in row]
            if ws.title == AGENCY_SHEET:
                _agency_from_row(header, values, f"dòng {n} ({ws.title})", parsed)
            else:
                seq += 1
                _record_from_row(header, values, f"dòng {n} ({ws.title})", seq, parsed)
                _report(progress, seq, total)
    _report(progress, seq, total, last=True)
    return parsed


def _xlsx_rows(wb: Workbook) -> int | None:
    """The record rows the workbook says its sheets have (their stated dimensions), None when one does not say."""
    sizes = [ws.max_row for ws in wb.worksheets if ws.title != AGENCY_SHEET]
    return None if None in sizes else sum(max(0, n - 1) for n in sizes)


def _agency_from_row(header: list[str], values: list[Any], where: str, parsed: Parsed) -> None:
    cells = dict(zip(header, values))
    if not cells.get("Mã"):
        return
    raw = {"id": str(cells["Mã"]).strip(), "name": str(cells.get("Tên") or "").strip(),
           "type": str(cells.get("Loại") or ""), "parent": str(cells.get("Cơ quan cấp trên") or "") or None,
           "aliases": [a.strip() for a in str(cells.get("Tên viết tắt") or "").splitlines() if a.strip()]}
    try:
        _keep(parsed.agencies, parse_agency(raw, where), where, parsed)
    except DataError as exc:
        parsed.errors.append(str(exc))


def _read_csv(stream: IO[bytes], progress: Progress | None = None) -> Parsed:
    """Line by line: only the records read so far are in memory, not the file's text."""
    rows = csv.reader(io.TextIOWrapper(stream, encoding="utf-8-sig", newline=""))
    parsed = Parsed()
    try:
        header = [_restored(v) for v in next(rows, [])]
        if "Mã" not in header:
            raise FileError("Tệp .csv thiếu dòng tiêu đề có cột «Mã».")
        n = 1
        for n, values in enumerate(rows, 2):
            _record_from_row(header, [_restored(v) for v in values], f"dòng {n}", n, parsed)
            _report(progress, n - 1, None)
    except UnicodeDecodeError as exc:
        raise FileError("Tệp .csv phải mã hóa UTF-8.") from exc
    _report(progress, n - 1, None, last=True)
    return parsed


def same_amounts(a: dict[str, Decimal], b: dict[str, Decimal]) -> bool:
    return a.keys() == b.keys() and all(a[k] == b[k] for k in a)
