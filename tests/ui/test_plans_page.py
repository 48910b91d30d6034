"""学習計画 page, driven as a clerk would: the list with progress, batch proposal, the editor, approval."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.domain.plan import PlanStatus
from desktop.store.database import Database
from desktop.store.models import AuditEntry, TrainingStatus
from desktop.store.plan_service import PlanService
from desktop.store.plan_views import plan_detail, plan_rows
from desktop.store.settings import approval_boxes
from desktop.ui.pages.plans_page import PlansPage
from desktop.ui.plan_editor import PlanEditorDialog
from desktop.ui.plan_propose_dialog import PlanProposeDialog
from desktop.ui.plans_model import NO_PLAN, OVERDUE, OVERDUE_COLUMN
from tests.factories import RosterFactory
from tests.store.test_plan_service import SETTINGS, diagnosed, line_codes
from tests.store.test_plan_views import add_record
from tests.ui.diagnosis_support import Asked

TODAY = date(2025, 12, 1)  # every month of SETTINGS' plans (May–October 2025) has ended


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        QApplication.processEvents()
        time.sleep(0.01)


@pytest.fixture
def office(sqlite_db: Database) -> tuple[Database, PlanService, dict[str, int]]:
    """Three diagnosed learners (A1 approved with progress, A2 a draft, A3 no plan) and one undiagnosed (B1)."""
    factory = RosterFactory(sqlite_db)
    learners = {number: diagnosed(sqlite_db, factory, number, "一般職員", 2) for number in ("A1", "A2", "A3")}
    learners["B1"] = factory.learner(factory.organization("団体B"), number="B1").id
    service = PlanService(sqlite_db)
    service.save_drafts(service.propose([learners["A1"], learners["A2"]], SETTINGS), SETTINGS)
    [approved] = plan_rows(sqlite_db, 2025, learner_ids=[learners["A1"]])
    service.set_status(approved.plan_id, PlanStatus.APPROVED, approved.version)
    first = plan_detail(sqlite_db, approved.plan_id).lines[0]
    add_record(
        sqlite_db, learners["A1"], first.course_code, TrainingStatus.COMPLETED, completed_on=date(2025, 5, 20)
    )
    return sqlite_db, service, learners


def open_page(qtbot: QtBot, db: Database) -> PlansPage:
    page = PlansPage(db, today=TODAY)
    qtbot.addWidget(page)
    page.year_combo.setCurrentIndex(page.year_combo.findData(2025))
    wait_until(lambda: page.model.rowCount() == 4)
    return page


def numbers(page: PlansPage) -> list[str]:
    return [row.learner.number for row in page.model.rows()]


def test_the_list_shows_each_learner_with_status_progress_and_overdue(qtbot: QtBot, office) -> None:
    db, _service, _learners = office
    page = open_page(qtbot, db)
    by_number = {row.learner.number: row for row in page.model.rows()}
    model = page.model
    texts = {
        number: [model.data(model.index(r, c)) for c in range(model.columnCount())]
        for r, number in enumerate(numbers(page))
    }
    assert texts["A1"][4] == "承認済" and texts["A2"][4] == "下書き"
    assert texts["A3"][4] == "未作成" and texts["B1"][4] == "未作成（診断なし）"
    a1 = by_number["A1"].plan
    assert a1 is not None and a1.progress.lines_done == 1 and a1.progress.overdue == a1.progress.lines - 1
    assert texts["A1"][OVERDUE_COLUMN] == f"{a1.progress.overdue}件" and texts["A2"][OVERDUE_COLUMN] == ""
    assert texts["A1"][10] == f"{a1.progress.percent}%" and a1.progress.percent > 0
    assert "期限超過のある計画 1件" in page.count_label.text()

    page.status_combo.setCurrentIndex(page.status_combo.findData(OVERDUE))
    assert numbers(page) == ["A1"]
    page.status_combo.setCurrentIndex(page.status_combo.findData(NO_PLAN))
    assert numbers(page) == ["A3", "B1"]
    page.status_combo.setCurrentIndex(page.status_combo.findData(PlanStatus.DRAFT.value))
    assert numbers(page) == ["A2"]
    page.status_combo.setCurrentIndex(0)
    page.search.setText("a3")
    assert numbers(page) == ["A3"]


def test_a_batch_is_reviewed_before_saving_and_only_ticked_learners_get_drafts(
    qtbot: QtBot, office, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _service, learners = office
    monkeypatch.setattr(QMessageBox, "information", Asked())
    existing = {learners["A1"]: PlanStatus.APPROVED, learners["A2"]: PlanStatus.DRAFT}
    dialog = PlanProposeDialog(db, list(learners.values()), 2025, existing, today=TODAY)
    qtbot.addWidget(dialog)
    assert dialog.start_combo.currentText() == "令和7年12月"  # this month, in this 年度
    dialog.start_combo.setCurrentIndex(1)  # 令和7年5月
    dialog.months.setValue(4)
    dialog.hours.setValue(12)
    dialog.propose()
    wait_until(lambda: dialog.learner_table.rowCount() == 4)
    notes = {dialog.learner_table.item(r, 1).text(): dialog.learner_table.item(r, 6).text() for r in range(4)}
    assert "承認済の計画があるため保存しません" in notes["A1"]
    assert "今の下書きを作り直します" in notes["A2"]
    assert "完了したスキル診断がありません" in notes["B1"]
    assert [e.learner.number for e in dialog.checked()] == ["A2", "A3"]
    # The lines of the chosen learner show below; untick A3 and save only A2.
    dialog.learner_table.selectRow(2)
    assert dialog.line_table.rowCount() > 0 and dialog.line_table.item(0, 0).text() == "令和7年5月"
    dialog.learner_table.item(2, 0).setCheckState(Qt.CheckState.Unchecked)
    assert "保存するのは 1名" in dialog.summary.text()
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    rows = {r.learner.number: r for r in plan_rows(db, 2025)}
    assert set(rows) == {"A1", "A2"}
    assert rows["A2"].hours_budget == Decimal(12) and rows["A2"].period_start == date(2025, 5, 1)
    assert rows["A1"].status is PlanStatus.APPROVED  # left alone


def test_the_editor_reorders_removes_undoes_adds_and_saves_a_draft(
    qtbot: QtBot, office, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _service, learners = office
    [draft] = plan_rows(db, 2025, learner_ids=[learners["A2"]])
    before = line_codes(db, draft.plan_id)
    editor = PlanEditorDialog(db, draft.plan_id)
    qtbot.addWidget(editor)
    assert editor.editable and editor.buttons["saveButton"].isEnabled()
    editor.table.selectRow(0)
    editor.move_line(1)
    assert [line.code for line in editor.lines][:2] == [before[1], before[0]]
    editor.table.selectRow(2)
    editor.remove_line()
    editor.undo()
    assert [line.code for line in editor.lines] == [before[1], before[0], *before[2:]]

    class Picker:
        def __init__(self, courses, parent) -> None:
            self.chosen = next(c for c in courses if c.code not in before)

        def exec(self) -> QDialog.DialogCode:
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr("desktop.ui.course_picker.CoursePickerDialog", Picker)
    editor.table.selectRow(0)
    editor.add_course()
    added = editor.lines[1]
    assert added.reason.label == "追加" and added.code not in before
    # A later month for the added line, through its month box.
    combo = editor.table.cellWidget(1, 0)
    combo.setCurrentIndex(2)
    editor.goal.setText("ITパスポート合格相当")
    editor.goal.textEdited.emit("ITパスポート合格相当")
    assert editor.has_unsaved_edits()
    assert editor.save()
    saved = plan_detail(db, draft.plan_id)
    assert [line.course_code for line in saved.lines] == [before[1], added.code, before[0], *before[2:]]
    assert saved.lines[1].month == date(2025, 7, 1) and saved.goal == "ITパスポート合格相当"
    assert not editor.has_unsaved_edits()


def test_approval_freezes_the_plan_and_revising_opens_a_new_draft(
    qtbot: QtBot, office, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _service, learners = office
    [draft] = plan_rows(db, 2025, learner_ids=[learners["A2"]])
    monkeypatch.setattr(QMessageBox, "question", Asked(QMessageBox.StandardButton.Yes))
    editor = PlanEditorDialog(db, draft.plan_id)
    qtbot.addWidget(editor)
    editor.change_status(PlanStatus.APPROVED)
    assert editor.detail.status is PlanStatus.APPROVED and not editor.editable
    assert not editor.buttons["saveButton"].isEnabled() and editor.goal.isReadOnly()
    assert "改訂して編集" in editor.frozen_label.text()
    editor.revise()
    assert (editor.detail.revision, editor.detail.status, editor.editable) == (2, PlanStatus.DRAFT, True)
    assert editor.changed
    assert [r.revision for r in plan_rows(db, 2025, learner_ids=[learners["A2"]])] == [2]


def test_a_stale_editor_is_refused_and_offers_a_reload(
    qtbot: QtBot, office, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, service, learners = office
    [draft] = plan_rows(db, 2025, learner_ids=[learners["A2"]])
    editor = PlanEditorDialog(db, draft.plan_id)
    qtbot.addWidget(editor)
    lines = [
        (line.course_code, line.month, line.reason, line.why) for line in plan_detail(db, draft.plan_id).lines
    ]
    service.update_draft(draft.plan_id, draft.version, goal="別の画面で変更", mentor="", lines=lines)
    asked = Asked(QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "question", asked)
    editor.goal.setText("この画面の変更")
    editor.goal.textEdited.emit("この画面の変更")
    assert not editor.save()
    assert "相手の変更" in asked.texts[0] and "目標: （空欄） → 別の画面で変更" in asked.texts[0]
    assert "読み込み直しますか" in asked.texts[0]
    assert editor.goal.text() == "別の画面で変更" and plan_detail(db, draft.plan_id).goal == "別の画面で変更"


def test_closing_with_unsaved_edits_asks_first(qtbot: QtBot, office, monkeypatch: pytest.MonkeyPatch) -> None:
    db, _service, learners = office
    [draft] = plan_rows(db, 2025, learner_ids=[learners["A2"]])
    editor = PlanEditorDialog(db, draft.plan_id)
    qtbot.addWidget(editor)
    editor.show()
    editor.table.selectRow(0)
    editor.remove_line()
    asked = Asked(QMessageBox.StandardButton.Cancel)
    monkeypatch.setattr(QMessageBox, "question", asked)
    editor.close()
    assert editor.isVisible() and "保存していない変更" in asked.texts[0]
    asked.answer = QMessageBox.StandardButton.Discard
    editor.close()
    assert not editor.isVisible()
    assert len(plan_detail(db, draft.plan_id).lines) == len(editor.lines) + 1


def test_bulk_approval_and_the_offices_approval_boxes(
    qtbot: QtBot, office, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _service, _learners = office
    page = open_page(qtbot, db)
    told = Asked()
    monkeypatch.setattr(QMessageBox, "question", Asked(QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QMessageBox, "information", told)
    page.table.selectAll()
    page.approve_selected()
    assert told.texts[-1].startswith("1名の学習計画を承認しました")
    assert {r.learner.number: r.status for r in plan_rows(db, 2025)}["A2"] is PlanStatus.APPROVED

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("本人、課長, 人事課", True))
    page.edit_approval_boxes()
    assert approval_boxes(db) == ("本人", "課長", "人事課")
    warned = Asked()
    monkeypatch.setattr(QMessageBox, "warning", warned)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", True))
    page.edit_approval_boxes()
    assert "1つ以上" in warned.texts[0] and approval_boxes(db) == ("本人", "課長", "人事課")


def test_open_without_a_plan_says_what_to_do(qtbot: QtBot, office, monkeypatch: pytest.MonkeyPatch) -> None:
    db, _service, _learners = office
    page = open_page(qtbot, db)
    told = Asked()
    monkeypatch.setattr(QMessageBox, "information", told)
    page.table.selectRow(numbers(page).index("A3"))
    page.open_plan()
    assert "計画を提案" in told.texts[0]


def test_preview_lays_the_sheets_out_and_opens_them_in_the_viewer(
    qtbot: QtBot, office, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _service, _learners = office
    page = open_page(qtbot, db)
    shown: list[Path] = []
    recorders: list[Any] = []
    monkeypatch.setattr(
        "desktop.ui.pdf_preview.show_pdf",
        lambda parent, path, title=None, on_output=None: shown.append(path) or recorders.append(on_output),
    )
    page.table.selectRow(numbers(page).index("A1"))
    page.preview()
    wait_until(lambda: bool(shown))
    text = pdf_text(shown[0])
    assert "学習計画書" in text and "令和7年度" in text and "A1" in text
    recorders[0]("印刷")  # what the preview window says once its print has gone to the printer
    with db.transaction() as session:
        logged = [
            (e.action, e.entity_label, e.detail)
            for e in session.scalars(select(AuditEntry))
            if e.entity == "file"
        ]
    assert logged == [
        ("print", "学習計画書", "1人分　プレビュー"),
        ("print", "学習計画書", "1人分　プレビューから印刷"),
    ]


@pytest.mark.parametrize("separate", [False, True])
def test_export_writes_one_pdf_or_a_file_per_learner(
    qtbot: QtBot, office, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, separate: bool
) -> None:
    db, _service, _learners = office
    page = open_page(qtbot, db)
    out = tmp_path / "out"
    out.mkdir()
    told = Asked()
    monkeypatch.setattr(QMessageBox, "information", told)
    chosen = "1人1ファイルでフォルダに出す" if separate else "1つのPDFにまとめる"

    def click(box: QMessageBox) -> int:
        [button] = [b for b in box.buttons() if b.text() == chosen]
        button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out / "まとめ"), ""))
    page.export()  # nothing selected: everyone shown who has a plan (A1 and A2)
    wait_until(lambda: bool(told.texts))
    assert "2名分の学習計画書" in told.texts[0]
    files = sorted(p.name for p in out.iterdir())
    if separate:
        assert [name[:3] for name in files] == ["A1_", "A2_"]
    else:
        assert files == ["まとめ.pdf"]
        assert pdf_text(out / "まとめ.pdf").count("学習計画書") >= 2


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
