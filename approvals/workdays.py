"""Working days: Monday to Friday, minus public holidays, plus the weekends worked in exchange (调休).

The official calendar is published each November by the State Council's General Office
(国务院办公厅关于<year>年部分节假日安排的通知). To add next year: add its year to HOLIDAYS and
MAKEUP_WORKDAYS below, copying the notice's dates; ``settings.APPROVALS_EXTRA_HOLIDAYS`` (a list
of ISO dates) adds a local day off without a code change. A year missing here counts plain weekdays.
"""

import datetime

from django.conf import settings


def _days(year, *spans):
    """Every date of the (month, first day, last day) spans of ``year``."""
    return {datetime.date(year, month, day) for month, first, last in spans for day in range(first, last + 1)}


# 2026: the General Office's notice of 2025-11-04 (published by 新华社 that day), checked date by date.
HOLIDAYS = {
    # 元旦 1–3 Jan; 春节 15–23 Feb; 清明 4–6 Apr; 劳动节 1–5 May; 端午 19–21 Jun; 中秋 25–27 Sep; 国庆 1–7 Oct.
    2026: _days(2026, (1, 1, 3), (2, 15, 23), (4, 4, 6), (5, 1, 5), (6, 19, 21), (9, 25, 27), (10, 1, 7)),
}
MAKEUP_WORKDAYS = {
    # Weekends worked: 4 Jan (Sun), 14 Feb (Sat), 28 Feb (Sat), 9 May (Sat), 20 Sep (Sun), 10 Oct (Sat).
    2026: _days(2026, (1, 4, 4), (2, 14, 14), (2, 28, 28), (5, 9, 9), (9, 20, 20), (10, 10, 10)),
}


def _extra_holidays():
    return {datetime.date.fromisoformat(day) for day in getattr(settings, "APPROVALS_EXTRA_HOLIDAYS", ())}


def is_working_day(day):
    if day in MAKEUP_WORKDAYS.get(day.year, ()):
        return True
    if day in HOLIDAYS.get(day.year, ()) or day in _extra_holidays():
        return False
    return day.weekday() < 5


def add_working_days(start, days):
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start, end):
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not later)."""
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count
