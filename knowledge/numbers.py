"""Exact amounts: parsing the data's canonical decimals and formatting them the Vietnamese way."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import format_decimal

CANONICAL = re.compile(r"^\d+(\.\d+)?$")


class BadNumber(ValueError):
    """A figure that is not a plain non-negative decimal."""


_WHOLE = re.compile(r"[0-9]{1,10}")


def whole_number(text: str, lo: int, hi: int) -> int | None:
    """A count, an id or a year typed by a user: ASCII digits only ('²' and '٣' are no numbers here) within
    [lo, hi]; None otherwise."""
    text = text.strip()
    if not _WHOLE.fullmatch(text):
        return None
    value = int(text)
    return value if lo <= value <= hi else None


def parse_canonical(text: object) -> Decimal:
    """Parse a data-file amount such as "67765" or "967.6"; floats and other styles are refused."""
    if not isinstance(text, str) or not CANONICAL.match(text):
        raise BadNumber(f"số không hợp lệ: {text!r} (cần dạng 67765 hoặc 967.6, đặt trong ngoặc kép)")
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise BadNumber(str(exc)) from exc


@lru_cache(maxsize=4096)
def fmt_number(value: Decimal) -> str:
    """67765 -> '67.765', 967.6 -> '967,6', 1092.0 -> '1.092' (Babel, locale vi)."""
    return format_decimal(value.normalize() if value == value.to_integral() else value,
                          format="#,##0.####", locale="vi")


def fmt_amount(value: Decimal, unit: str = "triệu đồng") -> str:
    """An amount in its unit, with the tỷ đồng equivalent for large triệu đồng figures."""
    text = f"{fmt_number(value)} {unit}"
    if unit == "triệu đồng" and value >= 1000:
        ty = (value / 1000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        text += f" (≈ {fmt_number(ty)} tỷ đồng)"
    return text


_AMOUNT = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?|\d+\.\d+)"
                     r"\s*(?P<unit>tỷ|ty|tỉ|ti|triệu|trieu|tr)?(?:\s*(?:đồng|dong|đ))?$", re.IGNORECASE)


def parse_amount(text: str) -> Decimal:
    """An amount as admins type it, in triệu đồng: '1.500', '1500', '1.500,5', '1,5 tỷ', '967.6'.

    Dots group thousands and a comma is the decimal mark (Vietnamese style); a lone dot followed by other than
    three digits ('967.6') is read as the decimal mark, as in the plan's tables. Negative amounts are refused."""
    raw = " ".join(str(text).strip().split())
    if raw.startswith("-"):
        raise BadNumber("số tiền không được âm")
    m = _AMOUNT.match(raw)
    if not m:
        raise BadNumber(f"không đọc được số tiền «{raw[:30]}» (ví dụ: 1.500 hoặc 1.500,5 hoặc 1,5 tỷ)")
    num = m.group("num")
    if "," in num or re.fullmatch(r"\d{1,3}(?:\.\d{3})+", num):
        num = num.replace(".", "").replace(",", ".")
    value = Decimal(num)
    if (m.group("unit") or "").lower() in ("tỷ", "ty", "tỉ", "ti"):
        value *= 1000
    return Decimal(int(value)) if value == value.to_integral() else value.normalize()
