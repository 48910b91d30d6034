"""What the wizard and paper-entry tests share: a small framework in the database and stand-in message boxes."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.store.database import Database
from desktop.store.diagnosis_service import DiagnosisService
from desktop.store.framework_service import FrameworkService
from tests.domain.framework_data import small_framework


class Asked:
    """Stands in for QMessageBox.question / warning and remembers what was asked."""

    def __init__(self, answer: QMessageBox.StandardButton = QMessageBox.StandardButton.Yes) -> None:
        self.answer = answer
        self.texts: list[str] = []

    def __call__(self, parent: QWidget, title: str, text: str, *args: object) -> QMessageBox.StandardButton:
        self.texts.append(text)
        return self.answer


def small_framework_service(db: Database) -> DiagnosisService:
    frameworks = FrameworkService(db)
    frameworks.save(small_framework(), "test.json")
    return DiagnosisService(db, frameworks)


def saved(db: Database, diagnosis_id: int) -> dict[str, int]:
    """What another window (or the next start of the app) would read."""
    return DiagnosisService(db).state(diagnosis_id).answers
