"""Two PCs on one database (two engines, as two offices' PCs would have): a record and a plan.

The learner's case is in test_roster_service; the grant plan's in test_grant_service.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from desktop.domain.accounts import Actor, Role
from desktop.domain.plan_proposal import Reason
from desktop.store.database import Database, open_database
from desktop.store.errors import StaleEditError
from desktop.store.plan_service import PlanService
from desktop.store.records_service import RecordsService
from tests.factories import RosterFactory
from tests.store.test_plan_service import drafted, line_codes, plan_rows
from tests.store.test_records_service import TODAY, draft


@pytest.fixture
def other_pc(db: Database) -> Iterator[Database]:
    other = open_database(db.url.render_as_string(hide_password=False))
    other.actor = Actor("suzuki", "鈴木　次郎", Role.STAFF, 9)
    yield other
    other.dispose()


def test_a_record_saved_on_another_pc_is_not_overwritten(
    db: Database, other_pc: Database, factory: RosterFactory
) -> None:
    learner = factory.learner(factory.organization())
    mine, theirs = RecordsService(db, today=lambda: TODAY), RecordsService(other_pc, today=lambda: TODAY)
    row = mine.create_manual(draft(learner.id))
    their_copy = theirs.row(row.id)
    theirs.update_manual(their_copy, draft(learner.id, hours="3", notes="午後の部"))
    with pytest.raises(StaleEditError) as caught:
        mine.update_manual(row, draft(learner.id, hours="2"))
    changes = [(c.label, c.mine, c.theirs) for c in caught.value.changes]
    assert ("時間", "1.5", "3") in changes and ("備考", "集合研修", "午後の部") in changes
    assert "相手の変更" in caught.value.message and "保存しませんでした" in caught.value.message
    assert mine.row(row.id).hours == Decimal("3.00")
    with pytest.raises(StaleEditError):
        mine.delete(row)
    assert mine.row(row.id).notes == "午後の部"


def test_a_plan_saved_on_another_pc_is_not_overwritten_and_says_who(
    db: Database, other_pc: Database, factory: RosterFactory
) -> None:
    service, learner, plan_id, version = drafted(db, factory)
    codes = line_codes(db, plan_id)
    theirs = PlanService(other_pc)
    theirs.update_draft(
        plan_id,
        version,
        goal="ITパスポート合格",
        mentor="山田",
        lines=[(codes[0], date(2025, 6, 1), Reason.GAP, "")],
    )
    with pytest.raises(StaleEditError) as caught:
        service.update_draft(plan_id, version, goal="別の目標", mentor="", lines=[])
    message = caught.value.message
    assert "鈴木　次郎" in message and "相手の変更" in message
    labels = {c.label for c in caught.value.changes}
    assert {"目標", "ラーニングパートナー", "講座と受講月"} <= labels
    current = plan_rows(db, learner)[0]
    assert current.goal == "ITパスポート合格" and line_codes(db, plan_id) == [codes[0]]


def test_a_lines_only_save_still_refuses_the_other_editor(
    db: Database, other_pc: Database, factory: RosterFactory
) -> None:
    service, _learner, plan_id, version = drafted(db, factory)
    codes = line_codes(db, plan_id)
    goal = plan_rows(db, _learner)[0].goal
    PlanService(other_pc).update_draft(
        plan_id, version, goal=goal, mentor="", lines=[(codes[0], date(2025, 6, 1), Reason.GAP, "")]
    )
    with pytest.raises(StaleEditError) as caught:
        service.update_draft(
            plan_id, version, goal=goal, mentor="", lines=[(codes[-1], date(2025, 7, 1), Reason.GAP, "")]
        )
    assert [c.label for c in caught.value.changes] == ["講座と受講月"]
    assert line_codes(db, plan_id) == [codes[0]]
