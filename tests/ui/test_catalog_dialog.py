"""The catalogue dialog: the table, the filter, and import/export through the file dialogs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop.store.database import Database
from desktop.ui.catalog_dialog import CatalogDialog
from tests.store.test_catalog_service import NEW_ROW, stored, write_rows
from tests.ui.diagnosis_support import Asked


@pytest.fixture(autouse=True)
def boxes(monkeypatch: pytest.MonkeyPatch) -> dict[str, Asked]:
    asked = {
        "warning": Asked(QMessageBox.StandardButton.Ok),
        "information": Asked(QMessageBox.StandardButton.Ok),
    }
    for name, stand_in in asked.items():
        monkeypatch.setattr(QMessageBox, name, stand_in)
    return asked


@pytest.fixture
def dialog(qtbot: QtBot, sqlite_db: Database) -> CatalogDialog:
    shown = CatalogDialog(sqlite_db)
    qtbot.addWidget(shown)
    return shown


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path, chosen: str = "") -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), chosen))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), chosen))


def headers(dialog: CatalogDialog) -> list[str]:
    model = dialog.table.model()
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def cell(dialog: CatalogDialog, row: int, header: str) -> str:
    model = dialog.table.model()
    return str(model.data(model.index(row, headers(dialog).index(header))))


def test_the_table_shows_courses_and_paths_and_filters_and_sorts(dialog: CatalogDialog) -> None:
    assert dialog.windowTitle() == "研修カタログと学習パス"
    assert dialog.name_label.text() == "自治体DX研修 標準カタログ"
    assert dialog.source_label.text().startswith("アプリ同梱の標準カタログ")
    assert headers(dialog) == [
        "コード", "講座名", "提供元", "実施方法", "時間", "受講料", "レベル", "分類",
        "一般職員", "事業系デジタル人材", "ICT系デジタル人材", "DX推進リーダー",
    ]  # fmt: skip
    assert dialog.shown_codes()[:3] == ["DX-101", "DX-102", "DX-201"]  # the catalogue's order
    assert [cell(dialog, 1, h) for h in ("時間", "受講料", "分類")] == [
        "1.5時間",
        "3,300円/月",
        "マインド・スタンス",
    ]
    assert cell(dialog, 0, "一般職員") == "推奨1" and cell(dialog, 0, "DX推進リーダー") == ""
    assert dialog.count_label.text() == "63件 / 63件"

    dialog.filter_edit.setText("ｓｑｌ")  # width and case folded
    assert dialog.shown_codes() == ["DAT-303"] and dialog.count_label.text() == "1件 / 63件"
    dialog.filter_edit.clear()

    dialog.table.sortByColumn(headers(dialog).index("受講料"), Qt.SortOrder.DescendingOrder)
    fees = [cell(dialog, r, "受講料") for r in range(3)]
    assert fees == ["130,000円", "120,000円", "110,000円"]  # by value, not as text
    dialog.table.sortByColumn(headers(dialog).index("ICT系デジタル人材"), Qt.SortOrder.AscendingOrder)
    assert [cell(dialog, r, "ICT系デジタル人材") for r in range(4)] == ["必修1", "必修2", "必修3", "推奨1"]


def test_the_model_passes_qtmodeltester(qtmodeltester: ModelTester, dialog: CatalogDialog) -> None:
    qtmodeltester.check(dialog.model, force_py=True)
    qtmodeltester.check(dialog.proxy, force_py=True)


def exported_rows(
    dialog: CatalogDialog, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, path: Path
) -> list[list[str]]:
    choose_file(monkeypatch, path.with_suffix(""), "CSV・UTF-8 (*.csv)")
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.busy)
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def test_export_follows_the_chosen_filter(
    dialog: CatalogDialog,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    boxes: dict[str, Asked],
) -> None:
    rows = exported_rows(dialog, qtbot, monkeypatch, tmp_path / "catalog.csv")
    assert len(rows) == 64 and rows[0][0] == "コード"
    assert boxes["information"].texts == ["catalog.csv に講座 63件を書き出しました。"]

    choose_file(monkeypatch, tmp_path / "book.xlsx", "CSV・UTF-8 (*.csv)")  # a name's own suffix wins
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert (tmp_path / "book.xlsx").read_bytes()[:2] == b"PK"


def test_an_import_replaces_the_catalogue_and_the_table_reloads(
    dialog: CatalogDialog,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    sqlite_db: Database,
    boxes: dict[str, Asked],
) -> None:
    rows = exported_rows(dialog, qtbot, monkeypatch, tmp_path / "catalog.csv")
    rows[1][1] = "DXマインド入門（改訂）"
    path = write_rows(tmp_path / "改訂版.csv", [r for r in rows if r[0] != "DX-102"] + [NEW_ROW])
    choose_file(monkeypatch, path)

    dialog.import_button.click()
    assert dialog.busy and not dialog.import_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.busy)

    assert boxes["warning"].texts == []
    assert boxes["information"].texts[-1] == (
        "講座 63件（追加 1・変更 1・削除 1）を取り込みました。学習パスが変わる役割: 一般職員。"
    )
    assert dialog.changed and dialog.problems_box.isHidden()
    assert "NEW-1" in dialog.shown_codes() and "DX-102" not in dialog.shown_codes()
    assert cell(dialog, 0, "講座名") == "DXマインド入門（改訂）"
    assert dialog.source_label.text().startswith("取込元: 改訂版.csv")
    assert stored(sqlite_db)[:2] == (1, 64)


def test_a_refused_import_lists_the_problems_to_copy_and_stores_nothing(
    dialog: CatalogDialog,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    sqlite_db: Database,
    boxes: dict[str, Asked],
) -> None:
    rows = exported_rows(dialog, qtbot, monkeypatch, tmp_path / "catalog.csv")
    rows[2][2] = "Udemy"
    rows[3][7] = "データ、宇宙"
    path = write_rows(tmp_path / "bad.csv", [*rows, NEW_ROW])
    before = stored(sqlite_db)
    choose_file(monkeypatch, path)

    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.busy)

    assert boxes["warning"].texts == ["bad.csv に 2件の問題があるため、何も取り込みませんでした。"]
    assert boxes["information"].texts == ["catalog.csv に講座 63件を書き出しました。"]  # the export only
    assert not dialog.problems_box.isHidden() and not dialog.changed
    lines = dialog.problem_lines()
    assert lines[0] == (
        "bad.csv:3: 提供元: 「Udemy」は提供元に使えません（Udemy Business・内製eラーニング・集合研修・外部講座 のいずれか）。"
    )
    assert lines[1].startswith(
        "bad.csv:4: 育成する分類: 分類「宇宙」はありません（使える分類: マインド・スタンス、"
    )
    assert len(lines) == 2
    dialog.copy_problems()
    assert QApplication.clipboard().text() == "\n".join(lines)
    assert stored(sqlite_db) == before and "NEW-1" not in dialog.shown_codes()

    choose_file(monkeypatch, tmp_path / "catalog.csv")  # a good file afterwards clears the list
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.problems_box.isHidden() and dialog.problem_lines() == []
