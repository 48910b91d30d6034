"""Scoring: both item kinds, unanswered items, role targets, thresholds, plain words."""

from __future__ import annotations

import pytest

from desktop.domain.diagnosis import (
    DiagnosisKind,
    biggest_gaps,
    compare,
    score_answers,
    strongest,
    summary_sentences,
)
from desktop.domain.framework import knowledge_level
from tests.domain.framework_data import small_framework

FRAMEWORK = small_framework()
GENERAL, LEADER = FRAMEWORK.roles


def test_self_and_knowledge_parts_count_equally() -> None:
    # data: self answers 3 and 4 → 3.5; knowledge D-K1 right, D-K2 wrong → share 0.5 → level 2.
    score = score_answers(FRAMEWORK, GENERAL, {"D-01": 3, "D-02": 4, "D-K1": 2, "D-K2": 1})
    data = score.by_category()["data"]
    assert data.self_level == 3.5
    assert data.knowledge_share == 0.5
    assert data.level == 2.8  # (3.5 + 2) / 2 = 2.75, shown to one decimal
    assert data.answered == 4 and data.total == 4


def test_knowledge_only_category_takes_the_threshold_level() -> None:
    right = score_answers(FRAMEWORK, GENERAL, {"S-K1": 1}).by_category()["sec"]
    wrong = score_answers(FRAMEWORK, GENERAL, {"S-K1": 2}).by_category()["sec"]
    assert (right.level, wrong.level) == (4.0, 1.0)


@pytest.mark.parametrize(
    ("share", "level"), [(0.0, 1), (0.49, 1), (0.5, 2), (0.74, 2), (0.75, 3), (0.99, 3), (1.0, 4)]
)
def test_thresholds(share: float, level: int) -> None:
    assert knowledge_level(FRAMEWORK, share) == level


def test_unanswered_items_are_left_out_and_an_empty_category_has_no_level() -> None:
    score = score_answers(FRAMEWORK, GENERAL, {"D-01": 2})
    assert score.by_category()["data"].level == 2.0  # only the one self answer
    assert score.by_category()["bpr"].level is None
    assert score.by_category()["bpr"].gap is None
    assert score.answered == 1 and not score.complete


def test_out_of_range_and_unknown_answers_are_ignored() -> None:
    score = score_answers(FRAMEWORK, GENERAL, {"D-01": 9, "S-K1": 3, "ZZ-99": 1})
    assert score.answered == 0


def test_gaps_use_the_role_target_and_are_zero_when_reached() -> None:
    answers = {"D-01": 2, "D-02": 2, "D-K1": 2, "D-K2": 3, "S-K1": 1, "B-01": 2}
    general = score_answers(FRAMEWORK, GENERAL, answers).by_category()
    leader = score_answers(FRAMEWORK, LEADER, answers).by_category()
    assert general["bpr"].gap == 0.0 and general["bpr"].reached
    assert leader["bpr"].gap == 2.0 and not leader["bpr"].reached
    assert leader["data"].target == 3


def test_strongest_and_biggest_gaps_in_plain_words() -> None:
    answers = {"D-01": 1, "D-02": 1, "D-K1": 1, "D-K2": 1, "S-K1": 1, "B-01": 3}
    score = score_answers(FRAMEWORK, LEADER, answers)
    assert [c.category_id for c in strongest(score, 1)] == ["sec"]
    assert [c.category_id for c in biggest_gaps(score)] == ["data", "bpr"]
    text = "\n".join(summary_sentences(score))
    assert "強みは 「セキュリティ」（4.0）" in text
    assert "DX推進リーダーの到達目標との差が大きいのは 「データ」（目標3まで あと2.0）" in text


def test_summary_when_nothing_is_answered_or_everything_is_reached() -> None:
    assert summary_sentences(score_answers(FRAMEWORK, GENERAL, {})) == ["まだ回答がありません。"]
    answers = {"D-01": 4, "D-02": 4, "D-K1": 2, "D-K2": 3, "S-K1": 1, "B-01": 4}
    text = summary_sentences(score_answers(FRAMEWORK, GENERAL, answers))
    assert "回答したすべての分類で一般職員の到達目標に達しています。" in text


def test_before_and_after_changes() -> None:
    before = score_answers(FRAMEWORK, GENERAL, {"D-01": 1, "D-02": 1, "B-01": 2})
    after = score_answers(FRAMEWORK, GENERAL, {"D-01": 3, "D-02": 2, "B-01": 2, "S-K1": 1})
    changes = {c.category_id: c for c in compare(before, after)}
    assert changes["data"].change == 1.5
    assert changes["bpr"].change == 0.0
    assert changes["sec"].before is None and changes["sec"].change is None


def test_kind_parses_labels_and_codes() -> None:
    assert DiagnosisKind.parse("事後") is DiagnosisKind.POST
    assert DiagnosisKind.parse("periodic") is DiagnosisKind.PERIODIC
    with pytest.raises(ValueError, match="事前・事後・定期"):
        DiagnosisKind.parse("中間")
