"""設定: which database this is, and backing it up or putting a backup back.

A restore needs the database closed: the window's owner (ui/app.Startup)
closes it, releases the lock, restores, and opens it again; the page asks
through `restore_requested` and shows what came of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QPushButton, QWidget

from desktop.store.backup import backups_dir
from desktop.ui.forms import child, load_form
from desktop.ui.progress_task import run_with_progress

if TYPE_CHECKING:
    from desktop.store.database import Database

TITLE = "バックアップと復元"


class SettingsPage(QWidget):
    restore_requested = Signal(object)  # the backup file (Path) to put back

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        form = load_form("settings_page.ui", self)
        child(form, QLabel, "titleLabel").setStyleSheet("font-size: 16pt; font-weight: bold;")
        kind = "SQLite（このPCのファイル）" if db.is_sqlite else "PostgreSQL（共有サーバー）"
        state = "（読み取り専用で開いています）" if db.read_only else ""
        child(form, QLabel, "databaseLabel").setText(f"{kind}{state}\n{db.display_name}")
        info = child(form, QLabel, "backupInfoLabel")
        self.backup_button = child(form, QPushButton, "backupButton")
        self.restore_button = child(form, QPushButton, "restoreButton")
        self.backup_button.clicked.connect(self.backup)
        self.restore_button.clicked.connect(self.restore)
        child(form, QPushButton, "openFolderButton").clicked.connect(self.open_folder)
        if db.sqlite_path is None:
            info.setText("共有サーバー（PostgreSQL）のバックアップは、サーバーの pg_dump で取ってください。")
            for button in (self.backup_button, self.restore_button):
                button.setEnabled(False)
        else:
            info.setText(
                f"まなび台帳を閉じるたびに、その日のバックアップを自動で作ります（直近7日分と、4週分）。\n"
                f"保存先: {backups_dir()}"
            )
            self.restore_button.setEnabled(not db.read_only)

    @classmethod
    def for_database(cls, db: Database, parent: QWidget) -> SettingsPage:
        return cls(db, parent)

    def backup(self) -> None:
        path = self._db.sqlite_path
        assert path is not None
        chosen, _ = QFileDialog.getSaveFileName(
            self, "バックアップの保存先", str(Path.home() / f"{path.stem}-backup.sqlite"), "SQLite (*.sqlite)"
        )
        if not chosen:
            return
        out = Path(chosen) if chosen.lower().endswith(".sqlite") else Path(f"{chosen}.sqlite")

        def work(progress: Any) -> str:
            from desktop.domain.audit import AuditAction
            from desktop.store.audit_log import recorded_output
            from desktop.store.backup import backup_to

            with recorded_output(self._db, AuditAction.EXPORT, "データベースのバックアップ", target=str(out)):
                revision = backup_to(path, out)
            progress(1)
            return revision

        def done(_revision: object) -> None:
            QMessageBox.information(self, TITLE, f"{out.name} にバックアップを書き出しました。")

        run_with_progress(self, "バックアップを書き出しています…", 1, work, done, heading=TITLE)

    def restore(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "戻すバックアップ", str(backups_dir()), "SQLite (*.sqlite)"
        )
        if not chosen:
            return
        answer = QMessageBox.question(
            self,
            TITLE,
            f"{Path(chosen).name} の内容にデータベースを戻しますか？\n"
            "今の内容は、戻す前にバックアップのフォルダへ残します。",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.restore_requested.emit(Path(chosen))

    def open_folder(self) -> None:
        folder = backups_dir()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
