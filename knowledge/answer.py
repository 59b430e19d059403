"""The value every front end (Telegram, terminal, JSON) renders: one reply to one question."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Answer:
    found: bool
    text: str
    kind: str  # "record", "list", "candidates", "not_found", "help", "refused"
    candidates: list[tuple[str, str]] = field(default_factory=list)  # (record id, short label)
    sources: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"found": self.found, "text": self.text, "kind": self.kind,
                "candidates": [{"id": i, "label": lbl} for i, lbl in self.candidates], "sources": self.sources}
