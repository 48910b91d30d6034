"""Starting the window: Qt application, bundled font, the window, then the database."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import APP_ID, APP_NAME, __version__
from desktop.store.errors import DatabaseOpenError
from desktop.ui import error_report
from desktop.ui.fonts import register_fonts
from desktop.ui.main_window import MainWindow

if TYPE_CHECKING:
    from desktop.store.database import Database
    from desktop.store.migrate import MigrationReport

EXIT_INTERNAL = 1
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
    from desktop.store.database import open_database
    from desktop.store.migrate import prepare_database

    demo_folder = None
    if demo:
        demo_folder = Path(tempfile.mkdtemp(prefix="manabi-demo-"))
        target = str(demo_folder / "demo.sqlite")
    try:
        db = open_database(target)
        try:
            report = prepare_database(db)
            if demo:
                from desktop.store.demo import seed_demo_office

                seed_demo_office(db)
        except Exception:
            db.dispose()
            raise
    except Exception:
        if demo_folder is not None:
            shutil.rmtree(demo_folder, ignore_errors=True)
        raise
    return db, report, demo_folder


class Startup:
    """Shows the window first, then opens the database on the next turn of the event loop."""

    def __init__(self, app: QApplication, args: argparse.Namespace) -> None:
        self.app = app
        self.args = args
        self.window = MainWindow(demo=args.demo)
        self.demo_folder: Path | None = None
        self.db: Database | None = None

    def start(self) -> None:
        if self.args.page:
            self.window.show_page(self.args.page)
        self.window.show()
        if self.args.quit_after_window:
            QTimer.singleShot(0, self.app.quit)
            return
        QTimer.singleShot(0, self.open_database)

    def open_database(self) -> None:
        try:
            self.db, report, self.demo_folder = open_for_window(self.args.db, self.args.demo)
        except DatabaseOpenError as exc:
            self.refuse(exc.message, EXIT_BAD_INPUT)
            return
        except Exception as exc:  # never leave the window waiting for a database that will not come
            details = error_report.format_report(type(exc), exc, exc.__traceback__)
            error_report.write_report(details)
            self.refuse(f"データベースを開く途中で予期しないエラーが発生しました。\n{exc}", EXIT_INTERNAL)
            return
        self.window.attach_database(self.db)
        if report.backup is not None:
            self.window.statusBar().showMessage(
                self.window.tr("データベースを新しい形式に更新しました。更新前のバックアップ: {path}").format(
                    path=report.backup
                ),
                15000,
            )
        if self.args.quit_after_show:
            QTimer.singleShot(0, self.quit_when_ready)

    def refuse(self, message: str, code: int) -> None:
        print(message, file=sys.stderr)
        if not self.args.quit_after_show:
            QMessageBox.critical(self.window, self.window.tr("データベースを開けません"), message)
        self.app.exit(code)

    def quit_when_ready(self) -> None:
        """For bench/ and tests: quit once the shown page has its data on screen."""
        page = self.window.roster_page
        if self.window.current_page_key() == "roster" and (page is None or not page.loaded):
            QTimer.singleShot(1, self.quit_when_ready)
            return
        rows = page.proxy.rowCount() if page is not None and page.loaded else 0
        print(f"shown rows={rows}", flush=True)
        self.app.quit()

    def finish(self) -> None:
        if self.db is not None:
            self.db.dispose()
        if self.demo_folder is not None:
            shutil.rmtree(self.demo_folder, ignore_errors=True)


def run_gui(args: argparse.Namespace) -> int:
    app = create_application()
    error_report.install()
    startup = Startup(app, args)
    startup.start()
    try:
        return app.exec()
    finally:
        startup.finish()
