"""The main window: navigation on the left, one page per task, the open database below."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QMainWindow, QStackedWidget, QWidget

from desktop import APP_NAME, __version__
from desktop.store.database import Database
from desktop.store.roster_service import RosterService
from desktop.ui.forms import child, load_form
from desktop.ui.pages.catalog import PAGES, PageSpec
from desktop.ui.pages.placeholder import PlaceholderPage
from desktop.ui.pages.roster_page import RosterPage

STATUS_MESSAGE_MS = 8000


class MainWindow(QMainWindow):
    def __init__(self, db: Database, *, demo: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        title = f"{APP_NAME} {__version__}"
        self.setWindowTitle(f"{title}（デモ）" if demo else title)
        self.resize(1280, 800)

        content = QWidget(self)
        form = load_form("main_window.ui", content)
        self.setCentralWidget(content)
        self.nav = child(form, QListWidget, "navList")
        self.stack = child(form, QStackedWidget, "pageStack")

        self.roster_service = RosterService(db)
        self.pages: dict[str, QWidget] = {}
        for number, spec in enumerate(PAGES, start=1):
            page = self._build_page(spec)
            self.pages[spec.key] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setToolTip(f"{spec.title} (Ctrl+{number})")
            self.nav.addItem(item)
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
            shortcut.activated.connect(lambda key=spec.key: self.show_page(key))
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        nav_font = self.nav.font()
        nav_font.setPointSizeF(nav_font.pointSizeF() * 1.15)
        self.nav.setFont(nav_font)

        kind = "SQLite" if db.is_sqlite else "PostgreSQL（共有）"
        self.database_label = QLabel(f"データベース: {db.display_name}（{kind}）")
        self.database_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addPermanentWidget(self.database_label)
        self.show_page("home")

    def _build_page(self, spec: PageSpec) -> QWidget:
        if spec.key == "roster":
            page = RosterPage(self.roster_service, self)
            page.status_message.connect(lambda text: self.statusBar().showMessage(text, STATUS_MESSAGE_MS))
            return page
        return PlaceholderPage(spec.title, spec.summary, list(spec.upcoming), self)

    def show_page(self, key: str) -> None:
        keys = [spec.key for spec in PAGES]
        self.nav.setCurrentRow(keys.index(key))

    def current_page_key(self) -> str:
        return PAGES[self.stack.currentIndex()].key

    @property
    def roster_page(self) -> RosterPage:
        page = self.pages["roster"]
        assert isinstance(page, RosterPage)
        return page

    def closeEvent(self, event: QCloseEvent) -> None:
        self._db.dispose()
        super().closeEvent(event)
