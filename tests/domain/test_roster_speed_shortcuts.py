"""The 名簿取込's shortcuts give the answers of the rules they stand in for.

An import checks 50,000 rows, so the hot paths skip work a rule shows to be
unneeded: a reading already in stored form is returned as it is, an ASCII
受講者番号 or e-mail address skips NFKC, and a date is only tried against the
patterns its first character allows. Each test here writes the rule out the
long way and checks the shortcut against it over generated text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import fields
from datetime import date

from hypothesis import example, given
from hypothesis import strategies as st

from desktop.domain import dates
from desktop.domain.dates import DateParseError, parse_date
from desktop.domain.roster import CleanLearner, LearnerDraft, LearnerKind, LearnerStatus, validate_learner
from desktop.domain.text import normalize_reading

IDEOGRAPHIC_SPACE = "\u3000"
TODAY = date(2026, 11, 22)

# --- normalize_reading: a stored-form reading is returned as it is --------------------------

# The edges of the katakana the stored form allows (ァ U+30A1 … ヺ U+30FA, ー ヽ ヾ ・) and
# their neighbours just outside (゠ U+30A0, ヿ U+30FF), every kind of space, and kana
# that need folding (hiragana, half-width).
READING_ALPHABET = "ァアヺーヽヾ・゠ヿガｱﾞあ \u3000\t\n\xa0\u2003A"


def _reading_slowly(text: str) -> str:
    """The rule: NFKC, hiragana as katakana, NFKC again, spaces as one ideographic space."""
    to_katakana = str.maketrans({chr(code): chr(code + 0x60) for code in range(0x3041, 0x3097)})
    to_katakana.update({0x309D: 0x30FD, 0x309E: 0x30FE})
    katakana = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).translate(to_katakana))
    return re.sub(r"\s+", IDEOGRAPHIC_SPACE, katakana.strip())


@given(st.text(alphabet=READING_ALPHABET, max_size=12))
@example("ヤマダ\u3000タロウ")
@example("ヤマダ\u3000\u3000タロウ")
@example("\u3000ヤマダ")
@example("ヤマダ\u3000")
@example("ヺ・ヽ")
@example("゠")
@example("ヿ")
@example("")
def test_normalize_reading_shortcut_agrees_with_the_rule(text: str) -> None:
    assert normalize_reading(text) == _reading_slowly(text)


@given(st.lists(st.text(alphabet="ァアヺーヽヾ・ガ", min_size=1, max_size=6), min_size=1, max_size=4))
def test_a_stored_reading_is_returned_as_it_is(words: list[str]) -> None:
    stored = IDEOGRAPHIC_SPACE.join(words)

    assert normalize_reading(stored) is stored


# --- validate_learner: ASCII skips NFKC -----------------------------------------------------

# ASCII and the full-width and compatibility forms NFKC folds into it.
CODE_ALPHABET = "Aa0_-.@+ \t\u3000ＡａＺ０９＿－．＠ｶﾞ①ⅷ\u00a0"


def _draft(number: str = "A-001", email: str = "") -> LearnerDraft:
    return LearnerDraft(None, number, "山田　太郎", "ヤマダ　タロウ", email, organization_name="みらい市")


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
@example("")
@example(" \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f ")
def test_nfkc_leaves_ascii_as_it_is(text: str) -> None:
    # What lets validate_learner strip an ASCII field instead of normalising it.
    assert unicodedata.normalize("NFKC", text).strip() == text.strip()


@given(st.text(alphabet=CODE_ALPHABET, max_size=40))
@example("ＡＢＣ－１２３")
@example(" A-001\u3000")
@example("a" * 33)
@example("")
def test_a_number_is_stored_as_nfkc_then_strip(number: str) -> None:
    expected = unicodedata.normalize("NFKC", number).strip()
    acceptable = 0 < len(expected) <= 32 and re.fullmatch(r"[A-Za-z0-9_\-]+", expected) is not None

    clean, problems = validate_learner(_draft(number=number), TODAY)

    assert (clean.number if clean else None) == (expected if acceptable else None)
    assert [p.field for p in problems] == ([] if acceptable else ["number"])


@given(st.text(alphabet=CODE_ALPHABET + "bcjpx", max_size=40))
@example("Taro@Example.lg.jp")
@example("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ")
@example(" a@b.jp\t")
@example("a@b")
def test_an_email_is_stored_as_nfkc_then_strip(email: str) -> None:
    expected = unicodedata.normalize("NFKC", email).strip()
    pattern = r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+"
    acceptable = not expected or (len(expected) <= 254 and re.fullmatch(pattern, expected) is not None)

    clean, problems = validate_learner(_draft(email=email), TODAY)

    assert (clean.email if clean else "bad") == ((expected or None) if acceptable else "bad")
    assert [p.field for p in problems] == ([] if acceptable else ["email"])


def test_validate_learner_puts_each_value_in_its_own_field() -> None:
    # CleanLearner is built positionally: every field must still receive its own value.
    draft = LearnerDraft(
        organization_id=7,
        number="N-1",
        name="名前",
        furigana="ヨミ",
        email="m@example.jp",
        department_id=9,
        organization_name="団体",
        department_name="所属",
        job_title="職名",
        kind=LearnerKind.JOB_SEEKER,
        role="育成",
        status=LearnerStatus.ON_LEAVE,
        birth_date=date(1990, 1, 2),
        insured_number="1234-567890-1",
        notes="備考",
    )

    clean, problems = validate_learner(draft, TODAY)

    assert problems == []
    assert clean == CleanLearner(
        organization_id=7,
        organization_name="団体",
        number="N-1",
        name="名前",
        furigana="ヨミ",
        email="m@example.jp",
        department_id=9,
        department_name="所属",
        job_title="職名",
        kind=LearnerKind.JOB_SEEKER,
        role="育成",
        status=LearnerStatus.ON_LEAVE,
        birth_date=date(1990, 1, 2),
        insured_number="12345678901",
        notes="備考",
    )
    assert len({getattr(clean, f.name) for f in fields(CleanLearner)}) == len(fields(CleanLearner))


# --- parse_date: the first character picks the patterns ---------------------------------------


def _parse_slowly(text: str) -> date | None:
    """The rule: every pattern tried in turn, serial, compact, western, 和暦."""
    normalized = unicodedata.normalize("NFKC", text).strip().translate(dates._DASHES)
    if not normalized:
        return None
    if dates._SERIAL.fullmatch(normalized):
        return dates.excel_serial_to_date(float(normalized))
    for pattern in (dates._COMPACT, dates._WESTERN, dates._WAREKI):
        match = pattern.fullmatch(normalized)
        if match is None:
            continue
        groups = match.groupdict()
        month = groups.get("m") or groups.get("m1") or groups["m2"]
        day = groups.get("d") or groups.get("d1") or groups["d2"]
        if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
            raise DateParseError(dates._UNREADABLE)
        if pattern is dates._WAREKI:
            year = 1 if match["y"] == "元" else int(match["y"])
            return dates._wareki(dates._ERA_BY_TOKEN[match["era"]], year, int(month), int(day))
        return dates._western(int(match["y"]), int(month), int(day))
    raise DateParseError(dates._UNREADABLE)


def _outcome(parse: object, text: str) -> object:
    assert callable(parse)
    try:
        return parse(text)
    except DateParseError as error:
        return ("error", str(error))


ERAS = st.sampled_from(
    ["明治", "大正", "昭和", "平成", "令和", "M", "T", "S", "H", "R", "s", "昭", "平", "令", ""]
)
NUMBERS = st.one_of(st.integers(0, 70).map(str), st.integers(1000, 9999).map(str), st.just("元"))
SEPARATORS = st.sampled_from(["/", ".", "-", "／", "．", "ー", "年"])


@st.composite
def dates_as_typed(draw: st.DrawFn) -> str:
    era, year, separator = draw(ERAS), draw(NUMBERS), draw(SEPARATORS)
    month, day = draw(st.integers(0, 13)), draw(st.integers(0, 32))
    body = f"{year}年{month}月{day}日" if separator == "年" else f"{year}{separator}{month}{separator}{day}"
    if draw(st.booleans()):
        body = f"{year}{month:02d}{day:02d}"
    suffix = draw(st.sampled_from(["", " 10:23", "T10:23:00Z", " 9:05:00+09:00"]))
    return draw(st.sampled_from(["", " ", IDEOGRAPHIC_SPACE])) + era + body + suffix


DATE_ALPHABET = "0123456789０１２３/-.．／ー 年月日元明治大正昭和平成令和MTSHRmtshrTZ:+\u3000"


@given(
    st.one_of(
        dates_as_typed(),
        st.integers(0, 200_000).map(str),  # Excel serials, and numbers of other lengths
        st.integers(0, 99_999).map("{:05d}".format),
        st.text(alphabet=DATE_ALPHABET, max_size=24),
        st.text(max_size=12),
    )
)
@example("S60.4.1")
@example("昭和64年1月8日")
@example("平成元年1月7日")
@example("45383")
@example("2024/13/01")
@example("20230230")
@example("１９８５／０４／０１")
@example("H")
@example("99999")
@example("01234")
@example("9999/12/31")
@example("99991231")
def test_parse_date_agrees_with_trying_every_pattern(text: str) -> None:
    assert _outcome(parse_date, text) == _outcome(_parse_slowly, text)
