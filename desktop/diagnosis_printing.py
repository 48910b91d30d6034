"""What the result sheet needs, gathered from the store for the PDF writer (which sees no session).

Between the layers on purpose: store does not import reports, and the CLI (no Qt) and the page both print.
"""

from __future__ import annotations

from collections.abc import Iterable

from desktop.domain.dates import to_wareki
from desktop.domain.diagnosis import DiagnosisKind
from desktop.reports.diagnosis_sheet import ResultSheet
from desktop.store.database import Database
from desktop.store.diagnosis_service import DiagnosisService
from desktop.store.models import DiagnosisStatus


def latest_completed(
    db: Database, learner_ids: Iterable[int], kind: DiagnosisKind | None = None
) -> list[int]:
    """Each learner's newest completed diagnosis (of a kind, if given), in the order of the learners."""
    wanted = list(learner_ids)
    rows = DiagnosisService(db).rows(learner_ids=wanted, kind=kind, status=DiagnosisStatus.COMPLETED)
    newest: dict[int, int] = {}
    for row in rows:  # ordered by date, then id
        newest[row.learner.id] = row.id
    return [newest[i] for i in wanted if i in newest]


def result_sheets(db: Database, diagnosis_ids: Iterable[int]) -> list[ResultSheet]:
    service = DiagnosisService(db)
    sheets = []
    for diagnosis_id in diagnosis_ids:
        state = service.state(diagnosis_id)
        earlier_id = service.earlier_completed(diagnosis_id) if state.kind is not DiagnosisKind.PRE else None
        before = before_label = None
        if earlier_id is not None:
            earlier = service.state(earlier_id)
            before = earlier.score()
            before_label = f"{earlier.kind.label}（{to_wareki(earlier.diagnosed_on)}）"
        sheets.append(
            ResultSheet(
                learner_number=state.learner.number,
                learner_name=state.learner.name,
                organization=state.learner.organization,
                department=state.learner.department,
                diagnosed_on=state.diagnosed_on,
                kind_label=state.kind.label,
                framework_name=state.framework.name,
                framework_version=state.framework.version,
                role_name=state.role.name,
                score=state.score(),
                before=before,
                before_label=before_label or "",
                scale=state.framework.scale,
            )
        )
    return sheets
