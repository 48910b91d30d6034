"""A page whose screens are not built yet: it says plainly what it will hold."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from desktop.ui.forms import child, load_form


class PlaceholderPage(QWidget):
    def __init__(self, title: str, summary: str, items: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = load_form("placeholder_page.ui", self)
        heading = child(form, QLabel, "titleLabel")
        heading.setText(title)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)
        child(form, QLabel, "statusLabel").setText(
            self.tr("このページはまだ準備中です。次の版で、ここで次のことができるようになります。")
        )
        bullets = "".join(f"\n　・{item}" for item in items)
        child(form, QLabel, "descriptionLabel").setText(f"{summary}\n{bullets}")
