"""Benchmark of the answering path: per-question latency (batch mode), whole-process `planbot ask`, seeding,
and a synthetic knowledge base of 10.000 projects (latency and peak memory).

Run: .venv/bin/python tests/benchmarks/bench_answer.py   (prints one line per figure)
"""
from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from knowledge.engine import Answerer  # noqa: E402
from knowledge.generate import generate  # noqa: E402
from knowledge.loader import build, load_files  # noqa: E402
from knowledge.normalize import fold  # noqa: E402
from knowledge.records import KnowledgeBase, Record  # noqa: E402

TEMPLATES = ("{t} bao nhiêu tiền?", "{f}", "ai là chủ đầu tư {t}", "{t} kinh phí", "{a} có nhiệm vụ gì",
             "các dự án của {a}", "vốn năm {y}", "mục tiêu {w}")


def questions(kb: KnowledgeBase, n: int, seed: int = 7) -> list[str]:
    """Questions built from the data itself: titles, folded titles, agencies, years, words of targets."""
    rnd = random.Random(seed)
    records = [r for r in kb.records.values() if r.kind in ("project", "group", "target", "status", "duty")]
    agencies = [a.name for a in kb.agencies.values()]
    out = []
    for _ in range(n):
        r = rnd.choice(records)
        words = (r.text or r.title).split()
        out.append(rnd.choice(TEMPLATES).format(t=r.title, f=fold(r.title), a=rnd.choice(agencies),
                                                y=rnd.randint(2011, 2020), w=" ".join(words[:6])))
    return out


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def in_process(engine: Answerer, qs: list[str]) -> tuple[float, float]:
    lat = []
    for q in qs:
        t0 = time.perf_counter()
        engine.answer(q)
        lat.append((time.perf_counter() - t0) * 1000)
    return pct(lat, 0.5), pct(lat, 0.99)


def batch_mode(qs: list[str], db: str) -> tuple[float, float]:
    """Round trip of one line through `planbot ask --json`, as a client sees it."""
    env = {**os.environ, "DATABASE_URL": db}
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "ask", "--json"], cwd=ROOT, env=env, text=True,
                            encoding="utf-8", stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=1)
    proc.stdin.write("khởi động\n")
    proc.stdout.readline()
    lat = []
    for q in qs:
        t0 = time.perf_counter()
        proc.stdin.write(q.replace("\n", " ") + "\n")
        proc.stdin.flush()
        json.loads(proc.stdout.readline())
        lat.append((time.perf_counter() - t0) * 1000)
    proc.stdin.close()
    proc.wait()
    return pct(lat, 0.5), pct(lat, 0.99)


def whole_process(db: str, runs: int = 5) -> float:
    env = {**os.environ, "DATABASE_URL": db}
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot.cli", "ask", "Dự án chữ ký số bao nhiêu tiền?"], cwd=ROOT,
                       env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def synthetic(kb: KnowledgeBase, n: int, seed: int = 11) -> KnowledgeBase:
    """The plan plus n generated projects made of the plan's own vocabulary and agencies."""
    rnd = random.Random(seed)
    actions = ["Nâng cấp", "Xây dựng", "Bổ sung", "Đầu tư", "Triển khai", "Mua sắm"]
    objects = ["mạng LAN", "phần mềm quản lý", "cơ sở dữ liệu", "hệ thống lưu trữ", "thiết bị CNTT",
               "cổng thông tin điện tử", "hạ tầng an toàn thông tin", "dịch vụ công trực tuyến", "phòng máy tính"]
    topics = ["hồ sơ", "văn bản", "đất đai", "dân cư", "doanh nghiệp", "y tế", "giáo dục", "giao thông", "thuế",
              "bảo hiểm", "nông nghiệp", "khuyến nông", "du lịch", "tư pháp", "hộ tịch", "thi đua"]
    agencies = list(kb.agencies.values())
    records = list(kb.records.values())
    for i in range(n):
        a = rnd.choice(agencies)
        title = f"{rnd.choice(actions)} {rnd.choice(objects)} {rnd.choice(topics)} tại {a.name} số {i}"
        records.append(Record(id=f"SYN-{i}", kind="project", title=title, source=f"Dữ liệu tổng hợp, mục {i}",
                              seq=len(records), parent=None, amounts={"tmdt": Decimal(rnd.randint(100, 90000))},
                              agencies=(a.id,), fields={"cdt": a.name, "giai_doan": "2016-2020"}))
    return build(records, agencies)


def synthetic_child(n: int) -> None:
    """Runs in its own process so that peak memory (max RSS) belongs to the 10.000-project case alone."""
    kb = synthetic(load_files(), n)
    t0 = time.perf_counter()
    engine = Answerer(kb)
    build_s = time.perf_counter() - t0
    rnd = random.Random(3)
    syn = [r for r in kb.records.values() if r.id.startswith("SYN-")]
    qs = [rnd.choice(("{t}", "{t} bao nhiêu tiền", "{f}")).format(t=r.title, f=fold(r.title))
          for r in rnd.sample(syn, 300)] + questions(kb, 300)
    p50, p99 = in_process(engine, qs)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"records": len(kb), "index_build_s": round(build_s, 2), "p50_ms": round(p50, 2),
                      "p99_ms": round(p99, 2), "peak_rss_mb": round(rss_mb, 1)}))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--synthetic":
        synthetic_child(int(sys.argv[2]))
        return
    kb = load_files()
    engine = Answerer(kb)
    qs = questions(kb, 1000)
    engine.answer("khởi động")
    p50, p99 = in_process(engine, qs)
    print(f"plan, in process ({len(qs)} questions): p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    corpus = [c["q"] for c in generate(kb)]
    p50, p99 = in_process(engine, corpus)
    print(f"plan, in process, the generated corpus ({len(corpus)} questions): p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/bench.db"
        from db.engine import make_engine
        from db.seed import seed
        eng = make_engine(db)
        t0 = time.perf_counter()
        seed(eng, kb)
        print(f"seed {len(kb)} records into an empty SQLite file: {(time.perf_counter() - t0) * 1000:.0f} ms")
        p50, p99 = batch_mode(qs[:500], db)
        print(f"plan, batch mode `planbot ask --json` round trip (500 questions): p50 {p50:.2f} ms, p99 {p99:.2f} ms")
        print(f"`planbot ask \"…\"` whole process (median of 5): {whole_process(db):.2f} s")
    out = subprocess.run([sys.executable, __file__, "--synthetic", "10000"], capture_output=True, text=True,
                         check=True).stdout
    syn = json.loads(out)
    print(f"synthetic {syn['records']} records (10.000 projects): index build {syn['index_build_s']} s, "
          f"p50 {syn['p50_ms']} ms, p99 {syn['p99_ms']} ms, peak RSS {syn['peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
