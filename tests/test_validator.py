"""`planbot check`: every real mismatch of the source is reported with both figures; bad data is refused."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from knowledge.loader import DATA_DIR, DataError, load_files
from knowledge.records import KnowledgeBase
from knowledge.validator import check


def test_reports_the_real_mismatches_and_nothing_else(kb: KnowledgeBase) -> None:
    found = {(m.record_id, m.column): (m.stated, m.computed) for m in check(kb)}
    # Verified by hand against the plan's tables: rounding in Phụ lục 1, the 228.108 vs 250.000 gap of Phụ lục 4
    # and of Phần VI.1.1 (dự phòng + chuyển tiếp + dự án mới).
    assert set(found) == {("PL1-A", "tmdt"), ("PL1-B", "tmdt"), ("PL1-B-2012", "tmdt"), ("PL1-B-2014", "tmdt"),
                          ("PL1-B-2015", "tmdt"), ("PL4-TONG", "ke_hoach"), ("NS-DTPT", "tong")}
    assert [str(x) for x in found[("PL4-TONG", "ke_hoach")]] == ["250000", "228108"]


def test_check_prints_both_figures_in_vietnamese_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "PL4-TONG [Kế hoạch vốn]: ghi 250.000" in out and "228.108" in out
    assert "PL1-A [TMĐT]: ghi 5.640" in out and "5.640,4" in out
    assert "7 chênh lệch" in out


def test_a_corrected_total_is_no_longer_reported(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    doc = json.loads((data / "phu_luc_1.json").read_text(encoding="utf-8"))
    for r in doc["records"]:
        if r["id"] == "PL1-A":
            r["amounts"]["tmdt"] = "5640.4"
    (data / "phu_luc_1.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    ids = {m.record_id for m in check(load_files(data))}
    assert "PL1-A" not in ids


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("source"))
    return target


def _edit_record(data: Path, file: str, record_id: str, **changes: object) -> None:
    path = data / file
    doc = json.loads(path.read_text(encoding="utf-8"))
    for r in doc["records"]:
        if r["id"] == record_id:
            r.update(changes)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize(("change", "message"), [
    ({"amounts": {"tmdt": "67,765"}}, "số không hợp lệ"),
    ({"amounts": {"tmdt": 967.6}}, "số không hợp lệ"),
    ({"amounts": {"tmdt": "-5"}}, "số không hợp lệ"),
    ({"id": "PL1-B8"}, "mã bản ghi trùng: PL1-B8"),
    ({"agencies": ["SO-KHONG-CO"]}, "cơ quan 'SO-KHONG-CO'"),
    ({"parent": "PL1-B-1999"}, "bản ghi cha 'PL1-B-1999'"),
    ({"title": ""}, "thiếu trường 'title'"),
])
def test_malformed_data_is_refused_with_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          change: dict, message: str) -> None:
    data = _copy_data(tmp_path)
    _edit_record(data, "phu_luc_1.json", "PL1-B7", **change)
    with pytest.raises(DataError, match=message.replace("(", r"\(")):
        load_files(data)
    assert main(["check", "--data", str(data)]) == 1
    err = capsys.readouterr().err
    assert "Lỗi dữ liệu" in err and "Traceback" not in err


def test_broken_json_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _copy_data(tmp_path)
    (data / "phu_luc_4.json").write_text('{"records": [', encoding="utf-8")
    assert main(["check", "--data", str(data)]) == 1
    assert "phu_luc_4.json" in capsys.readouterr().err
