"""What the grant worksheets need, gathered from the store for the PDF and Excel writers.

Between the layers on purpose, like plan_printing: the CLI (no Qt) and the 助成金 page both print.
"""

from __future__ import annotations

from datetime import date

from desktop.reports.grant_sheet_data import GrantSheetData, SheetEstablishment, SheetTrainee
from desktop.store.grant_service import GrantError, GrantService
from desktop.store.grant_views import SIZE_UNKNOWN, EstablishmentRow, GrantPlanView


def grant_sheet_data(service: GrantService, plan_id: int, today: date, made_by: str = "") -> GrantSheetData:
    view = service.plan(plan_id, today)
    return sheet_data_of(view, service.establishment(view.organization_id), today, made_by)


def sheet_data_of(
    view: GrantPlanView, establishment: EstablishmentRow, today: date, made_by: str
) -> GrantSheetData:
    if establishment.size is None:
        raise GrantError(SIZE_UNKNOWN)
    return GrantSheetData(
        plan_id=view.id,
        establishment=SheetEstablishment(
            establishment.name,
            establishment.office_number,
            establishment.corporate_number,
            establishment.size,
            establishment.main_business,
            establishment.labour_bureau,
            establishment.contact_name,
            establishment.contact_phone,
        ),
        title=view.title,
        provider=view.provider,
        method=view.method,
        start=view.start,
        end=view.end,
        hours=view.hours,
        fee=view.fee,
        status=view.status,
        trainees=tuple(
            SheetTrainee(t.number, t.name, t.furigana, t.insured_number, t.employment, t.wage_hours)
            for t in view.trainees
        ),
        estimate=view.estimate,
        no_rule_reason=view.problem,
        notice=view.notice,
        claim=view.claim,
        made_on=today,
        made_by=made_by,
    )
