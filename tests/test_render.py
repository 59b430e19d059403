"""A reply's content rendered twice: Telegram HTML for the bot, plain text for the terminal."""
from __future__ import annotations

from knowledge.engine import Answerer
from knowledge.render import STRONG, STRONG_END, to_html, to_plain


def test_the_same_content_renders_as_escaped_html_and_as_the_words_themselves() -> None:
    content = f"{STRONG}Sở TT&TT: a < b{STRONG_END}\n• 2.000 triệu đồng"
    assert to_html(content) == "<b>Sở TT&amp;TT: a &lt; b</b>\n• 2.000 triệu đồng"
    assert to_plain(content) == "Sở TT&TT: a < b\n• 2.000 triệu đồng"


def test_an_answer_is_bold_in_telegram_and_plain_in_the_terminal(engine_kb: Answerer) -> None:
    ans = engine_kb.answer("Sở VHTT&DL có dự án gì")
    assert ans.html.startswith("<b>") and "&amp;" in ans.html
    assert "<" not in ans.text and "&amp;" not in ans.text and "VHTT&DL" in ans.text


def test_a_mark_typed_in_a_question_is_never_markup(engine_kb: Answerer) -> None:
    """A private-use character in the question (pasted from anywhere) cannot open a tag in the reply."""
    ans = engine_kb.answer(f"Sở {STRONG}XYZ có dự án gì")
    assert ans.html.count("<b>") == ans.html.count("</b>") and STRONG not in ans.text
