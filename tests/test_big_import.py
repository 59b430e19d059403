"""`planbot import` takes files far over the chat's 5 MB (#11 item 5): 20.000 projects through the command line on
SQLite, all present, exact and audited, then all of them changed and audited old → new; the progress bar
only on a terminal (a summary line elsewhere); a chat upload of the same file is still refused in Vietnamese."""
from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from bot.cli import main
from db import edits
from db.engine import make_engine
from db.queries import load_knowledge
from db.seed import seed
from knowledge import files
from knowledge.import_plan import plan_import
from knowledge.loader import parse_record
from knowledge.numbers import fmt_number, write_amount
from knowledge.records import KnowledgeBase, Record
from tests.benchmarks.synthetic_plan import PREFIX, synthetic_file, synthetic_records
from tests.e2e import BotProcess
from tests.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[1]
COUNT = 20_000
ADMIN = 6201


def vi(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plan plus 20.000 synthetic projects, as `planbot export` writes it: about 10 MB."""
    path = tmp_path_factory.mktemp("big") / "big.json"
    path.write_bytes(synthetic_file(COUNT))
    return path


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def stored(url: str) -> dict[str, Record]:
    return {rid: r for rid, r in load_knowledge(make_engine(url)).records.items() if rid.startswith(PREFIX)}


def audited(url: str, action: str) -> dict[str, Any]:
    """The synthetic records' audit rows of one action, by record id."""
    audit = SQLModel.metadata.tables["audit_log"]
    with make_engine(url).connect() as conn:
        rows = conn.execute(select(audit).where(audit.c.action == action, audit.c.record_id.startswith(PREFIX)))
        return {row.record_id: row for row in rows}


def changed_amounts(big: Path, path: Path) -> None:
    """The file again with every synthetic project's amounts one more."""
    doc = json.loads(big.read_bytes())
    for raw in doc["records"]:
        if raw["id"].startswith(PREFIX):
            raw["amounts"] = {c: str(Decimal(v) + 1) for c, v in raw["amounts"].items()}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def test_twenty_thousand_projects_are_imported_present_exact_and_audited(
        cli_db: str, big: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert big.stat().st_size > files.MAX_BYTES  # over the chat's limit: the command line takes it
    in_file = files.read_path(big).records
    ours = {r.id: r for r in in_file if r.id.startswith(PREFIX)}
    assert main(["import", str(big), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Thêm mới: {COUNT} bản ghi; thay đổi: 0; lỗi: 0.") and "\n⚠ Tổng của" in out
    assert stored(cli_db) == {}  # the dry run wrote nothing
    assert main(["import", str(big)]) == 0
    out, err = capsys.readouterr()
    assert out.endswith(f"Đã áp dụng: thêm {COUNT}, thay đổi 0 bản ghi.\n")
    read, written = err.splitlines()  # no terminal: no bar, a summary line per step
    assert read.startswith(f"Đã đọc {vi(len(in_file))} bản ghi trong ") and read.endswith(" giây.")
    assert written.startswith(f"Đã nhập {vi(COUNT)} bản ghi trong ") and "\r" not in err
    first = stored(cli_db)
    assert first == {rid: replace(r, seq=first[rid].seq) for rid, r in ours.items()}
    created = audited(cli_db, "create")
    assert {rid: (e.actor, e.new) for rid, e in created.items()} == {rid: ("cli", r.title) for rid, r in ours.items()}

    changed_amounts(big, tmp_path / "again.json")
    assert main(["import", str(tmp_path / "again.json")]) == 0
    assert f"Đã áp dụng: thêm 0, thay đổi {COUNT} bản ghi." in capsys.readouterr().out
    second = stored(cli_db)
    assert all(second[rid].amounts == {c: v + 1 for c, v in r.amounts.items()} for rid, r in ours.items())
    assert all(second[rid].seq == first[rid].seq for rid in ours)  # a changed record keeps its place
    replaced = audited(cli_db, "replace")
    assert replaced.keys() == ours.keys()
    old = ours[f"{PREFIX}7"].amounts
    entry = replaced[f"{PREFIX}7"]
    assert entry.field == ", ".join(sorted(old)) and entry.actor == "cli"
    assert entry.payload["old"]["amounts"]["tmdt"] == write_amount(old["tmdt"])  # what undo puts back
    assert f"TMĐT: {fmt_number(old['tmdt'])}" in entry.old and f"TMĐT: {fmt_number(old['tmdt'] + 1)}" in entry.new


def on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """`planbot ARGS` with its stderr on a pseudo-terminal: (exit code, what the terminal got)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    shown = b""
    try:
        while chunk := os.read(leader, 4096):
            shown += chunk
    except OSError:  # EIO: the process is gone, and its terminal with it
        pass
    finally:
        os.close(leader)
    return proc.wait(timeout=120), shown.decode("utf-8")


def test_on_a_terminal_the_progress_bar_is_drawn_in_place(cli_db: str, big: Path) -> None:
    code, shown = on_a_terminal(["import", str(big)], {**os.environ, "DATABASE_URL": cli_db})
    assert code == 0, shown
    assert "\rĐang đọc tệp: " in shown
    assert f"\rĐang nhập: 2.000/{vi(COUNT)} bản ghi (10%)" in shown
    assert f"\rĐang nhập: {vi(COUNT)}/{vi(COUNT)} bản ghi (100%)" in shown
    assert shown.rstrip().split("\r")[-1].startswith(f"Đã nhập {vi(COUNT)} bản ghi trong ")  # the bar's place


def test_a_chat_upload_keeps_the_five_megabyte_limit(big: Path, tmp_path: Path) -> None:
    """The file `planbot import` takes is refused from chat, with the Vietnamese message, before any download;
    the reader refuses it too as an upload."""
    with pytest.raises(files.FileError, match="Tệp lớn hơn 5 MB"):
        files.read_file(big.name, big.read_bytes())
    with FakeTelegram() as tg:
        proc = BotProcess(tg, tmp_path, ADMIN_IDS=str(ADMIN)).start()
        try:
            count = "SELECT (SELECT count(*) FROM record), (SELECT count(*) FROM audit_log)"
            before = proc.rows(count)
            tg.files["lon"] = big.read_bytes()
            tg.push({"message": {
                "message_id": 1, "date": 0, "chat": tg.chat(ADMIN), "from": tg.user(ADMIN), "caption": "/nhap",
                "caption_entities": [{"type": "bot_command", "offset": 0, "length": 5}],
                "document": {"file_id": "lon", "file_unique_id": "lon-u", "file_name": big.name,
                             "mime_type": "application/json", "file_size": big.stat().st_size}}})
            reply = tg.wait_for(lambda c: c.method == "sendMessage" and "quá lớn" in str(c.params.get("text")))
            assert reply[0].params["text"] == "Tệp quá lớn (tối đa 5 MB). Không có gì được thay đổi."
            assert not tg.sent("getFile") and proc.rows(count) == before
        finally:
            proc.stop()


def test_batches_mix_new_records_a_deleted_id_written_over_and_changes(database_url: str, kb: KnowledgeBase,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """On SQLite and PostgreSQL, in batches of 3: new ids inserted, a deleted record's id written over (live again,
    its old amounts and investors gone), changed records rewritten in place; one audit row each, progress per batch."""
    monkeypatch.setattr(edits, "IMPORT_BATCH", 3)
    db = make_engine(database_url)
    seed(db, kb)
    edits.soft_delete(db, "PL4-11", "cli")
    current = load_knowledge(db)
    gone = kb.records["PL4-11"]
    back = replace(gone, amounts={"tdt": Decimal("12.5")}, agencies=("SO-YT",), title="Dự án trở lại")
    changed = [replace(current.records[rid], amounts={**current.records[rid].amounts, "tmdt": Decimal(i)})
               for i, rid in enumerate(("PL4-3", "PL4-4"), 1)]
    new = [parse_record(raw, 0, "tổng hợp") for raw in synthetic_records(5)]
    edited = {r.id: r for r in (back, *changed, *new)}
    records = [edited.get(r.id, r) for r in current.records.values()] + [back, *new]
    plan = plan_import(current, files.Parsed(records=records, agencies=list(current.agencies.values())))
    assert (len(plan.added), len(plan.changed), plan.errors) == (6, 2, [])
    heard: list[tuple[int, int]] = []
    edits.apply_import(db, current, plan, "cli", progress=lambda done, total: heard.append((done, total)))
    assert heard == [(3, 8), (6, 8), (8, 8)]
    after = load_knowledge(db)
    last = max(r.seq for r in current.records.values())
    assert after.records["PL4-11"] == replace(back, seq=last + 1)
    assert [after.records[r.id].seq for r in new] == list(range(last + 2, last + 7))
    assert all(after.records[r.id] == replace(r, seq=current.records[r.id].seq) for r in changed)
    with make_engine(database_url).connect() as conn:
        audit = SQLModel.metadata.tables["audit_log"]
        rows = conn.execute(select(audit.c.action, audit.c.record_id, audit.c.old, audit.c.new)
                            .where(audit.c.action.in_(("create", "replace"))).order_by(audit.c.id)).all()
    assert [(a, rid) for a, rid, _, _ in rows] == [("create", r.id) for r in plan.added] + [
        ("replace", "PL4-3"), ("replace", "PL4-4")]
    assert rows[-1][2:] == (fmt_number(kb.records["PL4-4"].amounts["tmdt"]), "2")
