"""A reply's content and its two renderings: Telegram HTML (the bot, inline mode) and plain text (the terminal).

compose writes content, not markup: plain text in which the words to stand out are marked with private-use
characters (strong: a heading, the figure asked; emphasis: the source line). Each front end renders it: the bot
escapes the text and turns the marks into <b>/<i>; the terminal and `planbot ask` drop them. No tag or entity is
ever written by the engine, so neither rendering depends on undoing the other."""
from __future__ import annotations

from html import escape

STRONG, STRONG_END = "\ue000", "\ue001"
EMPHASIS, EMPHASIS_END = "\ue002", "\ue003"
_HTML_TAGS = {STRONG: "<b>", STRONG_END: "</b>", EMPHASIS: "<i>", EMPHASIS_END: "</i>"}
_UNMARKED = str.maketrans("", "", "".join(_HTML_TAGS))


def unmarked(text: object) -> str:
    """Text as it enters content: a question or a record may hold any character, never a mark of emphasis."""
    return str(text).translate(_UNMARKED)


def to_html(content: str) -> str:
    """Telegram HTML: the text escaped ('Sở TT&TT' -> 'Sở TT&amp;TT'), strong as <b>, emphasis as <i>."""
    out = escape(content, quote=False)
    for mark, tag in _HTML_TAGS.items():
        out = out.replace(mark, tag)
    return out


def to_plain(content: str) -> str:
    """Plain text for the terminal: the words as written, no marks."""
    return unmarked(content)
