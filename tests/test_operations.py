"""Questions that need an operation or state a constraint: counts, largest, totals, investors, periods."""
from __future__ import annotations

import pytest

from knowledge import clauses
from knowledge.engine import Answerer
from knowledge.numbers import fmt_number
from knowledge.records import KnowledgeBase, Record


def ids(ans) -> set[str]:  # noqa: ANN001
    return {c[0] for c in ans.candidates}


def test_largest_and_smallest_of_a_named_group_show_every_tie(engine_kb: Answerer, kb: KnowledgeBase) -> None:
    group = next(r for r in kb.of_kind("project") if len(kb.children(r.id)) >= 4 and r.id.startswith("PL4"))
    kids = kb.children(group.id)
    low = min(k.amounts["ke_hoach"] for k in kids)
    ans = engine_kb.answer(f"trong nhóm {group.title.lower()}, dự án nào ít tiền nhất")
    tied = {k.id for k in kids if k.amounts["ke_hoach"] == low}
    assert ans.found and ids(ans) == tied and fmt_number(low) in ans.text
    assert f"Trong {len(kids)} dự án" in ans.text


def test_largest_project_of_a_period(engine_kb: Answerer, kb: KnowledgeBase) -> None:
    old = [r for r in kb.of_kind("project") if r.get("giai_doan") == "2011-2015"]
    top = max(old, key=lambda r: r.amounts["tmdt"])
    ans = engine_kb.answer("giai đoạn 2011-2015 dự án nào có tổng mức đầu tư cao nhất")
    assert ans.found and ids(ans) == {top.id} and fmt_number(top.amounts["tmdt"]) in ans.text


def test_how_many_phases_and_how_many_failed_indicators(engine_kb: Answerer, kb: KnowledgeBase) -> None:
    ans = engine_kb.answer("lộ trình có mấy giai đoạn")
    assert ans.found and ids(ans) == {r.id for r in kb.of_kind("phase")}
    assert f": {len(kb.of_kind('phase'))} giai đoạn" in ans.text
    failed = [r for r in kb.of_kind("indicator") if str(r.get("danh_gia", "")).startswith("Không đạt")]
    ans = engine_kb.answer("phụ lục 2 có bao nhiêu chỉ tiêu không đạt mục tiêu kế hoạch")
    assert ans.found and ids(ans) == {r.id for r in failed} and f": {len(failed)} chỉ tiêu" in ans.text


def test_stated_totals_of_an_appendix_and_of_two_sources_in_a_year(engine_kb: Answerer, kb: KnowledgeBase) -> None:
    ans = engine_kb.answer("tổng kinh phí các dự án trong phụ lục 1")
    assert ans.found and ids(ans) == {"PL1-TONG"} and fmt_number(kb.records["PL1-TONG"].amounts["tmdt"]) in ans.text
    ans = engine_kb.answer("năm 2019 tổng vốn cả đầu tư phát triển lẫn chi thường xuyên")
    assert ans.found and fmt_number(kb.records["PL3-TONG"].amounts["2019"]) in ans.text


def test_lines_of_a_total_named_by_a_word_are_summed_and_the_sum_says_it_is_computed(
        engine_kb: Answerer, kb: KnowledgeBase) -> None:
    """'tổng kinh phí đào tạo từ nguồn chi thường xuyên': the source's training lines and their computed sum,
    not the whole source; naming both sources still asks the stated total."""
    training = [r for r in kb.children("NS-CTX") if "đào tạo" in r.title.lower()]
    ans = engine_kb.answer("Tổng kinh phí đào tạo từ nguồn chi thường xuyên cả giai đoạn 2016-2020 là bao nhiêu?")
    total = sum(r.amounts["tong"] for r in training)
    assert ans.found and ids(ans) == {r.id for r in training}
    assert f"{fmt_number(total)} triệu đồng" in ans.text and "tự cộng" in ans.text
    ans = engine_kb.answer("năm 2016 tổng cả vốn ĐTPT và chi thường xuyên là bao nhiêu")
    assert fmt_number(kb.records["PL3-TONG"].amounts["2016"]) in ans.text


def test_a_bodys_projects_counted_and_summed_in_one_question(engine_kb: Answerer, kb: KnowledgeBase) -> None:
    """'có mấy dự án …, cộng lại TMĐT bao nhiêu': the body named still delimits the set, and the sum is computed."""
    own = [r for r in kb.of_kind("project") if "SO-NGV" in r.agencies and r.get("giai_doan") == "2011-2015"]
    ans = engine_kb.answer("Sở Ngoại vụ có mấy dự án trong giai đoạn 2011-2015, cộng lại TMĐT bao nhiêu?")
    assert ans.found and ids(ans) == {r.id for r in own} and f"({len(own)})" in ans.text
    assert fmt_number(sum(r.amounts["tmdt"] for r in own)) in ans.text and "tự cộng" in ans.text


def test_projects_by_investor_come_from_the_investor_field(engine_kb: Answerer, kb: KnowledgeBase) -> None:
    """A title naming 'CNTT-TT' does not make a project Sở TT&TT's: only the chủ đầu tư field does."""
    ans = engine_kb.answer("các dự án mà STTTT làm chủ đầu tư")
    invested = {r.id for r in kb.records.values() if r.get("cdt") and "SO-TTTT" in r.agencies}
    assert ans.found and invested <= ids(ans)
    assert all(kb.records[i].get("cdt") for i in ids(ans))
    assert len(ans.text) <= 1500


@pytest.mark.parametrize("question", ["Sở Tài chính là chủ đầu tư những dự án nào",
                                      "huyen Song Lo lam chu dau tu du an nao"])
def test_a_body_with_no_project_as_investor_is_told_so(engine_kb: Answerer, question: str) -> None:
    ans = engine_kb.answer(question)
    assert not ans.found and "không giao" in ans.text and ans.reason


def test_a_district_without_a_project_is_offered_the_shared_item(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("huyện Sông Lô làm chủ đầu tư dự án CNTT nào")
    assert not ans.found and ans.nearest == ["PL4-1a"] and "Dự án chung cho cấp này" in ans.text


@pytest.mark.parametrize(("question", "named"), [("vốn đầu tư phát triển năm 2023", "2023"),
                                                 ("kế hoạch giai đoạn 2021-2025 tổng vốn", "2021-2025"),
                                                 ("nghị định 99/2019/NĐ-CP quy định gì trong kế hoạch", "99/2019")])
def test_a_year_period_or_document_outside_the_plan_is_refused(engine_kb: Answerer, question: str, named: str) -> None:
    """The reply names what the plan lacks (and, for a time, the years it does cover)."""
    ans = engine_kb.answer(question)
    assert not ans.found and named in ans.reason and ("2010-2020" in ans.reason or "/" in named)


def test_a_stated_period_must_hold(engine_kb: Answerer, kb: KnowledgeBase) -> None:
    """The plan's 2011-2015 LAN project of Sở GTVT is not an answer about 2016-2020."""
    ans = engine_kb.answer("sở giao thông vận tải nâng cấp mạng LAN giai đoạn 2016-2020 bao nhiêu tiền")
    assert not ans.found and all(kb.records[i].get("giai_doan") == "2011-2015" for i in ans.nearest)


def test_an_amount_asked_of_something_the_plan_gives_no_amount_is_refused(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("mức phụ cấp mỗi tháng của cán bộ chuyên trách CNTT cấp huyện là bao nhiêu tiền")
    assert not ans.found and "phụ cấp" in ans.reason


def test_a_question_about_two_periods_answers_both_labelled(engine_kb: Answerer, kb: KnowledgeBase) -> None:
    row = kb.records["PL2-IV.2"]
    ans = engine_kb.answer("tỷ lệ cơ quan chuyên môn cấp tỉnh có cán bộ chuyên trách CNTT năm 2015 đạt bao nhiêu, "
                           "mục tiêu đến 2020 thế nào")
    assert ans.found and "PL2-IV.2" in ids(ans) and str(row.get("nam_2015")) in ans.text
    assert any(i.startswith("MT-") for i in ids(ans))


def test_an_unstated_period_means_the_plans_own(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("dự án ứng dụng CNTT tại các cơ quan Đảng bao nhiêu tiền")
    assert ans.found and "PL4-7" in ids(ans)


def test_two_places_in_one_question(engine_kb: Answerer, kb: KnowledgeBase) -> None:
    ans = engine_kb.answer("Vĩnh Yên và Phúc Yên mỗi nơi được bao nhiêu tiền nâng cấp mạng LAN giai đoạn 2016-2020")
    for rid in ("PL4-1.7", "PL4-1.8"):
        assert fmt_number(kb.records[rid].amounts["ke_hoach"]) in ans.text
    assert ans.found


def test_computed_figures_are_never_presented_as_stated(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("có bao nhiêu dự án trong nhóm xây dựng các ứng dụng, hệ thống thông tin chuyên ngành")
    assert ans.found and ": 5 dự án" in ans.text and "đếm theo danh mục" in ans.text


@pytest.mark.parametrize("body", ["UBND huyện Tam Dương", "Sở Y tế", "huyen yen lac"])
def test_a_body_without_its_own_duties_gets_the_shared_ones(engine_kb: Answerer, kb: KnowledgeBase, body: str) -> None:
    """Phần VII gives district bodies and most sở no duties of their own: the shared duties of Phần VII.8."""
    shared = next(g for g in kb.of_kind("duty_group") if any(kb.agencies[a].type == "nhom" for a in g.agencies))
    ans = engine_kb.answer(f"{body} có nhiệm vụ gì trong kế hoạch")
    assert ans.found and ids(ans) == {shared.id} and "không giao nhiệm vụ riêng" in ans.text


def test_a_sum_the_plan_does_not_state_is_computed_and_says_so(engine_kb: Answerer, kb: KnowledgeBase) -> None:
    invested = [r for r in kb.records.values() if r.get("cdt") and "SO-YT" in r.agencies]
    ans = engine_kb.answer("sở y tế làm chủ đầu tư những dự án nào, tổng cộng bao nhiêu tiền")
    total = sum(r.amounts["ke_hoach"] for r in invested)
    assert ans.found and fmt_number(total) in ans.text and "Kế hoạch không ghi con số này" in ans.text


def test_an_amount_for_a_district_without_its_own_project_is_refused(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("huyện Sông Lô được bao nhiêu tiền nâng cấp mạng LAN")
    assert not ans.found and "Sông Lô" in ans.reason and ans.nearest


def test_two_questions_in_one_message_are_both_answered(engine_kb: Answerer, kb: KnowledgeBase) -> None:
    ans = engine_kb.answer("năm 2013 bố trí bao nhiêu vốn CNTT, khởi công mới mấy dự án")
    funding = next(r for r in kb.of_kind("funding") if r.get("nam") == 2013 and r.parent)
    started = [r for r in kb.of_kind("project") if r.get("nam") == 2013]
    assert ans.found and fmt_number(funding.amounts["tong"]) in ans.text and f": {len(started)} dự án" in ans.text


def test_a_question_after_a_greeting_and_a_preamble_is_answered(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("chào bạn, em mới về phòng kế hoạch tài chính, cho em hỏi vốn đầu tư phát triển năm 2018 "
                           "là bao nhiêu ạ")
    assert ans.found and "60.000" in ans.text


def test_a_count_the_plan_states_is_shown_as_stated(engine_kb: Answerer) -> None:
    """Phần I says 2011's funds went to 16 projects; the plan's lists hold fewer of that year: its own figure."""
    ans = engine_kb.answer("Năm 2011 vốn CNTT được phân bổ cho bao nhiêu dự án?")
    assert ans.found and "16 dự án" in ans.text and "11,5" in ans.text


def test_two_questions_joined_by_va_are_both_answered(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("Có bao nhiêu công trình quyết toán và bao nhiêu công trình hoàn thành nhưng chưa "
                           "quyết toán?")
    assert ans.found and "13 dự án" in ans.text and "09 dự án" in ans.text
    one = engine_kb.answer("Sở Thông tin và Truyền thông có nhiệm vụ gì")
    assert one.found and one.text.startswith("Nhiệm vụ của Sở Thông tin và Truyền thông")


def test_a_span_of_years_is_summed_and_said_to_be_computed(engine_kb: Answerer, kb: KnowledgeBase) -> None:
    line = next(r for r in kb.of_kind("budget_line", "budget") if {"2016", "2017", "2018"} <= set(r.amounts)
                and "đầu tư phát triển" in r.title.lower())
    expected = sum(line.amounts[y] for y in ("2016", "2017", "2018"))
    ans = engine_kb.answer("vốn đầu tư phát triển 2016-2018 cộng lại là bao nhiêu")
    assert ans.found and f"Cộng 2016-2018: {fmt_number(expected)}" in ans.text and "tự cộng" in ans.text


def test_two_questions_about_one_record_get_it_once(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("Trung tâm Hạ tầng thông tin tỉnh xây theo tiêu chuẩn gì, dung lượng lưu trữ khả dụng bao "
                           "nhiêu")
    assert ans.found and "Tier 2" in ans.text and "27TB" in ans.text and ans.text.count("Nguồn:") == 1
    assert len(ans.text) <= 1500


def test_a_comparison_the_plan_has_no_figures_for_is_refused(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("sở nào có nhiều cán bộ CNTT nhất")
    assert not ans.found and "so sánh" in ans.reason
    assert engine_kb.answer("dự án nào có TMĐT lớn nhất giai đoạn 2011-2015").found


def test_con_so_is_a_figure_not_a_turn_to_another_question() -> None:
    """'còn' (and, typed without diacritics, 'con') turns to a second question; 'con số' asks for a figure."""
    assert clauses.split("cho em xin con số tổng kinh phí giai đoạn 2011-2015").questions == [
        "cho em xin con số tổng kinh phí giai đoạn 2011-2015"]
    assert len(clauses.split("von nam 2016 bn con nam 2017 bn").questions) == 2
    assert len(clauses.split("vốn năm 2016 bao nhiêu còn năm 2017 bao nhiêu").questions) == 2


def test_a_greeting_and_the_askers_errand_are_set_aside(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("Chào bạn, mình mới chuyển về văn phòng, cho mình hỏi toàn tỉnh đã cấp bao nhiêu hộp thư "
                           "điện tử công vụ")
    assert ans.found and "8.150" in ans.text


def test_a_count_without_a_named_group_counts_each_project_once(engine_kb: Answerer, kb: KnowledgeBase) -> None:
    """Phụ lục 4 numbers its new projects; a project's sub-projects (the LAN of each district) are not more."""
    def under_a_project(r: Record) -> bool:
        while r.parent:
            r = kb.records[r.parent]
            if r.kind == "project":
                return True
        return False

    numbered = [r for r in kb.of_kind("project") if r.get("giai_doan") == "2016-2020" and not under_a_project(r)]
    ans = engine_kb.answer("có bao nhiêu dự án")
    assert ans.found and f": {len(numbered)} dự án" in ans.text
    cancelled = engine_kb.answer("mấy dự án bị hủy")  # only earlier projects were cancelled: they are counted
    assert cancelled.found and ": 1 dự án" in cancelled.text and "hủy bỏ" in cancelled.text
    year = engine_kb.answer("có bao nhiêu dự án năm 2013")  # not '04 dự án' of the other sources that year
    assert year.found and "04 dự án" not in year.text.split("\n")[0]
    for whole in ("cả tỉnh có bao nhiêu dự án", "tinh co may du an", "toàn tỉnh Vĩnh Phúc có bao nhiêu dự án"):
        assert f": {len(numbered)} dự án" in engine_kb.answer(whole).text, whole  # every item is the province's


def test_the_preambles_body_is_the_one_the_asker_points_back_to(engine_kb: Answerer) -> None:
    mine = engine_kb.answer("Tôi là chuyên viên Sở Tư pháp, sở tôi được bố trí dự án gì trong giai đoạn này?")
    assert mine.found and "Sở Tư pháp" in mine.text and "1.135" in mine.text
    general = engine_kb.answer("tôi ở Sở Y tế, mục tiêu chung của kế hoạch là gì")
    assert general.found and "Sở Y tế" not in general.text


@pytest.mark.parametrize(("question", "expected"), [
    ("Tôi là trưởng phòng ở Sở Văn hóa, Thể thao và Du lịch. Phiền bạn cho biết sở chúng tôi có dự án nào trong "
     "kế hoạch ứng dụng CNTT 2016-2020, vốn bao nhiêu và ai làm chủ đầu tư?", "1.000"),
    ("e chao a, e moi ve lam o So Tu phap, nghe noi so minh co du an nang cap mang LAN, a xem giup e du an do "
     "bao nhieu tien voi a, e cam on", "1.135"),
])
def test_the_askers_body_is_written_where_they_point_back_to_it(engine_kb: Answerer, question: str,
                                                                 expected: str) -> None:
    """The body named in the preamble (even one whose name holds a comma) is the 'sở mình' of a later clause;
    the plan's own name ('kế hoạch ứng dụng CNTT 2016-2020') narrows nothing."""
    ans = engine_kb.answer(question)
    assert ans.found and expected in ans.text


def test_an_apology_is_no_question(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("Xin lỗi làm phiền, tôi là phóng viên. Cho tôi hỏi mục tiêu đến 2020 về tỷ lệ hồ sơ khai "
                           "thuế của doanh nghiệp nộp qua mạng là bao nhiêu phần trăm?")
    assert ans.found and "95%" in ans.text


def test_an_appendixs_amount_is_its_stated_total(engine_kb: Answerer, kb: KnowledgeBase) -> None:
    ans = engine_kb.answer("Tổng mức đầu tư dự kiến (cột TMĐT) ở Phụ lục 4 là bao nhiêu?")
    assert ans.found and fmt_number(kb.records["PL4-TONG"].amounts["tmdt"]) in ans.text


@pytest.mark.parametrize(("question", "first", "second"), [
    ("So sánh giúp tôi vốn kế hoạch của dự án ứng dụng CNTT tại các cơ quan Đảng tỉnh với dự án bổ sung, nâng cấp "
     "hạ tầng an toàn, an ninh thông tin của tỉnh, dự án nào lớn hơn?", "28.000", "12.914"),
    ("so sanh von LAN huyen Tam Dao va huyen Lap Thach", "954", "1.668"),
])
def test_each_side_of_a_comparison_is_answered(engine_kb: Answerer, question: str, first: str, second: str) -> None:
    """A side that names only a body is asked the other side's question ('vốn LAN … huyện Lập Thạch')."""
    ans = engine_kb.answer(question)
    assert ans.found and first in ans.text and second in ans.text


def test_two_years_summed_when_asked_with_separated_words(engine_kb: Answerer, kb: KnowledgeBase) -> None:
    """'Cộng vốn ĐTPT của hai năm 2016 và 2017 lại': 'cộng vốn' asks a sum, 'hai năm' counts the years."""
    line = kb.records["NS-DTPT"].amounts
    ans = engine_kb.answer("Cộng vốn ĐTPT của hai năm 2016 và 2017 lại thì được bao nhiêu?")
    assert ans.found and fmt_number(line["2016"] + line["2017"]) in ans.text and "tự cộng" in ans.text


@pytest.mark.parametrize(("question", "line", "largest"), [
    ("Năm nào nguồn đầu tư phát triển CNTT được phân kỳ nhiều nhất?", "PL3-I", True),
    ("năm nào chi thường xuyên ít nhất", "PL3-II", False),
])
def test_the_year_of_a_lines_largest_or_smallest_amount(engine_kb: Answerer, kb: KnowledgeBase, question: str,
                                                         line: str, largest: bool) -> None:
    """Every year that ties is named, beside the line's figures by year, all as the plan states them."""
    amounts = {y: v for y, v in kb.records[line].amounts.items() if y.isdigit()}
    pick = (max if largest else min)(amounts.values())
    ans = engine_kb.answer(question)
    assert ans.found and ids(ans) == {line} and fmt_number(pick) in ans.text
    assert all(y in ans.text.split("\n")[0] for y, v in amounts.items() if v == pick)


def test_how_many_the_asker_knows_of_is_no_title_word(engine_kb: Answerer, kb: KnowledgeBase) -> None:
    """'Cộng lại ba dự án của Sở Ngoại vụ … thì tổng mức đầu tư': 'ba' counts, 'thì' is a particle."""
    own = [r for r in kb.of_kind("project") if "SO-NGV" in r.agencies and r.get("giai_doan") == "2011-2015"]
    ans = engine_kb.answer("Cộng lại ba dự án của Sở Ngoại vụ trong danh mục giai đoạn 2011-2015 thì tổng mức đầu tư "
                           "là bao nhiêu?")
    assert ans.found and fmt_number(sum(r.amounts["tmdt"] for r in own)) in ans.text


def test_a_bodys_projects_in_two_periods_named_together(engine_kb: Answerer, kb: KnowledgeBase) -> None:
    own = {r.id for r in kb.of_kind("project") if "SO-NNPTNT" in r.agencies}
    ans = engine_kb.answer("Sở NN&PTNT có những dự án nào trong cả hai giai đoạn 2011-2015 và 2016-2020?")
    assert ans.found and own <= ids(ans) and "giai đoạn 2011-2015 và 2016-2020" in ans.text


def test_a_year_extreme_compares_only_yearly_amounts_in_the_period_asked(engine_kb: Answerer) -> None:
    """Table rows with two years of status but no yearly amounts are not compared; a period asked bounds the years."""
    assert not engine_kb.answer("năm nào hội nghị truyền hình có nhiều điểm nhất").found
    ans = engine_kb.answer("năm nào trong giai đoạn 2018-2020 nguồn ĐTPT được phân kỳ nhiều nhất")
    assert ans.found and "năm 2018 nhiều nhất" in ans.text and "2017" not in ans.text


@pytest.mark.parametrize("question", ["sở nào chịu trách nhiệm triển khai chữ ký số",
                                      "bạn ơi sở nào có dự án phần mềm",
                                      "so sánh kinh phí Sở Kế hoạch và Đầu tư với Sở Tài chính"])
def test_which_body_and_comparisons_do_not_misread_names(engine_kb: Answerer, question: str) -> None:
    """A duty asked of 'sở nào' is not a list of projects; 'bạn' is no 'ban'; 'và' inside a body's name does not
    cut it into two sides of a comparison."""
    ans = engine_kb.answer(question)
    assert "đơn vị có dự án khớp" not in ans.text and "260.650" not in ans.text


def test_a_province_is_named_with_its_capitals_or_after_tinh(engine_kb: Answerer) -> None:
    assert "Cao Bằng" not in engine_kb.answer("tỷ lệ máy tính năm 2020 cao bằng năm 2015 không").text
    assert "Hồ Chí Minh" not in engine_kb.answer("Đoàn TNCS Hồ Chí Minh có nhiệm vụ gì").reason
    assert "Hồ Chí Minh" in engine_kb.answer("ke hoach cua tp ho chi minh").reason


def test_only_a_clause_about_the_askers_body_gets_its_name(engine_kb: Answerer) -> None:
    """'em đang làm báo cáo' speaks of the asker, not of Sở Tư pháp: the plan's total is not Sở Tư pháp's project."""
    ans = engine_kb.answer("Tôi ở Sở Tư pháp, em đang làm báo cáo, cho em xin tổng kinh phí của kế hoạch")
    assert "1.135" not in ans.text


def test_a_time_standing_alone_belongs_to_every_question(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("Giai đoạn 2011-2015, tổng kinh phí CNTT theo kế hoạch là bao nhiêu và giá trị giải ngân "
                           "đạt khoảng bao nhiêu?")
    assert ans.found and "116,5" in ans.text and "125" in ans.text


def test_a_clause_with_its_own_period_is_a_question_of_its_own(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("tổng kinh phí CNTT kế hoạch 2011-2015 là bao nhiêu, đã giải ngân được bao nhiêu")
    assert ans.found and "116,5" in ans.text and "125" in ans.text


def test_bodies_of_a_type_are_counted_from_the_projects_they_own(engine_kb: Answerer, kb: KnowledgeBase) -> None:
    """'Bao nhiêu huyện … có dự án nâng cấp LAN': the districts (thành phố, thị xã are of that type too)."""
    lan = {a for r in kb.of_kind("project") if r.get("giai_doan") == "2016-2020" and "LAN" in r.title
           for a in r.agencies if kb.agencies[a].type == "huyen"}
    ans = engine_kb.answer("Có bao nhiêu huyện, thành phố, thị xã có dự án nâng cấp mạng LAN giai đoạn 2016-2020?")
    assert ans.found and ans.text.startswith(f"{len(lan)} đơn vị") and "2016-2020" in ans.text
    assert all(kb.agencies[a].name in ans.text for a in lan)


@pytest.mark.parametrize("question", ["Những huyện, thành phố, thị xã nào được nâng cấp mạng LAN giai đoạn 2016-2020?",
                                      "sở nào có dự án nâng cấp mạng LAN giai đoạn 2016-2020"])
def test_which_bodies_of_a_type_are_named_from_the_projects_they_own(engine_kb: Answerer, kb: KnowledgeBase,
                                                                     question: str) -> None:
    """'Những huyện … nào', 'sở nào': the bodies of the type whose projects fit, with a computed sum; a body named
    ('Sở Công Thương có dự án nào') or a superlative ('huyện nào nhiều nhất') is another question."""
    kind = "huyen" if "huyện" in question else "so"
    own = {a for r in kb.of_kind("project") if r.get("giai_doan") == "2016-2020" and "nâng cấp" in r.title.lower()
           and "LAN" in r.title for a in r.agencies if kb.agencies[a].type == kind}
    ans = engine_kb.answer(question)
    assert ans.found and ans.text.startswith(f"{len(own)} đơn vị") and "tự cộng" in ans.text
    assert all(kb.agencies[a].name.split()[-1] in ans.text for a in own)
    assert not engine_kb.answer("Sở Công Thương có dự án nào trong danh mục đầu tư mới 2016-2020 không?").found
    assert "nhất" in engine_kb.answer("huyện nào được bố trí vốn nâng cấp mạng LAN nhiều nhất").text


@pytest.mark.parametrize(("question", "year", "figure"), [
    ("Giai đoạn 2011-2015, năm nào có tổng mức đầu tư các dự án khởi công mới lớn nhất?", "2012", "70.363"),
    ("nam nao trong gd 11-15 von CNTT duoc phan bo it nhat", "2011", "11,5"),
])
def test_the_year_of_the_largest_among_one_lines_yearly_records(engine_kb: Answerer, question: str, year: str,
                                                                 figure: str) -> None:
    """Siblings that are one year each of the same line are compared, not the projects inside them."""
    ans = engine_kb.answer(question)
    head = ans.text.split("\n")[0]
    assert ans.found and f"năm {year}:" in head and figure in head and "so sánh số liệu theo năm" in head


def test_the_year_of_the_largest_without_a_period_is_of_the_plans_own(engine_kb: Answerer) -> None:
    """'Năm nào vốn ĐTPT nhiều nhất' asks 2016-2020 (the plan's period), not the earlier yearly funding."""
    ans = engine_kb.answer("năm nào được bố trí vốn ĐTPT nhiều nhất")
    assert ans.found and "2017" in ans.text.split("\n")[0] and "70.000" in ans.text and "2011" not in ans.text


def test_the_largest_row_of_an_appendix_named_by_number(engine_kb: Answerer) -> None:
    """'Trong PL1 dự án nào TMĐT cao nhất' compares the appendix's rows; it does not give the appendix's total."""
    ans = engine_kb.answer("trong PL1 du an nao TMDT cao nhat")
    assert ans.found and "lớn nhất: 67.765" in ans.text and "166.151" not in ans.text


def test_two_parts_of_the_plan_counted_in_one_message(engine_kb: Answerer) -> None:
    """'Nhiệm vụ trọng tâm có mấy nhóm, giải pháp thực hiện có mấy cái': each part counted, short lines."""
    ans = engine_kb.answer("Nhiệm vụ trọng tâm có mấy nhóm, giải pháp thực hiện có mấy cái")
    assert ans.found and ": 6 " in ans.text and ": 8 giải pháp" in ans.text and len(ans.text) <= 1500


def test_the_words_after_nhom_name_the_group_compared(engine_kb: Answerer) -> None:
    """'trong nhóm sở ngành …, sở nào nhiều tiền nhất': the rows of the group 'Các sở, ban, ngành' are compared."""
    ans = engine_kb.answer("trong nhóm sở ngành nâng cấp hạ tầng, sở nào nhiều tiền nhất")
    assert ans.found and "(Các sở, ban, ngành)" in ans.text and "2.400" in ans.text and "Sở TN&MT" in ans.text
