"""Red marks on the fields a refused save names, and the reasons in one label under the form."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtWidgets import QLabel, QWidget

ERROR_STYLE = "border: 2px solid #c62828;"


class FieldMarks:
    """Marks fields by the names the service's ValidationFailed uses; "" names no field."""

    def __init__(self, label: QLabel, fields: Mapping[str, QWidget]) -> None:
        self.label = label
        self.fields = dict(fields)
        label.setStyleSheet("color: #c62828;")

    def clear(self) -> None:
        self.label.clear()
        for widget in self.fields.values():
            widget.setStyleSheet("")
            widget.setToolTip("")

    def show(self, problems: Sequence[tuple[str, str]]) -> None:
        """Mark every named field, list every reason, and put the cursor in the first marked field."""
        self.clear()
        self.label.setText("\n".join(message for _, message in problems))
        first: QWidget | None = None
        for field_name, message in problems:
            widget = self.fields.get(field_name)
            if widget is None:
                continue
            widget.setStyleSheet(ERROR_STYLE)
            widget.setToolTip(message)
            first = first or widget
        if first is not None:
            first.setFocus()
