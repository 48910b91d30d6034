"""ホーム: the programme's steps with how many learners stand at each, and the 年度's dashboard.

Each step offers the next action for exactly its learners; it opens the page
where that work is done, showing only them (`navigate` carries the page key
and what to show). The charts open the list behind a bar in the same way.
Everything loads in a worker from one read (store.home_views).
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.dates import fiscal_year
from desktop.domain.diagnosis import DiagnosisKind
from desktop.domain.plan import PlanStatus
from desktop.domain.plan_proposal import hours_text
from desktop.domain.programme import Step, StepCount
from desktop.domain.roster import LearnerKind, LearnerStatus
from desktop.store.errors import UserFacingError
from desktop.store.home_views import HomeOverview, OverdueLearner, home_overview
from desktop.ui.bar_chart import Bar, BarChart, Series
from desktop.ui.forms import child, load_form
from desktop.ui.plans_model import NO_PLAN, OVERDUE
from desktop.ui.rows_model import Column, RowsModel
from desktop.ui.sorting import make_sortable
from desktop.ui.workers import BackgroundTask
from desktop.ui.wrap_button import WrapButton

if TYPE_CHECKING:
    from desktop.store.database import Database

BEFORE = QColor("#9db4d3")
AFTER = QColor("#2f6fb3")
PROGRESS = QColor("#3b8a5a")
_CARD_STYLE = (
    "#stepCard { background: #ffffff; border: 1px solid #c4c8cf; border-radius: 4px; }"
    "#stepCard[current='true'] { border: 2px solid #2f6fb3; }"
)


def next_action(step: StepCount, fiscal_year: int) -> tuple[str, dict[str, Any]]:
    """The page that does the step's work, and what it is to show."""
    only = {"learner_ids": step.learner_ids, "label": f"{step.step.waiting}の{step.learners}名"}
    if step.step in (Step.PRE_DIAGNOSIS, Step.POST_DIAGNOSIS):
        return "diagnosis", only
    if step.step is Step.PLAN:
        return "plans", {**only, "fiscal_year": fiscal_year, "status": NO_PLAN}
    if step.step is Step.APPROVAL:
        return "plans", {**only, "fiscal_year": fiscal_year, "status": PlanStatus.DRAFT.value}
    if step.step is Step.LEARNING and step.overdue:
        label = f"期限超過のある{step.overdue}名（学習中の{step.learners}名のうち）"
        return "plans", {**only, "label": label, "fiscal_year": fiscal_year, "status": OVERDUE}
    if step.step is Step.LEARNING:
        return "plans", {**only, "fiscal_year": fiscal_year, "status": None}
    return "exports", {"fiscal_year": fiscal_year}


class OverdueModel(RowsModel[OverdueLearner]):
    columns = (
        Column("受講者番号", lambda o: o.number),
        Column("氏名", lambda o: o.name),
        Column("所属", lambda o: o.department),
        Column("期限超過", lambda o: f"{o.overdue_lines}講座", lambda o: o.overdue_lines, right=True),
    )


class HomePage(QWidget):
    navigate = Signal(str, dict)  # page key, what it is to show

    def __init__(self, db: Database, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._today = today or date.today()
        self._loading: BackgroundTask | None = None
        self._wanted: int | None = None
        self.overview: HomeOverview | None = None
        form = load_form("home_page.ui", self)
        child(form, QLabel, "titleLabel").setStyleSheet("font-size: 16pt; font-weight: bold;")
        for name in ("guideLabel", "dashboardLabel"):
            child(form, QLabel, name).setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.status_label = child(form, QLabel, "statusLabel")
        self.year_combo = child(form, QComboBox, "yearCombo")
        self.counts_label = child(form, QLabel, "countsLabel")
        self.steps_host = child(form, QWidget, "stepsHost")
        self.steps_host.setStyleSheet(_CARD_STYLE)
        scroll = child(form, QScrollArea, "scrollArea")
        # The page follows the window's width; only a very short window scrolls, downwards.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.steps_layout = QHBoxLayout(self.steps_host)
        self.steps_layout.setContentsMargins(0, 0, 0, 0)
        self.steps_layout.setSpacing(4)
        self.step_buttons: dict[Step, WrapButton] = {}
        self.step_counts: dict[Step, QLabel] = {}
        self._build_steps()

        self.progress_chart = BarChart()
        _box_layout(child(form, QGroupBox, "progressBox")).addWidget(self.progress_chart)
        self.progress_chart.activated.connect(self._open_department)
        self.effect_chart = BarChart()
        _box_layout(child(form, QGroupBox, "effectBox")).addWidget(self.effect_chart)
        self.effect_chart.activated.connect(lambda _row: self.navigate.emit("diagnosis", {"tab": "effect"}))
        self.overdue_table = child(form, QTableView, "overdueTable")
        self.overdue_model = OverdueModel(self)
        self.overdue_table.setModel(self.overdue_model)
        self.overdue_table.verticalHeader().setVisible(False)
        self.overdue_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.overdue_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.overdue_table.horizontalHeader().setStretchLastSection(True)
        self.overdue_table.doubleClicked.connect(self._open_overdue)
        make_sortable(self.overdue_table)

        this_year = fiscal_year(self._today)
        for year in range(this_year + 1, this_year - 5, -1):
            self.year_combo.addItem(f"{year}年度", year)
        self.year_combo.setCurrentIndex(1)
        self.year_combo.currentIndexChanged.connect(lambda _i: self.reload())
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.reload)
        self.reload()

    @classmethod
    def for_database(cls, db: Database, parent: QWidget) -> HomePage:
        return cls(db, parent)

    @property
    def fiscal_year(self) -> int:
        return int(self.year_combo.currentData())

    # -- the guide --------------------------------------------------------------------------

    def _build_steps(self) -> None:
        roster = self._card(0, "名簿", "roster")
        self.steps_layout.addWidget(roster, 1)
        for number, step in enumerate(Step, start=1):
            arrow = QLabel("→")
            arrow.setStyleSheet("font-size: 14pt; color: #6b6b6b;")
            self.steps_layout.addWidget(arrow)
            self.steps_layout.addWidget(self._card(number, step.label, step), 1)

    def _card(self, number: int, title: str, step: Step | str) -> QFrame:
        card = QFrame()
        card.setObjectName("stepCard")
        card.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(8, 6, 8, 8)
        heading = QLabel(f"<b>{number}. {escape(title)}</b>" if number else f"<b>{escape(title)}</b>")
        heading.setWordWrap(True)
        count = QLabel("—")
        count.setStyleSheet("font-size: 18pt;")
        count.setAlignment(Qt.AlignmentFlag.AlignCenter)
        button = WrapButton("—")
        button.setEnabled(False)
        layout.addWidget(heading)
        layout.addWidget(count)
        layout.addStretch(1)
        layout.addWidget(button)
        key = step if isinstance(step, Step) else None
        if key is None:
            button.setText("名簿を開く")
            button.setEnabled(True)
            button.clicked.connect(lambda: self.navigate.emit("roster", {}))
            self.roster_count = count
        else:
            self.step_buttons[key] = button
            self.step_counts[key] = count
            button.clicked.connect(lambda _checked=False, s=key: self.act(s))
        return card

    def act(self, step: Step) -> None:
        """Do the step's next action: open its page showing just its learners."""
        if self.overview is None:
            return
        found = next(s for s in self.overview.steps if s.step is step)
        key, options = next_action(found, self.overview.fiscal_year)
        self.navigate.emit(key, options)

    # -- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        year = self.fiscal_year
        self._wanted = year
        self.status_label.setText("集計中…")
        today = self._today

        def work() -> HomeOverview:
            return home_overview(self._db, year, today)

        self._loading = BackgroundTask(self, work, self._loaded, self._failed)
        self._loading.start()

    def _failed(self, error: BaseException) -> None:
        message = error.message if isinstance(error, UserFacingError) else f"集計できませんでした: {error}"
        self.status_label.setText(message)

    def _loaded(self, overview: HomeOverview) -> None:
        if overview.fiscal_year != self._wanted:
            return  # the 年度 changed meanwhile; the newer figures are on their way
        self.overview = overview
        self.status_label.setText(f"{overview.fiscal_year}年度　{self._today:%Y/%m/%d} 現在")
        active = sum(
            count
            for counts in overview.learners_by_kind.values()
            for status, count in counts.items()
            if status is not LearnerStatus.RETIRED
        )
        self.roster_count.setText(f"{active}名")
        for step in overview.steps:
            self.step_counts[step.step].setText(f"{step.learners}名")
            button = self.step_buttons[step.step]
            action = step.action
            button.setText(action or "対象者はいません")
            button.setToolTip(f"{step.step.waiting}の受講者: {step.learners}名")
            button.setEnabled(action is not None)
        self.counts_label.setText(_counts_html(overview))
        self._show_progress(overview)
        self._show_effect(overview)
        self.overdue_model.set_rows(overview.overdue)
        self.overdue_table.resizeColumnsToContents()

    def _show_progress(self, overview: HomeOverview) -> None:
        bars = [
            Bar(
                row.department,
                (float(row.percent),),
                (f"{row.percent}%",),
                f"{row.department}: 計画{row.plans}件　{hours_text(row.done_hours)} / {hours_text(row.planned_hours)}時間",
            )
            for row in overview.progress_by_department
        ]
        self.progress_chart.set_data(
            [Series("進捗率", PROGRESS)], bars, 100, unit="%", empty="承認済みの計画はまだありません"
        )

    def _show_effect(self, overview: HomeOverview) -> None:
        bars = [
            Bar(
                change.category,
                (change.before, change.after),
                tuple("" if value is None else f"{value:.1f}" for value in (change.before, change.after)),
                f"{change.category}: 事前 {_level(change.before)} → 事後 {_level(change.after)}",
            )
            for change in overview.effect_by_category
        ]
        top = max(
            (v for c in overview.effect_by_category for v in (c.before, c.after) if v is not None), default=4
        )
        self.effect_chart.set_data(
            [Series(f"事前（{overview.effect_pairs}名）", BEFORE), Series("事後", AFTER)],
            bars,
            max(4.0, float(top)),
            unit="レベル",
            empty="事前・事後の両方を受けた受講者はまだいません",
        )

    # -- opening the lists behind the charts ------------------------------------------------

    def _open_department(self, row: int) -> None:
        if self.overview is None:
            return
        department = self.overview.progress_by_department[row].department
        self.navigate.emit("plans", {"fiscal_year": self.overview.fiscal_year, "department": department})

    def _open_overdue(self) -> None:
        if self.overview is None:
            return
        chosen = self.overdue_table.currentIndex()
        ids = (
            (self.overdue_model.row_at(chosen.row()).learner_id,)
            if chosen.isValid()
            else tuple(o.learner_id for o in self.overdue_model.rows())
        )
        self.navigate.emit(
            "plans",
            {
                "fiscal_year": self.overview.fiscal_year,
                "status": OVERDUE,
                "learner_ids": ids,
                "label": f"期限超過のある{len(ids)}名",
            },
        )


def _box_layout(box: QGroupBox) -> QVBoxLayout:
    layout = box.layout()
    assert isinstance(layout, QVBoxLayout)  # forms/home_page.ui gives each chart box one
    return layout


def _level(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _counts_html(overview: HomeOverview) -> str:
    kinds = "".join(
        f"<tr><td>{escape(kind.label)}</td>"
        + "".join(
            f"<td align='right'>{overview.learners_by_kind[kind][status] if kind in overview.learners_by_kind else 0}</td>"
            for status in LearnerStatus
        )
        + "</tr>"
        for kind in LearnerKind
    )
    statuses = "".join(f"<th>{escape(status.label)}</th>" for status in LearnerStatus)
    plans = "　".join(f"{status.label} {overview.plans.get(status, 0)}" for status in PlanStatus)
    diagnoses = "　".join(f"{kind.label} {overview.diagnoses.get(kind, 0)}件" for kind in DiagnosisKind)
    return (
        "<table cellspacing='0' cellpadding='3'>"
        f"<tr><th align='left'>区分</th>{statuses}</tr>{kinds}</table>"
        f"<p>スキル診断（この年度に完了）: {diagnoses}<br>"
        f"学習計画（この年度）: {plans}<br>"
        f"学習時間（この年度の受講記録）: <b>{hours_text(overview.hours_learned)}時間</b>"
        f"　期限超過のある受講者: <b>{len(overview.overdue)}名</b></p>"
    )
