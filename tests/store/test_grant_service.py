"""Establishments and 訓練計画 in the database: validation, trainees, stale saves, status, estimates, cap."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.domain.grant_drafts import EstablishmentDraft, GrantPlanDraft, TraineeDraft
from desktop.domain.grant_plan import AlertLevel, EmploymentType, GrantPlanStatus
from desktop.domain.grant_rules import TrainingMethod
from desktop.domain.roster import OrganizationKind, SizeClass
from desktop.resources import resource_path
from desktop.store.database import Database
from desktop.store.errors import StaleEditError, ValidationFailed
from desktop.store.grant_rule_store import GrantRuleStore, RuleFileRejected
from desktop.store.grant_service import GrantError, GrantService
from desktop.store.models import GrantTrainee, Learner, Organization
from tests.factories import RosterFactory

TODAY = date(2026, 11, 22)
VALID_CORPORATE = "7000012050002"  # the 国税庁's own example


@pytest.fixture
def service(db: Database) -> GrantService:
    return GrantService(db)


def firm(service: GrantService, name: str = "株式会社テスト", size: SizeClass = SizeClass.SME) -> int:
    return service.save_establishment(
        None,
        EstablishmentDraft(
            name=name, size=size, office_number="1301-123456-7", corporate_number=VALID_CORPORATE
        ),
    )


def staff(factory: RosterFactory, organization_id: int, count: int, *, insured: bool = True) -> list[int]:
    return [
        factory.learner(
            organization_id,
            name=f"社員　{n}郎",
            furigana=f"シャイン　{'イチニサンシゴロクナナハチキュウ'[n % 10]}",
            insured_number=f"1234567890{n % 10}" if insured else "",
        ).id
        for n in range(count)
    ]


def draft(
    organization_id: int,
    learners: list[int],
    *,
    start: date = date(2026, 6, 1),
    end: date = date(2026, 8, 31),
    hours: str = "150",
    fee: str = "600,000",
    method: TrainingMethod = TrainingMethod.CLASSROOM,
    **trainee: str,
) -> GrantPlanDraft:
    return GrantPlanDraft(
        organization_id=organization_id,
        title="データ分析実践",
        method=method,
        start=start,
        end=end,
        hours=hours,
        fee=fee,
        provider="研修センター",
        trainees=tuple(TraineeDraft(learner_id, **trainee) for learner_id in learners),  # type: ignore[arg-type]
    )


def test_establishment_numbers_are_validated_and_nothing_is_saved_on_a_problem(
    service: GrantService, db: Database
) -> None:
    with pytest.raises(ValidationFailed) as failed:
        service.save_establishment(
            None,
            EstablishmentDraft(
                name="株式会社テスト",
                size=None,
                office_number="1301-12345-7",
                corporate_number="8000012050002",
            ),
        )
    fields = [field for field, _ in failed.value.problems]
    assert fields == ["size", "office_number", "corporate_number"]
    assert "法人番号" in failed.value.message and "検査用数字" in failed.value.message
    with db.transaction() as session:
        assert session.scalars(select(Organization)).all() == []


def test_establishment_is_a_company_with_its_numbers_in_canonical_form(service: GrantService) -> None:
    organization_id = service.save_establishment(
        None,
        EstablishmentDraft(
            name="株式会社テスト",
            size=SizeClass.LARGE,
            office_number="１３０１１２３４５６７",
            corporate_number=" 7000012050002 ",
            labour_bureau="群馬労働局",
        ),
    )
    [row] = service.establishments()
    assert (row.id, row.size, row.office_number, row.corporate_number) == (
        organization_id,
        SizeClass.LARGE,
        "1301-123456-7",
        VALID_CORPORATE,
    )
    assert row.labour_bureau == "群馬労働局"


def test_stale_establishment_save_is_refused(service: GrantService) -> None:
    organization_id = firm(service)
    loaded = service.establishment(organization_id)
    service.save_establishment(
        organization_id,
        EstablishmentDraft("株式会社テスト", SizeClass.SME, contact_name="甲"),
        loaded.version,
    )
    with pytest.raises(StaleEditError):
        service.save_establishment(
            organization_id,
            EstablishmentDraft("株式会社テスト", SizeClass.SME, contact_name="乙"),
            loaded.version,
        )
    assert service.establishment(organization_id).contact_name == "甲"


def test_plan_with_trainees_is_saved_and_estimated(service: GrantService, factory: RosterFactory) -> None:
    organization_id = firm(service)
    learners = staff(factory, organization_id, 3)
    plan_id = service.save_plan(None, draft(organization_id, learners))
    view = service.plan(plan_id, TODAY)
    assert [t.learner_id for t in view.trainees] == learners
    assert view.status is GrantPlanStatus.DRAFT
    assert view.estimate is not None
    assert view.estimate.rule_set.id == "reskilling-r7-04"
    # 600,000 × 75% = 450,000 capped at 400,000 (100–200 h, 中小); 150 h × 1,000 = 150,000.
    assert [share.payable for share in view.estimate.shares] == [550_000] * 3
    assert view.estimate.total == 1_650_000


def test_trainee_from_another_organization_is_refused(service: GrantService, factory: RosterFactory) -> None:
    ours = firm(service)
    other = factory.organization("みなと市", OrganizationKind.MUNICIPALITY)
    [outsider] = staff(factory, other, 1)
    with pytest.raises(ValidationFailed, match="受講者1人目: この事業所の名簿にいない人です"):
        service.save_plan(None, draft(ours, [outsider]))


def test_wage_hours_over_training_hours_and_bad_insured_number_are_refused(
    service: GrantService, factory: RosterFactory
) -> None:
    organization_id = firm(service)
    learners = staff(factory, organization_id, 1)
    with pytest.raises(ValidationFailed, match="賃金助成の対象時間が訓練時間を超えています"):
        service.save_plan(None, draft(organization_id, learners, wage_hours="151"))
    with pytest.raises(ValidationFailed, match="雇用保険被保険者番号は11桁"):
        service.save_plan(None, draft(organization_id, learners, insured_number="1234-56789"))


def test_insured_number_typed_in_the_plan_is_kept_on_the_learner(
    service: GrantService, factory: RosterFactory, db: Database
) -> None:
    organization_id = firm(service)
    [learner_id] = staff(factory, organization_id, 1, insured=False)
    service.save_plan(None, draft(organization_id, [learner_id], insured_number="９８７６－５４３２１０－１"))
    with db.transaction() as session:
        assert session.get(Learner, learner_id).insured_number == "98765432101"  # type: ignore[union-attr]


def test_start_after_the_course_ended_is_refused_with_that_reason(
    service: GrantService, factory: RosterFactory
) -> None:
    organization_id = firm(service)
    learners = staff(factory, organization_id, 1)
    late = draft(organization_id, learners, start=date(2027, 4, 1), end=date(2027, 5, 31))
    with pytest.raises(ValidationFailed, match="終了する"):
        service.save_plan(None, late)


def test_a_change_of_trainees_alone_makes_an_older_editor_stale(
    service: GrantService, factory: RosterFactory, db: Database
) -> None:
    organization_id = firm(service)
    learners = staff(factory, organization_id, 2)
    plan_id = service.save_plan(None, draft(organization_id, learners))
    loaded = service.plan(plan_id, TODAY)
    service.save_plan(plan_id, draft(organization_id, learners[:1]), loaded.version)
    with pytest.raises(StaleEditError):
        service.save_plan(plan_id, draft(organization_id, learners, hours="120"), loaded.version)
    view = service.plan(plan_id, TODAY)
    assert [t.learner_id for t in view.trainees] == learners[:1] and view.hours == Decimal(150)
    with db.transaction() as session:
        assert len(session.scalars(select(GrantTrainee)).all()) == 1


def test_status_moves_record_the_dates_and_refuse_what_is_not_ready(
    service: GrantService, factory: RosterFactory
) -> None:
    organization_id = firm(service)
    [without_number] = staff(factory, organization_id, 1, insured=False)
    plan_id = service.save_plan(None, draft(organization_id, [without_number]))
    version = service.plan(plan_id, TODAY).version
    with pytest.raises(GrantError, match="受講者1名の雇用保険被保険者番号"):
        service.set_status(plan_id, GrantPlanStatus.NOTIFIED, version, date(2026, 4, 10))
    service.save_plan(
        plan_id, draft(organization_id, [without_number], insured_number="12345678901"), version
    )
    version = service.plan(plan_id, TODAY).version
    service.set_status(plan_id, GrantPlanStatus.NOTIFIED, version, date(2026, 4, 10))
    view = service.plan(plan_id, TODAY)
    assert (view.status, view.notice_submitted_on) == (GrantPlanStatus.NOTIFIED, date(2026, 4, 10))
    with pytest.raises(GrantError, match="訓練の終了後"):
        service.set_status(plan_id, GrantPlanStatus.CLAIMED, view.version, date(2026, 8, 31))
    with pytest.raises(GrantError, match="変更できません"):
        service.set_status(plan_id, GrantPlanStatus.DECIDED, view.version, TODAY)
    service.set_status(plan_id, GrantPlanStatus.CLAIMED, view.version, date(2026, 9, 15))
    view = service.plan(plan_id, TODAY)
    assert view.claim_submitted_on == date(2026, 9, 15)
    with pytest.raises(GrantError, match="変更できません"):
        service.save_plan(plan_id, draft(organization_id, [without_number]), view.version)
    with pytest.raises(GrantError, match="作成中の計画だけ"):
        service.delete_plan(plan_id, view.version)


def test_deadline_alert_is_on_the_plan(service: GrantService, factory: RosterFactory) -> None:
    organization_id = firm(service)
    learners = staff(factory, organization_id, 1)
    # 計画届 closes 2026-12-01 (one month before a 2027-01-01 start): 9 days left on 11/22.
    plan_id = service.save_plan(
        None, draft(organization_id, learners, start=date(2027, 1, 1), end=date(2027, 2, 28))
    )
    alert = service.plan(plan_id, TODAY).alert
    assert alert is not None and alert.level is AlertLevel.WARNING and "残り9日" in alert.text


def office_rules(tmp_path: Path, db: Database, *, cap: int) -> None:
    """An office's rule file: the bundled 令和7年度 rules with a small annual cap, so tests can reach it."""
    data = json.loads(resource_path("grant_rules", "reskilling_2025-04.json").read_text(encoding="utf-8"))
    data.update(id="office-small-cap", establishment_cap_per_year=cap)
    path = tmp_path / "office_rules.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    GrantRuleStore(db).load_file(path)


def test_annual_cap_is_shared_by_the_year_s_plans_in_start_order(
    service: GrantService, factory: RosterFactory, db: Database, tmp_path: Path
) -> None:
    office_rules(tmp_path, db, cap=1_000_000)
    organization_id = firm(service)
    learners = staff(factory, organization_id, 2)
    # Saved out of order: the cap is used in the order the trainings start.
    second = service.save_plan(
        None, draft(organization_id, learners, start=date(2026, 9, 1), end=date(2026, 12, 1))
    )
    first = service.save_plan(None, draft(organization_id, learners[:1], start=date(2026, 5, 1)))
    withdrawn = service.save_plan(None, draft(organization_id, learners, start=date(2026, 4, 1)))
    service.set_status(withdrawn, GrantPlanStatus.WITHDRAWN, service.plan(withdrawn, TODAY).version, TODAY)
    earlier_year = service.save_plan(
        None, draft(organization_id, learners, start=date(2026, 3, 1), end=date(2026, 3, 31))
    )
    views = {view.id: view for view in service.plans(TODAY)}
    one, two, before = (views[i].estimate for i in (first, second, earlier_year))
    assert one is not None and two is not None and before is not None
    assert (
        one.rule_set.id == "office-small-cap"
    )  # the loaded file wins over the bundled one on the same dates
    assert (one.used_before, one.total) == (0, 550_000)
    # 2 × 550,000 = 1,100,000 against the 450,000 left: the first trainee gets it, the second nothing.
    assert (two.used_before, two.subtotal, two.total, two.cap_reached) == (550_000, 1_100_000, 450_000, True)
    assert [share.payable for share in two.shares] == [450_000, 0]
    assert two.running_total == 1_000_000
    assert any("年度上限" in note for note in two.notes)
    assert views[withdrawn].estimate is None and views[withdrawn].problem
    assert (before.used_before, before.subtotal, before.total) == (
        0,
        1_100_000,
        1_000_000,
    )  # 令和7年度: its own cap


def test_subscription_claims_beyond_three_a_year_are_noted(
    service: GrantService, factory: RosterFactory
) -> None:
    organization_id = firm(service)
    learners = staff(factory, organization_id, 1)
    ids = [
        service.save_plan(
            None,
            draft(
                organization_id,
                learners,
                method=TrainingMethod.SUBSCRIPTION,
                start=date(2026, month, 1),
                end=date(2026, month + 1, 1) - (date(2026, 1, 2) - date(2026, 1, 1)),
                hours="20",
                fee="3000",
            ),
        )
        for month in (4, 6, 8, 10)
    ]
    views = {view.id: view for view in service.plans(TODAY)}
    notes = [views[i].estimate.shares[0].estimate.notes for i in ids]  # type: ignore[union-attr]
    assert [any("年度3回まで" in note for note in n) for n in notes] == [False, False, False, True]
    # one month at 3,000 yen: 75% = 2,250, under the 20,000 monthly cap
    assert views[ids[0]].estimate.total == 2_250  # type: ignore[union-attr]


def test_rule_file_with_problems_is_refused_naming_the_field(db: Database, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    data = json.loads(resource_path("grant_rules", "reskilling_2025-04.json").read_text(encoding="utf-8"))
    data["wage_methods"] = ["classroom", "video"]
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RuleFileRejected, match=r"bad\.json: wage_methods"):
        GrantRuleStore(db).load_file(bad)
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "id": ', encoding="utf-8")
    with pytest.raises(RuleFileRejected, match=r"broken\.json:2: JSON"):
        GrantRuleStore(db).load_file(broken)
    assert [info.bundled for info in GrantRuleStore(db).infos()] == [True, True]


def test_demo_office_has_two_firms_with_plans_in_several_states(db: Database) -> None:
    from desktop.store.demo import seed_demo_office

    seed_demo_office(db, TODAY)
    service = GrantService(db)
    sizes = {row.name: row.size for row in service.establishments()}
    assert sorted(sizes.values()) == [SizeClass.LARGE, SizeClass.SME]
    views = service.plans(TODAY)
    assert len({view.status for view in views}) >= 4
    assert all(view.estimate is not None and view.estimate.total > 0 for view in views)
    assert {view.alert.level for view in views if view.alert} >= {AlertLevel.OVERDUE, AlertLevel.WARNING}
    assert {EmploymentType.REGULAR, EmploymentType.FIXED_TERM} <= {
        trainee.employment for view in views for trainee in view.trainees
    }
