"""Starting the window: Qt application, bundled font, database, main window."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import APP_ID, APP_NAME, __version__
from desktop.store.database import Database, open_database
from desktop.store.errors import DatabaseOpenError
from desktop.store.migrate import MigrationReport, prepare_database
from desktop.ui.fonts import register_fonts
from desktop.ui.main_window import MainWindow

EXIT_BAD_INPUT = 2


def create_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    if app.applicationName() != APP_ID:
        app.setApplicationName(APP_ID)
        app.setApplicationDisplayName(APP_NAME)
        app.setApplicationVersion(__version__)
        app.setOrganizationName(APP_ID)
        register_fonts(app)
        install_qt_translations(app)
    return app


def install_qt_translations(app: QApplication) -> None:
    """Qt's own Japanese strings, so standard buttons read はい／いいえ, not Yes/No."""
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(QLocale.Language.Japanese), "qtbase", "_", folder):
        app.installTranslator(translator)


def open_for_window(target: str | None, demo: bool) -> tuple[Database, MigrationReport, Path | None]:
    """The database the window will use; for --demo, a fresh throwaway one."""
    demo_folder = None
    if demo:
        from desktop.store.demo import seed_demo_roster

        demo_folder = Path(tempfile.mkdtemp(prefix="manabi-demo-"))
        target = str(demo_folder / "demo.sqlite")
    db = open_database(target)
    try:
        report = prepare_database(db)
        if demo:
            seed_demo_roster(db)
    except Exception:
        db.dispose()
        raise
    return db, report, demo_folder


def run_gui(args: argparse.Namespace) -> int:
    app = create_application()
    try:
        db, report, demo_folder = open_for_window(args.db, args.demo)
    except DatabaseOpenError as exc:
        QMessageBox.critical(None, f"{APP_NAME} — データベースを開けません", exc.message)
        print(exc.message, file=sys.stderr)
        return EXIT_BAD_INPUT

    window = MainWindow(db, demo=args.demo)
    if report.backup is not None:
        window.statusBar().showMessage(
            f"データベースを更新しました。更新前のバックアップ: {report.backup}", 15000
        )
    if args.page:
        window.show_page(args.page)
    window.show()
    if args.quit_after_show:
        quit_when_painted(app, window)
    try:
        return app.exec()
    finally:
        db.dispose()
        if demo_folder is not None:
            shutil.rmtree(demo_folder, ignore_errors=True)


def quit_when_painted(app: QApplication, window: MainWindow) -> None:
    """For bench/: quit once the shown page is on screen, rows included for 名簿."""

    def check() -> None:
        page = window.roster_page
        if window.current_page_key() != "roster" or page.loaded:
            print(f"shown rows={page.proxy.rowCount() if page.loaded else 0}", flush=True)
            app.quit()
        else:
            QTimer.singleShot(1, check)

    QTimer.singleShot(0, check)
