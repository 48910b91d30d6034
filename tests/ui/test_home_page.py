"""ホーム: the steps with their counts, next actions that open the right list, charts that open theirs."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop.domain.programme import Step
from desktop.store.database import Database
from desktop.ui.bar_chart import LEGEND_HEIGHT, ROW_HEIGHT, Bar, BarChart, Series
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.diagnosis_page import DiagnosisPage
from desktop.ui.pages.home_page import HomePage
from desktop.ui.pages.plans_page import PlansPage
from desktop.ui.plans_model import NO_PLAN
from tests.factories import RosterFactory
from tests.store.test_home_views import TODAY, office
from tests.ui.test_plans_page import wait_until


def open_home(qtbot: QtBot, db: Database) -> HomePage:
    page = HomePage(db, today=TODAY)
    qtbot.addWidget(page)
    wait_until(lambda: page.overview is not None)
    return page


def test_each_step_shows_its_count_and_the_next_action(qtbot: QtBot, sqlite_db: Database) -> None:
    office(sqlite_db, RosterFactory(sqlite_db))
    page = open_home(qtbot, sqlite_db)
    assert page.roster_count.text() == "5名"
    assert page.step_counts[Step.PLAN].text() == "1名"
    assert page.step_buttons[Step.PLAN].text() == "計画未作成の1名の計画を作成"
    assert page.step_buttons[Step.LEARNING].text() == "期限超過のある1名を確認"
    assert page.step_buttons[Step.POST_DIAGNOSIS].text() == "対象者はいません"
    assert not page.step_buttons[Step.POST_DIAGNOSIS].isEnabled()
    counts = page.counts_label.text()
    assert "事前 4件" in counts and "3.5時間" in counts
    assert [bar.label for bar in page.progress_chart.bars()] and page.effect_chart.bars()
    ModelTester(None).check(page.overdue_model, force_py=True)


def test_a_next_action_opens_its_page_with_just_those_learners(qtbot: QtBot, sqlite_db: Database) -> None:
    ids = office(sqlite_db, RosterFactory(sqlite_db))
    window = MainWindow()
    qtbot.addWidget(window)
    window.attach_database(sqlite_db)
    home = window.page("home")
    assert isinstance(home, HomePage)
    home._today = TODAY
    home.year_combo.setCurrentIndex(home.year_combo.findData(2025))
    wait_until(lambda: home.overview is not None and home.overview.fiscal_year == 2025)

    home.step_buttons[Step.PLAN].click()
    plans = window.page("plans")
    assert isinstance(plans, PlansPage) and window.current_page_key() == "plans"
    wait_until(lambda: plans.model.rowCount() == 1)
    assert plans.fiscal_year == 2025 and plans.status_combo.currentData() == NO_PLAN
    assert [row.learner.id for row in plans.model.rows()] == [ids["A3"]]
    assert not plans.banner.isHidden() and "計画未作成の1名" in plans.banner.label.text()
    plans.banner.button.click()  # すべての受講者を表示
    assert plans.banner.isHidden()
    assert plans.model.only is None

    window.show_page("home")
    home.step_buttons[Step.LEARNING].click()  # 期限超過のある1名を確認
    wait_until(lambda: [row.learner.id for row in plans.model.rows()] == [ids["A1"]])
    assert "期限超過のある1名（学習中の1名のうち）" in plans.banner.label.text()

    window.show_page("home")
    home.step_buttons[Step.PRE_DIAGNOSIS].click()
    diagnosis = window.page("diagnosis")
    assert isinstance(diagnosis, DiagnosisPage) and window.current_page_key() == "diagnosis"
    wait_until(lambda: diagnosis.model.rowCount() == 1)
    assert [row.learner.id for row in diagnosis.model.rows()] == [ids["B1"]]


def test_clicking_a_department_bar_opens_its_plans(qtbot: QtBot, sqlite_db: Database) -> None:
    office(sqlite_db, RosterFactory(sqlite_db))
    page = open_home(qtbot, sqlite_db)
    asked: list[tuple[str, dict[str, object]]] = []
    page.navigate.connect(lambda key, options: asked.append((key, options)))
    page.show()
    chart = page.progress_chart
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(50, LEGEND_HEIGHT + ROW_HEIGHT // 2))
    assert asked == [
        ("plans", {"fiscal_year": 2025, "department": page.overview.progress_by_department[0].department})
    ]


def test_the_chart_answers_the_keyboard(qtbot: QtBot) -> None:
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.set_data(
        [Series("進捗率", QColor("#3b8a5a"))],
        [Bar("総務課", (40.0,), ("40%",)), Bar("税務課", (80.0,), ("80%",))],
        100,
    )
    chart.show()
    chart.setFocus()
    chosen: list[int] = []
    chart.activated.connect(chosen.append)
    chart.current = 0  # where focusing puts it (offscreen windows never become active)
    qtbot.keyClick(chart, Qt.Key.Key_Down)
    qtbot.keyClick(chart, Qt.Key.Key_Return)
    assert chosen == [1]
    assert chart.row_at(LEGEND_HEIGHT - 1) == -1 and chart.row_at(LEGEND_HEIGHT + 1) == 0
    chart.grab()  # paints without error, the empty state too
    chart.set_data([], [], 0)
    chart.grab()


def test_every_step_leads_to_the_page_where_its_work_is_done() -> None:
    from desktop.domain.programme import StepCount
    from desktop.ui.pages.home_page import next_action

    pages = {step: next_action(StepCount(step, 2, (7, 8), overdue=1), 2025) for step in Step}
    assert {step: key for step, (key, _options) in pages.items()} == {
        Step.PRE_DIAGNOSIS: "diagnosis",
        Step.PLAN: "plans",
        Step.APPROVAL: "plans",
        Step.LEARNING: "plans",
        Step.POST_DIAGNOSIS: "diagnosis",
        Step.REVIEW: "exports",
    }
    assert pages[Step.PLAN][1]["learner_ids"] == (7, 8) and pages[Step.REVIEW][1] == {"fiscal_year": 2025}
