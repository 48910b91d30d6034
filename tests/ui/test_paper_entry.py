"""Typing a paper answer sheet: digits fill consecutive rows, one save for the sheet, nothing lost on close."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop.domain.diagnosis import DiagnosisKind
from desktop.store.database import Database
from desktop.store.diagnosis_service import METHOD_PAPER, DiagnosisService
from desktop.store.models import DiagnosisStatus
from desktop.ui.paper_entry import COL_ANSWER, COL_MEANING, COL_TEXT, PaperEntryDialog
from tests.factories import RosterFactory
from tests.ui.diagnosis_support import Asked, saved, small_framework_service

# Rows in order: D-01, D-02 (self, 1–4), D-K1 (4 choices), D-K2 (3 choices), S-K1 (2 choices), B-01 (self).
ALL = {"D-01": 3, "D-02": 1, "D-K1": 2, "D-K2": 3, "S-K1": 1, "B-01": 4}
SHEET = "312314"


@pytest.fixture
def service(sqlite_db: Database) -> DiagnosisService:
    return small_framework_service(sqlite_db)


@pytest.fixture
def diagnosis_id(sqlite_db: Database, service: DiagnosisService) -> int:
    factory = RosterFactory(sqlite_db)
    organization = factory.organization("みなと市")
    department = factory.department(organization, "総務課")
    learner = factory.learner(organization, number="A123", name="佐藤　花子", department_id=department)
    [created] = service.start(
        [learner.id],
        DiagnosisKind.POST,
        framework_id=service.frameworks.current("test-fw")[0],
        on=date(2025, 4, 10),
        method=METHOD_PAPER,
    )
    return created


@pytest.fixture(autouse=True)
def no_real_message_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A box left unpatched would wait for a click forever (say, on closing a dirty sheet at teardown)."""
    monkeypatch.setattr(QMessageBox, "question", Asked(QMessageBox.StandardButton.Discard))
    monkeypatch.setattr(QMessageBox, "warning", Asked(QMessageBox.StandardButton.Ok))


def open_dialog(qtbot: QtBot, service: DiagnosisService, diagnosis_id: int) -> PaperEntryDialog:
    dialog = PaperEntryDialog(service, diagnosis_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def cell(dialog: PaperEntryDialog, row: int, column: int) -> Any:
    return dialog.model.index(row, column).data()


def test_header_names_the_learner_and_the_sheet_and_the_model_is_sound(
    qtbot: QtBot, service: DiagnosisService, diagnosis_id: int
) -> None:
    dialog = open_dialog(qtbot, service, diagnosis_id)
    texts = {label.text() for label in dialog.findChildren(QLabel)}
    assert {"A123", "佐藤　花子", "総務課", "事後診断", "令和7年4月10日（2025/04/10）"} <= texts
    assert dialog.table.currentIndex().row() == 0
    assert dialog.table.currentIndex().column() == COL_ANSWER
    assert cell(dialog, 2, COL_TEXT) == "平均とは"
    assert "1  a" in dialog.model.index(2, COL_TEXT).data(Qt.ItemDataRole.ToolTipRole)
    ModelTester(None).check(dialog.model)


def test_typed_digits_fill_consecutive_rows_and_stay_in_memory_until_saved(
    qtbot: QtBot, sqlite_db: Database, service: DiagnosisService, diagnosis_id: int
) -> None:
    dialog = open_dialog(qtbot, service, diagnosis_id)
    qtbot.keyClicks(dialog.table, "312")
    assert [cell(dialog, row, COL_ANSWER) for row in range(4)] == ["3", "1", "2", ""]
    assert [cell(dialog, row, COL_MEANING) for row in range(3)] == ["できる", "知らない", "b"]
    assert dialog.current_row() == 3
    assert dialog.table.currentIndex().column() == COL_ANSWER
    assert dialog.count_label.text() == "回答済み 3 / 6 問　未保存 3 問（黄色の行）"
    assert saved(sqlite_db, diagnosis_id) == {}


def test_a_digit_outside_the_row_s_answers_beeps_and_does_not_advance(
    qtbot: QtBot, service: DiagnosisService, diagnosis_id: int
) -> None:
    dialog = open_dialog(qtbot, service, diagnosis_id)
    qtbot.keyClicks(dialog.table, "312")
    qtbot.keyClick(dialog.table, Qt.Key.Key_4)  # D-K2 has three choices
    assert dialog.current_row() == 3
    assert cell(dialog, 3, COL_ANSWER) == ""
    assert dialog.status_label.text() == "D-K2 は 1〜3 で入力してください"
    qtbot.keyClick(dialog.table, Qt.Key.Key_3)
    assert (cell(dialog, 3, COL_ANSWER), dialog.current_row()) == ("3", 4)
    assert dialog.status_label.text() == ""


def test_backspace_clears_and_arrows_move(qtbot: QtBot, service: DiagnosisService, diagnosis_id: int) -> None:
    dialog = open_dialog(qtbot, service, diagnosis_id)
    qtbot.keyClicks(dialog.table, "31")
    qtbot.keyClick(dialog.table, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Up)
    assert dialog.current_row() == 0
    qtbot.keyClick(dialog.table, Qt.Key.Key_Backspace)
    assert cell(dialog, 0, COL_ANSWER) == ""
    assert dialog.current_row() == 0
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
    assert dialog.model.changes() == {}  # back to the empty sheet it started as
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert dialog.current_row() == 2


def test_save_writes_the_whole_sheet_in_one_call(
    qtbot: QtBot,
    sqlite_db: Database,
    service: DiagnosisService,
    diagnosis_id: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[dict[str, int | None]] = []
    original = service.answer_many

    def counted(diagnosis: int, answers: dict[str, int | None], **kwargs: Any) -> None:
        calls.append(dict(answers))
        original(diagnosis, answers, **kwargs)

    monkeypatch.setattr(service, "answer_many", counted)
    service.answer(diagnosis_id, "B-01", 2)  # on the sheet already; typed over below
    calls.clear()
    dialog = PaperEntryDialog(service, diagnosis_id)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):  # Ctrl+S is a window shortcut: it needs the active window
        dialog.show()
        dialog.activateWindow()
    assert cell(dialog, 5, COL_ANSWER) == "2"
    qtbot.keyClicks(dialog.table, SHEET)
    assert saved(sqlite_db, diagnosis_id) == {"B-01": 2}

    qtbot.keyClick(dialog.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert calls == [ALL]
    assert saved(sqlite_db, diagnosis_id) == ALL
    assert not dialog.model.is_dirty()
    assert dialog.count_label.text() == "回答済み 6 / 6 問"
    assert dialog.status_label.text() == "6 問の回答を保存しました。"

    dialog.save_button.click()  # nothing new: no write at all
    assert len(calls) == 1


def test_save_and_complete_completes_when_confirmed(
    qtbot: QtBot,
    sqlite_db: Database,
    service: DiagnosisService,
    diagnosis_id: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = Asked(QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "question", asked)
    dialog = open_dialog(qtbot, service, diagnosis_id)
    qtbot.keyClicks(dialog.table, SHEET)
    qtbot.mouseClick(dialog.complete_button, Qt.MouseButton.LeftButton)
    assert "すべての設問に回答しました" in asked.texts[0]
    assert dialog.result() == PaperEntryDialog.DialogCode.Accepted
    assert dialog.completed_score is not None and dialog.completed_score.complete
    state = DiagnosisService(sqlite_db).state(diagnosis_id)
    assert (state.status, state.answers) == (DiagnosisStatus.COMPLETED, ALL)


def test_save_and_complete_with_blank_rows_goes_to_the_first_or_finishes_anyway(
    qtbot: QtBot,
    sqlite_db: Database,
    service: DiagnosisService,
    diagnosis_id: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = Asked(QMessageBox.StandardButton.No)
    monkeypatch.setattr(QMessageBox, "question", asked)
    dialog = open_dialog(qtbot, service, diagnosis_id)
    qtbot.keyClicks(dialog.table, "31")
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)  # a blank on the sheet
    qtbot.keyClicks(dialog.table, "3")
    assert not dialog.save_and_complete()
    assert "未回答の設問が 3 問" in asked.texts[0] and "D-K1" in asked.texts[0]
    assert dialog.current_row() == 2
    state = DiagnosisService(sqlite_db).state(diagnosis_id)
    assert state.status is DiagnosisStatus.IN_PROGRESS
    assert state.answers == {"D-01": 3, "D-02": 1, "D-K2": 3}  # saved even so

    asked.answer = QMessageBox.StandardButton.Yes
    assert dialog.save_and_complete()
    assert dialog.completed_score is not None and dialog.completed_score.answered == 3
    assert DiagnosisService(sqlite_db).state(diagnosis_id).status is DiagnosisStatus.COMPLETED


@pytest.mark.parametrize(
    ("answer", "stays_open", "written"),
    [
        (QMessageBox.StandardButton.Cancel, True, {}),
        (QMessageBox.StandardButton.Discard, False, {}),
        (QMessageBox.StandardButton.Save, False, {"D-01": 3, "D-02": 1}),
    ],
)
def test_closing_with_unsaved_edits_asks_first(
    qtbot: QtBot,
    sqlite_db: Database,
    service: DiagnosisService,
    diagnosis_id: int,
    monkeypatch: pytest.MonkeyPatch,
    answer: QMessageBox.StandardButton,
    stays_open: bool,
    written: dict[str, int],
) -> None:
    asked = Asked(answer)
    monkeypatch.setattr(QMessageBox, "question", asked)
    dialog = open_dialog(qtbot, service, diagnosis_id)
    qtbot.keyClicks(dialog.table, "31")
    dialog.close()  # the window's ×; Escape and 「閉じる」 take the same way
    assert asked.texts == ["保存していない回答が 2 問あります。保存しますか？"]
    assert dialog.isVisible() is stays_open
    assert saved(sqlite_db, diagnosis_id) == written


def test_closing_without_edits_does_not_ask(
    qtbot: QtBot, service: DiagnosisService, diagnosis_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = Asked(QMessageBox.StandardButton.Cancel)
    monkeypatch.setattr(QMessageBox, "question", asked)
    dialog = open_dialog(qtbot, service, diagnosis_id)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    assert asked.texts == []
    assert not dialog.isVisible()


def test_a_completed_diagnosis_is_shown_read_only(
    qtbot: QtBot, sqlite_db: Database, service: DiagnosisService, diagnosis_id: int
) -> None:
    service.answer_many(diagnosis_id, {"D-01": 4})
    service.complete(diagnosis_id, allow_unanswered=True)
    dialog = open_dialog(qtbot, service, diagnosis_id)
    assert cell(dialog, 0, COL_ANSWER) == "4"
    assert not dialog.save_button.isEnabled() and not dialog.complete_button.isEnabled()
    qtbot.keyClicks(dialog.table, "2")
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
    assert cell(dialog, 0, COL_ANSWER) == "4"
    assert "表示のみ" in dialog.status_label.text()
    assert saved(sqlite_db, diagnosis_id) == {"D-01": 4}
