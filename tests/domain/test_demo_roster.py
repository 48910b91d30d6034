from __future__ import annotations

import re
import time
from collections import Counter
from datetime import date

import pytest

from desktop.domain.demo_roster import (
    GIVEN_NAMES,
    SURNAMES,
    DemoRoster,
    generate_demo_roster,
)
from desktop.domain.registration_numbers import corporate_number_check_digit
from desktop.domain.roster import (
    DEFAULT_ROLES,
    LearnerKind,
    LearnerStatus,
    OrganizationKind,
    SizeClass,
)
from desktop.domain.text import is_kana_reading, normalize_name, normalize_reading

FURIGANA = re.compile(r"^[\u30A1-\u30FC]+\u3000[\u30A1-\u30FC]+$")
EMAIL = re.compile(r"^[a-z0-9.]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.example\.(lg|co)\.jp$")
NUMBER = re.compile(r"^[A-Za-z0-9_-]+$")
REFERENCE = date(2026, 4, 1)


@pytest.fixture(scope="module")
def roster() -> DemoRoster:
    return generate_demo_roster(1000, seed=7)


def _age(born: date) -> int:
    return REFERENCE.year - born.year - ((born.month, born.day) > (REFERENCE.month, REFERENCE.day))


def test_same_seed_gives_the_same_roster() -> None:
    assert generate_demo_roster(300, seed=2026) == generate_demo_roster(300, seed=2026)
    assert generate_demo_roster() == generate_demo_roster(300, 2026)


def test_another_seed_gives_another_roster() -> None:
    assert generate_demo_roster(300, seed=1).learners != generate_demo_roster(300, seed=2).learners


@pytest.mark.parametrize("count", [0, 1, 5, 300, 1001])
def test_count_is_honoured(count: int) -> None:
    assert len(generate_demo_roster(count).learners) == count


def test_numbers_are_unique_per_organization_and_emails_overall(roster: DemoRoster) -> None:
    pairs = Counter((learner.organization, learner.number) for learner in roster.learners)
    assert max(pairs.values()) == 1
    emails = Counter(learner.email for learner in roster.learners)
    assert max(emails.values()) == 1
    assert all(NUMBER.match(learner.number) for learner in roster.learners)
    assert all(EMAIL.match(learner.email) for learner in roster.learners)


def test_names_and_readings_have_one_ideographic_space(roster: DemoRoster) -> None:
    for learner in roster.learners:
        assert learner.name.count("\u3000") == 1
        assert learner.furigana.count("\u3000") == 1
        assert FURIGANA.match(learner.furigana), learner.furigana
        # Already in the stored form, so validation leaves them as they are.
        assert normalize_name(learner.name) == learner.name
        assert normalize_reading(learner.furigana) == learner.furigana
        assert is_kana_reading(learner.furigana)


def test_name_tables_are_big_enough_and_readings_are_katakana() -> None:
    assert len(SURNAMES) >= 60
    assert len(GIVEN_NAMES) >= 60
    for kanji, kana in SURNAMES + GIVEN_NAMES:
        assert kanji and "\u3000" not in kanji
        assert re.match(r"^[\u30A1-\u30FC]+$", kana), kana
    surnames = {kanji for kanji, _ in SURNAMES}
    assert "髙橋" in surnames
    assert "山\ufa11" in surnames
    readings = {kana for _, kana in GIVEN_NAMES}
    assert {"ジョウジ", "リョウ", "キョウコ"} <= readings


def test_name_and_reading_stay_paired(roster: DemoRoster) -> None:
    surname_readings: dict[str, set[str]] = {}
    for kanji, kana in SURNAMES:
        surname_readings.setdefault(kanji, set()).add(kana)
    given_readings: dict[str, set[str]] = {}
    for kanji, kana in GIVEN_NAMES:
        given_readings.setdefault(kanji, set()).add(kana)
    for learner in roster.learners:
        family, first = learner.name.split("\u3000")
        family_kana, first_kana = learner.furigana.split("\u3000")
        assert family_kana in surname_readings[family]
        assert first_kana in given_readings[first]


def test_corporate_number_check_digit_matches_the_published_example() -> None:
    # 7000012050002 is the 国税庁's own 法人番号.
    assert corporate_number_check_digit("000012050002") == 7


@pytest.mark.parametrize(
    "bad", ["", "12345678901", "1234567890123", "12345678901a", "１２３４５６７８９０１２"]
)
def test_corporate_number_check_digit_rejects_a_malformed_base(bad: str) -> None:
    with pytest.raises(ValueError):
        corporate_number_check_digit(bad)


def test_organizations(roster: DemoRoster) -> None:
    city, company = roster.organizations
    assert city.kind is OrganizationKind.MUNICIPALITY
    assert city.size_class is None and city.corporate_number is None
    assert city.employment_office_number is None
    assert company.kind is OrganizationKind.COMPANY
    assert company.size_class is SizeClass.SME
    assert company.employment_office_number is not None
    assert re.match(r"^\d{4}-\d{6}-\d$", company.employment_office_number)
    assert company.corporate_number is not None
    assert re.match(r"^\d{13}$", company.corporate_number)
    number = company.corporate_number
    assert int(number[0]) == corporate_number_check_digit(number[1:])


def test_departments_nest_and_learners_sit_in_existing_ones(roster: DemoRoster) -> None:
    total = sum(len(organization.departments) for organization in roster.organizations)
    assert 10 <= total <= 14
    by_org = {org.name: {dept.name: dept for dept in org.departments} for org in roster.organizations}
    for departments in by_org.values():
        for department in departments.values():
            assert department.parent is None or department.parent in departments
    city = roster.organizations[0]
    assert any(department.parent is not None for department in city.departments)
    parents = {department.parent for department in city.departments}
    for learner in roster.learners:
        assert learner.organization in by_org
        if learner.department is not None:
            assert learner.department in by_org[learner.organization]
            if learner.organization == city.name:
                assert learner.department not in parents  # staff sit in a 課, not a 部


def test_kinds_roles_statuses_and_dates_are_plausible(roster: DemoRoster) -> None:
    city, company = roster.organizations
    share = Counter(learner.organization for learner in roster.learners)
    assert 0.75 <= share[city.name] / len(roster.learners) <= 0.85
    for learner in roster.learners:
        assert learner.role in DEFAULT_ROLES
        if learner.organization == company.name:
            assert learner.kind is LearnerKind.EMPLOYEE
            assert learner.insured_number is None or re.match(r"^\d{11}$", learner.insured_number)
        else:
            assert learner.kind in (LearnerKind.STAFF, LearnerKind.JOB_SEEKER)
            assert learner.insured_number is None
        if learner.kind is LearnerKind.JOB_SEEKER:
            assert learner.department is None and learner.job_title == ""
        else:
            assert learner.department is not None and learner.job_title
        if learner.birth_date is not None:
            assert 20 <= _age(learner.birth_date) <= 64
    statuses = Counter(learner.status for learner in roster.learners)
    assert statuses[LearnerStatus.ACTIVE] > 0.85 * len(roster.learners)
    assert statuses[LearnerStatus.ON_LEAVE] > 0 and statuses[LearnerStatus.RETIRED] > 0
    roles = Counter(learner.role for learner in roster.learners)
    assert roles.most_common(1)[0][0] == "一般職員"
    assert all(roles[role] > 0 for role in DEFAULT_ROLES)
    assert any(learner.birth_date is None for learner in roster.learners)
    assert any(learner.kind is LearnerKind.JOB_SEEKER for learner in roster.learners)


def test_fifty_thousand_rows_are_quick_and_unique() -> None:
    started = time.perf_counter()
    big = generate_demo_roster(50_000)
    elapsed = time.perf_counter() - started
    assert len(big.learners) == 50_000
    assert len({(learner.organization, learner.number) for learner in big.learners}) == 50_000
    assert len({learner.email for learner in big.learners}) == 50_000
    assert elapsed < 5  # ~0.3 s on a developer machine; generous for a loaded CI runner
