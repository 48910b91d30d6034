"""Dates as clerks type them: western, 和暦, Excel serials and timestamps, and their errors."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from desktop.domain.dates import (
    DateParseError,
    excel_serial_to_date,
    fiscal_year,
    fiscal_year_wareki,
    parse_date,
    to_wareki,
    wareki_year,
)

UNREADABLE_PREFIX = "日付として読めません。"
MEIJI_START = date(1868, 1, 25)
# Built here rather than imported, so the tests do not share a table with the code.
ERA_LETTERS = {"明治": "M", "大正": "T", "昭和": "S", "平成": "H", "令和": "R"}
# Full-width twins of printable ASCII (！ U+FF01 … ～ U+FF5E), as a Japanese IME types them.
TO_FULL_WIDTH = str.maketrans({chr(code): chr(code + 0xFEE0) for code in range(0x21, 0x7F)})
EXCEL_EPOCH = date(1899, 12, 30)  # serial 61 = 1900-03-01 counts from here


def reason(text: str) -> str:
    with pytest.raises(DateParseError) as caught:
        parse_date(text)
    return str(caught.value)


# --- accepted forms ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # western
        ("2024/4/1", date(2024, 4, 1)),
        ("2024/04/01", date(2024, 4, 1)),
        ("2024-04-01", date(2024, 4, 1)),
        ("2024.4.1", date(2024, 4, 1)),
        ("2024年4月1日", date(2024, 4, 1)),
        ("2024 年 4 月 1 日", date(2024, 4, 1)),
        ("20240401", date(2024, 4, 1)),
        ("  2024/4/1\t", date(2024, 4, 1)),
        # western with a time that is ignored
        ("2024-04-01 10:23:00", date(2024, 4, 1)),
        ("2024/4/1 9:05", date(2024, 4, 1)),
        ("2024-04-01T10:23:00Z", date(2024, 4, 1)),
        ("2024-04-01T10:23:00.123+09:00", date(2024, 4, 1)),
        ("2024-04-01T23:59:59-05:00", date(2024, 4, 1)),
        ("2024年4月1日 10:23", date(2024, 4, 1)),
        ("20240401 10:23:00", date(2024, 4, 1)),
        # full width, as an IME types it
        ("２０２４／４／１", date(2024, 4, 1)),
        ("２０２４－０４－０１", date(2024, 4, 1)),
        ("２０２４年４月１日", date(2024, 4, 1)),
        ("２０２４０４０１", date(2024, 4, 1)),
        # dashes a word processor substitutes for the hyphen
        ("2024\u22124\u22121", date(2024, 4, 1)),
        ("2024ー4ー1", date(2024, 4, 1)),
        # Excel serials given as text
        ("45383", date(2024, 4, 1)),
        ("45383.5", date(2024, 4, 1)),
        ("45383.999", date(2024, 4, 1)),
        ("４５３８３", date(2024, 4, 1)),
        # 和暦, kanji era names
        ("昭和60年4月1日", date(1985, 4, 1)),
        ("昭和60年04月01日", date(1985, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("令和1年5月1日", date(2019, 5, 1)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("令和 7年 4月 1日", date(2025, 4, 1)),
        ("令和　７年　４月　１日", date(2025, 4, 1)),
        ("平成31/4/30", date(2019, 4, 30)),
        ("令和7.4.1", date(2025, 4, 1)),
        ("明治45年7月29日", date(1912, 7, 29)),
        ("大正元年7月30日", date(1912, 7, 30)),
        # 和暦, abbreviated
        ("S60.4.1", date(1985, 4, 1)),
        ("s60.4.1", date(1985, 4, 1)),
        ("H1.1.8", date(1989, 1, 8)),
        ("R1.5.1", date(2019, 5, 1)),
        ("R01.05.01", date(2019, 5, 1)),
        ("R元.5.1", date(2019, 5, 1)),
        ("H31/4/30", date(2019, 4, 30)),
        ("H31-4-30", date(2019, 4, 30)),
        ("M1.1.25", date(1868, 1, 25)),
        ("T15.12.24", date(1926, 12, 24)),
        ("r 7 . 4 . 1", date(2025, 4, 1)),
        ("Ｒ７．４．１", date(2025, 4, 1)),
        ("ｓ６０．４．１", date(1985, 4, 1)),
        ("昭60.4.1", date(1985, 4, 1)),
        ("R7年4月1日", date(2025, 4, 1)),
    ],
)
def test_accepted_forms(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", " ", "\u3000", "\t\n ", "\u00a0"])
def test_blank_is_no_date(text: str) -> None:
    assert parse_date(text) is None


# --- era boundaries ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("明治45年7月29日", date(1912, 7, 29)),
        ("大正元年7月30日", date(1912, 7, 30)),
        ("T1.7.30", date(1912, 7, 30)),
        ("大正15年12月24日", date(1926, 12, 24)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("S1.12.25", date(1926, 12, 25)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("S64.1.7", date(1989, 1, 7)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("H1.1.8", date(1989, 1, 8)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("H31.4.30", date(2019, 4, 30)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("R1.5.1", date(2019, 5, 1)),
    ],
)
def test_last_and_first_days_of_eras(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected_reason"),
    [
        ("昭和64年1月8日", "昭和64年1月8日は存在しません（昭和は64年1月7日まで）。"),
        ("S64.1.8", "昭和64年1月8日は存在しません（昭和は64年1月7日まで）。"),
        ("平成31年5月1日", "平成31年5月1日は存在しません（平成は31年4月30日まで）。"),
        ("H31.5.1", "平成31年5月1日は存在しません（平成は31年4月30日まで）。"),
        ("平成元年1月7日", "平成元年1月7日は存在しません（平成は元年1月8日から）。"),
        ("H1.1.7", "平成元年1月7日は存在しません（平成は元年1月8日から）。"),
        ("令和元年4月30日", "令和元年4月30日は存在しません（令和は元年5月1日から）。"),
        ("大正15年12月25日", "大正15年12月25日は存在しません（大正は15年12月24日まで）。"),
        ("昭和元年12月24日", "昭和元年12月24日は存在しません（昭和は元年12月25日から）。"),
        ("明治45年7月30日", "明治45年7月30日は存在しません（明治は45年7月29日まで）。"),
        ("大正元年7月29日", "大正元年7月29日は存在しません（大正は元年7月30日から）。"),
        ("明治元年1月24日", "明治元年1月24日は存在しません（明治は元年1月25日から）。"),
        ("昭和100年1月1日", "昭和100年1月1日は存在しません（昭和は64年1月7日まで）。"),
    ],
)
def test_wareki_outside_its_era_is_refused(text: str, expected_reason: str) -> None:
    assert reason(text) == expected_reason


@pytest.mark.parametrize("text", ["令和0年4月1日", "R0.4.1", "平成00年1月1日"])
def test_year_zero_of_an_era_is_refused(text: str) -> None:
    assert "0年はありません" in reason(text)


# --- other errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected_reason"),
    [
        ("2023/2/30", "2023年2月30日は存在しない日付です。"),
        ("2023/2/29", "2023年2月29日は存在しない日付です。"),
        ("1900/2/29", "1900年2月29日は存在しない日付です。"),
        ("2024/4/31", "2024年4月31日は存在しない日付です。"),
        ("20230229", "2023年2月29日は存在しない日付です。"),
        ("0000/1/1", "0年1月1日は存在しない日付です。"),
        ("平成5年2月30日", "平成5年2月30日は存在しない日付です。"),
        ("H31.2.29", "平成31年2月29日は存在しない日付です。"),
    ],
)
def test_nonexistent_date_is_refused(text: str, expected_reason: str) -> None:
    assert reason(text) == expected_reason


@pytest.mark.parametrize(
    "text",
    [
        "あした",
        "2024/13/01",
        "2024/0/1",
        "2024/1/32",
        "12/31",
        "2024/4",
        "2024/4-1",  # separators must agree
        "24/4/1",  # two-digit years are ambiguous
        "2024/4/1 あさ",
        "2024-04-01X10:23",
        "202441",
        "2024041",
        "-1",
        "45383.",
        "X7.4.1",
        "令和七年四月一日",
        "令和7年4月1",
        "R7",
        "٢٠٢٤/٤/١",  # Arabic-Indic digits survive NFKC and are not read
    ],
)
def test_unreadable_text_gets_the_forms_to_use(text: str) -> None:
    assert reason(text).startswith(UNREADABLE_PREFIX)


def test_reasons_are_short_and_name_no_field() -> None:
    for text in ("あした", "2023/2/30", "昭和64年1月8日", "60"):
        message = reason(text)
        assert len(message) <= 60
        assert message.endswith("。")


# --- leap years ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024/2/29", date(2024, 2, 29)),
        ("2000/2/29", date(2000, 2, 29)),
        ("令和6年2月29日", date(2024, 2, 29)),
    ],
)
def test_leap_day_in_a_leap_year(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2023/2/29", "1900/2/29", "2100/2/29", "令和5年2月29日"])
def test_leap_day_in_a_common_year_is_refused(text: str) -> None:
    assert "存在しない日付" in reason(text)


# --- Excel serials -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, date(1900, 1, 1)),
        (1.75, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        (45383, date(2024, 4, 1)),
        (45383.5, date(2024, 4, 1)),
        (2958465, date(9999, 12, 31)),
    ],
)
def test_excel_serial(serial: float, expected: date) -> None:
    assert excel_serial_to_date(serial) == expected


def test_excel_serial_60_is_the_lotus_leap_day() -> None:
    with pytest.raises(DateParseError, match="1900年2月29日"):
        excel_serial_to_date(60)


@pytest.mark.parametrize("serial", [0, 0.5, -1, 2958466, float("nan"), float("inf"), float("-inf")])
def test_excel_serial_out_of_range(serial: float) -> None:
    with pytest.raises(DateParseError):
        excel_serial_to_date(serial)


@pytest.mark.parametrize("text", ["0", "61", "2024", "2024.4"])
def test_short_numbers_are_not_taken_for_excel_serials(text: str) -> None:
    assert "日付として読めません" in reason(text)


# --- to_wareki, wareki_year, fiscal_year ---------------------------------------------------


@pytest.mark.parametrize(
    ("day", "gannen", "expected"),
    [
        (date(2025, 4, 1), True, "令和7年4月1日"),
        (date(2019, 5, 1), True, "令和元年5月1日"),
        (date(2019, 5, 1), False, "令和1年5月1日"),
        (date(2019, 4, 30), True, "平成31年4月30日"),
        (date(1989, 1, 8), True, "平成元年1月8日"),
        (date(1989, 1, 7), True, "昭和64年1月7日"),
        (date(1926, 12, 25), True, "昭和元年12月25日"),
        (date(1926, 12, 24), True, "大正15年12月24日"),
        (date(1912, 7, 30), False, "大正1年7月30日"),
        (date(1912, 7, 29), True, "明治45年7月29日"),
        (date(1868, 1, 25), True, "明治元年1月25日"),
    ],
)
def test_to_wareki(day: date, gannen: bool, expected: str) -> None:
    assert to_wareki(day, gannen=gannen) == expected


def test_wareki_year() -> None:
    assert wareki_year(date(2025, 4, 1)) == ("令和", 7)
    assert wareki_year(date(2019, 4, 30)) == ("平成", 31)
    assert wareki_year(date(2019, 5, 1)) == ("令和", 1)


def test_before_meiji_has_no_wareki() -> None:
    with pytest.raises(ValueError):
        to_wareki(date(1868, 1, 24))
    with pytest.raises(ValueError):
        wareki_year(date(1, 1, 1))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 3, 31), 2024),
        (date(2025, 4, 1), 2025),
        (date(2025, 1, 1), 2024),
        (date(2024, 12, 31), 2024),
        (date(2025, 3, 1), 2024),
    ],
)
def test_fiscal_year(day: date, expected: int) -> None:
    assert fiscal_year(day) == expected


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2026, "令和8年度"),
        (2020, "令和2年度"),
        (2019, "令和元年度"),  # 令和 began in May, a month into the 年度
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),  # 平成 began in January 1989, inside this 年度
    ],
)
def test_fiscal_year_wareki(year: int, expected: str) -> None:
    assert fiscal_year_wareki(year) == expected


# --- properties ----------------------------------------------------------------------------

wareki_dates = st.dates(min_value=MEIJI_START, max_value=date(2100, 12, 31))
# Characters dates are made of, so that random text reaches every branch of the parser.
date_like_text = st.text(
    alphabet="0123456789０１２３/-.．／ー 年月日元明治大正昭和平成令和MTSHRmtshrTZ:+\u3000", max_size=24
)


def abbreviated(day: date) -> str:
    era, year = wareki_year(day)
    return f"{ERA_LETTERS[era]}{year}.{day.month}.{day.day}"


def written_forms(day: date) -> list[str]:
    forms = [
        f"{day.year}/{day.month}/{day.day}",
        day.isoformat(),
        to_wareki(day),
        to_wareki(day, gannen=False),
        abbreviated(day),
    ]
    return forms + [form.translate(TO_FULL_WIDTH) for form in forms]


@given(wareki_dates)
@example(date(1868, 1, 25))
@example(date(1912, 7, 29))
@example(date(1912, 7, 30))
@example(date(1926, 12, 24))
@example(date(1926, 12, 25))
@example(date(1989, 1, 7))
@example(date(1989, 1, 8))
@example(date(2019, 4, 30))
@example(date(2019, 5, 1))
@example(date(2100, 12, 31))
def test_every_written_form_reads_back(day: date) -> None:
    for form in written_forms(day):
        assert parse_date(form) == day, form


@given(wareki_dates)
def test_wareki_year_matches_to_wareki(day: date) -> None:
    era, year = wareki_year(day)

    assert to_wareki(day, gannen=False) == f"{era}{year}年{day.month}月{day.day}日"
    assert year >= 1


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)), st.floats(0, 0.999))
@example(date(1900, 3, 1), 0.0)
@example(date(9999, 12, 31), 0.999)
def test_excel_serial_round_trip(day: date, time_of_day: float) -> None:
    serial = (day - EXCEL_EPOCH).days

    assert excel_serial_to_date(serial) == day
    assert excel_serial_to_date(serial + time_of_day) == day
    if 10_000 <= serial < 100_000:  # only five-digit numbers are read as serials
        assert parse_date(str(serial)) == day
        assert parse_date(f"{serial}.5") == day


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(1900, 2, 28)))
def test_excel_serials_before_the_lotus_leap_day(day: date) -> None:
    serial = (day - date(1899, 12, 31)).days

    assert excel_serial_to_date(serial) == day


@given(st.dates(min_value=date(2, 1, 1), max_value=date(9998, 12, 31)))
def test_fiscal_year_runs_april_to_march(day: date) -> None:
    year = fiscal_year(day)

    assert date(year, 4, 1) <= day < date(year + 1, 4, 1)


@given(st.one_of(st.text(), date_like_text))
@example("令和999年1月1日")
@example("9" * 5000)
@example("H" + "9" * 5000 + ".1.1")
@example("2024/4/1" + " " * 5000 + "x")
def test_any_text_gives_a_date_none_or_a_date_parse_error(text: str) -> None:
    try:
        result = parse_date(text)
    except DateParseError as error:
        assert str(error)
        return
    if result is None:
        assert not unicodedata.normalize("NFKC", text).strip()


# Unicode's space separators (Zs) and the ASCII control whitespace.
WHITESPACE = " \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000\t\n\r\x0b\x0c"


@given(st.text(alphabet=WHITESPACE))
def test_blank_text_gives_none(text: str) -> None:
    assert parse_date(text) is None
