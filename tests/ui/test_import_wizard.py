"""名簿取込 wizard and 取込履歴 dialog, driven as a clerk would, on real CP932 files."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.exchange.roster_file import RosterLine
from desktop.store import roster_import
from desktop.store.column_mappings import ColumnMappings
from desktop.store.database import Database
from desktop.store.import_history import ImportHistory
from desktop.store.roster_service import RosterService
from desktop.ui.import_history_dialog import COL_STATE, ImportHistoryDialog
from desktop.ui.import_wizard import (
    COL_ACTION,
    COL_LINE,
    PAGE_CHECK,
    PAGE_FILE,
    PAGE_MAPPING,
    PAGE_RUN,
    ImportWizard,
)
from desktop.ui.pages.roster_page import RosterPage
from tests.factories import RosterFactory
from tests.ui.typing import type_text

HEADER = "職員番号,漢字氏名,カナ氏名,部署,役職,メール,備考"
GOOD_ROWS = [
    "A101,髙橋　一郎,タカハシ　イチロウ,総務部／デジタル推進課,主査,takahashi@example.lg.jp,①研修希望",
    "A102,山﨑　花子,やまざき　はなこ,総務部／デジタル推進課,,yamazaki@example.lg.jp,",
    "A103,佐藤　健,サトウ　ケン,税務課,係長,,",
]
BAD_ROW = "A104,鈴木　次郎,suzuki jiro,税務課,,suzuki@,"


def write_csv(folder: Path, name: str, lines: list[str], encoding: str = "cp932") -> Path:
    path = folder / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.fixture
def factory(sqlite_db: Database) -> RosterFactory:
    factory = RosterFactory(sqlite_db)
    city = factory.organization("みなと市")
    factory.learner(city, number="A001", name="既存　太郎", furigana="キゾン　タロウ")
    return factory


@pytest.fixture
def wizard(qtbot: QtBot, factory: RosterFactory) -> Iterator[ImportWizard]:
    widget = ImportWizard(factory.db)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    qtbot.waitUntil(lambda: not widget.busy)


def choose_file(qtbot: QtBot, wizard: ImportWizard, path: Path) -> None:
    """Page 1 → page 2: type the path (ASCII keys would do, but paths may hold kanji) and press 次へ."""
    wizard.path_edit.clear()
    type_text(wizard.path_edit, str(path))
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.busy and wizard.page == PAGE_MAPPING)


def to_check(qtbot: QtBot, wizard: ImportWizard) -> None:
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.page == PAGE_CHECK
    qtbot.waitUntil(lambda: not wizard.busy and wizard.preview is not None)


def import_now(qtbot: QtBot, wizard: ImportWizard) -> None:
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.busy)


def shown_actions(wizard: ImportWizard) -> list[str]:
    model = wizard.preview_model
    return [model.data(model.index(row, COL_ACTION)) for row in range(model.rowCount())]


# -- (a) columns --------------------------------------------------------------------


def test_mapping_page_guesses_the_columns_of_a_cp932_file(
    qtbot: QtBot, wizard: ImportWizard, tmp_path: Path, qtmodeltester: Any
) -> None:
    path = write_csv(tmp_path, "人事課名簿.csv", [HEADER, *GOOD_ROWS])
    choose_file(qtbot, wizard, path)
    assert wizard.mapping() == {
        "number": 0,
        "name": 1,
        "furigana": 2,
        "department": 3,
        "job_title": 4,
        "email": 5,
        "notes": 6,
    }
    assert wizard.mapping_combos["furigana"].currentText() == "カナ氏名"
    assert wizard.mapping_combos["organization"].currentText() == "（使わない）"
    assert "CP932" in wizard.encoding_combo.itemText(0)
    assert not wizard.sheet_combo.isEnabled()
    # The first rows, decoded with the NEC/IBM extensions: 髙, 﨑, ①.
    model = wizard.sample_model
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert model.data(model.index(0, 1)) == "髙橋　一郎"
    assert model.data(model.index(1, 1)) == "山﨑　花子"
    assert model.data(model.index(0, 6)) == "①研修希望"
    assert model.headerData(2, Qt.Orientation.Horizontal) == "カナ氏名\n→ フリガナ"
    assert wizard.mapping_samples["name"].text() == "髙橋　一郎"


def test_changing_a_combo_changes_the_mapping_and_required_fields_hold_next(
    qtbot: QtBot, wizard: ImportWizard, tmp_path: Path
) -> None:
    choose_file(qtbot, wizard, write_csv(tmp_path, "名簿.csv", [HEADER, *GOOD_ROWS]))
    wizard.mapping_combos["email"].setCurrentIndex(wizard.mapping_combos["email"].findText("（使わない）"))
    assert "email" not in wizard.mapping()
    assert wizard.sample_model.headerData(5, Qt.Orientation.Horizontal) == "メール\n→ 使わない"
    wizard.mapping_combos["notes"].setCurrentIndex(wizard.mapping_combos["notes"].findText("役職"))
    assert wizard.mapping()["notes"] == 4
    assert "「役職」を 職名・備考 の両方に使っています" in wizard.missing_label.text()

    wizard.set_mapping_column("number", None)
    wizard.set_mapping_column("furigana", None)
    assert not wizard.next_button.isEnabled()
    assert "「受講者番号」、「フリガナ」 に使う列を選んでください" in wizard.missing_label.text()
    wizard.go_next()  # refused, even by keyboard
    assert wizard.page == PAGE_MAPPING
    wizard.set_mapping_column("number", 0)
    wizard.set_mapping_column("furigana", 2)
    assert wizard.next_button.isEnabled()


def test_saving_a_mapping_and_applying_it_to_a_reordered_file(
    qtbot: QtBot,
    wizard: ImportWizard,
    factory: RosterFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = ["番号,氏名,読み,連絡先", "B001,髙橋　一郎,タカハシ　イチロウ,takahashi@example.lg.jp"]
    choose_file(qtbot, wizard, write_csv(tmp_path, "委託先.csv", lines))
    wizard.set_mapping_column("email", 3)  # 連絡先 is no known alias: the clerk picks it
    asked: list[str] = []

    def get_text(_parent: Any, _title: str, label: str, _mode: Any, text: str) -> tuple[str, bool]:
        asked.append(text)
        return "委託先の名簿", True

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    qtbot.mouseClick(wizard.save_mapping_button, Qt.MouseButton.LeftButton)
    assert asked == ["委託先"]  # the file's name is offered
    mappings = ColumnMappings(factory.db)
    assert mappings.names() == ["委託先の名簿"]
    assert mappings.load("委託先の名簿") == {
        "number": "番号",
        "name": "氏名",
        "furigana": "読み",
        "email": "連絡先",
    }
    assert wizard.mapping_status_label.text() == "「委託先の名簿」として保存しました。"
    assert wizard.saved_mapping_combo.currentText() == "委託先の名簿"

    # Next month the columns come in another order: the saved mapping follows the headers.
    reordered = ["連絡先,読み,氏名,番号", "sato@example.lg.jp,サトウ　ケン,佐藤　健,B002"]
    qtbot.mouseClick(wizard.back_button, Qt.MouseButton.LeftButton)
    assert wizard.page == PAGE_FILE
    choose_file(qtbot, wizard, write_csv(tmp_path, "委託先_翌月.csv", reordered))
    assert wizard.mapping() == {"email": 0, "furigana": 1, "name": 2, "number": 3}
    assert not wizard.missing_label.isVisible()


def test_an_excel_file_offers_its_sheets(qtbot: QtBot, wizard: ImportWizard, tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "説明"
    workbook.active.append(["この名簿は人事課が作成しました"])
    sheet = workbook.create_sheet("職員")
    sheet.append(["職員番号", "氏名", "フリガナ"])
    sheet.append(["C001", "髙橋　一郎", "タカハシ　イチロウ"])
    path = tmp_path / "職員名簿.xlsx"
    workbook.save(path)
    type_text(wizard.path_edit, str(path))
    wizard.path_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: wizard.sheet_combo.count() == 2)
    assert wizard.sheet_combo.isEnabled() and not wizard.encoding_combo.isEnabled()
    wizard.sheet_combo.setCurrentIndex(wizard.sheet_combo.findText("職員"))
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.busy and wizard.page == PAGE_MAPPING)
    assert wizard.mapping() == {"number": 0, "name": 1, "furigana": 2}
    assert wizard.sample_model.data(wizard.sample_model.index(0, 1)) == "髙橋　一郎"


def test_an_unreadable_file_is_explained_on_the_first_page(
    qtbot: QtBot, wizard: ImportWizard, tmp_path: Path
) -> None:
    path = tmp_path / "古い名簿.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    type_text(wizard.path_edit, str(path))
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.busy)
    assert wizard.page == PAGE_FILE
    assert "Excel 97-2003 形式" in wizard.file_error_label.text()


# -- (b) errors -----------------------------------------------------------------------


def test_an_invalid_row_is_shown_red_and_holds_the_import_until_chosen(
    qtbot: QtBot, wizard: ImportWizard, tmp_path: Path, qtmodeltester: Any
) -> None:
    path = write_csv(tmp_path, "名簿.csv", [HEADER, GOOD_ROWS[0], BAD_ROW, GOOD_ROWS[1]])
    choose_file(qtbot, wizard, path)
    to_check(qtbot, wizard)
    model = wizard.preview_model
    qtmodeltester.check(model)
    assert shown_actions(wizard) == ["新規", "エラー", "新規"]
    error_row = 1
    assert model.data(model.index(error_row, COL_LINE)) == "3"
    detail = model.data(model.index(error_row, 5))
    assert "カナ氏名: フリガナはカタカナ（またはひらがな）で入力してください。" in detail
    assert "メール: メールアドレスの形式が正しくありません" in detail
    assert model.data(model.index(error_row, 0), Qt.ItemDataRole.ForegroundRole).color().name() == "#b71c1c"
    assert model.data(model.index(error_row, 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is None
    assert wizard.count_labels[roster_import.RowAction.INVALID].text() == "エラー 1行"
    assert wizard.count_labels[roster_import.RowAction.NEW].text() == "新規 2件"

    assert not wizard.import_button.isEnabled()
    assert "エラーがあるため、このままでは取り込めません。ファイルを直" in wizard.blocked_label.text()
    assert wizard.valid_only_check.isEnabled()
    wizard.valid_only_check.setChecked(True)
    assert wizard.import_button.isEnabled()
    assert "エラーの 1 行は取り込みません" in wizard.blocked_label.text()

    wizard.filter_combo.setCurrentIndex(wizard.filter_combo.findText("エラーのみ"))
    assert shown_actions(wizard) == ["エラー"]
    qtmodeltester.check(model)
    wizard.filter_combo.setCurrentIndex(wizard.filter_combo.findText("新規"))
    assert shown_actions(wizard) == ["新規", "新規"]


def test_a_clean_file_leaves_valid_only_disabled(qtbot: QtBot, wizard: ImportWizard, tmp_path: Path) -> None:
    choose_file(qtbot, wizard, write_csv(tmp_path, "名簿.csv", [HEADER, *GOOD_ROWS]))
    to_check(qtbot, wizard)
    assert not wizard.valid_only_check.isEnabled()
    assert wizard.import_button.isEnabled()
    assert wizard.blocked_label.text() == ""


def test_retire_missing_reruns_the_preview(
    qtbot: QtBot, wizard: ImportWizard, factory: RosterFactory, tmp_path: Path
) -> None:
    wizard.organization_combo.setCurrentText("みなと市")
    choose_file(qtbot, wizard, write_csv(tmp_path, "名簿.csv", [HEADER, *GOOD_ROWS]))
    to_check(qtbot, wizard)
    assert "退職にする" not in shown_actions(wizard)
    wizard.retire_missing_check.setChecked(True)
    qtbot.waitUntil(lambda: not wizard.busy and wizard.preview is not None)
    assert shown_actions(wizard)[-1] == "退職にする"  # A001 is not in the file
    assert "ファイルにない 1 人を退職にします。" in wizard.blocked_label.text()
    wizard.filter_combo.setCurrentIndex(wizard.filter_combo.findText("退職にする"))
    model = wizard.preview_model
    assert [model.data(model.index(0, c)) for c in range(5)] == [
        "—",
        "退職にする",
        "みなと市",
        "A001",
        "既存　太郎",
    ]


def test_a_new_organization_is_named_before_importing(
    qtbot: QtBot, wizard: ImportWizard, tmp_path: Path
) -> None:
    wizard.organization_combo.setCurrentText("さくら町")
    choose_file(qtbot, wizard, write_csv(tmp_path, "名簿.csv", [HEADER, *GOOD_ROWS]))
    to_check(qtbot, wizard)
    assert "新しく作る団体: 「さくら町」" in wizard.check_summary_label.text()


# -- (c) commit ------------------------------------------------------------------------


@pytest.fixture
def page(qtbot: QtBot, factory: RosterFactory) -> Iterator[RosterPage]:
    widget = RosterPage(RosterService(factory.db))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.loaded)
    yield widget
    qtbot.waitUntil(lambda: widget._loading is None)


def shown_numbers(page: RosterPage) -> list[str]:
    return sorted(page.proxy.row_at(row).number for row in range(page.proxy.rowCount()))


def through_page(
    qtbot: QtBot, page: RosterPage, monkeypatch: pytest.MonkeyPatch, drive: Callable[[ImportWizard], None]
) -> ImportWizard:
    """Press 取込… on the page; `drive` plays the clerk while the wizard is open."""
    seen: list[ImportWizard] = []

    def exec_(wizard: ImportWizard) -> int:
        seen.append(wizard)
        wizard.show()  # as exec() would; clicks go to a visible window
        drive(wizard)
        wizard.hide()
        return 1

    monkeypatch.setattr(ImportWizard, "exec", exec_)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    return seen[0]


def test_import_from_the_roster_page_writes_the_learners_and_shows_them(
    qtbot: QtBot, page: RosterPage, factory: RosterFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path, "人事課名簿.csv", [HEADER, *GOOD_ROWS, BAD_ROW])
    messages: list[str] = []
    page.status_message.connect(messages.append)
    batches: list[int] = []

    def drive(wizard: ImportWizard) -> None:
        assert wizard.organization_combo.currentText() == "みなと市"
        wizard.imported.connect(batches.append)
        choose_file(qtbot, wizard, path)
        to_check(qtbot, wizard)
        wizard.valid_only_check.setChecked(True)
        import_now(qtbot, wizard)
        assert wizard.page == PAGE_RUN
        assert "新規 3件" in wizard.result_label.text()
        assert "エラーの 1行は取り込んでいません" in wizard.result_label.text()
        assert wizard.close_button.text() == "閉じる" and not wizard.back_button.isVisible()

    wizard = through_page(qtbot, page, monkeypatch, drive)
    assert batches == [wizard.batch_id] and batches[0] is not None
    rows = {r.number: r for r in RosterService(factory.db).roster_rows()}
    assert set(rows) == {"A001", "A101", "A102", "A103"}
    assert rows["A101"].name == "髙橋　一郎" and rows["A102"].furigana == "ヤマザキ　ハナコ"
    assert rows["A101"].department == "総務部／デジタル推進課"
    assert factory.service.learner(rows["A101"].id).notes == "①研修希望"
    qtbot.waitUntil(lambda: page._loading is None and page.model.rowCount() == 4)
    assert shown_numbers(page) == ["A001", "A101", "A102", "A103"]
    assert "取込番号" in messages[-1]


def test_a_refused_import_keeps_the_wizard_and_its_choices(
    qtbot: QtBot,
    wizard: ImportWizard,
    factory: RosterFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = write_csv(tmp_path, "名簿.csv", [HEADER, *GOOD_ROWS])
    choose_file(qtbot, wizard, path)
    wizard.set_mapping_column("job_title", None)
    to_check(qtbot, wizard)
    # Someone saves the file again after the check.
    write_csv(tmp_path, "名簿.csv", [HEADER, *GOOD_ROWS, "A109,追加　者,ツイカ　シャ,税務課,,,"])
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a: warnings.append(text))
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(warnings))
    assert "確認（プレビュー）の後で書き換えられています" in warnings[0]
    assert wizard.isVisible() and wizard.page == PAGE_CHECK
    qtbot.waitUntil(lambda: not wizard.busy and wizard.preview is not None)
    assert wizard.preview.row_count == 4  # checked again, as the file is now
    assert "job_title" not in wizard.mapping()
    assert RosterService(factory.db).count() == 1


# -- (d) undo ---------------------------------------------------------------------------


def run_import(qtbot: QtBot, db: Database, path: Path) -> int:
    wizard = ImportWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    choose_file(qtbot, wizard, path)
    to_check(qtbot, wizard)
    import_now(qtbot, wizard)
    assert wizard.batch_id is not None
    wizard.close()
    return wizard.batch_id


def test_undo_from_the_history_dialog_removes_the_import(
    qtbot: QtBot,
    page: RosterPage,
    factory: RosterFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    qtmodeltester: Any,
) -> None:
    batch_id = run_import(qtbot, factory.db, write_csv(tmp_path, "人事課名簿.csv", [HEADER, *GOOD_ROWS]))
    page.reload()
    qtbot.waitUntil(lambda: page._loading is None and page.model.rowCount() == 4)
    questions: list[str] = []
    informed: list[str] = []

    def question(_parent: Any, _title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        questions.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: informed.append(text))

    def drive(dialog: ImportHistoryDialog) -> int:
        qtmodeltester.check(dialog.model)
        assert dialog.model.rowCount() == 1
        assert dialog.selected_batch() is not None and dialog.selected_batch().id == batch_id
        with qtbot.waitActive(dialog):
            dialog.show()
            dialog.activateWindow()
        dialog.table.setFocus()
        qtbot.keyClick(dialog.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not dialog.busy and bool(informed))
        state = dialog.model.data(dialog.model.index(0, COL_STATE))
        assert state.startswith("取消済み（")
        assert not dialog.undo_button.isEnabled()
        return 1

    monkeypatch.setattr(ImportHistoryDialog, "exec", drive)
    qtbot.mouseClick(page.history_button, Qt.MouseButton.LeftButton)
    assert "人事課名簿.csv" in questions[0] and "新規 3、更新 0" in questions[0]
    assert "追加 3件を削除" in informed[0]
    assert {r.number for r in RosterService(factory.db).roster_rows()} == {"A001"}
    qtbot.waitUntil(lambda: page._loading is None and page.model.rowCount() == 1)
    assert shown_numbers(page) == ["A001"]


def test_undoing_an_older_import_is_refused_with_a_warning(
    qtbot: QtBot, factory: RosterFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = run_import(qtbot, factory.db, write_csv(tmp_path, "四月.csv", [HEADER, GOOD_ROWS[0]]))
    run_import(qtbot, factory.db, write_csv(tmp_path, "五月.csv", [HEADER, GOOD_ROWS[1]]))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    dialog = ImportHistoryDialog(factory.db)
    qtbot.addWidget(dialog)
    assert [dialog.model.batch_at(r).file_name for r in range(2)] == ["五月.csv", "四月.csv"]  # newest first
    dialog.select_batch(first)
    dialog.undo_button.click()
    qtbot.waitUntil(lambda: bool(warnings))
    assert "新しいものから順に取り消してください" in warnings[0]
    assert dialog.undone_batches == []
    assert len([b for b in ImportHistory(factory.db).batches() if b.undone_at is None]) == 2


def test_answering_no_undoes_nothing(
    qtbot: QtBot, factory: RosterFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_import(qtbot, factory.db, write_csv(tmp_path, "名簿.csv", [HEADER, *GOOD_ROWS]))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    dialog = ImportHistoryDialog(factory.db)
    qtbot.addWidget(dialog)
    dialog.undo_selected()
    assert not dialog.busy and dialog.undone_batches == []
    assert RosterService(factory.db).count() == 4


# -- (e) cancel -------------------------------------------------------------------------


class Gate:
    """Holds the importer's worker inside its first row until the test lets it go."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.armed = False
        self.reached = threading.Event()
        self.release = threading.Event()
        gate = self

        class HeldReader(roster_import.RosterRowReader):
            def __call__(self, line: int, cells: Sequence[str]) -> RosterLine:
                if gate.armed:
                    gate.reached.set()
                    gate.release.wait(5)
                return super().__call__(line, cells)

        monkeypatch.setattr(roster_import, "RosterRowReader", HeldReader)
        monkeypatch.setattr(roster_import, "PROGRESS_EVERY", 1)  # report after every row


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    held = Gate(monkeypatch)
    yield held
    held.release.set()


def test_cancelling_the_check_returns_to_the_columns(
    qtbot: QtBot, wizard: ImportWizard, gate: Gate, tmp_path: Path
) -> None:
    choose_file(qtbot, wizard, write_csv(tmp_path, "名簿.csv", [HEADER, *GOOD_ROWS]))
    gate.armed = True
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert gate.reached.wait(5)
    assert wizard.progress_panel.isVisible() and not wizard.back_button.isEnabled()
    qtbot.mouseClick(wizard.cancel_task_button, Qt.MouseButton.LeftButton)
    assert wizard.progress_label.text() == "中止しています…"
    gate.release.set()
    qtbot.waitUntil(lambda: not wizard.busy)
    assert wizard.page == PAGE_MAPPING
    assert wizard.mapping_status_label.text() == "確認を中止しました。"


def test_cancelling_the_import_writes_nothing(
    qtbot: QtBot, wizard: ImportWizard, factory: RosterFactory, gate: Gate, tmp_path: Path
) -> None:
    choose_file(qtbot, wizard, write_csv(tmp_path, "名簿.csv", [HEADER, *GOOD_ROWS]))
    to_check(qtbot, wizard)
    gate.armed = True
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    assert gate.reached.wait(5)
    wizard.close()  # closing while it runs asks it to stop, and waits for the answer
    assert wizard.isVisible()
    gate.release.set()
    qtbot.waitUntil(lambda: not wizard.busy)
    assert wizard.page == PAGE_RUN
    assert wizard.result_label.text() == "中止しました。何も書き込んでいません。"
    assert wizard.batch_id is None
    assert RosterService(factory.db).count() == 1
    assert ImportHistory(factory.db).batches() == []
    # Back to the check and import after all: every choice is still there.
    gate.armed = False
    qtbot.mouseClick(wizard.back_button, Qt.MouseButton.LeftButton)
    assert wizard.page == PAGE_CHECK and wizard.import_button.isEnabled()
    import_now(qtbot, wizard)
    assert wizard.batch_id is not None
    assert RosterService(factory.db).count() == 4
