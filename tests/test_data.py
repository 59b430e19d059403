"""The data files hold the whole plan, figure for figure, checked against the source text itself."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from knowledge.loader import DataError, parse_record
from knowledge.records import KnowledgeBase


def appendix_cells(source: str, start: str, end: str) -> list[str]:
    """The table cells of one appendix, as the source lays them out (one cell per paragraph)."""
    body = source[source.index(start): source.index(end)]
    return [" ".join(cell.replace("\xa0", " ").split()) for cell in body.split("\n\n")]


def prose_number(value: Decimal) -> str:
    """The plan's prose style: 260.650"""
    return f"{int(value):,}".replace(",", ".")


def table_number(cell: str) -> Decimal:
    return Decimal(cell.replace(",", ""))


def test_counts_per_appendix_and_group(kb: KnowledgeBase) -> None:
    projects = lambda prefix: [r for r in kb.records.values() if r.id.startswith(prefix) and r.kind == "project"]  # noqa: E731
    assert len(projects("PL1-A")) == 9
    assert len(projects("PL1-B")) == 33
    by_year = {y: len(kb.children(f"PL1-B-{y}")) for y in range(2011, 2016)}
    assert by_year == {2011: 5, 2012: 3, 2013: 6, 2014: 8, 2015: 11}
    assert [r.id for r in kb.children("PL4-TONG")] == ["PL4-I", "PL4-II", "PL4-III", "PL4-IV", "PL4-V"]
    assert [r.id for r in kb.children("PL4-V")] == [f"PL4-{i}" for i in range(1, 14)]
    assert len(kb.children("PL4-1a")) == 8 and len(kb.children("PL4-1b")) == 7
    assert len(kb.children("PL4-8")) == 5
    assert [r.id for r in kb.of_kind("component")] == ["PL4-5-HM1", "PL4-5-HM2", "PL4-12-HM1", "PL4-12-HM2",
                                                        "PL4-12-HM3"]
    assert len(kb.of_kind("budget_line")) == 7
    assert len(kb.of_kind("indicator")) == 34
    assert len(kb.of_kind("solution")) == 8 and len(kb.of_kind("task_group")) == 6
    assert len(kb.of_kind("target")) == 30
    assert len(kb.of_kind("legal_basis")) == 21


def test_every_phu_luc_1_figure_matches_the_source(kb: KnowledgeBase, source_text: str) -> None:
    cells = appendix_cells(source_text, "PHỤ LỤC 1:", "PHỤ LỤC 2:")
    checked = 0
    for r in kb.records.values():
        if r.id.startswith("PL1-") and r.kind == "project":
            i = cells.index(r.title)
            assert table_number(cells[i + 1]) == r.amounts["tmdt"], r.id
            assert cells[i + 2] == r.get("muc_tieu"), r.id
            checked += 1
    assert checked == 42
    for gid, label in [("PL1-TONG", "TỔNG (A+B)"), ("PL1-A", "DỰ ÁN CHUYỂN TIẾP"), ("PL1-B-2013", "Năm 2013")]:
        assert table_number(cells[cells.index(label) + 1]) == kb.records[gid].amounts["tmdt"]


def test_cancelled_project_is_marked(kb: KnowledgeBase) -> None:
    cancelled = [r.id for r in kb.records.values() if r.get("huy_bo")]
    assert cancelled == ["PL1-B33"]


def test_every_phu_luc_4_figure_matches_the_source(kb: KnowledgeBase, source_text: str) -> None:
    cells = appendix_cells(source_text, "PHỤ LỤC 4:", "Đã xem:")
    checked = 0
    for r in kb.records.values():
        if not r.id.startswith("PL4-") or r.kind == "component" or r.id == "PL4-TONG":
            continue
        i = cells.index(r.title)
        row = cells[i + 1: i + 5]
        if r.kind == "project":
            assert row[0] == r.get("cdt", ""), r.id
        values = [table_number(c) if c else None for c in row[1:4]]
        assert values == [r.amounts.get(c) for c in ("tmdt", "tdt", "ke_hoach")], r.id
        checked += 1
    assert checked == 5 + 13 + 2 + 15 + 5
    total = cells.index("TỔNG")
    assert [table_number(c) for c in cells[total + 2: total + 5]] == [
        kb.records["PL4-TONG"].amounts[c] for c in ("tmdt", "tdt", "ke_hoach")]


def test_every_phu_luc_3_figure_matches_the_source(kb: KnowledgeBase, source_text: str) -> None:
    cells = appendix_cells(source_text, "PHỤ LỤC 3:", "PHỤ LỤC 4:")
    for r in kb.of_kind("budget_line"):
        label = "TỔNG (I+II)" if r.id == "PL3-TONG" else r.title[:25]
        i = next(k for k, c in enumerate(cells) if c.startswith(label))
        while not re.fullmatch(r"[\d,]+", cells[i + 1]):  # a title wrapped over two cells
            i += 1
        row = cells[i + 1: i + 7]
        cols = ("tong", "2016", "2017", "2018", "2019", "2020")
        assert [table_number(c) if c else None for c in row] == [r.amounts.get(c) for c in cols], r.id


def test_phan_vi_budget_as_written_in_the_prose(kb: KnowledgeBase, source_text: str) -> None:
    budgets = kb.of_kind("budget")
    assert len(budgets) == 10  # the total, its two sources and their lines
    for r in budgets:
        written = f"{r.title}: {prose_number(r.amounts['tong'])} triệu đồng"
        assert written in source_text, written
    years = {year: amount for year, amount in kb.records["NS-DTPT"].amounts.items() if year.isdigit()}
    assert sorted(years) == ["2016", "2017", "2018", "2019", "2020"]
    for year, amount in years.items():
        assert f"- Năm {year}: {prose_number(amount)} triệu đồng" in source_text


def test_funding_2011_2015_figures(kb: KnowledgeBase, source_text: str) -> None:
    assert len(kb.of_kind("funding")) == 9
    for r in kb.of_kind("funding"):
        written = f"{r.amounts['tong']}".replace(".", ",")
        assert written in r.text and r.text in source_text, r.id
        assert r.unit == "tỷ đồng"


def test_each_agency_of_phan_vii_has_its_duties(kb: KnowledgeBase, source_text: str) -> None:
    groups = kb.of_kind("duty_group")
    assert [g.title for g in groups] == ["Sở Thông tin và Truyền thông", "Văn phòng UBND tỉnh", "Sở Kế hoạch và Đầu tư",
                                         "Sở Tài chính", "Sở Nội vụ", "Sở Khoa học và Công nghệ",
                                         "Kho bạc Nhà nước tỉnh", "Các sở, ngành, địa phương"]
    counts = [len(kb.children(g.id)) for g in groups]
    assert counts == [9, 1, 2, 4, 3, 2, 2, 2]
    for g in groups:
        for duty in kb.children(g.id):
            assert duty.agencies == g.agencies and duty.text in source_text


def test_targets_carry_their_figures(kb: KnowledgeBase) -> None:
    for r in kb.of_kind("target"):
        written = re.findall(r"(\d+(?:,\d+)?)%", r.text)
        assert [f["value"] for f in r.get("figures", [])] == [w.replace(",", ".") for w in written], r.id
    assert sum(1 for r in kb.of_kind("target") if r.get("figures")) == 19


def test_status_figures_appear_in_their_text(kb: KnowledgeBase) -> None:
    with_figures = [r for r in kb.of_kind("status") if r.get("figures")]
    assert len(with_figures) >= 14
    for r in with_figures:
        for f in r.get("figures"):
            digits = f"{Decimal(f['value']):,}".replace(",", ".").replace(".", "")
            assert digits in r.text.replace(".", "").replace(",", ""), (r.id, f)


def test_pl4_projects_point_to_their_investor(kb: KnowledgeBase) -> None:
    invested = [r for r in kb.records.values() if r.id.startswith("PL4-") and r.get("cdt")]
    assert len(invested) == 33
    for r in invested:
        assert r.agencies, r.id
        names = [kb.agencies[a].name for a in r.agencies] + [x for a in r.agencies for x in kb.agencies[a].aliases]
        assert any(n in r.get("cdt") or r.get("cdt") in n for n in names), r.id


def test_every_text_record_is_quoted_from_the_source(kb: KnowledgeBase, source_text: str) -> None:
    for r in kb.records.values():
        if r.text and r.kind not in ("plan",):
            assert r.text in source_text, r.id
        for item in r.get("items", []):
            assert item in source_text, r.id


@pytest.mark.parametrize("field", ["so_hieu", "nguoi_ky", "to_trinh", "van_ban_tham_dinh"])
def test_plan_metadata(kb: KnowledgeBase, source_text: str, field: str) -> None:
    plan = kb.records["KH-3854"]
    value = plan.get(field)
    assert value and value.split(" của ")[0] in source_text


def test_a_record_of_a_kind_the_schema_does_not_know_is_refused() -> None:
    with pytest.raises(DataError, match="loại 'projet' không có"):
        parse_record({"id": "X-1", "kind": "projet", "title": "Dự án", "source": "PL4"}, 0, "tệp thử")
