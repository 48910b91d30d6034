"""名簿取込 against real databases: merge, all-or-nothing, retire-missing, history and undo."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from desktop.domain.roster import LearnerKind, LearnerStatus
from desktop.store.database import Database
from desktop.store.errors import ConflictError
from desktop.store.import_common import ImportCancelled, ImportFileError, ImportRejected
from desktop.store.import_history import ImportHistory
from desktop.store.roster_import import RosterImporter, RosterImportOptions, RosterSource, RowAction
from desktop.store.roster_service import RosterService
from tests.factories import RosterFactory

TODAY = date(2026, 11, 22)
HEADER = "職員番号,氏名,カナ氏名,部署,役職,E-mail,生年月日,団体名"


def write_csv(path: Path, lines: list[str], encoding: str = "cp932") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def importer(db: Database) -> RosterImporter:
    return RosterImporter(db, today=TODAY, user_name="tester")


def rows_by_number(db: Database) -> dict[str, object]:
    return {row.number: row for row in RosterService(db).roster_rows()}


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "roster.csv",
        [
            HEADER,
            "0001,髙橋　①郎,ﾀｶﾊｼ ｲﾁﾛｳ,総務部/人事課,主事,Taka@Example.lg.jp,S60.4.1,みらい市",
            '0002,"山﨑,花子",やまざき はなこ,企画課,主任,hana@example.lg.jp,令和元年5月1日,みらい市',
            "0003,佐藤 次郎,サトウ ジロウ,企画課,,,45383,みらい市",
            ",,,,,,,",
            "",
        ],
    )


def test_import_creates_learners_departments_and_organization(db: Database, good_file: Path) -> None:
    result = importer(db).run(RosterSource(good_file), RosterImportOptions())
    assert (result.created, result.updated, result.skipped) == (3, 0, 0)
    rows = rows_by_number(db)
    assert rows["0001"].name == "髙橋　①郎"
    assert rows["0001"].furigana == "タカハシ　イチロウ"
    assert rows["0001"].department == "総務部／人事課"
    assert rows["0002"].name == "山﨑,花子"
    learner = RosterService(db).learner(rows["0003"].id)
    assert learner.birth_date == date(2024, 4, 1)  # Excel serial
    assert learner.organization_name == "みらい市"


def test_a_file_with_any_error_writes_nothing(db: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        [HEADER, "0001,山田 太郎,ヤマダ タロウ,,,,2023/2/30,みらい市", "0002,,ヤマダ ハナコ,,,,,みらい市"],
    )
    with pytest.raises(ImportRejected) as raised:
        importer(db).run(RosterSource(path), RosterImportOptions())
    formatted = [p.format("bad.csv") for p in raised.value.problems]
    assert "bad.csv:2: 生年月日: 2023年2月30日は存在しない日付です。" in formatted
    assert any(line.startswith("bad.csv:3: 氏名: ") for line in formatted)
    assert RosterService(db).count() == 0
    assert ImportHistory(db).batches() == []


def test_valid_rows_only_takes_the_rest_and_counts_the_skipped(db: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        [
            HEADER,
            "0001,山田 太郎,ヤマダ タロウ,,,,昭和64年1月8日,みらい市",
            "0002,山田 花子,ヤマダ ハナコ,,,,,みらい市",
        ],
    )
    result = importer(db).run(RosterSource(path), RosterImportOptions(valid_rows_only=True))
    assert (result.created, result.skipped) == (1, 1)
    assert set(rows_by_number(db)) == {"0002"}


def test_duplicate_numbers_in_one_file_mark_both_lines(db: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "dup.csv",
        [
            HEADER,
            "0001,山田 太郎,ヤマダ タロウ,,,,,みらい市",
            "0002,山田 花子,ヤマダ ハナコ,,,,,みらい市",
            "０００１,田中 一,タナカ ハジメ,,,,,みらい市",
        ],
    )
    preview = importer(db).preview(RosterSource(path), RosterImportOptions())
    lines = {(p.line, p.reason) for p in preview.problems}
    assert (2, "受講者番号「0001」が 4 行目と重複しています。") in lines
    assert (4, "受講者番号「0001」が 2 行目と重複しています。") in lines
    assert preview.count(RowAction.NEW) == 1


def test_reimport_updates_only_changed_fields_and_leaves_others_alone(
    db: Database, good_file: Path, tmp_path: Path, factory: RosterFactory
) -> None:
    other_org = factory.organization("となり町")
    bystander = factory.learner(other_org, number="0001")
    importer(db).run(RosterSource(good_file), RosterImportOptions())
    changed = write_csv(
        tmp_path / "changed.csv",
        ["職員番号,氏名,カナ氏名,部署,団体名", "0001,髙橋　①郎,タカハシ イチロウ,企画課,みらい市"],
    )
    preview = importer(db).preview(RosterSource(changed), RosterImportOptions())
    assert [(line.action, line.detail) for line in preview.lines] == [
        (RowAction.CHANGED, "所属: 総務部／人事課 → 企画課")
    ]
    result = importer(db).run(RosterSource(changed), RosterImportOptions())
    assert (result.created, result.updated) == (0, 1)
    mine = next(
        r for r in RosterService(db).roster_rows() if r.organization == "みらい市" and r.number == "0001"
    )
    assert mine.department == "企画課"
    assert mine.email == "Taka@Example.lg.jp"  # no e-mail column in the second file: untouched
    theirs = RosterService(db).roster_row(bystander.id)
    assert theirs == bystander


def test_retire_missing_only_within_the_files_organizations(
    db: Database, good_file: Path, tmp_path: Path, factory: RosterFactory
) -> None:
    elsewhere = factory.learner(factory.organization("となり町"))
    importer(db).run(RosterSource(good_file), RosterImportOptions())
    shorter = write_csv(
        tmp_path / "short.csv",
        [HEADER, "0001,髙橋　①郎,タカハシ イチロウ,総務部/人事課,主事,Taka@Example.lg.jp,S60.4.1,みらい市"],
    )
    result = importer(db).run(RosterSource(shorter), RosterImportOptions(retire_missing=True))
    assert result.retired == 2
    statuses = {r.number: r.status for r in RosterService(db).roster_rows() if r.organization == "みらい市"}
    assert statuses == {
        "0001": LearnerStatus.ACTIVE,
        "0002": LearnerStatus.RETIRED,
        "0003": LearnerStatus.RETIRED,
    }
    assert RosterService(db).roster_row(elsewhere.id).status is LearnerStatus.ACTIVE


def test_default_organization_and_kind_for_a_company(
    db: Database, tmp_path: Path, factory: RosterFactory
) -> None:
    from desktop.domain.roster import OrganizationKind

    factory.organization("株式会社テスト", kind=OrganizationKind.COMPANY)
    path = write_csv(tmp_path / "firm.csv", ["社員番号,氏名,フリガナ", "E1,鈴木 一,スズキ ハジメ"])
    importer(db).run(RosterSource(path), RosterImportOptions(default_organization="株式会社テスト"))
    row = rows_by_number(db)["E1"]
    assert row.organization == "株式会社テスト"
    assert row.kind is LearnerKind.EMPLOYEE


def test_missing_required_column_is_one_clear_problem(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "nocol.csv", ["職員番号,氏名,団体名", "1,山田 太郎,みらい市"])
    with pytest.raises(ImportRejected) as raised:
        importer(db).run(RosterSource(path), RosterImportOptions())
    assert [p.format("nocol.csv") for p in raised.value.problems] == [
        "nocol.csv:1: フリガナ: 「フリガナ」の列がありません。列の割り当てを確認してください。"
    ]


def test_unreadable_file_is_a_user_facing_error(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ImportFileError, match=r"old\.xls"):
        importer(db).preview(RosterSource(path), RosterImportOptions())


def test_cancel_leaves_nothing_written(db: Database, tmp_path: Path) -> None:
    lines = [HEADER] + [f"{n:05d},山田 太郎,ヤマダ タロウ,企画課,,,,みらい市" for n in range(5000)]
    path = write_csv(tmp_path / "big.csv", lines)

    def cancel_midway(done: int) -> None:
        raise ImportCancelled()

    with pytest.raises(ImportCancelled):
        importer(db).run(RosterSource(path), RosterImportOptions(), progress=cancel_midway)
    assert RosterService(db).count() == 0
    assert ImportHistory(db).batches() == []


def test_undo_restores_updates_and_removes_what_the_import_made(
    db: Database, good_file: Path, tmp_path: Path
) -> None:
    importer(db).run(RosterSource(good_file), RosterImportOptions())
    before = rows_by_number(db)
    changed = write_csv(
        tmp_path / "c.csv",
        [
            "職員番号,氏名,フリガナ,所属,団体名",
            "0002,山﨑 花子,ヤマザキ ハナコ,新設課,みらい市",
            "0009,新人 太郎,シンジン タロウ,,みらい市",
        ],
    )
    second = importer(db).run(RosterSource(changed), RosterImportOptions(retire_missing=True))
    assert (second.created, second.updated, second.retired) == (1, 1, 2)
    history = ImportHistory(db, user_name="tester")
    with pytest.raises(ConflictError, match="新しいものから順に"):
        history.undo(second.batch_id - 1)
    message = history.undo(second.batch_id)
    assert "追加 1件を削除、3件を元に戻しました" in message
    after = rows_by_number(db)
    assert set(after) == set(before)
    for number, row in before.items():
        assert (after[number].name, after[number].department, after[number].status) == (
            row.name,
            row.department,
            row.status,
        )
    departments = {d.path for d in RosterService(db).departments()}
    assert "新設課" not in departments
    batches = history.batches()
    assert batches[0].undone_by == "tester"


def test_undo_refuses_when_a_learner_was_edited_since(db: Database, good_file: Path) -> None:
    result = importer(db).run(RosterSource(good_file), RosterImportOptions())
    service = RosterService(db, today=lambda: TODAY)
    row = rows_by_number(db)["0001"]
    service.set_status(service.learner(row.id), LearnerStatus.ON_LEAVE)
    with pytest.raises(ConflictError, match="0001 髙橋"):
        ImportHistory(db).undo(result.batch_id)
    assert RosterService(db).count() == 3


def test_undo_refuses_to_delete_learners_who_have_records(
    db: Database, good_file: Path, factory: RosterFactory
) -> None:
    result = importer(db).run(RosterSource(good_file), RosterImportOptions())
    factory.training_record(rows_by_number(db)["0002"].id)
    with pytest.raises(ConflictError, match="受講記録があるため"):
        ImportHistory(db).undo(result.batch_id)
    assert RosterService(db).count() == 3
