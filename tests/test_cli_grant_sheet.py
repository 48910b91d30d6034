"""grant sheet: the 記入シート as PDF, or the trainee list as Excel, from a plan in the database."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop.domain.grant_drafts import EstablishmentDraft, GrantPlanDraft, TraineeDraft
from desktop.domain.grant_plan import EmploymentType
from desktop.domain.grant_rules import TrainingMethod
from desktop.domain.roster import LearnerKind, SizeClass
from desktop.store.database import Database
from desktop.store.grant_service import GrantService
from tests.factories import RosterFactory
from tests.reports import assert_fonts_embedded, page_count, pdf_text
from tests.test_cli_diagnosis import cli, url_of

PEOPLE = [
    ("髙橋　花子", "タカハシ　ハナコ"),
    ("山田　太郎", "ヤマダ　タロウ"),
    ("佐藤　一郎", "サトウ　イチロウ"),
]


def seeded_plan(db: Database) -> int:
    """みどり精機 (中小企業) with a 150-hour classroom plan for three; 佐藤 asks wages for 120 hours."""
    service = GrantService(db)
    firm = service.save_establishment(
        None,
        EstablishmentDraft(
            name="株式会社みどり精機",
            size=SizeClass.SME,
            office_number="1301-123456-7",
            corporate_number="7000012050002",
            main_business="金属製品製造業",
            labour_bureau="群馬労働局",
            contact_name="佐藤 花子",
            contact_phone="027-123-4567",
        ),
    )
    factory = RosterFactory(db)
    learners = [
        factory.learner(
            firm, name=name, furigana=kana, kind=LearnerKind.EMPLOYEE, insured_number=f"0123456789{n}"
        ).id
        for n, (name, kana) in enumerate(PEOPLE)
    ]
    return service.save_plan(
        None,
        GrantPlanDraft(
            organization_id=firm,
            title="製造現場のデータ分析実践講座",
            method=TrainingMethod.CLASSROOM,
            start=date(2026, 6, 1),
            end=date(2026, 8, 31),
            hours="150",
            fee="600,000",
            provider="ぐんまDX研修センター",
            trainees=(
                TraineeDraft(learners[0]),
                TraineeDraft(learners[1], employment=EmploymentType.FIXED_TERM),
                TraineeDraft(learners[2], wage_hours="120"),
            ),
        ),
    )


def test_sheet_writes_the_three_sheets_as_one_pdf(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = seeded_plan(sqlite_db)
    out = tmp_path / "記入シート.pdf"
    code, stdout, err = cli(
        capsys, "--db", url_of(sqlite_db), "grant", "sheet", "--plan", str(plan), "--out", str(out)
    )
    assert code == 0, err
    assert stdout.strip() == f"書き出しました: {out}"
    text = pdf_text(out)
    for sheet in ("訓練計画の概要", "受講者一覧", "助成額の計算"):
        assert f"記入シート（{sheet}）" in text
    assert page_count(out) >= 3
    assert "1301-123456-7" in text and "7000012050002" in text and "群馬労働局" in text
    assert "令和8年6月1日（2026-06-01）" in text
    assert re.search(r"髙橋　?\s*花子\s+タカハシ\s+ハナコ\s+0123-456789-0\s+正規", text)
    assert "0123-456789-1" in text and "有期" in text and "120時間" in text
    # 2 × (400,000 + 150,000) + (400,000 + 120,000)
    assert re.search(r"助成見込額\s+1,620,000円", text)
    assert "reskilling-r7-04" in text
    assert_fonts_embedded(out)


def test_kind_prints_one_sheet(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = seeded_plan(sqlite_db)
    out = tmp_path / "受講者.pdf"
    args = (
        "--db",
        url_of(sqlite_db),
        "grant",
        "sheet",
        "--plan",
        str(plan),
        "--kind",
        "trainees",
        "--out",
        str(out),
    )
    assert cli(capsys, *args)[0] == 0
    text = pdf_text(out)
    assert "記入シート（受講者一覧）" in text
    assert "訓練計画の概要" not in text and "助成額の計算" not in text
    assert page_count(out) == 1


def test_xlsx_out_writes_the_trainee_list(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = seeded_plan(sqlite_db)
    out = tmp_path / "受講者一覧.xlsx"
    code, _, err = cli(
        capsys, "--db", url_of(sqlite_db), "grant", "sheet", "--plan", str(plan), "--out", str(out)
    )
    assert code == 0, err
    workbook = openpyxl.load_workbook(out)
    try:
        rows = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    finally:
        workbook.close()
    head = next(n for n, row in enumerate(rows) if row[0] == "No")
    listed = rows[head + 1 :]
    assert [row[2] for row in listed] == [name for name, _ in PEOPLE]
    assert [row[4] for row in listed] == ["0123-456789-0", "0123-456789-1", "0123-456789-2"]
    assert [row[10] for row in listed] == [550_000, 550_000, 520_000]


def test_other_suffixes_and_unknown_plans_exit_2_with_nothing_written(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = seeded_plan(sqlite_db)
    base = ("--db", url_of(sqlite_db), "grant", "sheet")
    code, stdout, err = cli(capsys, *base, "--plan", str(plan), "--out", str(tmp_path / "x.txt"))
    assert (code, stdout) == (2, "")
    assert "--out: x.txt: .pdf か .xlsx のファイル名にしてください。" in err
    code, stdout, err = cli(capsys, *base, "--plan", str(plan + 99), "--out", str(tmp_path / "x.pdf"))
    assert (code, stdout) == (2, "")
    assert "訓練計画が見つかりません" in err
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("test.sqlite")] == []


def test_an_unwritable_pdf_exits_2_with_a_japanese_message(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = seeded_plan(sqlite_db)
    out = tmp_path / "ない" / "x.pdf"
    code, stdout, err = cli(
        capsys, "--db", url_of(sqlite_db), "grant", "sheet", "--plan", str(plan), "--out", str(out)
    )
    assert (code, stdout) == (2, "")
    assert "x.pdf に書き込めません" in err
    assert not out.parent.exists()


def test_an_unwritable_xlsx_is_a_plain_message_and_exit_2(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = seeded_plan(sqlite_db)
    out = tmp_path / "no-such-folder" / "受講者一覧.xlsx"
    code, stdout, err = cli(
        capsys, "--db", url_of(sqlite_db), "grant", "sheet", "--plan", str(plan), "--out", str(out)
    )
    assert (code, stdout) == (2, "")
    assert "受講者一覧.xlsx" in err and "Traceback" not in err
    assert not out.parent.exists()
