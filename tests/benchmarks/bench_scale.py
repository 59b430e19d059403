"""Benchmark at scale: the plan plus 1.000 / 10.000 / 100.000 synthetic projects (Phụ lục 4's rows cloned with new
ids, titles, investors and amounts), in a SQLite file, answered as a user meets it.

For each size it prints:
- seeding the database;
- `planbot ask "…"` as a whole process: the first one (reads the database, builds the index, saves it) and then
  with the saved index (median of 3), with each process's peak memory;
- loading the saved index in a process as the bot does (LiveKnowledge), then per-question p50 / p99 over 600
  questions (300 naming synthetic projects, 300 about the plan) and that process's peak memory;
- an admin edit (/sua of one project's tmdt) applied by the bot's LiveKnowledge in a worker thread: how long until
  answers show it, and the slowest answer to other questions asked meanwhile and while the index is saved.

Run: .venv/bin/python tests/benchmarks/bench_scale.py [sizes…]      (default: 0 1000 10000 100000; 0 = the plan)
"""
from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_answer import pct, questions  # noqa: E402
from tests.benchmarks.synthetic_plan import synthetic_records  # noqa: E402

if TYPE_CHECKING:  # (imported in the child: the parent process stays small)
    from sqlalchemy.engine import Engine

    from db.live import LiveKnowledge

QUESTION = "Dự án chữ ký số bao nhiêu tiền?"
TZ = "Asia/Ho_Chi_Minh"


def make_database(n: int, folder: Path) -> tuple[str, float]:
    """A seeded SQLite file holding the plan and n synthetic projects; the seconds seeding took."""
    from db.engine import make_engine
    from db.seed import seed
    from knowledge.loader import build, load_files, parse_record
    plan = load_files()
    extra = [parse_record(raw, len(plan) + i, "tổng hợp") for i, raw in enumerate(synthetic_records(n, kb=plan), 1)]
    kb = build([*plan.records.values(), *extra], list(plan.agencies.values()))
    url = f"sqlite:///{folder / f'scale-{n}.db'}"
    t0 = time.perf_counter()
    seed(make_engine(url), kb, tz=TZ)
    return url, time.perf_counter() - t0


def whole_process(url: str, *args: str) -> tuple[float, float]:
    """(seconds, peak MB) of one `planbot …` process, measured from outside."""
    env = {**os.environ, "DATABASE_URL": url, "PLANBOT_TZ": TZ}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"planbot {' '.join(args)} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss / 1024


def in_process(url: str) -> dict[str, float]:
    """Runs in a child of its own (--child): load the saved index as the bot does (LiveKnowledge), answer, edit;
    prints one JSON line."""
    import resource

    from db.engine import make_engine
    from db.live import LiveKnowledge
    from db.reader import read_key, saved_index_path
    from knowledge import saved_index
    from knowledge.loader import load_files
    path, key = saved_index_path(url), read_key(url, TZ)
    assert path is not None and key is not None and saved_index.load(path, key) is not None, \
        "no saved index: run `planbot ask` first"
    db = make_engine(url, migrate=False)
    t0 = time.perf_counter()
    live = LiveKnowledge(db, TZ, path)
    load_s = time.perf_counter() - t0
    answerer = live.answerer
    kb = answerer.kb
    rnd = random.Random(3)
    synthetic = [i for i in kb.records if i.startswith("PL4-SYN-")]  # ids: records are read as answers need them
    asked = [rnd.choice(("{t}", "{t} bao nhiêu tiền", "chủ đầu tư {t}")).format(t=kb.records[i].title)
             for i in rnd.sample(synthetic, min(300, len(synthetic)))] + questions(load_files(), 300)
    latencies = []
    for q in asked:
        t1 = time.perf_counter()
        answerer.answer(q)
        latencies.append((time.perf_counter() - t1) * 1000)
    out = {"load_s": load_s, "p50_ms": pct(latencies, 0.5), "p99_ms": pct(latencies, 0.99),
           "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    projects = [kb.records[i] for i in synthetic[:: max(1, len(synthetic) // 100)]] or kb.of_kind("project")
    out.update(edit_while_answering(db, live, projects, asked))
    return out


def edit_while_answering(db: Engine, live: LiveKnowledge, projects: list, asked: list[str]) -> dict[str, float]:
    """An admin's /sua of one project's tmdt, applied as the bot applies it (LiveKnowledge.rebuild in a worker
    thread) while this thread keeps answering other questions."""
    from db import edits
    from knowledge.fields import prepare
    target = projects[len(projects) // 2]
    edits.update_field(db, target.id, prepare(live.answerer.kb, target.id, "tmdt", "4.321,5"),
                       "bench")
    t0 = time.perf_counter()
    worker = threading.Thread(target=live.rebuild)
    worker.start()
    slowest, i, shown_s = 0.0, 0, 0.0

    def saving() -> bool:  # the new index is saved in the background once it answers
        return any(t.name == "planbot-save-index" for t in threading.enumerate())

    while worker.is_alive() or saving():
        t1 = time.perf_counter()
        live.answerer.answer(asked[i % len(asked)])
        slowest, i = max(slowest, time.perf_counter() - t1), i + 1
        if not shown_s and not worker.is_alive():
            shown_s = time.perf_counter() - t0
    shown_s = shown_s or time.perf_counter() - t0
    reply = live.answerer.answer(f"{target.title} bao nhiêu tiền").text
    assert "4.321,5" in reply, reply
    return {"edit_shown_s": shown_s, "others_slowest_s": slowest, "others_answered": i}


def child(*args: str) -> dict:
    """Run this script's child mode in a process of its own: the parent stays small, so a process it starts is
    measured alone (a forked child's peak memory counts its parent's pages until it runs another program)."""
    done = subprocess.run([sys.executable, __file__, *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PLANBOT_TZ": TZ})
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(in_process(sys.argv[2])))
        return
    if len(sys.argv) == 4 and sys.argv[1] == "--make":
        url, seed_s = make_database(int(sys.argv[2]), Path(sys.argv[3]))
        print(json.dumps({"url": url, "seed_s": seed_s}))
        return
    sizes = [int(a) for a in sys.argv[1:]] or [0, 1000, 10000, 100000]
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            made = child("--make", str(n), tmp)
            url, seed_s = made["url"], made["seed_s"]
            first_s, first_mb = whole_process(url, "ask", QUESTION)
            runs = [whole_process(url, "ask", QUESTION) for _ in range(3)]
            warm_s, warm_mb = statistics.median(r[0] for r in runs), max(r[1] for r in runs)
            m = child("--child", url)
            label = "the plan alone" if n == 0 else f"plan + {n:,} projects".replace(",", ".")
            print(f"{label}: seed {seed_s:.1f} s | ask, first (build + save) {first_s:.2f} s, {first_mb:.0f} MB | "
                  f"ask with the saved index {warm_s:.2f} s, {warm_mb:.0f} MB | load {m['load_s']:.2f} s, "
                  f"p50 {m['p50_ms']:.2f} ms, p99 {m['p99_ms']:.2f} ms, {m['rss_mb']:.0f} MB | edit shown in "
                  f"{m['edit_shown_s']:.2f} s, other questions while it is applied and saved: slowest "
                  f"{m['others_slowest_s'] * 1000:.0f} ms ({m['others_answered']} answered)", flush=True)


if __name__ == "__main__":
    main()
