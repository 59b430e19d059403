"""Bulk changes from the command line: export, edit in Excel, import with a dry run; every change audited."""
from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from bot.cli import main
from db.engine import make_engine
from db.models import AuditEntry
from db.queries import load_knowledge
from knowledge.numbers import BadNumber, parse_amount


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def edit_workbook(path: Path, record_id: str, header: str, value: object) -> None:
    wb = load_workbook(path)
    ws = wb["Dự án"]
    columns = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == record_id:
            row[columns.index(header)].value = value
    wb.save(path)


def test_export_edit_import_with_dry_run_and_audit(cli_db: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "k.xlsx"
    assert main(["export", str(book)]) == 0
    edit_workbook(book, "PL4-3", "TMĐT", 2750.5)
    assert main(["import", str(book), "--dry-run"]) == 0
    assert "~ PL4-3: tmdt 2.000 → 2.750,5" in capsys.readouterr().out
    engine = make_engine(cli_db)
    assert load_knowledge(engine).records["PL4-3"].amounts["tmdt"] == Decimal("2000")
    assert main(["import", str(book)]) == 0
    assert "Đã áp dụng" in capsys.readouterr().out
    assert load_knowledge(engine).records["PL4-3"].amounts["tmdt"] == Decimal("2750.5")
    with Session(engine) as s:
        entry = s.exec(select(AuditEntry).where(AuditEntry.record_id == "PL4-3")).one()
    assert (entry.actor, entry.action, entry.field) == ("cli", "replace", "tmdt")
    assert main(["import", str(book)]) == 0 and "Không có gì thay đổi" in capsys.readouterr().out


def test_csv_and_json_round_trips_are_no_ops(cli_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("k.csv", "k.json"):
        assert main(["export", str(tmp_path / name)]) == 0
        assert main(["import", str(tmp_path / name)]) == 0
        assert "Thêm mới: 0 bản ghi; thay đổi: 0; lỗi: 0" in capsys.readouterr().out


def test_a_bad_file_is_rejected_whole(cli_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "k.xlsx"
    main(["export", str(book)])
    edit_workbook(book, "PL4-3", "TMĐT", 9999)
    edit_workbook(book, "PL4-4", "TMĐT", "nhiều")
    assert main(["import", str(book)]) == 1
    out = capsys.readouterr().out
    assert "dòng" in out and "(Dự án)" in out and "PL4-4" in out and "không được áp dụng" in out
    assert load_knowledge(make_engine(cli_db)).records["PL4-3"].amounts["tmdt"] == Decimal("2000")
    (tmp_path / "fake.xlsx").write_bytes(b"not a workbook")
    assert main(["import", str(tmp_path / "fake.xlsx")]) == 1
    assert "không phải bảng tính" in capsys.readouterr().err


@pytest.mark.parametrize(("text", "value"), [("1.500", "1500"), ("1500", "1500"), ("1.500,5", "1500.5"),
                                             ("1,5 tỷ", "1500"), ("967,6", "967.6"), ("2.000 triệu đồng", "2000"),
                                             ("12.914", "12914"), ("0", "0")])
def test_amounts_as_admins_type_them(text: str, value: str) -> None:
    assert str(parse_amount(text)) == value


@pytest.mark.parametrize("text", ["-5", "mười", "1.5.5,3,2", "", "5 USD"])
def test_amounts_that_are_refused(text: str) -> None:
    with pytest.raises(BadNumber):
        parse_amount(text)


def test_xlsx_has_vietnamese_headers_and_one_sheet_per_kind(cli_db: str, tmp_path: Path) -> None:
    book = tmp_path / "k.xlsx"
    main(["export", str(book)])
    wb = load_workbook(io.BytesIO(book.read_bytes()))
    assert {"Dự án", "Mục tiêu", "Nhiệm vụ", "Phân kỳ vốn", "Cơ quan"} <= set(wb.sheetnames)
    assert [c.value for c in wb["Dự án"][1]][:7] == ["Mã", "Loại", "Mục cha", "Tên", "Nội dung", "Đơn vị tính",
                                                     "Cơ quan"]


def test_after_an_import_changes_a_figure_the_answer_shows_it_and_what_the_plan_wrote(
        cli_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "k.xlsx"
    assert main(["export", str(book)]) == 0
    edit_workbook(book, "PL4-3", "TMĐT", 2750.5)
    assert main(["import", str(book)]) == 0
    capsys.readouterr()
    assert main(["ask", "Dự án chữ ký số bao nhiêu tiền?"]) == 0
    answer = capsys.readouterr().out
    assert "2.750,5 triệu đồng" in answer
    assert "PL4-3 đã được quản trị viên sửa ngày" in answer and "Kế hoạch ghi: Tổng mức đầu tư (TMĐT) 2.000" in answer
    assert main(["ask", "Dự án chữ ký số do ai làm chủ đầu tư?"]) == 0  # any answer about it says so
    assert "Kế hoạch ghi: Tổng mức đầu tư (TMĐT) 2.000" in capsys.readouterr().out
