"""Plain text from the Telegram HTML that compose writes (only <b>, <i>, <code>, <a> and escaped text)."""
from __future__ import annotations

import html
import re

_TAG = re.compile(r"</?(?:b|i|u|s|code|pre|a)(?:\s[^>]*)?>")


def plain_text(markup: str) -> str:
    """'<b>Sở TT&amp;TT</b>' -> 'Sở TT&TT'; the text between tags is kept as written."""
    return html.unescape(_TAG.sub("", markup))
