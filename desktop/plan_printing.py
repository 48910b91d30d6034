"""What the 学習計画書 needs, gathered from the store for the PDF writer (which sees no session).

Between the layers on purpose, like diagnosis_printing: the CLI (no Qt) and the pages both print.
"""

from __future__ import annotations

from collections.abc import Iterable

from desktop.reports.plan_sheet import PlanDiagnosis, PlanSheet, PlanSheetLine
from desktop.store.database import Database
from desktop.store.diagnosis_service import DiagnosisError, DiagnosisService
from desktop.store.plan_views import PlanDetail, plan_detail
from desktop.store.settings import approval_boxes


def plan_sheets(db: Database, plan_ids: Iterable[int]) -> list[PlanSheet]:
    """One sheet per plan, in the order given, with the office's approval boxes."""
    boxes = approval_boxes(db)
    diagnoses = DiagnosisService(db)
    sheets = []
    for plan_id in plan_ids:
        detail = plan_detail(db, plan_id)
        sheets.append(sheet_for(detail, _diagnosis(diagnoses, detail), boxes))
    return sheets


def sheet_for(detail: PlanDetail, diagnosis: PlanDiagnosis | None, boxes: tuple[str, ...]) -> PlanSheet:
    learner = detail.learner
    return PlanSheet(
        organization=learner.organization,
        fiscal_year=detail.fiscal_year,
        learner_number=learner.number,
        learner_name=learner.name,
        learner_kana=detail.learner_kana,
        department=learner.department,
        job_title=detail.job_title,
        role_name=detail.role_name,
        status_label=detail.status.label,
        revision=detail.revision,
        period_start=detail.period_start,
        period_end=detail.period_end,
        hours_budget=detail.hours_budget,
        goal=detail.goal,
        mentor=detail.mentor,
        diagnosis=diagnosis,
        lines=tuple(
            PlanSheetLine(
                month=line.month,
                course_code=line.course_code,
                course_title=line.course_title,
                method=line.method,
                provider=line.provider,
                hours=line.hours,
                reason=line.reason.label,
                why=line.why,
            )
            for line in detail.lines
        ),
        approvals=boxes,
    )


def _diagnosis(service: DiagnosisService, detail: PlanDetail) -> PlanDiagnosis | None:
    if detail.diagnosis_id is None:
        return None
    try:
        state = service.state(detail.diagnosis_id)
    except DiagnosisError:  # deleted since: the plan still prints, without the chart
        return None
    return PlanDiagnosis(
        diagnosed_on=state.diagnosed_on,
        kind_label=state.kind.label,
        framework_name=f"{state.framework.name} 第{state.framework.version}版",
        score=state.score(),
        scale=state.framework.scale,
    )
