"""What admins may edit and how a typed value becomes a stored one (validated, never half-applied)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from knowledge.normalize import clean, lexicon, tokens
from knowledge.numbers import BadNumber, parse_amount
from knowledge.records import KnowledgeBase
from knowledge.understand import AgencyFinder

TEXT_FIELDS = {"ten": "title", "noi_dung": "text", "nguon": "source"}
EXTRA_FIELDS = {"muc_tieu", "ghi_chu"}
AMOUNT_COLUMNS = {"tmdt", "tdt", "ke_hoach", "tong"}  # besides a year's column ('2017')


def is_amount_field(name: str) -> bool:
    """'tmdt', 'ke_hoach' … or a year ('2017'): the fields that hold an amount."""
    return name in AMOUNT_COLUMNS or (len(name) == 4 and name.isdigit())
FIELD_NAMES = {"viet_tat": "tên viết tắt",
               "ten": "tên", "noi_dung": "nội dung", "nguon": "nguồn", "muc_tieu": "mục tiêu", "ghi_chu": "ghi chú",
               "chu_dau_tu": "chủ đầu tư", "tmdt": "TMĐT", "tdt": "TDT", "ke_hoach": "kế hoạch vốn", "tong": "tổng"}
MAX_TEXT = 2000

# A record's or an agency's id: the id columns are VARCHAR(40), and the longest button carrying one,
# "xoa-huy:<id>" (handlers/admin.py; "r:<id>" for a record's button), must stay within Telegram's 64 bytes of
# callback data: 8 + 40 ASCII bytes.
ID_PATTERN = re.compile(r"[A-Za-z0-9._-]+")
MAX_ID = 40


def id_problem(rid: str) -> str | None:
    """Why `rid` cannot be an id (in Vietnamese), or None when it can."""
    shown = rid[:MAX_ID + 20] + ("…" if len(rid) > MAX_ID + 20 else "")
    if not ID_PATTERN.fullmatch(rid):
        return (f"mã «{shown}» có ký tự không dùng được (dấu cách, chữ có dấu…): mã chỉ gồm chữ cái không dấu, "
                "chữ số và các dấu . _ -")
    if len(rid) > MAX_ID:
        return f"mã «{shown}» dài {len(rid)} ký tự, tối đa {MAX_ID}"
    return None


class EditError(ValueError):
    """A value that cannot be stored; the message says why, in Vietnamese."""


_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def visible_text(raw: str, limit: int, subject: str = "Giá trị") -> str:
    """Text an admin typed, as stored: spaces collapsed, zero-width characters dropped ('Họp   giao ban' ->
    'Họp giao ban'). Refused, saying why, when it holds control characters or HTML tags, shows no letter or digit
    (only spaces, invisible characters or emoji) or is longer than `limit`."""
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in raw):
        raise EditError(f"{subject} có ký tự điều khiển (như \\x00 hay ESC); gõ lại bằng chữ thường.")
    text = clean(raw)
    if _TAG.search(text):
        raise EditError(f"{subject} có thẻ HTML; gõ chữ thường, không kèm thẻ.")
    if not any(c.isalnum() for c in text):
        raise EditError(f"{subject} cần có chữ hoặc số nhìn thấy được (không chỉ dấu cách, ký tự ẩn hay biểu tượng "
                        "cảm xúc).")
    if len(text) > limit:
        raise EditError(f"{subject} dài quá: {len(text)} ký tự, tối đa {limit}.")
    return text


@dataclass(frozen=True)
class Edit:
    field: str  # the admin's field name: ten, tmdt, chu_dau_tu …
    value: str | Decimal
    agencies: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgencyEdit:
    field: str  # "ten" (the name) or "viet_tat" (short forms)
    value: str | list[str]


AGENCY_FIELDS = {"ten": "tên", "viet_tat": "tên viết tắt"}
MAX_ALIASES, MAX_ALIAS = 20, 80


def prepare_agency(kb: KnowledgeBase, agency_id: str, field: str, raw: str) -> AgencyEdit:
    """Validate an edit of an agency: its name, or its short forms as a comma-separated list."""
    field = field.strip().lower()
    if agency_id not in kb.agencies:
        raise EditError(f"Không có cơ quan mã «{agency_id[:40]}».")
    if field == "ten":
        return AgencyEdit(field, visible_text(raw, 200, "Tên cơ quan"))
    if field == "viet_tat":
        aliases = [a.strip() for a in visible_text(raw, MAX_ALIASES * (MAX_ALIAS + 2), "Tên viết tắt").split(",")
                   if a.strip()]
        if len(aliases) > MAX_ALIASES or any(len(a) > MAX_ALIAS or not any(c.isalnum() for c in a) for a in aliases):
            raise EditError(f"Tên viết tắt: 1 đến {MAX_ALIASES} tên có chữ hoặc số, cách nhau bởi dấu phẩy, mỗi tên "
                            f"tối đa {MAX_ALIAS} ký tự.")
        return AgencyEdit(field, aliases)
    raise EditError(f"Cơ quan chỉ sửa được trường: {', '.join(AGENCY_FIELDS)}.")


def field_list() -> str:
    return ", ".join(["ten", "noi_dung", "muc_tieu", "ghi_chu", "chu_dau_tu", "tmdt", "tdt", "ke_hoach", "tong",
                      "năm (4 chữ số)", "nguon"])


def prepare(kb: KnowledgeBase, record_id: str, field: str, raw: str) -> Edit:
    """Validate one field edit of a record against the live knowledge."""
    field = field.strip().lower()
    record = kb.records.get(record_id)
    if record is None:
        raise EditError(f"Không có bản ghi mã «{record_id[:40]}».")
    text = clean(raw)
    if not text:
        raise EditError("Thiếu giá trị mới.")
    if is_amount_field(field):
        try:
            return Edit(field, parse_amount(text))
        except BadNumber as exc:
            raise EditError(f"Số tiền không hợp lệ: {exc}.") from exc
    if field not in TEXT_FIELDS and field not in EXTRA_FIELDS and field != "chu_dau_tu":
        raise EditError(f"Không sửa được trường «{field[:30]}». Các trường: {field_list()}.")
    text = visible_text(raw, MAX_TEXT)
    if field == "chu_dau_tu":
        found = AgencyFinder(list(kb.agencies.values()), lexicon()).find(" ".join(tokens(lexicon().key(text))))
        if not found:
            raise EditError(f"Không nhận ra cơ quan «{text[:60]}». Dùng tên hoặc tên viết tắt có trong danh sách "
                            "cơ quan (ví dụ: Sở TT&TT, UBND huyện Tam Dương).")
        return Edit(field, text, tuple(found[:1]))
    return Edit(field, text)
