"""Every print or export with personal data is in the audit log, and imports say what they changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.store.database import Database
from desktop.store.models import AuditEntry
from desktop.store.plan_service import PlanService
from tests.factories import RosterFactory
from tests.store.test_plan_service import SETTINGS, diagnosed
from tests.test_cli_exchange import cli, url_of, write


def entries(db: Database, action: str | None = None) -> list[AuditEntry]:
    with db.transaction() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action is not None:
            query = query.where(AuditEntry.action == action)
        return list(session.scalars(query))


def test_roster_export_and_submission_export_and_plan_print_are_logged(
    db: Database, factory: RosterFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    planned = diagnosed(db, factory, "P1", "一般職員", 2)
    service = PlanService(db)
    service.save_drafts(service.propose([planned], SETTINGS), SETTINGS)
    roster = tmp_path / "名簿.csv"
    assert cli(capsys, "--db", url_of(db), "roster", "export", str(roster))[0] == 0
    book = tmp_path / "調達.xlsx"
    code, _out, err = cli(
        capsys, "--db", url_of(db), "export", "procurement", "--out", str(book), "--fiscal-year", "2025"
    )
    assert code == 0, err
    pdf = tmp_path / "計画.pdf"
    code, _out, err = cli(
        capsys,
        "--db",
        url_of(db),
        "plan",
        "print",
        "--learner",
        "P1",
        "--fiscal-year",
        "2025",
        "--out",
        str(pdf),
    )
    assert code == 0, err
    logged = [(e.action, e.entity_label, e.detail) for e in entries(db) if e.entity == "file"]
    assert [(a, label) for a, label, _ in logged] == [
        ("export", "名簿"),
        ("export", logged[1][1]),
        ("print", "学習計画書"),
    ]
    assert logged[0][2] == f"1人分　{roster}"
    assert logged[1][1].startswith("共同調達 利用者一覧（") and str(book) in logged[1][2]
    assert logged[2][2] == f"1人分　{pdf}"


def test_a_failed_export_is_not_logged(
    db: Database, factory: RosterFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    factory.learner(factory.organization())
    code, _out, _err = cli(
        capsys, "--db", url_of(db), "roster", "export", str(tmp_path / "missing" / "x.csv")
    )
    assert code != 0
    assert [e for e in entries(db) if e.entity == "file"] == []


def test_roster_import_logs_each_addition_change_and_the_batch(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = "職員番号,氏名,カナ氏名,部署,役職,E-mail,生年月日,団体名"
    first = write(
        tmp_path / "r1.csv",
        [
            header,
            "A1,山田　太郎,ヤマダ　タロウ,総務課,主事,a1@example.lg.jp,,みらい市",
            "A2,鈴木　花子,スズキ　ハナコ,総務課,主事,,,みらい市",
        ],
    )
    assert cli(capsys, "--db", url_of(db), "roster", "import", str(first))[0] == 0
    second = write(
        tmp_path / "r2.csv", [header, "A1,山田　太郎,ヤマダ　タロウ,総務課,主任,a1@example.lg.jp,,みらい市"]
    )
    code, _out, err = cli(capsys, "--db", url_of(db), "roster", "import", "--retire-missing", str(second))
    assert code == 0, err
    created = [(e.entity_label, e.detail) for e in entries(db, "create") if e.entity == "learners"]
    assert created == [("A1 山田　太郎", "取込番号 1"), ("A2 鈴木　花子", "取込番号 1")]
    updates = [(e.entity_label, e.field, e.old_value, e.new_value) for e in entries(db, "update")]
    assert ("A1 山田　太郎", "job_title", "主事", "主任") in updates
    assert ("A2 鈴木　花子", "status", "在籍", "退職") in updates
    imports = [e.detail for e in entries(db, "import")]
    assert imports == [
        "r1.csv: 追加 2件、更新 0件、退職 0件（取込番号 1）",
        "r2.csv: 追加 0件、更新 1件、退職 1件（取込番号 2）",
    ]
    assert cli(capsys, "--db", url_of(db), "imports", "undo", "2")[0] == 0
    assert [e.action for e in entries(db)][-1] == "undo_import"
