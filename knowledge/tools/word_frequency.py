"""Write knowledge/data/tan_suat.json: how common each Vietnamese syllable is in general use.

The engine needs to know that "hỏi", "xin" or "tầm" are everyday words (never to be "corrected" into a plan
word, never evidence that a question is about something the plan lacks), while "camera" or "lương" are rare
enough to mean something. Source: the `wordfreq` package's Vietnamese list (Zipf scale: 7 = "là", 3 = once per
million words). Syllables are folded (no diacritics) as questions are; a folded key keeps its most common form.

Run: pip install wordfreq && python -m knowledge.tools.word_frequency
"""
from __future__ import annotations

import json

from knowledge.loader import DATA_DIR, WORD_FREQUENCY_FILE
from knowledge.normalize import fold

MIN_ZIPF = 3.0


def main() -> None:
    from wordfreq import top_n_list, zipf_frequency  # an offline tool's dependency, not the engine's

    table: dict[str, float] = {}
    for word in top_n_list("vi", 100_000):
        zipf = zipf_frequency(word, "vi")
        key = fold(word)
        if zipf >= MIN_ZIPF and key.isalpha() and " " not in key:
            table[key] = max(table.get(key, 0.0), zipf)
    doc = {"note": "Độ phổ biến (thang Zipf) của âm tiết tiếng Việt không dấu, từ gói wordfreq; "
                   "sinh bởi python -m knowledge.tools.word_frequency.",
           "zipf": dict(sorted(table.items()))}
    (DATA_DIR / WORD_FREQUENCY_FILE).write_text(json.dumps(doc, ensure_ascii=False, indent=0) + "\n",
                                                encoding="utf-8")
    print(f"{len(table)} âm tiết")


if __name__ == "__main__":
    main()
