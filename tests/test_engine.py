"""The answering engine: the right record and figure for questions typed as officials type them."""
from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.engine import Answerer
from knowledge.normalize import fold
from knowledge.numbers import fmt_number
from knowledge.records import KnowledgeBase


def amount_names(kb: KnowledgeBase) -> list[str]:
    return [r.id for r in kb.records.values() if r.kind == "project" and r.amounts]


def main_figure(r) -> str:  # noqa: ANN001
    col = "ke_hoach" if "ke_hoach" in r.amounts else "tmdt"
    return fmt_number(r.amounts[col])


def test_every_project_asked_by_its_full_name_gets_its_amount(kb: KnowledgeBase, engine_kb: Answerer) -> None:
    """All 42 projects of Phụ lục 1 and every work of Phụ lục 4, names taken from the data."""
    ids = amount_names(kb)
    assert len(ids) == 42 + 13 + 20
    wrong = []
    for rid in ids:
        r = kb.records[rid]
        for question in (f"{r.title} bao nhiêu tiền?", fold(r.title)):
            ans = engine_kb.answer(question)
            if not (ans.found and main_figure(r) in ans.text and rid in {c[0] for c in ans.candidates}):
                wrong.append((rid, question, ans.text[:120]))
    assert wrong == []


def test_reply_shows_exact_amount_with_babel_format_and_source(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("Xây dựng Trung tâm hạ tầng thông tin tỉnh Vĩnh Phúc tổng mức đầu tư")
    assert "67.765 triệu đồng (≈ 67,8 tỷ đồng)" in ans.text
    assert "Nguồn: Phụ lục 1, mục B.II.7" in ans.text
    ans = engine_kb.answer("chi cục kiểm lâm nâng cấp mạng LAN")
    assert "967,6 triệu đồng" in ans.text and "≈" not in ans.text.split("967,6 triệu đồng")[1][:3]


def test_investor_question_names_the_agency(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("ai lam chu dau tu du an chung thuc dien tu va chu ky so")
    assert ans.found and "Sở TT&TT" in ans.text and "Sở Thông tin và Truyền thông" in ans.text


@pytest.mark.parametrize("question", ["Sở TT&TT có nhiệm vụ gì", "STTTT chịu trách nhiệm gì",
                                      "so thong tin va truyen thong lam gi"])
def test_duties_of_an_agency_by_any_of_its_names(engine_kb: Answerer, question: str) -> None:
    ans = engine_kb.answer(question)
    assert ans.found and ans.candidates == [("NV-SO-TTTT", "Sở Thông tin và Truyền thông")]
    assert "Trung tâm Hạ tầng thông tin" in ans.text


def test_list_by_agency(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("các dự án của Sở Y tế")
    assert ans.kind == "list" and {c[0] for c in ans.candidates} == {"PL4-1.10", "PL4-8.4"}


def test_budget_by_year_and_source(engine_kb: Answerer, kb: KnowledgeBase) -> None:
    for year in range(2016, 2021):
        dtpt = fmt_number(kb.records["PL3-I"].amounts[str(year)])
        ctx = fmt_number(kb.records["PL3-II"].amounts[str(year)])
        assert f"Năm {year}: {dtpt}" in engine_kb.answer(f"vốn đầu tư phát triển năm {year}").text
        assert f"Năm {year}: {ctx}" in engine_kb.answer(f"chi thuong xuyen nam {year}").text


def test_roadmap_phase_by_period_shows_the_time_as_the_plan_writes_it(engine_kb: Answerer) -> None:
    """The plan says '2016-2018'; a first and last day it never states are not shown as if it did."""
    ans = engine_kb.answer("giai đoạn 2016-2018 làm gì")
    assert ans.candidates[0][0] == "LT-1" and "Thời gian: 2016-2018" in ans.text and "1/1/2016" not in ans.text
    ans = engine_kb.answer("Giai đoạn 2019-2020 trong lộ trình thực hiện thì làm gì?")
    assert ans.found and ans.candidates[0][0] == "LT-2"


def test_plan_metadata(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("kế hoạch ban hành ngày nào, ai ký")
    assert "13/6/2016" in ans.text and "Nguyễn Văn Trì" in ans.text


def test_close_records_are_offered_with_their_figures(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("mục tiêu cán bộ chuyên trách CNTT")
    assert ans.kind == "candidates" and len(ans.candidates) >= 2
    assert all(cid.startswith("MT-3.4") for cid, _ in ans.candidates)
    assert "100%" in ans.text and "chọn" in ans.text


@pytest.mark.parametrize("question", [
    "Tỷ giá đô la hôm nay", "giá xăng hôm nay", "thời tiết Hà Nội ngày mai", "Lịch thi đấu bóng đá tối nay",
    "Dự án đường cao tốc Nội Bài - Lào Cai tổng mức đầu tư", "mua xe ô tô cho sở bao nhiêu tiền",
    "kế hoạch ứng dụng CNTT tỉnh Bắc Ninh 2016-2020", "xây dựng bệnh viện đa khoa tỉnh", "zzzz",
])
def test_questions_the_plan_does_not_answer(engine_kb: Answerer, question: str) -> None:
    ans = engine_kb.answer(question)
    assert not ans.found
    assert "không có thông tin" in ans.text and "Ví dụ" in ans.text


@pytest.mark.parametrize("question", ["", "   ", "😀🎉🔥", "\x00\x01\x02", "???", "…"])
def test_empty_or_symbol_only_input_gets_help(engine_kb: Answerer, question: str) -> None:
    ans = engine_kb.answer(question)
    assert not ans.found and "Ví dụ" in ans.text


def test_ten_thousand_characters_are_refused_quickly(engine_kb: Answerer) -> None:
    t0 = time.perf_counter()
    ans = engine_kb.answer("chữ ký số " * 1000)
    assert time.perf_counter() - t0 < 0.5
    assert not ans.found and "quá dài" in ans.text


def test_answer_by_id(engine_kb: Answerer) -> None:
    assert "2.000 triệu đồng" in engine_kb.answer_record("pl4-3").text
    assert not engine_kb.answer_record("PL9-99").found


def test_replies_are_escaped_html_and_plain_text(engine_kb: Answerer) -> None:
    """Telegram gets escaped HTML; the terminal gets the same content with no tags and no entities."""
    ans = engine_kb.answer("Sở VH,TT&DL nâng cấp mạng LAN")
    assert "Sở VHTT&amp;DL" in ans.html and "&DL" not in ans.html.replace("&amp;DL", "")
    assert "Sở VHTT&DL" in ans.text and "&amp;" not in ans.text and "<b>" not in ans.text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_unicode_text_gets_a_reply(engine_kb: Answerer, text: str) -> None:
    ans = engine_kb.answer(text)
    assert isinstance(ans.text, str) and ans.text and isinstance(ans.found, bool)


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=1, max_size=200).map(lambda s: (s * (10_000 // len(s) + 1))[:10_000]))
def test_long_unicode_text_is_answered_or_refused_fast(engine_kb: Answerer, text: str) -> None:
    t0 = time.perf_counter()
    ans = engine_kb.answer(text)
    assert time.perf_counter() - t0 < 1.0 and ans.text


def test_a_body_the_plan_does_not_name_is_refused_but_a_cut_short_name_is_not(engine_kb: Answerer) -> None:
    refused = engine_kb.answer("Bộ Y tế có nhiệm vụ gì")
    assert not refused.found and "Kế hoạch không nêu «Bộ Y tế»" in refused.text
    assert engine_kb.answer("Sở Thông tin có nhiệm vụ gì").found


def test_how_much_may_be_a_count(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("chứng thư số cơ quan là bao nhiêu")
    assert ans.found and "41 chứng thư số cơ quan" in ans.text


def test_a_year_the_plan_left_blank_is_said_to_be_unstated(engine_kb: Answerer) -> None:
    """Phụ lục 2 writes '-' for some 2015 results: the reply says the plan gives no figure, not another row's."""
    ans = engine_kb.answer("tỷ lệ máy tính/CBCC trong các cơ quan cấp xã, phường năm 2015 đạt bao nhiêu")
    assert not ans.found and "không nêu số liệu năm 2015" in ans.reason and ans.nearest == ["PL2-I.5.3"]
    assert "95%" in engine_kb.answer("tỷ lệ máy tính/CBCC trong các cơ quan cấp tỉnh năm 2015 đạt bao nhiêu").text


def test_polite_words_around_each_clause_are_not_the_subject(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("Em xin hỏi anh chị ạ, dự án nâng cấp mạng LAN ở UBND huyện Vĩnh Tường tổng mức đầu tư "
                           "là bao nhiêu ạ? Em cảm ơn nhiều ạ")
    assert ans.found and "1.442" in ans.text


def test_what_a_district_must_do_is_its_duties_not_another_bodys(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("UBND huyện bọn em phải làm những gì để thực hiện kế hoạch này")
    assert ans.found and "UBND các huyện, thành phố, thị xã" in ans.text and "Sở Thông tin" not in ans.text


def test_a_time_shared_by_two_clauses_does_not_become_a_count(engine_kb: Answerer) -> None:
    """'… giai đoạn 2016-2020 không, TMĐT bao nhiêu': the period is not 'bao nhiêu giai đoạn'."""
    ans = engine_kb.answer("Sở KH&ĐT có dự án nâng cấp mạng LAN trong giai đoạn 2016-2020 không, TMĐT bao nhiêu?")
    assert not ans.found and ans.reason == "Kế hoạch không có mục riêng cho Sở Kế hoạch và Đầu tư."


def test_which_ones_is_answered_with_names_not_a_row_of_figures(engine_kb: Answerer) -> None:
    """'… mức 3 là những dịch vụ nào': Phụ lục 2 counts them (2); Phần I names them."""
    ans = engine_kb.answer("năm 2015 tỉnh có mấy dịch vụ công trực tuyến mức 3, là những dịch vụ nào")
    assert ans.found and "bản tin" in ans.text and "ngành in" in ans.text


def test_names_of_a_group_the_plan_only_counts_are_refused(engine_kb: Answerer) -> None:
    """Phụ lục 4 says 'Công trình Quyết toán: 13 dự án' and lists none of them."""
    ans = engine_kb.answer("13 công trình quyết toán trong phụ lục 4 cụ thể là những dự án nào?")
    assert not ans.found and "không liệt kê" in ans.reason and ans.nearest == ["PL4-II"]


def test_a_count_a_projects_record_does_not_write_is_refused(engine_kb: Answerer) -> None:
    """The LAN pilot for communes names no number of communes: the reply says so rather than show its budget."""
    ans = engine_kb.answer("xây dựng điểm một số mạng LAN xã phường triển khai ở bao nhiêu xã")
    assert not ans.found and "không nêu con số" in ans.reason
    stated = engine_kb.answer("cổng TTĐT thành phần cho bao nhiêu đơn vị, địa phương")
    assert stated.found and "25 đơn vị" in stated.text


def test_a_figure_of_another_doing_is_refused(engine_kb: Answerer) -> None:
    """The plan states how many servers the centre can serve, not how many run: the doing asked must be written."""
    running = engine_kb.answer("trung tâm HTTT hiện đang chạy bao nhiêu máy chủ")
    assert not running.found and "không nêu con số" in running.reason
    served = engine_kb.answer("theo thiết kế trung tâm HTTT đáp ứng được bao nhiêu máy chủ")
    assert served.found and "600-1.000 máy chủ" in served.text


def test_a_rate_is_answered_only_by_a_record_that_states_one(engine_kb: Answerer) -> None:
    """Phần I counts the portals but gives no share of citizens filing online."""
    ans = engine_kb.answer("tỷ lệ người dân nộp hồ sơ trực tuyến năm 2015 là bao nhiêu %")
    assert not ans.found and "không nêu con số" in ans.reason
    stated = engine_kb.answer("tỷ lệ dùng phần mềm diệt virus thương mại ở cấp tỉnh là bao nhiêu")
    assert stated.found and "%" in stated.text


@pytest.mark.parametrize(("question", "found", "expected"), [
    ("dự án phần mềm dùng chung do nhà thầu nào thi công", False, "nhà thầu"),
    ("Mỗi bộ máy tính để bàn trang bị cho cán bộ công chức giá bao nhiêu?", False, "đơn giá"),
    ("Mục tiêu đến 2020 về lựa chọn nhà thầu qua mạng được đặt ra như thế nào?", True, "lựa chọn nhà thầu qua mạng"),
    ("luong cua can bo chuyen trach CNTT cap huyen la bao nhieu", False, "tiền lương"),
    # folded, 'lương' is also the 'lượng' of a word of the plan: 'lượng giấy tờ' is the target's own word
    ("den nam 2020 luong giay to trong cac co quan nha nuoc phai giam it nhat bao nhieu", True, "giấy tờ"),
])
def test_what_no_field_states_is_refused_unless_a_part_of_the_plan_speaks_of_it(
        engine_kb: Answerer, question: str, found: bool, expected: str) -> None:
    ans = engine_kb.answer(question)
    assert ans.found == found and expected in (ans.text if found else ans.reason)


@pytest.mark.parametrize(("question", "body"), [
    ("Cơ quan nào chịu trách nhiệm định kỳ báo cáo UBND tỉnh về việc thực hiện kế hoạch?",
     "Sở Thông tin và Truyền thông"),
    ("ai phoi hop vs STTTT dao tao doi ngu giam doc CNTT", "Sở Nội vụ"),
])
def test_a_body_the_asked_one_acts_on_is_not_the_subject(engine_kb: Answerer, question: str, body: str) -> None:
    """'Cơ quan nào … báo cáo UBND tỉnh': UBND tỉnh receives the report; the duty's own body is the answer."""
    ans = engine_kb.answer(question)
    assert ans.found and ans.text.startswith(f"{body} (nhiệm vụ trong Kế hoạch)")


@pytest.mark.parametrize("question", ["Kế hoạch CNTT 2016-2020 của tỉnh Bắc Ninh có tổng nhu cầu vốn bao nhiêu?",
                                      "ke hoach cua tinh bac ninh tong von bn"])
def test_another_province_is_not_this_plans(engine_kb: Answerer, question: str) -> None:
    ans = engine_kb.answer(question)
    assert not ans.found and "không có thông tin về Bắc Ninh" in ans.reason and "Vĩnh Phúc" in ans.reason


@pytest.mark.parametrize(("question", "body"), [
    ("so giao duc dao tao co du an cntt nao trong ke hoach ko", "Sở Giáo dục và Đào tạo"),
    ("Sở GD&ĐT được giao nhiệm vụ gì?", "Sở Giáo dục và Đào tạo"),
    ("cong an tinh duoc dau tu bao nhieu tien", "Công an tỉnh"),
    ("Bệnh viện đa khoa tỉnh có dự án CNTT không", "Bệnh viện Đa khoa tỉnh"),
])
def test_a_body_of_the_province_the_plan_never_names_has_nothing_in_it(engine_kb: Answerer, question: str,
                                                                        body: str) -> None:
    ans = engine_kb.answer(question)
    assert not ans.found and f"không có thông tin về {body}" in ans.text


@pytest.mark.parametrize("question", ["Sở Y tế có dự án nào", "cả tỉnh có bao nhiêu hộp thư điện tử công vụ"])
def test_a_body_the_plan_names_or_a_word_like_one_is_answered(engine_kb: Answerer, question: str) -> None:
    """The list of a province's usual bodies yields to the plan's own agencies; 'CA tỉnh' folded is 'cả tỉnh'."""
    assert engine_kb.answer(question).found


def test_a_province_name_inside_other_words_is_not_a_place(engine_kb: Answerer) -> None:
    """'DA nâng cấp' folds to 'da nang' (Đà Nẵng) and the plan's own province is no other place."""
    assert engine_kb.answer("TMĐT DA nâng cấp LAN Sở NN&PTNT gd 2011-2015?").found
    assert engine_kb.answer("tỉnh Vĩnh Phúc tổng nhu cầu vốn bao nhiêu").found


@pytest.mark.parametrize("question", [
    "DA nâng cấp 3 ƯD dùng chung (Cổng TTGT-ĐT, thư CV, QLVB&ĐH) TMĐT bao nhiêu?",
    "nang cap ba phan mem dung chung cua tinh (cong thong tin, thu cong vu, quan ly van ban) thi du kien bn",
])
def test_a_project_is_named_by_its_parts_in_parentheses(engine_kb: Answerer, question: str) -> None:
    """The parts listed in parentheses explain one project (their commas start no new question); the parts
    state no amount, the project does. 'DA' in capitals is dự án."""
    ans = engine_kb.answer(question)
    assert ans.found and ans.text.startswith("Nâng cấp 3 ứng dụng dùng chung") and "12.989" in ans.text


def test_a_district_asking_with_we_gets_its_project(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("Huyện Vĩnh Tường chúng tôi có được bố trí dự án nào giai đoạn 2016-2020 không, "
                           "và kinh phí là bao nhiêu?")
    assert ans.found and "Vĩnh Tường" in ans.text.split("\n")[0] and "1.442" in ans.text


def test_what_the_plan_must_reach_is_its_target(engine_kb: Answerer) -> None:
    """'phải đạt … trình độ nào' asks the 2020 target, not the 2015 indicator row."""
    ans = engine_kb.answer("cơ quan cấp huyện phải đạt tỷ lệ cán bộ chuyên trách CNTT trình độ nào")
    assert ans.found and ans.kind == "record" and "cao đẳng" in ans.text


@pytest.mark.parametrize("question", ["mức lương cán bộ chuyên trách CNTT phải đạt bao nhiêu",
                                      "công ty nào chịu trách nhiệm triển khai phần mềm số hóa",
                                      "PC hỗ trợ cho CB chuyên trách CNTT theo NQ 41 là bn 1 tháng?"])
def test_what_no_field_states_is_refused_even_beside_duty_words(engine_kb: Answerer, question: str) -> None:
    """A salary, a company, a monthly sum: no figure of the plan answers them, whatever duty words are around."""
    ans = engine_kb.answer(question)
    assert not ans.found and ans.reason.startswith("Kế hoạch không nêu")


def test_the_plans_tasks_are_duties_when_no_body_is_named(engine_kb: Answerer) -> None:
    """'Nhiệm vụ phát triển nguồn nhân lực': the plan's task (Phần II.III), not its target of the same name."""
    ans = engine_kb.answer("Nhiệm vụ phát triển nguồn nhân lực CNTT gồm những gì?")
    assert ans.found and ans.kind == "record" and "giám đốc CNTT" in ans.text


def test_how_much_a_thing_holds_is_no_amount_of_money(engine_kb: Answerer) -> None:
    """'lưu trữ được bao nhiêu TB' counts terabytes (Phần I), not the budget of the storage project."""
    ans = engine_kb.answer("trung tam du lieu cua tinh luu tru dc bao nhieu TB, da dung het chua")
    assert ans.found and "27TB" in ans.text and "20TB" in ans.text


@pytest.mark.parametrize(("question", "expected"), [
    ("Theo lộ trình, việc triển khai chứng thực điện tử và chữ ký số thuộc giai đoạn nào?", "2016-2018"),
    ("Cơ quan nào chủ trì triển khai hệ thống một cửa hiện đại, liên thông các cấp tỉnh, huyện, xã?", "Sở Nội vụ"),
    ("Tờ trình của Sở TT&TT đề nghị ban hành kế hoạch là số nào, ngày nào?", "33/TTr-STTTT"),
    ("kế hoạch này được xây dựng trên cơ sở tờ trình số mấy của Sở Thông tin và Truyền thông?", "33/TTr-STTTT"),
    # 'tỷ' of 'tỷ lệ' is no tỷ đồng: the rate beside investment words is stated
    ("Đến 2020, tỷ lệ cấp đăng ký doanh nghiệp qua mạng và cấp giấy chứng nhận đầu tư qua mạng dự kiến đạt bao "
     "nhiêu?", "20%"),
])
def test_when_and_who_of_a_part_of_the_plan(engine_kb: Answerer, question: str, expected: str) -> None:
    """A roadmap item says its phase; 'cơ quan nào' is answered by a body's duty, not a task of the plan; a body
    named inside 'số nào' is the plan's own proposer."""
    ans = engine_kb.answer(question)
    assert ans.found and expected in ans.text


def test_a_value_asked_with_and_is_an_amount_not_a_count(engine_kb: Answerer) -> None:
    """'trị giá bao nhiêu và …' asks the amount; 'và' is counted nothing."""
    ans = engine_kb.answer("Dự án mua máy phát hình dự phòng cho Đài PT-TH trị giá bao nhiêu và hiện nay ra sao?")
    assert ans.found and "9.931" in ans.text and "hủy bỏ" in ans.text


@pytest.mark.parametrize(("question", "expected"), [
    ("giai phap ve chon don vi tu van lap du an the nao", "kinh nghiệm"),
    ("nguyên nhân của hạn chế về nhân lực là gì", "Nhân lực chuyên trách"),
    ("kế hoạch dựa trên những luật nào", "Luật Giao dịch điện tử"),  # the part's records that hold 'luật'
])
def test_a_part_of_the_plan_named_is_searched_first(engine_kb: Answerer, question: str, expected: str) -> None:
    """'giải pháp …', 'nguyên nhân …': the answer comes from that part of the plan, not a project with like words."""
    ans = engine_kb.answer(question)
    assert ans.found and expected in ans.text


@pytest.mark.parametrize(("question", "found", "expected"), [
    ("KH 3854/KH-UBND ngày 13/6/2016 do ai ký", True, "13/6/2016"),  # a date is not a document number
    ("kế hoạch 3854/2016 ký ngày nào", True, "13/6/2016"),
    ("văn bản số 7/2015 quy định gì", False, "7/2015"),  # not found inside 77/2015 or 1178/2015
    ("vốn năm 1999 bao nhiêu", False, "1999"),
    ("năm ²⁰¹⁷ vốn đầu tư phát triển bao nhiêu", True, "70.000"),  # superscript digits read as digits
])
def test_documents_dates_and_years_are_read_as_written(engine_kb: Answerer, question: str, found: bool,
                                                        expected: str) -> None:
    ans = engine_kb.answer(question)
    assert ans.found == found and expected in ans.text


@pytest.mark.parametrize(("question", "found", "expected"), [
    ("giai đoạn 0", False, "Kế hoạch có 2 giai đoạn"),
    ("giải pháp 99 là gì", False, "giải pháp, đánh số từ 1"),
    ("giai đoạn 2 làm gì", True, "2019-2020"),
    ("giai đoạn thứ nhất của lộ trình kết thúc năm nào", True, "2016-2018"),  # ordinals in words
    ("giai doan cuoi cua lo trinh lam gi", True, "2019-2020"),
    ("năm 2019 và năm 2020 thì thực hiện những nội dung gì?", True, "2019-2020"),  # consecutive years: a span
    ("Giai đoạn 2016-2018 của lộ trình tập trung vào những nội dung chính nào?", True, "Ban hành chính sách"),
    ("nguon von dau tu phat trien cntt nam 2018 duoc phan ky bao nhieu?", True, "60.000"),  # 'phân kỳ' of money
    ("kế hoạch bắt đầu từ năm nào", True, "2016-2020"),  # 'bắt đầu' asks when, it is not a greeting
    ("ai đề xuất kế hoạch", True, "Tờ trình số 33/TTr-STTTT"),
])
def test_numbered_parts_and_the_plans_own_time(engine_kb: Answerer, question: str, found: bool, expected: str) -> None:
    ans = engine_kb.answer(question)
    assert ans.found == found and expected in ans.text


def test_what_for_asks_the_goal_not_duties(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("bệnh viện y học cổ truyền tỉnh được đầu tư CNTT bao nhiêu tiền, để làm gì")
    assert ans.found and "khám, chữa bệnh" in ans.text and "nhiệm vụ" not in ans.text.split("\n")[0].lower()


@pytest.mark.parametrize("question", ["UBND cấp xã có nhiệm vụ gì", "các sở, ngành và UBND cấp huyện phải làm gì"])
def test_local_bodies_get_the_shared_duties_of_part_vii(engine_kb: Answerer, question: str) -> None:
    ans = engine_kb.answer(question)
    assert ans.found and ans.text.count("Nhiệm vụ của Các sở, ngành, địa phương") == 1


@pytest.mark.parametrize(("question", "found", "expected"), [
    ("Phụ lục 4 mục 8.2 là dự án gì, chủ đầu tư là ai", True, "Ban Dân tộc"),
    ("pl2 muc I.5.1 dat bao nhieu", True, "95%"),
    ("phụ lục 4 mục 99 là gì", False, "Phụ lục 4 không có mục 99"),
])
def test_a_row_cited_by_the_plans_numbering(engine_kb: Answerer, question: str, found: bool, expected: str) -> None:
    ans = engine_kb.answer(question)
    assert ans.found == found and expected in ans.text


def test_the_parts_of_a_named_project_are_listed(engine_kb: Answerer) -> None:
    """'… gồm những hạng mục gì': a hạng mục is a part of a project; the project named answers with its parts."""
    ans = engine_kb.answer("nang cap 3 ung dung dung chung gom nhung hang muc gi")
    assert ans.found and ans.kind == "record" and "quản lý văn bản" in ans.text and "thư điện tử" in ans.text


@pytest.mark.parametrize(("question", "investor"), [
    ("TT Khuyến nông tỉnh được giao dự án gì vậy", "Trung tâm KN&KN tỉnh"),
    ("bv yhct co du an j", "Bệnh viện Y học cổ truyền tỉnh"),
])
def test_a_bodys_name_with_its_head_written_short_is_that_body(engine_kb: Answerer, question: str,
                                                               investor: str) -> None:
    """'TT' for Trung tâm, 'BV' for Bệnh viện: the heads' short forms are data, every body's name gets them."""
    ans = engine_kb.answer(question)
    assert ans.found and f"Chủ đầu tư: {investor}" in ans.text


def test_a_question_written_once_after_two_subjects_is_asked_of_each(engine_kb: Answerer) -> None:
    """'A và B được bố trí bao nhiêu vốn': each group's amount; 'tổng … A và B' still asks their sum."""
    ans = engine_kb.answer("công trình quyết toán 13 DA và công trình quá hạn đầu tư 04 DA được bố trí bn vốn")
    assert ans.found and "1.514" in ans.text and "168" in ans.text
    total = engine_kb.answer("Năm 2016 tổng vốn cả đầu tư phát triển và chi thường xuyên là bao nhiêu?")
    assert total.found and "22.150" in total.text
    body = engine_kb.answer("Sở Kế hoạch và Đầu tư có nhiệm vụ gì")  # one body, not two subjects
    assert body.found and body.text.startswith("Nhiệm vụ của Sở Kế hoạch và Đầu tư")


def test_a_count_asked_of_a_record_whose_only_numbers_are_dates_is_not_stated(engine_kb: Answerer) -> None:
    """'Luật An toàn thông tin mạng có bao nhiêu điều': its date (19/11/2015) is no figure of what is asked."""
    ans = engine_kb.answer("Luat An toan thong tin mang co bao nhieu dieu")
    assert not ans.found and "không nêu con số" in ans.text


def test_a_cue_inside_a_projects_name_asks_nothing(engine_kb: Answerer) -> None:
    """'… thử nghiệm giải pháp CNTT' is a project's name: its 'giải pháp' does not ask for the plan's solutions;
    'giải pháp thực hiện có mấy cái' still does."""
    ans = engine_kb.answer("Phòng thí nghiệm thử nghiệm giải pháp CNTT (DA chuyển tiếp) TMĐT bao nhiêu")
    assert ans.found and "1.117,3" in ans.text
    assert engine_kb.answer("giải pháp thực hiện có mấy cái").text.startswith("Giải pháp thực hiện")


def test_the_askers_errand_before_a_colon_is_not_the_subject(engine_kb: Answerer) -> None:
    """'Xin chào, tôi cần số liệu gấp: <câu hỏi>? Cảm ơn bot' asks the question after the colon."""
    ans = engine_kb.answer("Xin chào, tôi cần số liệu gấp: tỉnh đã cấp bao nhiêu hộp thư điện tử công vụ rồi? "
                           "Cảm ơn bot")
    assert ans.found and "8.150" in ans.text


def test_a_second_subject_after_the_question_is_asked_the_same(engine_kb: Answerer) -> None:
    """'… chữ ký số là bao nhiêu với phần mềm số hóa nữa': each project's amount; 'hiện có bn hộp thư vs bn chứng
    thư số' is two questions."""
    ans = engine_kb.answer("kế hoạch vốn dự án chữ ký số là bao nhiêu với phần mềm số hóa nữa")
    assert ans.found and "2.000" in ans.text and "4.000" in ans.text
    two = engine_kb.answer("e chào a, bên em cần số liệu: hiện có bn hộp thư công vụ vs bn chứng thư số ạ")
    assert two.found and "8.150" in two.text and "93" in two.text


def test_which_bodies_lack_something_is_answered_by_the_row_that_names_them(engine_kb: Answerer) -> None:
    """'những cơ quan … nào chưa có cán bộ chuyên trách': the indicator whose evaluation names them; 'những dịch vụ
    công trực tuyến mức độ 3 nào' asks names, which a row of figures does not give."""
    ans = engine_kb.answer("nhung co quan cap tinh nao chua co can bo chuyen trach cntt")
    assert ans.found and "Sở Xây dựng" in ans.text and "Ban Dân tộc" in ans.text
    services = engine_kb.answer("da co nhung dv cong truc tuyen muc do 3 nao r")
    assert services.found and "ngành in" in services.text


def test_what_there_is_now_is_the_status_part(engine_kb: Answerer) -> None:
    """'… mức độ 3 đang có là những dịch vụ nào': the status names them (bản tin, ngành in), not the new project."""
    ans = engine_kb.answer("DVC trực tuyến mức độ 3 đang có là những dv nào z")
    assert ans.found and "ngành in" in ans.text


@pytest.mark.parametrize(("question", "figure"), [
    ("TMĐT, TDT và KHV của DA phần mềm khung CQĐT (PL4 mục 13)?", "63.000"),
    ("mang LAN cac huyen, thanh, thi (PL4 muc 1a) cong lai bn", "10.736"),
])
def test_a_row_cited_by_the_number_people_read_in_the_table(engine_kb: Answerer, question: str, figure: str) -> None:
    """Phụ lục 4 numbers row 13 of group V as '13' and the sub-group 'a' of row 1 as '1a'."""
    ans = engine_kb.answer(question)
    assert ans.found and figure in ans.text


@pytest.mark.parametrize(("question", "record"), [
    ("Vốn ĐTPT năm 2017 so với năm 2016 tăng bao nhiêu", None),
    ("nâng cấp mạng lan vs mua thêm thiết bị cho sở y tế bao nhiêu tiền", "PL4-1.10"),
])
def test_the_vois_of_a_verb_or_a_project_name_join_no_two_subjects(engine_kb: Answerer, question: str,
                                                                    record: str | None) -> None:
    """'so với', 'kết nối với' are verbs; 'mạng LAN vs thiết bị' names one project: one answer, no extra records."""
    ans = engine_kb.answer(question)
    assert ans.found and ans.kind == "record" and (record is None or ans.candidates[0][0] == record)


def test_a_colon_before_the_rest_of_the_same_question_splits_nothing(engine_kb: Answerer) -> None:
    """'cho e xin số liệu gđ 2011-2015: tổng kinh phí nguồn CNTT …' is one question (the period is its own)."""
    ans = engine_kb.answer("cho e xin so lieu gd 2011-2015: tong kinh phi nguon CNTT theo ke hoach")
    assert ans.found and "116,5" in ans.text
