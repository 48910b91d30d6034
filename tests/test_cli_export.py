"""export procurement|records|effect: the headless contract, each file read back by LibreOffice."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import insert, select

from desktop.domain.diagnosis import DiagnosisKind
from desktop.domain.roster import LearnerStatus
from desktop.exchange.submission_sheets import PROCUREMENT_HEADERS
from desktop.store.database import Database
from desktop.store.models import Learner, Organization, TrainingStatus, table_of
from desktop.store.plan_service import PlanService
from tests.factories import RosterFactory
from tests.libreoffice_sheets import sheets_as_shown
from tests.store.test_plan_service import SETTINGS, diagnosed
from tests.store.test_submission_views import course, diagnose, record
from tests.test_cli_exchange import cli, url_of


def test_procurement_export_matches_the_roster(
    db: Database, factory: RosterFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    org = factory.organization("みらい市")
    factory.learner(org, number="2", name="髙橋 﨑子", furigana="タカハシ サキコ", email="saki@example.lg.jp")
    factory.learner(org, number="1", name="秋山 一", furigana="アキヤマ ハジメ", email="")
    factory.learner(org, number="3", status=LearnerStatus.RETIRED)
    planned = diagnosed(db, factory, "P1", "一般職員", 2)
    service = PlanService(db)
    service.save_drafts(service.propose([planned], SETTINGS), SETTINGS)
    out = tmp_path / "調達.xlsx"

    code, printed, err = cli(
        capsys, "--db", url_of(db), "export", "procurement", "--out", str(out), "--fiscal-year", "2025"
    )
    assert (code, err) == (0, "")
    assert printed == "調達.xlsx: 2025年度の共同調達 利用者一覧を書き出しました（2名（要確認 1名））。\n"
    shown = sheets_as_shown(out, tmp_path)
    assert set(shown) == {"利用者一覧", "団体別人数", "要確認", "条件"}
    assert shown["利用者一覧"][0] == list(PROCUREMENT_HEADERS)
    with db.transaction() as session:
        emails = dict(session.execute(select(Learner.number, Learner.email)).all())
    body = shown["利用者一覧"][1:]
    assert [(row[0], row[2], row[5]) for row in body] == [
        ("みらい市", "2", emails["2"]),
        ("団体P1", "P1", emails["P1"]),
    ]
    assert body[0][3:5] == ["髙橋\u3000﨑子", "タカハシ\u3000サキコ"] and body[0][6] == "行政職員"
    assert [row[7] for row in body] == ["2025/04/01", "2025/05/01"]  # real dates, shown yyyy/mm/dd
    assert [row[2] for row in shown["要確認"][1:]] == ["1"]
    assert shown["団体別人数"] == [
        ["団体名", "人数", "要確認"],
        ["みらい市", "1", "1"],
        ["団体P1", "1", "0"],
        ["合計", "2", "1"],
    ]
    assert ["年度", "令和7年度（2025年度）"] in shown["条件"] and ["団体", "すべて"] in shown["条件"]

    only = tmp_path / "only.xlsx"
    assert (
        cli(
            capsys,
            "--db",
            url_of(db),
            "export",
            "procurement",
            "--out",
            str(only),
            "--fiscal-year",
            "2025",
            "--org",
            "みらい市",
        )[0]
        == 0
    )
    shown = sheets_as_shown(only, tmp_path)
    assert [row[2] for row in shown["利用者一覧"][1:]] == ["2"] and ["団体", "みらい市"] in shown["条件"]


def test_records_export_lists_the_years_records_and_totals(
    db: Database, factory: RosterFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    org = factory.organization("みらい市")
    kikaku = factory.department(org, "企画課")
    a = factory.learner(org, number="A", department_id=kikaku).id
    dx = course(db, "C-DX", "DX入門")
    record(
        db,
        a,
        dx,
        TrainingStatus.COMPLETED,
        started_on=date(2025, 4, 1),
        completed_on=date(2025, 5, 1),
        hours=Decimal("2.5"),
    )
    record(
        db,
        a,
        course(db, "C-OLD", "昨年度の講座"),
        TrainingStatus.COMPLETED,
        completed_on=date(2025, 3, 31),
        hours=Decimal(9),
    )
    out = tmp_path / "実績.xlsx"
    code, printed, err = cli(
        capsys,
        "--db",
        url_of(db),
        "export",
        "records",
        "--out",
        str(out),
        "--fiscal-year",
        "2025",
        "--wareki",
    )
    assert (code, err) == (0, "")
    assert printed == "実績.xlsx: 2025年度の研修実績一覧を書き出しました（1件の受講記録）。\n"
    shown = sheets_as_shown(out, tmp_path)
    assert shown["研修実績一覧"][1] == [
        "みらい市", "企画課", "A", "山田\u3000太郎", "C-DX", "DX入門", "eラーニング", "Udemy",
        "令和7年4月1日", "令和7年5月1日", "2.5", "", "修了",
    ]  # fmt: skip
    assert len(shown["研修実績一覧"]) == 2  # the 2024年度 record is not listed
    assert shown["所属別集計"][1:] == [
        ["みらい市", "企画課", "1", "1", "1", "2.5"],
        ["合計", "", "1", "1", "1", "2.5"],
    ]
    assert shown["講座別集計"][1:] == [["C-DX", "DX入門", "1", "1", "2.5"]]


def test_effect_export_compares_before_and_after_with_a_chart(
    db: Database, factory: RosterFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    learner = diagnosed(db, factory, "E1", "一般職員", 1)
    diagnose(db, learner, DiagnosisKind.POST, date(2026, 2, 1), 3)
    out = tmp_path / "効果.xlsx"
    code, printed, err = cli(
        capsys, "--db", url_of(db), "export", "effect", "--out", str(out), "--fiscal-year", "2025"
    )
    assert (code, err) == (0, "")
    assert printed == "効果.xlsx: 2025年度の効果検証報告を書き出しました（1名の事前・事後の比較）。\n"
    shown = sheets_as_shown(out, tmp_path)
    head, row = shown["効果検証一覧"]
    assert head[:8] == ["団体名", "所属", "受講者番号", "氏名", "役割", "事前診断日", "事後診断日", head[7]]
    assert head[7].endswith(" 事前") and head[-3:] == ["年度の学習時間", "修了講座数", "計画達成率(%)"]
    assert row[:7] == ["団体E1", "", "E1", "山田\u3000太郎", "一般職員", "2025/04/20", "2026/02/01"]
    before, after, change = (float(row[7]), float(row[8]), float(row[9]))
    assert round(after - before, 1) == change > 0
    assert shown["役割別"][1][:2] == ["一般職員", "1"] and shown["役割別"][-1][0] == "合計"
    assert shown["所属別"][-1][:2] == ["合計", "1"]
    chart = shown["グラフ"]
    assert chart[0] == ["分類", "事前（平均）", "事後（平均）"] and len(chart) == 12
    assert ["スキル診断", next(v for k, v in shown["条件"] if k == "スキル診断")] in shown["条件"]
    assert openpyxl.load_workbook(out)["グラフ"]._charts  # the BarChart is in the file


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["procurement", "--out", "x.csv"], "--out: 出力先は .xlsx のファイルにしてください: x.csv"),
        (
            ["procurement", "--out", "x.xlsx", "--org", "ない市"],
            "--org: 団体「ない市」は登録されていません。",
        ),
        (["records", "--out", "ない/x.xlsx"], "--out: フォルダ"),
        (["effect", "--out", "x.xlsx", "--fiscal-year", "7"], "--fiscal-year: 年度は西暦で指定してください"),
    ],
)
def test_bad_input_exits_2_in_japanese_and_writes_nothing(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    args = [str(work / a) if a.endswith((".csv", ".xlsx")) else a for a in args]
    code, printed, err = cli(capsys, "--db", url_of(sqlite_db), "export", *args)
    assert (code, printed) == (2, "") and message in err
    assert list(work.iterdir()) == []


def test_fifty_thousand_learners_are_written_in_write_only_mode(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with sqlite_db.transaction() as session:
        org = session.scalars(
            insert(Organization).values(name="おおきな県", kind="municipality").returning(Organization.id)
        ).one()
        session.execute(
            insert(table_of(Learner)),
            [
                {"organization_id": org, "number": f"{n:06d}", "name": f"受講者{n}", "furigana": "ジュコウシャ",
                 "email": f"u{n}@example.lg.jp", "kind": "staff", "status": "active", "version": 1}
                for n in range(50_000)
            ],
        )  # fmt: skip
    made: list[dict[str, Any]] = []
    real = openpyxl.Workbook
    monkeypatch.setattr(openpyxl, "Workbook", lambda *a, **k: made.append(k) or real(*a, **k))
    out = tmp_path / "big.xlsx"
    started = time.perf_counter()
    code, printed, err = cli(
        capsys, "--db", url_of(sqlite_db), "export", "procurement", "--out", str(out), "--fiscal-year", "2025"
    )
    elapsed = time.perf_counter() - started
    assert (code, err) == (0, "") and "50,000名" in printed
    assert made == [{"write_only": True}]
    assert elapsed < 30, f"{elapsed:.1f} s"
    book = openpyxl.load_workbook(out, read_only=True)
    try:
        conditions = [tuple(row) for row in book["条件"].iter_rows(values_only=True)]
    finally:
        book.close()
    assert ("シート「利用者一覧」", "50,000 行") in conditions
