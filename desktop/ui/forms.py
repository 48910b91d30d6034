"""Loading forms/*.ui: layout lives in Designer files, behaviour in Python."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QFile, QIODevice, QObject
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.resources import form_path

W = TypeVar("W", bound=QObject)

_loader: QUiLoader | None = None


def _shared_loader() -> QUiLoader:
    # One loader for the whole app: building one scans Qt's plugin folders.
    global _loader
    if _loader is None:
        _loader = QUiLoader()
    return _loader


class FormError(RuntimeError):
    pass


def load_form(name: str, host: QWidget) -> QWidget:
    """Load forms/<name> and lay it out to fill `host`, which owns it from then on."""
    path = form_path(name)
    handle = QFile(str(path))
    if not handle.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FormError(f"form not found: {path}")
    try:
        loader = _shared_loader()
        form = loader.load(handle, host)
    finally:
        handle.close()
    if form is None:
        raise FormError(f"form could not be loaded: {path}: {loader.errorString()}")
    layout = host.layout() or QVBoxLayout(host)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(form)
    return form


def child(form: QWidget, kind: type[W], name: str) -> W:
    """A named widget of the form; a renamed widget fails loudly, not at first click."""
    found = form.findChild(kind, name)
    if found is None:
        raise FormError(f"{form.objectName()}: no {kind.__name__} named {name!r}")
    return found
