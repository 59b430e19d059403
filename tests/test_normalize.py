"""How people type: diacritics or not, old tone placement, ð, abbreviations, control characters."""
from __future__ import annotations

import pytest

from knowledge.normalize import clean, fold, lexicon, tokens


@pytest.mark.parametrize(("old", "new"), [("hoà", "hòa"), ("thuý", "thúy"), ("uỷ ban", "ủy ban"), ("khoẻ", "khỏe"),
                                          ("tin học hoá", "tin học hóa"), ("Hoà Bình", "Hòa Bình")])
def test_old_and_new_tone_placement_are_one_spelling(old: str, new: str) -> None:
    assert clean(old) == clean(new) == new
    assert fold(old) == fold(new)


def test_quy_keeps_its_tone_on_y() -> None:
    assert clean("Quỹ bảo lãnh, quý") == "Quỹ bảo lãnh, quý"


def test_fold_handles_d_stroke_and_eth() -> None:
    assert fold("Đầu tư ĐỒNG ð") == "dau tu dong d"


def test_control_and_zero_width_characters_are_dropped() -> None:
    assert clean("Sở\u200bY\x00tế\t\n  mạng") == "Sở Y tế mạng"


@pytest.mark.parametrize("variant", ["Sở TT&TT", "STTTT", "Sở TTTT", "sở tt&tt", "SO TT&TT",
                                     "Sở Thông tin và Truyền thông"])
def test_abbreviations_of_the_information_department_meet(variant: str) -> None:
    assert tokens(lexicon().key(variant)) == tokens(fold("sở thông tin và truyền thông"))


@pytest.mark.parametrize(("short", "full"), [
    ("KH&ĐT", "kế hoạch và đầu tư"), ("TN&MT", "tài nguyên và môi trường"),
    ("LĐTB&XH", "lao động thương binh và xã hội"), ("VH,TT&DL", "văn hóa thể thao và du lịch"),
    ("NN&PTNT", "nông nghiệp và phát triển nông thôn"),
    ("QLVB&ĐH", "quản lý văn bản và điều hành"), ("Cổng TTGT-ĐT", "cổng thông tin giao tiếp điện tử"),
    ("UBMT TQ", "ủy ban mặt trận tổ quốc"), ("TP Vĩnh Yên", "thành phố vĩnh yên"), ("TX Phúc Yên", "thị xã phúc yên"),
])
def test_administrative_abbreviations_are_written_out(short: str, full: str) -> None:
    assert tokens(lexicon().key(short)) == tokens(lexicon().key(full))


def test_synonyms_of_money_meet() -> None:
    key = lexicon().key
    assert key("vốn") == key("kinh phí") == key("ngân sách") == key("TMĐT")


def test_money_is_not_read_into_words_that_fold_like_tien() -> None:
    """'tiền' folds to 'tien' like 'xúc tiến' and 'tiên tiến': only the cue phrases mean money."""
    assert "tien" in tokens(lexicon().key("Trung tâm Thông tin và xúc tiến thương mại"))
