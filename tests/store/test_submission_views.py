"""What the submission exports gather: who is listed, which records fall in the 年度, the totals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from desktop.domain.diagnosis import DiagnosisKind
from desktop.domain.roster import LearnerKind, LearnerStatus
from desktop.store.database import Database
from desktop.store.diagnosis_service import DiagnosisService
from desktop.store.models import Course, TrainingRecord, TrainingStatus
from desktop.store.plan_service import PlanService
from desktop.store.submission_views import (
    NO_EMAIL,
    NO_PLAN,
    ON_LEAVE,
    effect_report,
    procurement_list,
    records_report,
)
from tests.factories import RosterFactory
from tests.store.test_plan_service import SETTINGS, diagnosed


def course(db: Database, code: str, title: str, method: str = "eラーニング") -> int:
    with db.transaction() as session:
        made = Course(code=code, title=title, provider="Udemy", delivery_method=method)
        session.add(made)
        session.flush()
        return made.id


def record(db: Database, learner_id: int, course_id: int, status: TrainingStatus, **fields: object) -> None:
    with db.transaction() as session:
        session.add(TrainingRecord(learner_id=learner_id, course_id=course_id, status=status, **fields))


def test_procurement_lists_active_learners_with_email_and_sets_the_rest_aside(
    db: Database, factory: RosterFactory
) -> None:
    org = factory.organization("みらい市")
    soumu = factory.department(org, "総務部")
    jinji = factory.department(org, "人事課", parent_id=soumu)
    factory.learner(org, number="3", name="和田 花", furigana="ワダ ハナ", department_id=jinji)
    factory.learner(org, number="1", name="伊藤 一", furigana="イトウ ハジメ", department_id=jinji)
    factory.learner(
        org, number="2", name="上田 二", furigana="ウエダ ジ", email="", kind=LearnerKind.EMPLOYEE
    )
    factory.learner(org, number="4", name="江口 四", furigana="エグチ シ", status=LearnerStatus.ON_LEAVE)
    factory.learner(org, number="5", name="大野 五", furigana="オオノ ゴ", status=LearnerStatus.RETIRED)
    planned = diagnosed(db, factory, "P1", "一般職員", 2)  # in its own 団体「団体P1」
    service = PlanService(db)
    service.save_drafts(service.propose([planned], SETTINGS), SETTINGS)

    listed = procurement_list(db, 2025)
    assert [(u.organization, u.department, u.number) for u in listed.users] == [
        ("みらい市", "総務部／人事課", "1"),  # イトウ before ワダ: by フリガナ, not by number
        ("みらい市", "総務部／人事課", "3"),
        ("団体P1", "", "P1"),
    ]
    first, _, with_plan = listed.users
    assert (first.name, first.furigana, first.kind, first.email) == (
        "伊藤\u3000一",  # as the roster keeps names: a full-width space between
        "イトウ\u3000ハジメ",
        "行政職員",
        "user2@example.lg.jp",
    )
    # No plan for the 年度: its first day, said in 備考; a plan: the day it starts.
    assert (first.start_on, first.notes) == (date(2025, 4, 1), NO_PLAN)
    assert (with_plan.start_on, with_plan.notes) == (date(2025, 5, 1), "")
    assert [(u.number, u.kind, u.notes) for u in listed.to_check] == [
        ("2", "企業従業員", f"{NO_EMAIL}、{NO_PLAN}"),
        ("4", "行政職員", f"{ON_LEAVE}、{NO_PLAN}"),
    ]
    assert listed.organizations == ["みらい市", "団体P1"]
    only = procurement_list(db, 2025, org)
    assert [u.number for u in only.users] == ["1", "3"] and only.organizations == ["みらい市"]


def test_records_of_the_fiscal_year_stream_in_order_with_totals_that_agree(
    db: Database, factory: RosterFactory
) -> None:
    org = factory.organization("みらい市")
    kikaku = factory.department(org, "企画課")
    a = factory.learner(org, number="A", department_id=kikaku).id
    b = factory.learner(org, number="B").id
    other = factory.learner(factory.organization("となり町"), number="Z").id
    dx = course(db, "C-DX", "DX入門")
    excel = course(db, "C-XL", "Excel 業務改善", method="集合研修")
    done = TrainingStatus.COMPLETED
    record(db, a, dx, done, started_on=date(2025, 4, 1), completed_on=date(2025, 5, 1), hours=Decimal("2.5"))
    record(db, a, excel, TrainingStatus.IN_PROGRESS, started_on=date(2026, 3, 31), hours=Decimal("1"))
    record(db, b, dx, done, started_on=date(2025, 3, 1), completed_on=date(2026, 3, 31), hours=Decimal(3))
    record(db, b, excel, done, completed_on=date(2025, 3, 31), hours=Decimal(9))  # 2024年度
    record(db, other, dx, TrainingStatus.ENROLLED, enrolled_on=date(2025, 10, 1))

    with records_report(db, 2025) as report:
        lines = list(report.lines)
        by_department, by_course, total = report.by_department, report.by_course, report.total
    assert [(x.organization, x.department, x.number, x.course_code) for x in lines] == [
        ("となり町", "", "Z", "C-DX"),
        ("みらい市", "", "B", "C-DX"),
        ("みらい市", "企画課", "A", "C-DX"),
        ("みらい市", "企画課", "A", "C-XL"),
    ]
    assert lines[2][5:] == (
        "DX入門",
        "eラーニング",
        "Udemy",
        date(2025, 4, 1),
        date(2025, 5, 1),
        Decimal("2.50"),
        None,
        "修了",
    )
    assert [tuple(t) for t in by_department] == [
        ("となり町", "（所属なし）", 1, 1, 0, Decimal("0.00")),
        ("みらい市", "企画課", 1, 2, 1, Decimal("3.50")),
        ("みらい市", "（所属なし）", 1, 1, 1, Decimal("3.00")),  # after the named ones
    ]
    assert [tuple(t) for t in by_course] == [
        ("C-DX", "DX入門", 3, 3, 2, Decimal("5.50")),
        ("C-XL", "Excel 業務改善", 1, 1, 0, Decimal("1.00")),
    ]
    assert tuple(total) == ("合計", "", 3, 4, 2, Decimal("6.50"))
    with records_report(db, 2025, org) as report:
        assert [x.number for x in report.lines] == ["B", "A", "A"] and report.total.records == 3


def diagnose(db: Database, learner_id: int, kind: DiagnosisKind, on: date, level: int) -> None:
    service = DiagnosisService(db)
    _id, framework = service.frameworks.current()
    [diagnosis_id] = service.start([learner_id], kind, on=on)
    answers = {
        item.id: (level if item.kind.value == "self" else (1 if item.answer != 1 else 2))
        for item in framework.items
    }
    service.answer_many(diagnosis_id, answers)
    service.complete(diagnosis_id)


def test_effect_pairs_before_and_after_with_the_years_hours_and_groups_by_role(
    db: Database, factory: RosterFactory
) -> None:
    learner = diagnosed(db, factory, "E1", "一般職員", 1)
    diagnose(db, learner, DiagnosisKind.POST, date(2026, 2, 1), 3)
    lone = diagnosed(db, factory, "E2", "一般職員", 2)  # no 事後: not in the comparison
    dx = course(db, "C-DX", "DX入門")
    assert lone
    record(db, learner, dx, TrainingStatus.COMPLETED, completed_on=date(2025, 9, 1), hours=Decimal("4.5"))

    report = effect_report(db, 2025)
    assert report.framework.startswith("自治体職員DXスキル診断")
    assert len(report.categories) == 11
    [row] = report.learners
    assert (row.number, row.role, row.before_on, row.after_on) == (
        "E1",
        "一般職員",
        date(2025, 4, 20),
        date(2026, 2, 1),
    )
    assert (row.hours, row.courses_completed, row.plan_percent) == (Decimal("4.50"), 1, None)
    scored = [key for key, _ in report.categories if row.before.get(key) is not None]
    assert scored and all(row.after[key] > row.before[key] for key in scored)  # type: ignore[operator]
    first = scored[0]
    assert [(g.name, g.learners) for g in report.by_role] == [("一般職員", 1)]
    assert report.overall.learners == 1 and report.overall.after[first] == row.after[first]
    assert effect_report(db, 2024).learners == []
