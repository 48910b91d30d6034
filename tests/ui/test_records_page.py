"""受講記録 page, driven as a clerk would: filters, the per-learner view, totals, the dialogs, the import."""

from __future__ import annotations

import csv
import threading
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop.domain.records import RecordDraft
from desktop.store.database import Database
from desktop.store.models import TrainingStatus
from desktop.store.records_service import RecordRow, RecordsService
from desktop.store.roster_service import RosterService
from desktop.store.udemy_import import UdemyImporter
from desktop.ui import udemy_import_dialog
from desktop.ui.pages import records_page
from desktop.ui.pages.catalog import PAGES
from desktop.ui.pages.records_page import RecordsPage
from desktop.ui.record_dialog import RecordDialog
from desktop.ui.records_model import (
    COL_DATE,
    COL_HOURS,
    COL_NAME,
    COL_NUMBER,
    RecordsFilter,
    RecordsProxyModel,
    RecordsTableModel,
    TotalsTableModel,
    compute_totals,
    fiscal_year_label,
    prepare_records,
)
from desktop.ui.udemy_import_dialog import Job, UdemyImportDialog
from tests.factories import RosterFactory
from tests.ui.typing import type_text

UDEMY_HEADERS = [
    "User Email",
    "Course ID",
    "Course Title",
    "Course Category",
    "Course Duration",
    "Completion Ratio",
    "Minutes Video Consumed",
    "Course Enroll Date",
    "Course Start Date",
    "Course Completion Date",
    "Course Last Accessed Date",
]


class Seeded:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.factory = RosterFactory(db)
        city = self.factory.organization("みなと市")
        general = self.factory.department(city, "総務部")
        digital = self.factory.department(city, "デジタル推進課", parent_id=general)
        personnel = self.factory.department(city, "人事課", parent_id=general)
        citizens = self.factory.department(city, "市民部")
        counter = self.factory.department(city, "市民課", parent_id=citizens)
        people = (
            ("A001", "山田　太郎", "ヤマダ　タロウ", digital, "yamada@city.example.lg.jp"),
            ("A002", "阿部　花子", "アベ　ハナコ", personnel, "abe@city.example.lg.jp"),
            ("A003", "青木　次郎", "アオキ　ジロウ", counter, "aoki@city.example.lg.jp"),
        )
        self.learners = {
            number: self.factory.learner(
                city, number=number, name=name, furigana=furigana, department_id=dept, email=email
            ).id
            for number, name, furigana, dept, email in people
        }
        self.service = RecordsService(db)
        self.security = self.add("A001", "情報セキュリティ研修", date(2025, 6, 2), "1.5", True)
        self.add("A001", "Excel 業務効率化", date(2024, 10, 10), "3", False)
        self.add("A002", "情報セキュリティ研修", date(2025, 6, 2), "90分", True, notes="午後の回")
        self.add("A003", "文書事務研修", date(2025, 2, 3), "2時間", True)

    def add(
        self, number: str, course: str, held_on: date, hours: str, completed: bool, notes: str = ""
    ) -> RecordRow:
        course_id = next((c.id for c in self.service.courses() if c.title == course), None)
        draft = RecordDraft(
            self.learners[number], course_id, "" if course_id else course, held_on, hours, completed, notes
        )
        return self.service.create_manual(draft)


@pytest.fixture
def seeded(sqlite_db: Database) -> Seeded:
    return Seeded(sqlite_db)


def make_page(qtbot: QtBot, db: Database) -> RecordsPage:
    widget = RecordsPage(RecordsService(db), RosterService(db), UdemyImporter(db))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.loaded)
    return widget


@pytest.fixture
def page(qtbot: QtBot, seeded: Seeded) -> Iterator[RecordsPage]:
    yield make_page(qtbot, seeded.db)


def shown(page: RecordsPage) -> list[tuple[str, str]]:
    """(受講者番号, 講座) of every shown record, in the shown order."""
    return [(r.learner_number, r.course_title) for r in page.proxy.shown_rows()]


def write_udemy_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(UDEMY_HEADERS)
        writer.writerows(rows)
    return path


def udemy_row(email: str, course_id: str, title: str, ratio: str, completed_on: str = "") -> list[str]:
    return [
        email,
        course_id,
        title,
        "IT",
        "5.5",
        ratio,
        "150",
        "2025-04-01",
        "2025-04-03",
        completed_on,
        "2025-05-10",
    ]


def sample_report(tmp_path: Path) -> Path:
    return write_udemy_csv(
        tmp_path / "udemy.csv",
        [
            udemy_row("yamada@city.example.lg.jp", "900", "Python 入門", "100", "2025-05-01"),
            udemy_row("ABE@city.example.lg.jp", "900", "Python 入門", "40"),
            udemy_row("stranger@example.com", "900", "Python 入門", "10"),
        ],
    )


# -- the models ------------------------------------------------------------------


def loaded_model(seeded: Seeded) -> tuple[RecordsTableModel, list[RecordRow]]:
    rows = seeded.service.rows()
    source = RecordsTableModel()
    source.set_rows(prepare_records(list(rows), RosterService(seeded.db).roster_rows()))
    return source, rows


def test_source_model_passes_qtmodeltester(qtmodeltester: ModelTester, seeded: Seeded) -> None:
    source, rows = loaded_model(seeded)
    qtmodeltester.check(source, force_py=True)
    assert source.headerData(COL_HOURS, Qt.Orientation.Horizontal) == "時間"
    source.remove(rows[0].id)
    source.upsert(rows[0]._replace(hours=Decimal("9.25")))
    source.upsert(rows[1]._replace(notes="変更"))
    assert source.rowCount() == 4


def test_proxy_passes_qtmodeltester_through_changes(qtmodeltester: ModelTester, seeded: Seeded) -> None:
    source, rows = loaded_model(seeded)
    proxy = RecordsProxyModel()
    proxy.setSourceModel(source)
    qtmodeltester.check(proxy, force_py=True)
    proxy.set_filter(RecordsFilter(text="せきゅりてぃ"))  # hiragana finds the katakana title
    assert proxy.rowCount() == 2
    proxy.sort(COL_NAME, Qt.SortOrder.DescendingOrder)
    assert [proxy.row_at(r).learner_number for r in range(2)] == ["A001", "A002"]  # ヤマダ > アベ
    proxy.set_filter(RecordsFilter(learner_id=rows[0].learner_id, only_learner=True))
    assert {r.learner_id for r in proxy.shown_rows()} == {rows[0].learner_id}
    proxy.set_filter(RecordsFilter(only_learner=True))  # 受講者ごと with nobody chosen
    assert proxy.rowCount() == 0
    proxy.set_filter(RecordsFilter())
    source.remove(rows[0].id)
    source.upsert(rows[0]._replace(hours=Decimal("9.25")))
    assert proxy.rowCount() == 4
    assert proxy.data(proxy.index(proxy.proxy_row_of(rows[0].id), COL_HOURS)) == "9.3"


def test_totals_model_passes_qtmodeltester(qtmodeltester: ModelTester, seeded: Seeded) -> None:
    totals = TotalsTableModel(("受講者番号", "氏名", "所属"))
    totals.set_lines(compute_totals(seeded.service.rows()).learners)
    qtmodeltester.check(totals, force_py=True)
    totals.sort(3, Qt.SortOrder.DescendingOrder)
    assert totals.data(totals.index(0, 0)) == "A001"
    assert totals.headerData(5, Qt.Orientation.Horizontal) == "合計時間"


def test_fiscal_year_labels_use_the_era_of_the_year() -> None:
    assert fiscal_year_label(2025) == "2025年度（令和7年度）"
    assert fiscal_year_label(2019) == "2019年度（令和元年度）"
    assert fiscal_year_label(2018) == "2018年度（平成30年度）"


# -- the page ----------------------------------------------------------------------


def test_loads_newest_first_and_counts(page: RecordsPage) -> None:
    assert page.count_label.text() == "4件（全 4件）"
    assert shown(page)[-1] == ("A001", "Excel 業務効率化")  # 2024/10/10, the oldest
    assert page.proxy.data(page.proxy.index(0, COL_DATE)) == "2025/06/02"
    page.table.sortByColumn(COL_NUMBER, Qt.SortOrder.AscendingOrder)
    assert [number for number, _ in shown(page)][:2] == ["A001", "A001"]


def test_filters_by_year_course_department_status_and_text(page: RecordsPage) -> None:
    years = [page.year_filter.itemText(i) for i in range(page.year_filter.count())]
    assert years == ["すべての年度", "2025年度（令和7年度）", "2024年度（令和6年度）"]
    page.year_filter.setCurrentIndex(page.year_filter.findData(2024))
    # 2025/02/03 belongs to 2024年度: the year runs April to March.
    assert sorted(shown(page)) == [("A001", "Excel 業務効率化"), ("A003", "文書事務研修")]
    page.year_filter.setCurrentIndex(0)

    page.course_filter.setCurrentIndex(page.course_filter.findText("情報セキュリティ研修"))
    assert sorted(shown(page)) == [("A001", "情報セキュリティ研修"), ("A002", "情報セキュリティ研修")]
    page.course_filter.setEditText("ｅｘｃｅｌ")  # part of a title, in any width and case
    assert shown(page) == [("A001", "Excel 業務効率化")]
    page.course_filter.setCurrentIndex(0)
    assert page.count_label.text() == "4件（全 4件）"

    # A 部 includes every 課 below it.
    page.department_filter.setCurrentIndex(page.department_filter.findText("総務部"))
    assert {number for number, _ in shown(page)} == {"A001", "A002"}
    page.department_filter.setCurrentIndex(page.department_filter.findText("総務部／人事課"))
    assert shown(page) == [("A002", "情報セキュリティ研修")]
    page.department_filter.setCurrentIndex(0)

    page.status_filter.setCurrentIndex(page.status_filter.findText("受講中"))
    assert shown(page) == [("A001", "Excel 業務効率化")]
    page.status_filter.setCurrentIndex(page.status_filter.findData(TrainingStatus.COMPLETED))
    assert len(shown(page)) == 3
    assert page.count_label.text() == "3件（全 4件）"
    page.status_filter.setCurrentIndex(0)

    for query, expected in (("ｱｵｷ", {"A003"}), ("a002", {"A002"}), ("やまだ", {"A001"}), ("Excel", {"A001"})):
        page.search.clear()
        type_text(page.search, query)
        assert {number for number, _ in shown(page)} == expected, query


def test_per_learner_view_shows_one_learner_and_totals(qtbot: QtBot, page: RecordsPage) -> None:
    assert not page.learner_totals_label.isVisible()
    assert any("山田" in label for label in page.picker.matches("やまだ"))
    type_text(page.learner_edit, "A001")  # a full 受講者番号 chooses the learner
    assert page.learner_radio.isChecked()
    assert {number for number, _ in shown(page)} == {"A001"}
    assert page.learner_totals_label.text() == "山田　太郎 さん（A001）: 2件 ／ 修了 1件 ／ 合計 4.5時間"
    # The other filters still apply, and the totals follow them.
    page.year_filter.setCurrentIndex(page.year_filter.findData(2025))
    assert page.learner_totals_label.text() == "山田　太郎 さん（A001）: 1件 ／ 修了 1件 ／ 合計 1.5時間"
    page.year_filter.setCurrentIndex(0)

    page.picker.set_learner_id(None)
    assert page.proxy.rowCount() == 0
    assert page.learner_totals_label.text() == "受講者を選んでください。"
    qtbot.mouseClick(page.all_radio, Qt.MouseButton.LeftButton)
    assert page.proxy.rowCount() == 4


def test_totals_per_learner_and_department(page: RecordsPage) -> None:
    page.tabs.setCurrentWidget(page.totals_tab)
    by_department = {
        line.labels[0]: (line.totals.records, line.totals.completed, line.totals.hours)
        for line in page.department_totals_model.lines
    }
    assert by_department == {
        "総務部／デジタル推進課": (2, 1, Decimal("4.50")),
        "総務部／人事課": (1, 1, Decimal("1.50")),
        "市民部／市民課": (1, 1, Decimal("2.00")),
    }
    assert "4件 ／ 修了 3件 ／ 合計 8.0時間" in page.overall_totals_label.text()
    # The totals follow the filters.
    page.year_filter.setCurrentIndex(page.year_filter.findData(2025))
    page.refresh_totals_now()
    learners = {line.labels[0]: line.totals.records for line in page.learner_totals_model.lines}
    assert learners == {"A001": 1, "A002": 1}
    assert page.learner_totals_model.data(page.learner_totals_model.index(0, 5)) == "1.5"


def test_large_selections_are_totalled_in_a_worker(
    qtbot: QtBot, page: RecordsPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("desktop.ui.pages.records_page.TOTALS_AT_ONCE", 0)
    threads: list[str] = []
    real = records_page.compute_totals

    def recording(rows: list[RecordRow]) -> object:
        threads.append(threading.current_thread().name)
        return real(rows)

    monkeypatch.setattr(records_page, "compute_totals", recording)
    page.tabs.setCurrentWidget(page.totals_tab)
    assert "4件の記録を集計しています" in page.overall_totals_label.text()
    page.status_filter.setCurrentIndex(page.status_filter.findText("修了"))  # changes while it runs
    qtbot.waitUntil(lambda: page.totals_ready)
    assert "3件 ／ 修了 3件" in page.overall_totals_label.text()
    assert threads and threading.main_thread().name not in threads


# -- the record dialog --------------------------------------------------------------


def through_page(
    page: RecordsPage,
    monkeypatch: pytest.MonkeyPatch,
    record_id: int | None,
    on_exec: Callable[[RecordDialog], int],
) -> RecordDialog:
    """Open add (None) or edit through the page; `on_exec` stands in for the modal exec()."""
    seen: list[RecordDialog] = []

    def exec_(dialog: RecordDialog) -> int:
        seen.append(dialog)
        return on_exec(dialog)

    monkeypatch.setattr(RecordDialog, "exec", exec_)
    if record_id is None:
        page.add_record()
    else:
        page.select_id(record_id)
        page.edit_selected()
    return seen[0]


def click_save(dialog: RecordDialog) -> None:
    dialog.findChild(QDialogButtonBox, "buttonBox").button(QDialogButtonBox.StandardButton.Save).click()


def fill_and_save(fill: Callable[[RecordDialog], None]) -> Callable[[RecordDialog], int]:
    def run(dialog: RecordDialog) -> int:
        fill(dialog)
        click_save(dialog)
        return int(dialog.result())

    return run


def test_dialog_adds_a_record_with_a_new_course(
    page: RecordsPage, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fill(dialog: RecordDialog) -> None:
        type_text(dialog.learner_edit, "あおき")
        assert dialog.picker.model.stringList() == ["A003\u3000青木　次郎（アオキ　ジロウ）"]
        dialog.picker.set_learner_id(seeded.learners["A003"])
        assert "市民部／市民課" in dialog.learner_info.text()
        dialog.course.setEditText("新任職員研修 集合")
        dialog.held_on.setDate(date(2025, 4, 8))
        assert dialog.held_on_wareki.text() == "令和7年4月8日（2025年度）"
        type_text(dialog.hours, "1時間30分")
        assert dialog.hours_hint.text() == "＝ 1.5時間（90分）"
        dialog.completed.setChecked(False)

    dialog = through_page(page, monkeypatch, None, fill_and_save(fill))
    saved = dialog.saved_row
    assert saved is not None
    assert (saved.course_title, saved.hours, saved.status) == (
        "新任職員研修 集合",
        Decimal("1.50"),
        TrainingStatus.IN_PROGRESS,
    )
    assert page.selected_id() == saved.id
    assert page.count_label.text() == "5件（全 5件）"
    assert page.course_filter.findText("新任職員研修 集合") > 0
    assert any(r.id == saved.id for r in seeded.service.rows())


def test_dialog_marks_a_bad_time_and_saves_nothing(
    qtbot: QtBot, page: RecordsPage, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = through_page(page, monkeypatch, None, lambda _dialog: 0)
    qtbot.addWidget(dialog)
    dialog.picker.set_learner_id(seeded.learners["A002"])
    dialog.course.setCurrentIndex(dialog.course.findText("文書事務研修"))
    type_text(dialog.hours, "半日")
    assert "数字で入力してください" in dialog.hours_hint.text()
    click_save(dialog)
    assert "時間を数字で入力してください" in dialog.error_label.text()
    assert dialog.hours.styleSheet() and not dialog.course.styleSheet()
    assert dialog.hours.hasFocus() or not dialog.isVisible()
    assert dialog.saved_row is None
    assert len(seeded.service.rows()) == 4
    # No learner chosen: that field is marked too.
    dialog.picker.set_learner_id(None)
    dialog.hours.setText("2")
    click_save(dialog)
    assert dialog.error_label.text() == "受講者を選んでください。"
    assert dialog.learner_edit.styleSheet() and not dialog.hours.styleSheet()


def test_edit_a_manual_record(page: RecordsPage, seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    def fill(dialog: RecordDialog) -> None:
        assert (dialog.hours.text(), dialog.course.currentText()) == ("1.5", "情報セキュリティ研修")
        assert dialog.picker.learner_id() == seeded.learners["A001"]
        dialog.hours.setText("2.25")
        dialog.notes.setPlainText("e-ラーニング併用")

    dialog = through_page(page, monkeypatch, seeded.security.id, fill_and_save(fill))
    assert dialog.saved_row is not None
    row = page.proxy.row_at(page.proxy.proxy_row_of(seeded.security.id))
    assert (row.hours, row.notes, row.version) == (Decimal("2.25"), "e-ラーニング併用", 2)
    assert page.proxy.data(page.proxy.index(page.proxy.proxy_row_of(row.id), COL_HOURS)) == "2.3"


def test_a_stale_edit_is_refused_with_the_services_message(
    qtbot: QtBot, page: RecordsPage, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = through_page(page, monkeypatch, seeded.security.id, lambda _dialog: 0)
    qtbot.addWidget(dialog)
    other = seeded.service.row(seeded.security.id)  # another PC saves it meanwhile
    seeded.service.update_manual(
        other, RecordDraft(other.learner_id, other.course_id, "", date(2025, 6, 3), "1", True)
    )
    asked: list[str] = []
    monkeypatch.setattr(RecordDialog, "ask_reload", lambda self, message: asked.append(message) or True)
    dialog.hours.setText("4")
    click_save(dialog)
    assert dialog.saved_row is None
    assert "保存しませんでした" in asked[0]
    assert dialog.hours.text() == "1"  # reloaded: theirs is shown, nothing was overwritten
    click_save(dialog)
    assert dialog.saved_row is not None


def test_delete_asks_first(page: RecordsPage, seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
    questions: list[str] = []

    def question(_parent: QWidget, _title: str, text: str, *args: object) -> QMessageBox.StandardButton:
        questions.append(text)
        return next(answers)

    monkeypatch.setattr(QMessageBox, "question", question)
    page.select_id(seeded.security.id)
    page.delete_selected()
    assert "情報セキュリティ研修" in questions[0] and "2025/06/02" in questions[0]
    assert page.proxy.rowCount() == 4
    page.table.setFocus()
    page.select_id(seeded.security.id)
    QtBot.keyClick(page.table, Qt.Key.Key_Delete)
    assert page.proxy.proxy_row_of(seeded.security.id) < 0
    assert page.count_label.text() == "3件（全 3件）"
    assert all(r.id != seeded.security.id for r in seeded.service.rows())


def test_imported_records_cannot_be_edited_or_deleted(
    qtbot: QtBot, seeded: Seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    UdemyImporter(seeded.db).run(sample_report(tmp_path))
    page = make_page(qtbot, seeded.db)
    imported = next(r for r in page.model.rows if r.source == "udemy")
    page.select_id(imported.id)
    assert not page.edit_button.isEnabled() and not page.delete_button.isEnabled()
    assert "取り込んだ受講記録は編集できません" in page.edit_button.toolTip()
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: told.append(text))
    opened: list[RecordDialog] = []
    monkeypatch.setattr(RecordDialog, "exec", lambda dialog: opened.append(dialog) or 0)
    page.table.setFocus()
    QtBot.keyClick(page.table, Qt.Key.Key_Return)
    page.delete_selected()
    assert not opened
    assert "元のレポートを取り込み直してください" in told[0]
    assert "取込履歴から取込ごと取り消してください" in told[1]
    assert seeded.service.row(imported.id) == imported


def test_page_loads_off_the_ui_thread(qtbot: QtBot, seeded: Seeded) -> None:
    service = RecordsService(seeded.db)
    threads: list[str] = []
    real = service.rows

    def recording(learner_id: int | None = None) -> list[RecordRow]:
        threads.append(threading.current_thread().name)
        return real(learner_id)

    service.rows = recording  # type: ignore[method-assign]
    widget = RecordsPage(service, RosterService(seeded.db), UdemyImporter(seeded.db))
    qtbot.addWidget(widget)
    widget.show()
    assert widget.count_label.text() == "受講記録を読み込んでいます…"
    qtbot.waitUntil(lambda: widget.loaded)
    assert threads and threads[0] != threading.main_thread().name


def test_ctrl_f_and_f5(qtbot: QtBot, page: RecordsPage) -> None:
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    qtbot.keyClick(page.search, Qt.Key.Key_F5)
    assert page.count_label.text() == "受講記録を読み込んでいます…"
    qtbot.waitUntil(lambda: page._loading is None)
    assert page.count_label.text() == "4件（全 4件）"


def test_catalog_builds_the_records_page(qtbot: QtBot, seeded: Seeded) -> None:
    spec = next(spec for spec in PAGES if spec.key == "records")
    assert spec.build is not None
    host = QWidget()
    qtbot.addWidget(host)
    assert isinstance(spec.build(seeded.db, host), RecordsPage)


# -- the Udemy import ----------------------------------------------------------------


@pytest.fixture
def import_dialog(qtbot: QtBot, seeded: Seeded) -> UdemyImportDialog:
    dialog = UdemyImportDialog(UdemyImporter(seeded.db))
    qtbot.addWidget(dialog)
    return dialog


def previewed(qtbot: QtBot, dialog: UdemyImportDialog, path: Path) -> UdemyImportDialog:
    dialog.open_file(path)
    assert dialog.busy and dialog.progress_panel.isVisibleTo(dialog)
    qtbot.waitUntil(lambda: not dialog.busy)
    return dialog


def test_preview_lists_the_unmatched_rows_then_imports(
    qtbot: QtBot, import_dialog: UdemyImportDialog, seeded: Seeded, tmp_path: Path
) -> None:
    dialog = previewed(qtbot, import_dialog, sample_report(tmp_path))
    assert "3行 — 新規 2件" in dialog.summary_label.text() and "確認のみ" in dialog.summary_label.text()
    assert dialog.unmatched_model.rowCount() == 1
    assert dialog.unmatched_model.cells(dialog.unmatched_model.rows[0]) == (
        "4",
        "stranger@example.com",
        "",
        "",
    )
    assert "1 行は名簿の受講者と照合できない" in dialog.unmatched_note.text()
    assert dialog.problems_model.rowCount() == 0
    assert not dialog.valid_only.isEnabled()
    assert len(seeded.service.rows()) == 4  # the preview wrote nothing

    dialog.copy_unmatched()
    assert "4\tstranger@example.com" in QGuiApplication.clipboard().text()

    outcomes: list[object] = []
    dialog.imported.connect(outcomes.append)
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert outcomes and dialog.outcome is not None and dialog.outcome.created == 2
    assert "を取り込みました" in dialog.summary_label.text()
    assert not dialog.import_button.isEnabled()  # the same preview cannot be imported twice
    udemy = [r for r in seeded.service.rows() if r.source == "udemy"]
    assert {(r.learner_number, r.status) for r in udemy} == {
        ("A001", TrainingStatus.COMPLETED),
        ("A002", TrainingStatus.IN_PROGRESS),
    }


def test_import_through_the_page_shows_the_new_records(
    qtbot: QtBot, page: RecordsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = sample_report(tmp_path)
    monkeypatch.setattr(
        udemy_import_dialog.QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(report), "")
    )

    def exec_(dialog: UdemyImportDialog) -> int:
        dialog.choose_button.click()
        qtbot.waitUntil(lambda: not dialog.busy)
        dialog.import_button.click()
        qtbot.waitUntil(lambda: dialog.outcome is not None)
        return 0

    monkeypatch.setattr(UdemyImportDialog, "exec", exec_)
    messages: list[str] = []
    page.status_message.connect(messages.append)
    page.import_button.click()
    qtbot.waitUntil(lambda: page._loading is None and page.model.rowCount() == 6)
    assert ("A002", "Python 入門") in shown(page)
    assert page.count_label.text() == "6件（全 6件）"
    assert "Udemy" in [page.proxy.data(page.proxy.index(r, 9)) for r in range(page.proxy.rowCount())]
    assert messages and "を取り込みました" in messages[0]


def test_cancelling_an_import_writes_nothing(
    qtbot: QtBot,
    import_dialog: UdemyImportDialog,
    seeded: Seeded,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = previewed(qtbot, import_dialog, sample_report(tmp_path))
    # Report progress on every row, and hold the worker at the first report until 中止 is pressed.
    monkeypatch.setattr("desktop.store.udemy_import.PROGRESS_EVERY", 1)
    gate = threading.Event()
    real = Job.progress

    def held(job: Job, rows_done: int) -> None:
        gate.wait(5)
        real(job, rows_done)

    monkeypatch.setattr(Job, "progress", held)
    dialog.import_button.click()
    assert dialog.busy and dialog.cancel_button.isEnabled()
    dialog.cancel_button.click()
    gate.set()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.summary_label.text() == "中止しました。何も書き込んでいません。"
    assert dialog.outcome is None
    assert all(r.source == "manual" for r in seeded.service.rows())


def test_closing_while_busy_cancels_first(
    qtbot: QtBot,
    import_dialog: UdemyImportDialog,
    seeded: Seeded,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gate = threading.Event()
    real = Job.count_rows

    def held(job: Job, path: Path) -> None:
        gate.wait(5)
        real(job, path)

    monkeypatch.setattr(Job, "count_rows", held)
    import_dialog.open_file(sample_report(tmp_path))
    import_dialog.reject()  # Esc or the window's close button
    assert import_dialog.busy  # still open: the worker is told to stop first
    gate.set()
    qtbot.waitUntil(lambda: not import_dialog.busy)
    assert import_dialog.summary_label.text() == "確認を中止しました。何も書き込んでいません。"
    assert not import_dialog.import_button.isEnabled()


def test_rows_with_errors_are_listed_and_can_be_left_out(
    qtbot: QtBot, import_dialog: UdemyImportDialog, seeded: Seeded, tmp_path: Path
) -> None:
    report = write_udemy_csv(
        tmp_path / "with_errors.csv",
        [
            udemy_row("yamada@city.example.lg.jp", "900", "Python 入門", "100", "2025-05-01"),
            udemy_row("abe@city.example.lg.jp", "901", "SQL 入門", "とちゅう"),
        ],
    )
    dialog = previewed(qtbot, import_dialog, report)
    assert dialog.problems_model.stringList() == [
        "with_errors.csv:3: Completion Ratio: 「とちゅう」は数値として読めません。"
    ]
    assert dialog.valid_only.isEnabled()
    assert not dialog.import_button.isEnabled()
    assert "エラーの行を除いて取り込む" in dialog.import_button.toolTip()
    dialog.valid_only.setChecked(True)
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.outcome is not None and dialog.outcome.created == 1
    assert [r.learner_number for r in seeded.service.rows() if r.source == "udemy"] == ["A001"]


def test_a_report_missing_a_required_column_cannot_be_imported(
    qtbot: QtBot, import_dialog: UdemyImportDialog, tmp_path: Path
) -> None:
    report = tmp_path / "no_title.csv"
    report.write_text(
        "User Email,Course ID,Completion Ratio\nabe@city.example.lg.jp,900,50\n", encoding="utf-8"
    )
    dialog = previewed(qtbot, import_dialog, report)
    assert "Course Title" in dialog.problems_model.stringList()[0]
    dialog.valid_only.setChecked(True)
    assert not dialog.import_button.isEnabled()
    assert "新しく取り込む内容がありません" in dialog.import_button.toolTip()


def test_a_file_that_is_not_a_udemy_report_is_refused(
    qtbot: QtBot, import_dialog: UdemyImportDialog, tmp_path: Path
) -> None:
    other = tmp_path / "roster.csv"
    other.write_text("氏名,フリガナ\n山田,ヤマダ\n", encoding="utf-8")
    dialog = previewed(qtbot, import_dialog, other)
    assert "Udemy Business の実績レポートとして読めません" in dialog.summary_label.text()
    assert not dialog.import_button.isEnabled()


def test_encoding_choice_is_passed_to_the_importer(
    qtbot: QtBot, import_dialog: UdemyImportDialog, tmp_path: Path
) -> None:
    report = tmp_path / "sjis.csv"
    rows = [UDEMY_HEADERS, udemy_row("aoki@city.example.lg.jp", "902", "文書事務の基本", "100", "2025-05-01")]
    report.write_bytes("\r\n".join(",".join(r) for r in rows).encode("cp932") + b"\r\n")
    import_dialog.encoding.setCurrentIndex(import_dialog.encoding.findData("cp932"))
    dialog = previewed(qtbot, import_dialog, report)
    assert dialog.encoding_choice() == "cp932"
    assert "cp932" in dialog.encoding_info.text()
    assert "新規 1件" in dialog.summary_label.text()
