"""Fit the ranker's feature weights and thresholds (knowledge/data/trong_so.json) by coordinate search.

The objective is the mean accuracy over the generated corpus and the question sets given, minus a penalty for
wrong answers given as found (the harmful kind). Each step tries moving one weight or threshold and keeps the
move only if the objective improves on every set taken together.

Run: python -m knowledge.tools.fit ../shared/eval/dev.jsonl ../shared/eval/dev2.jsonl [--rounds 2]
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from knowledge import evaluate
from knowledge.engine import Answerer
from knowledge.features import FEATURES, THRESHOLDS, Weights, load_weights
from knowledge.generate import generate
from knowledge.loader import DATA_DIR, WEIGHTS_FILE, load_files

WRONG_PENALTY = 3.0  # a wrong answer given as found costs as much as three refusals
STEPS = (-0.4, -0.15, 0.15, 0.4)


SCORE_THRESHOLDS = {"answer_min", "offer_margin"}  # on the scale of the score, not a share


def scale(table: str, name: str) -> float:
    """Step size of one parameter: weights and score thresholds move by whole steps, shares by quarter steps."""
    return 1.0 if table == "weights" or name in SCORE_THRESHOLDS else 0.25


def objective(engine: Answerer, sets: list[list[dict]], penalty: float = WRONG_PENALTY) -> tuple[float, list[float]]:
    accs, wrong, total = [], 0, 0
    for cases in sets:
        report = evaluate.run(cases, engine.answer)
        accs.append(report.accuracy)
        wrong += report.wrong_found
        total += report.total
    return sum(accs) / len(accs) - penalty * wrong / max(total, 1), accs


def fit(engine: Answerer, sets: list[list[dict]], rounds: int, penalty: float = WRONG_PENALTY) -> Weights:
    best = engine.weights
    score, accs = objective(engine, sets, penalty)
    print(f"start {score:.4f} {[round(a, 3) for a in accs]}", flush=True)
    for n in range(rounds):
        improved = False
        for table, names in (("weights", FEATURES), ("thresholds", THRESHOLDS)):
            for name in names:
                for step in STEPS:
                    values = dict(getattr(best, table))
                    values[name] = round(values[name] + step * scale(table, name), 4)
                    trial = replace(best, **{table: values})
                    engine.weights = trial
                    s, a = objective(engine, sets, penalty)
                    if s > score + 1e-6:
                        best, score, accs, improved = trial, s, a, True
                        print(f"round {n + 1} {table}.{name} -> {values[name]}: {score:.4f} "
                              f"{[round(x, 3) for x in accs]}", flush=True)
                engine.weights = best
        if not improved:
            break
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="*", type=Path, help="question sets in eval/score.py's format")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--sample", type=int, default=2, help="use every n-th generated question")
    ap.add_argument("--out", type=Path, default=DATA_DIR / WEIGHTS_FILE)
    ap.add_argument("--wrong-penalty", type=float, default=WRONG_PENALTY,
                    help="how many refusals one wrong answer given as found costs")
    args = ap.parse_args(argv)
    kb = load_files()
    engine = Answerer(kb, weights=load_weights())
    sets = [generate(kb)[::args.sample]]
    for path in args.sets:
        cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        sets.append(evaluate.with_folded_variants(cases))
    best = fit(engine, sets, args.rounds, args.wrong_penalty)
    args.out.write_text(json.dumps(best.to_data(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
