"""The on-screen スキル診断, driven from the keyboard: every answer in the database at once, resume, 完了."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop.domain.diagnosis import DiagnosisKind
from desktop.store.database import Database
from desktop.store.diagnosis_service import DiagnosisService
from desktop.store.models import DiagnosisStatus
from desktop.ui.diagnosis_wizard import DiagnosisWizard, ItemCard
from tests.factories import RosterFactory
from tests.ui.diagnosis_support import Asked, saved, small_framework_service

# The small framework's pages: データ (D-01, D-02 self; D-K1 4 choices, D-K2 3 choices),
# セキュリティ (S-K1, 2 choices), 業務改善 (B-01 self).
ALL = {"D-01": 3, "D-02": 3, "D-K1": 2, "D-K2": 3, "S-K1": 1, "B-01": 2}


@pytest.fixture(autouse=True)
def no_real_message_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A box left unpatched would wait for a click forever."""
    monkeypatch.setattr(QMessageBox, "question", Asked(QMessageBox.StandardButton.No))
    monkeypatch.setattr(QMessageBox, "warning", Asked(QMessageBox.StandardButton.Ok))


@pytest.fixture
def service(sqlite_db: Database) -> DiagnosisService:
    return small_framework_service(sqlite_db)


@pytest.fixture
def diagnosis_id(sqlite_db: Database, service: DiagnosisService) -> int:
    factory = RosterFactory(sqlite_db)
    learner = factory.learner(factory.organization(), name="佐藤　花子")
    framework_id = service.frameworks.current("test-fw")[0]
    [created] = service.start(
        [learner.id], DiagnosisKind.PRE, framework_id=framework_id, on=date(2025, 4, 10)
    )
    return created


def open_wizard(qtbot: QtBot, service: DiagnosisService, diagnosis_id: int) -> DiagnosisWizard:
    wizard = DiagnosisWizard(service, diagnosis_id)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def card(wizard: DiagnosisWizard, item_id: str) -> ItemCard:
    found = wizard.card(item_id)
    assert found is not None
    return found


def test_opens_on_the_first_category_with_title_and_progress(
    qtbot: QtBot, service: DiagnosisService, diagnosis_id: int
) -> None:
    wizard = open_wizard(qtbot, service, diagnosis_id)
    assert wizard.windowTitle() == "スキル診断 — 佐藤　花子（事前）"
    assert (wizard.page_index(), wizard.page_count()) == (0, 3)
    assert wizard.category_label.text() == "データ"
    assert wizard.group_label.text() == "大分類: リテラシー"
    assert wizard.progress_label.text() == "1 / 3 分類・回答済み 0 / 6 問"
    assert wizard.focused_item_id() == "D-01"
    assert card(wizard, "D-01").property("current") == "true"
    assert wizard.next_button.text().startswith("次へ")
    assert not wizard.back_button.isEnabled()


def test_number_keys_answer_save_at_once_and_move_to_the_next_unanswered(
    qtbot: QtBot, sqlite_db: Database, service: DiagnosisService, diagnosis_id: int
) -> None:
    wizard = open_wizard(qtbot, service, diagnosis_id)
    qtbot.keyClick(wizard, Qt.Key.Key_3)
    assert saved(sqlite_db, diagnosis_id) == {"D-01": 3}
    assert card(wizard, "D-01").group.checkedId() == 3
    assert wizard.focused_item_id() == "D-02"

    qtbot.keyClick(wizard, Qt.Key.Key_1)
    assert saved(sqlite_db, diagnosis_id) == {"D-01": 3, "D-02": 1}
    assert wizard.focused_item_id() == "D-K1"

    qtbot.keyClick(wizard, Qt.Key.Key_2)  # a knowledge item: the number of the choice
    assert card(wizard, "D-K1").group.checkedId() == 2
    assert wizard.focused_item_id() == "D-K2"
    assert wizard.progress_label.text() == "1 / 3 分類・回答済み 3 / 6 問"
    assert wizard.progress_bar.value() == 3

    qtbot.keyClick(wizard, Qt.Key.Key_3)  # the last item of the page: focus stays, page stays
    assert wizard.focused_item_id() == "D-K2"
    assert wizard.page_index() == 0
    assert saved(sqlite_db, diagnosis_id) == {"D-01": 3, "D-02": 1, "D-K1": 2, "D-K2": 3}


def test_a_digit_outside_the_item_s_answers_is_refused_and_does_not_move(
    qtbot: QtBot, sqlite_db: Database, service: DiagnosisService, diagnosis_id: int
) -> None:
    service.answer_many(diagnosis_id, {"D-01": 1, "D-02": 1, "D-K1": 1})
    wizard = open_wizard(qtbot, service, diagnosis_id)
    assert wizard.focused_item_id() == "D-K2"  # resumes on the first unanswered item
    qtbot.keyClick(wizard, Qt.Key.Key_4)  # D-K2 has three choices
    assert wizard.focused_item_id() == "D-K2"
    assert wizard.status_label.text() == "D-K2 は 1〜3 で答えてください。"
    assert "D-K2" not in saved(sqlite_db, diagnosis_id)
    qtbot.keyClick(wizard, Qt.Key.Key_3)
    assert saved(sqlite_db, diagnosis_id)["D-K2"] == 3
    assert wizard.status_label.text() == ""


def test_arrows_move_delete_clears_and_auto_advance_skips_answered_items(
    qtbot: QtBot, sqlite_db: Database, service: DiagnosisService, diagnosis_id: int
) -> None:
    service.answer(diagnosis_id, "D-02", 4)
    wizard = open_wizard(qtbot, service, diagnosis_id)
    assert card(wizard, "D-02").group.checkedId() == 4
    qtbot.keyClick(wizard, Qt.Key.Key_2)
    assert wizard.focused_item_id() == "D-K1"  # D-02 was answered already

    qtbot.keyClick(wizard, Qt.Key.Key_Up)
    assert wizard.focused_item_id() == "D-02"
    assert card(wizard, "D-02").property("current") == "true"
    assert card(wizard, "D-K1").property("current") == "false"
    qtbot.keyClick(wizard, Qt.Key.Key_Delete)
    assert saved(sqlite_db, diagnosis_id) == {"D-01": 2}
    assert card(wizard, "D-02").group.checkedId() == -1
    assert card(wizard, "D-02").state_label.text() == "未回答"
    assert wizard.focused_item_id() == "D-02"

    for _ in range(6):  # stops at the ends instead of wrapping
        qtbot.keyClick(wizard, Qt.Key.Key_Down)
    assert wizard.focused_item_id() == "D-K2"
    for _ in range(6):
        qtbot.keyClick(wizard, Qt.Key.Key_Up)
    assert wizard.focused_item_id() == "D-01"


def test_a_click_on_an_answer_button_saves_it(
    qtbot: QtBot, sqlite_db: Database, service: DiagnosisService, diagnosis_id: int
) -> None:
    wizard = open_wizard(qtbot, service, diagnosis_id)
    button = card(wizard, "D-K1").group.button(4)
    # On the radio button's circle: the row is wider than the part of it that takes clicks.
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
    assert saved(sqlite_db, diagnosis_id) == {"D-K1": 4}
    assert wizard.focused_item_id() == "D-K2"
    qtbot.mouseClick(card(wizard, "D-01").group.button(2), Qt.MouseButton.LeftButton)
    assert saved(sqlite_db, diagnosis_id) == {"D-K1": 4, "D-01": 2}
    assert wizard.focused_item_id() == "D-02"  # the click moved the keyboard focus along
    assert wizard.select_answer("D-02", 1)
    assert saved(sqlite_db, diagnosis_id) == {"D-K1": 4, "D-01": 2, "D-02": 1}


def test_paging_with_keys_and_buttons_saves_the_page(
    qtbot: QtBot, sqlite_db: Database, service: DiagnosisService, diagnosis_id: int
) -> None:
    wizard = open_wizard(qtbot, service, diagnosis_id)
    qtbot.keyClick(wizard, Qt.Key.Key_PageDown)
    assert wizard.page_index() == 1
    assert wizard.category_label.text() == "セキュリティ"
    assert wizard.focused_item_id() == "S-K1"
    assert DiagnosisService(sqlite_db).state(diagnosis_id).current_page == 1

    qtbot.keyClick(wizard, Qt.Key.Key_Return)
    assert wizard.page_index() == 2
    assert wizard.group_label.text() == "大分類: 自治体業務"
    assert wizard.next_button.text() == "完了"
    assert DiagnosisService(sqlite_db).state(diagnosis_id).current_page == 2

    qtbot.keyClick(wizard, Qt.Key.Key_PageUp)
    assert wizard.page_index() == 1
    qtbot.mouseClick(wizard.back_button, Qt.MouseButton.LeftButton)
    assert wizard.page_index() == 0
    assert not wizard.back_button.isEnabled()
    qtbot.keyClick(wizard, Qt.Key.Key_PageUp)  # nothing before the first page
    assert wizard.page_index() == 0
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.page_index() == 1
    assert DiagnosisService(sqlite_db).state(diagnosis_id).current_page == 1


def test_closing_mid_way_and_opening_again_resumes_on_the_same_page_with_the_answers(
    qtbot: QtBot, sqlite_db: Database, service: DiagnosisService, diagnosis_id: int
) -> None:
    first = open_wizard(qtbot, service, diagnosis_id)
    for key in (Qt.Key.Key_3, Qt.Key.Key_2, Qt.Key.Key_PageDown, Qt.Key.Key_1):
        qtbot.keyClick(first, key)
    qtbot.mouseClick(first.close_button, Qt.MouseButton.LeftButton)
    assert not first.isVisible()

    # As if the app had been restarted: a new service and a new window on the same database.
    again = open_wizard(qtbot, DiagnosisService(sqlite_db), diagnosis_id)
    assert again.page_index() == 1
    assert again.answers() == {"D-01": 3, "D-02": 2, "S-K1": 1}
    assert card(again, "S-K1").group.checkedId() == 1
    assert card(again, "D-01").group.checkedId() == 3
    assert card(again, "D-K1").group.checkedId() == -1
    assert again.progress_label.text() == "2 / 3 分類・回答済み 3 / 6 問"
    qtbot.keyClick(again, Qt.Key.Key_PageUp)
    assert again.focused_item_id() == "D-K1"  # the first unanswered item of the page


def test_completing_with_every_item_answered_asks_once_and_completes(
    qtbot: QtBot,
    sqlite_db: Database,
    service: DiagnosisService,
    diagnosis_id: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = Asked(QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "question", asked)
    wizard = open_wizard(qtbot, service, diagnosis_id)
    for key in (Qt.Key.Key_3, Qt.Key.Key_3, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_PageDown):
        qtbot.keyClick(wizard, key)
    for key in (Qt.Key.Key_1, Qt.Key.Key_PageDown, Qt.Key.Key_2):
        qtbot.keyClick(wizard, key)
    assert asked.texts == []
    qtbot.keyClick(wizard, Qt.Key.Key_Return)

    assert len(asked.texts) == 1 and "すべての設問に回答しました" in asked.texts[0]
    assert wizard.result() == DiagnosisWizard.DialogCode.Accepted
    assert wizard.completed_score is not None and wizard.completed_score.complete
    state = DiagnosisService(sqlite_db).state(diagnosis_id)
    assert state.status is DiagnosisStatus.COMPLETED
    assert state.answers == ALL


def test_completing_with_unanswered_items_can_go_to_the_first_one_or_finish_anyway(
    qtbot: QtBot,
    sqlite_db: Database,
    service: DiagnosisService,
    diagnosis_id: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service.answer_many(diagnosis_id, {"D-01": 2, "S-K1": 1}, page=2)
    asked = Asked(QMessageBox.StandardButton.No)
    monkeypatch.setattr(QMessageBox, "question", asked)
    wizard = open_wizard(qtbot, service, diagnosis_id)
    assert wizard.page_index() == 2
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)  # 「完了」

    assert "未回答の設問が 4 問" in asked.texts[0] and "D-02" in asked.texts[0]
    assert (wizard.page_index(), wizard.focused_item_id()) == (0, "D-02")
    assert wizard.completed_score is None
    assert DiagnosisService(sqlite_db).state(diagnosis_id).status is DiagnosisStatus.IN_PROGRESS

    asked.answer = QMessageBox.StandardButton.Yes
    assert wizard.finish()
    assert wizard.completed_score is not None
    assert (wizard.completed_score.answered, wizard.completed_score.total) == (2, 6)
    assert DiagnosisService(sqlite_db).state(diagnosis_id).status is DiagnosisStatus.COMPLETED


def test_a_refused_save_shows_the_service_message_and_the_window_stays_usable(
    qtbot: QtBot,
    sqlite_db: Database,
    service: DiagnosisService,
    diagnosis_id: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    warned = Asked(QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "warning", warned)
    wizard = open_wizard(qtbot, service, diagnosis_id)
    service.complete(diagnosis_id, allow_unanswered=True)  # finished from another PC meanwhile
    qtbot.keyClick(wizard, Qt.Key.Key_3)

    assert warned.texts == ["この診断は完了しているため、回答を変更できません。"]
    assert card(wizard, "D-01").group.checkedId() == -1
    assert wizard.focused_item_id() == "D-01"
    assert wizard.isVisible()
    qtbot.keyClick(wizard, Qt.Key.Key_Down)
    assert wizard.focused_item_id() == "D-02"


def test_a_completed_diagnosis_opens_read_only(
    qtbot: QtBot, sqlite_db: Database, service: DiagnosisService, diagnosis_id: int
) -> None:
    service.answer_many(diagnosis_id, {"D-01": 2, "B-01": 4}, page=2)
    service.complete(diagnosis_id, allow_unanswered=True)
    wizard = open_wizard(qtbot, service, diagnosis_id)
    assert wizard.is_read_only()
    assert wizard.page_index() == 0  # looked through from the start
    assert card(wizard, "D-01").group.checkedId() == 2
    assert not any(b.isEnabled() for b in card(wizard, "D-01").group.buttons())

    qtbot.keyClick(wizard, Qt.Key.Key_Down)
    qtbot.keyClick(wizard, Qt.Key.Key_1)
    assert "変更できません" in wizard.status_label.text()
    assert saved(sqlite_db, diagnosis_id) == {"D-01": 2, "B-01": 4}

    qtbot.keyClick(wizard, Qt.Key.Key_PageDown)
    qtbot.keyClick(wizard, Qt.Key.Key_PageDown)
    assert wizard.next_button.text() == "閉じる"
    qtbot.keyClick(wizard, Qt.Key.Key_Return)
    assert not wizard.isVisible()
