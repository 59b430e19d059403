"""An import says what it does not do as well as what it does (records missing from the file kept, agencies
refused, totals it breaks), `planbot check` checks the database the bot answers from, and `seed --reset` keeps the
admins' edits unless told with --force (issue #13, items 3 and 7)."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlmodel import Session, col, select

from bot.cli import main
from db.engine import make_engine
from db.models import AmountRow, AuditEntry
from db.queries import load_knowledge
from knowledge import files
from knowledge.import_plan import REFUSED_AGENCY, ImportPlan, plan_import
from knowledge.loader import DATA_DIR
from knowledge.numbers import fmt_number
from knowledge.records import Agency, KnowledgeBase, Record
from knowledge.validator import record_problems

BREAKING = "Tổng của PL4-V ghi 181.375, các mục con cộng lại 181.875"  # PL4-3 2.000 -> 2.500 (issue #13)


def edited(kb: KnowledgeBase, *, drop: tuple[str, ...] = (), amounts: dict[str, dict[str, str]] | None = None,
           titles: dict[str, str] | None = None, agencies: list[Agency] | None = None) -> KnowledgeBase:
    """A copy of `kb` without the records `drop`, with some amounts or titles changed and other agencies."""
    def change(r: Record) -> Record:
        if amounts and r.id in amounts:
            r = replace(r, amounts={**r.amounts, **{c: Decimal(v) for c, v in amounts[r.id].items()}})
        if titles and r.id in titles:
            r = replace(r, title=titles[r.id])
        return r
    return KnowledgeBase([change(r) for r in kb.records.values() if r.id not in drop],
                         list(kb.agencies.values()) if agencies is None else agencies)


def planned(current: KnowledgeBase, file_kb: KnowledgeBase, fmt: str = "json") -> ImportPlan:
    writer = {"json": files.to_json, "xlsx": files.to_xlsx, "csv": files.to_csv}[fmt]
    return plan_import(current, files.read_file(f"k.{fmt}", writer(file_kb)))


# ---- the dry run
@pytest.mark.parametrize("fmt", ["json", "xlsx", "csv"])
def test_records_missing_from_the_file_are_listed_and_left_as_they_are(kb: KnowledgeBase, fmt: str) -> None:
    plan = planned(kb, edited(kb, drop=("PL4-12", "PL4-13")), fmt)
    assert plan.missing == ["PL4-12", "PL4-13"] and plan.errors == []
    assert plan.is_noop  # nothing is written: they are kept, not deleted
    report = plan.describe()
    assert "= 2 bản ghi không có trong tệp, giữ nguyên (không xóa): PL4-12, PL4-13" in report
    assert "Không có gì thay đổi." in report


def test_many_missing_records_show_the_count_and_the_first_ids(kb: KnowledgeBase) -> None:
    projects = [r.id for r in kb.of_kind("project")]
    plan = planned(kb, edited(kb, drop=tuple(projects)))
    line = next(x for x in plan.describe().splitlines() if "không có trong tệp" in x)
    assert line.startswith(f"= {len(projects)} bản ghi không có trong tệp") and line.endswith(", …")
    assert projects[0] in line and projects[-1] not in line


@pytest.mark.parametrize("fmt", ["json", "xlsx"])  # the formats that hold agencies
def test_new_or_changed_agencies_are_refused_and_listed(kb: KnowledgeBase, fmt: str) -> None:
    first = next(iter(kb.agencies.values()))
    agencies = [replace(first, name="Sở Mới Đổi Tên"), *list(kb.agencies.values())[1:],
                Agency("SO-MOI", "Sở Chưa Có", "so")]
    plan = planned(kb, edited(kb, agencies=agencies), fmt)
    assert plan.errors == [] and plan.is_noop
    report = plan.describe()
    assert f"× cơ quan {first.id} (tên «{first.name[:40]}» → «Sở Mới Đổi Tên»): {REFUSED_AGENCY}" in report
    assert f"× cơ quan SO-MOI (mới, «Sở Chưa Có»): {REFUSED_AGENCY}" in report
    assert len(plan.refused_agencies) == 2  # the agencies equal to the database's are not listed


def test_agencies_equal_to_the_current_ones_are_not_listed(kb: KnowledgeBase) -> None:
    plan = planned(kb, kb, "xlsx")
    assert plan.refused_agencies == [] and plan.missing == [] and plan.totals == []
    assert "cơ quan" not in plan.describe()


def test_a_changed_amount_that_breaks_a_stated_total_is_warned(kb: KnowledgeBase) -> None:
    plan = planned(kb, edited(kb, amounts={"PL4-3": {"tmdt": "2500"}}))
    assert [r.id for r, _ in plan.changed] == ["PL4-3"] and not plan.is_noop
    assert [(m.record_id, m.column) for m in plan.totals] == [("PL4-V", "tmdt")]
    report = plan.describe()
    assert f"⚠ {BREAKING} (TMĐT, triệu đồng; trước khi nhập: khớp)" in report
    # the plan's own inconsistencies, which the import leaves as they were, are not reported as new
    assert "PL4-TONG" not in report and "PL1-A" not in report


def test_a_known_inconsistency_the_import_does_not_change_is_not_warned(kb: KnowledgeBase) -> None:
    plan = planned(kb, edited(kb, titles={"PL1-A1": "Tên mới"}, amounts={"PL4-3": {"tmdt": "2000"}}))
    assert [r.id for r, _ in plan.changed] == ["PL1-A1"] and plan.totals == []
    assert "⚠" not in plan.describe()


def test_a_known_inconsistency_the_import_widens_is_warned_with_its_old_gap(kb: KnowledgeBase) -> None:
    plan = planned(kb, edited(kb, amounts={"PL1-A1": {"tmdt": "500"}}))  # 489,6 -> 500: PL1-A off by 10,8 more
    assert [(m.record_id, m.column) for m in plan.totals] == [("PL1-A", "tmdt")]
    assert "Tổng của PL1-A ghi 5.640, các mục con cộng lại 5.650,8 (TMĐT, triệu đồng; trước khi nhập: chênh +0,4)" \
        in plan.describe()


# ---- the command line, on a real SQLite database
@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def import_edit(tmp_path: Path, cli_db: str, amounts: dict[str, dict[str, str]]) -> None:
    """Change amounts in the database the way an admin does: export, edit, import."""
    current = load_knowledge(make_engine(cli_db))
    path = tmp_path / "edit.json"
    path.write_bytes(files.to_json(edited(current, amounts=amounts)))
    assert main(["import", str(path)]) == 0


def test_check_validates_the_database_and_data_files_with_data(cli_db: str, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "7 chênh lệch" in out and "Dữ liệu hợp lệ." in out  # the plan's own, as the data files have them
    import_edit(tmp_path, cli_db, {"PL4-3": {"tmdt": "2500"}})
    assert BREAKING in capsys.readouterr().out  # the import warned before applying
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert f"✗ {BREAKING} (TMĐT, triệu đồng; trong Kế hoạch: khớp)" in out and "Có 1 vấn đề" in out
    assert "PL4-TONG" not in out.split("vấn đề")[-1]  # known inconsistencies are listed, not counted as problems
    assert main(["check", "--data", str(DATA_DIR)]) == 0  # the data files do not have the problem
    out = capsys.readouterr().out
    assert "Dữ liệu hợp lệ." in out and BREAKING not in out and f"thư mục {DATA_DIR}" in out


def test_check_reports_an_amount_removed_from_the_database(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seed"]) == 0
    with Session(make_engine(cli_db)) as s, s.begin():
        s.execute(delete(AmountRow).where(col(AmountRow.record_id) == "PL4-13", col(AmountRow.column) == "tdt"))
    capsys.readouterr()
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "✗ Tổng của PL4-V ghi 181.375, các mục con cộng lại 118.375 (TDT, triệu đồng; trong Kế hoạch: khớp)" in out


def test_the_validator_names_what_the_data_files_could_not_hold(kb: KnowledgeBase) -> None:
    broken = edited(kb, amounts={"PL4-13": {"tdt": "-5"}}, titles={"PL4-12": " "})
    assert record_problems(kb) == []
    assert record_problems(broken) == ["PL4-12: không có tên", f"PL4-13 [TDT]: số âm {fmt_number(Decimal(-5))}"]


def audit(cli_db: str, action: str) -> list[AuditEntry]:
    with Session(make_engine(cli_db)) as s:
        return list(s.exec(select(AuditEntry).where(AuditEntry.action == action)).all())


def test_seed_reset_keeps_admin_edits_unless_forced_and_audits_the_reset(
        cli_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seed"]) == 0
    assert main(["seed", "--reset"]) == 0  # no edits yet: nothing to lose
    import_edit(tmp_path, cli_db, {"PL4-3": {"tmdt": "2500"}, "PL4-4": {"tmdt": "4500"}})
    capsys.readouterr()
    assert main(["seed", "--reset"]) == 1
    err = capsys.readouterr().err
    assert "có 2 thay đổi của quản trị viên" in err and "--force" in err
    assert load_knowledge(make_engine(cli_db)).records["PL4-3"].amounts["tmdt"] == Decimal("2500")  # kept
    assert main(["seed", "--force"]) == 2  # --force alone does nothing

    assert main(["seed", "--reset", "--force"]) == 0
    assert "Đã bỏ 2 thay đổi" in capsys.readouterr().out
    kb = load_knowledge(make_engine(cli_db))
    assert kb.records["PL4-3"].amounts["tmdt"] == Decimal("2000") and kb.records["PL4-4"].amounts["tmdt"] == 4000
    first, reset = audit(cli_db, "reset")  # every reset is in the log; this one says what it discarded
    assert first.old == "0 thay đổi của quản trị viên"
    assert (reset.actor, reset.old) == ("cli", "2 thay đổi của quản trị viên") and len(reset.payload["discarded"]) == 2
    assert all(e.undone for e in audit(cli_db, "replace"))  # no undo brings a discarded edit back
    assert main(["seed", "--reset"]) == 0  # the discarded edits are not counted again
    assert len(audit(cli_db, "reset")) == 3
