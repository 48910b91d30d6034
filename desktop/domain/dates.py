"""Dates as clerks type them and as spreadsheets export them.

A 名簿 arrives from many hands: HR systems write 2024/4/1 or 20240401, older
forms write 昭和60年4月1日 or S60.4.1, Excel hands over serial numbers when a
cell lost its format, and Udemy exports carry timestamps. parse_date accepts
all of these and answers either a date or a short Japanese reason that can be
shown to the clerk as it is; the caller adds the file, line and column.

Eras follow the conventional Gregorian start dates: 明治 from 1868-01-25
(明治元年1月1日 of the old calendar), each later era from its 改元 day, and an
era ends the day before the next begins.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache


class DateParseError(ValueError):
    """A date that cannot be read; str(exc) is a short Japanese reason fit to show a clerk."""


@dataclass(frozen=True)
class _Era:
    name: str
    start: date  # first day, inclusive
    letter: str  # the one-letter abbreviation: S60.4.1
    kanji: str  # the one-kanji abbreviation: 昭60.4.1


_ERAS: tuple[_Era, ...] = (
    _Era("明治", date(1868, 1, 25), "M", "明"),
    _Era("大正", date(1912, 7, 30), "T", "大"),
    _Era("昭和", date(1926, 12, 25), "S", "昭"),
    _Era("平成", date(1989, 1, 8), "H", "平"),
    _Era("令和", date(2019, 5, 1), "R", "令"),
)
# The last day of each era but the current one: the day before its successor began.
_LAST_DAY: dict[str, date] = {
    era.name: successor.start - timedelta(days=1) for era, successor in itertools.pairwise(_ERAS)
}
_ERA_BY_TOKEN: dict[str, _Era] = {}
for _era in _ERAS:
    for _token in (_era.name, _era.letter, _era.letter.lower(), _era.kanji):
        _ERA_BY_TOKEN[_token] = _era

_UNREADABLE = "日付として読めません。2024/4/1、令和6年4月1日、R6.4.1 などの形で入力してください。"

# Excel's 1900 date system: serial 1 is 1900-01-01, and serial 60 is the
# 1900-02-29 that Lotus 1-2-3 invented and Excel kept for compatibility. From
# 61 (1900-03-01) on, the serial counts days from 1899-12-30.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60
_EXCEL_MAX_SERIAL = (date.max - _EXCEL_EPOCH).days  # 2958465 = 9999-12-31

# NFKC turns full-width digits, letters and ／－． into ASCII, but leaves the
# dashes an IME or a word processor offers in place of a hyphen.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2012\u2013\u2014\u2015\u2212\u30fc", "-"))

# [0-9], not \d: \d also matches Arabic-Indic and other digits NFKC keeps.
_D = "[0-9]"
# A time after the date is accepted and ignored: 10:23, 9:05:00, T10:23:00.123+09:00, …Z.
_TIME = rf"(?:(?:\s+|\s*T\s*){_D}{{1,2}}:{_D}{{2}}(?::{_D}{{2}}(?:\.{_D}+)?)?\s*(?:Z|UTC|[+-]{_D}{{2}}(?::?{_D}{{2}})?)?)?"
# Month and day after the year: "/4/1", "-04-01", ".4.1" (one separator throughout) or "年4月1日".
_MONTH_DAY = (
    rf"(?:\s*(?P<sep>[-/.])\s*(?P<m1>{_D}{{1,2}})\s*(?P=sep)\s*(?P<d1>{_D}{{1,2}})"
    rf"|\s*年\s*(?P<m2>{_D}{{1,2}})\s*月\s*(?P<d2>{_D}{{1,2}})\s*日)"
)
# Text serials must have five digits (10000 = 1927-05-18 to 99999): a year typed
# on its own, such as 「2024」, would otherwise quietly become 1905-07-16.
_SERIAL = re.compile(rf"{_D}{{5}}(?:\.{_D}+)?")
_COMPACT = re.compile(rf"(?P<y>{_D}{{4}})(?P<m>{_D}{{2}})(?P<d>{_D}{{2}}){_TIME}")
_WESTERN = re.compile(rf"(?P<y>{_D}{{4}}){_MONTH_DAY}{_TIME}")
_ERA_TOKEN = "|".join(re.escape(token) for token in sorted(_ERA_BY_TOKEN, key=len, reverse=True))
_WAREKI = re.compile(rf"(?P<era>{_ERA_TOKEN})\s*(?P<y>元|{_D}{{1,3}}){_MONTH_DAY}{_TIME}")


def parse_date(text: str) -> date | None:
    """Blank (after strip) → None. Otherwise a date or DateParseError."""
    return _parse_date(text)


# A 50,000-row roster repeats its birth dates many times over; errors are not cached.
@lru_cache(maxsize=65536)
def _parse_date(text: str) -> date | None:
    # NFKC and the dash table change nothing in ASCII, the usual case.
    normalized = (
        text.strip() if text.isascii() else unicodedata.normalize("NFKC", text).strip().translate(_DASHES)
    )
    if not normalized:
        return None
    # The western forms all begin with a digit and the 和暦 forms never do, so the
    # first character picks the patterns worth trying (each miss costs a regex call).
    if "0" <= normalized[0] <= "9":
        if _SERIAL.fullmatch(normalized):
            return excel_serial_to_date(float(normalized))
        if match := _COMPACT.fullmatch(normalized):
            return _western(int(match["y"]), *_month_day(match["m"], match["d"]))
        if match := _WESTERN.fullmatch(normalized):
            return _western(
                int(match["y"]), *_month_day(match["m1"] or match["m2"], match["d1"] or match["d2"])
            )
    elif match := _WAREKI.fullmatch(normalized):
        month, day = _month_day(match["m1"] or match["m2"], match["d1"] or match["d2"])
        year = 1 if match["y"] == "元" else int(match["y"])
        return _wareki(_ERA_BY_TOKEN[match["era"]], year, month, day)
    raise DateParseError(_UNREADABLE)


def _month_day(month_text: str, day_text: str) -> tuple[int, int]:
    month, day = int(month_text), int(day_text)
    # 2024/13/01 is more likely a typo or a day-first date than a date that
    # happens not to exist, so it gets the message that shows the expected forms.
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise DateParseError(_UNREADABLE)
    return month, day


def _western(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateParseError(f"{year}年{month}月{day}日は存在しない日付です。") from None


def _wareki(era: _Era, year: int, month: int, day: int) -> date:
    if year == 0:
        raise DateParseError(f"{era.name}0年はありません（元年から数えます）。")
    try:
        result = date(era.start.year + year - 1, month, day)
    except ValueError:
        raise DateParseError(f"{_typed(era, year, month, day)}は存在しない日付です。") from None
    if result < era.start:
        first = f"{_year_text(1)}{era.start.month}月{era.start.day}日"
        raise DateParseError(f"{_typed(era, year, month, day)}は存在しません（{era.name}は{first}から）。")
    last = _LAST_DAY.get(era.name)
    if last is not None and result > last:
        last_year = last.year - era.start.year + 1
        raise DateParseError(
            f"{_typed(era, year, month, day)}は存在しません"
            f"（{era.name}は{_year_text(last_year)}{last.month}月{last.day}日まで）。"
        )
    return result


def _typed(era: _Era, year: int, month: int, day: int) -> str:
    """The 和暦 date as the clerk meant it, for a message (only built when there is one)."""
    return f"{era.name}{_year_text(year)}{month}月{day}日"


def _year_text(year: int, *, gannen: bool = True) -> str:
    return "元年" if year == 1 and gannen else f"{year}年"


def excel_serial_to_date(serial: float) -> date:
    """The date of an Excel serial number (1900 date system); the time of day is ignored."""
    if not math.isfinite(serial):
        raise DateParseError("Excel の日付番号として読めません。")
    days = math.floor(serial)
    if not 1 <= days <= _EXCEL_MAX_SERIAL:
        raise DateParseError(f"Excel の日付番号 {days} は範囲外です（1～{_EXCEL_MAX_SERIAL}）。")
    if days == _EXCEL_FAKE_LEAP_DAY:
        raise DateParseError("Excel の日付番号 60 は存在しない1900年2月29日です。")
    if days < _EXCEL_FAKE_LEAP_DAY:
        return _EXCEL_EPOCH + timedelta(days=days + 1)
    return _EXCEL_EPOCH + timedelta(days=days)


def _era_of(d: date) -> _Era:
    for era in reversed(_ERAS):
        if d >= era.start:
            return era
    raise ValueError(f"{d.isoformat()} は明治より前なので和暦で表せません。")


def wareki_year(d: date) -> tuple[str, int]:
    """The era name and the year within it: 2025-04-01 → ('令和', 7). ValueError before 明治."""
    era = _era_of(d)
    return era.name, d.year - era.start.year + 1


def to_wareki(d: date, *, gannen: bool = True) -> str:
    """'令和7年4月1日'; the first year is 元年 unless gannen=False ('令和1年5月1日')."""
    name, year = wareki_year(d)
    return f"{name}{_year_text(year, gannen=gannen)}{d.month}月{d.day}日"


def fiscal_year(d: date) -> int:
    """年度, which runs April to March: 2025-03-31 → 2024, 2025-04-01 → 2025."""
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_wareki(year: int) -> str:
    """年度 2026 → '令和8年度'; ValueError before 明治.

    A 年度 takes the era of the calendar year it starts in, as that year ends:
    2019年度 is 令和元年度 (as offices wrote it once the era had changed in May),
    1988年度 stays 昭和63年度 although 平成 began in its January.
    """
    name, era_year = wareki_year(date(year, 12, 31))
    return f"{name}{_year_text(era_year)}度"


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clamped to the month's last day (1/31 + 1 → 2/28)."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_first = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(d.day, (next_first - timedelta(days=1)).day))
