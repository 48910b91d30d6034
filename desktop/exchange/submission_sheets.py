"""The sheets of the three submission exports, from plain rows (the store gathers them).

Header names are a contract: the lead's merge of 共同調達 lists reads the
利用者一覧 by PROCUREMENT_HEADERS, so they change only with the receiver's format.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from desktop.exchange.submission_book import BarChartSpec, SubmissionSheet

PROCUREMENT_HEADERS = (
    "団体名",
    "所属",
    "受講者番号",
    "氏名",
    "フリガナ",
    "メールアドレス",
    "区分",
    "利用開始希望日",
    "備考",
)
PROCUREMENT_SHEET, TO_CHECK_SHEET, COUNT_SHEET = "利用者一覧", "要確認", "団体別人数"
RECORD_HEADERS = (
    "団体名",
    "所属",
    "受講者番号",
    "氏名",
    "講座コード",
    "講座名",
    "受講方法",
    "提供元",
    "開始日",
    "修了日",
    "学習時間",
    "進捗率(%)",
    "状況",
)
RECORDS_SHEET, BY_DEPARTMENT_SHEET, BY_COURSE_SHEET = "研修実績一覧", "所属別集計", "講座別集計"
EFFECT_SHEET, EFFECT_DEPARTMENT_SHEET, EFFECT_ROLE_SHEET, CHART_SHEET = (
    "効果検証一覧",
    "所属別",
    "役割別",
    "グラフ",
)
TOTAL = "合計"
NO_DEPARTMENT = "（所属なし）"


# -- 共同調達 利用者一覧 ---------------------------------------------------------------------


class ProcurementUser(NamedTuple):
    organization: str
    department: str
    number: str
    name: str
    furigana: str
    email: str
    kind: str  # the 区分 label (行政職員 …)
    start_on: date  # 利用開始希望日
    notes: str


@dataclass(frozen=True)
class ProcurementList:
    users: Sequence[ProcurementUser]  # sorted by 団体, 所属, フリガナ
    to_check: Sequence[ProcurementUser]  # left out of the list; 備考 says why
    organizations: Sequence[str]  # every 団体 in scope, so a 団体 with nobody still shows 0


def procurement_sheets(data: ProcurementList) -> list[SubmissionSheet]:
    counts = {name: [0, 0] for name in data.organizations}
    for user in data.users:
        counts.setdefault(user.organization, [0, 0])[0] += 1
    for user in data.to_check:
        counts.setdefault(user.organization, [0, 0])[1] += 1
    summary: list[tuple[object, ...]] = [(name, n, check) for name, (n, check) in counts.items()]
    summary.append((TOTAL, len(data.users), len(data.to_check)))
    return [
        SubmissionSheet(PROCUREMENT_SHEET, PROCUREMENT_HEADERS, data.users),
        SubmissionSheet(COUNT_SHEET, ("団体名", "人数", "要確認"), summary),
        SubmissionSheet(TO_CHECK_SHEET, PROCUREMENT_HEADERS, data.to_check),
    ]


# -- 研修実績一覧 --------------------------------------------------------------------------


class RecordLine(NamedTuple):
    organization: str
    department: str
    number: str
    name: str
    course_code: str
    course_title: str
    method: str
    provider: str
    started_on: date | None
    completed_on: date | None
    hours: Decimal | None
    progress_percent: int | None
    status: str  # label: 修了, 受講中 …


class RecordTotals(NamedTuple):
    """One line of a total: a 所属 of a 団体, or a course (``group`` is then the course code)."""

    organization_or_code: str
    name: str
    learners: int
    records: int
    completed: int  # records completed (by department); learners who completed (by course)
    hours: Decimal


@dataclass(frozen=True)
class RecordsReport:
    lines: Iterable[RecordLine]  # streamed: read once
    by_department: Sequence[RecordTotals]
    by_course: Sequence[RecordTotals]
    total: RecordTotals


def records_sheets(report: RecordsReport) -> list[SubmissionSheet]:
    total = report.total
    departments = [tuple(t) for t in report.by_department]
    departments.append((TOTAL, "", total.learners, total.records, total.completed, total.hours))
    courses = [(t.organization_or_code, t.name, t.learners, t.completed, t.hours) for t in report.by_course]
    return [
        SubmissionSheet(RECORDS_SHEET, RECORD_HEADERS, report.lines),
        SubmissionSheet(
            BY_DEPARTMENT_SHEET, ("団体名", "所属", "受講者数", "記録数", "修了数", "学習時間"), departments
        ),
        SubmissionSheet(
            BY_COURSE_SHEET, ("講座コード", "講座名", "受講者数", "修了者数", "学習時間"), courses
        ),
    ]


# -- 効果検証報告 --------------------------------------------------------------------------

Levels = Mapping[str, float | None]


class EffectLearner(NamedTuple):
    organization: str
    department: str
    number: str
    name: str
    role: str
    before_on: date
    after_on: date
    before: Levels
    after: Levels
    hours: Decimal  # learned in the 年度
    courses_completed: int  # in the 年度
    plan_percent: int | None  # None: no current plan for the 年度


class EffectMeans(NamedTuple):
    name: str
    learners: int
    before: Levels
    after: Levels


@dataclass(frozen=True)
class EffectReport:
    categories: Sequence[tuple[str, str]]  # (id, name) in the framework's order
    framework: str  # name and version, which a printed figure must say
    learners: Sequence[EffectLearner]
    by_department: Sequence[EffectMeans]
    by_role: Sequence[EffectMeans]
    overall: EffectMeans


def change(before: float | None, after: float | None) -> float | None:
    # The same rounding as the screen (diagnosis_views.EffectRow.change): one decimal, half up.
    return None if before is None or after is None else round(after - before + 1e-9, 1)


def effect_sheets(report: EffectReport) -> list[SubmissionSheet]:
    ids = [category_id for category_id, _ in report.categories]
    per_category = [f"{name} {part}" for _, name in report.categories for part in ("事前", "事後", "変化")]

    def triples(before: Levels, after: Levels) -> list[object]:
        cells: list[object] = []
        for key in ids:
            b, a = before.get(key), after.get(key)
            cells += [b, a, change(b, a)]
        return cells

    learners = [
        (
            row.organization,
            row.department,
            row.number,
            row.name,
            row.role,
            row.before_on,
            row.after_on,
            *triples(row.before, row.after),
            row.hours,
            row.courses_completed,
            row.plan_percent,
        )
        for row in report.learners
    ]

    def means(groups: Sequence[EffectMeans]) -> list[tuple[object, ...]]:
        rows = [(g.name, g.learners, *triples(g.before, g.after)) for g in groups]
        overall = report.overall
        rows.append((TOTAL, overall.learners, *triples(overall.before, overall.after)))
        return rows

    chart = [
        (name, report.overall.before.get(key), report.overall.after.get(key))
        for key, name in report.categories
    ]
    return [
        SubmissionSheet(
            EFFECT_SHEET,
            (
                "団体名",
                "所属",
                "受講者番号",
                "氏名",
                "役割",
                "事前診断日",
                "事後診断日",
                *per_category,
                "年度の学習時間",
                "修了講座数",
                "計画達成率(%)",
            ),
            learners,
        ),
        SubmissionSheet(
            EFFECT_DEPARTMENT_SHEET, ("所属", "人数", *per_category), means(report.by_department)
        ),
        SubmissionSheet(EFFECT_ROLE_SHEET, ("役割", "人数", *per_category), means(report.by_role)),
        SubmissionSheet(
            CHART_SHEET,
            ("分類", "事前（平均）", "事後（平均）"),
            chart,
            chart=BarChartSpec("分類別の平均（事前・事後）", y_title="レベル", anchor="E2"),
        ),
    ]
