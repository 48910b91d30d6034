"""名簿 page, driven as a clerk would: typing, choosing filters, saving dialogs."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.domain.roster import LearnerKind, LearnerStatus, OrganizationKind
from desktop.store.database import Database, open_database
from desktop.store.errors import DatabaseBusyError
from desktop.store.roster_service import RosterRow, RosterService, record_as_draft
from desktop.ui.learner_dialog import LearnerDialog
from desktop.ui.pages.roster_page import RosterPage
from desktop.ui.roster_model import COL_FURIGANA, COL_NAME, COL_NUMBER
from tests.factories import RosterFactory
from tests.ui.typing import type_text

PEOPLE = [
    # number, name, furigana, status, kind
    ("A001", "山田　太郎", "ヤマダ　タロウ", LearnerStatus.ACTIVE),
    ("A002", "阿部　花子", "アベ　ハナコ", LearnerStatus.ACTIVE),
    ("A003", "青木　次郎", "アオキ　ジロウ", LearnerStatus.ACTIVE),
    ("A004", "芳賀　学", "ハガ　マナブ", LearnerStatus.ACTIVE),
    ("A005", "羽田　翔", "ハタ　ショウ", LearnerStatus.ON_LEAVE),
    ("A006", "大野　恭子", "オオノ　キョウコ", LearnerStatus.ACTIVE),
    ("A007", "退職　者", "タイショク　シャ", LearnerStatus.RETIRED),
]


@pytest.fixture
def seeded(sqlite_db: Database) -> RosterFactory:
    factory = RosterFactory(sqlite_db)
    city = factory.organization("みなと市")
    bureau = factory.department(city, "総務部")
    section = factory.department(city, "デジタル推進課", parent_id=bureau)
    for number, name, furigana, status in PEOPLE:
        factory.learner(
            city, number=number, name=name, furigana=furigana, status=status, department_id=section
        )
    firm = factory.organization("株式会社さくら精機", OrganizationKind.COMPANY)
    factory.learner(
        firm,
        number="S001",
        name="佐藤　健",
        furigana="サトウ　ケン",
        kind=LearnerKind.EMPLOYEE,
        email="ken@sakura.example.co.jp",
    )
    return factory


@pytest.fixture
def page(qtbot: QtBot, seeded: RosterFactory) -> Iterator[RosterPage]:
    widget = RosterPage(RosterService(seeded.db))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.loaded)
    yield widget


def shown_numbers(page: RosterPage) -> list[str]:
    return [page.proxy.row_at(row).number for row in range(page.proxy.rowCount())]


def test_loads_with_retirees_hidden_sorted_by_reading(page: RosterPage) -> None:
    # アオキ < アベ < オオノ < サトウ < ハガ < ハタ < ヤマダ: reading order, not kanji code points.
    assert shown_numbers(page) == ["A003", "A002", "A006", "S001", "A004", "A005", "A001"]
    assert page.count_label.text() == "表示 7 名 ／ 全 8 名"


def test_half_width_katakana_query_finds_full_width_name(qtbot: QtBot, page: RosterPage) -> None:
    type_text(page.search, "ﾔﾏﾀﾞ")
    assert shown_numbers(page) == ["A001"]


def test_hiragana_kanji_number_and_email_queries(qtbot: QtBot, page: RosterPage) -> None:
    for query, expected in (
        ("おおの", ["A006"]),
        ("阿部", ["A002"]),
        ("ａ００５", ["A005"]),
        ("SAKURA.EXAMPLE", ["S001"]),
        ("山田太郎", ["A001"]),
    ):
        page.search.clear()
        type_text(page.search, query)
        assert shown_numbers(page) == expected, query


def test_each_keystroke_narrows_the_list(qtbot: QtBot, page: RosterPage) -> None:
    type_text(page.search, "ハ")
    assert set(shown_numbers(page)) == {"A002", "A004", "A005"}
    type_text(page.search, "タ")
    assert shown_numbers(page) == ["A005"]
    qtbot.keyClick(page.search, Qt.Key.Key_Backspace)
    assert len(shown_numbers(page)) == 3


def test_sort_by_furigana_header_and_back(page: RosterPage) -> None:
    page.table.sortByColumn(COL_FURIGANA, Qt.SortOrder.DescendingOrder)
    assert shown_numbers(page)[0] == "A001"
    page.table.sortByColumn(COL_NUMBER, Qt.SortOrder.AscendingOrder)
    assert shown_numbers(page) == ["A001", "A002", "A003", "A004", "A005", "A006", "S001"]
    # 氏名 sorts by reading too: 芳賀 (ハガ) before 羽田 (ハタ) although 羽 < 芳 in code points.
    page.table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
    numbers = shown_numbers(page)
    assert numbers.index("A004") < numbers.index("A005")


def test_filters_by_organization_department_kind_and_status(page: RosterPage) -> None:
    page.organization_filter.setCurrentIndex(page.organization_filter.findText("株式会社さくら精機"))
    assert shown_numbers(page) == ["S001"]
    page.organization_filter.setCurrentIndex(page.organization_filter.findText("みなと市"))
    # Choosing the 部 includes every 課 below it.
    page.department_filter.setCurrentIndex(page.department_filter.findText("総務部"))
    assert len(shown_numbers(page)) == 6
    page.organization_filter.setCurrentIndex(0)
    page.department_filter.setCurrentIndex(0)
    page.kind_filter.setCurrentIndex(page.kind_filter.findData(LearnerKind.EMPLOYEE))
    assert shown_numbers(page) == ["S001"]
    page.kind_filter.setCurrentIndex(0)
    page.status_filter.setCurrentIndex(page.status_filter.findData(LearnerStatus.ON_LEAVE))
    assert shown_numbers(page) == ["A005"]
    page.status_filter.setCurrentIndex(page.status_filter.findData(LearnerStatus.RETIRED))
    assert shown_numbers(page) == ["A007"]


def test_retirees_shown_only_when_asked(qtbot: QtBot, page: RosterPage) -> None:
    assert "A007" not in shown_numbers(page)
    qtbot.mouseClick(page.show_retired, Qt.MouseButton.LeftButton)
    assert "A007" in shown_numbers(page)


def test_selection_survives_filtering(qtbot: QtBot, page: RosterPage) -> None:
    page.select_ids([page.proxy.row_at(page.proxy.proxy_row_of(page.model.rows[0].id)).id])
    chosen = page.selected_ids()
    type_text(page.search, "ヤマ")
    assert page.selected_ids() == chosen  # 山田 (the first created) is still shown and selected


def _through_page(
    page: RosterPage,
    monkeypatch: pytest.MonkeyPatch,
    learner_id: int | None,
    on_exec: Callable[[LearnerDialog], int],
) -> LearnerDialog:
    """Open add (None) or edit through the page; `on_exec` stands in for the modal exec()."""
    seen: list[LearnerDialog] = []

    def exec_(dialog: LearnerDialog) -> int:
        seen.append(dialog)
        return on_exec(dialog)

    monkeypatch.setattr(LearnerDialog, "exec", exec_)
    if learner_id is None:
        page.add_learner()
    else:
        page.select_ids([learner_id])
        page.edit_selected()
    return seen[0]


def open_dialog(
    page: RosterPage, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, learner_id: int | None
) -> LearnerDialog:
    """The dialog as the clerk first sees it, left open for the test to drive."""
    dialog = _through_page(page, monkeypatch, learner_id, lambda _dialog: 0)
    qtbot.addWidget(dialog)
    return dialog


def click_save(dialog: LearnerDialog) -> None:
    buttons = dialog.findChild(QDialogButtonBox, "buttonBox")
    buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_dialog_lists_every_problem_and_saves_nothing(
    qtbot: QtBot, page: RosterPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_dialog(page, qtbot, monkeypatch, None)
    type_text(dialog.furigana, "Yamada")
    type_text(dialog.email, "yamada@")
    click_save(dialog)
    text = dialog.error_label.text()
    assert "受講者番号を入力してください。" in text
    assert "氏名を入力してください。" in text
    assert "フリガナはカタカナ（またはひらがな）で入力してください。" in text
    assert "メールアドレスの形式が正しくありません" in text
    assert dialog.number.styleSheet() and dialog.furigana.styleSheet()
    assert dialog.saved_row is None
    assert page.model.rowCount() == 8


def run_dialog(
    page: RosterPage,
    monkeypatch: pytest.MonkeyPatch,
    fill: Callable[[LearnerDialog], None],
    learner_id: int | None,
) -> LearnerDialog:
    """Open the dialog through the page, fill it in, press 保存, as exec() would."""

    def fill_and_save(dialog: LearnerDialog) -> int:
        fill(dialog)
        click_save(dialog)
        return int(dialog.result())

    return _through_page(page, monkeypatch, learner_id, fill_and_save)


def test_dialog_adds_a_learner_and_the_table_shows_it(
    page: RosterPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fill(dialog: LearnerDialog) -> None:
        type_text(dialog.number, "A100")
        type_text(dialog.name, "井上　陽菜")
        type_text(dialog.furigana, "いのうえ ひな")

    dialog = run_dialog(page, monkeypatch, fill, None)
    assert dialog.saved_row is not None
    assert dialog.saved_row.furigana == "イノウエ\u3000ヒナ"
    assert page.selected_ids() == [dialog.saved_row.id]
    assert page.count_label.text() == "表示 8 名 ／ 全 9 名"


def test_typing_a_new_organization_and_department_path(
    page: RosterPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fill(dialog: LearnerDialog) -> None:
        dialog.organization.setEditText("さくら町")
        assert dialog.department.count() == 1  # the old 団体's 所属 are no longer offered
        dialog.department.setEditText("総務課／人事係")
        type_text(dialog.number, "Z001")
        type_text(dialog.name, "新規　花子")
        type_text(dialog.furigana, "シンキ　ハナコ")

    dialog = run_dialog(page, monkeypatch, fill, None)
    assert dialog.saved_row is not None
    assert (dialog.saved_row.organization, dialog.saved_row.department) == ("さくら町", "総務課／人事係")
    page.organization_filter.setCurrentIndex(page.organization_filter.findText("さくら町"))
    page.department_filter.setCurrentIndex(page.department_filter.findText("総務課"))
    assert shown_numbers(page) == ["Z001"]  # 人事係 really sits under 総務課


def test_editing_keeps_a_department_made_on_another_pc(
    page: RosterPage, seeded: RosterFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = next(r for r in page.model.rows if r.number == "A001")
    other = RosterService(seeded.db)
    record = other.learner(target.id)
    other.update_learner(
        record, replace(record_as_draft(record), department_id=None, department_name="新設課")
    )
    page.reload()
    page._departments = [d for d in page._departments if d.name != "新設課"]  # the page's list predates it

    dialog = run_dialog(page, monkeypatch, lambda d: d.email.setText("new@example.lg.jp"), target.id)
    assert dialog.saved_row is not None
    assert dialog.saved_row.department == "新設課"


def test_dialog_refuses_a_duplicate_number_naming_the_holder(
    qtbot: QtBot, page: RosterPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_dialog(page, qtbot, monkeypatch, None)
    type_text(dialog.number, "A002")
    type_text(dialog.name, "別人　です")
    type_text(dialog.furigana, "ベツジン　デス")
    click_save(dialog)
    assert (
        "受講者番号「A002」は、すでに 阿部　花子 さん（総務部／デジタル推進課） が使っています。"
        in dialog.error_label.text()
    )
    assert dialog.number.styleSheet()
    assert dialog.saved_row is None


def test_dialog_refuses_a_stale_edit_and_offers_reload(
    qtbot: QtBot, page: RosterPage, seeded: RosterFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = next(r for r in page.model.rows if r.number == "A001")
    dialog = open_dialog(page, qtbot, monkeypatch, target.id)
    # Meanwhile, another PC saves the same learner.
    other_pc = open_database(seeded.db.url.render_as_string(hide_password=False))
    try:
        theirs = RosterService(other_pc)
        record = theirs.learner(target.id)
        theirs.update_learner(record, replace(record_as_draft(record), job_title="係長"))
    finally:
        other_pc.dispose()
    asked: list[str] = []
    monkeypatch.setattr(LearnerDialog, "ask_reload", lambda self, message: asked.append(message) or True)
    dialog.name.setText("山田　次郎")
    click_save(dialog)
    assert dialog.saved_row is None
    assert "保存しませんでした" in asked[0] and "職名: （空欄） → 係長" in asked[0]
    # Reloaded: the other PC's change is in the form, mine is gone, nothing was overwritten.
    assert (dialog.name.text(), dialog.job_title.text()) == ("山田　太郎", "係長")
    assert seeded.service.learner(target.id).name == "山田　太郎"
    click_save(dialog)  # saving again over the reloaded version works
    assert dialog.saved_row is not None


def test_retire_then_undo(qtbot: QtBot, page: RosterPage) -> None:
    target = next(r for r in page.model.rows if r.number == "A006")
    page.select_ids([target.id])
    qtbot.mouseClick(page.retire_button, Qt.MouseButton.LeftButton)
    assert "A006" not in shown_numbers(page)
    assert page.undo_button.isEnabled()
    qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    assert "A006" in shown_numbers(page)
    assert page.selected_ids() == [target.id]


def test_delete_asks_first_and_refuses_learners_with_records(
    page: RosterPage, seeded: RosterFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = next(r for r in page.model.rows if r.number == "A002")
    seeded.training_record(target.id)
    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: next(answers))
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a: warnings.append(text))
    page.select_ids([target.id])
    page.delete_selected()  # answered No: nothing happens
    assert not warnings and "A002" in shown_numbers(page)
    page.delete_selected()  # answered Yes: refused, it has a record
    assert "受講記録が1件あるため削除できません" in warnings[0]
    assert "A002" in shown_numbers(page)


def test_delete_removes_a_learner_without_records(page: RosterPage, monkeypatch: pytest.MonkeyPatch) -> None:
    target = next(r for r in page.model.rows if r.number == "A003")
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    page.select_ids([target.id])
    page.delete_selected()
    assert "A003" not in shown_numbers(page)
    assert page.model.rowCount() == 7


def test_roster_loads_off_the_ui_thread(qtbot: QtBot, seeded: RosterFactory) -> None:
    service = RosterService(seeded.db)
    threads: list[str] = []
    real = service.roster_rows

    def recording() -> list[RosterRow]:
        threads.append(threading.current_thread().name)
        return real()

    service.roster_rows = recording  # type: ignore[method-assign]
    widget = RosterPage(service)
    qtbot.addWidget(widget)
    widget.show()
    assert widget.count_label.text() == "名簿を読み込んでいます…"
    qtbot.waitUntil(lambda: widget.loaded)
    assert threads and threads[0] != threading.main_thread().name
    assert widget.model.rowCount() == 8


def test_a_failed_load_says_why(qtbot: QtBot, seeded: RosterFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    service = RosterService(seeded.db)

    def broken() -> list[RosterRow]:
        raise DatabaseBusyError("データベースが他の操作で使用中です。")

    service.roster_rows = broken  # type: ignore[method-assign]
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a: warnings.append(text))
    widget = RosterPage(service)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: bool(warnings))
    assert warnings == ["データベースが他の操作で使用中です。"]
    assert widget.count_label.text() == "名簿を読み込めませんでした"
    assert not widget.loaded


def test_retire_from_a_stale_row_is_refused_not_reversed(
    page: RosterPage, seeded: RosterFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = next(r for r in page.model.rows if r.number == "A006")
    other = RosterService(seeded.db)
    other.set_status(other.learner(target.id), LearnerStatus.RETIRED)  # another PC retires her
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a: warnings.append(text))
    page.select_ids([target.id])
    assert page.retire_button.text() == "退職にする"
    page.retire_button.click()
    assert "在籍状況: 在籍 → 退職" in warnings[0]
    assert seeded.service.learner(target.id).status is LearnerStatus.RETIRED


def test_a_load_that_started_before_a_change_does_not_undo_it_on_screen(
    qtbot: QtBot, page: RosterPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = next(r for r in page.model.rows if r.number == "A006")
    service = page._service
    real_rows = service.roster_rows
    read, release = threading.Event(), threading.Event()

    def slow_snapshot() -> list[RosterRow]:
        rows = real_rows()  # read before the retirement below
        read.set()
        release.wait(5)
        return rows

    monkeypatch.setattr(service, "roster_rows", slow_snapshot)
    page.reload()
    assert read.wait(5)
    monkeypatch.setattr(service, "roster_rows", real_rows)
    page.select_ids([target.id])
    page.retire_button.click()
    release.set()
    qtbot.waitUntil(lambda: page._loading is None, timeout=5000)
    qtbot.wait(100)
    qtbot.waitUntil(lambda: page._loading is None, timeout=5000)
    assert next(r for r in page.model.rows if r.id == target.id).status is LearnerStatus.RETIRED


def test_enter_opens_the_learner_only_from_the_table(
    qtbot: QtBot, page: RosterPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[LearnerDialog] = []
    monkeypatch.setattr(LearnerDialog, "exec", lambda dialog: opened.append(dialog) or 0)
    page.select_ids([page.proxy.row_at(0).id])
    page.search.setFocus()
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert not opened
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert len(opened) == 1


def test_ctrl_f_goes_to_search_and_f5_reloads(qtbot: QtBot, page: RosterPage) -> None:
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    qtbot.keyClick(page.search, Qt.Key.Key_F5)
    assert page.count_label.text() == "名簿を読み込んでいます…"
    qtbot.waitUntil(lambda: page._loading is None)


def test_undo_is_dropped_once_the_same_learner_is_edited(
    page: RosterPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = next(r for r in page.model.rows if r.number == "A006")
    page.select_ids([target.id])
    page.retire_button.click()
    assert page.undo_button.isEnabled()
    page.show_retired.setChecked(True)
    run_dialog(page, monkeypatch, lambda d: d.job_title.setText("主査"), target.id)
    assert not page.undo_button.isEnabled()
