"""PDFの確認画面: a real 診断結果票 shown, zoomed, printed to a PDF file and read back with poppler."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QMarginsF, QPoint, QPointF, QSize, Qt, QUrl
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageRanges, QPageSize, QPainter, QWheelEvent
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QProgressDialog, QWidget
from pytestqt.qtbot import QtBot
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas
from sqlalchemy import select

from desktop.domain.diagnosis import score_answers
from desktop.reports.diagnosis_sheet import ResultSheet, write_result_sheets
from desktop.store.database import Database
from desktop.store.models import AuditEntry
from desktop.ui import pdf_preview
from desktop.ui.pdf_preview import PdfPreviewDialog, load_pdf, print_pdf, show_pdf
from tests.reports import build_framework, knowledge_item, page_count, self_item

LEARNERS = ["A0001", "A0002", "A0003"]
PRINT_DPI = 100  # enough to compare pages; the default 1200 dpi of a PDF printer is slow for a test


@pytest.fixture(scope="module")
def sheets_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A three-page 診断結果票, one page per learner, as the app writes it."""
    framework = build_framework(
        [("data", "データとデジタル", "データ活用"), ("sec", "データとデジタル", "情報セキュリティ")],
        [
            self_item("DAT-01", "data", "表計算で集計できる。"),
            self_item("SEC-01", "sec", "パスワードを管理できる。"),
            knowledge_item("SEC-K1", "sec", "安全なものはどれか。", ["使い回す", "長くする"], 2),
        ],
        {"一般職員": {"data": 3, "sec": 2}},
    )
    # Answers far apart, so each page's radar chart and table tell the pages apart once printed.
    answers = [
        {"DAT-01": 1, "SEC-01": 1, "SEC-K1": 1},
        {"DAT-01": 4, "SEC-01": 2, "SEC-K1": 2},
        {"DAT-01": 2, "SEC-01": 4, "SEC-K1": 2},
    ]
    sheets = [
        ResultSheet(
            learner_number=number,
            learner_name=name,
            organization="みどり市",
            department="総務部 デジタル推進課",
            diagnosed_on=date(2025, 4, 10),
            kind_label="事後",
            framework_name=framework.name,
            framework_version=framework.version,
            role_name="一般職員",
            score=score_answers(framework, framework.roles[0], given),
            scale=framework.scale,
        )
        for number, name, given in zip(LEARNERS, ["髙橋 花子", "山﨑 一郎", "佐藤 健"], answers, strict=True)
    ]
    path = tmp_path_factory.mktemp("pdf") / "診断結果票.pdf"
    write_result_sheets(path, sheets, date(2025, 10, 20))
    return path


@pytest.fixture(scope="module")
def landscape_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One landscape A4 page, black on its left half only."""
    path = tmp_path_factory.mktemp("pdf") / "横向き.pdf"
    width, height = landscape(A4)
    sheet = canvas.Canvas(str(path), pagesize=(width, height))
    sheet.setFillColorRGB(0, 0, 0)
    sheet.rect(0, 0, width / 2, height, stroke=0, fill=1)
    sheet.showPage()
    sheet.save()
    return path


@pytest.fixture
def dialog(qtbot: QtBot, sheets_pdf: Path) -> PdfPreviewDialog:
    shown = PdfPreviewDialog(sheets_pdf, title="診断結果票")
    qtbot.addWidget(shown)
    shown.resize(800, 900)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    said: list[tuple[str, str]] = []

    def warning(_parent: QWidget | None, title: str, text: str, *_: object) -> QMessageBox.StandardButton:
        said.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warning)
    return said


@pytest.fixture
def print_dialog(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Callable[[QPrinter], None]]]:
    """QPrintDialog.exec accepts at once, after running the choices a test puts in the list."""
    choices: list[Callable[[QPrinter], None]] = []

    def accept(self: QPrintDialog) -> int:
        for choose in choices:
            choose(self.printer())
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    yield choices


def pdf_printer(path: Path, *, margins: bool = False) -> QPrinter:
    """Printing to a PDF file; without margins the printed sheet is the page itself, to compare with."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(PRINT_DPI)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    if not margins:
        printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    return printer


def rendered(path: Path, page: int, size: QSize | None = None) -> QImage:
    """One page as an opaque greyscale image, drawn at the test printer's resolution and then
    scaled down smoothly, so a printed (raster) page and its vector source look alike."""
    size = size or QSize(210, 297)
    document = load_pdf(path)
    try:
        points = document.pagePointSize(page)
        full = QSize(round(points.width() * PRINT_DPI / 72), round(points.height() * PRINT_DPI / 72))
        image = QImage(full, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.drawImage(0, 0, document.render(page, full))
        painter.end()
        return image.scaled(size, mode=Qt.TransformationMode.SmoothTransformation).convertToFormat(
            QImage.Format.Format_Grayscale8
        )
    finally:
        document.close()
        document.deleteLater()


def difference(a: QImage, b: QImage) -> float:
    """Mean absolute grey difference per pixel, 0–255."""
    assert a.size() == b.size() and a.format() == b.format() == QImage.Format.Format_Grayscale8
    width, line = a.width(), a.bytesPerLine()
    bits_a, bits_b = bytes(a.constBits()), bytes(b.constBits())
    total = 0
    for y in range(a.height()):
        row_a, row_b = bits_a[y * line : y * line + width], bits_b[y * line : y * line + width]
        total += sum(abs(p - q) for p, q in zip(row_a, row_b, strict=True))
    return total / (width * a.height())


def closest_page(printed: Path, printed_page: int, source: Path) -> int:
    """The source page a printed sheet shows: clearly closer to it than to any other."""
    image = rendered(printed, printed_page)
    scores = [difference(image, rendered(source, index)) for index in range(len(LEARNERS))]
    best, second = sorted(scores)[:2]
    assert best < 0.8 * second, scores
    return scores.index(best)


def wait_rendered(qtbot: QtBot) -> None:
    # QPdfView renders pages in the event loop; let it draw before looking.
    qtbot.wait(150)


# ------------------------------------------------------------------ showing


def test_preview_shows_every_page_fitted_to_the_width(qtbot: QtBot, dialog: PdfPreviewDialog) -> None:
    assert dialog.load_error is None
    assert dialog.page_count() == 3
    assert dialog.view.document().pageCount() == 3
    assert dialog.view.pageMode() == QPdfView.PageMode.MultiPage
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert dialog.fit_width_button.isChecked()
    assert dialog.page_label.text() == "1 / 3 ページ"
    assert "診断結果票" in dialog.windowTitle() and "診断結果票.pdf" in dialog.windowTitle()
    assert not dialog.previous_button.isEnabled() and dialog.next_button.isEnabled()

    dialog.next_button.click()
    qtbot.waitUntil(lambda: dialog.page_label.text() == "2 / 3 ページ")
    dialog.go_to_page(2)
    qtbot.waitUntil(lambda: dialog.page_label.text() == "3 / 3 ページ")
    assert not dialog.next_button.isEnabled() and dialog.previous_button.isEnabled()


def test_scrolling_moves_the_page_indicator(qtbot: QtBot, dialog: PdfPreviewDialog) -> None:
    bar = dialog.view.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: dialog.page_label.text() == "3 / 3 ページ")
    bar.setValue(0)
    qtbot.waitUntil(lambda: dialog.page_label.text() == "1 / 3 ページ")


def test_the_view_draws_the_pages(qtbot: QtBot, dialog: PdfPreviewDialog) -> None:
    wait_rendered(qtbot)
    shot = dialog.view.viewport().grab().toImage()
    # Dark ink of the heading and tables on the white sheet, not an empty grey area.
    dark = sum(
        1
        for y in range(0, shot.height(), 3)
        for x in range(0, shot.width(), 3)
        if shot.pixelColor(x, y).value() < 80
    )
    assert dark > 200


def test_zoom_buttons_change_the_zoom(qtbot: QtBot, dialog: PdfPreviewDialog) -> None:
    fitted = dialog.zoom()
    assert 0.5 < fitted < 2
    assert dialog.zoom_label.text() == f"{round(fitted * 100)}%"

    dialog.zoom_in_button.click()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.Custom
    assert dialog.view.zoomFactor() == pytest.approx(fitted * 1.25)
    assert dialog.zoom_label.text() == f"{round(fitted * 125)}%"
    assert not dialog.fit_width_button.isChecked()

    dialog.zoom_out_button.click()
    dialog.zoom_out_button.click()
    assert dialog.view.zoomFactor() == pytest.approx(fitted / 1.25)

    dialog.fit_page_button.click()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitInView
    assert dialog.zoom() < fitted  # a whole A4 page is narrower than the window
    dialog.fit_width_button.click()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert dialog.zoom() == pytest.approx(fitted)


def test_zoom_stays_within_bounds_and_follows_ctrl_wheel(qtbot: QtBot, dialog: PdfPreviewDialog) -> None:
    for _ in range(20):
        dialog.zoom_in()
    assert dialog.view.zoomFactor() == pdf_preview.MAX_ZOOM
    for _ in range(30):
        dialog.zoom_out()
    assert dialog.view.zoomFactor() == pdf_preview.MIN_ZOOM

    viewport = dialog.view.viewport()
    centre = QPointF(viewport.rect().center())
    wheel = QWheelEvent(
        centre,
        QPointF(viewport.mapToGlobal(centre.toPoint())),
        QPoint(),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, wheel)
    assert dialog.view.zoomFactor() == pytest.approx(pdf_preview.MIN_ZOOM * 1.25)


# ----------------------------------------------------------------- printing


def test_printing_sends_every_page_filling_the_paper(
    qtbot: QtBot, dialog: PdfPreviewDialog, sheets_pdf: Path, tmp_path: Path, print_dialog: list[object]
) -> None:
    out = tmp_path / "印刷.pdf"
    printer = pdf_printer(out)
    dialog._printer = printer
    assert dialog.print_pages() is True
    assert page_count(out) == 3
    for index in range(3):
        # No margins: the printed sheet is the page itself, at the same place and size.
        assert difference(rendered(out, index), rendered(sheets_pdf, index)) < 1
        assert closest_page(out, index, sheets_pdf) == index


def test_printing_keeps_the_page_shape_inside_the_printable_area(
    sheets_pdf: Path, tmp_path: Path, print_dialog: list[object], warnings: list[tuple[str, str]]
) -> None:
    out = tmp_path / "余白あり.pdf"
    printer = pdf_printer(out, margins=True)  # Qt's default margins, about 10 mm round the sheet
    area = printer.pageRect(QPrinter.Unit.DevicePixel)
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    assert area.width() < paper.width()
    assert print_pdf(None, sheets_pdf, printer=printer) is True
    assert warnings == []
    # Page 1 drawn into the printable area, scaled by the same factor both ways.
    size = QSize(round(paper.width()), round(paper.height()))
    image = rendered(out, 0, size)
    scale = min(area.width() / 595.28, area.height() / 841.89)
    width, height = round(595.28 * scale), round(841.89 * scale)
    left = round(area.left() + (area.width() - width) / 2)
    top = round(area.top() + (area.height() - height) / 2)
    expected = rendered(sheets_pdf, 0, QSize(width, height))
    placed = image.copy(left, top, width, height)
    assert difference(placed, expected) < 3.5  # 3 px off gives over 4
    assert all(
        image.pixelColor(x, 2).value() > 250 for x in range(0, image.width(), 7)
    )  # the margin stays white


def test_a_page_range_prints_only_those_pages(
    dialog: PdfPreviewDialog, sheets_pdf: Path, tmp_path: Path, print_dialog: list[Callable[[QPrinter], None]]
) -> None:
    out = tmp_path / "範囲.pdf"

    def pages_2_to_3(printer: QPrinter) -> None:
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(2, 3)

    print_dialog.append(pages_2_to_3)
    dialog._printer = pdf_printer(out)
    assert dialog.print_pages() is True
    assert page_count(out) == 2
    assert [closest_page(out, i, sheets_pdf) for i in range(2)] == [1, 2]


def test_pages_one_and_three_then_the_current_page(
    qtbot: QtBot,
    dialog: PdfPreviewDialog,
    sheets_pdf: Path,
    tmp_path: Path,
    print_dialog: list[Callable[[QPrinter], None]],
) -> None:
    def pages_1_and_3(printer: QPrinter) -> None:
        ranges = QPageRanges()
        ranges.addPage(1)
        ranges.addPage(3)
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setPageRanges(ranges)

    out = tmp_path / "1と3.pdf"
    print_dialog.append(pages_1_and_3)
    assert print_pdf(None, sheets_pdf, printer=pdf_printer(out)) is True
    assert [closest_page(out, i, sheets_pdf) for i in range(page_count(out))] == [0, 2]

    print_dialog.clear()
    print_dialog.append(lambda printer: printer.setPrintRange(QPrinter.PrintRange.CurrentPage))
    dialog.go_to_page(1)
    qtbot.waitUntil(lambda: dialog.current_page() == 1)
    out = tmp_path / "現在.pdf"
    dialog._printer = pdf_printer(out)
    assert dialog.print_pages() is True
    assert page_count(out) == 1
    assert closest_page(out, 0, sheets_pdf) == 1


def test_copies_the_printer_cannot_make_are_printed_collated(
    sheets_pdf: Path, tmp_path: Path, print_dialog: list[Callable[[QPrinter], None]]
) -> None:
    out = tmp_path / "2部.pdf"
    printer = pdf_printer(out)
    assert not printer.supportsMultipleCopies()
    printer.setCopyCount(2)
    printer.setCollateCopies(True)
    assert print_pdf(None, sheets_pdf, printer=printer) is True
    assert [closest_page(out, i, sheets_pdf) for i in range(page_count(out))] == [0, 1, 2, 0, 1, 2]


def test_a_landscape_page_is_turned_to_fill_portrait_paper(
    landscape_pdf: Path, tmp_path: Path, print_dialog: list[object]
) -> None:
    out = tmp_path / "横.pdf"
    printer = pdf_printer(out)
    assert print_pdf(None, landscape_pdf, printer=printer) is True
    assert page_count(out) == 1
    image = rendered(out, 0)
    assert image.width() < image.height()
    # The black left half of the landscape page is the top half of the portrait sheet (turned clockwise).
    assert image.pixelColor(105, 60).value() < 30
    assert image.pixelColor(105, 240).value() > 225


def test_cancelling_the_print_dialog_prints_nothing(
    monkeypatch: pytest.MonkeyPatch, sheets_pdf: Path, tmp_path: Path
) -> None:
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QDialog.DialogCode.Rejected.value)
    out = tmp_path / "なし.pdf"
    assert print_pdf(None, sheets_pdf, printer=pdf_printer(out)) is False
    assert not out.exists()


def test_stopping_half_way_leaves_no_printed_file(
    monkeypatch: pytest.MonkeyPatch, sheets_pdf: Path, tmp_path: Path, print_dialog: list[object]
) -> None:
    # 中止 pressed once the first page has gone.
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: self.value() >= 1)
    out = tmp_path / "中止.pdf"
    assert print_pdf(None, sheets_pdf, printer=pdf_printer(out)) is False
    assert not out.exists()


def test_an_empty_page_range_is_explained(
    sheets_pdf: Path,
    tmp_path: Path,
    print_dialog: list[Callable[[QPrinter], None]],
    warnings: list[tuple[str, str]],
) -> None:
    def pages_7_to_9(printer: QPrinter) -> None:
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(7, 9)

    print_dialog.append(pages_7_to_9)
    out = tmp_path / "範囲外.pdf"
    assert print_pdf(None, sheets_pdf, printer=pdf_printer(out)) is False
    assert warnings and "1〜3" in warnings[0][1]
    assert not out.exists()


def test_pages_to_print_in_reverse_order() -> None:
    printer = QPrinter()
    printer.setPageOrder(QPrinter.PageOrder.LastPageFirst)
    assert pdf_preview.pages_to_print(printer, 3) == [2, 1, 0]


# ----------------------------------------------------- files that cannot be read


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("壊れた結果票.pdf", b"%PDF-1.4\nthis is not really a PDF", "PDFとして読めません"),
        ("空.pdf", b"", "PDFとして読めません"),
        ("ない.pdf", None, "見つかりません"),
    ],
)
def test_an_unreadable_file_is_named_with_the_reason(
    qtbot: QtBot,
    tmp_path: Path,
    warnings: list[tuple[str, str]],
    print_dialog: list[object],
    name: str,
    content: bytes | None,
    reason: str,
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    parent = QWidget()
    qtbot.addWidget(parent)

    show_pdf(parent, path)
    assert len(warnings) == 1
    title, text = warnings[0]
    assert title == "PDFを表示できません"
    assert f"PDF「{name}」を開けません。" in text and reason in text and str(path) in text
    assert not [w for w in parent.findChildren(PdfPreviewDialog) if w.isVisible()]

    assert print_pdf(parent, path) is False
    assert warnings[1][0] == "印刷できません" and reason in warnings[1][1]


def test_the_dialog_itself_says_why_and_offers_no_printing(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "壊れた.pdf"
    path.write_bytes(b"not a pdf")
    dialog = PdfPreviewDialog(path)
    qtbot.addWidget(dialog)
    assert dialog.load_error is not None and "壊れた.pdf" in dialog.load_error
    assert dialog.message_label.text() == dialog.load_error
    assert not dialog.print_button.isEnabled()
    assert dialog.page_label.text() == ""


# ------------------------------------------------------- the system's own viewer


def test_open_in_the_system_viewer_hands_over_the_file_url(
    monkeypatch: pytest.MonkeyPatch,
    dialog: PdfPreviewDialog,
    sheets_pdf: Path,
    warnings: list[tuple[str, str]],
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(pdf_preview.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    dialog.open_button.click()
    assert opened == [QUrl.fromLocalFile(str(sheets_pdf.resolve()))]
    assert opened[0].isLocalFile() and Path(opened[0].toLocalFile()) == sheets_pdf.resolve()
    assert warnings == []


def test_no_viewer_on_the_pc_is_explained(
    monkeypatch: pytest.MonkeyPatch, dialog: PdfPreviewDialog, warnings: list[tuple[str, str]]
) -> None:
    monkeypatch.setattr(pdf_preview.QDesktopServices, "openUrl", lambda url: False)
    assert dialog.open_in_system_viewer() is False
    assert "既定のアプリで開けませんでした" in warnings[0][1]


# ------------------------------------------------------------------ show_pdf


def test_show_pdf_keeps_one_non_modal_window_per_file(
    qtbot: QtBot, sheets_pdf: Path, landscape_pdf: Path, tmp_path: Path
) -> None:
    path = tmp_path / "結果票.pdf"
    path.write_bytes(sheets_pdf.read_bytes())
    parent = QWidget()
    qtbot.addWidget(parent)
    show_pdf(parent, path, title="診断結果票")
    gc.collect()  # the window is kept alive by show_pdf, not by a local variable here
    shown = [w for w in parent.findChildren(PdfPreviewDialog) if w.isVisible()]
    assert len(shown) == 1
    first = shown[0]
    assert not first.isModal()
    assert first.page_count() == 3

    # The same file again, written anew meanwhile: the same window, re-read.
    path.write_bytes(landscape_pdf.read_bytes())
    show_pdf(parent, path)
    assert [w for w in parent.findChildren(PdfPreviewDialog) if w.isVisible()] == [first]
    assert first.page_count() == 1
    assert first.page_label.text() == "1 / 1 ページ"

    first.close_button.click()
    qtbot.waitUntil(lambda: not pdf_preview._open_previews)


def test_the_preview_does_not_keep_the_file_open(qtbot: QtBot, sheets_pdf: Path) -> None:
    # Read into memory: on Windows an open handle would stop the app writing a new PDF over it.
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        pytest.skip("needs /proc to list open files")
    preview = PdfPreviewDialog(sheets_pdf)
    qtbot.addWidget(preview)
    assert preview.page_count() == 3
    opened = set()
    for fd in fds.iterdir():
        try:
            opened.add(Path(fd.readlink()))
        except OSError:
            continue
    assert sheets_pdf.resolve() not in opened


# ------------------------------------------------------------------ the audit log


def test_printing_or_opening_from_the_preview_is_logged(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    sheets_pdf: Path,
    sqlite_db: Database,
    warnings: list[tuple[str, str]],
) -> None:
    from desktop.ui.plan_printing_ui import output_recorder

    shown = PdfPreviewDialog(
        sheets_pdf, title="学習計画書", on_output=output_recorder(sqlite_db, "学習計画書", 3)
    )
    qtbot.addWidget(shown)
    monkeypatch.setattr(pdf_preview, "ask_and_print", lambda *args, **kwargs: False)
    assert shown.print_pages() is False  # cancelled: nothing left the app, nothing logged
    monkeypatch.setattr(pdf_preview, "ask_and_print", lambda *args, **kwargs: True)
    assert shown.print_pages() is True
    monkeypatch.setattr(pdf_preview.QDesktopServices, "openUrl", lambda url: True)
    assert shown.open_in_system_viewer() is True
    with sqlite_db.transaction() as session:
        logged = [(e.action, e.entity_label, e.detail) for e in session.scalars(select(AuditEntry))]
    assert logged == [
        ("print", "学習計画書", "3人分　プレビューから印刷"),
        ("print", "学習計画書", "3人分　プレビューから既定のアプリで開く"),
    ]
