"""The GUI half of `selftest`: proves a bundle can build its window, show rows, and show and print PDFs."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.store.database import Database

if TYPE_CHECKING:
    from PySide6.QtGui import QImage


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


def _sample_pdf(folder: Path) -> Path:
    """One A4 page, black on its top half: what a working renderer must show."""
    from PySide6.QtCore import QMarginsF, QRect, Qt
    from PySide6.QtGui import QPageSize, QPainter, QPdfWriter

    path = folder / "selftest.pdf"
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0))
    writer.setResolution(72)
    painter = QPainter(writer)
    try:
        page = painter.viewport()
        painter.fillRect(QRect(0, 0, page.width(), page.height() // 2), Qt.GlobalColor.black)
    finally:
        painter.end()
    return path


def _application() -> None:
    # Writing and printing PDFs paints on paint devices, which need the application object.
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop.ui.app import create_application

    create_application()


def _top_black_bottom_clear(image: QImage) -> bool:
    # PDFium leaves the paper transparent: ink is opaque black, the rest has no alpha.
    top = image.pixelColor(image.width() // 2, image.height() // 4)
    bottom = image.pixelColor(image.width() // 2, image.height() * 3 // 4)
    return top.alpha() > 200 and top.value() < 60 and (bottom.alpha() < 60 or bottom.value() > 200)


def check_pdf(folder: Path) -> bool:
    """QtPdf is in the bundle: a PDF loads and its page 1 renders (the PDF preview needs both)."""
    from PySide6.QtCore import QSize

    from desktop.ui.pdf_preview import load_pdf

    _application()
    document = load_pdf(_sample_pdf(folder))
    try:
        image = document.render(0, QSize(120, 170))
        return document.pageCount() == 1 and not image.isNull() and _top_black_bottom_clear(image)
    finally:
        document.close()


def check_printing(folder: Path) -> bool:
    """QtPrintSupport is in the bundle: page 1 printed the preview's way to a PDF file reads back the same."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtPrintSupport import QPrinter

    from desktop.ui.pdf_preview import load_pdf, new_printer, paint_page

    _application()
    source = load_pdf(_sample_pdf(folder))
    printed_path = folder / "selftest-printed.pdf"
    printer = new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed_path))
    printer.setResolution(72)
    painter = QPainter()
    try:
        if not painter.begin(printer):
            return False
        paint_page(painter, printer, source, 0)
    finally:
        if painter.isActive():
            painter.end()
        source.close()
    printed = load_pdf(printed_path)
    try:
        return printed.pageCount() == 1 and _top_black_bottom_clear(printed.render(0, QSize(120, 170)))
    finally:
        printed.close()
