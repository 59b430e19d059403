"""What an admin types after /themmoc: '<dd/mm/yyyy> [HH:MM] [hằng năm|hằng tháng] <tiêu đề>', read into a due
time, a recurrence and a title, or refused with a Vietnamese message that says what is wrong."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from knowledge.fields import visible_text
from knowledge.numbers import whole_number
from knowledge.occurrences import local_text, next_occurrence

MAX_TITLE = 200
FIRST_YEAR, LAST_YEAR = 1900, 2100  # a milestone outside these years is a typo
_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
_TIME = re.compile(r"^([0-9]{1,2}):([0-9]{2})$")
_TIME_LIKE = re.compile(r"^-\d{1,2}:\d{2}$|^\d{1,2}(?::\d{1,3}|[hg]\d{1,2})$")  # -1:00, 7:5, 7h30, ٠٨:٠٠ (not 1.)
_RECURRENCE_WORDS = {"hằng năm": "yearly", "hàng năm": "yearly", "hang nam": "yearly",
                     "hằng tháng": "monthly", "hàng tháng": "monthly", "hang thang": "monthly"}


def parse_milestone(args: list[str], tz: ZoneInfo, now: datetime) -> tuple[datetime, str, str]:
    """'<dd/mm/yyyy> [HH:MM] [hằng năm|hằng tháng] <tiêu đề>' -> (due in UTC, recurrence, title)."""
    if not args:
        raise ValueError("Thiếu ngày. Cú pháp: /themmoc dd/mm/yyyy [HH:MM] tiêu đề")
    m = _DATE.match(args[0])
    if not m:
        raise ValueError(f"Ngày «{escape(args[0][:20])}» không đúng dạng dd/mm/yyyy.")
    day, month, year = (whole_number(part, 0, 9999) or 0 for part in m.groups())
    rest = args[1:]
    hour, minute = 8, 0
    if rest and (t := _TIME.match(rest[0])):
        typed_hour, typed_minute = whole_number(t.group(1), 0, 23), whole_number(t.group(2), 0, 59)
        if typed_hour is None or typed_minute is None:
            raise ValueError(f"Giờ «{escape(rest[0])}» không tồn tại: giờ phải từ 00:00 đến 23:59.")
        hour, minute, rest = typed_hour, typed_minute, rest[1:]
    elif rest and _TIME_LIKE.match(rest[0]):  # '-1:00', '7h30': a time, mistyped, is not the title's first word
        raise ValueError(f"Giờ «{escape(rest[0][:10])}» không đúng dạng HH:MM (00:00 đến 23:59).")
    if not FIRST_YEAR <= year <= LAST_YEAR:  # a year 1 or 9999 is a typo (a past date is said later)
        raise ValueError(f"Năm {escape(m.group(3))} không hợp lệ: mốc phải từ năm {now.year} đến {LAST_YEAR}.")
    try:
        local = datetime(year, month, day, hour, minute, tzinfo=tz)
    except ValueError:
        raise ValueError(f"Ngày {escape(args[0])} không tồn tại.") from None
    title = " ".join(rest).strip()
    recurrence = ""
    for words, kind in _RECURRENCE_WORDS.items():
        if title.lower().startswith(words + " "):
            recurrence, title = kind, title[len(words):].strip()
            break
    if not title:
        raise ValueError("Thiếu tiêu đề mốc. Ví dụ: /themmoc 31/12/2026 17:00 Nộp báo cáo ứng dụng CNTT")
    title = visible_text(title, MAX_TITLE, "Tiêu đề mốc")
    due = local.astimezone(ZoneInfo("UTC"))
    if due <= now and not recurrence:
        raise ValueError(f"Ngày {local_text(due, tz)} đã qua; mốc mới phải ở tương lai.")
    if recurrence and due <= now:
        due = next_occurrence(due, recurrence, now + timedelta(seconds=1), tz) or due
    return due, recurrence, title
