"""Demo 助成金 data: two firms (one 中小, one 大企業) with training plans in every state.

Dates are relative to ``today`` so that the 助成金 page always shows a true
picture on first start: a plan whose 計画届 is due soon, one whose 計画届 is
late, one in its claim window, one decided, one claimed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.demo_roster import COMPANY_NAME
from desktop.domain.grant_plan import EmploymentType, GrantPlanStatus
from desktop.domain.grant_rules import TrainingMethod
from desktop.domain.registration_numbers import corporate_number_check_digit
from desktop.domain.roster import LearnerKind, LearnerStatus, OrganizationKind, SizeClass
from desktop.store.database import Database
from desktop.store.models import Department, GrantPlan, GrantTrainee, Learner, Organization

LARGE_FIRM_NAME = "みなと電機株式会社"
LARGE_FIRM_DEPARTMENTS = ("情報システム部", "製造部", "品質保証部")
# fmt: off
LARGE_FIRM_STAFF = (
    ("青山　健一", "アオヤマ　ケンイチ"), ("石原　美咲", "イシハラ　ミサキ"), ("上野　拓也", "ウエノ　タクヤ"),
    ("江口　真由美", "エグチ　マユミ"), ("大西　翔太", "オオニシ　ショウタ"), ("川口　陽子", "カワグチ　ヨウコ"),
    ("北村　大輔", "キタムラ　ダイスケ"), ("久保　彩", "クボ　アヤ"), ("小松　亮", "コマツ　リョウ"),
    ("桜井　優子", "サクライ　ユウコ"), ("島田　直人", "シマダ　ナオト"), ("杉山　恵", "スギヤマ　メグミ"),
    ("高木　誠", "タカギ　マコト"), ("千田　早紀", "チダ　サキ"),
)
# fmt: on


@dataclass(frozen=True)
class _DemoPlan:
    title: str
    provider: str
    method: TrainingMethod
    start_offset: int  # days from today
    length_days: int
    hours: str
    fee: int
    status: GrantPlanStatus
    trainees: int


_SME_PLANS = (
    _DemoPlan(
        "DX推進のための業務改善基礎",
        "みなと商工会議所",
        TrainingMethod.CLASSROOM,
        -170,
        30,
        "24",
        88_000,
        GrantPlanStatus.DECIDED,
        6,
    ),
    _DemoPlan(
        "IoTによる生産管理の実践",
        "県立産業技術専門校",
        TrainingMethod.CLASSROOM,
        -140,
        90,
        "210",
        720_000,
        GrantPlanStatus.NOTIFIED,
        3,
    ),
    _DemoPlan(
        "Pythonによるデータ分析実践",
        "株式会社デジタル研修センター",
        TrainingMethod.LIVE_ONLINE,
        -30,
        90,
        "120",
        550_000,
        GrantPlanStatus.NOTIFIED,
        4,
    ),
    _DemoPlan(
        "Udemy Business による生成AI活用（定額制）",
        "Udemy Business",
        TrainingMethod.SUBSCRIPTION,
        40,
        180,
        "30",
        3_000,
        GrantPlanStatus.DRAFT,
        8,
    ),
)
_LARGE_PLANS = (
    _DemoPlan(
        "生成AI活用 eラーニング講座",
        "株式会社ラーニングワークス",
        TrainingMethod.ELEARNING,
        -120,
        60,
        "12",
        45_000,
        GrantPlanStatus.CLAIMED,
        10,
    ),
    _DemoPlan(
        "DXリーダー育成講座",
        "みなと大学 社会人教育センター",
        TrainingMethod.CLASSROOM,
        20,
        120,
        "60",
        350_000,
        GrantPlanStatus.DRAFT,
        5,
    ),
)


def seed_demo_grants(db: Database, today: date, seed: int = 2026) -> None:
    """Fill in the demo company as an establishment, add a large firm with staff, and their plans."""
    rng = random.Random(seed)
    with db.transaction() as session:
        sme = session.scalars(select(Organization).where(Organization.name == COMPANY_NAME)).one()
        sme.main_business = "金属部品製造業"
        sme.labour_bureau = "群馬労働局"
        sme.contact_name = "総務部　高田　由紀"
        sme.contact_phone = "027-000-1234"
        large = _large_firm(session, rng)
        for org, plans in ((sme, _SME_PLANS), (large, _LARGE_PLANS)):
            staff = list(
                session.scalars(
                    select(Learner)
                    .where(Learner.organization_id == org.id, Learner.status == LearnerStatus.ACTIVE)
                    .where(Learner.insured_number.is_not(None))
                    .order_by(Learner.number)
                )
            )
            for demo in plans:
                _add_plan(
                    session, org.id, demo, today, rng.sample(staff, min(demo.trainees, len(staff))), rng
                )


def _large_firm(session: Session, rng: random.Random) -> Organization:
    base12 = f"{rng.randrange(10**11, 10**12):012d}"
    org = Organization(
        name=LARGE_FIRM_NAME,
        kind=OrganizationKind.COMPANY,
        size_class=SizeClass.LARGE,
        employment_office_number=f"{rng.randrange(1000, 10000)}-{rng.randrange(10**6):06d}-{rng.randrange(10)}",
        corporate_number=f"{corporate_number_check_digit(base12)}{base12}",
        main_business="電気機械器具製造業",
        labour_bureau="群馬労働局",
        contact_name="人事部　森本　隆",
        contact_phone="027-000-5678",
    )
    session.add(org)
    session.flush()
    departments = []
    for order, name in enumerate(LARGE_FIRM_DEPARTMENTS):
        department = Department(organization_id=org.id, name=name, sort_order=order)
        session.add(department)
        departments.append(department)
    session.flush()
    area = rng.randrange(1000, 10000)
    for index, (name, furigana) in enumerate(LARGE_FIRM_STAFF, start=1):
        session.add(
            Learner(
                organization_id=org.id,
                number=f"MD{index:04d}",
                name=name,
                furigana=furigana,
                email=f"staff{index:03d}@minato-denki.example.co.jp",
                department_id=departments[index % len(departments)].id,
                kind=LearnerKind.EMPLOYEE,
                role="事業系デジタル人材",
                status=LearnerStatus.ACTIVE,
                insured_number=f"{area}{rng.randrange(10**7):07d}",
            )
        )
    session.flush()
    return org


def _add_plan(
    session: Session,
    organization_id: int,
    demo: _DemoPlan,
    today: date,
    staff: list[Learner],
    rng: random.Random,
) -> None:
    start = today + timedelta(days=demo.start_offset)
    end = start + timedelta(days=demo.length_days)
    plan = GrantPlan(
        organization_id=organization_id,
        title=demo.title,
        provider=demo.provider,
        method=demo.method,
        start_on=start,
        end_on=end,
        hours=Decimal(demo.hours),
        fee_yen=demo.fee,
        status=demo.status,
        notice_submitted_on=start - timedelta(days=45) if demo.status is not GrantPlanStatus.DRAFT else None,
        claim_submitted_on=end + timedelta(days=20)
        if demo.status in (GrantPlanStatus.CLAIMED, GrantPlanStatus.DECIDED)
        else None,
        notes="",
        created_by="demo",
    )
    session.add(plan)
    session.flush()
    for position, learner in enumerate(sorted(staff, key=lambda learner: learner.furigana)):
        hours = Decimal(demo.hours)
        if position == 1 and demo.method in (TrainingMethod.CLASSROOM, TrainingMethod.LIVE_ONLINE):
            hours -= min(hours - 1, Decimal(6))  # one trainee missed a day
        session.add(
            GrantTrainee(
                plan_id=plan.id,
                learner_id=learner.id,
                position=position,
                employment_type=EmploymentType.FIXED_TERM if rng.random() < 0.2 else EmploymentType.REGULAR,
                wage_hours=hours,
            )
        )
