"""PDFの確認画面: a PDF the app made, looked at before printing, printed, or opened in the PC's own viewer.

QtPdf (PDFium) draws the pages on screen and renders them for the printer, so
printing does not depend on a PDF viewer being installed on the clerk's PC.
The file is read into memory once: the preview never holds it open, so the
app (or the clerk) can write a new 診断結果票 over it while the preview shows
the old one (Windows refuses to replace a file another handle holds open).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QObject, QPointF, QRectF, QSize, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QShortcut,
    QWheelEvent,
)
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.forms import child, load_form

ZOOM_STEP = 1.25
MIN_ZOOM = 0.25
MAX_ZOOM = 6.0
# Pages are rendered for the printer at its own resolution, up to this: one
# A4 page at 600 dpi is a 4961 × 7016 image (~140 MB while it is drawn), and
# no office printer shows more detail than that for text and line charts.
MAX_PRINT_DPI = 600

_REASONS = {
    QPdfDocument.Error.FileNotFound: "ファイルが見つからないか、開けません。",
    QPdfDocument.Error.InvalidFileFormat: "PDFとして読めません。壊れているか、PDFではないファイルです。",
    QPdfDocument.Error.IncorrectPassword: "パスワードで保護されています。「既定のアプリで開く」で開いてください。",
    QPdfDocument.Error.UnsupportedSecurityScheme: "この暗号化方式には対応していません。「既定のアプリで開く」で開いてください。",
    QPdfDocument.Error.DataNotYetAvailable: "ファイルを最後まで読み込めませんでした。",
    QPdfDocument.Error.Unknown: "原因の分からないエラーで読み込めませんでした。",
}


class PdfLoadError(Exception):
    """A PDF that QtPdf cannot show; `message` is what the clerk reads."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        self.message = f"PDF「{path.name}」を開けません。\n{reason}\n\n場所: {path}"
        super().__init__(self.message)


def load_pdf(path: Path, parent: QObject | None = None) -> QPdfDocument:
    """The document, read whole into memory, or PdfLoadError saying why not."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise PdfLoadError(path, "ファイルが見つかりません。移動または削除された可能性があります。") from exc
    except OSError as exc:
        raise PdfLoadError(path, f"ファイルを読めません（{exc.strerror or exc}）。") from exc
    document = QPdfDocument(parent) if parent is not None else QPdfDocument()
    buffer = QBuffer(document)  # the document reads pages from it lazily: it lives as long as the document
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    error = document.error()
    if document.status() != QPdfDocument.Status.Ready or error != QPdfDocument.Error.None_:
        document.deleteLater()
        raise PdfLoadError(path, _REASONS.get(error, _REASONS[QPdfDocument.Error.Unknown]))
    if document.pageCount() < 1:
        document.deleteLater()
        raise PdfLoadError(path, "ページがありません。")
    return document


# --------------------------------------------------------------------------
# Printing
# --------------------------------------------------------------------------
def new_printer() -> QPrinter:
    """The system's default printer, set to A4 portrait (the paper every form of the app is made for)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    return printer


def pages_to_print(printer: QPrinter, page_count: int, current_page: int | None = None) -> list[int]:
    """0-based page indexes in printing order, from the range chosen in the print dialog."""
    chosen = printer.printRange()
    if chosen == QPrinter.PrintRange.PageRange and not printer.pageRanges().isEmpty():
        ranges = printer.pageRanges()
        pages = [index for index in range(page_count) if ranges.contains(index + 1)]
    elif chosen == QPrinter.PrintRange.CurrentPage and current_page is not None:
        pages = [current_page]
    else:
        pages = list(range(page_count))
    if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        pages.reverse()
    return pages


def _with_copies(printer: QPrinter, pages: list[int]) -> list[int]:
    # Printers that make the copies themselves get each page once (Qt passes on the count).
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    if copies == 1:
        return pages
    if printer.collateCopies():
        return pages * copies
    return [page for page in pages for _ in range(copies)]


def paint_page(painter: QPainter, printer: QPrinter, document: QPdfDocument, index: int) -> None:
    """Draw one page as large as the printable area allows, keeping its shape.

    A landscape page on portrait paper (or the reverse) is turned a quarter so
    it fills the sheet. The page is rendered at the printer's resolution
    (at most MAX_PRINT_DPI) and laid on white, so the printer gets an opaque
    image rather than one with an alpha channel.
    """
    area = printer.pageRect(QPrinter.Unit.DevicePixel)  # the painter's origin is its top-left corner
    points = document.pagePointSize(index)
    if points.isEmpty() or area.isEmpty():
        return
    turn = (points.width() > points.height()) != (area.width() > area.height())
    fit_w, fit_h = (points.height(), points.width()) if turn else (points.width(), points.height())
    scale = min(area.width() / fit_w, area.height() / fit_h)  # device pixels per point
    page_w, page_h = points.width() * scale, points.height() * scale
    factor = min(1.0, MAX_PRINT_DPI / max(1, printer.resolution()))
    size = QSize(max(1, round(page_w * factor)), max(1, round(page_h * factor)))
    options = QPdfDocumentRenderOptions()
    options.setRenderFlags(QPdfDocumentRenderOptions.RenderFlag.Annotations)
    image = document.render(index, size, options)
    if image.isNull():
        raise PrintError(f"{index + 1}ページ目を描画できませんでした。")
    # PDFium leaves the paper transparent: put white under it in place (no second page-sized image).
    under = QPainter(image)
    under.setCompositionMode(QPainter.CompositionMode.CompositionMode_DestinationOver)
    under.fillRect(image.rect(), Qt.GlobalColor.white)
    under.end()
    image.convertTo(QImage.Format.Format_RGB32)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, factor < 1.0)
    painter.translate(area.width() / 2, area.height() / 2)
    if turn:
        painter.rotate(90)
    painter.drawImage(QRectF(-page_w / 2, -page_h / 2, page_w, page_h), image)
    painter.restore()


class PrintError(RuntimeError):
    pass


def print_document(
    parent: QWidget | None,
    document: QPdfDocument,
    pages: Sequence[int],
    printer: QPrinter,
) -> bool:
    """Print `pages` (0-based) on a printer already set up; True when every page went out.

    Shows a progress dialog with 中止 for long documents. Errors are shown to
    the clerk and give False, as does 中止.
    """
    sequence = _with_copies(printer, list(pages))
    painter = QPainter()
    if not painter.begin(printer):
        _warn(
            parent,
            "印刷できません",
            "プリンターを使えませんでした。プリンターの電源と接続、選んだプリンターを確かめてください。",
        )
        return False
    progress = QProgressDialog("印刷しています…", "中止", 0, len(sequence), parent)
    progress.setWindowTitle("印刷")
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(400)
    progress.setAutoClose(False)
    progress.setValue(0)
    problem: str | None = None
    cancelled = False
    try:
        for done, index in enumerate(sequence):
            progress.setLabelText(f"印刷しています… {done + 1} / {len(sequence)} ページ")
            progress.setValue(done)  # a window-modal progress dialog processes events here
            if progress.wasCanceled():
                cancelled = True
                break
            if done and not printer.newPage():
                raise PrintError("次のページに進めませんでした。")
            paint_page(painter, printer, document, index)
            if printer.printerState() == QPrinter.PrinterState.Error:
                raise PrintError("プリンターがエラーを返しました。")
        progress.setValue(len(sequence))
    except PrintError as exc:
        problem = str(exc)
    finally:
        if cancelled or problem is not None:
            printer.abort()
        if painter.isActive():
            painter.end()
        progress.close()
        progress.deleteLater()
    if (cancelled or problem is not None) and printer.outputFileName():
        # Printing to a file cannot be aborted half-way: leave no half-printed file behind.
        Path(printer.outputFileName()).unlink(missing_ok=True)
    if problem is not None:
        _warn(parent, "印刷できません", f"印刷を中止しました。{problem}")
        return False
    return not cancelled


def ask_and_print(
    parent: QWidget | None,
    document: QPdfDocument,
    printer: QPrinter,
    current_page: int | None = None,
) -> bool:
    """The print dialog (page range, copies, printer), then the pages; False if nothing was printed."""
    count = document.pageCount()
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("印刷")
    dialog.setMinMax(1, count)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, current_page is not None)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
    finally:
        dialog.deleteLater()
    pages = pages_to_print(printer, count, current_page)
    if not pages:
        _warn(parent, "印刷できません", f"指定のページ範囲に、この PDF のページ（1〜{count}）がありません。")
        return False
    return print_document(parent, document, pages, printer)


def print_pdf(parent: QWidget | None, path: Path, *, printer: QPrinter | None = None) -> bool:
    """Print a PDF file through the print dialog, without showing it; True if it was printed.

    `printer` defaults to the system's default printer on A4 portrait. A file
    QtPdf cannot read is reported to the clerk and gives False.
    """
    path = Path(path)
    try:
        document = load_pdf(path)
    except PdfLoadError as exc:
        _warn(parent, "印刷できません", exc.message)
        return False
    try:
        if printer is None:
            printer = new_printer()
        printer.setDocName(path.name)
        return ask_and_print(parent, document, printer)
    finally:
        document.close()
        document.deleteLater()


def open_in_system_viewer(parent: QWidget | None, path: Path) -> bool:
    """Hand the file to the PC's own PDF application; the clerk is told if there is none."""
    path = Path(path)
    if not path.is_file():
        _warn(parent, "開けません", f"PDF「{path.name}」が見つかりません。\n\n場所: {path}")
        return False
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.resolve()))):
        return True
    _warn(
        parent,
        "開けません",
        f"PDF「{path.name}」を既定のアプリで開けませんでした。PDF を開くアプリがこの PC に設定されていない可能性があります。\n\n場所: {path}",
    )
    return False


def _warn(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


# --------------------------------------------------------------------------
# The preview dialog
# --------------------------------------------------------------------------
class PdfPreviewDialog(QDialog):
    """Every page of a PDF, scrolled through, fitted to the width; print, open elsewhere, close."""

    def __init__(
        self,
        path: Path,
        parent: QWidget | None = None,
        title: str | None = None,
        on_output: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = Path(path)
        # Told "印刷" or "既定のアプリで開く" once the pages have left the app (the audit log).
        self.on_output = on_output
        self.document: QPdfDocument | None = None
        self.load_error: str | None = None
        self._printer: QPrinter | None = None
        self._no_document = QPdfDocument(self)  # what the view shows when the file cannot be read
        self.setWindowTitle(f"{title or 'PDFの確認'} — {self.path.name}")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setSizeGripEnabled(True)
        self._fit_to_screen()

        form = load_form("pdf_preview.ui", self)
        self.zoom_in_button = child(form, QToolButton, "zoomInButton")
        self.zoom_out_button = child(form, QToolButton, "zoomOutButton")
        self.fit_width_button = child(form, QToolButton, "fitWidthButton")
        self.fit_page_button = child(form, QToolButton, "fitPageButton")
        self.previous_button = child(form, QToolButton, "previousPageButton")
        self.next_button = child(form, QToolButton, "nextPageButton")
        self.zoom_label = child(form, QLabel, "zoomLabel")
        self.page_label = child(form, QLabel, "pageLabel")
        self.message_label = child(form, QLabel, "messageLabel")
        self.print_button = child(form, QPushButton, "printButton")
        self.open_button = child(form, QPushButton, "openButton")
        self.close_button = child(form, QPushButton, "closeButton")

        host = child(form, QWidget, "viewHost")
        self.view = QPdfView(host)
        self.view.setAccessibleName("PDFのページ")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        palette = self.view.palette()  # the view paints around the pages with Dark: make the sheets stand out
        palette.setColor(QPalette.ColorRole.Dark, QColor("#8a8a8a"))
        self.view.setPalette(palette)
        host_layout = QVBoxLayout(host)
        host_layout.setContentsMargins(0, 0, 0, 0)
        host_layout.addWidget(self.view)
        self.view.viewport().installEventFilter(self)

        self.zoom_in_button.clicked.connect(self.zoom_in)
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.fit_width_button.clicked.connect(self.fit_width)
        self.fit_page_button.clicked.connect(self.fit_page)
        self.previous_button.clicked.connect(lambda: self.go_to_page(self.current_page() - 1))
        self.next_button.clicked.connect(lambda: self.go_to_page(self.current_page() + 1))
        self.print_button.clicked.connect(self.print_pages)
        self.open_button.clicked.connect(self.open_in_system_viewer)
        self.close_button.clicked.connect(self.reject)
        self.view.pageNavigator().currentPageChanged.connect(self._update_indicators)
        self.view.zoomFactorChanged.connect(self._update_indicators)
        self.view.zoomModeChanged.connect(self._update_indicators)
        for keys, slot in (
            (QKeySequence.StandardKey.Print, self.print_pages),
            (QKeySequence.StandardKey.ZoomIn, self.zoom_in),
            (QKeySequence("Ctrl+="), self.zoom_in),
            (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
            (QKeySequence("Ctrl+0"), self.fit_width),
        ):
            QShortcut(keys, self, slot)

        QWidget.setTabOrder(self.view, self.print_button)
        QWidget.setTabOrder(self.print_button, self.open_button)
        QWidget.setTabOrder(self.open_button, self.close_button)
        QWidget.setTabOrder(self.close_button, self.zoom_out_button)
        QWidget.setTabOrder(self.zoom_out_button, self.zoom_in_button)
        QWidget.setTabOrder(self.zoom_in_button, self.fit_width_button)
        QWidget.setTabOrder(self.fit_width_button, self.fit_page_button)
        QWidget.setTabOrder(self.fit_page_button, self.previous_button)
        QWidget.setTabOrder(self.previous_button, self.next_button)
        self.reload()
        self.view.setFocus()

    # ------------------------------------------------------------- loading
    def reload(self) -> bool:
        """(Re)read the file: a new PDF written over the old one shows at once."""
        try:
            document = load_pdf(self.path, self)
        except PdfLoadError as exc:
            self.load_error = exc.message
            self.message_label.setText(exc.message)
            self.message_label.setVisible(True)
            self.view.setVisible(False)
            self._set_document(None)
            return False
        self.load_error = None
        self.message_label.setVisible(False)
        self.view.setVisible(True)
        self._set_document(document)
        return True

    def _set_document(self, document: QPdfDocument | None) -> None:
        previous = self.document
        self.document = document
        self.view.setDocument(document if document is not None else self._no_document)
        if previous is not None:
            previous.close()
            previous.deleteLater()
        loaded = document is not None
        for widget in (
            self.print_button,
            self.zoom_in_button,
            self.zoom_out_button,
            self.fit_width_button,
            self.fit_page_button,
        ):
            widget.setEnabled(loaded)
        self.open_button.setEnabled(self.path.is_file())
        self._update_indicators()

    # ---------------------------------------------------------- navigation
    def page_count(self) -> int:
        return self.document.pageCount() if self.document is not None else 0

    def current_page(self) -> int:
        """0-based index of the page the view is on."""
        return self.view.pageNavigator().currentPage()

    def go_to_page(self, index: int) -> None:
        if self.document is None:
            return
        index = max(0, min(index, self.page_count() - 1))
        self.view.pageNavigator().jump(index, QPointF(), self.view.pageNavigator().currentZoom())
        self._update_indicators()

    def page_text(self) -> str:
        count = self.page_count()
        return f"{self.current_page() + 1} / {count} ページ" if count else ""

    # ---------------------------------------------------------------- zoom
    def zoom(self) -> float:
        """The scale the pages are drawn at: 1.0 is their printed size on this screen."""
        mode = self.view.zoomMode()
        if mode == QPdfView.ZoomMode.Custom or self.document is None:
            return self.view.zoomFactor()
        widest = max(self.document.pagePointSize(i).width() for i in range(self.page_count()))
        tallest = max(self.document.pagePointSize(i).height() for i in range(self.page_count()))
        per_point = self.view.logicalDpiX() / 72.0
        margins = self.view.documentMargins()
        viewport = self.view.viewport().size()
        by_width = (viewport.width() - margins.left() - margins.right()) / (widest * per_point)
        if mode == QPdfView.ZoomMode.FitToWidth:
            return max(0.01, by_width)
        by_height = (viewport.height() - margins.top() - margins.bottom()) / (tallest * per_point)
        return max(0.01, min(by_width, by_height))

    def set_zoom(self, factor: float) -> None:
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        self._rezoom(QPdfView.ZoomMode.Custom, factor)

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom() / ZOOM_STEP)

    def fit_width(self) -> None:
        self._rezoom(QPdfView.ZoomMode.FitToWidth)

    def fit_page(self) -> None:
        page = self.current_page()
        self._rezoom(QPdfView.ZoomMode.FitInView)
        self.go_to_page(page)  # the whole of the page the clerk was reading

    def _rezoom(self, mode: QPdfView.ZoomMode, factor: float | None = None) -> None:
        # QPdfView keeps the scroll offset in pixels, which after a zoom is
        # another place in the document: keep the point at the centre instead.
        bars = (self.view.horizontalScrollBar(), self.view.verticalScrollBar())
        centres = [
            (bar.value() + bar.pageStep() / 2) / max(1, bar.maximum() + bar.pageStep()) for bar in bars
        ]
        self.view.setZoomMode(mode)
        if factor is not None:
            self.view.setZoomFactor(factor)
        for bar, centre in zip(bars, centres, strict=True):
            bar.setValue(round(centre * (bar.maximum() + bar.pageStep()) - bar.pageStep() / 2))
        self._update_indicators()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._update_indicators()  # a fitted zoom changes with the window
        # Ctrl + mouse wheel zooms, as in every PDF viewer.
        if (
            event.type() == QEvent.Type.Wheel
            and isinstance(event, QWheelEvent)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            if event.angleDelta().y() > 0:
                self.zoom_in()
            elif event.angleDelta().y() < 0:
                self.zoom_out()
            return True
        return super().eventFilter(watched, event)

    def _update_indicators(self, *_: object) -> None:
        loaded = self.document is not None
        self.page_label.setText(self.page_text())
        self.zoom_label.setText(f"{round(self.zoom() * 100)}%" if loaded else "")
        mode = self.view.zoomMode()
        self.fit_width_button.setChecked(mode == QPdfView.ZoomMode.FitToWidth)
        self.fit_page_button.setChecked(mode == QPdfView.ZoomMode.FitInView)
        page = self.current_page()
        self.previous_button.setEnabled(loaded and page > 0)
        self.next_button.setEnabled(loaded and page < self.page_count() - 1)

    # ------------------------------------------------------------- actions
    def print_pages(self) -> bool:
        """The print dialog (the page on screen may be chosen as 現在のページ), then the pages."""
        if self.document is None:
            return False
        if self._printer is None:  # kept, so a second print starts from the printer chosen first
            self._printer = new_printer()
            self._printer.setDocName(self.path.name)
        printed = ask_and_print(self, self.document, self._printer, current_page=self.current_page())
        if printed and self.on_output is not None:
            self.on_output("印刷")
        return printed

    def open_in_system_viewer(self) -> bool:
        opened = open_in_system_viewer(self, self.path)
        if opened and self.on_output is not None:
            self.on_output("既定のアプリで開く")
        return opened

    def _fit_to_screen(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry() if screen is not None else None
        width, height = 820, 980
        if available is not None and not available.isEmpty():
            width = min(width, available.width() - 40)
            height = min(height, available.height() - 60)
        self.resize(max(480, width), max(400, height))


_open_previews: list[PdfPreviewDialog] = []


def show_pdf(
    parent: QWidget, path: Path, title: str | None = None, on_output: Callable[[str], None] | None = None
) -> None:
    """Show a PDF in a non-modal preview window that stays open while the clerk works on.

    A second call for the same file re-reads it and brings its window to the
    front. A file that cannot be shown is reported with its name and the reason.
    """
    path = Path(path)
    _open_previews[:] = [d for d in _open_previews if shiboken6.isValid(d) and d.isVisible()]
    for existing in _open_previews:
        if existing.path.resolve() == path.resolve():
            if not existing.reload():
                existing.close()
                _warn(parent, "PDFを表示できません", existing.load_error or "")
                return
            existing.showNormal()
            existing.raise_()
            existing.activateWindow()
            return
    dialog = PdfPreviewDialog(path, parent, title, on_output)
    if dialog.load_error is not None:
        message = dialog.load_error
        dialog.deleteLater()
        _warn(parent, "PDFを表示できません", message)
        return
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.setModal(False)
    _open_previews.append(dialog)  # a reference of our own: the window lives until it is closed
    dialog.finished.connect(lambda _result: _forget(dialog))
    dialog.show()


def _forget(dialog: PdfPreviewDialog) -> None:
    if dialog in _open_previews:
        _open_previews.remove(dialog)
