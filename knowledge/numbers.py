"""Exact amounts: the one reader and the one writer of amounts, and their Vietnamese display.

- `read_amount` reads an amount from wherever it comes: what an admin types (/sua, /them, the CLI), a .csv field
  or an .xlsx text cell (`parse_amount`, Vietnamese style: '4.500' = 4500, '1.500,5' = 1500,5, '1,5 tỷ' = 1500)
  and an .xlsx number cell (int or float, converted exactly through its shortest text). `parse_canonical` reads
  the data files' (and the .json format's) canonical strings ('67765', '967.6').
- Every reader refuses, with a Vietnamese message, an amount the database column does not hold exactly
  (`check_amount`: 0 <= amount < 10^14 with at most 4 decimal places, NUMERIC(18, 4) on PostgreSQL).
- `write_amount` writes an amount into a file: a plain decimal string ('5640', never '5.64E+3') that every
  reader reads back as the same value. `fmt_number` shows it to people ('4.000', '1.500,5'; Babel, locale vi).
"""
from __future__ import annotations

import math
import re
from decimal import MAX_PREC, ROUND_HALF_UP, Context, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import format_decimal


def _loaded(tag: str) -> Locale:
    """A locale whose data is read now: Babel reads it when the locale first formats (~12 ms), which would be in
    the first answer of a process."""
    locale = Locale.parse(tag)
    _ = locale.number_symbols
    return locale


VI = _loaded("vi")

CANONICAL = re.compile(r"^\d+(\.\d+)?$")


class BadNumber(ValueError):
    """A figure that is not a plain non-negative decimal."""


AMOUNT_PLACES = 4  # the column's scale: NUMERIC(18, 4) on PostgreSQL
AMOUNT_LIMIT = Decimal(10) ** (18 - AMOUNT_PLACES)  # 10^14: the smallest amount NUMERIC(18, 4) cannot hold
_MAX_TYPED = 60  # characters of a typed amount worth reading ('99.999.999.999.999,9999 triệu đồng' is 34)


def plain(value: Decimal) -> Decimal:
    """The same value without exponent or trailing zeros: Decimal('5.64E+3') -> 5640, '5640.0000' -> 5640,
    '1.50' -> 1.5 (what the database hands back, on every backend). Exact: no rounding to the context's 28
    digits, so '1.00000000000000000000000000001' keeps its last digit."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # NaN, infinity
        return value
    if not any(digits):
        return Decimal(0)
    kept = list(digits)
    while exponent < 0 and kept[-1] == 0:
        kept.pop()
        exponent += 1
    if exponent > 0:
        kept += [0] * exponent
        exponent = 0
    return Decimal((sign, tuple(kept), exponent))


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def check_amount(value: Decimal) -> Decimal:
    """`value` if both backends store it exactly (0 <= value < 10^14, at most 4 decimal places), else BadNumber
    saying why in Vietnamese. Returned in its plain form."""
    if not value.is_finite():
        raise BadNumber("không đọc được số tiền")
    if value < 0:
        raise BadNumber("số tiền không được âm")
    if value >= AMOUNT_LIMIT:
        raise BadNumber(f"số tiền quá lớn: phải nhỏ hơn {fmt_number(AMOUNT_LIMIT)}")
    exact = plain(value)
    if _places(exact) > AMOUNT_PLACES:
        shown = format(exact, "f").replace(".", ",")  # every digit: Babel would round it away
        raise BadNumber(f"số tiền «{shown[:40]}» có {_places(exact)} chữ số sau dấu phẩy; lưu được tối đa "
                        f"{AMOUNT_PLACES} (nhỏ nhất 0,0001)")
    return exact


def write_amount(value: Decimal) -> str:
    """The one writer of amounts into files (.json, .csv, an .xlsx text cell): a plain decimal with a point,
    never an exponent ('5640', '0.0001', '123456789.5'). A value under 1000 with exactly three decimals gets a
    fourth ('1.2340'): '1.234' typed by a person means 1234, and every reader must read the file back as
    written."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if re.fullmatch(r"\d{1,3}\.\d{3}", text):
        text += "0"
    return text


def read_amount(value: object) -> Decimal:
    """An amount from a typed text, a .csv field or an .xlsx cell: text as people write it (`parse_amount`),
    an int, or a float converted exactly through its shortest text (0.1 -> 0.1; 1e-05 and 0.30000000000000004
    are refused: more than 4 decimal places). Booleans, dates and the like are refused."""
    if isinstance(value, str):
        return parse_amount(value)
    if isinstance(value, bool):  # an int to Python, TRUE/FALSE in a sheet
        raise BadNumber(f"không đọc được số tiền «{value}»")
    if isinstance(value, int):
        return check_amount(Decimal(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BadNumber("không đọc được số tiền")
        return check_amount(Decimal(repr(value)))
    if isinstance(value, Decimal):
        return check_amount(value)
    raise BadNumber(f"không đọc được số tiền «{str(value)[:30]}» (ví dụ: 1.500 hoặc 1.500,5 hoặc 1,5 tỷ)")


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
    """Parse a data-file (.json) amount such as "67765" or "967.6"; floats, other styles and amounts the database
    would not hold exactly are refused. The value keeps the places it was written with ('381.0')."""
    if not isinstance(text, str) or not CANONICAL.match(text) or len(text) > _MAX_TYPED:
        raise BadNumber(f"số không hợp lệ: {str(text)[:_MAX_TYPED]!r} (cần dạng 67765 hoặc 967.6, "
                        "đặt trong ngoặc kép)")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise BadNumber(str(exc)) from exc
    check_amount(value)
    return value


@lru_cache(maxsize=4096)
def fmt_number(value: Decimal) -> str:
    """67765 -> '67.765', 967.6 -> '967,6', 1092.0 -> '1.092' (Babel, locale vi)."""
    return format_decimal(plain(value), format="#,##0.####", locale=VI)


def fmt_count(n: int) -> str:
    """3013 -> '3.013': a count as Vietnamese writes it."""
    return fmt_number(Decimal(n))


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
    three digits ('967.6') is read as the decimal mark, as in the plan's tables. Negative amounts and amounts the
    database would not hold exactly (`check_amount`) are refused."""
    raw = " ".join(str(text).strip().split())
    if raw.startswith("-"):
        raise BadNumber("số tiền không được âm")
    m = _AMOUNT.match(raw) if len(raw) <= _MAX_TYPED else None
    if not m:
        raise BadNumber(f"không đọc được số tiền «{raw[:30]}» (ví dụ: 1.500 hoặc 1.500,5 hoặc 1,5 tỷ)")
    num = m.group("num")
    if "," in num or re.fullmatch(r"\d{1,3}(?:\.\d{3})+", num):
        num = num.replace(".", "").replace(",", ".")
    value = Decimal(num)
    if (m.group("unit") or "").lower() in ("tỷ", "ty", "tỉ", "ti"):
        value = value.scaleb(3, Context(prec=MAX_PREC))  # × 1000, exactly
    return check_amount(value)
