"""When a record is: the years it has figures for, its period, its appendix, its main amount column."""
from __future__ import annotations

import re

from knowledge.records import Record

AMOUNT_KINDS = {"project", "group", "budget", "budget_line", "funding"}  # records that state amounts (and counts)
YEAR_MONEY_KINDS = ("budget_line", "funding", "budget")  # a year's money, in order of preference for a year alone
AMOUNT_COLUMNS = ("ke_hoach", "tmdt", "tong", "tdt")  # the column a comparison uses, in order of preference
_YEAR_IN_TEXT = re.compile(r"\bnăm ((?:19|20)\d\d)\b", re.IGNORECASE)  # "… năm 2013", not a period


def record_years(r: Record) -> set[int]:
    """Years the record has a figure for: amount columns, nam_YYYY fields, its year, a year in a group's title."""
    years = {int(c) for c in r.amounts if c.isdigit()}
    years |= {int(k[4:]) for k, v in r.fields.items() if k.startswith("nam_") and k[4:].isdigit() and not blank(v)}
    if isinstance(r.get("nam"), int):
        years.add(r.get("nam"))
    if r.kind in ("group", "funding"):
        years |= {int(y) for y in _YEAR_IN_TEXT.findall(r.title)}
    return years


def blank(value: object) -> bool:
    """A cell the plan leaves empty ('-'): the plan states no figure there."""
    return str(value).strip() in ("", "-", "–")


def blank_year(r: Record, year: int | None) -> bool:
    """The record has a column for the year asked and the plan left it empty."""
    return year is not None and blank(r.fields.get(f"nam_{year}", "x"))


def record_period(r: Record) -> tuple[int, int] | None:
    """'2016-2020' -> (2016, 2020)."""
    p = r.get("giai_doan", "")
    a, _, b = p.partition("-")
    return (int(a), int(b)) if a.isdigit() and b.isdigit() else None


def amount_column(r: Record) -> str | None:
    """The column that stands for the record's amount (kế hoạch vốn, else TMĐT, else tổng)."""
    return next((c for c in AMOUNT_COLUMNS if c in r.amounts), None)


def appendix_of(r: Record) -> int | None:
    """'Phụ lục 4, mục 1.3' -> 4."""
    m = re.match(r"Phụ lục (\d+)", r.source)
    return int(m.group(1)) if m else None
