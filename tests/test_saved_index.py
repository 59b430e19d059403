"""The saved index and the updates that replace a rebuild: a process starts from the saved index only when it was
built from what the database holds now, and an admin's change shows in answers at once, as a rebuild would show it."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from db import edits
from db.engine import make_engine
from db.live import LiveKnowledge
from db.queries import audit_key, knowledge_version
from db.reader import saved_index_path
from db.seed import open_knowledge
from knowledge import saved_index
from knowledge.engine import Answerer
from knowledge.fields import prepare
from knowledge.generate import generate
from knowledge.records import KnowledgeBase

TZ = "Asia/Ho_Chi_Minh"


def same_replies(a: Answerer, b: Answerer, questions: list[str]) -> float:
    """Share of the questions both answer with the same text and the same records offered."""
    same = sum((x.text, x.candidates) == (y.text, y.candidates)
               for x, y in ((a.answer(q), b.answer(q)) for q in questions))
    return same / len(questions)


def wait_for_saves() -> None:
    for t in threading.enumerate():
        if t.name == "planbot-save-index":
            t.join(timeout=60)


def ask(url: str, question: str) -> str:
    env = {**os.environ, "DATABASE_URL": url, "PLANBOT_TZ": TZ, "TELEGRAM_BOT_TOKEN": ""}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "ask", question], env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done.stdout


def test_a_saved_index_answers_as_the_one_it_saved_and_only_for_its_key(tmp_path: Path, engine_kb: Answerer,
                                                                        kb: KnowledgeBase) -> None:
    path = tmp_path / "p.db.index"
    assert saved_index.save(engine_kb, path, "7:7:UTC")
    assert oct(path.stat().st_mode & 0o777) == "0o600"  # the owner's alone
    loaded = saved_index.load(path, "7:7:UTC")
    assert loaded is not None
    assert same_replies(loaded, engine_kb, [c["q"] for c in generate(kb)][::7]) == 1.0
    assert saved_index.load(path, "8:8:UTC") is None  # the knowledge changed since
    assert saved_index.load(path, "7:7:Asia/Bangkok") is None  # revision dates in another time zone
    assert saved_index.load(tmp_path / "none.index", "7:7:UTC") is None


@pytest.mark.parametrize("damage", [lambda b: b[: len(b) // 2], lambda b: b"", lambda b: b"\x80\x05garbage" * 99])
def test_ask_with_a_damaged_saved_index_answers_from_the_database_and_saves_it_again(tmp_path: Path, damage) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'p.db'}"
    first = ask(url, "Dự án chữ ký số bao nhiêu tiền?")
    path = saved_index_path(url)
    assert path is not None and path.is_file()
    path.write_bytes(damage(path.read_bytes()))  # a crash while writing it, a full disk, a stray file
    assert ask(url, "Dự án chữ ký số bao nhiêu tiền?") == first
    assert saved_index.load(path, audit_key(make_engine(url), knowledge_version(make_engine(url)), TZ)) is not None


def test_ask_after_an_edit_shows_it_although_an_older_index_was_saved(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert "2.000 triệu đồng" in ask(url, "Dự án chữ ký số bao nhiêu tiền?")
    db = make_engine(url)
    kb = LiveKnowledge(db, TZ).answerer.kb
    rid = next(r.id for r in kb.of_kind("project") if r.amounts.get("ke_hoach") == 2000 and "ký số" in r.title)
    edits.update_field(db, rid, prepare(kb, rid, "ke_hoach", "2.345,5"), "test")
    reply = ask(url, "Dự án chữ ký số bao nhiêu tiền?")
    assert "2.345,5 triệu đồng" in reply and "Kế hoạch ghi" in reply


def test_an_admin_change_is_put_into_the_answerer_without_building_it_again(database_url: str, kb: KnowledgeBase
                                                                           ) -> None:
    db = make_engine(database_url)
    live = LiveKnowledge(db, TZ, saved_index_path(database_url))
    project = next(r for r in live.answerer.kb.of_kind("project") if r.amounts.get("tmdt"))
    target = live.answerer.kb.of_kind("target")[0]
    edits.update_field(db, project.id, prepare(live.answerer.kb, project.id, "tmdt", "98.765"), "admin")
    edits.update_field(db, project.id, prepare(live.answerer.kb, project.id, "ten",
                                               "Hệ thống camera giám sát giao thông thông minh"), "admin")
    edits.soft_delete(db, target.id, "admin")
    live.rebuild()
    updated = live.answerer
    assert updated.index.overlay_rows > 0  # updated in place of a rebuild
    reply = updated.answer("hệ thống camera giám sát giao thông thông minh bao nhiêu tiền")
    assert "98.765" in reply.text and project.id in {rid for rid, _ in reply.candidates} | {project.id} \
        and "Kế hoạch ghi" in reply.text
    assert target.id not in {h.record.id for h in updated.index.search(["muc", "tieu"], ["muc", "tieu"], 500)}
    rebuilt = Answerer(updated.kb)
    questions = [c["q"] for c in generate(updated.kb)][::5] + [project.title, target.text[:80]]
    assert same_replies(updated, rebuilt, questions) >= 0.99
    assert updated.answer(project.title).text == rebuilt.answer(project.title).text

    edits.undo_last(db, "admin")  # the deleted target comes back
    live.rebuild()
    assert target.id in {h.record.id for h in live.answerer.index.search(["muc", "tieu"], ["muc", "tieu"], 500)}
    edits.undo_last(db, "admin")  # then the title; the figure stays
    live.rebuild()
    back = live.answerer.answer(f"{project.title} bao nhiêu tiền").text
    assert "98.765" in back and project.title in back

    wait_for_saves()  # a restart starts from what was saved, with every change in it
    again = LiveKnowledge(db, TZ, saved_index_path(database_url))
    assert again.answerer.index.overlay_rows == live.answerer.index.overlay_rows
    assert again.answerer.answer(f"{project.title} bao nhiêu tiền").text == back


def test_a_renamed_agency_builds_the_answerer_again(tmp_path: Path) -> None:
    from knowledge.fields import prepare_agency
    db = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    live = LiveKnowledge(db, TZ)
    agency = next(a for a in live.answerer.kb.agencies.values() if a.name.startswith("Sở Nội"))
    edits.update_agency(db, agency.id, prepare_agency(live.answerer.kb, agency.id, "ten", "Sở Nội chính"), "admin")
    live.rebuild()
    assert live.answerer.index.overlay_rows == 0  # built whole: every record naming it is read again
    reply = live.answerer.answer("sở nội chính có nhiệm vụ gì")
    assert reply.found and agency.id in live.answerer.kb.records[reply.candidates[0][0]].agencies
    assert live.answerer.finder.find("so noi chinh") == [agency.id]  # the new name is one the questions may use


def test_a_database_made_again_in_the_same_place_never_answers_from_the_old_ones_index(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    path = saved_index_path(url)
    for figure in ("1.111", "2.222"):  # the same audit position each time: a seed, then one edit
        for old in tmp_path.glob("p.db*"):
            if old != path:
                old.unlink()
        db = make_engine(url)
        kb = open_knowledge(db, TZ)
        project = next(r for r in kb.of_kind("project") if "ký số" in r.title)
        edits.update_field(db, project.id, prepare(kb, project.id, "ke_hoach", figure), "admin")
        db.dispose()
        assert f"{figure} triệu đồng" in ask(url, "Dự án chữ ký số bao nhiêu tiền?")


def test_edits_go_in_while_other_chats_keep_asking(tmp_path: Path, kb: KnowledgeBase) -> None:
    """Questions answered from another thread while edits are put in (their memo tables grow meanwhile): every
    update completes, every question is answered, and the last figure shows."""
    db = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    live = LiveKnowledge(db, TZ)
    project = next(r for r in live.answerer.kb.of_kind("project") if r.amounts.get("tmdt"))
    questions = [c["q"] for c in generate(kb)][::3]
    failures: list[BaseException] = []
    stop = threading.Event()

    def ask_on() -> None:
        i = 0
        while not stop.is_set():
            try:
                live.answerer.answer(questions[i % len(questions)])
            except BaseException as exc:  # noqa: BLE001 - the test reports any
                failures.append(exc)
            i += 1

    asker = threading.Thread(target=ask_on)
    asker.start()
    try:
        for figure in ("1.001", "1.002", "1.003", "1.004", "1.005"):
            edits.update_field(db, project.id, prepare(live.answerer.kb, project.id, "tmdt", figure), "admin")
            live.rebuild()
    finally:
        stop.set()
        asker.join(timeout=30)
    assert not failures
    assert "1.005" in live.answerer.answer(f"{project.title} bao nhiêu tiền").text


def test_a_save_killed_half_way_leaves_nothing_behind_for_long(tmp_path: Path, engine_kb: Answerer) -> None:
    """kill -9 while saving leaves a temporary file; the next save removes it once it is an hour old (a younger
    one may be another process's save), and the saved index is whole."""
    path = tmp_path / "p.db.index"
    stale, recent = tmp_path / ".p.db.index.abc.tmp", tmp_path / ".p.db.index.def.tmp"
    for tmp in (stale, recent):
        tmp.write_bytes(b"\x80\x05half an index")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    assert saved_index.save(engine_kb, path, "1:1:UTC")
    assert not stale.exists() and recent.exists()
    assert saved_index.load(path, "1:1:UTC") is not None


@pytest.mark.parametrize("saved", [True, False])
def test_an_answerer_replaced_after_an_edit_is_freed(tmp_path: Path, saved: bool) -> None:
    """A long-running bot leaves its answerer out of the collector's walks; one replaced after an edit (held in
    reference cycles) is still freed once its successor is in place and saved, not kept for as long as the bot runs."""
    import gc
    import weakref
    url = f"sqlite:///{tmp_path / 'p.db'}"
    db = make_engine(url)
    live = LiveKnowledge(db, TZ, saved_index_path(url) if saved else None)
    wait_for_saves()
    assert gc.get_freeze_count() > 0
    replaced = []
    for figure in ("1.234", "5.678"):
        project = next(r for r in live.answerer.kb.of_kind("project") if r.amounts.get("tmdt"))
        replaced.append(weakref.ref(live.answerer))
        edits.update_field(db, project.id, prepare(live.answerer.kb, project.id, "tmdt", figure), "admin")
        live.rebuild()
        wait_for_saves()
        assert figure in live.answerer.answer(f"{project.title} bao nhiêu tiền").text
    assert [r() for r in replaced] == [None, None]
