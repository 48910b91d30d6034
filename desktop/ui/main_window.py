"""The main window: navigation on the left, one page per task, the open database below.

The window shows before the database opens: the store's imports (SQLAlchemy)
take longer than Qt takes to draw, and a clerk should see the app at once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from desktop import APP_NAME, __version__
from desktop.ui.forms import child, load_form
from desktop.ui.pages.catalog import PAGES, PageSpec
from desktop.ui.pages.placeholder import PlaceholderPage
from desktop.ui.role_limits import limit_page

if TYPE_CHECKING:
    from desktop.store.database import Database
    from desktop.ui.pages.roster_page import RosterPage

STATUS_MESSAGE_MS = 8000
_NAV_STYLE = "QListWidget#navList { padding-top: 6px; } QListWidget#navList::item { padding: 7px 12px; }"


class MainWindow(QMainWindow):
    def __init__(self, *, demo: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db: Database | None = None
        self._demo = demo
        self.restore_handler: Callable[[Path], None] | None = None  # set by ui/app.Startup
        title = f"{APP_NAME} {__version__}"
        self.setWindowTitle(f"{title}（デモ）" if demo else title)
        self.resize(1280, 800)

        content = QWidget(self)
        form = load_form("main_window.ui", content)
        self.setCentralWidget(content)
        self.nav = child(form, QListWidget, "navList")
        self.nav.setStyleSheet(_NAV_STYLE)
        self.stack = child(form, QStackedWidget, "pageStack")

        # Pages are built when first shown: loading every form up front would
        # double the time to the first window.
        self._built: dict[str, QWidget] = {}
        for number, spec in enumerate(PAGES, start=1):
            self.stack.addWidget(QWidget(self.stack))
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setToolTip(f"{spec.title} (Ctrl+{number})")
            self.nav.addItem(item)
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
            shortcut.activated.connect(lambda key=spec.key: self.show_page(key))
        self.nav.currentRowChanged.connect(self._show_row)
        nav_font = self.nav.font()
        nav_font.setPointSizeF(nav_font.pointSizeF() * 1.15)
        self.nav.setFont(nav_font)

        self.database_label = QLabel(self.tr("データベースを開いています…"))
        self.database_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addPermanentWidget(self.database_label)
        self.user_label = QLabel("")
        self.user_label.setObjectName("userLabel")
        self.statusBar().addPermanentWidget(self.user_label)
        self.show_page("home")

    def _show_row(self, row: int) -> None:
        self.page(PAGES[row].key)
        self.stack.setCurrentIndex(row)

    def page(self, key: str) -> QWidget:
        """The page for `key`, built on first use."""
        page = self._built.get(key)
        if page is None:
            spec = next(spec for spec in PAGES if spec.key == key)
            page = self._build_page(spec)
            self._replace_page(key, page)
        return page

    def _build_page(self, spec: PageSpec) -> QWidget:
        if spec.key == "roster" or spec.build is not None:
            if self._db is not None:
                return (
                    self._roster_page(self._db) if spec.key == "roster" else self._data_page(spec, self._db)
                )
            waiting = QLabel(self.tr("データベースを開いています…"))
            waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
            return waiting
        return PlaceholderPage(spec.title, spec.summary, list(spec.upcoming), self)

    def _data_page(self, spec: PageSpec, db: Database) -> QWidget:
        """A page the catalog builds from the open database; its status messages go to the status bar."""
        assert spec.build is not None
        page = spec.build(db, self)
        status_message = getattr(page, "status_message", None)
        if status_message is not None:
            status_message.connect(lambda text: self.statusBar().showMessage(text, STATUS_MESSAGE_MS))
        navigate = getattr(page, "navigate", None)
        if navigate is not None:
            navigate.connect(self.navigate)
        restore_requested = getattr(page, "restore_requested", None)
        if restore_requested is not None:
            restore_requested.connect(self.restore_backup)
        limit_page(page, spec.key, db.actor.role, db.read_only)
        return page

    def restore_backup(self, source: Path) -> None:
        """Put a backup back: the window's owner closes the database, restores and opens it again."""
        if self.restore_handler is None:
            QMessageBox.warning(
                self,
                self.tr("バックアップから戻す"),
                self.tr(
                    "この画面からは戻せません。まなび台帳を閉じてから restore コマンドで戻してください。"
                ),
            )
            return
        self.restore_handler(source)

    def navigate(self, key: str, options: dict[str, object]) -> None:
        """Open a page showing what another page asked for (the home page's next actions)."""
        self.show_page(key)
        apply = getattr(self.page(key), "apply_navigation", None)
        if apply is not None and options:
            apply(options)

    def _roster_page(self, db: Database) -> QWidget:
        from desktop.store.roster_service import RosterService
        from desktop.ui.pages.roster_page import RosterPage

        roster = RosterPage(RosterService(db), self, db=db)
        roster.status_message.connect(lambda text: self.statusBar().showMessage(text, STATUS_MESSAGE_MS))
        limit_page(roster, "roster", db.actor.role, db.read_only)
        return roster

    def attach_database(self, db: Database) -> None:
        """Build the pages that need data, now that the database is open."""
        self._db = db
        if "roster" in self._built:
            self._replace_page("roster", self._roster_page(db))
        for spec in PAGES:
            if spec.build is not None and spec.key in self._built:
                self._replace_page(spec.key, self._data_page(spec, db))
        kind = "SQLite" if db.is_sqlite else "PostgreSQL（共有）"
        self.database_label.setText(
            self.tr("データベース: {name}（{kind}）").format(name=db.display_name, kind=kind)
        )
        self.user_label.setText(self.tr("利用者: {who}").format(who=db.actor.describe()))

    def _replace_page(self, key: str, page: QWidget) -> None:
        position = [spec.key for spec in PAGES].index(key)
        old = self.stack.widget(position)
        showing = self.stack.currentIndex() == position
        self.stack.insertWidget(position, page)
        if old is not None:
            self.stack.removeWidget(old)
            old.deleteLater()
        self._built[key] = page
        if showing:
            self.stack.setCurrentIndex(position)

    def show_page(self, key: str) -> None:
        keys = [spec.key for spec in PAGES]
        self.nav.setCurrentRow(keys.index(key))

    def current_page_key(self) -> str:
        return PAGES[self.stack.currentIndex()].key

    @property
    def roster_page(self) -> RosterPage | None:
        from desktop.ui.pages.roster_page import RosterPage

        page = self._built.get("roster")
        return page if isinstance(page, RosterPage) else None

    def closeEvent(self, event: QCloseEvent) -> None:
        workers = sys.modules.get("desktop.ui.workers")  # loaded only if a page started work
        if workers is not None:
            workers.wait_for_background_work()
        if self._db is not None:
            self._db.dispose()
            # Today's backup, from a fresh connection (desktop/store/backup.py); never for the
            # throwaway demo file. A failure is logged and the window still closes.
            if not self._demo:
                try:
                    from desktop.store.backup import backup_on_close

                    backup_on_close(self._db)
                except Exception as exc:
                    from desktop.ui.error_report import format_report, write_report

                    report = format_report(type(exc), exc, exc.__traceback__)
                    print(report, file=sys.stderr)
                    write_report(f"終了時のバックアップに失敗しました（終了は続けました）\n{report}")
        super().closeEvent(event)
