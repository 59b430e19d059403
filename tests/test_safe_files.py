"""Data you can trust in the files admins exchange (issue #13, items 1 and 2): one amount reader and one writer
("4.500" in a text cell is 4500, never 4,5; no "5.64E+3" in an export), amounts the database cannot hold exactly
refused in Vietnamese, spreadsheets that never run a text as a formula, and ids that fit the column and the
buttons."""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import replace
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy.exc import StatementError
from sqlmodel import Session, select

from db.engine import make_engine
from db.models import AmountRow
from db.queries import load_knowledge
from db.seed import seed
from knowledge import files
from knowledge.fields import EditError, prepare
from knowledge.import_plan import plan_import
from knowledge.numbers import BadNumber, parse_amount, read_amount, write_amount
from knowledge.records import KnowledgeBase, Record

PROJECTS = files.KIND_SHEETS["project"]  # "Dự án"
EXPONENT = re.compile(r"\d[eE][+-]?\d")


def with_records(kb: KnowledgeBase, *changed: Record) -> KnowledgeBase:
    new = {r.id: r for r in changed}
    return KnowledgeBase([new.get(r.id, r) for r in kb.records.values()], list(kb.agencies.values()))


def edit_xlsx(content: bytes, edits: dict[tuple[str, str], object]) -> tuple[bytes, dict[tuple[str, str], str]]:
    """The workbook with cells of the project sheet set ((record id, header) -> value) as an admin would in
    Excel, and the coordinate of each edited cell ('E12')."""
    wb = load_workbook(io.BytesIO(content))
    ws = wb[PROJECTS]
    header = [c.value for c in ws[1]]
    where = {}
    for row in ws.iter_rows(min_row=2):
        for (rid, column), value in edits.items():
            if row[0].value == rid:
                cell = row[header.index(column)]
                cell.value = value
                where[rid, column] = cell.coordinate
    assert where.keys() == edits.keys()
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), where


def edit_csv(content: bytes, edits: dict[tuple[str, str], str]) -> tuple[bytes, dict[str, int]]:
    """The .csv with fields set, and the line number of each edited record."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    header = rows[0]
    lines = {}
    for n, row in enumerate(rows[1:], 2):
        for (rid, column), value in edits.items():
            if row[0] == rid:
                row[header.index(column)] = value
                lines[rid] = n
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig"), lines


def project_row(content: bytes, rid: str) -> int:
    ws = load_workbook(io.BytesIO(content))[PROJECTS]
    return next(row[0].row for row in ws.iter_rows(min_row=2) if row[0].value == rid)


# ---- 1. one amount reader, one writer
def test_xlsx_text_cells_in_vietnamese_style_import_as_the_amounts_they_show(kb: KnowledgeBase) -> None:
    content, _ = edit_xlsx(files.to_xlsx(kb), {("PL4-4", "TMĐT"): "4.500", ("PL4-5", "TMĐT"): "1.500,5",
                                               ("PL4-3", "TMĐT"): "2,75 tỷ", ("PL4-4", "TDT"): 4500})
    parsed = files.read_file("k.xlsx", content)
    assert parsed.errors == []
    back = {r.id: r for r in parsed.records}
    assert back["PL4-4"].amounts["tmdt"] == Decimal("4500")  # not 4,5
    assert back["PL4-5"].amounts["tmdt"] == Decimal("1500.5")  # not 1,5005
    assert back["PL4-3"].amounts["tmdt"] == Decimal("2750")
    assert back["PL4-4"].amounts["tdt"] == Decimal("4500")  # a number cell
    report = plan_import(kb, parsed).describe()
    assert "~ PL4-4: tdt 4.000 → 4.500; tmdt 4.000 → 4.500" in report and "~ PL4-5: tmdt 1.490 → 1.500,5" in report
    assert "lỗi: 0" in report


def test_the_dry_run_shows_old_and_new_amounts(kb: KnowledgeBase) -> None:
    content, _ = edit_xlsx(files.to_xlsx(kb), {("PL4-4", "TMĐT"): "4.500"})
    assert "4.000 → 4.500" in plan_import(kb, files.read_file("k.xlsx", content)).describe()


@pytest.mark.parametrize(("text", "value"), [("4.500", "4500"), ("1.500,5", "1500.5"), ("1,5 tỷ", "1500"),
                                             ("4500", "4500"), ("967.6", "967.6"), ("0,0001", "0.0001"),
                                             ("99.999.999.999.999,9999", "99999999999999.9999")])
def test_one_reader_for_what_people_type_and_spreadsheet_text(text: str, value: str) -> None:
    assert parse_amount(text) == read_amount(text) == Decimal(value)
    assert str(read_amount(text)) == value  # plain: no exponent, no trailing zeros


@pytest.mark.parametrize(("cell", "value"), [(4500, "4500"), (4500.0, "4500"), (1500.5, "1500.5"), (0.1, "0.1"),
                                             (12345678901.1234, "12345678901.1234")])
def test_xlsx_number_cells_are_read_exactly(cell: object, value: str) -> None:
    assert str(read_amount(cell)) == value


@pytest.mark.parametrize(("typed", "says"), [
    ("0,00001", "số tiền «0,00001» có 5 chữ số sau dấu phẩy; lưu được tối đa 4"),
    ("1,23456 triệu", "có 5 chữ số sau dấu phẩy"),
    ("100.000.000.000.000", "số tiền quá lớn: phải nhỏ hơn 100.000.000.000.000"),
    ("200.000.000.000 tỷ", "số tiền quá lớn"),
])
def test_sua_refuses_an_amount_the_database_cannot_hold_exactly(kb: KnowledgeBase, typed: str, says: str) -> None:
    with pytest.raises(EditError) as refused:
        prepare(kb, "PL4-4", "tmdt", typed)
    assert str(refused.value).startswith("Số tiền không hợp lệ") and says in str(refused.value)


@pytest.mark.parametrize("cell", [1e-05, 0.30000000000000004, 1e14, float("nan"), True, -5])
def test_xlsx_number_cells_not_exact_at_four_places_or_out_of_range_are_refused(cell: object) -> None:
    with pytest.raises(BadNumber):
        read_amount(cell)


def test_an_import_refuses_amounts_out_of_range_or_scale_naming_the_row(kb: KnowledgeBase) -> None:
    content, cells = edit_xlsx(files.to_xlsx(kb), {("PL4-4", "TMĐT"): "0,00001", ("PL4-5", "TMĐT"): 0.00001,
                                                   ("PL4-3", "TMĐT"): 10**14})
    parsed = files.read_file("k.xlsx", content)
    rows = {rid: int(cells[rid, "TMĐT"][1:]) for rid in ("PL4-3", "PL4-4", "PL4-5")}
    assert (f"dòng {rows['PL4-4']} ({PROJECTS}): PL4-4, cột «TMĐT»: số tiền «0,00001» có 5 chữ số sau dấu phẩy; "
            "lưu được tối đa 4 (nhỏ nhất 0,0001)") in parsed.errors
    assert any(e.startswith(f"dòng {rows['PL4-5']} ({PROJECTS}): PL4-5") and "5 chữ số" in e for e in parsed.errors)
    assert any(e.startswith(f"dòng {rows['PL4-3']} ({PROJECTS}): PL4-3") and "quá lớn" in e for e in parsed.errors)
    report = plan_import(kb, parsed).describe()
    assert "lỗi: 3" in report and "không được áp dụng" in report

    content, lines = edit_csv(files.to_csv(kb), {("PL4-4", "TMĐT"): "100000000000000"})
    assert [e for e in files.read_file("k.csv", content).errors if "quá lớn" in e] == [
        f"dòng {lines['PL4-4']}: PL4-4, cột «TMĐT»: số tiền quá lớn: phải nhỏ hơn 100.000.000.000.000"]

    doc = json.loads(files.to_json(kb))
    record = next(r for r in doc["records"] if r["id"] == "PL4-4")
    record["amounts"]["tmdt"] = "0.00001"
    errors = files.read_file("k.json", json.dumps(doc).encode()).errors
    assert len(errors) == 1 and "PL4-4.tmdt" in errors[0] and "5 chữ số sau dấu phẩy" in errors[0]


def test_exports_write_plain_decimals_never_exponents(kb: KnowledgeBase) -> None:
    # The values as the backends may hand them back: PostgreSQL's NUMERIC(18, 4) ('5640.0000'), normalised
    # ('5.64E+3', '1E+1'), tiny, large and at the limit.
    values = [Decimal("5640"), Decimal("0.0001"), Decimal("123456789.5"), Decimal("5.64E+3"), Decimal("5640.0000"),
              Decimal("1E+1"), Decimal("1.234"), Decimal("99999999999999.9999"), Decimal("1E+13")]
    chosen = [r for r in kb.records.values() if r.amounts][:len(values)]
    edited = [replace(r, amounts={col: v for col in r.amounts}) for r, v in zip(chosen, values)]
    copy = with_records(kb, *edited)
    for fmt, writer in (("json", files.to_json), ("csv", files.to_csv), ("xlsx", files.to_xlsx)):
        content = writer(copy)
        if fmt == "xlsx":
            with zipfile.ZipFile(io.BytesIO(content)) as z:
                text = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/"))
        else:
            text = content.decode("utf-8-sig")
        assert "E+" not in text and "E-" not in text and not EXPONENT.search(text), fmt
        back = {r.id: r for r in files.read_file(f"k.{fmt}", content).records}
        assert all(back[r.id].amounts == r.amounts for r in edited), fmt
    assert [write_amount(v) for v in values] == ["5640", "0.0001", "123456789.5", "5640", "5640", "10", "1.2340",
                                                 "99999999999999.9999", "10000000000000"]


def test_amounts_come_back_from_the_database_plain_and_out_of_range_is_refused(database_url: str,
                                                                                kb: KnowledgeBase) -> None:
    engine = make_engine(database_url)
    seed(engine, kb)
    stored = {"PL4-3": Decimal("5640"), "PL4-4": Decimal("0.0001"), "PL4-5": Decimal("99999999999999.9999")}
    with Session(engine) as s:
        for rid, value in stored.items():
            row = s.exec(select(AmountRow).where(AmountRow.record_id == rid, AmountRow.column == "tmdt")).one()
            row.value = value
            s.add(row)
        s.commit()
    loaded = load_knowledge(engine)
    assert {rid: str(loaded.records[rid].amounts["tmdt"]) for rid in stored} == {
        "PL4-3": "5640", "PL4-4": "0.0001", "PL4-5": "99999999999999.9999"}
    exported = json.loads(files.to_json(loaded))
    assert {r["id"]: r["amounts"]["tmdt"] for r in exported["records"] if r["id"] in stored} == {
        "PL4-3": "5640", "PL4-4": "0.0001", "PL4-5": "99999999999999.9999"}
    for bad in (Decimal("0.00001"), Decimal(10) ** 14):  # PostgreSQL would round the one and overflow on the other
        with Session(engine) as s, pytest.raises(StatementError, match="số tiền"):
            row = s.exec(select(AmountRow).where(AmountRow.record_id == "PL4-3", AmountRow.column == "tmdt")).one()
            row.value = bad
            s.add(row)
            s.commit()
    assert load_knowledge(engine).records["PL4-3"].amounts["tmdt"] == Decimal("5640")


# ---- 2. safe spreadsheets
TRAPS = {"PL4-3": "=1+1", "PL4-4": '=HYPERLINK("http://example.invalid/x","Bấm vào đây")', "PL4-5": "@SUM(1)",
         "PL4-6": "-5 năm", "PL4-7": "'=1+1", "PL4-8": "'trích dẫn'"}


def test_a_title_that_looks_like_a_formula_exports_as_text_and_comes_back_unchanged(kb: KnowledgeBase) -> None:
    copy = with_records(kb, *(replace(kb.records[rid], title=title) for rid, title in TRAPS.items()))

    book = files.to_xlsx(copy)
    ws = load_workbook(io.BytesIO(book))[PROJECTS]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in TRAPS:
            title = row[header.index("Tên")]
            assert (title.data_type, title.value) == ("s", TRAPS[row[0].value])
    assert ws.cell(project_row(book, "PL4-3"), header.index("Tên") + 1).quotePrefix
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        assert not any("<f>" in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))

    table = files.to_csv(copy)
    text = table.decode("utf-8-sig")
    assert "\"'=1+1\"" in text and "\"''=1+1\"" in text and "\"'@SUM(1)\"" in text and "\"'-5 năm\"" in text
    assert not any(field.startswith(files.FORMULA_STARTS) for row in csv.reader(io.StringIO(text)) for field in row)

    for name, content in (("k.xlsx", book), ("k.csv", table)):
        parsed = files.read_file(name, content)
        back = {r.id: r.title for r in parsed.records}
        assert {rid: back[rid] for rid in TRAPS} == TRAPS, name
        plan = plan_import(copy, parsed)
        assert plan.errors == [] and plan.is_noop, (name, plan.describe())


def test_a_formula_cell_in_an_uploaded_workbook_is_refused_naming_the_cell(kb: KnowledgeBase) -> None:
    content, cells = edit_xlsx(files.to_xlsx(kb), {("PL4-4", "TMĐT"): "=4000+500", ("PL4-5", "Tên"): "=A1"})
    parsed = files.read_file("k.xlsx", content)
    assert f"Ô {cells['PL4-4', 'TMĐT']} (trang {PROJECTS}) chứa công thức; hãy dán giá trị." in parsed.errors
    assert f"Ô {cells['PL4-5', 'Tên']} (trang {PROJECTS}) chứa công thức; hãy dán giá trị." in parsed.errors
    report = plan_import(kb, parsed).describe()
    assert f"Ô {cells['PL4-4', 'TMĐT']}" in report and "không được áp dụng" in report


@pytest.mark.parametrize(("bad_id", "says"), [("P" * 53, "dài 53 ký tự, tối đa 40"),
                                               ("PL4 4", "có ký tự không dùng được"),
                                               ("PL4-Đ", "có ký tự không dùng được")])
def test_an_id_that_does_not_fit_is_refused_with_its_row(kb: KnowledgeBase, bad_id: str, says: str) -> None:
    content, cells = edit_xlsx(files.to_xlsx(kb), {("PL4-4", "Mã"): bad_id})
    errors = files.read_file("k.xlsx", content).errors
    row = cells["PL4-4", "Mã"][1:]
    assert any(e.startswith(f"dòng {row} ({PROJECTS}): mã «{bad_id[:20]}") and says in e for e in errors), errors

    content, lines = edit_csv(files.to_csv(kb), {("PL4-4", "Mã"): bad_id})
    assert any(e.startswith(f"dòng {lines['PL4-4']}: mã «") and says in e
               for e in files.read_file("k.csv", content).errors)

    doc = json.loads(files.to_json(kb))
    number = next(i for i, r in enumerate(doc["records"], 1) if r["id"] == "PL4-4")
    doc["records"][number - 1]["id"] = bad_id
    errors = files.read_file("k.json", json.dumps(doc).encode()).errors
    assert any(e.startswith(f"bản ghi {number}: mã «") and says in e for e in errors)


def test_an_id_of_forty_characters_fits_the_column_and_the_buttons(kb: KnowledgeBase) -> None:
    rid = "PL4-" + "X" * 36
    assert len(f"xoa-huy:{rid}".encode()) <= 64
    copy = KnowledgeBase([*kb.records.values(), replace(kb.records["PL4-4"], id=rid, seq=len(kb) + 1)],
                         list(kb.agencies.values()))
    for name, writer in (("k.xlsx", files.to_xlsx), ("k.csv", files.to_csv), ("k.json", files.to_json)):
        parsed = files.read_file(name, writer(copy))
        assert parsed.errors == [] and rid in {r.id for r in parsed.records}, name
