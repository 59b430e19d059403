"""Replies longer than Telegram's 4.096 characters are cut at line ends into chunks Telegram accepts."""
from __future__ import annotations

from html import escape

from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.common import split_message
from tests.telegram_rules import html_text, utf16_length


def test_short_text_is_one_chunk() -> None:
    assert split_message("a\nb") == ["a\nb"]


def test_long_text_is_cut_at_line_ends() -> None:
    lines = [f"dòng {i} " + "x" * 90 for i in range(200)]
    chunks = split_message("\n".join(lines))
    assert len(chunks) > 1 and all(len(c) <= 4096 for c in chunks)
    assert "\n".join(chunks).split("\n") == lines


def test_a_single_huge_line_is_cut_at_spaces() -> None:
    text = "từ " * 3000
    chunks = split_message(text)
    assert all(len(c) <= 4096 for c in chunks) and " ".join(chunks).split() == text.split()


def test_a_long_bold_title_is_cut_into_chunks_telegram_parses() -> None:
    title = "<b>" + "Hệ thống thông tin " * 400 + "</b>\n<i>Nguồn: mục 3</i>"
    chunks = split_message(title)
    assert len(chunks) > 1
    for chunk in chunks:
        assert utf16_length(chunk) <= 4096
        assert html_text(chunk).strip()  # parses as Telegram parses it
    assert chunks[0].startswith("<b>") and chunks[0].endswith("</b>") and chunks[1].startswith("<b>")
    assert " ".join(html_text(c) for c in chunks).split() == html_text(title).split()


def test_entities_and_emoji_are_never_cut_and_count_as_telegram_counts() -> None:
    text = "😀 Sở TT&amp;TT " * 700  # each emoji is two UTF-16 units
    chunks = split_message(text)
    assert all(utf16_length(c) <= 4096 for c in chunks)
    assert " ".join(html_text(c) for c in chunks).split() == html_text(text).split()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "b", "i", "code"]), st.text(
    alphabet=st.sampled_from(list("ab đ😀<>&\n")), max_size=300)), max_size=40), st.integers(40, 600))
def test_every_chunk_is_valid_html_within_the_limit_and_keeps_the_text(parts: list[tuple[str, str]],
                                                                       limit: int) -> None:
    html = "".join(f"<{tag}>{escape(text, quote=False)}</{tag}>" if tag else escape(text, quote=False)
                   for tag, text in parts)
    if not html_text(html).strip():
        return
    chunks = split_message(html, limit)
    for chunk in chunks:
        assert utf16_length(chunk) <= limit and html_text(chunk).strip()
    assert "".join(html_text("".join(chunks)).split()) == "".join(html_text(html).split())
