"""Synthetic imports of any size: Phụ lục 4's project rows cloned with new ids, titles, investors and amounts, in
the data-file format `planbot export` writes, so that a test or a benchmark can import 20.000 or 100.000 projects.

Write a file: .venv/bin/python tests/benchmarks/synthetic_plan.py 100000 big.json   (also .csv, .xlsx)
"""
from __future__ import annotations

import json
import random
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from knowledge import files  # noqa: E402
from knowledge.loader import load_files, parse_record  # noqa: E402
from knowledge.numbers import write_amount  # noqa: E402
from knowledge.records import KnowledgeBase, Record  # noqa: E402

PREFIX = "PL4-SYN-"


def _templates(kb: KnowledgeBase) -> list[Record]:
    """Phụ lục 4's projects that have amounts: the rows the clones copy."""
    return [r for r in kb.of_kind("project") if r.id.startswith("PL4-") and r.amounts]


def _amounts(template: Record, rnd: random.Random) -> dict[str, str]:
    """The template's amount columns with new values, TDT and kế hoạch at most TMĐT as in the plan; one in five
    has a decimal part ('967.6'), as Phụ lục 4 has."""
    tmdt = Decimal(rnd.randint(100, 60_000)) + (Decimal(rnd.randint(1, 9)) / 10 if rnd.random() < 0.2 else 0)
    values = {"tmdt": tmdt, "tdt": tmdt - rnd.randint(0, 50), "ke_hoach": tmdt - rnd.randint(0, 90)}
    return {c: write_amount(max(values.get(c, tmdt), Decimal(1))) for c in template.amounts}


def synthetic_records(n: int, seed: int = 5, kb: KnowledgeBase | None = None) -> list[dict[str, Any]]:
    """n project records (data-file dicts) cloned from Phụ lục 4: ids PL4-SYN-1 …, under the template's parent,
    each with an investor among the plan's agencies."""
    kb = load_files() if kb is None else kb
    rnd = random.Random(seed)
    templates, agencies = _templates(kb), list(kb.agencies.values())
    out = []
    for i in range(1, n + 1):
        t, a = rnd.choice(templates), rnd.choice(agencies)
        subject = t.title.split(" tại ")[0].split(" của ")[0]
        out.append({**t.to_data(), "id": f"{PREFIX}{i}", "title": f"{subject} tại {a.name} (gói {i})",
                    "source": f"Phụ lục 4 (dữ liệu tổng hợp), gói {i}", "agencies": [a.id],
                    "cdt": a.name, "amounts": _amounts(t, rnd)})
    return out


def synthetic_file(n: int, fmt: str = "json", seed: int = 5) -> bytes:
    """The whole plan as `planbot export` writes it, plus n synthetic projects: importing it adds just those."""
    kb = load_files()
    if fmt == "json":
        doc = json.loads(files.to_json(kb))
        doc["records"] += synthetic_records(n, seed, kb)
        return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    extra = [parse_record(raw, len(kb) + i, "tổng hợp") for i, raw in enumerate(synthetic_records(n, seed, kb), 1)]
    both = KnowledgeBase([*kb.records.values(), *extra], list(kb.agencies.values()))
    return {"csv": files.to_csv, "xlsx": files.to_xlsx}[fmt](both)


if __name__ == "__main__":
    count, target = int(sys.argv[1]), Path(sys.argv[2])
    target.write_bytes(synthetic_file(count, target.suffix.lstrip(".").lower()))
    print(f"{target}: {count} dự án tổng hợp, {target.stat().st_size / 1e6:.1f} MB")
