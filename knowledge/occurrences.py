"""Dates of a milestone: its occurrences (yearly, monthly or once), lead times and 'còn 7 ngày'."""
from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_timedelta

RECURRENCES = {"": "một lần", "yearly": "hằng năm", "monthly": "hằng tháng"}


def _shift(when: datetime, months: int, tz: ZoneInfo) -> datetime:
    """The same local wall time `months` later (31/1 + 1 month -> 28 or 29/2)."""
    local = when.astimezone(tz)
    month = local.month - 1 + months
    year, month = local.year + month // 12, month % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day).astimezone(when.tzinfo)


def occurrences(due: datetime, recurrence: str, start: datetime, end: datetime, tz: ZoneInfo) -> list[datetime]:
    """Occurrences in [start, end], in order; recurrence repeats the local wall time."""
    step = {"yearly": 12, "monthly": 1}.get(recurrence)
    if not step:
        return [due] if start <= due <= end else []
    out: list[datetime] = []
    k = 0
    if due < start:  # jump close to the window instead of walking every past occurrence
        k = max(0, ((start.year - due.year) * 12 + start.month - due.month) // step - 1)
    while True:
        when = _shift(due, k * step, tz)
        if when > end:
            return out
        if when >= start:
            out.append(when)
        k += 1


def next_occurrence(due: datetime, recurrence: str, after: datetime, tz: ZoneInfo) -> datetime | None:
    found = occurrences(due, recurrence, after, after + timedelta(days=400), tz)
    return found[0] if found else None


def time_left(delta: timedelta) -> str:
    """'7 ngày', '23 tiếng', '5 phút' (Babel, locale vi)."""
    if delta >= timedelta(days=1):
        return format_timedelta(timedelta(days=delta.days), granularity="day", threshold=10**6, locale="vi")
    return format_timedelta(max(delta, timedelta(minutes=1)), threshold=1.1, locale="vi")


def local_text(when: datetime, tz: ZoneInfo) -> str:
    """dd/mm/yyyy HH:MM in the bot's time zone."""
    return when.astimezone(tz).strftime("%d/%m/%Y %H:%M")


def due_text(when: datetime, tz: ZoneInfo, derived: bool) -> str:
    """A milestone's date as the plan gives it: a plan milestone is the end of a year the plan names ('giai đoạn
    2016-2018', 'năm 2017'), so it says so rather than show a day the plan never writes."""
    local = when.astimezone(tz)
    if derived and (local.month, local.day) == (12, 31):  # a record's own dated milestone keeps its day
        return f"hết năm {local.year} (mốc suy ra: Kế hoạch chỉ ghi năm, không ghi ngày)"
    return local_text(when, tz)
