"""plan propose: drafts saved from each learner's latest diagnosis, one line per learner."""

from __future__ import annotations

import pytest

from desktop.store.database import Database
from tests.factories import RosterFactory
from tests.store.test_plan_service import diagnosed, plan_rows
from tests.test_cli_diagnosis import cli, url_of


def test_plan_propose_saves_drafts_and_says_why_not_for_the_others(
    db: Database, factory: RosterFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    learner = diagnosed(db, factory, "A1", "一般職員", 1)
    code, out, err = cli(
        capsys,
        "--db",
        url_of(db),
        "plan",
        "propose",
        "--learner",
        "A1",
        "--hours",
        "12",
        "--months",
        "2",
        "--fiscal-year",
        "2025",
    )
    assert code == 0, err
    first, total = out.strip().splitlines()
    assert first.startswith("A1 ") and "時間（上限12時間）：下書きを作成しました" in first
    assert total == "2025年度: 1名中 1名の学習計画（下書き）を保存しました。"
    [plan] = plan_rows(db, learner)
    assert plan.hours_budget == 12 and (plan.period_start.month, plan.period_end.month) == (4, 5)

    factory.learner(factory.organization("団体B"), number="B1")
    code, out, _ = cli(capsys, "--db", url_of(db), "plan", "propose", "--all", "--fiscal-year", "2025")
    assert code == 0
    assert "B1 " in out and "計画を作れません（完了したスキル診断がありません）" in out

    with pytest.raises(SystemExit) as exited:  # argparse refuses it before any database work
        cli(capsys, "--db", url_of(db), "plan", "propose", "--all", "--months", "13")
    assert exited.value.code == 2 and "月数は1〜12" in capsys.readouterr().err
