"""Replies longer than Telegram's 4.096 characters are cut at line ends."""
from __future__ import annotations

from handlers.common import split_message


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
