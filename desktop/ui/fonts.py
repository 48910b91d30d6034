"""The bundled BIZ UDGothic, registered so every PC shows the same Japanese glyphs."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop.resources import resource_path

UI_FAMILY = "BIZ UDGothic"
UI_POINT_SIZE = 10

log = logging.getLogger(__name__)


def register_fonts(app: QApplication) -> list[str]:
    """Register every TTF in resources/fonts and make BIZ UDGothic the app font."""
    families: set[str] = set()
    for path in sorted(resource_path("fonts").glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("font could not be registered: %s", path)
            continue
        families.update(QFontDatabase.applicationFontFamilies(font_id))
    if UI_FAMILY in families:
        app.setFont(QFont(UI_FAMILY, UI_POINT_SIZE))
    else:
        log.warning("bundled font %s missing; Japanese text may show as boxes", UI_FAMILY)
    return sorted(families)
