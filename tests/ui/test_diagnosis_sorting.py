"""Header clicks sort the diagnosis tables: 番号 by value, 氏名 by フリガナ, levels by value, 全体 kept last."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.domain.diagnosis import DiagnosisKind
from desktop.store.database import Database
from desktop.store.diagnosis_views import ViewFilter
from desktop.ui.pages.diagnosis_page import DiagnosisPage
from tests.factories import RosterFactory
from tests.ui.diagnosis_support import small_framework_service

# Code-point order (上 < 渡 < 青) and フリガナ order (アオキ < ウエダ < ワタナベ) disagree on purpose.
PEOPLE = [
    ("10", "渡辺　一", "ワタナベ ハジメ", {"D-01": 1, "D-02": 1}),
    ("9", "青木　二郎", "アオキ ジロウ", {"D-01": 4, "D-02": 4}),
    ("100", "上田　三", "ウエダ サン", {"D-01": 2, "D-02": 3}),
]


@pytest.fixture
def page(qtbot: QtBot, sqlite_db: Database) -> DiagnosisPage:
    service = small_framework_service(sqlite_db)
    service.frameworks.use("test-fw")
    factory = RosterFactory(sqlite_db)
    organization = factory.organization("みなと市")
    department = factory.department(organization, "総務課")
    for number, name, reading, answers in PEOPLE:
        learner = factory.learner(
            organization, number=number, name=name, furigana=reading, department_id=department
        )
        [diagnosis_id] = service.start([learner.id], DiagnosisKind.PRE, on=date(2025, 5, 1))
        service.answer_many(diagnosis_id, answers)
        service.complete(diagnosis_id, allow_unanswered=True)
    shown = DiagnosisPage(sqlite_db)
    qtbot.addWidget(shown)
    qtbot.waitUntil(lambda: shown.model.rowCount() == 3 and shown.heat_model.rowCount() == 3)
    return shown


def column_texts(model: object, column: int) -> list[str]:
    from PySide6.QtCore import QAbstractItemModel

    assert isinstance(model, QAbstractItemModel)
    return [model.index(r, column).data() for r in range(model.rowCount())]


def click_header(page: DiagnosisPage, table: object, column: int, order: Qt.SortOrder) -> None:
    from PySide6.QtWidgets import QTableView

    assert isinstance(table, QTableView)
    table.horizontalHeader().setSortIndicator(column, order)


def test_learners_sort_by_number_value_and_by_reading_and_keep_the_order_when_reloaded(
    qtbot: QtBot, page: DiagnosisPage
) -> None:
    click_header(page, page.table, 0, Qt.SortOrder.AscendingOrder)
    assert column_texts(page.model, 0) == ["9", "10", "100"]
    click_header(page, page.table, 1, Qt.SortOrder.AscendingOrder)
    assert column_texts(page.model, 1) == ["青木　二郎", "上田　三", "渡辺　一"]
    click_header(page, page.table, 1, Qt.SortOrder.DescendingOrder)
    assert column_texts(page.model, 1) == ["渡辺　一", "上田　三", "青木　二郎"]

    page.search.setText("10")  # 10 and 100
    assert column_texts(page.model, 1) == ["渡辺　一", "上田　三"]  # the filter keeps the order
    page.search.setText("")
    page.reload()
    qtbot.waitUntil(lambda: page.status_label.text().startswith("3名"))
    assert column_texts(page.model, 1) == ["渡辺　一", "上田　三", "青木　二郎"]


def test_heatmap_sorts_by_a_categorys_level_and_the_whole_row_stays_last(
    qtbot: QtBot, page: DiagnosisPage
) -> None:
    data_column = page.heat_model.text_column_count  # the first category: データ
    click_header(page, page.heat_table, data_column, Qt.SortOrder.AscendingOrder)
    assert column_texts(page.heat_model, 1) == ["渡辺　一", "上田　三", "青木　二郎"]
    click_header(page, page.heat_table, data_column, Qt.SortOrder.DescendingOrder)
    assert column_texts(page.heat_model, 1) == ["青木　二郎", "上田　三", "渡辺　一"]
    click_header(page, page.heat_table, 1, Qt.SortOrder.DescendingOrder)
    assert column_texts(page.heat_model, 1) == ["渡辺　一", "上田　三", "青木　二郎"]

    page.heat_mode.setCurrentIndex(page.heat_mode.findData("departments"))
    qtbot.waitUntil(lambda: page.heat_model.mode == "departments")
    click_header(page, page.heat_table, 0, Qt.SortOrder.DescendingOrder)
    assert column_texts(page.heat_model, 0)[-1] == "全体"


def test_a_view_computed_for_filters_since_changed_is_not_shown(page: DiagnosisPage) -> None:
    rows_before = page.heat_model.rowCount()
    stale = ViewFilter(department_id=None, fiscal_year=2019, kind=None)
    empty = page.views.heatmap(stale), page.views.effect(stale)
    assert empty[0].rows == [] and page._views_wanted != stale
    page._views_ready((stale, *empty))
    assert page.heat_model.rowCount() == rows_before
