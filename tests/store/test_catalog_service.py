"""Replacing the catalogue from a file: what changes, what is kept, and all or nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop.domain.framework import Framework
from desktop.store.catalog_service import CatalogImportError, CatalogService
from desktop.store.database import Database, open_database
from desktop.store.framework_service import FrameworkService
from desktop.store.import_common import ImportRejected, LineProblem
from desktop.store.migrate import prepare_database
from desktop.store.models import Course, StoredCatalog
from tests.domain.framework_data import small_framework
from tests.factories import RosterFactory
from tests.store.test_plan_service import drafted, line_codes

NEW_ROW = ["NEW-1", "新しい講座", "集合研修", "通学", "3", "5000", "初級", "データ", "", "必修", "", "", ""]


def framework_of(db: Database) -> Framework:
    return FrameworkService(db).current()[1]


def exported_rows(db: Database, path: Path) -> list[list[str]]:
    CatalogService(db).export_file(framework_of(db), path, encoding="utf-8-sig")
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(rows)
    return path


def stored(db: Database) -> tuple[int, int, str | None]:
    """How many catalogues and courses are stored, and the catalogue's digest."""
    with db.transaction() as session:
        return (
            session.scalar(select(func.count()).select_from(StoredCatalog)) or 0,
            session.scalar(select(func.count()).select_from(Course)) or 0,
            session.scalar(select(StoredCatalog.content_sha256)),
        )


def course_titles(db: Database, *codes: str) -> dict[str, str]:
    with db.transaction() as session:
        return dict(session.execute(select(Course.code, Course.title).where(Course.code.in_(codes))).all())


def test_a_table_replaces_the_catalogue_and_says_what_changed(db: Database, tmp_path: Path) -> None:
    rows = exported_rows(db, tmp_path / "before.csv")
    by_code = {row[0]: row for row in rows[1:]}
    by_code["DX-101"][1] = "DXマインド入門（改訂）"
    by_code["DX-101"][4] = "2.5"
    del by_code["DX-102"]  # in no path
    path = write_rows(tmp_path / "catalog.csv", [rows[0], *by_code.values(), NEW_ROW])
    service = CatalogService(db)
    framework = framework_of(db)

    result = service.import_catalog(path, framework)

    assert (
        result.summary()
        == "講座 63件（追加 1・変更 1・削除 1）を取り込みました。学習パスが変わる役割: 一般職員。"
    )
    assert result.changes.lines() == [
        "追加: NEW-1 新しい講座",
        "変更: DX-101 DXマインド入門（改訂）（講座名・標準時間）",
        "削除: DX-102 変化に強い職員になるための学び直し習慣（カタログから外します。受講記録と学習計画はそのまま残ります）",
        "学習パス変更: 一般職員（必修 3→4件、推奨 5→5件）",
    ]
    current = service.current(framework)
    assert current is not None and current.source == "catalog.csv"
    assert current.catalog == result.catalog and current.catalog.name == "自治体DX研修 標準カタログ"
    assert current.catalog.path("general").required[-1] == "NEW-1"
    # courses rows follow by code; the one left out keeps its row.
    assert course_titles(db, "NEW-1", "DX-101", "DX-102") == {
        "NEW-1": "新しい講座",
        "DX-101": "DXマインド入門（改訂）",
        "DX-102": "変化に強い職員になるための学び直し習慣",
    }
    assert stored(db)[:2] == (1, 64)

    again = service.import_catalog(path, framework)
    assert again.summary() == "講座 63件（追加 0・変更 0・削除 0）を取り込みました。内容に変更はありません。"


def test_plans_keep_courses_the_new_catalogue_leaves_out(
    db: Database, factory: RosterFactory, tmp_path: Path
) -> None:
    _service, _learner, plan_id, _version = drafted(db, factory)
    planned = line_codes(db, plan_id)
    assert planned
    rows = exported_rows(db, tmp_path / "before.csv")
    kept = [row for row in rows[1:] if row[0] not in planned]
    path = write_rows(tmp_path / "fewer.csv", [rows[0], *kept])

    result = CatalogService(db).import_catalog(path, framework_of(db))

    assert [c.code for c in result.changes.removed] == [row[0] for row in rows[1:] if row[0] in planned]
    assert line_codes(db, plan_id) == planned
    assert set(course_titles(db, *planned)) == set(planned)


def test_one_bad_row_stores_nothing(db: Database, tmp_path: Path) -> None:
    rows = exported_rows(db, tmp_path / "before.csv")
    before = stored(db)
    rows[5][4] = "たくさん"
    path = write_rows(tmp_path / "bad.csv", [*rows, NEW_ROW])

    with pytest.raises(ImportRejected) as rejected:
        CatalogService(db).import_catalog(path, framework_of(db))

    assert rejected.value.problems == [
        LineProblem(6, "標準時間", "「たくさん」は数として読めません（例: 1.5）。")
    ]
    assert (
        rejected.value.message.splitlines()[0]
        == "bad.csv に 1 件の問題があるため、何も取り込みませんでした。"
    )
    assert stored(db) == before and course_titles(db, "NEW-1") == {}


def test_a_dry_run_writes_nothing_even_on_a_fresh_database(db: Database, tmp_path: Path) -> None:
    framework = framework_of(db)
    other = open_database(tmp_path / "source.sqlite")
    try:
        prepare_database(other)
        rows = exported_rows(other, tmp_path / "made.csv")
    finally:
        other.dispose()
    path = write_rows(tmp_path / "catalog.csv", [*rows, NEW_ROW])
    assert stored(db) == (0, 0, None)

    result = CatalogService(db).import_catalog(path, framework, dry_run=True)

    assert result.dry_run and result.summary() == (
        "（確認のみ・書き込みなし）講座 64件（追加 1・変更 0・削除 0）を取り込めます。学習パスが変わる役割: 一般職員。"
    )
    assert stored(db) == (0, 0, None)


def test_a_table_keeps_the_current_name_and_json_brings_its_own(db: Database, tmp_path: Path) -> None:
    service = CatalogService(db)
    framework = framework_of(db)
    exported = tmp_path / "catalog.json"
    service.export_file(framework, exported)
    data = json.loads(exported.read_text(encoding="utf-8"))
    data["name"], data["description"] = "みなと市の研修カタログ", "令和7年度版"
    exported.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert service.import_catalog(exported, framework).catalog.name == "みなと市の研修カタログ"

    table = tmp_path / "catalog.xlsx"
    service.export_file(framework, table)
    catalog = service.import_catalog(table, framework).catalog
    assert (catalog.name, catalog.description) == ("みなと市の研修カタログ", "令和7年度版")
    assert service.current(framework) is not None


def test_files_of_other_kinds_are_refused(db: Database, tmp_path: Path) -> None:
    service = CatalogService(db)
    framework = framework_of(db)
    old = tmp_path / "catalog.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(CatalogImportError, match=r"Excel（\.xlsx）、CSV（\.csv）か JSON（\.json）"):
        service.import_catalog(old, framework)
    with pytest.raises(CatalogImportError, match=r"書き出し先は \.xlsx、\.csv か \.json"):
        service.export_file(framework, tmp_path / "catalog.pdf")
    assert not (tmp_path / "catalog.pdf").exists()


def test_a_framework_without_a_catalogue_gets_one_named_after_the_file(db: Database, tmp_path: Path) -> None:
    frameworks = FrameworkService(db)
    frameworks.save(small_framework(), "test.json")
    frameworks.use("test-fw")
    framework = framework_of(db)
    service = CatalogService(db)
    assert service.current(framework) is None
    path = write_rows(
        tmp_path / "みなと市カタログ.csv",
        [
            [
                "コード",
                "講座名",
                "提供元",
                "実施方法",
                "標準時間",
                "レベル",
                "育成する分類",
                "DX推進リーダー",
            ],
            [
                "S-1",
                "情報セキュリティ基礎",
                "内製eラーニング",
                "eラーニング",
                "1",
                "入門",
                "セキュリティ",
                "必修",
            ],
        ],
    )

    result = service.import_catalog(path, framework)

    assert (
        result.summary()
        == "講座 1件（追加 1・変更 0・削除 0）を取り込みました。学習パスが変わる役割: DX推進リーダー。"
    )
    current = service.current(framework)
    assert current is not None and current.catalog.name == "みなと市カタログ"
    assert current.catalog.framework == "test-fw" and current.catalog.path("leader").required == ("S-1",)
