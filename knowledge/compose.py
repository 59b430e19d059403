"""Replies in Vietnamese, ready for Telegram HTML: exact amounts (Babel vi), dates d/m/yyyy, a source line."""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from knowledge.normalize import fold, tokens
from knowledge.numbers import fmt_amount, fmt_count, fmt_number
from knowledge.records import KnowledgeBase, Record
from knowledge.render import EMPHASIS, EMPHASIS_END, STRONG, STRONG_END, unmarked

COLUMN_LABELS = {"tmdt": "Tổng mức đầu tư (TMĐT)", "tdt": "Tổng dự toán (TDT)", "ke_hoach": "Kế hoạch vốn",
                 "tong": "Tổng"}
PLANNED_TMDT = "TMĐT dự kiến"  # the investment total of a work of the plan's own period is an estimate
TEXT_HEADINGS = {"target": "Mục tiêu cụ thể đến năm {end}", "viewpoint": "Quan điểm",
                 "general_goal": "Mục tiêu tổng quát đến năm {end}", "shortcoming": "Tồn tại, hạn chế ({period})",
                 "cause": "Nguyên nhân của tồn tại, hạn chế", "solution": "Giải pháp thực hiện",
                 "status": "Hiện trạng {period}"}
PLAN_FIELDS = (("so_hieu", "Số hiệu"), ("ngay_ban_hanh", "Ngày ban hành"), ("co_quan", "Cơ quan ban hành"),
               ("nguoi_ky", "Người ký"), ("chuc_vu", "Chức vụ"), ("to_trinh", "Theo đề nghị tại"),
               ("van_ban_tham_dinh", "Ý kiến thẩm định"), ("giai_doan", "Giai đoạn"))
LIST_LIMIT = 30
REPLY_BUDGET = 1200  # characters of body a reply about one record aims at (replies stay under 1.500)
COUNT_LIST_LIMIT = 10
SHORT_LIST = 5  # a list this short keeps its titles long enough to tell them apart
LONG_LINE = 240  # a statement in a list (a cause, a solution) may take this many characters
LINE_TITLE = 90
HEADING_TITLE = 80  # characters of a record's title quoted in a heading
COMPACT_TITLE = 60
LINE_EXTRAS = 50  # what a list line holds besides its title: ' — kế hoạch vốn 12.914 triệu đồng [PL4-9]'
KIND_LABELS = {"project": "dự án", "component": "hạng mục", "indicator": "chỉ tiêu", "target": "mục tiêu",
               "phase": "giai đoạn", "solution": "giải pháp", "duty": "nhiệm vụ", "viewpoint": "quan điểm",
               "legal_basis": "căn cứ", "budget_line": "nguồn kinh phí"}


def e(text: object) -> str:
    """A value as it enters a reply's content (no marks of emphasis it might carry; rendering escapes it)."""
    return unmarked(text)


def short(text: str, limit: int = LINE_TITLE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def vn_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day}/{d.month}/{d.year}"


def source_line(kb: KnowledgeBase, *records: Record) -> str:
    """'Nguồn: Phụ lục 4, mục V.3; V.4 — Kế hoạch 3854/KH-UBND.' (one part of the plan named once)."""
    doc = kb.plan.get("so_hieu", "") if kb.plan else ""
    parts: dict[str, list[str]] = {}
    for src in dict.fromkeys(r.source for r in records):
        head, sep, item = src.partition(", mục ")
        parts.setdefault(head if sep else src, []).append(item if sep else "")
    srcs = "; ".join(f"{head}, mục {', '.join(items)}" if all(items) else head for head, items in parts.items())
    line = f"{EMPHASIS}Nguồn: {e(srcs)}{' — Kế hoạch ' + e(doc) if doc else ''}.{EMPHASIS_END}"
    return line + "".join(revision_note(kb, r) for r in {r.id: r for r in records}.values())


def revision_note(kb: KnowledgeBase, r: Record) -> str:
    """'⚠ PL4-3 đã được sửa ngày 29/11/2026; Kế hoạch ghi: Tổng mức đầu tư (TMĐT) 2.000.' for an edited record."""
    rev = kb.revisions.get(r.id)
    if rev is None:
        return ""
    when = f" ngày {rev.on}" if rev.on else ""
    wrote = "; ".join(f"{what} {was}" for what, was in rev.plan_wrote)
    return f"\n⚠ {e(r.id)} đã được quản trị viên sửa{when}; Kế hoạch ghi: {e(wrote)}."


def plan_period(kb: KnowledgeBase) -> str:
    return kb.plan.get("giai_doan", "") if kb.plan else ""


def _labels(kb: KnowledgeBase, r: Record) -> dict[str, str]:
    """Column labels with the record's own period ('Kế hoạch vốn 2016-2020'; 'TMĐT dự kiến' for the plan's works)."""
    period = r.get("giai_doan", "")
    labels = {**COLUMN_LABELS, "ke_hoach": f"{COLUMN_LABELS['ke_hoach']} {period}".strip()}
    if period and period == plan_period(kb) and r.kind in ("project", "group", "component"):
        labels["tmdt"] = PLANNED_TMDT
    return labels


def indicator_columns(r: Record) -> list[tuple[str, str]]:
    """(field, label) of an indicator row in the plan's column order: 'nam_2010' -> 'Năm 2010' …"""
    years = sorted(k for k in r.fields if re.fullmatch(r"nam_\d{4}", k))
    cols = [(years[0], f"Năm {years[0][4:]}")] if years else []
    cols.append(("muc_tieu", f"Mục tiêu {r.get('giai_doan', '')}".strip()))
    cols += [(y, f"Năm {y[4:]}") for y in years[1:]]
    return cols + [("danh_gia", "Kết quả")]


def _money(r: Record, col: str, approx: bool = True) -> str:
    """The amount in its unit; `approx` adds the tỷ đồng equivalent (left out in compact list lines)."""
    qual = r.get("uoc_luong")
    text = fmt_amount(r.amounts[col], r.unit) if approx else f"{fmt_number(r.amounts[col])} {r.unit}"
    return (f"{qual} " if qual else "") + text


def key_figure(kb: KnowledgeBase, r: Record, year: int | None = None, focus: list[str] | None = None) -> str:
    """The one figure that best stands for a record in a list line."""
    if r.amounts:
        if year and str(year) in r.amounts:
            return f"năm {year}: {_money(r, str(year), approx=False)}"
        col = next(c for c in ("ke_hoach", "tmdt", "tong", *r.amounts) if c in r.amounts)
        label = "kế hoạch vốn" if col == "ke_hoach" else "TMĐT" if col == "tmdt" else "tổng"
        return f"{label} {_money(r, col, approx=False)}"
    if r.kind == "indicator":
        cols = [c for c in indicator_columns(r) if c[0].startswith("nam_")]
        return "; ".join(f"{lbl.lower()}: {short(str(r.get(k)), 40)}" for k, lbl in cols if r.get(k))
    if r.get("figures"):  # each with its label, the one nearest the question first
        words = set(focus or ())
        figs = sorted(r.get("figures"), key=lambda f: -len(words & set(tokens(fold(f.get("label", ""))))))
        return "; ".join(figure_text(f) + (f" ({short(f['label'], 40)})" if f.get("label") else "") for f in figs[:3])
    if r.get("start") and r.get("end"):
        parts = "; ".join(c.title for c in kb.children(r.id)) or r.text
        return f"{phase_time(r)}: {short(parts, 160)}"
    return ""


def phase_time(r: Record) -> str:
    """The time a phase takes as the plan writes it ('2016-2018'); its first and last day are only derived."""
    return r.get("giai_doan") or f"{vn_date(r.get('start'))} – {vn_date(r.get('end'))} (suy ra từ Kế hoạch)"


def figure_text(fig: dict) -> str:
    """{"value": "600", "value_max": "1000", "unit": "máy chủ", "qualifier": "khoảng"} -> 'khoảng 600-1.000 máy chủ'."""
    number = Decimal(fig["value"])
    is_year = not fig.get("unit") and number == number.to_integral() and 1900 <= number <= 2100
    value = str(int(number)) if is_year else fmt_number(number)
    if fig.get("value_max"):
        value += "-" + fmt_number(Decimal(fig["value_max"]))
    return " ".join(x for x in (fig.get("qualifier", ""), value + ("%" if fig.get("unit") == "%" else ""),
                                "" if fig.get("unit") == "%" else fig.get("unit", "")) if x)


def display_title(kb: KnowledgeBase, r: Record) -> str:
    parent = kb.records.get(r.parent) if r.parent else None
    if r.kind == "indicator" and parent and parent.kind == "indicator":
        return f"{parent.title} — {r.title}"
    if r.kind == "duty":
        return f"{r.title}: {r.text}"
    if r.kind in ("target", "viewpoint", "general_goal", "shortcoming", "cause", "solution"):
        return r.text
    if r.kind == "status":
        return f"{r.title}: {r.text}"
    return r.title


def list_line(kb: KnowledgeBase, r: Record, year: int | None = None, limit: int = LINE_TITLE,
              focus: list[str] | None = None, drop: int = 0) -> str:
    """'• title — key figure [id]'; `focus` (the question's words) picks which figure of a record to show;
    `drop` leaves out the first words, which the list's heading already gives."""
    fig = key_figure(kb, r, year, focus)
    if r.get("nam") and str(r.get("nam")) not in r.title:
        fig = f"năm {r.get('nam')}, {fig}" if fig else f"năm {r.get('nam')}"
    flag = " (đã hủy bỏ)" if r.get("huy_bo") else ""
    title = display_title(kb, r)
    if drop:
        title = "… " + " ".join(title.split()[drop:])
    return f"• {e(short(title, limit))}{flag}{' — ' + e(fig) if fig else ''} [{e(r.id)}]"


def shared_opening(titles: list[str]) -> int:
    """How many opening words all the titles share (at least 4, else 0): 'Nâng cấp … tại UBND huyện X'."""
    words = [t.split() for t in titles]
    n = 0
    while len(titles) >= 2 and all(len(w) > n + 1 and w[n] == words[0][n] for w in words):
        n += 1
    return n if n >= 4 else 0


def _agency_phrase(kb: KnowledgeBase, r: Record) -> str:
    cdt = r.get("cdt", "")
    names = [kb.agencies[a].name for a in r.agencies if a in kb.agencies]
    if cdt and names and cdt not in names:
        return f"{cdt} ({', '.join(names)})"
    return cdt or ", ".join(names)


def _amount_lines(kb: KnowledgeBase, r: Record, year: int | None) -> list[str]:
    labels = _labels(kb, r)
    out = []
    if year and str(year) in r.amounts:
        out.append(f"• {STRONG}Năm {year}: {e(_money(r, str(year)))}{STRONG_END}")
    for col, label in labels.items():
        if col in r.amounts:
            out.append(f"• {label}: {STRONG}{e(_money(r, col))}{STRONG_END}")
    years = [c for c in r.amounts if c.isdigit() and c != str(year)]
    if years:
        out.append("• Theo năm: " + "; ".join(f"{c}: {e(fmt_number(r.amounts[c]))}" for c in years))
    return out


def compose_record(kb: KnowledgeBase, r: Record, year: int | None = None, focus: list[str] | None = None) -> str:
    """The full reply about one record."""
    body = _BODY.get(r.kind, _body_generic)(kb, r, year, focus or [])
    return "\n".join(body + [source_line(kb, r)])


def _body_project(kb: KnowledgeBase, r: Record, year: int | None, focus: list[str]) -> list[str]:
    lines = [f"{STRONG}{e(r.title)}{STRONG_END}"]
    who = _agency_phrase(kb, r)
    if r.get("cdt"):
        lines.append(f"• Chủ đầu tư: {e(who)}")
    elif who:
        lines.append(f"• Đơn vị: {e(who)}")
    lines += _amount_lines(kb, r, year)
    parent = kb.records.get(r.parent) if r.parent else None
    if parent and parent.kind == "group" and r.get("giai_doan") != plan_period(kb):
        lines.append(f"• Thuộc: {e(parent.title)} (giai đoạn {e(r.get('giai_doan', ''))})")
    if r.get("huy_bo"):
        lines.append(f"• {STRONG}Dự án bị hủy bỏ.{STRONG_END}")
    elif r.get("muc_tieu"):
        lines.append(f"• Mục tiêu: {e(r.get('muc_tieu'))}")
    if r.get("ghi_chu"):
        lines.append(f"• Ghi chú: {e(r.get('ghi_chu'))}")
    kids = kb.child_ids(r.id)[:LIST_LIMIT]  # only the parts listed are read
    if kids:
        lines.append("Gồm:")
        lines += [_child_line(kb, kb.records[c]) for c in kids]
    return lines


def _child_line(kb: KnowledgeBase, c: Record) -> str:
    if c.kind == "component":
        who = _agency_phrase(kb, c)
        return f"• {e(short(c.title, 120))}{' (CĐT: ' + e(who) + ')' if who else ''}"
    return list_line(kb, c, limit=70)


def _body_group(kb: KnowledgeBase, r: Record, year: int | None, focus: list[str]) -> list[str]:
    lines = [f"{STRONG}{e(r.title)}{STRONG_END}"] + _amount_lines(kb, r, year)
    kids = kb.child_ids(r.id)  # a group may hold 100.000 projects: only those listed are read
    if kids:
        lines.append(f"Gồm {fmt_count(len(kids))} mục:")
        lines += [list_line(kb, kb.records[c], year, limit=55) for c in kids[:LIST_LIMIT]]
        if len(kids) > LIST_LIMIT:
            lines.append(f"… và {fmt_count(len(kids) - LIST_LIMIT)} mục khác.")
    return lines


def _body_budget(kb: KnowledgeBase, r: Record, year: int | None, focus: list[str]) -> list[str]:
    lines = [f"{STRONG}{e(r.title)}{STRONG_END}"] + _amount_lines(kb, r, year)
    for c in kb.children(r.id):
        lines.append(list_line(kb, c, year if year and str(year) in c.amounts else None, limit=80))
    return lines


def _body_funding(kb: KnowledgeBase, r: Record, year: int | None, focus: list[str]) -> list[str]:
    lines = [f"{STRONG}{e(r.title)}: {e(_money(r, 'tong'))}{STRONG_END}", e(r.text) + "."]
    for c in kb.children(r.id):
        lines.append(list_line(kb, c))
    return lines


def _body_indicator(kb: KnowledgeBase, r: Record, year: int | None, focus: list[str]) -> list[str]:
    lines = [f"{STRONG}{e(display_title(kb, r))}{STRONG_END}"]
    lines += [f"• {lbl}: {e(r.get(k))}" for k, lbl in indicator_columns(r) if r.get(k)]
    for c in kb.children(r.id):
        lines.append(list_line(kb, c, limit=60))
    return lines


def _best_sentences(text: str, focus: list[str], budget: int = 900) -> str:
    """Long paragraphs: keep the sentences that share most syllables with the question, in order."""
    if len(text) <= budget or not focus:
        return text
    parts = [p for p in re.split(r"(?<=[.;])\s+", text) if p]
    # a sentence longer than the budget is cut at its commas (a list of facts written as one sentence)
    parts = [c for p in parts for c in (re.split(r"(?<=,)\s+", p) if len(p) > budget else [p])]
    scored = sorted(range(len(parts)), key=lambda i: -len(set(tokens(fold(parts[i]))) & set(focus)))
    keep: set[int] = set()
    used = 0
    for i in scored:
        if used + len(parts[i]) > budget and keep:
            break
        keep.add(i)
        used += len(parts[i])
    return " … ".join(parts[i] for i in sorted(keep))


def _body_text(kb: KnowledgeBase, r: Record, year: int | None, focus: list[str]) -> list[str]:
    period = r.get("giai_doan", "")
    heading = TEXT_HEADINGS.get(r.kind, "").format(period=period, end=period[-4:])
    title = f"{heading} — {r.title}" if r.kind in ("target", "status") else heading
    lines = [f"{STRONG}{e(title)}{STRONG_END}", e(_best_sentences(r.text, focus))]
    return lines


def _body_duty(kb: KnowledgeBase, r: Record, year: int | None, focus: list[str]) -> list[str]:
    who = ", ".join(kb.agencies[a].name for a in r.agencies if a in kb.agencies) or r.title
    return [f"{STRONG}{e(who)}{STRONG_END} (nhiệm vụ trong Kế hoạch):", f"• {e(r.text)}"]


def _body_duty_group(kb: KnowledgeBase, r: Record, year: int | None, focus: list[str]) -> list[str]:
    """Every duty of the body; long lists keep each duty's opening words so the reply stays one screen."""
    duties = kb.children(r.id)
    each = max(80, REPLY_BUDGET // max(len(duties), 1))
    lines = [f"{STRONG}Nhiệm vụ của {e(r.title)}{STRONG_END} trong tổ chức thực hiện Kế hoạch:"]
    lines += [f"{i}. {e(short(c.text, each))}" for i, c in enumerate(duties, 1)]
    return lines


def _body_items(kb: KnowledgeBase, r: Record, year: int | None, focus: list[str]) -> list[str]:
    lines = [f"{STRONG}{e(r.title)}{STRONG_END}"]
    parent = kb.records.get(r.parent) if r.parent else None
    if r.get("start") and r.get("end"):
        lines.append(f"Thời gian: {e(phase_time(r))}")
    elif r.kind == "phase_item" and parent is not None:  # 'chữ ký số thuộc giai đoạn nào': its phase says when
        lines.append(f"Thuộc: {e(parent.title)}")
    if r.text:
        lines.append(e(r.text))
    lines += [f"• {e(x)}" for x in r.get("items", [])]
    for c in kb.children(r.id):
        if c.get("items"):
            lines.append(f"{STRONG}{e(c.id.split('-', 1)[1])}. {e(c.title)}{STRONG_END}")
            lines += [f"• {e(short(x, 75))}" for x in c.get("items")]
        else:
            lines.append(list_line(kb, c, limit=160))
    return lines


def _body_plan(kb: KnowledgeBase, r: Record, year: int | None, focus: list[str]) -> list[str]:
    lines = [f"{STRONG}{e(r.title)}{STRONG_END}"]
    for k, lbl in PLAN_FIELDS:
        v = r.get(k)
        if v:
            lines.append(f"• {lbl}: {e(vn_date(v) if k == 'ngay_ban_hanh' else v)}")
    return lines


def _body_generic(kb: KnowledgeBase, r: Record, year: int | None, focus: list[str]) -> list[str]:
    lines = [f"{STRONG}{e(r.title)}{STRONG_END}"]
    if r.text:
        lines.append(e(_best_sentences(r.text, focus)))
    lines += _amount_lines(kb, r, year)
    if r.get("cdt"):
        lines.append(f"• Chủ đầu tư: {e(_agency_phrase(kb, r))}")
    parent = kb.records.get(r.parent) if r.parent else None
    if r.kind == "component" and parent:
        lines.append(f"Thuộc: {e(parent.title)} — {e(key_figure(kb, parent))} [{e(parent.id)}]")
    for c in kb.child_ids(r.id)[:LIST_LIMIT]:
        lines.append(list_line(kb, kb.records[c], limit=80))
    return lines


_BODY = {
    "project": _body_project, "group": _body_group, "budget": _body_budget, "budget_line": _body_budget,
    "funding": _body_funding, "indicator": _body_indicator, "indicator_group": _body_indicator,
    "target": _body_text, "viewpoint": _body_text, "general_goal": _body_text, "shortcoming": _body_text,
    "cause": _body_text, "solution": _body_text, "status": _body_text,
    "duty": _body_duty, "duty_group": _body_duty_group, "phase": _body_items, "phase_item": _body_items,
    "task_group": _body_items, "plan": _body_plan,
}


def compose_list(kb: KnowledgeBase, heading: str, records: Sequence[Record], year: int | None = None,
                 investor: bool = False, periods: bool = False, total: bool = False) -> str:
    """A heading and a line per record, titles as long as the reply's budget allows."""
    shown = records[:LIST_LIMIT]
    # titles as long as the reply's budget allows: a list of eight keeps its names whole ('… an ninh thông tin')
    room = REPLY_BUDGET // max(len(shown), 1) - LINE_EXTRAS
    limit = LINE_TITLE if len(records) <= SHORT_LIST else max(COMPACT_TITLE, min(LINE_TITLE, room))
    if all(r.text and r.kind not in ("project", "group", "component") for r in shown):  # statements, not titles
        limit = max(limit, min(LONG_LINE, REPLY_BUDGET // max(len(shown), 1)))
    drop = shared_opening([display_title(kb, r) for r in shown])
    lines = [f"{STRONG}{e(heading)}{STRONG_END}"]
    if drop:
        lines.append(e(" ".join(display_title(kb, shown[0]).split()[:drop])) + " …")
    lines += [list_line(kb, r, year, limit=limit, drop=drop)
              + (f" — CĐT: {e(_agency_phrase(kb, r))}" if investor and r.get("cdt") else "")
              + (f" — giai đoạn {e(r.get('giai_doan'))}" if periods and r.get("giai_doan") else "") for r in shown]
    if len(records) > LIST_LIMIT:
        lines.append(f"… và {fmt_count(len(records) - LIST_LIMIT)} mục khác.")
    if total:
        lines += computed_total(records)
    return "\n".join(lines + [source_line(kb, *records[:LIST_LIMIT])])


def computed_total(records: Sequence[Record]) -> list[str]:
    """'Cộng …: X triệu đồng (tự tính, Kế hoạch không ghi)' over the column every record has, if any."""
    col = next((c for c in ("ke_hoach", "tmdt", "tong") if all(c in r.amounts for r in records)), None)
    units = {r.unit for r in records}
    if not col or len(records) < 2 or len(units) != 1:
        return []
    label = COLUMN_LABELS.get(col, col).lower() if col != "tmdt" else "TMĐT"
    value = sum((r.amounts[col] for r in records), Decimal(0))
    count = fmt_count(len(records))
    return [f"{STRONG}Cộng {label} của {count} mục trên: {e(fmt_amount(value, units.pop()))}{STRONG_END} "
            "(tự cộng từ các mục, Kế hoạch không ghi con số này)"]


def years_total(r: Record, years: list[int]) -> list[str]:
    """'Cộng 2016-2018: X triệu đồng (tự cộng …)' from a record's amounts by year, when it has every year asked."""
    if len(years) < 2 or not all(str(y) in r.amounts for y in years):
        return []
    value = sum((r.amounts[str(y)] for y in years), Decimal(0))
    span = f"{years[0]}-{years[-1]}" if years == list(range(years[0], years[-1] + 1)) else \
        " và ".join(map(str, years))
    parts = "; ".join(f"{y}: {fmt_number(r.amounts[str(y)])}" for y in years)
    return [f"{STRONG}Cộng {span}: {e(fmt_amount(value, r.unit))}{STRONG_END} ({e(parts)}; tự cộng từ số liệu "
            "theo năm, Kế hoạch không ghi con số này)"]


def compose_candidates(kb: KnowledgeBase, records: list[Record], year: int | None = None,
                       focus: list[str] | None = None) -> str:
    lines = [f"Có {fmt_count(len(records))} mục trong Kế hoạch gần với câu hỏi của bạn:"]
    lines += [list_line(kb, r, year, limit=110, focus=focus) for r in records]
    lines.append("Hãy chọn một mục (hoặc hỏi cụ thể hơn) để xem chi tiết.")
    return "\n".join(lines + [source_line(kb, *records)])


def kind_label(kind: str, plan: str = "") -> str:
    """'project' -> 'Các dự án của Kế hoạch 3854/KH-UBND'."""
    return f"Các {KIND_LABELS.get(kind, kind)} của Kế hoạch {plan}".strip()


def compose_count(kb: KnowledgeBase, label: str, records: list[Record], year: int | None = None,
                  container: Record | None = None) -> str:
    """'<label>: 5 dự án' and the list (a count the plan does not state is counted from its items); the group's
    own figure when it has one."""
    noun = KIND_LABELS.get(records[0].kind, "mục")
    lines = [f"{STRONG}{label}: {fmt_count(len(records))} {noun}{STRONG_END} (đếm theo danh mục trong Kế hoạch)"]
    if container is not None and container.amounts:
        lines.append(f"• {e(key_figure(kb, container, year))}")
    lines += [list_line(kb, r, year, limit=COMPACT_TITLE) for r in records[:COUNT_LIST_LIMIT]]
    if len(records) > COUNT_LIST_LIMIT:
        lines.append(f"… và {fmt_count(len(records) - COUNT_LIST_LIMIT)} mục khác.")
    return "\n".join(lines + [source_line(kb, *records[:COUNT_LIST_LIMIT])])


def compose_extreme(kb: KnowledgeBase, label: str, among: int, best: list[Record], column: str, largest: bool) -> str:
    """The largest (or smallest) of a set by one amount column; ties are all shown."""
    which = "lớn nhất" if largest else "nhỏ nhất"
    col = COLUMN_LABELS.get(column, column).lower() if column != "tmdt" else "TMĐT"
    head = f"Trong {among} {KIND_LABELS.get(best[0].kind, 'mục')} ({label}), {col} {which}"
    lines = [f"{STRONG}{head}: {e(_money(best[0], column))}{STRONG_END}"]
    lines += [f"• {e(r.title)} [{e(r.id)}]" + (f" — CĐT: {e(r.get('cdt'))}" if r.get("cdt") else "") for r in best]
    return "\n".join(lines + [source_line(kb, *best)])


def compose_family_extreme(kb: KnowledgeBase, family: list[Record], column: str, largest: bool) -> str:
    """The year of the largest (or smallest) amount among one line's yearly records, each year's beside it."""
    pick = (max if largest else min)(r.amounts[column] for r in family)
    which = ", ".join(r.title for r in family if r.amounts[column] == pick)
    col = COLUMN_LABELS.get(column, column).lower() if column != "tmdt" else "TMĐT"
    head = f"{which}: {col} {'lớn' if largest else 'nhỏ'} nhất, {fmt_amount(pick, family[0].unit)}"
    lines = [f"{STRONG}{e(head)}{STRONG_END} (so sánh số liệu theo năm của Kế hoạch)"]
    lines += [f"• {e(r.title)}: {e(fmt_number(r.amounts[column]))}" for r in family]
    return "\n".join(lines + [source_line(kb, *family)])


def compose_year_extreme(kb: KnowledgeBase, r: Record, years: list[str], largest: bool) -> str:
    """The year(s) of a record's largest (or smallest) amount among `years`, with each of them beside it."""
    pick = (max if largest else min)(r.amounts[y] for y in years)
    which = ", ".join(y for y in years if r.amounts[y] == pick)
    head = f"{r.title}: năm {which} {'nhiều' if largest else 'ít'} nhất, {fmt_amount(pick, r.unit)}"
    lines = [f"{STRONG}{e(head)}{STRONG_END} (so sánh số liệu theo năm của Kế hoạch)",
             "• Theo năm: " + "; ".join(f"{y}: {e(fmt_number(r.amounts[y]))}" for y in years)]
    return "\n".join(lines + [source_line(kb, r)])


def refusal_text(kb: KnowledgeBase, reason: str, nearest: Sequence[Record]) -> str:
    """Not in the plan: why, and the nearest item the plan does hold (clearly not the answer)."""
    lines = [e(reason)]
    if nearest:
        lines.append("Mục gần nhất có trong Kế hoạch (không phải câu trả lời):")
        lines += [list_line(kb, r, limit=COMPACT_TITLE) for r in nearest[:5]]
        lines.append(source_line(kb, *nearest[:5]))
    else:
        lines.append(help_text(kb))
    return "\n".join(lines)


def examples(kb: KnowledgeBase) -> list[str]:
    """Example questions the plan's own record lists (knowledge/data), so another plan brings its own."""
    return list(kb.plan.get("vi_du", [])) if kb.plan else []


def help_text(kb: KnowledgeBase) -> str:
    name = f"Kế hoạch {kb.plan.get('so_hieu')}" if kb.plan else "Kế hoạch"
    period = plan_period(kb)
    earlier = sorted({r.get("giai_doan") for r in kb.of_kind("status") if r.get("giai_doan")})
    lines = [f"Tôi trả lời các câu hỏi về {e(name)}: dự án và kinh phí, ngân sách theo năm, nhiệm vụ của các cơ quan, "
             f"mục tiêu{' đến ' + period[-4:] if period else ''}, lộ trình"
             f"{', hiện trạng ' + ', '.join(earlier) if earlier else ''}. Ví dụ:"]
    lines += [f"• {e(x)}" for x in examples(kb)]
    return "\n".join(lines)


def not_found_text(kb: KnowledgeBase) -> str:
    return "Kế hoạch không có thông tin để trả lời câu hỏi này.\n" + help_text(kb)
