"""The `planbot` command line: run, chat, ask, check, seed, export, import.

Each command imports what it needs when it runs, so `planbot ask` starts without loading Telegram,
matplotlib or openpyxl; only `run` and `worker` load the pydantic Settings, the others read the same variables,
checked by the same rules, as `Basics` (no pydantic, no SQLAlchemy until a command needs the database through it)."""
from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot import startup
from bot.environment import Basics, SettingsError
from db.url import where

if TYPE_CHECKING:
    from bot.settings import Settings
    from knowledge.answer import Answer
    from knowledge.engine import Answerer
    from knowledge.records import KnowledgeBase

FULL_SETTINGS = ("run", "worker")  # the commands that read more than where the database is and the time zone


def _answerer(settings: Basics) -> Answerer:
    """The answering engine over the database's knowledge: the saved index when it was built from what the
    database holds now (a start without building it), else built and saved for the next process. The knowledge is
    read with the driver alone when the database is there and seeded, else through SQLAlchemy, which creates and
    seeds it."""
    from db.reader import read_key, read_knowledge, saved_index_path
    from knowledge import saved_index
    from knowledge.engine import Answerer
    url, tz = settings.database_url, settings.tz
    path, key = saved_index_path(url), read_key(url, tz)
    saved = saved_index.load(path, key) if path and key else None
    if saved is not None:
        gc.freeze()  # the answerer lives as long as the process: the collector need not walk its objects again
        return saved
    kb = read_knowledge(url, tz)
    if kb is None:
        from db.engine import make_engine
        from db.seed import open_knowledge
        kb = open_knowledge(make_engine(url), tz)
        key = read_key(url, tz)
    answerer = Answerer(kb)
    if path and key:
        saved_index.save(answerer, path, key)
    gc.freeze()
    return answerer


def cmd_ask(args: argparse.Namespace, settings: Basics) -> int:
    answerer = _answerer(settings)
    questions = [" ".join(args.question)] if args.question else None
    if questions is None and not args.json:
        print("Cần một câu hỏi, ví dụ: planbot ask \"Dự án chữ ký số bao nhiêu tiền?\"", file=sys.stderr)
        return 2
    for q in questions if questions is not None else sys.stdin:
        q = q.rstrip("\n")
        ans = answerer.answer(q)
        if args.json:
            sys.stdout.write(json.dumps(ans.to_json(), ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(ans.text + "\n")
        sys.stdout.flush()
    return 0


def cmd_chat(args: argparse.Namespace, settings: Basics) -> int:
    answerer = _answerer(settings)
    print("planbot — hỏi về Kế hoạch ứng dụng CNTT (gõ 'thoát' hoặc Ctrl-D để kết thúc; gõ số thứ tự để xem "
          "một mục trong danh sách).")
    print(where(settings.database_url))
    offered: list[str] = []  # ids of the last numbered list, so "2" answers the second one
    while True:
        try:
            q = input("? ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if q.lower() in ("thoát", "thoat", "exit", "quit"):
            return 0
        if not q:
            continue
        picked = q.isdigit() and len(q) <= 2 and bool(offered)  # '2017' is a question, not a pick
        if picked:
            if not 1 <= int(q) <= len(offered):
                print(f"Chọn một số từ 1 đến {len(offered)}.\n")
                continue
            ans = answerer.answer_record(offered[int(q) - 1])
        else:
            ans = answerer.answer(q)
        print(_numbered(ans) + "\n")
        if not picked:  # a new question's list replaces the last one; picking keeps it for another pick
            offered = [rid for rid, _ in ans.candidates] if len(ans.candidates) > 1 else []


def _numbered(ans: Answer) -> str:
    """The plain-text reply; when it offers several records, the list is numbered to be picked by number."""
    if len(ans.candidates) < 2:
        return ans.text
    picks = "\n".join(f"  {i}. {label} [{rid}]" for i, (rid, label) in enumerate(ans.candidates, 1))
    return f"{ans.text}\nGõ số để xem chi tiết:\n{picks}"


def cmd_eval(args: argparse.Namespace, settings: Basics) -> int:
    from knowledge import evaluate
    from knowledge.generate import FORMS, generate
    answerer = _answerer(settings)
    if args.file:
        try:
            lines = args.file.read_text(encoding="utf-8").splitlines()
            cases = evaluate.with_folded_variants(json.loads(line) for line in lines if line.strip())
            for n in (n for case in cases for n in case.get("nums", [])):
                evaluate.figure(n)  # a figure it cannot read is named now, not a traceback half-way
        except (OSError, ValueError) as exc:
            print(f"Không đọc được tệp câu hỏi: {exc}", file=sys.stderr)
            return 2
    else:
        cases = generate(answerer.kb)
        if args.sample and args.sample > 1:
            cases = cases[::args.sample]
    t0 = time.perf_counter()
    report = evaluate.run(cases, answerer.answer)
    if args.show_fail:
        for case, problems, ans in report.failures:
            print(f"FAIL [{case.get('cat', '-')}] {case['q']}\n     {'; '.join(problems)}\n     {ans.text[:200]!r}")
    lines = report.lines(() if args.file else FORMS)
    print("\n".join(lines[:-1]))
    print(f"{report.total} câu hỏi trong {time.perf_counter() - t0:.1f} s")
    print(lines[-1])
    return 0


def _stored_knowledge(settings: Basics) -> KnowledgeBase | None:
    """The database's knowledge: read with the driver alone when the database is there, seeded and at the newest
    revision, else through SQLAlchemy, which creates and seeds it; None, said on stderr, when it cannot be read."""
    from db.reader import read_knowledge
    kb = read_knowledge(settings.database_url, settings.tz)
    if kb is not None:
        return kb
    from sqlalchemy.exc import SQLAlchemyError

    from db.engine import make_engine
    from db.seed import open_knowledge
    try:
        return open_knowledge(make_engine(settings.database_url), settings.tz)
    except SQLAlchemyError as exc:
        print(f"Không đọc được cơ sở dữ liệu ({type(exc).__name__}): kiểm tra DATABASE_URL.", file=sys.stderr)
        return None


def cmd_check(args: argparse.Namespace, settings: Basics) -> int:
    """The knowledge the bot answers from (the database), or with --data the data files of a folder: exit 1 with
    the problems when a record cannot be right or a stated total adds up differently than in the plan itself."""
    from knowledge.loader import DataError, load_files
    from knowledge.validator import changed_totals, check, gap_note, record_problems
    try:
        kb = load_files(args.data) if args.data else _stored_knowledge(settings)
    except DataError as exc:
        print(f"Lỗi dữ liệu: {exc}", file=sys.stderr)
        return 1
    if kb is None:
        return 1
    origin = f"thư mục {args.data}" if args.data else where(settings.database_url)
    found = check(kb)
    print(f"Đã nạp {len(kb)} bản ghi, {len(kb.agencies)} cơ quan ({origin}).")
    for m in found:
        print("Chênh lệch: " + m.describe())
    print(f"{len(found)} chênh lệch giữa số tổng ghi trong Kế hoạch và tổng các mục.")
    problems = record_problems(kb)
    if not args.data:  # the plan's own inconsistencies are its text; a total an edit made add up differently is not
        plan = check(load_files())
        gaps = {m.key: m.gap for m in plan}
        problems += [m.warning(gap_note("trong Kế hoạch", gaps.get(m.key))) for m in changed_totals(plan, found)]
    if problems:
        print(f"Có {len(problems)} vấn đề cần sửa:")
        print("\n".join(f"✗ {p}" for p in problems))
        return 1
    print("Dữ liệu hợp lệ.")
    return 0


def cmd_seed(args: argparse.Namespace, settings: Basics) -> int:
    from db.engine import make_engine
    from db.seed import admin_edits, is_seeded, seed
    from knowledge.loader import DataError, load_files
    if args.force and not args.reset:
        print("--force chỉ dùng cùng --reset.", file=sys.stderr)
        return 2
    try:
        kb = load_files()
    except DataError as exc:
        print(f"Lỗi dữ liệu: {exc}", file=sys.stderr)
        return 1
    engine = make_engine(settings.database_url)
    if is_seeded(engine) and not args.reset:
        print("Cơ sở dữ liệu đã có dữ liệu; dùng --reset để nạp lại từ knowledge/data.")
        return 0
    edits = admin_edits(engine) if args.reset else 0
    if edits and not args.force:
        print(f"Cơ sở dữ liệu có {edits} thay đổi của quản trị viên (sửa, thêm, xóa, nhập) chưa hoàn tác; "
              "nạp lại sẽ bỏ hết. Không làm gì. Sao lưu trước (planbot export sao-luu.json), rồi dùng "
              "--reset --force nếu vẫn muốn nạp lại.", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    n = seed(engine, kb, reset=args.reset, actor="cli" if args.reset else "seed", tz=settings.tz)
    print(f"Đã nạp {n} bản ghi vào cơ sở dữ liệu trong {(time.perf_counter() - t0) * 1000:.0f} ms.")
    if edits:
        print(f"Đã bỏ {edits} thay đổi của quản trị viên; nhật ký ghi lại lần nạp lại này.")
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Basics) -> int:
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from db import migrate
    from db.engine import make_engine
    try:
        before, after = migrate.upgrade(make_engine(settings.database_url, migrate=False))
    except SQLAlchemyError as exc:
        print(f"Không nâng cấp được cơ sở dữ liệu ({type(exc).__name__}): kiểm tra DATABASE_URL.", file=sys.stderr)
        return 1
    except CommandError:  # a revision this planbot does not know: the database was migrated by a newer one
        print("Cơ sở dữ liệu ở phiên bản mới hơn bản planbot này: hãy cài bản planbot mới hơn.", file=sys.stderr)
        return 1
    if before == after:
        print(f"Cơ sở dữ liệu đã ở phiên bản mới nhất ({after}).")
    else:
        print(f"Đã nâng cấp cơ sở dữ liệu từ {before or 'chưa có bảng'} lên phiên bản {after}.")
    return 0


def cmd_export(args: argparse.Namespace, settings: Basics) -> int:
    from db.engine import make_engine
    from db.seed import open_knowledge
    from knowledge import files
    writers = {".json": files.to_json, ".xlsx": files.to_xlsx, ".csv": files.to_csv}
    writer = writers.get(args.file.suffix.lower())
    if writer is None:
        print("Tên tệp phải kết thúc bằng .json, .xlsx hoặc .csv.", file=sys.stderr)
        return 2
    kb = open_knowledge(make_engine(settings.database_url), settings.tz)
    args.file.write_bytes(writer(kb))
    print(f"Đã xuất {len(kb)} bản ghi ra {args.file}.")
    return 0


def cmd_import(args: argparse.Namespace, settings: Basics) -> int:
    """A file of any size up to files.CLI_MAX_BYTES, read and applied in batches; how far it got is shown on
    stderr (a bar on a terminal, a summary line otherwise)."""
    from bot.progress import ProgressLine
    from db import edits
    from db.engine import make_engine
    from db.reader import read_knowledge
    from db.seed import open_knowledge
    from knowledge.files import FileError, read_path
    from knowledge.import_plan import plan_import
    reading = ProgressLine("Đang đọc tệp")
    try:
        parsed = read_path(args.file, reading)
    except (OSError, FileError) as exc:
        reading.finish(None)
        print(f"Không đọc được tệp: {exc}", file=sys.stderr)
        return 1
    reading.finish("Đã đọc")
    engine = make_engine(settings.database_url)
    current = read_knowledge(settings.database_url, settings.tz)  # the driver alone: 100.000 records in seconds
    if current is None:
        current = open_knowledge(engine, settings.tz)
    plan = plan_import(current, parsed)
    print(plan.describe(limit=1000))
    if plan.errors:
        return 1
    if args.dry_run or plan.is_noop:
        return 0
    writing = ProgressLine("Đang nhập")
    edits.apply_import(engine, current, plan, actor="cli", progress=writing)
    writing.finish("Đã nhập")
    print(f"Đã áp dụng: thêm {len(plan.added)}, thay đổi {len(plan.changed)} bản ghi.")
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    def serve() -> int:
        from bot.app import run_polling, run_webhook
        if args.webhook:
            run_webhook(settings, args.webhook, args.listen, args.port)
            return 0
        return run_polling(settings)

    return startup.run(settings, "run", serve)


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    def serve() -> int:
        from bot.app import run_worker
        return run_worker(settings)

    return startup.run(settings, "worker", serve)


_EXAMPLES = {
    "run": "planbot run\n  planbot run --webhook https://bot.example.gov.vn/planbot --port 8443",
    "worker": "planbot worker   # bên cạnh một planbot run, cùng DATABASE_URL (PostgreSQL)",
    "chat": "planbot chat",
    "ask": "planbot ask \"Dự án chữ ký số bao nhiêu tiền?\"\n  echo \"các dự án của Sở Y tế\" | planbot ask --json",
    "eval": "planbot eval\n  planbot eval bo-cau-hoi.jsonl --show-fail",
    "check": "planbot check\n  planbot check --data knowledge/data",
    "seed": "planbot seed\n  planbot seed --reset\n  planbot seed --reset --force   # bỏ cả thay đổi của quản trị viên",
    "export": "planbot export sao-luu.json\n  planbot export ke-hoach.xlsx",
    "import": "planbot import ke-hoach.xlsx --dry-run\n  planbot import ke-hoach.xlsx",
    "migrate": "planbot migrate",
    "doctor": "planbot doctor\n  planbot doctor --webhook https://bot.example.gov.vn/planbot",
}


class _VietnameseHelp(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "Cách dùng: " if prefix is None else prefix)


def _vietnamese(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Help without argparse's English: the usage prefix, the options' title and -h's own line."""
    parser._optionals.title = "tùy chọn"
    parser._positionals.title = "đối số"
    parser.add_argument("-h", "--help", action="help", help="in hướng dẫn này rồi thoát")
    return parser


def _command(sub: argparse._SubParsersAction, name: str, summary: str) -> argparse.ArgumentParser:
    """A subcommand whose --help says what it does and shows an example."""
    return _vietnamese(sub.add_parser(name, help=summary, description=summary[0].upper() + summary[1:] + ".",
                                      epilog="Ví dụ:\n  " + _EXAMPLES[name], formatter_class=_VietnameseHelp,
                                      add_help=False))


def build_parser() -> argparse.ArgumentParser:
    p = _vietnamese(argparse.ArgumentParser(
        prog="planbot", formatter_class=_VietnameseHelp, add_help=False,
        description="Trợ lý về Kế hoạch ứng dụng CNTT (Telegram và terminal). Gõ planbot <lệnh> --help để xem chi "
                    "tiết và ví dụ của từng lệnh."))
    sub = p.add_subparsers(dest="command", title="các lệnh", metavar="<lệnh>")
    run = _command(sub, "run", "chạy bot Telegram (long polling; --webhook URL để dùng webhook)")
    run.add_argument("--webhook", metavar="URL", help="URL công khai mà Telegram gửi update tới")
    run.add_argument("--listen", default="0.0.0.0", help="địa chỉ máy chủ webhook lắng nghe")
    run.add_argument("--port", type=int, default=8443, help="cổng máy chủ webhook")
    run.set_defaults(func=cmd_run)
    _command(sub, "worker", "chỉ gửi nhắc mốc (không nhận update): chạy thêm bên cạnh một planbot run"
             ).set_defaults(func=cmd_worker)
    _command(sub, "chat", "hỏi đáp trong terminal, không cần token").set_defaults(func=cmd_chat)
    ask = _command(sub, "ask", "trả lời một câu hỏi (--json: đọc từng dòng từ stdin)")
    ask.add_argument("--json", action="store_true", help="in một đối tượng JSON mỗi câu hỏi")
    ask.add_argument("question", nargs="*", help="câu hỏi")
    ask.set_defaults(func=cmd_ask)
    ev = _command(sub, "eval", "chấm điểm bộ trả lời: trên câu hỏi sinh từ dữ liệu, hoặc trên một tệp .jsonl")
    ev.add_argument("file", nargs="?", type=Path, help="bộ câu hỏi theo định dạng eval/score.py")
    ev.add_argument("--sample", type=int, default=1, help="chỉ dùng mỗi câu thứ n của bộ câu hỏi sinh ra")
    ev.add_argument("--show-fail", action="store_true", help="in các câu trả lời sai")
    ev.set_defaults(func=cmd_eval)
    check = _command(sub, "check", "kiểm tra dữ liệu trong cơ sở dữ liệu (hoặc các tệp dữ liệu với --data), "
                     "liệt kê các chênh lệch tổng")
    check.add_argument("--data", type=Path, metavar="DIR",
                       help="kiểm tra các tệp dữ liệu trong thư mục này thay cho cơ sở dữ liệu (ví dụ knowledge/data)")
    check.set_defaults(func=cmd_check)
    seed = _command(sub, "seed", "nạp dữ liệu từ knowledge/data vào cơ sở dữ liệu")
    seed.add_argument("--reset", action="store_true",
                      help="xóa và nạp lại (từ chối khi có thay đổi của quản trị viên, trừ khi có --force)")
    seed.add_argument("--force", action="store_true", help="cùng --reset: nạp lại dù bỏ mất thay đổi của quản trị viên")
    seed.set_defaults(func=cmd_seed)
    export = _command(sub, "export", "xuất toàn bộ dữ liệu ra tệp .json, .xlsx hoặc .csv (sao lưu)")
    export.add_argument("file", type=Path, help="tệp đích")
    export.set_defaults(func=cmd_export)
    imp = _command(sub, "import", "nhập tệp .json, .xlsx hoặc .csv (xem trước với --dry-run)")
    imp.add_argument("file", type=Path, help="tệp nguồn")
    imp.add_argument("--dry-run", action="store_true", help="chỉ báo cáo, không ghi gì")
    imp.set_defaults(func=cmd_import)
    _command(sub, "migrate", "nâng cấp cấu trúc cơ sở dữ liệu lên phiên bản mới nhất (sau khi cập nhật planbot)"
             ).set_defaults(func=cmd_migrate)
    doctor = _command(sub, "doctor", "kiểm tra một bản cài đặt: cấu hình, cơ sở dữ liệu, dữ liệu, token, quản trị viên")
    doctor.add_argument("--webhook", metavar="URL", help="kiểm tra cả URL webhook này có tới được không")
    doctor.set_defaults(func=None)
    return p


def _settings(command: str) -> Settings | Basics:
    """The pydantic Settings for the Telegram processes; for the other commands the same variables, checked by the
    same rules, without importing pydantic (~120 ms of a one-question process)."""
    if command in FULL_SETTINGS:
        from bot.settings import Settings
        return Settings.load()
    return Basics.load()


def main(argv: Sequence[str] | None = None) -> int:
    startup.configure_logging()  # masked from the first line: a token in a URL never reaches the logs
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # 'planbot' alone: what it can do
        parser.print_help()
        return 0
    if args.command == "doctor":  # checks the settings itself, so a bad one is a ✗ line, not a stop
        from bot import doctor
        return doctor.run(args.webhook)
    try:
        settings = _settings(args.command)
    except SettingsError as exc:
        print(f"Cấu hình không hợp lệ: {exc}", file=sys.stderr)
        return startup.EXIT
    startup.configure_logging(settings.bot_token)
    from db.errors import SchemaBehind
    try:
        return args.func(args, settings)
    except SchemaBehind as exc:  # ask, chat, seed, export, import, check on a database behind the code
        print(exc, file=sys.stderr)
        return startup.EXIT


if __name__ == "__main__":
    sys.exit(main())
