"""提出用出力: the Excel files an office sends upward, the template fill, and the lead prefecture's merge.

Every file is written off the UI thread behind a progress dialog with 中止;
a cancelled or failed write leaves nothing where the clerk expects a file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from desktop.domain.audit import AuditAction
from desktop.domain.dates import fiscal_year
from desktop.store.audit_log import recorded_output
from desktop.store.roster_service import RosterService
from desktop.submission_exports import KINDS
from desktop.ui.forms import child, load_form
from desktop.ui.progress_task import run_with_progress

if TYPE_CHECKING:
    from desktop.exchange.procurement_merge import MergeResult
    from desktop.store.column_mappings import ColumnMappings
    from desktop.store.database import Database

TITLE = "提出用出力"
MAX_PROBLEMS_SHOWN = 2000  # the saved workbook's 要確認 sheet holds them all


class ExportsPage(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._today = today or date.today()
        self.merged: MergeResult | None = None
        form = load_form("exports_page.ui", self)
        child(form, QLabel, "titleLabel").setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.year_combo = child(form, QComboBox, "yearCombo")
        self.organization_combo = child(form, QComboBox, "organizationCombo")
        self.wareki = child(form, QCheckBox, "warekiCheck")
        self.result_label = child(form, QLabel, "resultLabel")
        self.merge_summary = child(form, QLabel, "mergeSummaryLabel")
        self.merge_problems = child(form, QPlainTextEdit, "mergeProblemsEdit")
        self.save_merged_button = child(form, QPushButton, "saveMergedButton")
        this_year = fiscal_year(self._today)
        for year in range(this_year + 1, this_year - 5, -1):
            self.year_combo.addItem(f"{year}年度", year)
        self.year_combo.setCurrentIndex(1)
        self.organization_combo.addItem("すべての団体", None)
        for organization in RosterService(db).organizations():
            self.organization_combo.addItem(organization.name, organization.id)
        for name, kind in (
            ("procurementButton", "procurement"),
            ("effectButton", "effect"),
            ("recordsButton", "records"),
        ):
            child(form, QPushButton, name).clicked.connect(lambda _checked=False, k=kind: self.export(k))
        child(form, QPushButton, "templateButton").clicked.connect(self.fill_template)
        child(form, QPushButton, "mergeButton").clicked.connect(self.merge)
        self.save_merged_button.clicked.connect(self.save_merged)
        self.merge_mapping = child(form, QComboBox, "mergeMappingCombo")
        child(form, QPushButton, "mergeMappingButton").clicked.connect(self.add_merge_mapping)
        self._fill_merge_mappings()

    @classmethod
    def for_database(cls, db: Database, parent: QWidget) -> ExportsPage:
        return cls(db, parent)

    def apply_navigation(self, options: dict[str, Any]) -> None:
        if "fiscal_year" in options:
            self.year_combo.setCurrentIndex(max(0, self.year_combo.findData(options["fiscal_year"])))

    @property
    def fiscal_year(self) -> int:
        return int(self.year_combo.currentData())

    def _organization(self) -> tuple[int | None, str | None]:
        organization_id = self.organization_combo.currentData()
        return organization_id, (
            self.organization_combo.currentText() if organization_id is not None else None
        )

    def _suggested_name(self, what: str) -> str:
        _id, organization = self._organization()
        parts = [organization or "", f"{self.fiscal_year}年度", what, f"{self._today:%Y%m%d}"]
        return "_".join(part for part in parts if part) + ".xlsx"

    def ask_path(self, name: str) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "保存先", str(Path.home() / name), "Excel ブック (*.xlsx)"
        )
        if not chosen:
            return None
        return Path(chosen) if chosen.lower().endswith(".xlsx") else Path(f"{chosen}.xlsx")

    # -- the three exports ------------------------------------------------------------------

    def export(self, kind: str) -> None:
        out = self.ask_path(self._suggested_name(KINDS[kind].replace(" ", "")))
        if out is None:
            return
        year = self.fiscal_year
        organization_id, organization = self._organization()
        wareki = self.wareki.isChecked()

        def work(progress: Any) -> str:
            from desktop.submission_exports import write_export

            return write_export(
                self._db, kind, out, year, organization_id, organization, wareki=wareki, progress=progress
            )

        def done(summary: object) -> None:
            self._told(f"{out.name} に{year}年度の{KINDS[kind]}を書き出しました（{summary}）。")

        run_with_progress(self, f"{KINDS[kind]}を書き出しています…", 1, work, done, heading=TITLE)

    # -- the distributed template -----------------------------------------------------------

    def fill_template(self) -> None:
        from desktop.exchange.tabular import TableFileError
        from desktop.exchange.template_fill import inspect_template
        from desktop.store.template_mappings import TemplateMappings
        from desktop.ui.template_mapping_dialog import TemplateMappingDialog

        chosen, _ = QFileDialog.getOpenFileName(
            self, "配布されたひな形", str(Path.home()), "Excel ブック (*.xlsx *.xltx)"
        )
        if not chosen:
            return
        template = Path(chosen)
        try:
            info = inspect_template(template)
        except TableFileError as exc:
            QMessageBox.warning(self, TITLE, str(exc))
            return
        dialog = TemplateMappingDialog(info, TemplateMappings(self._db), self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.mapping is None:
            return
        out = self.ask_path(f"{template.stem}_{self._today:%Y%m%d}.xlsx")
        if out is None:
            return
        mapping = dialog.mapping
        year = self.fiscal_year
        organization_id, _name = self._organization()

        def work(progress: Any) -> int:
            from desktop.submission_exports import fill_procurement_template

            progress(0)
            return fill_procurement_template(self._db, template, out, mapping, year, organization_id)

        def done(count: object) -> None:
            self._told(f"{out.name} に、ひな形 {template.name} の書式のまま利用者{count}名を書き込みました。")

        run_with_progress(self, "ひな形に書き込んでいます…", 1, work, done, heading=TITLE)

    # -- the lead prefecture's merge --------------------------------------------------------

    def merge(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(
            self, "参加団体の利用者一覧", str(Path.home()), "利用者一覧 (*.xlsx *.csv)"
        )
        if chosen:
            self.merge_paths([Path(name) for name in chosen])

    def _merge_mappings(self) -> ColumnMappings:
        from desktop.store.column_mappings import ColumnMappings
        from desktop.ui.merge_mapping_dialog import KIND

        return ColumnMappings(self._db, KIND)

    def _fill_merge_mappings(self, chosen: str | None = None) -> None:
        self.merge_mapping.clear()
        self.merge_mapping.addItem("本アプリの形式・よくある見出し", None)
        for name in self._merge_mappings().names():
            self.merge_mapping.addItem(f"様式: {name}", name)
        self.merge_mapping.setCurrentIndex(max(0, self.merge_mapping.findData(chosen)))

    def add_merge_mapping(self) -> None:
        from desktop.ui.merge_mapping_dialog import MergeMappingDialog

        dialog = MergeMappingDialog(self._merge_mappings(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._fill_merge_mappings(dialog.saved_name)

    def merge_paths(self, paths: list[Path]) -> None:
        name = self.merge_mapping.currentData()
        mapping = self._merge_mappings().load(name) if name else None

        def work(progress: Any) -> MergeResult:
            from desktop.exchange.procurement_merge import merge_files

            result = merge_files(paths, mapping)
            progress(1)
            return result

        run_with_progress(self, "利用者一覧を読んでいます…", 1, work, self._merged, heading=TITLE)

    def _merged(self, result: object) -> None:
        from desktop.exchange.procurement_merge import MergeResult

        assert isinstance(result, MergeResult)
        self.merged = result
        organizations = {row.organization for row in result.rows}
        checks = [str(problem) for problem in result.problems] + [str(d) for d in result.duplicates]
        self.merge_summary.setText(
            f"{len(result.files_read)}ファイル・{len(organizations)}団体・{len(result.rows):,}名を取りまとめました。"
            f"重複したメールアドレス {len(result.duplicates)}件、不備のある行 {len(result.problems)}件。"
        )
        shown = checks[:MAX_PROBLEMS_SHOWN]
        if len(checks) > len(shown):
            shown.append(
                f"…ほか{len(checks) - len(shown)}件（保存した一覧の「要確認」シートにすべてあります）"
            )
        self.merge_problems.setPlainText("\n".join(shown) if shown else "確認が必要な行はありません。")
        self.save_merged_button.setEnabled(bool(result.rows))

    def save_merged(self) -> None:
        result = self.merged
        if result is None:
            return
        out = self.ask_path(f"共同調達_利用者一覧_取りまとめ_{self._today:%Y%m%d}.xlsx")
        if out is None:
            return

        def work(progress: Any) -> None:
            from desktop.exchange.procurement_book import write_merged_xlsx
            from desktop.store.import_common import current_user

            people = len(result.rows)
            with recorded_output(
                self._db,
                AuditAction.EXPORT,
                "共同調達 利用者一覧の取りまとめ",
                people=people,
                target=str(out),
            ):
                write_merged_xlsx(out, result, current_user(), self._today)
            progress(1)

        def done(_result: object) -> None:
            self._told(f"{out.name} に{len(result.rows):,}名の取りまとめ（要確認を含む）を書き出しました。")

        run_with_progress(self, "取りまとめた一覧を書き出しています…", 1, work, done, heading=TITLE)

    def _told(self, message: str) -> None:
        self.result_label.setText(message)
        QMessageBox.information(self, TITLE, message)
