"""The value every front end renders: one reply to one question, as content plus its two renderings.

The engine decides what the reply is about (kind, records offered, sources, why it refuses, the nearest
records it offers instead, the figures it states); compose writes the content once, as text with the words to
stand out marked (knowledge.render). `html` is that content rendered for Telegram, what the bot sends; `text`
is it rendered as plain text for the terminal and `planbot ask`."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from knowledge.render import to_html, to_plain


class AnswerKind(StrEnum):
    RECORD = "record"  # one record answers
    LIST = "list"  # several records answer together
    CANDIDATES = "candidates"  # several records fit about equally: the user picks one
    NOT_FOUND = "not_found"  # the plan has nothing on it
    UNSTATED = "unstated"  # the plan has the item asked but leaves the figure blank
    HELP = "help"  # no question: how to ask
    REFUSED = "refused"  # a message the bot does not read (too long …)


@dataclass(frozen=True)
class Answer:
    found: bool
    content: str  # the reply's words, emphasis marked, no markup
    kind: AnswerKind
    candidates: list[tuple[str, str]] = field(default_factory=list)  # (record id, short label)
    sources: list[str] = field(default_factory=list)
    reason: str = ""  # why the plan does not answer (found is false)
    nearest: list[str] = field(default_factory=list)  # ids of the records offered instead of an answer
    figures: list[str] = field(default_factory=list)  # the figure each record answered states, as shown
    total: int = 0  # how many records the reply is about when it lists only some (candidates, sources: those listed)

    @cached_property
    def html(self) -> str:
        return to_html(self.content)

    @cached_property
    def text(self) -> str:
        return to_plain(self.content)

    def to_json(self) -> dict[str, Any]:
        return {"found": self.found, "kind": self.kind, "text": self.text, "html": self.html,
                "candidates": [{"id": i, "label": lbl} for i, lbl in self.candidates], "sources": self.sources,
                "figures": self.figures, "reason": self.reason, "nearest": self.nearest,
                "total": max(self.total, len(self.candidates))}
