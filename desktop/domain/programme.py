"""Where each learner stands in the 年度's programme, and what to do next for those at each step.

The steps follow Gunma's model: 名簿 → スキル診断（事前） → 学習計画 → 学習 →
スキル診断（事後） → 効果検証・提出. A learner stands at the first step not yet
done for the 年度; the home page counts them and offers the next action for
exactly those learners (「計画未作成の12名の計画を作成」).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from desktop.domain.plan import PlanStatus


class Step(StrEnum):
    PRE_DIAGNOSIS = "pre_diagnosis"
    PLAN = "plan"
    APPROVAL = "approval"
    LEARNING = "learning"
    POST_DIAGNOSIS = "post_diagnosis"
    REVIEW = "review"

    @property
    def label(self) -> str:
        return {
            "pre_diagnosis": "スキル診断（事前）",
            "plan": "学習計画の作成",
            "approval": "計画の承認",
            "learning": "学習",
            "post_diagnosis": "スキル診断（事後）",
            "review": "効果検証・提出",
        }[self.value]

    @property
    def waiting(self) -> str:
        """How the learners at this step are described: 「事前診断が未実施」."""
        return {
            "pre_diagnosis": "事前診断が未実施",
            "plan": "計画未作成",
            "approval": "計画が下書きのまま",
            "learning": "学習中",
            "post_diagnosis": "事後診断が未実施",
            "review": "事前・事後の診断がそろった",
        }[self.value]


STEPS = tuple(Step)
_LEARNING_STATUSES = frozenset({PlanStatus.APPROVED, PlanStatus.ACTIVE})


@dataclass(frozen=True)
class LearnerFacts:
    """What the 年度's records say of one learner still on the roster."""

    learner_id: int
    pre_diagnosed: bool  # a completed 事前 (or 定期) diagnosis in the 年度, or before its plan
    post_diagnosed: bool  # a completed 事後 diagnosis in the 年度 after the 事前 one
    plan_status: PlanStatus | None  # the 年度's current plan, if any
    plan_percent: int = 0  # hours done as a share of hours planned
    overdue_lines: int = 0


def step_of(facts: LearnerFacts) -> Step | None:
    """The first step of the programme this learner has not finished for the 年度.

    None for a learner whose plan was stopped (中止): they are out of the 年度's
    programme, not waiting for a plan.
    """
    if facts.post_diagnosed:
        return Step.REVIEW
    status = facts.plan_status
    if status is PlanStatus.CANCELLED:
        return None
    if status is None:
        return Step.PLAN if facts.pre_diagnosed else Step.PRE_DIAGNOSIS
    if status is PlanStatus.DRAFT:
        return Step.APPROVAL
    if status in _LEARNING_STATUSES and facts.plan_percent < 100:
        return Step.LEARNING
    return Step.POST_DIAGNOSIS  # the plan is done (marked 完了, or every planned hour learned)


@dataclass(frozen=True)
class StepCount:
    step: Step
    learners: int
    learner_ids: tuple[int, ...]
    overdue: int = 0  # at 学習: learners with lines past their month

    @property
    def action(self) -> str | None:
        """The button's words for the next action, or None when nobody stands here."""
        if not self.learners:
            return None
        n = self.learners
        if self.step is Step.PRE_DIAGNOSIS:
            return f"事前診断が未実施の{n}名の診断へ"
        if self.step is Step.PLAN:
            return f"計画未作成の{n}名の計画を作成"
        if self.step is Step.APPROVAL:
            return f"下書きの{n}名の計画を承認"
        if self.step is Step.LEARNING:
            return (
                f"期限超過のある{self.overdue}名を確認" if self.overdue else f"学習中の{n}名の進み具合を見る"
            )
        if self.step is Step.POST_DIAGNOSIS:
            return f"事後診断が未実施の{n}名の診断へ"
        return f"{n}名の効果検証を出力"


def count_steps(learners: Iterable[LearnerFacts]) -> list[StepCount]:
    """Every step in order, with the learners standing at it (a step nobody is at still appears)."""
    at: dict[Step, list[int]] = {step: [] for step in STEPS}
    overdue: Counter[Step] = Counter()
    for facts in learners:
        step = step_of(facts)
        if step is None:
            continue
        at[step].append(facts.learner_id)
        if facts.overdue_lines:
            overdue[step] += 1
    return [StepCount(step, len(at[step]), tuple(at[step]), overdue[step]) for step in STEPS]
