"""Registration numbers as a clerk types them, and the establishment / 訓練計画 drafts that carry them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.grant_drafts import (
    ESTABLISHMENT_LABELS,
    PLAN_LABELS,
    EstablishmentDraft,
    GrantPlanDraft,
    TraineeDraft,
    parse_hours,
    parse_yen,
    validate_establishment,
    validate_grant_plan,
)
from desktop.domain.grant_plan import EmploymentType
from desktop.domain.grant_rules import TrainingMethod
from desktop.domain.registration_numbers import (
    NumberFormatError,
    clean_corporate_number,
    clean_insured_number,
    clean_office_number,
    corporate_number_check_digit,
    format_insured_number,
)
from desktop.domain.roster import SizeClass

# ---------------------------------------------------------------------------
# 雇用保険適用事業所番号: 4-6-1 digits.


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        pytest.param("1301-123456-7", "1301-123456-7", id="canonical"),
        pytest.param("13011234567", "1301-123456-7", id="no-hyphens"),
        pytest.param("1301123456-7", "1301-123456-7", id="one-hyphen"),
        pytest.param(" 1301 123456 7 ", "1301-123456-7", id="spaces"),
        pytest.param("１３０１－１２３４５６－７", "1301-123456-7", id="full-width"),
        pytest.param("１３０１１２３４５６７", "1301-123456-7", id="full-width-no-hyphens"),
        pytest.param("1301ー123456ー7", "1301-123456-7", id="katakana-long-vowel"),
        pytest.param("1301‐123456‐7", "1301-123456-7", id="u2010-hyphen"),
        pytest.param("1301−123456−7", "1301-123456-7", id="u2212-minus"),
        pytest.param("1301–123456–7", "1301-123456-7", id="en-dash"),
        pytest.param("1301　123456　7", "1301-123456-7", id="ideographic-space"),
    ],
)
def test_office_number_accepted(typed: str, clean: str) -> None:
    assert clean_office_number(typed) == clean


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("1301-12345-7", id="five-middle-digits"),
        pytest.param("130-123456-7", id="three-first-digits"),
        pytest.param("1301-123456-78", id="two-last-digits"),
        pytest.param("1301-1234567-", id="hyphen-in-wrong-place"),
        pytest.param("1301--123456-7", id="double-hyphen"),
        pytest.param("1301-12345a-7", id="a-letter"),
        pytest.param("", id="empty"),
        pytest.param("130112345678", id="twelve-digits"),
    ],
)
def test_office_number_refused(typed: str) -> None:
    with pytest.raises(NumberFormatError, match="4桁-6桁-1桁"):
        clean_office_number(typed)


# ---------------------------------------------------------------------------
# 法人番号: a check digit over 12 digits. Worked by hand with P_i counted from the right
# and Q_i = 1 for odd i, 2 for even i: check = 9 - (sum(P_i × Q_i) mod 9).

CHECK_DIGITS = [
    # base, check digit: the working
    # 000012050002 → reversed 2,0,0,0,5,0,2,1,0,… : 2 + 5 + 2 + 1×2 = 11; 11 mod 9 = 2; 9 − 2 = 7
    pytest.param("000012050002", 7, id="nta-example"),
    # all zeros: sum 0, 9 − 0 = 9 (the check digit is never 0)
    pytest.param("000000000000", 9, id="all-zeros"),
    # all ones: 6 × 1 + 6 × 2 = 18; 18 mod 9 = 0 → 9
    pytest.param("111111111111", 9, id="all-ones"),
    # 123456789012 reversed 2,1,0,9,8,7,6,5,4,3,2,1: odd 2+0+8+6+4+2 = 22, even (1+9+7+5+3+1)×2 = 52; 74 mod 9 = 2 → 7
    pytest.param("123456789012", 7, id="counting"),
    # 180301018771 reversed 1,7,7,8,1,0,1,0,3,0,8,1: odd 1+7+1+1+3+8 = 21, even (7+8+0+0+0+1)×2 = 32; 53 mod 9 = 8 → 1
    pytest.param("180301018771", 1, id="a-listed-company"),
    # 000000000001: 1 → 9 − 1 = 8
    pytest.param("000000000001", 8, id="one-in-the-odd-place"),
    # 000000000010: 1 × 2 = 2 → 7
    pytest.param("000000000010", 7, id="one-in-the-even-place"),
    # 999999999999: 6 × 9 + 6 × 18 = 162; 162 mod 9 = 0 → 9
    pytest.param("999999999999", 9, id="all-nines"),
    # 000000000004: 4 → 5
    pytest.param("000000000004", 5, id="four"),
]


@pytest.mark.parametrize(("base", "check"), CHECK_DIGITS)
def test_corporate_number_check_digit(base: str, check: int) -> None:
    assert corporate_number_check_digit(base) == check
    assert clean_corporate_number(f"{check}{base}") == f"{check}{base}"


@pytest.mark.parametrize(("base", "check"), CHECK_DIGITS)
def test_corporate_number_with_any_other_check_digit_is_refused(base: str, check: int) -> None:
    for wrong in set(range(10)) - {check}:
        with pytest.raises(NumberFormatError, match=f"検査用数字.*先頭は{check}のはず"):
            clean_corporate_number(f"{wrong}{base}")


@pytest.mark.parametrize(
    "base",
    [pytest.param("00001205000", id="eleven"), pytest.param("0000120500021", id="thirteen"), "00001205000a"],
)
def test_check_digit_needs_twelve_digits(base: str) -> None:
    with pytest.raises(ValueError, match="12桁"):
        corporate_number_check_digit(base)


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("7000012050002", id="plain"),
        pytest.param(" 7000012050002 ", id="padded"),
        pytest.param("７００００１２０５０００２", id="full-width"),
        pytest.param("7-0000-1205-0002", id="hyphenated"),
        pytest.param("7 0000 1205 0002", id="spaced"),
        pytest.param("7－0000－1205－0002", id="full-width-hyphens"),
    ],
)
def test_corporate_number_as_typed(typed: str) -> None:
    assert clean_corporate_number(typed) == "7000012050002"


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("700001205000", id="twelve-digits"),
        pytest.param("70000120500021", id="fourteen-digits"),
        pytest.param("700001205000X", id="a-letter"),
        pytest.param("", id="empty"),
    ],
)
def test_corporate_number_of_the_wrong_form_is_refused(typed: str) -> None:
    with pytest.raises(NumberFormatError, match="13桁の数字"):
        clean_corporate_number(typed)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_every_base_has_exactly_one_valid_check_digit(base: str) -> None:
    valid = []
    for check in range(10):
        try:
            clean_corporate_number(f"{check}{base}")
        except NumberFormatError:
            continue
        valid.append(check)
    assert len(valid) == 1 and 1 <= valid[0] <= 9


# ---------------------------------------------------------------------------
# 雇用保険被保険者番号: 11 digits, often written 4-6-1.


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        pytest.param("12345678901", "12345678901", id="plain"),
        pytest.param("1234-567890-1", "12345678901", id="hyphenated"),
        pytest.param("１２３４－５６７８９０－１", "12345678901", id="full-width"),
        pytest.param("９８７６ー５４３２１０ー１", "98765432101", id="katakana-long-vowel"),
        pytest.param(" 1234 567890 1 ", "12345678901", id="spaces"),
        pytest.param("1234‐567890‐1", "12345678901", id="u2010-hyphen"),
    ],
)
def test_insured_number_accepted(typed: str, clean: str) -> None:
    assert clean_insured_number(typed) == clean


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("1234-56789", id="ten-digits"),
        pytest.param("123456789012", id="twelve-digits"),
        pytest.param("1234-567890-A", id="a-letter"),
        pytest.param("", id="empty"),
    ],
)
def test_insured_number_refused(typed: str) -> None:
    with pytest.raises(NumberFormatError, match="11桁の数字"):
        clean_insured_number(typed)


@pytest.mark.parametrize(
    ("digits", "shown"),
    [
        pytest.param("12345678901", "1234-567890-1", id="eleven"),
        pytest.param("1234567890", "1234567890", id="ten-left-alone"),
        pytest.param("", "", id="empty"),
    ],
)
def test_insured_number_shown_4_6_1(digits: str, shown: str) -> None:
    assert format_insured_number(digits) == shown


# ---------------------------------------------------------------------------
# The establishment draft: every problem at once, each naming its field.


def test_establishment_draft_cleaned() -> None:
    clean, problems = validate_establishment(
        EstablishmentDraft(
            name="　株式会社　テスト ",
            size=SizeClass.SME,
            office_number="１３０１１２３４５６７",
            corporate_number=" 7000012050002 ",
            main_business=" ソフトウェア業 ",
            labour_bureau="群馬労働局",
            contact_name="",
            contact_phone="０２７－１２３－４５６７",
        )
    )
    assert problems == []
    assert clean is not None
    assert (clean.size, clean.office_number, clean.corporate_number) == (
        SizeClass.SME,
        "1301-123456-7",
        "7000012050002",
    )
    assert (clean.main_business, clean.labour_bureau, clean.contact_name, clean.contact_phone) == (
        "ソフトウェア業",
        "群馬労働局",
        None,
        "027-123-4567",
    )


def test_establishment_numbers_are_optional() -> None:
    clean, problems = validate_establishment(EstablishmentDraft("株式会社テスト", SizeClass.LARGE))
    assert problems == [] and clean is not None
    assert (clean.office_number, clean.corporate_number) == (None, None)


def test_establishment_lists_every_problem_with_its_field() -> None:
    clean, problems = validate_establishment(
        EstablishmentDraft(
            name="  ",
            size=None,
            office_number="1301-12345-7",
            corporate_number="8000012050002",
            main_business="業" * 129,
            labour_bureau="局" * 33,
            contact_name="名" * 65,
            contact_phone="03-1234-5678 内線",
        )
    )
    assert clean is None
    assert [problem.field for problem in problems] == [
        "name",
        "size",
        "office_number",
        "corporate_number",
        "main_business",
        "labour_bureau",
        "contact_name",
        "contact_phone",
    ]
    messages = {problem.field: problem.message for problem in problems}
    assert "4桁-6桁-1桁" in messages["office_number"]
    assert "検査用数字" in messages["corporate_number"] and "先頭は7" in messages["corporate_number"]
    assert "128文字以内" in messages["main_business"]
    assert "32文字以内" in messages["labour_bureau"]
    assert "64文字以内" in messages["contact_name"]
    assert "数字とハイフン" in messages["contact_phone"]
    assert {problem.field for problem in problems} <= set(ESTABLISHMENT_LABELS)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        pytest.param({"name": "社" * 129}, "name", "128文字以内", id="name-too-long"),
        pytest.param({"size": None}, "size", "中小企業・大企業", id="size-missing"),
        pytest.param({"office_number": "abc"}, "office_number", "4桁-6桁-1桁", id="office-letters"),
        pytest.param({"corporate_number": "123"}, "corporate_number", "13桁", id="corporate-short"),
        pytest.param({"contact_phone": "3" * 33}, "contact_phone", "32文字以内", id="phone-too-long"),
        pytest.param({"contact_phone": "03-1234-5678#"}, "contact_phone", "数字とハイフン", id="phone-hash"),
    ],
)
def test_establishment_single_problem(changes: dict[str, object], field: str, words: str) -> None:
    base: dict[str, object] = {"name": "株式会社テスト", "size": SizeClass.SME}
    clean, problems = validate_establishment(EstablishmentDraft(**{**base, **changes}))  # type: ignore[arg-type]
    assert clean is None
    [problem] = problems
    assert problem.field == field and words in problem.message


@pytest.mark.parametrize(
    "phone", ["03-1234-5678", "(03) 1234-5678", "０３（１２３４）５６７８", "0312345678"]
)
def test_establishment_phone_forms_accepted(phone: str) -> None:
    clean, problems = validate_establishment(
        EstablishmentDraft("株式会社テスト", SizeClass.SME, contact_phone=phone)
    )
    assert problems == [] and clean is not None


# ---------------------------------------------------------------------------
# The 訓練計画 draft.


def plan_draft(**changes: object) -> GrantPlanDraft:
    base: dict[str, object] = {
        "organization_id": 1,
        "title": "データ分析実践",
        "method": TrainingMethod.CLASSROOM,
        "start": date(2026, 6, 1),
        "end": date(2026, 8, 31),
        "hours": "150",
        "fee": "600,000",
        "provider": "研修センター",
        "trainees": (TraineeDraft(11), TraineeDraft(12, wage_hours="75.5", insured_number="1234-567890-1")),
    }
    return GrantPlanDraft(**{**base, **changes})  # type: ignore[arg-type]


def test_plan_draft_cleaned() -> None:
    clean, problems = validate_grant_plan(plan_draft(notes=" 午前のみ "))
    assert problems == [] and clean is not None
    assert (clean.hours, clean.fee, clean.notes, clean.provider) == (
        Decimal(150),
        600_000,
        "午前のみ",
        "研修センター",
    )
    assert [(t.learner_id, t.wage_hours, t.insured_number, t.employment) for t in clean.trainees] == [
        (11, Decimal(150), None, EmploymentType.REGULAR),
        (12, Decimal("75.5"), "12345678901", EmploymentType.REGULAR),
    ]


def test_plan_draft_lists_every_problem_with_its_field() -> None:
    clean, problems = validate_grant_plan(
        GrantPlanDraft(
            organization_id=None,
            title=" ",
            method=None,
            start=None,
            end=None,
            hours="",
            fee="",
            provider="機" * 129,
            notes="備" * 2001,
        )
    )
    assert clean is None
    assert [problem.field for problem in problems] == [
        "organization_id",
        "title",
        "provider",
        "method",
        "start",
        "end",
        "hours",
        "fee",
        "notes",
    ]
    assert {problem.field for problem in problems} <= set(PLAN_LABELS)


def test_plan_trainee_problems_are_each_named_by_their_place() -> None:
    clean, problems = validate_grant_plan(
        plan_draft(
            trainees=(
                TraineeDraft(1),
                TraineeDraft(1),
                TraineeDraft(2, wage_hours="abc"),
                TraineeDraft(3, wage_hours="150.01"),
                TraineeDraft(4, insured_number="1234-56789"),
                TraineeDraft(5, wage_hours="-1"),
                TraineeDraft(6, wage_hours="150", employment=EmploymentType.FIXED_TERM),
            )
        )
    )
    assert clean is None
    assert [(problem.field, problem.message.split(":")[0]) for problem in problems] == [
        ("trainees", "受講者2人目"),
        ("trainees", "受講者3人目"),
        ("trainees", "受講者4人目"),
        ("trainees", "受講者5人目"),
        ("trainees", "受講者6人目"),
    ]
    messages = [problem.message for problem in problems]
    assert "二度選ばれて" in messages[0]
    assert "0以上の時間数" in messages[1]
    assert "訓練時間を超えています" in messages[2]
    assert "11桁" in messages[3]
    assert "0以上の時間数" in messages[4]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        pytest.param({"title": "講" * 201}, "title", "200文字以内", id="title-too-long"),
        pytest.param({"end": date(2026, 5, 31)}, "end", "開始日より前", id="end-before-start"),
        pytest.param({"hours": "0"}, "hours", "0より大きい", id="zero-hours"),
        pytest.param({"hours": "-10"}, "hours", "0より大きい", id="negative-hours"),
        pytest.param({"hours": "10.555"}, "hours", "小数は2桁まで", id="three-decimals"),
        pytest.param({"hours": "10000"}, "hours", "0より大きい", id="over-max-hours"),
        pytest.param({"hours": "abc"}, "hours", "0より大きい", id="hours-letters"),
        pytest.param({"hours": "NaN"}, "hours", "0より大きい", id="hours-nan"),
        pytest.param({"hours": "1e10000"}, "hours", "0より大きい", id="hours-huge-exponent"),
        pytest.param({"hours": "9" * 40}, "hours", "0より大きい", id="hours-forty-nines"),
        pytest.param({"fee": "-1"}, "fee", "0以上の整数", id="negative-fee"),
        pytest.param({"fee": "1.5"}, "fee", "0以上の整数", id="fractional-fee"),
        pytest.param({"fee": "100000001"}, "fee", "0以上の整数", id="fee-over-max"),
        pytest.param({"fee": "¥1000"}, "fee", "0以上の整数", id="fee-yen-sign"),
    ],
)
def test_plan_single_problem(changes: dict[str, object], field: str, words: str) -> None:
    clean, problems = validate_grant_plan(plan_draft(**changes))
    assert clean is None
    [problem] = problems  # the trainees' blank wage hours are not blamed for the plan's hours
    assert problem.field == field and words in problem.message


def test_plan_with_bad_hours_does_not_blame_the_trainees_wage_hours() -> None:
    _, problems = validate_grant_plan(
        plan_draft(hours="-5", trainees=(TraineeDraft(1), TraineeDraft(2, wage_hours="3")))
    )
    assert [problem.field for problem in problems] == ["hours"]


@pytest.mark.parametrize(
    ("typed", "hours"),
    [
        pytest.param("150", Decimal(150), id="whole"),
        pytest.param("10.5", Decimal("10.5"), id="decimal"),
        pytest.param("10.25", Decimal("10.25"), id="two-decimals"),
        pytest.param("１０．５", Decimal("10.5"), id="full-width"),
        pytest.param("1,200", Decimal(1200), id="comma"),
        pytest.param(" 12 ", Decimal(12), id="padded"),
        pytest.param("10.555", None, id="three-decimals"),
        pytest.param("", None, id="empty"),
        pytest.param("十", None, id="kanji"),
        pytest.param("Infinity", None, id="infinity"),
        pytest.param("1e10000", None, id="huge-exponent"),
    ],
)
def test_parse_hours(typed: str, hours: Decimal | None) -> None:
    assert parse_hours(typed) == hours


@pytest.mark.parametrize(
    ("typed", "yen"),
    [
        pytest.param("600,000", 600_000, id="comma"),
        pytest.param("600000円", 600_000, id="yen-suffix"),
        pytest.param("６００，０００円", 600_000, id="full-width"),
        pytest.param("0", 0, id="zero"),
        pytest.param("-1", None, id="negative"),
        pytest.param("1.5", None, id="fraction"),
        pytest.param("", None, id="empty"),
        pytest.param("٣", None, id="arabic-indic-digit"),
    ],
)
def test_parse_yen(typed: str, yen: int | None) -> None:
    assert parse_yen(typed) == yen
