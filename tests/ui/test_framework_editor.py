"""The framework editor: targets and items edited in the app make a new version; bad edits are listed, not saved."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop.domain.diagnosis import DiagnosisKind
from desktop.domain.framework import ItemKind
from desktop.store.database import Database
from desktop.store.diagnosis_service import DiagnosisService
from desktop.store.framework_service import FrameworkService
from desktop.ui.framework_editor import BASIC, CATEGORIES, ITEMS, ROLES, SOURCE_EDITOR, FrameworkEditor
from desktop.ui.framework_list_dialog import FrameworkListDialog
from desktop.ui.record_table import RecordTable
from tests.factories import RosterFactory
from tests.ui.diagnosis_support import Asked, small_framework_service

ALL_ANSWERS = {"D-01": 3, "D-02": 3, "D-K1": 2, "D-K2": 3, "S-K1": 1, "B-01": 2}


@pytest.fixture
def service(sqlite_db: Database) -> DiagnosisService:
    return small_framework_service(sqlite_db)


@pytest.fixture
def frameworks(service: DiagnosisService) -> FrameworkService:
    return service.frameworks


@pytest.fixture(autouse=True)
def boxes(monkeypatch: pytest.MonkeyPatch) -> dict[str, Asked]:
    asked = {
        "question": Asked(QMessageBox.StandardButton.Discard),
        "warning": Asked(QMessageBox.StandardButton.Ok),
        "information": Asked(QMessageBox.StandardButton.Ok),
    }
    for name, stand_in in asked.items():
        monkeypatch.setattr(QMessageBox, name, stand_in)
    return asked


def answered_diagnosis(db: Database, service: DiagnosisService) -> int:
    factory = RosterFactory(db)
    learner = factory.learner(factory.organization("みなと市"), number="A1")
    [diagnosis_id] = service.start(
        [learner.id],
        DiagnosisKind.PRE,
        framework_id=service.frameworks.current("test-fw")[0],
        on=date(2025, 5, 1),
    )
    service.answer_many(diagnosis_id, ALL_ANSWERS)
    service.complete(diagnosis_id)
    return diagnosis_id


def open_editor(qtbot: QtBot, frameworks: FrameworkService, *, answered: int = 0) -> FrameworkEditor:
    _id, framework = frameworks.current("test-fw")
    editor = FrameworkEditor(
        frameworks, framework.to_data(), is_new=False, answered=answered, taken_codes={"test-fw"}
    )
    qtbot.addWidget(editor)
    editor.show()
    return editor


def cell_editor(table: RecordTable) -> QWidget:
    [opened] = [
        w
        for w in table.viewport().findChildren(QAbstractSpinBox) + table.viewport().findChildren(QLineEdit)
        if w.isVisible() and not isinstance(w.parent(), QAbstractSpinBox)
    ]
    return opened


def type_digit(qtbot: QtBot, table: RecordTable, row: int, column: int, digit: str) -> None:
    """A digit key on a selected cell opens its editor with that digit; Enter commits it."""
    table.setCurrentCell(row, column)
    qtbot.keyClicks(table, digit)
    qtbot.keyClick(cell_editor(table), Qt.Key.Key_Return)
    QApplication.processEvents()  # the delegate commits on a queued call


def retype_text(qtbot: QtBot, table: RecordTable, row: int, column: int, text: str) -> None:
    """F2 opens the cell's editor; QTest cannot type kana, so the text is inserted as an IME would."""
    table.setCurrentCell(row, column)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = cell_editor(table)
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    editor.insert(text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()


def test_targets_typed_by_number_keys_and_an_item_edit_make_a_new_version_when_answered(
    qtbot: QtBot, sqlite_db: Database, service: DiagnosisService, frameworks: FrameworkService
) -> None:
    diagnosis_id = answered_diagnosis(sqlite_db, service)
    editor = open_editor(qtbot, frameworks, answered=1)
    assert "第2版として登録" in editor.findChild(type(editor.problems_caption), "versionNote").text()

    editor.tabs.setCurrentIndex(ROLES)
    assert editor.targets.rowCount() == 3  # one row per 分類: データ, セキュリティ, 業務改善
    leader_column = 2  # 分類名, 一般職員, DX推進リーダー
    type_digit(qtbot, editor.targets, 0, leader_column, "4")
    editor.tabs.setCurrentIndex(ITEMS)
    retype_text(qtbot, editor.items, 0, 3, "ピボットテーブルで集計できる")
    editor.save()

    assert editor.saved is not None and editor.saved.outcome == "new_version"
    assert editor.result() == editor.DialogCode.Accepted
    new = frameworks.load(editor.saved.id)
    assert new.version == 2
    assert new.role("leader").targets == {"data": 4, "sec": 3, "bpr": 4}
    assert new.item("D-01").text == "ピボットテーブルで集計できる"
    [info] = [i for i in frameworks.frameworks() if i.id == editor.saved.id]
    assert info.source == SOURCE_EDITOR
    old = service.state(diagnosis_id)
    assert old.framework.version == 1 and old.role.targets["data"] == 2
    assert old.framework.item("D-01").text == "表計算で集計できる"


def test_a_knowledge_item_added_with_its_choices_is_saved_in_place_when_nobody_has_answered(
    qtbot: QtBot, frameworks: FrameworkService
) -> None:
    first_id = frameworks.current("test-fw")[0]
    editor = open_editor(qtbot, frameworks)
    editor.tabs.setCurrentIndex(ITEMS)
    editor.items.selectRow(5)  # B-01, the last item: the new one goes after it
    editor.findChild(type(editor.save_button), "addKnowledgeButton").click()
    row = editor.items.currentRow()
    assert row == 6 and editor.knowledge_box.isEnabled()
    editor.items.item(row, 3).setText("BPRの最初の一歩は")
    category = editor.items.cellWidget(row, 1)
    assert isinstance(category, QComboBox)
    category.setCurrentIndex(category.findData("bpr"))
    editor.choices.setPlainText("現状の業務を図にする\nシステムを買う\n人を減らす")
    editor.answer.setValue(1)
    editor.explanation.setText("まず今の流れを見える化します。")
    editor.save()

    assert editor.saved is not None and (editor.saved.outcome, editor.saved.id) == ("replaced", first_id)
    item = frameworks.load(first_id).item(editor.items.item(row, 0).text())
    assert (item.kind, item.category, item.text) == (ItemKind.KNOWLEDGE, "bpr", "BPRの最初の一歩は")
    assert item.choices == ("現状の業務を図にする", "システムを買う", "人を減らす")
    assert (item.answer, item.explanation) == (1, "まず今の流れを見える化します。")


def test_a_renamed_category_is_followed_by_its_items_and_every_roles_target(
    qtbot: QtBot, frameworks: FrameworkService
) -> None:
    editor = open_editor(qtbot, frameworks)
    editor.tabs.setCurrentIndex(CATEGORIES)
    row = editor.categories.find_row("id", "data")
    editor.categories.item(row, 0).setText("data-use")
    editor.tabs.setCurrentIndex(ROLES)
    editor.save()

    assert editor.saved is not None
    saved = frameworks.load(editor.saved.id)
    assert [c.id for c in saved.categories] == ["data-use", "sec", "bpr"]
    assert {i.category for i in saved.items if i.id.startswith("D-")} == {"data-use"}
    assert saved.role("general").targets == {"data-use": 2, "sec": 3, "bpr": 2}


def test_a_new_category_gets_the_lowest_target_and_deleting_one_takes_its_items_after_asking(
    qtbot: QtBot, frameworks: FrameworkService, boxes: dict[str, Asked]
) -> None:
    editor = open_editor(qtbot, frameworks)
    editor.tabs.setCurrentIndex(CATEGORIES)
    editor.categories.selectRow(editor.categories.find_row("id", "bpr"))
    boxes["question"].answer = QMessageBox.StandardButton.No
    editor.findChild(type(editor.save_button), "removeCategoryButton").click()
    assert editor.categories.find_row("id", "bpr") >= 0  # kept: the user said no
    boxes["question"].answer = QMessageBox.StandardButton.Yes
    editor.findChild(type(editor.save_button), "removeCategoryButton").click()
    assert "設問が 1 問" in boxes["question"].texts[-1]
    editor.tabs.setCurrentIndex(ROLES)
    assert [editor.targets.record(r)["id"] for r in range(editor.targets.rowCount())] == ["data", "sec"]
    editor.save()
    assert editor.saved is not None
    saved = frameworks.load(editor.saved.id)
    assert not saved.has_item("B-01") and saved.role("leader").targets == {"data": 3, "sec": 3}


def test_every_problem_is_listed_nothing_is_saved_and_a_double_click_goes_to_the_place(
    qtbot: QtBot, frameworks: FrameworkService
) -> None:
    before = frameworks.frameworks()
    editor = open_editor(qtbot, frameworks)
    editor.name.setText("")
    editor.tabs.setCurrentIndex(ITEMS)
    editor.items.selectRow(2)
    editor.items.item(2, 3).setText("")  # D-K1 loses its text
    editor.choices.setPlainText("ひとつだけ")  # and its choices
    editor.tabs.setCurrentIndex(ROLES)
    editor.targets.item(1, 1).setData(Qt.ItemDataRole.EditRole, 9)  # no level 9 on the scale
    editor.save()

    texts = [editor.problems.item(i).text() for i in range(editor.problems.count())]
    assert editor.saved is None and editor.isVisible()
    assert "名称: 名称がありません。" in texts
    assert any(t.startswith("設問 D-K1: 設問文がありません") for t in texts)
    assert any(t.startswith("設問 D-K1: 選択肢") for t in texts)
    assert any("役割 general" in t and "9 は尺度にありません" in t for t in texts)
    assert frameworks.frameworks() == before

    item_problem = next(i for i in range(editor.problems.count()) if "D-K1" in editor.problems.item(i).text())
    editor.problems.itemDoubleClicked.emit(editor.problems.item(item_problem))
    assert editor.tabs.currentIndex() == ITEMS
    assert editor.items.record(editor.items.currentRow())["id"] == "D-K1"


def test_closing_with_unsaved_edits_asks_and_keeps_the_dialog_unless_discarded(
    qtbot: QtBot, frameworks: FrameworkService, boxes: dict[str, Asked]
) -> None:
    editor = open_editor(qtbot, frameworks)
    editor.tabs.setCurrentIndex(ROLES)
    editor.tabs.setCurrentIndex(BASIC)
    assert not editor.has_unsaved_edits()  # looking at every tab changes nothing
    editor.reject()
    assert not editor.isVisible() and boxes["question"].texts == []

    editor = open_editor(qtbot, frameworks)
    editor.name.setText("変えた名前")
    boxes["question"].answer = QMessageBox.StandardButton.Cancel
    editor.close()
    assert editor.isVisible()
    boxes["question"].answer = QMessageBox.StandardButton.Discard
    editor.close()
    assert not editor.isVisible()
    assert frameworks.current("test-fw")[1].name == "テスト診断"


def test_an_office_copy_needs_a_code_of_its_own_and_can_then_be_put_in_use(
    qtbot: QtBot, frameworks: FrameworkService, boxes: dict[str, Asked], monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = FrameworkListDialog(frameworks)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.table.selectRow(next(r for r, i in enumerate(dialog._infos) if i.code == "test-fw"))

    opened: list[FrameworkEditor] = []

    def exec_editor(editor: FrameworkEditor) -> int:
        opened.append(editor)
        assert editor.code.text() == "test-fw-own-01" and not editor.code.isReadOnly()
        editor.code.setText("test-fw")
        editor.save()
        assert editor.saved is None and "既に使われています" in editor.problems.item(0).text()
        editor.code.setText("minato-dx")
        editor.name.setText("みなと市DX診断")
        editor.save()
        return int(editor.result())

    monkeypatch.setattr(FrameworkEditor, "exec", exec_editor)
    boxes["question"].answer = QMessageBox.StandardButton.Yes  # 「これから始める診断に使いますか？」
    dialog.copy_selected()

    assert frameworks.in_use_code() == "minato-dx"
    _id, current = frameworks.current()
    assert (current.name, current.version, len(current.items)) == ("みなと市DX診断", 1, 6)
    assert dialog.selected() is not None and dialog.selected().in_use  # type: ignore[union-attr]
    assert dialog.changed and not dialog.use_button.isEnabled()
    assert frameworks.current("test-fw")[1].name == "テスト診断"  # the original is untouched


def test_only_the_newest_version_is_offered_for_editing(
    qtbot: QtBot, sqlite_db: Database, service: DiagnosisService, frameworks: FrameworkService
) -> None:
    answered_diagnosis(sqlite_db, service)
    import dataclasses

    frameworks.save(dataclasses.replace(frameworks.current("test-fw")[1], name="テスト診断 改"), "v2.json")
    dialog = FrameworkListDialog(frameworks)
    qtbot.addWidget(dialog)
    rows = {(i.code, i.framework_version): r for r, i in enumerate(dialog._infos)}
    dialog.table.selectRow(rows[("test-fw", 1)])
    assert not dialog.edit_button.isEnabled()
    assert dialog.table.item(rows[("test-fw", 1)], 4).text() == "旧版（結果の参照用）"
    dialog.table.selectRow(rows[("test-fw", 2)])
    assert dialog.edit_button.isEnabled()
