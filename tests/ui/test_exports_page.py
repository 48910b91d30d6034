"""提出用出力, driven as a clerk would: an export, the template fill with a saved mapping, the merge."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.exchange.template_fill import inspect_template
from desktop.store.database import Database
from desktop.store.template_mappings import TemplateMappings
from desktop.ui.pages.exports_page import ExportsPage
from desktop.ui.template_mapping_dialog import TemplateMappingDialog
from tests.factories import RosterFactory
from tests.store.test_home_views import TODAY, office
from tests.ui.diagnosis_support import Asked
from tests.ui.test_plans_page import wait_until

HEADERS = [
    "団体名",
    "所属",
    "受講者番号",
    "氏名",
    "フリガナ",
    "メールアドレス",
    "区分",
    "利用開始希望日",
    "備考",
]


@pytest.fixture
def page(qtbot: QtBot, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> ExportsPage:
    office(sqlite_db, RosterFactory(sqlite_db))
    shown = ExportsPage(sqlite_db, today=TODAY)
    qtbot.addWidget(shown)
    shown.year_combo.setCurrentIndex(shown.year_combo.findData(2025))
    monkeypatch.setattr(QMessageBox, "information", Asked())
    monkeypatch.setattr(QMessageBox, "warning", Asked())
    return shown


def save_as(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(path), ""))


def test_an_export_is_written_off_the_ui_thread_and_says_what_it_holds(
    page: ExportsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "調達"
    save_as(monkeypatch, out)
    page.export("procurement")
    wait_until(lambda: bool(page.result_label.text()))
    assert "2025年度の共同調達 利用者一覧" in page.result_label.text()
    workbook = openpyxl.load_workbook(tmp_path / "調達.xlsx", read_only=True)
    try:
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
    assert list(rows[0]) == HEADERS
    assert len(rows) == 1 + 5  # the office's five learners all have an e-mail


def write_list(path: Path, organization: str, rows: list[list[object]]) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["共同調達 利用者一覧"])  # a title line above the header, as the app writes it
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([organization, *row])
    workbook.save(path)


def test_the_merge_names_duplicates_and_problem_rows_and_saves_one_list(
    page: ExportsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "あおば町.xlsx", tmp_path / "みどり村.xlsx"
    write_list(
        first,
        "あおば町",
        [["総務課", "1", "山田　太郎", "ヤマダ", "same@example.lg.jp", "行政職員", None, ""]],
    )
    write_list(
        second,
        "みどり村",
        [
            ["企画課", "7", "鈴木　花子", "スズキ", "SAME@example.lg.jp", "行政職員", None, ""],
            ["企画課", "8", "", "タナカ", "t@example.lg.jp", "行政職員", None, ""],
        ],
    )
    page.merge_paths([first, second])
    wait_until(lambda: page.merged is not None)
    text = page.merge_problems.toPlainText()
    assert "みどり村.xlsx:4" in text and "氏名" in text
    assert "あおば町.xlsx:3" in text and "みどり村.xlsx:3" in text  # the same address in two 団体
    assert "重複したメールアドレス 1件" in page.merge_summary.text()
    assert page.save_merged_button.isEnabled()
    out = tmp_path / "取りまとめ.xlsx"
    save_as(monkeypatch, out)
    page.save_merged()
    wait_until(out.exists)
    workbook = openpyxl.load_workbook(out, read_only=True)
    try:
        assert {"利用者一覧", "団体別人数", "要確認"} <= set(workbook.sheetnames)
    finally:
        workbook.close()


def make_template(path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "利用者"
    sheet["A1"] = "共同調達 利用申込書"
    sheet.merge_cells("A1:E1")
    for column, header in enumerate(["No", "所属", "氏名", "メール", "利用開始日"], 1):
        sheet.cell(3, column, header)
    sheet["A4"] = "=ROW()-3"
    sheet["B6"] = "合計"
    sheet["C6"] = "=COUNTA(C4:C5)"
    workbook.save(path)


def test_the_template_is_mapped_once_saved_by_name_and_filled_in_a_copy(
    page: ExportsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    template = tmp_path / "様式.xlsx"
    make_template(template)
    before = template.read_bytes()
    # The first time: the suggested mapping, saved under a name.
    dialog = TemplateMappingDialog(inspect_template(template), TemplateMappings(page._db))
    qtbot.addWidget(dialog)
    assert dialog.columns["name"].currentData() == "C" and dialog.columns["email"].currentData() == "D"
    dialog.name.setText("県の様式")
    dialog.accept_mapping()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert TemplateMappings(page._db).names() == ["県の様式"]

    # From the page: the saved mapping is chosen, and the copy is written.
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(template), ""))

    def choose_saved(dialog: TemplateMappingDialog) -> int:
        dialog.saved.setCurrentIndex(dialog.saved.findData("県の様式"))
        dialog.accept_mapping()
        return int(dialog.result())

    monkeypatch.setattr(TemplateMappingDialog, "exec", choose_saved)
    out = tmp_path / "提出.xlsx"
    save_as(monkeypatch, out)
    page.fill_template()
    wait_until(lambda: "利用者5名" in page.result_label.text())
    assert template.read_bytes() == before  # the distributed form itself is never changed
    workbook = openpyxl.load_workbook(out)
    try:
        sheet = workbook["利用者"]
        assert "A1:E1" in {str(r) for r in sheet.merged_cells.ranges}
        names = [sheet.cell(row, 3).value for row in range(4, 9)]
        assert all(names) and sheet["A8"].value == "=ROW()-3"
        total = next(row for row in range(4, 20) if sheet.cell(row, 2).value == "合計")
        assert sheet.cell(total, 3).value == "=COUNTA(C4:C8)"
    finally:
        workbook.close()


def test_a_wrong_mapping_is_refused_in_the_dialog(qtbot: QtBot, page: ExportsPage, tmp_path: Path) -> None:
    template = tmp_path / "様式.xlsx"
    make_template(template)
    dialog = TemplateMappingDialog(inspect_template(template), TemplateMappings(page._db))
    qtbot.addWidget(dialog)
    dialog.first_row.setValue(3)  # on the header row itself
    dialog.accept_mapping()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "記入開始行" in dialog.marks.label.text()


def test_lists_in_the_leads_own_form_are_read_through_a_saved_header_mapping(
    page: ExportsPage, tmp_path: Path, qtbot: QtBot
) -> None:
    from desktop.ui.merge_mapping_dialog import MergeMappingDialog

    own = tmp_path / "あおば町.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["自治体", "課名", "職員No", "利用者氏名", "カナ", "ログインID（メール）"])
    workbook.active.append(["あおば町", "総務課", "1", "山田　太郎", "ヤマダ", "yamada@example.lg.jp"])
    workbook.save(own)
    dialog = MergeMappingDialog(page._merge_mappings())
    qtbot.addWidget(dialog)
    for key, header in {
        "organization": "自治体",
        "department": "課名",
        "number": "職員No",
        "name": "利用者氏名",
        "email": "ログインID（メール）",
    }.items():
        dialog.headers[key].setText(header)
    dialog.save()
    assert "名前" in dialog.marks.label.text()  # a mapping needs a name to be chosen by later
    dialog.name.setText("県様式")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    page._fill_merge_mappings(dialog.saved_name)
    assert page.merge_mapping.currentData() == "県様式"
    page.merge_paths([own])
    wait_until(lambda: page.merged is not None)
    [row] = page.merged.rows
    assert (row.organization, row.name, row.email) == ("あおば町", "山田　太郎", "yamada@example.lg.jp")
