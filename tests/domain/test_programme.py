"""Where a learner stands in the 年度's programme, and the home page's next actions."""

from __future__ import annotations

import pytest

from desktop.domain.plan import PlanStatus
from desktop.domain.programme import STEPS, LearnerFacts, Step, StepCount, count_steps, step_of


@pytest.mark.parametrize(
    ("pre", "post", "status", "percent", "step"),
    [
        pytest.param(False, False, None, 0, Step.PRE_DIAGNOSIS, id="nothing-yet"),
        pytest.param(True, False, None, 0, Step.PLAN, id="diagnosed-no-plan"),
        pytest.param(True, False, PlanStatus.DRAFT, 0, Step.APPROVAL, id="draft"),
        pytest.param(True, False, PlanStatus.APPROVED, 0, Step.LEARNING, id="approved"),
        pytest.param(True, False, PlanStatus.ACTIVE, 99, Step.LEARNING, id="active-99"),
        pytest.param(True, False, PlanStatus.ACTIVE, 100, Step.POST_DIAGNOSIS, id="every-hour-learned"),
        pytest.param(True, False, PlanStatus.DONE, 40, Step.POST_DIAGNOSIS, id="marked-done"),
        pytest.param(True, True, PlanStatus.DONE, 100, Step.REVIEW, id="after-diagnosis"),
        pytest.param(True, True, None, 0, Step.REVIEW, id="after-without-plan"),
        pytest.param(True, False, PlanStatus.CANCELLED, 0, None, id="stopped"),
    ],
)
def test_each_learner_stands_at_the_first_step_not_done(
    pre: bool, post: bool, status: PlanStatus | None, percent: int, step: Step | None
) -> None:
    assert step_of(LearnerFacts(1, pre, post, status, percent)) is step


def test_counts_list_every_step_in_order_with_its_learners_and_overdue() -> None:
    facts = [
        LearnerFacts(1, False, False, None),
        LearnerFacts(2, True, False, None),
        LearnerFacts(3, True, False, None),
        LearnerFacts(4, True, False, PlanStatus.ACTIVE, 30, overdue_lines=2),
        LearnerFacts(5, True, False, PlanStatus.ACTIVE, 50),
        LearnerFacts(6, True, False, PlanStatus.CANCELLED),
    ]
    counts = count_steps(facts)
    assert [c.step for c in counts] == list(STEPS)
    by_step = {c.step: c for c in counts}
    assert by_step[Step.PLAN].learner_ids == (2, 3)
    assert by_step[Step.LEARNING].learners == 2 and by_step[Step.LEARNING].overdue == 1
    assert by_step[Step.REVIEW].learners == 0 and by_step[Step.REVIEW].action is None
    assert sum(c.learners for c in counts) == 5  # the stopped plan is in no step


@pytest.mark.parametrize(
    ("step", "learners", "overdue", "action"),
    [
        (Step.PRE_DIAGNOSIS, 3, 0, "事前診断が未実施の3名の診断へ"),
        (Step.PLAN, 12, 0, "計画未作成の12名の計画を作成"),
        (Step.APPROVAL, 4, 0, "下書きの4名の計画を承認"),
        (Step.LEARNING, 30, 5, "期限超過のある5名を確認"),
        (Step.LEARNING, 30, 0, "学習中の30名の進み具合を見る"),
        (Step.POST_DIAGNOSIS, 8, 0, "事後診断が未実施の8名の診断へ"),
        (Step.REVIEW, 20, 0, "20名の効果検証を出力"),
    ],
)
def test_the_next_action_names_how_many(step: Step, learners: int, overdue: int, action: str) -> None:
    assert StepCount(step, learners, tuple(range(learners)), overdue).action == action
