"""Main window: the pages of DESIGN.md, honest placeholders, the open database shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.store.database import Database
from desktop.store.errors import DatabaseOpenError
from desktop.ui.app import create_application, open_for_window
from desktop.ui.fonts import UI_FAMILY
from desktop.ui.forms import load_form
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.catalog import PAGES

FORMS = sorted(Path(__file__).resolve().parents[2].joinpath("forms").glob("*.ui"))


@pytest.mark.parametrize("form", FORMS, ids=lambda p: p.name)
def test_every_form_loads(qtbot: QtBot, form: Path) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    loaded = load_form(form.name, host)
    assert loaded.objectName()
    assert loaded.findChildren(QWidget)


def open_window(qtbot: QtBot, db: Database) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.attach_database(db)
    return window


def test_window_has_every_page_and_shows_the_database(qtbot: QtBot, sqlite_db: Database) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.database_label.text() == "データベースを開いています…"
    window.attach_database(sqlite_db)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles == ["ホーム", "名簿", "スキル診断", "学習計画", "受講記録", "助成金", "提出用出力", "設定"]
    assert str(sqlite_db.sqlite_path) in window.database_label.text()
    assert "SQLite" in window.database_label.text()
    window.nav.setCurrentRow(1)
    assert window.current_page_key() == "roster"
    assert window.roster_page is not None and window.stack.currentWidget() is window.roster_page


def test_every_page_is_built_none_is_a_placeholder(qtbot: QtBot, sqlite_db: Database) -> None:
    from desktop.ui.pages.placeholder import PlaceholderPage

    window = open_window(qtbot, sqlite_db)
    for spec in PAGES:
        assert spec.build is not None or spec.key == "roster", spec.key
        assert not isinstance(window.page(spec.key), PlaceholderPage), spec.key


def test_diagnosis_page_is_built_from_the_catalog(qtbot: QtBot, sqlite_db: Database) -> None:
    from desktop.ui.pages.diagnosis_page import DiagnosisPage

    window = open_window(qtbot, sqlite_db)
    assert isinstance(window.page("diagnosis"), DiagnosisPage)


def test_plans_page_is_built_from_the_catalog(qtbot: QtBot, sqlite_db: Database) -> None:
    from desktop.ui.pages.plans_page import PlansPage

    window = open_window(qtbot, sqlite_db)
    assert isinstance(window.page("plans"), PlansPage)


def test_records_page_is_built_from_the_catalog(qtbot: QtBot, sqlite_db: Database) -> None:
    from desktop.ui.pages.records_page import RecordsPage

    window = MainWindow()
    qtbot.addWidget(window)
    window.show_page("records")  # before the database opens: a waiting page
    assert not isinstance(window.page("records"), RecordsPage)
    window.attach_database(sqlite_db)
    page = window.page("records")
    assert isinstance(page, RecordsPage) and window.stack.currentWidget() is page
    window.show()  # a page reads its data when first shown
    qtbot.waitUntil(lambda: page.loaded)
    page.status_message.emit("保存しました。")
    assert window.statusBar().currentMessage() == "保存しました。"


def test_bundled_font_is_registered_and_used(qtbot: QtBot) -> None:
    app = create_application()
    assert UI_FAMILY in QFontDatabase.families()
    assert app.font().family() == UI_FAMILY
    assert isinstance(QApplication.instance(), QApplication)


def test_demo_database_is_fresh_and_believable(tmp_path: Path) -> None:
    db, report, folder = open_for_window(None, demo=True)
    try:
        from desktop.store.roster_service import RosterService

        service = RosterService(db)
        rows = service.roster_rows()
        assert 250 <= len(rows) <= 350
        organizations = service.organizations()
        # the city, and the two firms of the 助成金 page: one 中小企業 and one 大企業
        assert [org.kind.value for org in organizations] == ["municipality", "company", "company"]
        assert 13 <= len(service.departments()) <= 17
        assert report.backup is None and folder is not None and folder.exists()
    finally:
        db.dispose()


def test_unreadable_database_is_refused_with_a_message(tmp_path: Path) -> None:
    bogus = tmp_path / "roster.xlsx"
    bogus.write_bytes(b"PK\x03\x04 not a database")
    with pytest.raises(DatabaseOpenError, match="まなび台帳のデータベースではありません"):
        open_for_window(str(bogus), demo=False)
    assert bogus.read_bytes() == b"PK\x03\x04 not a database"
