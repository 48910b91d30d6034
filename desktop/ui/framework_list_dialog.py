"""診断フレームワークの管理: which framework new diagnoses use, editing, copying, import and export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop.domain.framework_edit import copy_as_new, free_id
from desktop.store.errors import UserFacingError
from desktop.store.framework_service import FrameworkInfo, FrameworkSaved, FrameworkService
from desktop.ui.forms import child, load_form

_HEADERS = ["名称", "コード", "版", "回答済みの診断", "状態", "登録元"]


class FrameworkListDialog(QDialog):
    def __init__(self, service: FrameworkService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._infos: list[FrameworkInfo] = []
        self.changed = False  # the page reloads when the framework in use may differ
        self.setWindowTitle("診断フレームワークの管理")
        self.resize(900, 420)
        form = load_form("framework_list_dialog.ui", self)
        self.table = child(form, QTableWidget, "frameworkTable")
        self.table.setColumnCount(len(_HEADERS))
        self.table.setHorizontalHeaderLabels(_HEADERS)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.use_button = child(form, QPushButton, "useButton")
        self.edit_button = child(form, QPushButton, "editButton")
        for name, slot in (
            ("useButton", self.use_selected),
            ("editButton", self.edit_selected),
            ("copyButton", self.copy_selected),
            ("importButton", self.import_file),
            ("exportButton", self.export_selected),
        ):
            child(form, QPushButton, name).clicked.connect(slot)
        buttons = child(form, QDialogButtonBox, "buttonBox")
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("閉じる")
        buttons.rejected.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        self._service.current()  # a fresh database stores the bundled framework first
        self._infos = self._service.frameworks()
        self.table.setRowCount(len(self._infos))
        for row, info in enumerate(self._infos):
            state = "使用中" if info.in_use else ("最新版" if info.latest else "旧版（結果の参照用）")
            cells = [
                info.name,
                info.code,
                f"第{info.framework_version}版",
                f"{info.diagnosis_count}件",
                state,
                info.source or "アプリ同梱",
            ]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        chosen = next((r for r, i in enumerate(self._infos) if i.id == select_id), None)
        if chosen is None:
            chosen = next((r for r, i in enumerate(self._infos) if i.in_use), 0)
        if self._infos:
            self.table.selectRow(chosen)
        self._update_buttons()

    def selected(self) -> FrameworkInfo | None:
        row = self.table.currentRow()
        return self._infos[row] if 0 <= row < len(self._infos) else None

    def _update_buttons(self) -> None:
        info = self.selected()
        # Only the newest version is edited: an edit of an older one would silently undo later changes.
        self.edit_button.setEnabled(info is not None and info.latest)
        self.use_button.setEnabled(info is not None and not info.in_use)

    # -- actions -------------------------------------------------------------------

    def use_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        try:
            self._service.use(info.code)
        except UserFacingError as exc:
            QMessageBox.warning(self, "診断フレームワーク", exc.message)
            return
        self.changed = True
        self.reload(info.id)
        QMessageBox.information(
            self, "診断フレームワーク", f"これから始める診断は「{info.name}」の最新版で行います。"
        )

    def edit_selected(self) -> None:
        info = self.selected()
        if info is None or not info.latest:
            return
        data = self._service.load(info.id).to_data()
        self._open_editor(data, is_new=False, answered=info.diagnosis_count)

    def copy_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        codes = {i.code for i in self._infos}
        code = free_id(codes, f"{info.code[:24]}-own")
        data = copy_as_new(self._service.load(info.id).to_data(), code, f"{info.name}（独自）")
        self._open_editor(data, is_new=True, answered=0)

    def _open_editor(self, data: dict[str, object], *, is_new: bool, answered: int) -> None:
        from desktop.ui.framework_editor import FrameworkEditor

        editor = FrameworkEditor(
            self._service,
            data,
            is_new=is_new,
            answered=answered,
            taken_codes={i.code for i in self._infos},
            parent=self,
        )
        if editor.exec() and editor.saved is not None:
            self._after_save(editor.saved)

    def _after_save(self, saved: FrameworkSaved) -> None:
        self.changed = True
        self.reload(saved.id)
        info = self.selected()
        if info is not None and not info.in_use:
            answer = QMessageBox.question(
                self, "診断フレームワーク", f"「{info.name}」をこれから始める診断に使いますか？"
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.use_selected()

    def import_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "診断フレームワークを取り込む", "", "診断フレームワーク (*.json *.xlsx)"
        )
        if not name:
            return
        try:
            saved = self._service.import_file(Path(name))
        except UserFacingError as exc:
            QMessageBox.warning(self, "取り込めません", exc.message)
            return
        QMessageBox.information(self, "取り込みました", saved.message)
        self._after_save(saved)

    def export_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        suggested = str(Path.home() / f"{info.code}_v{info.framework_version}.xlsx")
        name, _ = QFileDialog.getSaveFileName(self, "書き出し先", suggested, "Excel (*.xlsx);;JSON (*.json)")
        if not name:
            return
        try:
            self._service.export_file(info.id, Path(name))
        except UserFacingError as exc:
            QMessageBox.warning(self, "書き出せません", exc.message)
            return
        QMessageBox.information(self, "書き出しました", f"{Path(name).name} に書き出しました。")
