"""The result of one diagnosis: levels, targets and gaps per category, the radar chart, plain words."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.dates import to_wareki
from desktop.domain.diagnosis import DiagnosisKind, DiagnosisScore, compare, summary_sentences
from desktop.store.diagnosis_service import DiagnosisService, DiagnosisState
from desktop.ui.radar_chart import RadarChart, RadarSeries

if TYPE_CHECKING:
    from desktop.store.database import Database

CURRENT = QColor("#1f6fd1")
TARGET = QColor("#e07b00")
BEFORE = QColor("#8a8a8a")


def _level(value: float | None) -> str:
    return "未回答" if value is None else f"{value:.1f}"


class DiagnosisResultDialog(QDialog):
    def __init__(
        self, db: Database, service: DiagnosisService, diagnosis_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._diagnosis_id = diagnosis_id
        state = service.state(diagnosis_id)
        score = state.score()
        earlier_id = service.earlier_completed(diagnosis_id) if state.kind is not DiagnosisKind.PRE else None
        before: DiagnosisState | None = service.state(earlier_id) if earlier_id is not None else None
        self.setWindowTitle(f"診断結果 — {state.learner.name}")
        self.resize(1040, 700)

        layout = QVBoxLayout(self)
        heading = QLabel(
            f"<b style='font-size:14pt'>{state.learner.name}</b>　{state.learner.number}　{state.learner.department}<br>"
            f"{state.kind.label}診断　{to_wareki(state.diagnosed_on)}　育成区分: {state.role.name}　"
            f"（{state.framework.name} 第{state.framework.version}版）"
        )
        layout.addWidget(heading)
        body = QHBoxLayout()
        layout.addLayout(body, 1)
        self.table = self._table(score, before.score() if before else None)
        body.addWidget(self.table, 3)
        self.radar = RadarChart(self)
        series = [
            RadarSeries("現在", [c.level for c in score.categories], CURRENT, filled=True),
            RadarSeries(
                f"目標（{state.role.name}）", [float(c.target) for c in score.categories], TARGET, dashed=True
            ),
        ]
        if before is not None:
            levels = before.score().by_category()
            series.append(
                RadarSeries(
                    f"前回（{before.kind.label}）",
                    [
                        levels[c.category_id].level if c.category_id in levels else None
                        for c in score.categories
                    ],
                    BEFORE,
                )
            )
        self.radar.set_data(
            [c.name for c in score.categories],
            series,
            state.framework.bottom_level,
            state.framework.top_level,
        )
        body.addWidget(self.radar, 4)
        self.summary = QLabel("\n".join(summary_sentences(score)))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("閉じる")
        print_button = buttons.addButton("結果票を印刷…", QDialogButtonBox.ButtonRole.ActionRole)
        print_button.clicked.connect(self._print)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _table(self, score: DiagnosisScore, before: DiagnosisScore | None) -> QTableWidget:
        # The 大分類 is the 分類's tooltip: as a column it squeezed the names the clerk reads.
        headers = ["分類", "レベル", "目標", "差"] + (["前回", "変化"] if before else [])
        table = QTableWidget(len(score.categories), len(headers), self)
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        changes = {c.category_id: c for c in compare(before, score)} if before else {}
        for row, category in enumerate(score.categories):
            gap = category.gap
            cells = [
                category.name,
                _level(category.level),
                str(category.target),
                "—" if gap is None else ("達成" if gap == 0 else f"{gap:.1f}"),
            ]
            if before:
                change = changes[category.category_id]
                cells += [_level(change.before), "—" if change.change is None else f"{change.change:+.1f}"]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setToolTip(category.group_name)
                if column == 3 and gap:
                    item.setForeground(QColor("#b00020"))
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        return table

    def _print(self) -> None:
        from desktop.ui.pages.diagnosis_page import print_result_sheets

        name, _ = QFileDialog.getSaveFileName(
            self, "保存先", str(Path.home() / "診断結果票.pdf"), "PDF (*.pdf)"
        )
        if name:
            print_result_sheets(self, self._db, [self._diagnosis_id], Path(name))
