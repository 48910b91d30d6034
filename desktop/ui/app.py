"""Starting the window: Qt application, bundled font, the window, then the database.

A SQLite file is locked for this window (desktop/store/instance_lock.py); if
another window, here or on another PC, already holds it, this one opens it
read-only and says who holds it. A SQLite file on a network share is opened
but warned about: the shared set-up is PostgreSQL.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from desktop import APP_ID, APP_NAME, __version__
from desktop.store.errors import DatabaseOpenError
from desktop.ui import error_report
from desktop.ui.fonts import register_fonts
from desktop.ui.main_window import MainWindow

if TYPE_CHECKING:
    from desktop.store.database import Database
    from desktop.store.instance_lock import InstanceLock, LockHolder
    from desktop.store.migrate import MigrationReport
    from desktop.store.network_path import NetworkLocation

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


@dataclass
class OpenedDatabase:
    """What the window opened, and on what terms."""

    db: Database
    report: MigrationReport | None  # None when opened read-only: nothing was migrated
    demo_folder: Path | None = None
    lock: InstanceLock | None = None
    # Set when another instance holds the file and this one opened it read-only.
    locked_elsewhere: bool = False
    holder: LockHolder | None = None


def open_locked(target: str | None, demo: bool) -> OpenedDatabase:
    """open_for_window, with the SQLite file locked for this window, or read-only if it is taken."""
    if demo:  # a private throwaway file: nobody else can have it open
        db, report, folder = open_for_window(None, demo=True)
        return OpenedDatabase(db, report, demo_folder=folder)
    from desktop.store.database import check_sqlite_file, resolve_target
    from desktop.store.instance_lock import AlreadyOpenError, acquire_instance_lock

    url = resolve_target(target)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        db, report, _ = open_for_window(target, demo=False)
        return OpenedDatabase(db, report)
    path = Path(url.database)
    check_sqlite_file(path)  # a file that is not ours is refused before a lock file is left beside it
    try:
        lock = acquire_instance_lock(path)
    except AlreadyOpenError as taken:
        db = open_read_only(path, taken.holder)
        return OpenedDatabase(db, None, locked_elsewhere=True, holder=taken.holder)
    try:
        db, report, _ = open_for_window(target, demo=False)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return OpenedDatabase(db, report, lock=lock)


def holder_text(holder: LockHolder | None) -> str:
    if holder is None:
        return "どのPCで開かれているかは分かりません。"
    return holder.describe() + "。"


def open_read_only(path: Path, holder: LockHolder | None) -> Database:
    """The file in SQLite's read-only mode; refused if it would need migrating first."""
    from desktop.store.database import open_database
    from desktop.store.errors import DatabaseOpenError
    from desktop.store.migrate import HEAD_REVISION, current_revision

    db = open_database(path, read_only=True)
    try:
        revision, _tables = current_revision(db)
        if revision != HEAD_REVISION:
            raise DatabaseOpenError(
                "このデータベースは、ほかのまなび台帳ですでに開かれています。\n"
                f"{holder_text(holder)}\n"
                f"このバージョン（{__version__}）で使うにはデータベースの形式の更新が必要ですが、"
                "ほかで開かれている間は更新できないため、開きません（何も変更していません）。\n"
                f"データベースの版: {revision or 'なし'}（このアプリの版: {HEAD_REVISION}）\n"
                "ほかで開いているまなび台帳を閉じてから、もう一度開いてください。\n"
                f"データベース: {path}"
            )
    except BaseException:
        db.dispose()
        raise
    return db


def read_only_message(holder: LockHolder | None, path: Path | None) -> str:
    where = f"\nデータベース: {path}" if path is not None else ""
    return (
        "このデータベースは、ほかのまなび台帳ですでに開かれています。\n"
        f"{holder_text(holder)}\n"
        "データを守るため、読み取り専用で開きました。表示はできますが、保存と、個人情報を含む印刷・出力"
        "（監査ログに記録できないため）はできません。\n"
        "保存するには、ほかで開いているまなび台帳を閉じてから、開き直してください。" + where
    )


def network_warning_message(location: NetworkLocation, path: Path) -> str:
    return (
        f"このデータベースファイルは{location.describe()}にあります。\n{path}\n\n"
        "SQLite のファイルをネットワーク上に置いて使うと、複数のPCから同時に使ったときや"
        "通信が途切れたときに、データが壊れるおそれがあります。\n"
        "複数のPCで共有するときは、PostgreSQL のデータベースを用意して、"
        "まなび台帳を --db postgresql://ユーザー@サーバー/データベース名 で開いてください"
        "（設定はシステム担当者に相談してください）。\n"
        "1台のPCだけで使うときは、ファイルをこのPCのドライブに移してから開いてください。"
    )


def detect_network_location(path: Path) -> NetworkLocation | None:
    """Kept a module-level function so tests can stand in a fake answer."""
    from desktop.store.network_path import network_location

    return network_location(path)


def record_restore(db: Database, source: Path, summary: str) -> None:
    from desktop.domain.audit import AuditAction
    from desktop.store.audit_log import Fact, record

    record(db, Fact(AuditAction.RESTORE, "file", None, source.name, detail=summary.replace("\n", " ")))


class Startup:
    """Shows the window first, then opens the database on the next turn of the event loop."""

    def __init__(self, app: QApplication, args: argparse.Namespace) -> None:
        self.app = app
        self.args = args
        self.window = MainWindow(demo=args.demo)
        self.demo_folder: Path | None = None
        self.db: Database | None = None
        self.lock: InstanceLock | None = None
        self.notices: list[QMessageBox] = []  # non-modal: the window stays usable behind them

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
            opened = open_locked(self.target(), self.args.demo)
        except DatabaseOpenError as exc:
            self.refuse(exc.message, EXIT_BAD_INPUT)
            return
        except Exception as exc:  # never leave the window waiting for a database that will not come
            details = error_report.format_report(type(exc), exc, exc.__traceback__)
            error_report.write_report(details)
            self.refuse(f"データベースを開く途中で予期しないエラーが発生しました。\n{exc}", EXIT_INTERNAL)
            return
        self.db, self.demo_folder, self.lock = opened.db, opened.demo_folder, opened.lock
        report = opened.report
        if not self.sign_in(self.db):
            return
        self.window.attach_database(self.db)
        if self.db.sqlite_path is not None and not self.args.demo and not opened.locked_elsewhere:
            self.window.restore_handler = self.restore_backup
        if report is not None and report.backup is not None:
            self.window.statusBar().showMessage(
                self.window.tr("データベースを新しい形式に更新しました。更新前のバックアップ: {path}").format(
                    path=report.backup
                ),
                15000,
            )
        if opened.locked_elsewhere:
            self.show_read_only(opened.holder)
        path = self.db.sqlite_path
        if path is not None and not self.args.demo:
            location = detect_network_location(path)
            if location is not None:
                self.show_network_warning(location, path)
        if self.args.quit_after_show:
            QTimer.singleShot(0, self.quit_when_ready)

    def target(self) -> str | None:
        """--db, else the shared database this PC saved in 設定, else this PC's own file."""
        if self.args.db or self.args.demo:
            return self.args.db  # type: ignore[no-any-return]
        from desktop.store.connection_setting import saved_target

        return saved_target()

    def sign_in(self, db: Database) -> bool:
        """Ask who is using the window (or, the first time, how the office works); False: they left."""
        from desktop.domain.accounts import AuthMode
        from desktop.store.account_service import auth_mode, sign_in_as
        from desktop.ui.sign_in_dialog import authenticate

        if self.args.quit_after_show:  # bench/ and tests: nobody is there to type
            if auth_mode(db) is AuthMode.SIGN_IN:
                self.refuse("このデータベースはサインインが必要です。", EXIT_BAD_INPUT)
                return False
            return True
        actor = authenticate(db, self.window)
        if actor is None:
            self.app.exit(0)
            return False
        sign_in_as(db, actor)
        return True

    def show_read_only(self, holder: LockHolder | None) -> None:
        label = self._status_badge("readOnlyLabel", self.window.tr("読み取り専用"), "#9a3412")
        label.setToolTip(holder_text(holder))
        self.window.setWindowTitle(self.window.windowTitle() + self.window.tr("（読み取り専用）"))
        message = read_only_message(holder, self.db.sqlite_path if self.db is not None else None)
        self.notify(QMessageBox.Icon.Information, self.window.tr("読み取り専用で開きました"), message)

    def show_network_warning(self, location: NetworkLocation, path: Path) -> None:
        message = network_warning_message(location, path)
        label = self._status_badge(
            "networkWarningLabel",
            self.window.tr("ネットワーク上のファイル（共有は PostgreSQL で）"),
            "#b91c1c",
        )
        label.setToolTip(message)
        self.notify(QMessageBox.Icon.Warning, self.window.tr("ネットワーク上のデータベース"), message)

    def _status_badge(self, name: str, text: str, colour: str) -> QLabel:
        label = QLabel(text, self.window)
        label.setObjectName(name)
        label.setStyleSheet(f"QLabel#{name} {{ color: white; background: {colour}; padding: 1px 8px; }}")
        self.window.statusBar().addPermanentWidget(label)
        return label

    def notify(self, icon: QMessageBox.Icon, title: str, message: str) -> None:
        """Once, at open, without blocking: a message box the clerk closes when read."""
        print(message, file=sys.stderr)
        if self.args.quit_after_show:
            return
        box = QMessageBox(icon, title, message, QMessageBox.StandardButton.Ok, self.window)
        box.setModal(False)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.show()
        self.notices.append(box)

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

    def restore_backup(self, source: Path) -> None:
        """Close the database, put `source` back (store/backup.restore_from), and open it again.

        On the UI thread with a wait cursor: the pages must not read while the
        file is swapped, and a restore copies one file.
        """
        from desktop.store.backup import backups_dir, restore_from
        from desktop.store.errors import UserFacingError
        from desktop.ui.workers import wait_for_background_work

        db = self.db
        path = db.sqlite_path if db is not None else None
        if db is None or path is None:
            return
        title = self.window.tr("バックアップから戻す")
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            wait_for_background_work()
            db.dispose()
            if self.lock is not None:
                self.lock.release()
                self.lock = None
            try:
                summary = restore_from(path, source, folder=backups_dir())
                message = self.window.tr("{name} の内容に戻しました。").format(name=source.name)
                if summary.previous is not None:
                    message += self.window.tr("\n戻す前の内容は {path} に残しました。").format(
                        path=summary.previous
                    )
                if summary.migrated_to:
                    message += self.window.tr(
                        "\n古い版のバックアップだったため、今の版の形式に更新しました。"
                    )
                ok = True
            except UserFacingError as exc:
                message, ok = exc.message, False
            except Exception as exc:  # the database must be opened again whatever happened
                error_report.write_report(error_report.format_report(type(exc), exc, exc.__traceback__))
                message, ok = (
                    self.window.tr("戻せませんでした（元のデータベースのままです）: {error}").format(
                        error=exc
                    ),
                    False,
                )
            try:
                opened = open_locked(str(path), False)
            except DatabaseOpenError as exc:
                QApplication.restoreOverrideCursor()
                self.refuse(exc.message, EXIT_BAD_INPUT)
                return
            opened.db.actor = db.actor  # whoever signed in stays signed in, with the same rights
            self.db, self.lock = opened.db, opened.lock
            self.window.attach_database(self.db)
            if ok:
                try:
                    record_restore(self.db, source, message)
                except Exception as exc:  # the restore stands; a log entry that failed is reported
                    error_report.write_report(error_report.format_report(type(exc), exc, exc.__traceback__))
        finally:
            if QApplication.overrideCursor() is not None:
                QApplication.restoreOverrideCursor()
        if ok:
            QMessageBox.information(self.window, title, message)
        else:
            QMessageBox.warning(self.window, title, message)

    def finish(self) -> None:
        if self.db is not None:
            self.db.dispose()
        if self.lock is not None:
            self.lock.release()
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
