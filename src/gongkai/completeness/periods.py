"""Dates and periods written in documents: 自2025年9月25日至10月17日, 截止时间：…, 为期15天.

Working days follow the official holiday calendar (chinese-calendar: 调休 make-up working
days count, holidays do not). As in 民法典第二百零一条, the day a period starts is not
counted: a period from the 25th to the 30th of a working week is 3 working days (26, 29, 30).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import regex

CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

_NUM = r"(?:\d{1,4}|[〇○零一二三四五六七八九十]{1,4})"
DATE = regex.compile(
    rf"(?:(?P<y>\d{{4}}|[〇○零一二三四五六七八九]{{4}})\s*年\s*)?(?:(?P<m>{_NUM})\s*月\s*)?(?P<d>{_NUM})\s*[日号]"
)
RANGE = regex.compile(
    rf"(?P<a>(?:\d{{4}}|[〇○零一二三四五六七八九]{{4}})\s*年\s*{_NUM}\s*月\s*{_NUM}\s*[日号])(?:\s*\d{{1,2}}[:：]\d{{2}})?\s*(?:起)?\s*"
    rf"(?:至|到|—|－|–|-|~|～)\s*(?P<b>(?:(?:\d{{4}}|[〇○零一二三四五六七八九]{{4}})\s*年\s*)?(?:{_NUM}\s*月\s*)?{_NUM}\s*[日号])"
)
END_ONLY = regex.compile(
    rf"(?:截止|截至|截止时间|截止日期|结束时间)\s*(?:时间|日期)?\s*(?:为|是|：|:)?\s*"
    rf"(?P<b>(?:\d{{4}}|[〇○零一二三四五六七八九]{{4}})\s*年\s*{_NUM}\s*月\s*{_NUM}\s*[日号])"
    rf"|(?P<b2>(?:\d{{4}}|[〇○零一二三四五六七八九]{{4}})\s*年\s*{_NUM}\s*月\s*{_NUM}\s*[日号])(?:\s*\d{{1,2}}[:：]\d{{2}})?\s*(?:前|之前|以前|截止)"
)
DURATION = regex.compile(rf"(?:为期|期限为|时间为|期限|为)\s*(?P<n>{_NUM})\s*(?P<unit>个工作日|天|日|个自然日)")


def cn_number(text: str) -> int:
    """An Arabic or Chinese numeral (up to 九十九, or digit by digit for years)."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (CN_DIGITS.get(ones, 0) if ones else 0)
    return int("".join(str(CN_DIGITS[c]) for c in text))


def parse_date(text: str, default: dt.date | None = None) -> dt.date | None:
    """A date from text like 2025年9月25日; a missing year or month comes from ``default``."""
    m = DATE.search(text)
    if not m:
        return None
    try:
        day = cn_number(m["d"])
        month = cn_number(m["m"]) if m["m"] else (default.month if default else None)
        year = cn_number(m["y"]) if m["y"] else (default.year if default else None)
        if month is None or year is None:
            return None
        return dt.date(year, month, day)
    except (ValueError, KeyError):
        return None


@dataclass(frozen=True)
class Period:
    start: dt.date | None
    end: dt.date | None
    days: int | None = None  # a stated duration (为期N天)
    unit: str | None = None  # 天 or 个工作日
    evidence: str = ""


def find_period(text: str, issued: dt.date | None = None) -> Period | None:
    """The period a notice states; a start left out defaults to the date of issue."""
    m = RANGE.search(text)
    if m:
        start = parse_date(m["a"])
        end = parse_date(m["b"], default=start)
        if start and end:
            return Period(start, end, evidence=m.group())
    m = END_ONLY.search(text)
    if m:
        end = parse_date(m["b"] or m["b2"])
        if end:
            return Period(issued, end, evidence=m.group())
    m = DURATION.search(text)
    if m:
        n = cn_number(m["n"])
        unit = "个工作日" if "工作日" in m["unit"] else "天"
        return Period(issued, None, n, unit, evidence=m.group())
    return None


class CalendarGap(Exception):
    """The holiday calendar has no data for a year."""


def working_days(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` on the official calendar."""
    import chinese_calendar

    count = 0
    day = start + dt.timedelta(days=1)
    while day <= end:
        try:
            if chinese_calendar.is_workday(day):
                count += 1
        except NotImplementedError as exc:
            raise CalendarGap(str(exc)) from None
        day += dt.timedelta(days=1)
    return count


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The date on which a period of ``n`` working days that starts on ``start`` ends."""
    import chinese_calendar

    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        try:
            if chinese_calendar.is_workday(day):
                n -= 1
        except NotImplementedError as exc:
            raise CalendarGap(str(exc)) from None
    return day
