"""How people type: chat shorthand, particles, derived acronyms, everyday words for the plan's concepts."""
from __future__ import annotations

import json

import pytest

from knowledge.engine import Answerer
from knowledge.index import bigrams
from knowledge.loader import DATA_DIR, VOCABULARY_FILE
from knowledge.normalize import fold, lexicon, tokens
from knowledge.records import KnowledgeBase
from knowledge.understand import initials

THESAURUS = json.loads((DATA_DIR / VOCABULARY_FILE).read_text(encoding="utf-8"))["thesaurus"]


def content(engine: Answerer, text: str) -> list[str]:
    toks = engine.index.correct(tokens(engine.lex.key(text)))
    return [t for t, keep in zip(toks, engine.lex.content_mask(toks)) if keep]


@pytest.mark.parametrize(("concept", "word"), [(c, w) for c, words in THESAURUS.items() for w in words])
def test_every_everyday_word_reads_as_the_plans_concept(engine_kb: Answerer, concept: str, word: str) -> None:
    """Each thesaurus entry, typed with or without diacritics, becomes the plan's word for it, which the plan uses."""
    want = " ".join(tokens(engine_kb.lex.key(concept)))
    assert all(engine_kb.index.knows(p) for p in bigrams(want.split()) or want.split()), concept
    for typed in (word, fold(word)):
        assert want in " ".join(tokens(engine_kb.lex.key(typed)))


@pytest.mark.parametrize(("everyday", "said"), [
    ("ký số điện tử bao nhiêu tiền", "2.000 triệu đồng"),
    ("kinh phí nâng cấp phòng tin học cho cán bộ 2016-2020", "940 triệu đồng"),
    ("trung tâm dữ liệu của tỉnh đạt tiêu chuẩn gì", "Tier 2"),
    ("họp trực tuyến có bao nhiêu điểm ở cấp huyện", "9 điểm"),
    ("đến 2020 ứng dụng CNTT trong quản lý nhà nước xếp thứ mấy cả nước", "tốp 10"),
])
def test_questions_in_everyday_words_are_answered_from_the_plan(engine_kb: Answerer, everyday: str, said: str) -> None:
    ans = engine_kb.answer(everyday)
    assert ans.found and said in ans.text, ans.text


@pytest.mark.parametrize(("acronym", "phrase"), [
    ("ĐTPT", "đầu tư phát triển"), ("CQNN", "cơ quan nhà nước"), ("QLNN", "quản lý nhà nước"),
    ("CQĐT", "chính quyền điện tử"), ("TTHC", "thủ tục hành chính"), ("DVCTT", "dịch vụ công trực tuyến"),
    ("CBCCVC", "cán bộ công chức viên chức"), ("PT-TH", "phát thanh truyền hình"), ("CSDL", "cơ sở dữ liệu"),
    ("YHCT", "y học cổ truyền"), ("KBNN", "kho bạc nhà nước"), ("NN-ND-NT", "nông nghiệp nông dân nông thôn"),
])
def test_acronyms_are_derived_from_the_plans_own_text(engine_kb: Answerer, acronym: str, phrase: str) -> None:
    assert tokens(engine_kb.lex.key(acronym)) == tokens(fold(phrase))


def test_names_the_plan_defines_in_parentheses_are_read_as_what_they_name(engine_kb: Answerer) -> None:
    """'Trung tâm hạ tầng thông tin (Data Center)': a question about the data center is about the Trung tâm."""
    assert tokens(engine_kb.lex.key("data center")) == tokens(fold("trung tâm hạ tầng thông tin"))
    ans = engine_kb.answer("data center cua tinh dat tieu chuan gi")
    assert ans.found and "Tier 2" in ans.text


def test_derived_acronyms_follow_the_data_not_a_list(kb: KnowledgeBase) -> None:
    """A plan that never writes 'quản lý nhà nước' gets no reading for QLNN."""
    from knowledge.records import KnowledgeBase as KB
    records = [r for r in kb.records.values() if "quản lý nhà nước" not in fold(r.title + " " + r.text)
               and "quan ly nha nuoc" not in fold(r.title + " " + r.text)]
    smaller = Answerer(KB(records, list(kb.agencies.values())))
    assert tokens(smaller.lex.key("QLNN")) != tokens(fold("quản lý nhà nước"))


@pytest.mark.parametrize(("typed", "meant"), [
    ("tam duong dc bn tien", "tam duong duoc bao nhieu tien"),
    ("ko co j", "khong co gi"),
    ("von 16-20", "kinh phi 2016-2020"),
    ("vb tham dinh", "van ban tham dinh"),
    ("kho bac co nv j", "kho bac co trach nhiem gi"),
    ("chi TX nam 2016", "chi thuong xuyen nam 2016"),  # 'TX' alone is thị xã
    ("hs xl truc tuyen md 4", "ho so xu ly truc tuyen muc do 4"),
])
def test_chat_shorthand_is_written_out(typed: str, meant: str) -> None:
    assert lexicon().key(typed) == meant


def test_particles_go_only_at_the_end_of_a_question() -> None:
    """Without diacritics 'nha' is also 'nhà', 'ha' is 'hạ': only the closing particles are dropped."""
    lex = lexicon()
    toks = tokens(lex.key("ha tang nha nuoc thi xa bao nhieu vay nha"))
    kept = [t for t, k in zip(toks, lex.content_mask(toks)) if k]
    assert kept[:6] == ["ha", "tang", "nha", "nuoc", "thi", "xa"] and "vay" not in kept


def test_a_compound_keeps_the_syllable_a_filler_shares(engine_kb: Answerer) -> None:
    """'thông minh' is a word ('mình' alone is the asker): a smart operations centre the plan lacks is refused."""
    assert "minh" in content(engine_kb, "trung tâm điều hành thông minh")
    ans = engine_kb.answer("Kế hoạch có dự án xây dựng trung tâm điều hành thông minh (IOC) không, vốn bao nhiêu?")
    assert not ans.found


def test_typos_are_repaired_in_context_but_everyday_words_are_not_corrected(engine_kb: Answerer) -> None:
    assert content(engine_kb, "trung tam ha tang thon tin")[-2:] == ["thong", "tin"]
    assert content(engine_kb, "huyen Bin Xuyen")[-2:] == ["binh", "xuyen"]
    assert "xa" not in content(engine_kb, "xin hỏi vốn đầu tư phát triển năm 2016")


@pytest.mark.parametrize("question", [
    "Xin hỏi vốn đầu tư phát triển năm 2016 là bao nhiêu ạ?",
    "cho em hỏi vốn đầu tư phát triển năm 2016 bao nhiêu vậy nhỉ",
    "anh ơi von dau tu phat trien nam 2016 dc bn nha",
])
def test_polite_and_chatty_words_do_not_turn_a_question_away(engine_kb: Answerer, question: str) -> None:
    ans = engine_kb.answer(question)
    assert ans.found and "20.000" in ans.text


UNSTATED = json.loads((DATA_DIR / VOCABULARY_FILE).read_text(encoding="utf-8"))["not_in_plan"]


@pytest.mark.parametrize(("words", "what"), list(UNSTATED.items()))
def test_what_no_field_of_the_plan_holds_is_refused_not_guessed(engine_kb: Answerer, words: str, what: str) -> None:
    """A contractor, a unit price, a salary …: the plan has the project but not that; the reply says so."""
    for typed in (f"{words} của dự án trung tâm hạ tầng thông tin là bao nhiêu", fold(f"cho hỏi {words} ở sở y tế")):
        ans = engine_kb.answer(typed)
        assert not ans.found and what in ans.reason


def test_when_the_plan_gives_no_date_the_reply_says_so(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("phần mềm khung chính quyền điện tử dự kiến hoàn thành vào năm nào")
    assert not ans.found and "thời điểm" in ans.reason and ans.nearest == ["PL4-13"]
    assert engine_kb.answer("luật an toàn thông tin mạng ban hành năm nào").found


@pytest.mark.parametrize("question", [
    "dạ em hỏi kế hoạch có dự án nào về ký số không ạ, nếu có thì hết bao nhiêu tiền, ai làm chủ đầu tư ạ",
    "da em hoi ke hoach co du an nao ve ky so khong a, neu co thi het bao nhieu tien, ai lam chu dau tu a",
])
def test_everyday_words_standing_alone_do_not_dilute_the_subject(engine_kb: Answerer, question: str) -> None:
    """'dạ', 'thì' fold to syllables the plan uses; alone, between chat words, they are not the subject."""
    ans = engine_kb.answer(question)
    assert ans.found and "2.000" in ans.text and "Sở Thông tin và Truyền thông" in ans.text


def test_a_departments_initials_name_it_unless_two_share_them(engine_kb: Answerer) -> None:
    """'Sở TP' is Sở Tư pháp, derived from its name; 'Sở NV' could be Nội vụ or Ngoại vụ and names neither."""
    assert initials("Sở Tư pháp") == ["Sở TP", "STP"] and initials("UBND huyện Tam Đảo") == []
    ans = engine_kb.answer("Sở TP nâng cấp mạng LAN, TMĐT dự kiến bao nhiêu")
    assert ans.found and "Sở Tư pháp" in ans.text
    assert engine_kb.finder.find("so nv") == []


def test_words_read_only_as_typed(engine_kb: Answerer) -> None:
    """'phân bố' (how something is spread) is not 'phân bổ' (allocating money); folded they are one word."""
    assert "phan bo" not in engine_kb.lex.key("trình độ cán bộ phân bố thế nào")
    assert "phan bo" in engine_kb.lex.key("phân bổ bao nhiêu")
    assert engine_kb.answer("Trình độ của cán bộ chuyên trách CNTT năm 2015 phân bố thế nào?").found


def test_a_closing_vocative_is_a_particle(engine_kb: Answerer) -> None:
    """'… bn tiền vậy ad': the admin addressed at the end is no word of the subject."""
    ans = engine_kb.answer("doi thoai truc tuyen tren cong tinh dc bn tien vay ad")
    assert ans.found and "1.490" in ans.text


@pytest.mark.parametrize(("question", "expected"), [
    ("tong von ca ke hoach bn", "260.650"),
    ("chi thuong xuyen ca 5 nam bao nhieu", "10.650"),
    ("Chào bạn, mình bên Sở Tư pháp mới về phụ trách CNTT, sếp bảo hỏi sở mình có dự án gì trong KH 2016-2020, "
     "bao nhiêu tiền nhé", "1.135"),
])
def test_whole_periods_and_errands_are_fillers(engine_kb: Answerer, question: str, expected: str) -> None:
    """'cả kế hoạch', 'cả 5 năm' ask the whole; 'sếp bảo hỏi' is the asker's errand, not the subject."""
    ans = engine_kb.answer(question)
    assert ans.found and expected in ans.text


def test_a_department_of_two_fields_is_named_by_the_first(engine_kb: Answerer) -> None:
    """'Sở NN' is Sở Nông nghiệp và PTNT, as 'Sở GD' or 'Sở TN' name theirs; 'Sở KH' could be two and names none."""
    assert initials("Sở Văn hóa, Thể thao và Du lịch")[-1] == "Sở VH"
    ans = engine_kb.answer("CSDL nông nghiệp - nông dân - nông thôn trên cổng Sở NN dự kiến bao nhiêu?")
    assert ans.found and "Sở Nông nghiệp" in ans.text
    assert engine_kb.finder.find("so kh") == []


@pytest.mark.parametrize(("question", "body"), [
    ("ai chu tri danh gia 3 pm dung chung", "Sở Thông tin và Truyền thông"),
    ("Tôi mới về Sở Xây dựng, theo kế hoạch này sở tôi phải làm gì?", "Cân đối nguồn vốn"),
])
def test_who_leads_or_must_act_is_a_duty(engine_kb: Answerer, question: str, body: str) -> None:
    """'chủ trì' asks who leads a task (Phần VII), and 'kế hoạch này sở tôi' is a body, not the plan's number."""
    ans = engine_kb.answer(question)
    assert ans.found and body in ans.text and "nhiệm vụ" in ans.text


def test_an_amount_the_plan_does_not_allocate_is_refused(engine_kb: Answerer) -> None:
    """ODA is named among the sources to mobilise, with no amount: 'bố trí bao nhiêu' is not answered by it."""
    ans = engine_kb.answer("kế hoạch bố trí bao nhiêu vốn ODA")
    assert not ans.found and "số tiền" in ans.reason


@pytest.mark.parametrize("question", ["stc co nhim vu gi", "kho bac co nhem vu gi"])
def test_a_typo_of_a_word_the_lexicon_rewrites_is_repaired(engine_kb: Answerer, question: str) -> None:
    """'nhiệm vụ' is keyed as 'trách nhiệm'; its typo 'nhim vu' is still known by the pair as typed."""
    ans = engine_kb.answer(question)
    assert ans.found and ans.text.startswith("Nhiệm vụ của") and "trong tổ chức thực hiện" in ans.text


def test_a_part_of_the_plan_asked_is_not_turned_away_by_the_unstated_table(engine_kb: Answerer) -> None:
    """'công ty tư vấn' of a project is not stated, but the plan's solutions do speak of choosing consultants."""
    assert not engine_kb.answer("tên công ty tư vấn lập dự án trung tâm hạ tầng thông tin").found
    ans = engine_kb.answer("giải pháp về lựa chọn công ty tư vấn")
    assert ans.found and "tư vấn" in ans.text
