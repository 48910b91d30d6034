"""スキル診断 page on the demo data: the list, starting and resuming, results, heatmap, effect, printing."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QPushButton
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop.domain.diagnosis import DiagnosisKind
from desktop.store.database import Database
from desktop.store.demo import seed_demo_diagnoses, seed_demo_roster
from desktop.store.diagnosis_service import DiagnosisService
from desktop.store.models import DiagnosisStatus
from desktop.ui import diagnosis_result_dialog
from desktop.ui.pages.catalog import PAGES
from desktop.ui.pages.diagnosis_page import DiagnosisPage


@pytest.fixture
def demo_db(sqlite_db: Database) -> Database:
    seed_demo_roster(sqlite_db, count=80)
    seed_demo_diagnoses(sqlite_db)
    return sqlite_db


def loaded(qtbot: QtBot, db: Database) -> DiagnosisPage:
    spec = next(p for p in PAGES if p.key == "diagnosis")
    assert spec.build is not None
    page = spec.build(db, None)  # type: ignore[arg-type]
    assert isinstance(page, DiagnosisPage)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    return page


def select_row(page: DiagnosisPage, row: int) -> None:
    page.table.selectionModel().select(
        page.model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )


def test_the_page_lists_learners_with_their_diagnoses_and_filters(
    qtbot: QtBot, demo_db: Database, qtmodeltester: ModelTester
) -> None:
    page = loaded(qtbot, demo_db)
    qtmodeltester.check(page.model)
    texts = [page.model.index(r, 4).data() for r in range(page.model.rowCount())]
    assert any("平均" in t for t in texts) and any(t.startswith("回答中") for t in texts)
    assert "診断済み" in page.status_label.text()
    assert "自治体職員DXスキル診断 第1版" in page.framework_label.text()

    first = page.model.row_at(0).learner
    page.search.setText(first.number)
    assert page.model.rowCount() == 1

    qtbot.waitUntil(lambda: page.heat_model.rowCount() > 10)  # computed off the UI thread
    page.heat_mode.setCurrentIndex(page.heat_mode.findData("roles"))
    qtbot.waitUntil(lambda: page.heat_model.mode == "roles")
    assert page.heat_model.rowCount() >= 2  # roles and the 全体 row
    assert page.effect_model.rowCount() > 0


def test_start_a_diagnosis_resume_it_and_see_the_result(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = loaded(qtbot, demo_db)
    fresh = next(r for r in range(page.model.rowCount()) if not page.model.row_at(r).latest)
    learner = page.model.row_at(fresh).learner
    select_row(page, fresh)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("事前", True))
    opened: list[int] = []

    class Wizard:
        def __init__(self, service: DiagnosisService, diagnosis_id: int, parent: object) -> None:
            opened.append(diagnosis_id)
            service.answer(diagnosis_id, "MND-01", 3, page=0)

        def exec(self) -> int:
            return 0

    import desktop.ui.diagnosis_wizard as wizard_module

    monkeypatch.setattr(wizard_module, "DiagnosisWizard", Wizard)
    page.start_diagnosis()
    [diagnosis_id] = opened
    state = DiagnosisService(demo_db).state(diagnosis_id)
    assert state.learner.id == learner.id and state.kind is DiagnosisKind.PRE
    assert state.answers == {"MND-01": 3} and state.status is DiagnosisStatus.IN_PROGRESS

    qtbot.waitUntil(lambda: page.model.row_at(fresh).latest != {}, timeout=5000)
    select_row(page, fresh)
    page.resume()
    assert opened == [diagnosis_id, diagnosis_id]  # the same diagnosis, not a new one


def test_result_dialog_shows_levels_gaps_and_the_earlier_diagnosis(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = loaded(qtbot, demo_db)
    both = next(r for r in range(page.model.rowCount()) if DiagnosisKind.POST in page.model.row_at(r).latest)
    shown: list[diagnosis_result_dialog.DiagnosisResultDialog] = []
    monkeypatch.setattr(
        diagnosis_result_dialog.DiagnosisResultDialog, "exec", lambda self: shown.append(self) or 0
    )
    select_row(page, both)
    page.show_result()
    [dialog] = shown
    qtbot.addWidget(dialog)
    headers = [dialog.table.horizontalHeaderItem(c).text() for c in range(dialog.table.columnCount())]
    assert headers == ["分類", "レベル", "目標", "差", "前回", "変化"]
    assert dialog.table.rowCount() == 11
    assert "強みは" in dialog.summary.text()


def test_printing_result_sheets_runs_in_the_background_and_writes_a_pdf(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    page = loaded(qtbot, demo_db)
    done_rows = [
        r
        for r in range(page.model.rowCount())
        if any(m.status is DiagnosisStatus.COMPLETED for m in page.model.row_at(r).latest.values())
    ][:3]
    for row in done_rows:
        page.table.selectionModel().select(
            page.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    target = tmp_path / "結果票.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: messages.append(text))
    page.print_results()
    qtbot.waitUntil(lambda: bool(messages), timeout=20000)
    assert messages == [f"{target.name} に 3名分の診断結果票を書き出しました。"]
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+3$", info, re.MULTILINE), info
    assert not list(tmp_path.glob("*.part"))


def test_the_page_is_used_without_a_selection_for_a_whole_department(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = loaded(qtbot, demo_db)
    for index in range(1, page.department_combo.count()):
        page.department_combo.setCurrentIndex(index)
        qtbot.waitUntil(lambda: "読み込み中" not in page.status_label.text(), timeout=5000)
        if page.model.rowCount() >= 2:
            break
    count = page.model.rowCount()
    assert count >= 2
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("定期", True))
    infos: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: infos.append(text))
    page.table.clearSelection()
    page.start_diagnosis()
    assert infos and f"{count}名の定期診断を用意しました" in infos[0]
    periodic = DiagnosisService(demo_db).rows(kind=DiagnosisKind.PERIODIC)
    assert len(periodic) == count


def test_the_framework_button_manages_frameworks_and_the_page_shows_the_one_in_use(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.domain.framework import framework_from_data
    from desktop.domain.framework_edit import copy_as_new
    from desktop.ui.framework_list_dialog import FrameworkListDialog

    page = loaded(qtbot, demo_db)
    assert "自治体職員DXスキル診断 第1版" in page.framework_label.text()

    def exec_dialog(dialog: FrameworkListDialog) -> int:
        _id, bundled = page.service.frameworks.current()
        own = copy_as_new(bundled.to_data(), "minato-dx", "みなと市DX診断")
        page.service.frameworks.save(framework_from_data(own, "test"), "test")
        dialog.reload()
        dialog.table.selectRow(next(r for r, i in enumerate(dialog._infos) if i.code == "minato-dx"))
        dialog.use_selected()
        return 0

    monkeypatch.setattr(FrameworkListDialog, "exec", exec_dialog)
    monkeypatch.setattr(QMessageBox, "information", lambda *args: QMessageBox.StandardButton.Ok)
    page.findChild(QPushButton, "frameworkButton").click()
    qtbot.waitUntil(lambda: "みなと市DX診断 第1版" in page.framework_label.text())
