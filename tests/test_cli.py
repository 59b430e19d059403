"""`planbot ask` and `planbot chat` give the same replies as the engine, in the shapes other tools rely on."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from knowledge.engine import Answerer


def planbot(tmp_path: Path, *args: str, **kw) -> subprocess.Popen:  # noqa: ANN003
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "TELEGRAM_BOT_TOKEN": ""}
    return subprocess.Popen([sys.executable, "-m", "bot.cli", *args], env=env, cwd=tmp_path, text=True,
                            encoding="utf-8", stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            **kw)


def test_json_batch_mode_answers_each_line_as_it_arrives(tmp_path: Path, engine_kb: Answerer) -> None:
    proc = planbot(tmp_path, "ask", "--json")
    try:
        for question in ["Dự án chữ ký số bao nhiêu tiền?", "giá vàng hôm nay", "", "so noi vu co nhiem vu gi"]:
            proc.stdin.write(question + "\n")
            proc.stdin.flush()
            reply = json.loads(proc.stdout.readline())  # arrives before the next question is written
            expected = engine_kb.answer(question)
            assert reply["found"] is expected.found and reply["text"] == expected.text
            assert {"candidates", "sources", "kind"} <= set(reply)
    finally:
        proc.stdin.close()
        assert proc.wait(timeout=20) == 0
    assert "Traceback" not in proc.stderr.read()


def test_ask_one_question_prints_the_reply(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    assert main(["ask", "vốn", "đầu", "tư", "phát", "triển", "năm", "2018"]) == 0
    assert "Năm 2018: 60.000 triệu đồng" in capsys.readouterr().out


def test_chat_loop_replies_and_exits(tmp_path: Path) -> None:
    proc = planbot(tmp_path, "chat")
    out, err = proc.communicate("Kế hoạch này có số hiệu là gì?\nthoát\n", timeout=30)
    assert proc.returncode == 0 and "3854/KH-UBND" in out and "Traceback" not in err


def test_run_without_token_explains_how_to_get_one(tmp_path: Path) -> None:
    proc = planbot(tmp_path, "run")
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2 and "@BotFather" in err and "planbot chat" in err and "Traceback" not in err


def test_bad_setting_is_reported_without_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "ADMIN_IDS": "12,abc"}
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "ask", "x"], env=env, cwd=tmp_path, text=True,
                          capture_output=True, timeout=30)
    assert proc.returncode == 2 and "ADMIN_IDS" in proc.stderr and "Traceback" not in proc.stderr


def test_ask_prints_plain_text_and_json_carries_both_renderings(tmp_path: Path) -> None:
    """The terminal gets no tags and no entities; `--json` gives `text` (plain) and `html` (what Telegram gets)."""
    one = planbot(tmp_path, "ask", "Sở TT&TT làm chủ đầu tư những dự án nào")
    out, _ = one.communicate(timeout=30)
    assert "Sở Thông tin và Truyền thông" in out and "<b>" not in out and "&amp;" not in out
    batch = planbot(tmp_path, "ask", "--json")
    out, _ = batch.communicate("Sở VH,TT&DL nâng cấp mạng LAN\n", timeout=30)
    reply = json.loads(out)
    assert "VHTT&DL" in reply["text"] and "<" not in reply["text"]
    assert "VHTT&amp;DL" in reply["html"] and "<b>" in reply["html"]


def test_chat_numbers_the_records_it_offers_and_a_number_answers_one(tmp_path: Path) -> None:
    proc = planbot(tmp_path, "chat")
    out, err = proc.communicate("mục tiêu cán bộ chuyên trách CNTT\n2\n9\nthoát\n", timeout=30)
    offered, picked = out.split("Gõ số để xem chi tiết:", 1)[1].split("? ", 2)[:2]
    second = offered.strip().splitlines()[1]
    assert second.lstrip().startswith("2. ")
    rid = second.rsplit("[", 1)[1].rstrip("]")
    assert rid.startswith("MT-") and "Nguồn:" in picked and "Chọn một số từ 1 đến" in out
    assert "Traceback" not in err


def test_in_chat_a_year_is_a_question_and_a_new_answer_ends_the_last_list(tmp_path: Path) -> None:
    proc = planbot(tmp_path, "chat")
    out, _ = proc.communicate("mục tiêu cán bộ chuyên trách CNTT\n2017\nchữ ký số bao nhiêu tiền\n2\nthoát\n",
                              timeout=30)
    replies = out.split("? ")
    year, single, pick = replies[2], replies[3], replies[4]
    assert "Chọn một số" not in year and "2.000" in single
    assert "Chọn một số" not in pick and "Gõ số" not in single  # '2' after a single answer is a question


def test_eval_scores_the_generated_corpus_and_a_file(tmp_path: Path) -> None:
    """`planbot eval` (on a sample here) prints a line per class and ends with the accuracy line."""
    proc = planbot(tmp_path, "eval", "--sample", "8")
    out, err = proc.communicate(timeout=300)
    lines = out.strip().splitlines()
    assert proc.returncode == 0 and "Traceback" not in err
    assert lines[-1].startswith("accuracy ") and any(line.startswith("  so_tien:") for line in lines)
    accuracy = float(lines[-1].split()[1])
    assert accuracy >= 0.9, out
    cases = tmp_path / "set.jsonl"
    cases.write_text('{"id": "a", "q": "Dự án chữ ký số bao nhiêu tiền?", "nums": ["2.000"], "cat": "x"}\n'
                     '{"id": "b", "q": "giá vàng hôm nay", "found": false, "cat": "y"}\n', encoding="utf-8")
    out, _ = planbot(tmp_path, "eval", str(cases)).communicate(timeout=60)
    assert out.strip().splitlines()[-1] == "accuracy 1.000 (3/3)"  # the first is asked again without diacritics


def test_eval_names_a_figure_it_cannot_read(tmp_path: Path) -> None:
    cases = tmp_path / "set.jsonl"
    cases.write_text('{"id": "a", "q": "Tỷ lệ văn bản điện tử?", "nums": ["85%"]}\n', encoding="utf-8")
    proc = planbot(tmp_path, "eval", str(cases))
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "Traceback" not in err and "'85%'" in err
