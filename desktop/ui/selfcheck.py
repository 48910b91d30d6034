"""The GUI half of `selftest`: proves a bundle can build its window and show rows."""

from __future__ import annotations

import os
import time

from desktop.store.database import Database


def check_gui(db: Database, expected_rows: int) -> bool:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from desktop.ui.app import create_application
    from desktop.ui.fonts import UI_FAMILY
    from desktop.ui.main_window import MainWindow

    app = create_application()
    window = MainWindow()
    try:
        window.attach_database(db)
        window.show_page("roster")
        window.show()
        page = window.roster_page
        if page is None:
            return False
        deadline = time.monotonic() + 30
        while not page.loaded and time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.005)
        return page.loaded and page.proxy.rowCount() == expected_rows and app.font().family() == UI_FAMILY
    finally:
        window.close()
        window.deleteLater()
        QApplication.processEvents()
