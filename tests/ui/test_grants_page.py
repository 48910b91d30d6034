"""助成金 page, driven as a clerk would: plans with estimates and deadlines, the dialogs, status, rule files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop.domain.grant_plan import GrantPlanStatus
from desktop.domain.grant_rules import TrainingMethod
from desktop.domain.roster import SizeClass
from desktop.resources import resource_path
from desktop.store.database import Database
from desktop.store.grant_service import GrantService
from desktop.ui.establishment_dialog import EstablishmentDialog
from desktop.ui.field_marks import ERROR_STYLE
from desktop.ui.grant_detail import plan_detail_html
from desktop.ui.grant_models import OVERDUE_COLOR, WARNING_COLOR, GrantPlansModel
from desktop.ui.grant_plan_dialog import GrantPlanDialog
from desktop.ui.pages import grants_page
from desktop.ui.pages.grants_page import ALERTS, GrantsPage
from desktop.ui.trainee_pick_model import CHECK, EMPLOYMENT, INSURED, WAGE_HOURS
from tests.factories import RosterFactory
from tests.store.test_grant_service import draft, firm, staff
from tests.ui.diagnosis_support import Asked
from tests.ui.test_plans_page import wait_until

TODAY = date(2026, 5, 20)


@pytest.fixture(autouse=True)
def discard_on_close(monkeypatch: pytest.MonkeyPatch) -> Asked:
    """Closing a dialog with unsaved edits asks first; the tests' clean-up answers 破棄."""
    asked = Asked(QMessageBox.StandardButton.Discard)
    monkeypatch.setattr(QMessageBox, "question", asked)
    return asked


@pytest.fixture
def office(sqlite_db: Database) -> tuple[Database, GrantService, dict[str, int]]:
    """An SME with a notified plan in its claim window and a late draft; a large firm with no plans."""
    service = GrantService(sqlite_db)
    factory = RosterFactory(sqlite_db)
    sme = firm(service, "株式会社さくら精機")
    people = staff(factory, sme, 3)
    notified = service.save_plan(
        None, draft(sme, people, start=date(2026, 2, 2), end=date(2026, 3, 31), hours="24", fee="88,000")
    )
    service.set_status(
        notified, GrantPlanStatus.NOTIFIED, service.plan(notified, TODAY).version, date(2026, 1, 5)
    )
    late = service.save_plan(None, draft(sme, people[:2], start=date(2026, 6, 10), end=date(2026, 9, 30)))
    large = firm(service, "みなと電機株式会社", SizeClass.LARGE)
    return sqlite_db, service, {"sme": sme, "large": large, "notified": notified, "late": late}


def open_page(qtbot: QtBot, db: Database, rows: int = 2) -> GrantsPage:
    page = GrantsPage(db, today=TODAY)
    qtbot.addWidget(page)
    wait_until(lambda: page.model.rowCount() == rows)
    return page


def texts(model: GrantPlansModel, row: int) -> list[str]:
    return [model.data(model.index(row, column)) for column in range(model.columnCount())]


def test_plans_show_estimate_rule_set_and_next_deadline(qtbot: QtBot, office) -> None:
    db, _service, ids = office
    page = open_page(qtbot, db)
    by_id = {view.id: row for row, view in enumerate(page.model.rows())}
    notified = texts(page.model, by_id[ids["notified"]])
    # 88,000 × 75% = 66,000 (under the 300,000 cap) + 24 h × 1,000 yen = 90,000 per trainee, 3 trainees
    assert notified[page.model.AMOUNT_COLUMN] == "270,000円"
    assert notified[page.model.RULE_COLUMN] == "reskilling-r7-04"
    assert "支給申請の期限まで残り" in notified[page.model.ALERT_COLUMN]  # due 2026-05-31
    late = by_id[ids["late"]]
    assert "計画届の提出期限" in texts(page.model, late)[page.model.ALERT_COLUMN]
    color = page.model.data(page.model.index(late, page.model.ALERT_COLUMN), Qt.ItemDataRole.ForegroundRole)
    assert color == OVERDUE_COLOR
    warned = page.model.data(
        page.model.index(by_id[ids["notified"]], page.model.ALERT_COLUMN), Qt.ItemDataRole.ForegroundRole
    )
    assert warned == WARNING_COLOR
    assert page.count_label.text().startswith("訓練計画 2件")
    assert "期限の注意 2件" in page.count_label.text()


def test_the_detail_names_the_rule_that_limited_each_figure(qtbot: QtBot, office) -> None:
    db, service, ids = office
    # 150 h, 600,000 yen: 450,000 before the 100–200 h cap of 400,000
    html = plan_detail_html(service.plan(ids["late"], TODAY))
    assert "経費助成の上限（100時間以上200時間未満・中小企業）" in html
    assert "400,000円" in html and "reskilling-r7-04" in html
    assert "労働局の審査" in html
    page = open_page(qtbot, db)
    page._select(ids["late"])
    assert "経費助成の上限（100時間以上200時間未満・中小企業）" in page.detail.toPlainText()


def test_filters_by_establishment_status_alerts_and_trainee_name(qtbot: QtBot, office) -> None:
    db, _service, ids = office
    page = open_page(qtbot, db)
    page.status_combo.setCurrentIndex(page.status_combo.findData(GrantPlanStatus.DRAFT.value))
    assert [view.id for view in page.model.rows()] == [ids["late"]]
    page.status_combo.setCurrentIndex(page.status_combo.findData(ALERTS))
    assert len(page.model.rows()) == 2
    page.status_combo.setCurrentIndex(0)
    page.establishment_combo.setCurrentIndex(page.establishment_combo.findData(ids["large"]))
    assert page.model.rows() == []
    page.establishment_combo.setCurrentIndex(0)
    first_name = page.model.rows()[0].trainees[2].name
    page.search.setText(first_name)  # the third trainee is only on the notified plan
    assert [view.id for view in page.model.rows()] == [ids["notified"]]


def test_models_pass_the_model_tester(qtbot: QtBot, office) -> None:
    db, _service, _ids = office
    page = open_page(qtbot, db)
    for model in (page.model, page.establishments, page.rules):
        ModelTester(None).check(model, force_py=True)
        model.sort(0, Qt.SortOrder.DescendingOrder)


def test_status_moves_record_the_date_and_refuse_what_is_missing(
    qtbot: QtBot, office, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, service, ids = office
    page = open_page(qtbot, db)
    warned = Asked()
    monkeypatch.setattr(QMessageBox, "warning", warned)
    large = service.establishment(ids["large"])
    people = staff(RosterFactory(db), ids["large"], 1, insured=False)
    plan = service.save_plan(None, draft(large.id, people, start=date(2026, 8, 1), end=date(2026, 9, 30)))
    page.reload(select_plan=plan)
    wait_until(lambda: page.model.rowCount() == 3)
    assert not page.move_status(page.current_plan(), GrantPlanStatus.NOTIFIED, on=TODAY)
    assert "雇用保険被保険者番号" in warned.texts[-1]
    assert service.plan(plan, TODAY).status is GrantPlanStatus.DRAFT

    monkeypatch.setattr(grants_page, "ask_date", lambda parent, what, today: date(2026, 5, 18))
    page._select(ids["late"])
    assert page.move_status(page.current_plan(), GrantPlanStatus.NOTIFIED)
    moved = service.plan(ids["late"], TODAY)
    assert moved.status is GrantPlanStatus.NOTIFIED and moved.notice_submitted_on == date(2026, 5, 18)
    wait_until(
        lambda: page.current_plan() is not None and page.current_plan().status is GrantPlanStatus.NOTIFIED
    )
    assert page.move_status(page.current_plan(), GrantPlanStatus.DRAFT)  # undo: back to 作成中
    assert service.plan(ids["late"], TODAY).notice_submitted_on is None


def test_a_stale_status_change_is_refused(qtbot: QtBot, office, monkeypatch: pytest.MonkeyPatch) -> None:
    db, service, ids = office
    page = open_page(qtbot, db)
    warned = Asked()
    monkeypatch.setattr(QMessageBox, "warning", warned)
    page._select(ids["late"])
    shown = page.current_plan()
    service.set_status(ids["late"], GrantPlanStatus.WITHDRAWN, shown.version, TODAY)  # another PC
    assert not page.move_status(shown, GrantPlanStatus.NOTIFIED, on=TODAY)
    assert "他の人" in warned.texts[-1]
    assert service.plan(ids["late"], TODAY).status is GrantPlanStatus.WITHDRAWN


def test_new_plan_dialog_picks_trainees_shows_the_estimate_and_saves(qtbot: QtBot, office) -> None:
    _db, service, ids = office
    dialog = GrantPlanDialog(service, service.establishments(), organization_id=ids["sme"], today=TODAY)
    qtbot.addWidget(dialog)
    dialog.title_edit.setText("生成AI活用講座")
    dialog.method.setCurrentIndex(dialog.method.findData(TrainingMethod.LIVE_ONLINE.value))
    dialog.hours.setText("12")
    dialog.fee.setText("１００，０００")  # full-width, as an IME gives it
    model = dialog.model
    assert model.rowCount() == 3
    ModelTester(None).check(model, force_py=True)
    model.setData(model.index(0, CHECK), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    model.setData(model.index(1, CHECK), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    model.setData(model.index(1, WAGE_HOURS), "6", Qt.ItemDataRole.EditRole)
    model.setData(model.index(1, EMPLOYMENT), "fixed_term", Qt.ItemDataRole.EditRole)
    dialog._update_estimate()
    # 100,000 × 75% = 75,000 each; wages 12 h and 6 h × 1,000 yen
    assert "168,000円" in dialog.estimate_label.text()
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = service.plan(dialog.saved_id, TODAY)
    assert saved.fee == 100_000 and saved.method is TrainingMethod.LIVE_ONLINE
    assert [(t.employment.value, str(t.wage_hours)) for t in saved.trainees] == [
        ("regular", "12.00"),
        ("fixed_term", "6.00"),
    ]
    assert saved.estimate is not None and saved.estimate.total == 168_000


def test_plan_dialog_marks_every_bad_field_and_keeps_the_input(qtbot: QtBot, office) -> None:
    _db, service, ids = office
    dialog = GrantPlanDialog(service, service.establishments(), organization_id=ids["sme"], today=TODAY)
    qtbot.addWidget(dialog)
    dialog.hours.setText("0")
    dialog.fee.setText("-5")
    model = dialog.model
    model.setData(model.index(0, CHECK), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    model.setData(model.index(0, INSURED), "12345", Qt.ItemDataRole.EditRole)
    dialog.save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    for widget in (dialog.title_edit, dialog.hours, dialog.fee, dialog.table):
        assert widget.styleSheet() == ERROR_STYLE
    message = dialog.marks.label.text()
    assert "訓練コース名" in message and "受講者1人目" in message and "11桁" in message
    assert len(service.plans(TODAY)) == 2


def test_editing_a_plan_that_changed_meanwhile_is_refused(
    qtbot: QtBot, office, monkeypatch: pytest.MonkeyPatch
) -> None:
    _db, service, ids = office
    view = service.plan(ids["late"], TODAY)
    dialog = GrantPlanDialog(service, service.establishments(), view, today=TODAY)
    qtbot.addWidget(dialog)
    service.save_plan(
        ids["late"], draft(ids["sme"], [t.learner_id for t in view.trainees], hours="160"), view.version
    )
    monkeypatch.setattr(QMessageBox, "exec", lambda box: QMessageBox.StandardButton.Cancel)
    dialog.title_edit.setText("私の変更")
    dialog.save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "他の人" in dialog.marks.label.text()
    assert service.plan(ids["late"], TODAY).title == "データ分析実践"
    assert service.plan(ids["late"], TODAY).hours == 160


def test_establishment_dialog_checks_the_numbers(qtbot: QtBot, office) -> None:
    _db, service, _ids = office
    dialog = EstablishmentDialog(service)
    qtbot.addWidget(dialog)
    dialog.name.setText("株式会社みどり工業")
    dialog.size_combo.setCurrentIndex(dialog.size_combo.findData(SizeClass.SME.value))
    dialog.corporate_number.setText("8000012050002")  # the check digit should be 7
    dialog.office_number.setText("1301-12345-7")
    dialog.save()
    assert dialog.corporate_number.styleSheet() == ERROR_STYLE
    assert dialog.office_number.styleSheet() == ERROR_STYLE
    assert "検査用数字" in dialog.marks.label.text()
    dialog.corporate_number.setText("7000012050002")
    dialog.office_number.setText("１３０１１２３４５６７")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = service.establishment(dialog.saved_id)
    assert saved.office_number == "1301-123456-7" and saved.size is SizeClass.SME


def test_rule_files_are_checked_before_they_change_any_figure(
    qtbot: QtBot, office, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _service, ids = office
    page = open_page(qtbot, db)
    warned, told = Asked(), Asked()
    monkeypatch.setattr(QMessageBox, "warning", warned)
    monkeypatch.setattr(QMessageBox, "information", told)
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "manabi-grant-rules", "format_version": 1}', encoding="utf-8")
    assert not page.load_rule_file(broken)
    assert "broken.json" in warned.texts[-1] and "expense_rate_percent" in warned.texts[-1]
    assert page.rules.rowCount() == 2

    newer = json.loads(resource_path("grant_rules", "reskilling_2025-04.json").read_text(encoding="utf-8"))
    newer.update(id="office-2026-04", applies_from="2026-04-01", wage_per_hour={"sme": 1200, "large": 600})
    path = tmp_path / "newer.json"
    path.write_text(json.dumps(newer, ensure_ascii=False), encoding="utf-8")
    assert page.load_rule_file(path)
    assert page.rules.rowCount() == 3
    wait_until(
        lambda: any(v.estimate and v.estimate.rule_set.id == "office-2026-04" for v in page.model.rows())
    )
    late = next(view for view in page.model.rows() if view.id == ids["late"])
    assert late.estimate is not None and late.estimate.shares[0].estimate.wage == 150 * 1200


def test_the_window_builds_the_grants_page(qtbot: QtBot, office) -> None:
    from desktop.ui.main_window import MainWindow

    db, _service, _ids = office
    window = MainWindow()
    qtbot.addWidget(window)
    window.attach_database(db)
    window.show_page("grants")
    assert isinstance(window.page("grants"), GrantsPage)


def test_closing_with_unsaved_edits_asks_first(qtbot: QtBot, office, discard_on_close: Asked) -> None:
    _db, service, ids = office
    dialog = GrantPlanDialog(service, service.establishments(), service.plan(ids["late"], TODAY), today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reject()  # nothing typed: closes without asking
    assert discard_on_close.texts == []
    dialog = GrantPlanDialog(service, service.establishments(), service.plan(ids["late"], TODAY), today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.hours.setText("99")
    dialog.hours.textEdited.emit("99")
    discard_on_close.answer = QMessageBox.StandardButton.Cancel
    dialog.reject()
    assert dialog.isVisible() and "保存していない変更" in discard_on_close.texts[-1]
    discard_on_close.answer = QMessageBox.StandardButton.Discard
    dialog.reject()
    assert not dialog.isVisible()
    assert service.plan(ids["late"], TODAY).hours == 150


def test_sheets_and_the_trainee_list_are_written_from_the_page(
    qtbot: QtBot, office, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    from PySide6.QtWidgets import QFileDialog

    db, _service, ids = office
    page = open_page(qtbot, db)
    told = Asked()
    monkeypatch.setattr(QMessageBox, "information", told)
    page._select(ids["notified"])
    target = tmp_path / "sheets"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(target), ""))
    page.print_sheets()
    wait_until(lambda: bool(told.texts))
    assert "sheets.pdf" in told.texts[-1]
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "sheets.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "株式会社さくら精機" in text and "270,000" in text and "reskilling-r7-04" in text

    listed = tmp_path / "trainees.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(listed), ""))
    page.export_trainees()
    wait_until(lambda: len(told.texts) == 2)
    assert "受講者3名" in told.texts[-1] and listed.stat().st_size > 0


def test_a_stale_edit_can_reload_the_latest_plan(
    qtbot: QtBot, office, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.ui import field_marks

    _db, service, ids = office
    view = service.plan(ids["late"], TODAY)
    dialog = GrantPlanDialog(service, service.establishments(), view, today=TODAY)
    qtbot.addWidget(dialog)
    learners = [t.learner_id for t in view.trainees]
    service.save_plan(ids["late"], draft(ids["sme"], learners, hours="160"), view.version)
    monkeypatch.setattr(field_marks, "ask_reload", lambda parent, message: True)
    dialog.title_edit.setText("私の変更")
    dialog.save()
    assert dialog.hours.text() == "160" and dialog.title_edit.text() == "データ分析実践"
    assert "最新の内容を読み込みました" in dialog.marks.label.text()
    dialog.fee.setText("500000")
    dialog.save()  # against the version just read: accepted
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert service.plan(ids["late"], TODAY).fee == 500_000


def test_preview_lays_out_the_three_sheets_for_the_viewer(
    qtbot: QtBot, office, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    db, _service, ids = office
    page = open_page(qtbot, db)
    shown: list[Path] = []
    recorders: list[Any] = []
    monkeypatch.setattr(
        "desktop.ui.pdf_preview.show_pdf",
        lambda parent, path, title=None, on_output=None: shown.append(path) or recorders.append(on_output),
    )
    page._select(ids["late"])
    page.preview()
    wait_until(lambda: bool(shown))
    text = subprocess.run(
        ["pdftotext", str(shown[0]), "-"], capture_output=True, text=True, check=True
    ).stdout
    for sheet in ("訓練計画の概要", "受講者一覧", "助成額の計算"):
        assert f"記入シート（{sheet}）" in text
    assert "公式様式に記入するための下書き" in text
