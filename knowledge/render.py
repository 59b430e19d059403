"""A reply's content and its two renderings: Telegram HTML (the bot, inline mode) and plain text (the terminal).

compose writes content, not markup: plain text in which the words to stand out are marked with private-use
characters (strong: a heading, the figure asked; emphasis: the source line). Each front end renders it: the bot
escapes the text and turns the marks into <b>/<i>; the terminal and `planbot ask` drop them. No tag or entity is
ever written by the engine, so neither rendering depends on undoing the other."""
from __future__ import annotations

import re
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


_HTML_TOKEN = re.compile(r"<[^<>]*>|&#?\w+;|.", re.S)


def utf16_units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (a character outside the BMP counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def _after(stack: list[tuple[str, str]], token: str) -> list[tuple[str, str]]:
    """The tags open after `token`, as (name, start tag)."""
    if token.startswith("</"):
        return stack[:-1] if stack and stack[-1][0] == token[2:-1].strip() else stack
    if token.startswith("<"):
        return [*stack, (token[1:-1].split()[0], token)]
    return stack


def _closing(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def split_html(html: str, limit: int) -> list[str]:
    """Chunks of at most `limit` UTF-16 units, each valid HTML on its own.

    Cuts fall at line ends, else at spaces, never inside a tag or an entity; a cut closes the tags open there and
    the next chunk opens them again, so a long bold title split in two stays bold and Telegram parses both."""
    if utf16_units(html) <= limit:
        return [html]
    tokens = _HTML_TOKEN.findall(html)
    chunks: list[str] = []
    opened: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        stack, size = opened, utf16_units("".join(tag for _, tag in opened))
        cuts: dict[str, tuple[int, list[tuple[str, str]]]] = {}
        j = i
        while j < len(tokens):
            after = _after(stack, tokens[j])
            if size + utf16_units(tokens[j]) + utf16_units(_closing(after)) > limit:
                break
            size, stack, j = size + utf16_units(tokens[j]), after, j + 1
            if tokens[j - 1] in ("\n", " "):
                cuts[tokens[j - 1]] = (j, stack)
        if j == len(tokens):
            cut, at_cut = j, stack
        else:
            cut, at_cut = cuts.get("\n") or cuts.get(" ") or (max(j, i + 1), stack)
        body = "".join(tokens[i:cut]).rstrip("\n ")
        chunk = "".join(tag for _, tag in opened) + body + _closing(at_cut)
        if any(not t.startswith("<") and t.strip() for t in tokens[i:cut]):  # text, not only tags
            chunks.append(chunk)
        opened, i = at_cut, cut
        while i < len(tokens) and tokens[i] in ("\n", " "):
            i += 1
    return chunks or [html]
