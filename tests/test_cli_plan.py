"""plan propose: drafts saved from each learner's latest diagnosis, one line per learner."""

from __future__ import annotations

import subprocess
from pathlib import Path

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


def test_plan_print_writes_one_pdf_or_a_folder_and_names_who_has_no_plan(
    db: Database, factory: RosterFactory, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    diagnosed(db, factory, "A1", "一般職員", 1)
    diagnosed(db, factory, "A2", "一般職員", 2)
    base = ("--db", url_of(db))
    code, _out, err = cli(
        capsys, *base, "plan", "print", "--all", "--fiscal-year", "2025", "--out", str(tmp_path / "x.pdf")
    )
    assert code == 2 and "2025年度の学習計画がある受講者がいません" in err
    assert not (tmp_path / "x.pdf").exists()

    assert cli(capsys, *base, "plan", "propose", "--learner", "A1", "--fiscal-year", "2025")[0] == 0
    combined = tmp_path / "計画.pdf"
    code, out, err = cli(
        capsys, *base, "plan", "print", "--all", "--fiscal-year", "2025", "--out", str(combined)
    )
    assert code == 0, err
    assert (
        out.strip()
        == "計画.pdf: 1名分の学習計画書を書き出しました（2025年度の計画がない1名は出力していません）。"
    )
    text = pdf_text(combined)
    assert "学習計画書" in text and "令和7年度" in text and "A1" in text

    folder = tmp_path / "folder"
    assert cli(capsys, *base, "plan", "propose", "--all", "--fiscal-year", "2025")[0] == 0
    code, out, err = cli(
        capsys, *base, "plan", "print", "--all", "--fiscal-year", "2025", "--out", str(folder)
    )
    assert code == 0, err
    assert sorted(p.name[:3] for p in folder.iterdir()) == ["A1_", "A2_"]
    assert all(p.suffix == ".pdf" for p in folder.iterdir())


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_plan_print_to_a_place_it_cannot_write_says_so_plainly(
    db: Database, factory: RosterFactory, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    diagnosed(db, factory, "A1", "一般職員", 1)
    base = ("--db", url_of(db))
    assert cli(capsys, *base, "plan", "propose", "--all", "--fiscal-year", "2025")[0] == 0
    blocked = tmp_path / "計画.pdf"
    blocked.mkdir()  # a folder where the file should go: the PDF cannot replace it
    code, _out, err = cli(
        capsys, *base, "plan", "print", "--all", "--fiscal-year", "2025", "--out", str(blocked)
    )
    assert code == 2 and "計画.pdf に書き込めません" in err and "Traceback" not in err
    assert blocked.is_dir() and not list(blocked.iterdir())
